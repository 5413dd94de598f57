"""The plan as an XLSX table: the same appendix as the PDF, ready to print on A4 landscape.

Above the table: the order line and the «УТВЕРЖДАЮ» block on the right, then the title. The
table has styled, wrapped cells with set widths and row heights, section rows merged across,
a frozen header row repeated on every printed page, and page numbers in the footer.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import store
from ..deadlines import format_date_long
from ..plan import get_plan, plan_tree, resolve_plan_id
from .common import (fit_row_height, save_workbook, school_name, set_widths, setup_print, text_lines, write_cell,
                     xlsx_styles)
from .plan_pdf import _default_position, columns_for, order_line, school_line

WIDTHS = {"number": 7, "task": 28, "measure": 50, "deadline_text": 17, "responsible": 25,
          "expected_result": 30}
ROADMAP_WIDTHS = {"measure": 44, "expected_result": 30, "responsible": 24}


def _widths(columns) -> list[float]:
    roadmap = any(key == "task" for key, _, _ in columns)
    return [(ROADMAP_WIDTHS.get(key) if roadmap else None) or WIDTHS[key] for key, _, _ in columns]


def _approval(ws, plan: dict, school: dict, ncols: int, widths: list[float]) -> int:
    """Order line and «УТВЕРЖДАЮ» block in the right-hand columns; returns the next free row."""
    st = xlsx_styles()
    first = max(1, ncols - 2)
    block_width = sum(widths[first - 1:])
    name = plan.get("approver_name") or school.get("director") or ""
    lines = [(order_line(plan), st["font"]), ("", None), ("УТВЕРЖДАЮ", st["font_bold"]),
             (plan.get("approver_position") or _default_position(school), st["font"]),
             (f"_________________ {name}".rstrip(), st["font"]), ("(подпись)", st["font_small"]),
             (format_date_long(plan.get("order_date")), st["font"])]
    for row, (text, font) in enumerate(lines, start=1):
        if text:
            write_cell(ws, row, first, text, font=font, align=st["left"])
            ws.row_dimensions[row].height = max(15, text_lines(text, block_width) * 15)
        if ncols > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=ncols)
    return len(lines) + 2


def _title(ws, row: int, title: str, ncols: int, widths: list[float], school: str = "") -> int:
    """The plan's title and, as in the PDF, the school's full name under it."""
    st = xlsx_styles()
    write_cell(ws, row, 1, title, font=st["font_title"], align=st["title"])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = max(18, text_lines(title, sum(widths) * 0.85) * 18)
    if school:
        row += 1
        write_cell(ws, row, 1, school, font=st["font"], align=st["title"])
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.row_dimensions[row].height = max(15, text_lines(school, sum(widths) * 0.85) * 15)
    return row + 2


def _header(ws, row: int, columns, widths: list[float]) -> None:
    st = xlsx_styles()
    for col, (_, header, _) in enumerate(columns, start=1):
        write_cell(ws, row, col, header, font=st["font_bold"], align=st["header"],
                   border=st["border"], fill=st["header_fill"])
    fit_row_height(ws, row, [h for _, h, _ in columns], widths)


def _section_row(ws, row: int, text: str, ncols: int, widths: list[float]) -> None:
    st = xlsx_styles()
    for col in range(1, ncols + 1):
        write_cell(ws, row, col, text if col == 1 else None, font=st["font_bold"], align=st["left"],
                   border=st["border"], fill=st["section_fill"])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    fit_row_height(ws, row, [text], [sum(widths)])


def _item_row(ws, row: int, item: dict, columns, widths: list[float]) -> list[str]:
    st = xlsx_styles()
    texts = []
    for col, (key, _, _) in enumerate(columns, start=1):
        value = item[key] or ""
        align = st["wrap_center"] if key == "number" else st["wrap"]
        write_cell(ws, row, col, value, font=st["font"], align=align, border=st["border"])
        texts.append(value)
    return texts


def _merge_tasks(ws, runs: list[tuple[int, int, str]], task_col: int, width: float) -> None:
    """Merge the task cells of consecutive items with one task; make the run tall enough."""
    for first, last, text in runs:
        if last > first:
            ws.merge_cells(start_row=first, start_column=task_col, end_row=last, end_column=task_col)
        need = text_lines(text, width) * 15 + 3
        have = sum(ws.row_dimensions[r].height or 15 for r in range(first, last + 1))
        if need > have:
            ws.row_dimensions[last].height = (ws.row_dimensions[last].height or 15) + need - have


def fill_plan_sheet(ws, db, plan_id: int) -> None:
    """Write the appendix table of a plan into a worksheet (also used by the packet)."""
    plan = get_plan(db, plan_id)
    tree = plan_tree(db, plan_id)
    school = store.school_row(db)
    columns = columns_for(plan, tree)
    widths = _widths(columns)
    ncols = len(columns)
    set_widths(ws, widths)
    row = _approval(ws, plan, school, ncols, widths)
    row = _title(ws, row, plan["title"], ncols, widths, school_line(plan, school))
    header_row = row
    _header(ws, header_row, columns, widths)
    task_col = next((i for i, c in enumerate(columns, start=1) if c[0] == "task"), None)
    runs: list[tuple[int, int, str]] = []
    for section in tree:
        if section["title"]:
            row += 1
            _section_row(ws, row, f"{section['number']} {section['title']}".strip(), ncols, widths)
        previous = None
        for item in section["items"]:
            row += 1
            texts = _item_row(ws, row, item, columns, widths)
            if task_col:
                if item["task"] and item["task"] == previous and runs and runs[-1][1] == row - 1:
                    runs[-1] = (runs[-1][0], row, runs[-1][2])
                    ws.cell(row=row, column=task_col).value = None
                else:
                    runs.append((row, row, item["task"] or ""))
                previous = item["task"]
                texts[task_col - 1] = ""
            fit_row_height(ws, row, texts, widths)
    if task_col:
        _merge_tasks(ws, runs, task_col, widths[task_col - 1])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    setup_print(ws, landscape_mode=True, header_rows=(header_row, header_row))
    ws.print_area = f"A1:{get_column_letter(ncols)}{max(row, header_row)}"


def write_plan_xlsx(db, out, *, plan_id=None) -> Path:
    """Write the plan (the current one by default) as XLSX; returns the path."""
    plan_id = resolve_plan_id(db, plan_id)
    wb = Workbook()
    ws = wb.active
    ws.title = "План мероприятий"
    fill_plan_sheet(ws, db, plan_id)
    wb.properties.title = get_plan(db, plan_id)["title"]
    wb.properties.creator = school_name(store.school_row(db))
    return save_workbook(wb, out)
