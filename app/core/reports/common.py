"""What every document of «Объектив» shares: PDF page setup with «Страница N из M», paragraph
styles in a Cyrillic TrueType font found at run time, and XLSX styles, widths and print setup.

PDFs are built with reportlab (A4, margins of an official document), XLSX with openpyxl; every
file goes to a temporary name beside the target and is renamed into place.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from ..fonts import register_reportlab_fonts
from ..fsutil import atomic_path

PORTRAIT = A4
LANDSCAPE = landscape(A4)
# Margins of a school order's appendix: wide left edge for binding.
MARGINS = {"left": 25 * mm, "right": 12 * mm, "top": 15 * mm, "bottom": 18 * mm}
GRID_COLOR = colors.black
SECTION_FILL = colors.Color(0.90, 0.90, 0.90)
HEADER_FILL = colors.Color(0.95, 0.95, 0.95)
OVERDUE_COLOR = colors.Color(0.70, 0.0, 0.0)


# ---------------------------------------------------------------- PDF

@lru_cache(maxsize=1)
def pdf_styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the found Cyrillic font: body, cell, cell_bold, cell_center,
    header_cell, section, title, subtitle, right, right_bold, small."""
    regular, bold = register_reportlab_fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=11, leading=13.5)
    cell = ParagraphStyle("cell", parent=base, fontSize=9.5, leading=11.5)
    return {
        "body": base,
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=bold),
        "cell_center": ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        "header_cell": ParagraphStyle("header_cell", parent=cell, fontName=bold, alignment=TA_CENTER),
        "section": ParagraphStyle("section", parent=cell, fontName=bold, fontSize=10, leading=12),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=13, leading=16,
                                alignment=TA_CENTER, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, spaceAfter=2),
        "right": ParagraphStyle("right", parent=base, alignment=TA_LEFT),
        "right_bold": ParagraphStyle("right_bold", parent=base, fontName=bold),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=10.5),
        "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
        "footer": ParagraphStyle("footer", parent=base, fontSize=8.5, alignment=TA_RIGHT),
    }


def esc(text: str | None) -> str:
    """Escape text for a reportlab Paragraph, keeping line breaks as <br/>."""
    text = escape((text or "").strip())
    return text.replace("\r\n", "\n").replace("\n", "<br/>")


def para(text: str | None, style: str = "cell") -> Paragraph:
    return Paragraph(esc(text), pdf_styles()[style])


def numbered_canvas(footer_left: str = "") -> type:
    """A canvas class that writes «Страница N из M» at the foot of every page (two passes over
    the saved page states, so M is known), with an optional short text on the left."""
    regular = register_reportlab_fonts()[0]

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = self._pagesize
            self.saveState()
            self.setFont(regular, 8.5)
            y = MARGINS["bottom"] / 2
            self.drawRightString(width - MARGINS["right"], y,
                                 f"Страница {self._pageNumber} из {total}")
            if footer_left:
                self.drawString(MARGINS["left"], y, footer_left[:110])
            self.restoreState()

    return NumberedCanvas


def school_name(school: dict | None) -> str:
    """The school as a document names it: the full name, else the short one."""
    school = school or {}
    return (school.get("full_name") or school.get("short_name") or "").strip()


def build_pdf(out: str | Path, story: list, *, pagesize=PORTRAIT, title: str = "",
              subject: str = "", author: str = "", footer_left: str = "") -> Path:
    """Lay out `story` into `out` (temp name, then rename) with page numbers at the foot.

    The metadata say what the document is: `title` names the document, `author` is the school
    (never a person, a login or a computer)."""
    out = Path(out)
    with atomic_path(out) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=pagesize, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"], title=title,
            subject=subject, author=author, creator="Объектив", lang="ru-RU")
        doc.build(story, canvasmaker=numbered_canvas(footer_left))
    return out


def fit_columns(shares: list[float], columns_text: list[list[tuple[str, str]]], total: float,
                *, padding: float = 7.0, cap: float = 0.35) -> list[float]:
    """Column widths from shares of `total`, widened so the longest word of every column fits
    (no word is cut in the middle); the extra is taken from the columns with room to spare.
    columns_text[i] is a list of (text, style name) pairs of column i."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    st = pdf_styles()
    widths = [total * s for s in shares]
    need = []
    for texts in columns_text:
        longest = 0.0
        for style in {s for _, s in texts}:
            # Words are parted by spaces and line breaks only: a no-break space binds its parts into one word.
            words = {w for text, s in texts if s == style for w in (text or "").replace("\n", " ").split(" ") if w}
            font, size = st[style].fontName, st[style].fontSize
            for word in sorted(words, key=len, reverse=True)[:12]:  # widths follow lengths closely
                longest = max(longest, stringWidth(word, font, size))
        need.append(min(longest + padding, total * cap))
    for _ in range(4):
        short = sum(max(0.0, n - w) for n, w in zip(need, widths))
        if short <= 0.5:
            break
        spare = [max(0.0, w - n) for n, w in zip(need, widths)]
        room = sum(spare)
        if room <= 0:
            break
        take = min(short, room)
        widths = [max(w, n) if n > w else w - take * sp / room for w, n, sp in zip(widths, need, spare)]
    scale = total / sum(widths)
    return [w * scale for w in widths]


class FlowTable(Table):
    """A table that breaks between rows, never leaves a section heading (a row whose first cell
    is in the 'section' style) at the foot of a page, and splits a row across pages only when
    that row is taller than a whole page. So long text is never cut off and no row is split
    needlessly."""

    MIN_ROOM = 40.0  # points: less than this left on a page is not worth starting a giant row
    KEEP_ROWS = 2    # rows that go to the next page with what follows the table (a signature)

    def __init__(self, data, *args, frame_height: float | None = None,
                 continuations: dict[int, tuple[int, object]] | None = None,
                 tail_height: float = 0.0, **kwargs):
        """continuations: {row: (column, cell)} — a cell shown instead of the row's own when that
        row opens a page (a merged-looking «Задачи» cell repeats its text on the next page).
        tail_height: the height of what must stand on the same page as the table's last rows
        (the signature of a report); when it does not fit there, the last KEEP_ROWS rows move to
        the next page with it, so a signature never stands alone."""
        kwargs.setdefault("splitByRow", 1)
        kwargs.setdefault("splitInRow", 1)
        super().__init__(data, *args, **kwargs)
        self.frame_height = frame_height
        self.continuations = dict(continuations or {})
        self.tail_height = tail_height

    def _header_rows(self) -> int:
        return self.repeatRows if isinstance(self.repeatRows, int) else max(self.repeatRows) + 1

    def _can_carry(self, height: float) -> bool:
        """Whether moving rows (or the whole table) can bring the tail beside the last rows."""
        if len(self._rowHeights) - self._header_rows() > self.KEEP_ROWS:
            return True
        return self.frame_height is None or height + self.tail_height <= self.frame_height

    def wrap(self, availWidth, availHeight):  # noqa: N802 - reportlab API
        width, height = super().wrap(availWidth, availHeight)
        if self.tail_height and height <= availHeight < height + self.tail_height and self._can_carry(height):
            return width, availHeight + 1    # the frame then asks split() where to break
        return width, height

    def _is_heading(self, row: int) -> bool:
        first = self._cellvalues[row][0]
        return isinstance(first, Paragraph) and first.style.name == "section"

    def split(self, availWidth, availHeight):  # noqa: N802 - reportlab API
        self._calc(availWidth, availHeight)
        heights = self._rowHeights
        used, stuck = 0.0, len(heights)
        for i, h in enumerate(heights):
            if used + h > availHeight:
                stuck = i
                break
            used += h
        rep = self._header_rows()
        if stuck == len(heights):
            if not self.tail_height or used + self.tail_height <= availHeight or not self._can_carry(used):
                return [self]
            stuck = len(heights) - self.KEEP_ROWS     # the rows fit, the tail does not: carry rows
        elif self.tail_height:
            stuck = min(stuck, len(heights) - self.KEEP_ROWS)
        if stuck < rep:
            return []
        head = sum(heights[:rep])
        giant = self.frame_height is not None and heights[stuck] + head > self.frame_height - 1
        if giant and availHeight - used >= self.MIN_ROOM:
            parts = self._splitRows(availHeight, doInRowSplit=1)
        else:
            cut = stuck
            while cut - 1 >= rep and self._is_heading(cut - 1):
                cut -= 1
            parts = self._splitRows(sum(heights[:cut]) + 0.01, doInRowSplit=0) if cut > rep else []
            if len(parts) == 2:
                self._carry_continuations(parts[1], cut, rep)
        for part in parts:
            part.frame_height = self.frame_height
            part.tail_height = 0.0
        if parts:
            parts[-1].tail_height = self.tail_height
        return parts

    def _carry_continuations(self, rest: "FlowTable", cut: int, rep: int) -> None:
        """The part after a break between rows: rows from `cut` on follow the repeated header."""
        rest.continuations = {r - cut + rep: v for r, v in self.continuations.items() if r >= cut}
        opening = rest.continuations.get(rep)
        if opening is not None:
            col, cell = opening
            row = list(rest._cellvalues[rep])  # a copy: the row list is shared with this table
            row[col] = cell
            rest._cellvalues[rep] = row  # the part is laid out later, so heights are measured with it


def frame_height(pagesize) -> float:
    return pagesize[1] - MARGINS["top"] - MARGINS["bottom"] - 12  # the frame's own padding


def frame_width(pagesize) -> float:
    return pagesize[0] - MARGINS["left"] - MARGINS["right"]


# ---------------------------------------------------------------- XLSX

THIN = "thin"


def xlsx_styles() -> dict:
    """openpyxl style objects: fonts, fills, borders and alignments used by our tables."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    side = Side(style=THIN, color="000000")
    return {
        "font": Font(name="Times New Roman", size=11),
        "font_bold": Font(name="Times New Roman", size=11, bold=True),
        "font_title": Font(name="Times New Roman", size=13, bold=True),
        "font_small": Font(name="Times New Roman", size=9),
        "font_overdue": Font(name="Times New Roman", size=11, bold=True, color="B00000"),
        "border": Border(left=side, right=side, top=side, bottom=side),
        "header_fill": PatternFill("solid", fgColor="F2F2F2"),
        "section_fill": PatternFill("solid", fgColor="E6E6E6"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "wrap_center": Alignment(wrap_text=True, vertical="top", horizontal="center"),
        "header": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        "left": Alignment(wrap_text=True, vertical="top", horizontal="left"),
        "title": Alignment(wrap_text=True, vertical="center", horizontal="center"),
    }


def set_widths(ws, widths: Iterable[float]) -> None:
    """Column widths in Excel character units, first column A."""
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def text_lines(text: str | None, width_chars: float) -> int:
    """How many lines `text` takes in a wrapped cell `width_chars` wide (an estimate that
    errs on the generous side, since Excel does not grow wrapped rows by itself)."""
    usable = max(4.0, width_chars * 1.05 - 1.5)
    lines = 0
    for part in (text or "").split("\n"):
        lines += max(1, math.ceil(len(part) / usable))
    return lines


def fit_row_height(ws, row: int, texts: list[str | None], widths: list[float],
                   *, line_pt: float = 15.0, minimum: float = 15.0) -> None:
    """Set the row height so every wrapped cell of the row shows in full."""
    lines = max((text_lines(t, w) for t, w in zip(texts, widths)), default=1)
    ws.row_dimensions[row].height = max(minimum, lines * line_pt + 3)


def header_word_chars(word: str) -> float:
    """Width (in Excel character units) a bold header word needs to stay on one line."""
    return len(word) * 1.12 + 1.5


def fit_header_words(ws, headers: list[str], widths: list[float]) -> list[float]:
    """Widen every column whose header holds a word wider than the column, so a header never
    breaks inside a word in Excel or LibreOffice; returns the widths now set."""
    out = []
    for text, width in zip(headers, widths):
        need = max((header_word_chars(w) for w in (text or "").replace("\n", " ").split(" ") if w), default=0)
        out.append(max(width, need))
    set_widths(ws, out)
    return out


def setup_print(ws, *, landscape_mode: bool = True, header_rows: tuple[int, int] | None = None,
                fit_width: bool = True) -> None:
    """A4 print setup: orientation, margins, fit to page width, repeated header rows,
    page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape_mode else "portrait"
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    ws.page_margins.left, ws.page_margins.right = 0.8, 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    if header_rows:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    ws.oddFooter.right.text = "Страница &P из &N"
    ws.oddFooter.right.size = 9
    ws.print_options.horizontalCentered = True


def save_workbook(wb, out: str | Path) -> Path:
    """Save through the one XLSX writer (user text as text; temporary name, then rename)."""
    from ..xlsx_safe import save

    return save(wb, out)


def write_cell(ws, row: int, col: int, value, *, font=None, align=None, border=None, fill=None):
    """Write a cell through the one XLSX writer: text is stored as text, never as a formula."""
    from ..xlsx_safe import put

    return put(ws, row, col, value, font=font, align=align, border=border, fill=fill)


ProgressFn = Callable[[int, int], None] | None
