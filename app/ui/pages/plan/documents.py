"""The plan as documents: PDF and XLSX of the plan, the execution report, printing."""
from __future__ import annotations

from pathlib import Path

from app.core import plan as core
from app.ui import qt as qt_module
from app.ui.plan_widgets import PlanPrintPreview, render_pdf_pages, render_text_document, setup_printer
from app.ui.qt import QtPrintSupport, QtWidgets


class PlanDocuments:
    """Part of PlanPage (see app.ui.pages.plan.page)."""

    # ------------------------------------------------------------------ documents
    def _ask_path(self, caption: str, name: str, filters: str) -> str:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, caption, str(Path.home() / name), filters)
        return path

    def export_pdf(self, path: str | None = None) -> None:
        from app.core.reports.plan_pdf import write_plan_pdf

        path = path or self._ask_path("План — PDF", "План мероприятий.pdf", "PDF (*.pdf)")
        if path:
            pid = self.plan_id
            self.ctx.run_task(lambda db, progress, cancel: write_plan_pdf(db, path, plan_id=pid, progress=progress,
                                                                         cancel=cancel),
                              title="Формирование PDF плана…", on_done=self._saved, parent=self)

    def export_xlsx(self, path: str | None = None) -> None:
        from app.core.reports.plan_xlsx import write_plan_xlsx

        path = path or self._ask_path("План — XLSX", "План мероприятий.xlsx", "Книга Excel (*.xlsx)")
        if path:
            pid = self.plan_id
            self.ctx.run_task(lambda db, progress, cancel: write_plan_xlsx(db, path, plan_id=pid),
                              title="Формирование XLSX плана…", on_done=self._saved, parent=self)

    def export_report(self, path: str | None = None, period: str | None = "ask") -> None:
        from app.core.reports.execution import write_execution_report

        if period == "ask":
            choices = [("", "Весь план")] + [(self.f_quarter.itemData(i), self.f_quarter.itemText(i))
                                             for i in range(1, self.f_quarter.count())]
            label, ok = QtWidgets.QInputDialog.getItem(self, "Отчёт об исполнении", "Период:",
                                                       [c[1] for c in choices], 0, False)
            if not ok:
                return
            period = dict((b, a) for a, b in choices)[label] or None
        path = path or self._ask_path("Отчёт об исполнении", "Отчёт об исполнении плана.pdf",
                                      "PDF (*.pdf);;Книга Excel (*.xlsx)")
        if path:
            pid = self.plan_id
            self.ctx.run_task(lambda db, progress, cancel: write_execution_report(db, path, period=period,
                                                                                 plan_id=pid),
                              title="Формирование отчёта…", on_done=self._saved, parent=self)

    def _saved(self, path) -> None:
        self._status_message(f"Файл сохранён: {path}")
        self.last_saved = Path(path)

    def _status_message(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QtWidgets.QMainWindow):
            window.statusBar().showMessage(text, 8000)

    # ------------------------------------------------------------------ print
    def print_document(self) -> None:
        """Файл → Печать…: a print preview of the signed appendix."""
        dialog = self.make_print_preview()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def make_print_preview(self) -> QtPrintSupport.QPrintPreviewDialog | None:
        if self.ctx.db is None or self.plan_id is None:
            QtWidgets.QMessageBox.information(self, "Объектив", "Нет плана для печати.")
            return None
        from app.core.reports.plan_pdf import write_plan_pdf

        pdf = Path(self._temp_dir.name) / "plan-print.pdf"
        write_plan_pdf(self.ctx.db, pdf, plan_id=self.plan_id)
        from app.core.reports.plan_pdf import is_roadmap

        printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, is_roadmap(core.get_plan(self.ctx.db, self.plan_id), self._tree_data))
        dialog = PlanPrintPreview(printer, self)
        self._printer = printer  # the dialog does not own its printer: a freed one crashed the preview
        dialog.setWindowTitle("Печать плана мероприятий")
        dialog.paintRequested.connect(lambda p: self.render_pages(p, pdf))
        return dialog

    def render_pages(self, printer, pdf: Path) -> int:
        """Draw the pages of the plan PDF on a printer (QtPdf), or the table as a text document."""
        qtpdf = getattr(qt_module, "QtPdf", None)
        if qtpdf is not None:
            return render_pdf_pages(qtpdf, printer, pdf)
        return render_text_document(printer, core.get_plan(self.ctx.db, self.plan_id), self._tree_data)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._temp_dir.cleanup()
        super().closeEvent(event)
