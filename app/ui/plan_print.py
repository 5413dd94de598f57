"""Printing the plan: the page setup, the pages drawn from the plan PDF, and a print preview whose
«Печать…» button comes first in its toolbar, so a narrow window never hides it behind »."""
from __future__ import annotations

from .qt import QtCore, QtGui, QtPrintSupport, QtWidgets

Qt = QtCore.Qt


def setup_printer(printer, landscape: bool) -> None:
    """A4 with no margins of its own: the pages come laid out from the PDF."""
    orientation = (QtGui.QPageLayout.Orientation.Landscape if landscape
                   else QtGui.QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setPageLayout(QtGui.QPageLayout(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4), orientation,
                                            QtCore.QMarginsF(0, 0, 0, 0)))


PRINT_MEMORY = 256 * 1024 * 1024  # bytes of page images the print preview may hold at once


def print_dpi(pages: int, page_points: tuple[float, float], top: int = 200, floor: int = 120) -> int:
    """Resolution of the page images sent to the printer: `top` for an ordinary plan; lower for a
    long one, since the print preview keeps every page image in memory (32 bits a pixel)."""
    w, h = page_points
    fits = (PRINT_MEMORY / (max(1, pages) * w * h * 4)) ** 0.5 * 72
    return max(floor, min(top, int(fits)))


def render_pdf_pages(qtpdf, printer, pdf, dpi: int | None = None) -> int:
    """Draw every page of a PDF onto the printer (rendered by QtPdf); returns the page count."""
    doc = qtpdf.QPdfDocument()
    doc.load(str(pdf))
    count = doc.pageCount()
    if count == 0:
        return 0
    if dpi is None:
        first = doc.pagePointSize(0)
        dpi = print_dpi(count, (first.width(), first.height()))
    painter = QtGui.QPainter(printer)
    try:
        for page in range(count):
            if page:
                printer.newPage()
            size = doc.pagePointSize(page)
            image = doc.render(page, QtCore.QSize(int(size.width() * dpi / 72), int(size.height() * dpi / 72)))
            area = painter.viewport()
            scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QtCore.QRect(area.topLeft(), scaled), image)
    finally:
        painter.end()
        doc.close()
    return count


def plan_html(plan: dict, tree: list[dict]) -> str:
    """The appendix as HTML for a QTextDocument (printing when QtPdf is not available)."""
    from html import escape

    from app.core.deadlines import format_date_long
    from app.core.reports.plan_pdf import columns_for, order_line

    columns = columns_for(plan, tree)
    out = ["<div align='right'><p>", escape(order_line(plan)), "</p><p><b>УТВЕРЖДАЮ</b><br/>",
           escape(plan["approver_position"]), "<br/>____________ ", escape(plan["approver_name"]), "<br/>",
           escape(format_date_long(plan["order_date"])), "</p></div>",
           f"<h3 align='center'>{escape(plan['title'])}</h3>",
           "<table border='1' cellspacing='0' cellpadding='3' width='100%'><thead><tr>"]
    out += [f"<th>{escape(h)}</th>" for _, h, _ in columns]
    out.append("</tr></thead>")
    for sec in tree:
        if sec["title"]:
            out.append(f"<tr><td colspan='{len(columns)}'><b>{escape(sec['number'] + ' ' + sec['title'])}</b></td></tr>")
        for item in sec["items"]:
            cells = "".join(f"<td>{escape(item[key] or '')}</td>" for key, _, _ in columns)
            out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "".join(out)


def render_text_document(printer, plan: dict, tree: list[dict]) -> int:
    doc = QtGui.QTextDocument()
    doc.setHtml(plan_html(plan, tree))
    doc.print_(printer)
    return doc.pageCount()


class PlanPrintPreview(QtPrintSupport.QPrintPreviewDialog):
    """Qt's print preview, laid out for small screens: «Печать…» with its caption at the front of
    the toolbar, the orientation buttons gone (the plan decides it), and a size that fits the screen."""

    def __init__(self, printer, parent=None):
        super().__init__(printer, parent)
        self.toolbar = self.findChild(QtWidgets.QToolBar)
        actions = [a for a in self.toolbar.actions() if not a.isSeparator()]
        # Qt builds the toolbar in a fixed order; «Печать» is its last button
        self.print_action = actions[-1]
        self.print_action.setText("Печать…")
        self.print_action.setToolTip("Напечатать план на выбранном принтере")
        self.toolbar.removeAction(self.print_action)
        first = self.toolbar.actions()[0]
        self.toolbar.insertAction(first, self.print_action)
        self.toolbar.insertSeparator(first)
        button = self.toolbar.widgetForAction(self.print_action)
        if isinstance(button, QtWidgets.QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setObjectName("printButton")
            button.setStyleSheet("font-weight: 600;")
        if len(actions) == 17:          # portrait and landscape follow the zoom buttons
            for action in actions[5:7]:
                action.setVisible(False)
        self.fit_to_screen(parent)

    def fit_to_screen(self, parent=None) -> None:
        screen = (parent.screen() if parent is not None else None) or QtGui.QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.resize(min(980, max(480, area.width() - 40)), min(780, max(360, area.height() - 60)))
