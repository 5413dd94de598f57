"""The schedule as the school publishes it (XLSX) and as the appendix to the order (PDF).

XLSX, sheet «График»: the «УТВЕРЖДАЮ» block, a legend of levels, then month by month a grid of classes
down and school days across, each cell the short names of the subjects written that day, coloured by
level (федеральный, региональный, школьный); sheet «Список»: one row a procedure in the columns the
schedule import reads, so the published table can be loaded back. Landscape A4, fitted to the width.

PDF: the appendix to the director's order — «Приложение к приказу», «УТВЕРЖДАЮ», the title, and per
class the list of its procedures (date, lesson, subject, form, level).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import schedule as sch
from . import store
from .errors import UserError
from .schedule_rules import WEEKDAYS_SHORT, ru_date

LEVEL_COLORS = {"federal": "F4CCCC", "regional": "FFF2CC", "school": "D9EAD3"}   # red, yellow, green tints
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")
ABBREVIATIONS = {
    "Русский язык": "РЯ", "Литература": "Лит", "Литературное чтение": "ЛЧ", "Математика": "Мат",
    "Алгебра": "Алг", "Геометрия": "Гео", "Вероятность и статистика": "ВиС", "Информатика": "Инф",
    "История": "Ист", "Обществознание": "Общ", "География": "Геог", "Биология": "Био", "Физика": "Физ",
    "Химия": "Хим", "Английский язык": "Англ", "Иностранный язык": "ИЯ", "Немецкий язык": "Нем",
    "Окружающий мир": "ОМ", "Музыка": "Муз", "Изобразительное искусство": "ИЗО", "Технология": "Тех",
    "Труд (технология)": "Труд", "Физическая культура": "ФК",
    "Основы безопасности и защиты Родины": "ОБЗР", "ОБЖ": "ОБЖ", "Математика (базовый уровень)": "Мат(б)",
    "Математика (профильный уровень)": "Мат(п)",
}


def abbreviation(subject: str, short_names: dict[str, str] | None = None) -> str:
    if short_names and short_names.get(subject):
        return short_names[subject]
    return ABBREVIATIONS.get(subject) or subject.split()[0][:4] + "."


def subject_short_names(db) -> dict[str, str]:
    return {r["name"]: r["short_name"] for r in store.rows(db, "SELECT name, short_name FROM subject")
            if r["short_name"] and len(r["short_name"]) <= 7}


def guard_output(db, out: str | Path, suffix: str) -> Path:
    """Refuse an output that would replace the open database or a file of another kind."""
    out = Path(out)
    if out.suffix.lower() != suffix:
        raise UserError(f"Файл «{out.name}»: нужно расширение {suffix}.")
    db_file = next((r[2] for r in db.execute("PRAGMA database_list") if r[1] == "main"), "")
    if db_file and out.exists() and out.resolve() == Path(db_file).resolve():
        raise UserError(f"Файл «{out.name}» — открытая база школы; выберите другое имя файла.")
    if out.exists():
        with open(out, "rb") as fh:
            head = fh.read(16)
        if head.startswith(b"SQLite format 3"):
            raise UserError(f"Файл «{out.name}» — база данных, а не {suffix}; выберите другое имя файла.")
    return out


def _school_days(start: dt.date, end: dt.date, used: set[str]) -> list[dt.date]:
    days, d = [], start
    while d <= end:
        if d.isoweekday() <= 5 or d.isoformat() in used:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def _months(items: list[dict], meta: dict) -> list[tuple[int, int]]:
    start = dt.date.fromisoformat(min([meta["period_start"], *(i["date"] for i in items)]))
    end = dt.date.fromisoformat(max([meta["period_end"], *(i["date"] for i in items)]))
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _data(db, year):
    y = sch.resolve_year(db, year)
    return y, sch.get_meta(db, y["id"]), sch.list_items(db, y["id"]), store.school_row(db)


# -- XLSX ------------------------------------------------------------------------------------------

def write_schedule_xlsx(db, out, *, year=None) -> Path:
    from openpyxl import Workbook

    from .reports.common import save_workbook

    out = guard_output(db, out, ".xlsx")
    y, meta, items, school = _data(db, year)
    wb = Workbook()
    grid = wb.active
    grid.title = "График"
    _fill_grid(grid, db, meta, items, school)
    _fill_list(wb.create_sheet("Список"), meta, items)
    wb.properties.title = meta["title"]
    wb.properties.creator = school.get("full_name") or school.get("short_name") or ""   # whose, not which program
    return save_workbook(wb, out)


def _fill_grid(ws, db, meta, items, school) -> None:
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    from .reports.common import setup_print, write_cell, xlsx_styles
    from .reports.plan_pdf import _default_position, order_line

    st = xlsx_styles()
    short = subject_short_names(db)
    classes = sorted({i["class_label"] for i in items} | set(sch.class_labels(db, meta["year_id"])),
                     key=sch.class_sort_key)
    used = {i["date"] for i in items}
    months = _months(items, meta) if items else []
    width = max([len(_school_days(dt.date(yy, mm, 1), _month_end(yy, mm), used)) for yy, mm in months] or [22])
    ncols = width + 1
    ws.column_dimensions["A"].width = 9
    for c in range(2, ncols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 6.2
    # the approval block on the right
    first = max(2, ncols - 9)
    name = meta.get("approver_name") or school.get("director") or ""
    lines = [order_line(meta), "", "УТВЕРЖДАЮ", meta.get("approver_position") or _default_position(school),
             f"_________________ {name}".rstrip(), sch.ru_date(meta["order_date"]) if meta.get("order_date")
             else "«____» ______________ 20___ г."]
    for r, text in enumerate(lines, start=1):
        write_cell(ws, r, first, text, font=st["font_bold"] if text == "УТВЕРЖДАЮ" else st["font"], align=st["left"])
        ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=ncols)
    row = len(lines) + 2
    write_cell(ws, row, 1, meta["title"], font=st["font_title"], align=st["title"])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 20
    row += 1
    write_cell(ws, row, 1, f"{school.get('full_name') or ''}", font=st["font"], align=st["title"])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 30
    row += 2
    row = _legend(ws, row, ncols, st, items, short)
    fills = {k: PatternFill("solid", fgColor=v) for k, v in LEVEL_COLORS.items()}
    by_cell: dict[tuple[str, str], list[dict]] = {}
    for it in items:
        by_cell.setdefault((it["class_label"], it["date"]), []).append(it)
    small = st["font_small"]
    from openpyxl.worksheet.pagebreak import Break

    for n, (yy, mm) in enumerate(months):
        days = _school_days(dt.date(yy, mm, 1), _month_end(yy, mm), used)
        if n:                                   # every month on a page of its own
            ws.row_breaks.append(Break(id=row - 1))
        write_cell(ws, row, 1, f"{MONTHS[mm - 1]} {yy}", font=st["font_bold"], fill=st["section_fill"],
                   border=st["border"])
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(days) + 1)   # as wide as its grid
        row += 1
        write_cell(ws, row, 1, "Класс", font=st["font_bold"], align=st["header"], border=st["border"],
                   fill=st["header_fill"])
        for c, d in enumerate(days, start=2):
            write_cell(ws, row, c, f"{d.day}\n{WEEKDAYS_SHORT[d.isoweekday() - 1]}", font=small, align=st["header"],
                       border=st["border"], fill=st["header_fill"])
        ws.row_dimensions[row].height = 26
        row += 1
        for label in classes:
            write_cell(ws, row, 1, label, font=st["font_bold"], align=st["wrap_center"], border=st["border"])
            lines_here = 1
            for c, d in enumerate(days, start=2):
                here = by_cell.get((label, d.isoformat()), [])
                text = "\n".join(abbreviation(i["subject"], short) for i in here) or None
                fill = fills.get(here[0]["level"]) if here else None
                write_cell(ws, row, c, text, font=small, align=st["wrap_center"], border=st["border"], fill=fill)
                lines_here = max(lines_here, len(here))
            ws.row_dimensions[row].height = max(15, 12 * lines_here + 3)
            row += 1
        row += 1
    ws.freeze_panes = "B1"
    setup_print(ws, landscape_mode=True)
    ws.print_area = f"A1:{get_column_letter(ncols)}{row}"


def _legend(ws, row, ncols, st, items, short) -> int:
    from openpyxl.styles import PatternFill

    from .reports.common import write_cell

    write_cell(ws, row, 1, "Условные обозначения:", font=st["font_bold"])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=min(ncols, 6))
    row += 1
    for level, label in sch.LEVELS.items():
        write_cell(ws, row, 2, None, fill=PatternFill("solid", fgColor=LEVEL_COLORS[level]), border=st["border"])
        write_cell(ws, row, 4, f"{label} уровень", font=st["font"])
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=min(ncols, 9))
        row += 1
    names = sorted({i["subject"] for i in items})
    if names:
        text = "; ".join(f"{abbreviation(n, short)} — {n}" for n in names)
        write_cell(ws, row, 1, f"Сокращения: {text}.", font=st["font_small"], align=st["left"])
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.row_dimensions[row].height = 12 * max(1, len(text) // 150 + 1) + 4
        row += 1
    return row + 1


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


LIST_HEADERS = ("№", "Класс", "Предмет", "Дата", "Урок", "Форма", "Уровень", "Длительность")


def _fill_list(ws, meta, items) -> None:
    from .reports.common import set_widths, setup_print, write_cell, xlsx_styles

    st = xlsx_styles()
    write_cell(ws, 1, 1, meta["title"], font=st["font_title"])
    for c, h in enumerate(LIST_HEADERS, start=1):
        write_cell(ws, 3, c, h, font=st["font_bold"], align=st["header"], border=st["border"], fill=st["header_fill"])
    ordered = sorted(items, key=lambda i: (sch.class_sort_key(i["class_label"]), i["date"], i.get("lesson") or 0))
    for n, it in enumerate(ordered, start=1):
        values = (n, it["class_label"], it["subject"], dt.date.fromisoformat(it["date"]), it.get("lesson"),
                  it["form"], sch.LEVELS[it["level"]], it.get("duration") or 1)
        for c, v in enumerate(values, start=1):
            cell = write_cell(ws, 3 + n, c, v, font=st["font"], align=st["left"], border=st["border"])
            if c == 4:
                cell.number_format = "DD.MM.YYYY"
    set_widths(ws, (6, 8, 28, 12, 7, 30, 15, 13))
    ws.freeze_panes = "A4"
    setup_print(ws, landscape_mode=False, header_rows=(3, 3))


# -- PDF ------------------------------------------------------------------------------------------------

def write_schedule_pdf(db, out, *, year=None) -> Path:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, TableStyle

    from .reports.common import (GRID_COLOR, HEADER_FILL, SECTION_FILL, FlowTable, PORTRAIT, build_pdf, esc,
                                 frame_width, pdf_styles)
    from .reports.plan_pdf import approval_block, order_line

    out = guard_output(db, out, ".pdf")
    y, meta, items, school = _data(db, year)
    st = pdf_styles()
    frame = frame_width(PORTRAIT)
    story = [approval_block(meta, school, min(95 * mm, frame * 0.55)), Spacer(1, 6 * mm),
             Paragraph(esc(meta["title"]), st["title"]),
             Paragraph(esc(school.get("full_name") or ""), st["subtitle"]),
             Paragraph(esc(f"Период: {ru_date(meta['period_start'])} – {ru_date(meta['period_end'])}"), st["subtitle"]),
             Spacer(1, 4 * mm)]
    shares = (0.06, 0.17, 0.08, 0.25, 0.29, 0.15)
    header = ["№", "Дата", "Урок", "Предмет", "Форма работы", "Уровень"]
    data = [[Paragraph(h, st["header_cell"]) for h in header]]
    style = [("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    n = 0
    for label in sorted({i["class_label"] for i in items}, key=sch.class_sort_key):
        data.append([Paragraph(esc(f"{label} класс"), st["section"]), "", "", "", "", ""])
        r = len(data) - 1
        style += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_FILL)]
        for it in sorted((i for i in items if i["class_label"] == label), key=lambda i: (i["date"], i.get("lesson") or 0)):
            n += 1
            d = dt.date.fromisoformat(it["date"])
            lesson = str(it["lesson"]) if it.get("lesson") else "—"
            if (it.get("duration") or 1) > 1 and it.get("lesson"):
                lesson = f"{it['lesson']}–{it['lesson'] + it['duration'] - 1}"
            data.append([Paragraph(str(n), st["cell_center"]),
                         Paragraph(f"{ru_date(it['date'])}, {WEEKDAYS_SHORT[d.isoweekday() - 1]}", st["cell"]),
                         Paragraph(lesson, st["cell_center"]), Paragraph(esc(it["subject"]), st["cell"]),
                         Paragraph(esc(it["form"]), st["cell"]), Paragraph(sch.LEVELS[it["level"]], st["cell"])])
    if n == 0:
        data.append([Paragraph("В графике нет ни одной работы.", st["cell"]), "", "", "", "", ""])
        style.append(("SPAN", (0, 1), (-1, 1)))
    table = FlowTable(data, colWidths=[frame * s for s in shares], repeatRows=1)
    table.setStyle(TableStyle(style))
    story.append(table)
    path = build_pdf(out, story, pagesize=PORTRAIT, title=meta["title"], subject=order_line(meta),
                     author=school.get("short_name") or school.get("full_name") or "")
    return path
