"""Report on the execution of the plan for a quarter, a year or the whole plan (PDF or XLSX).

Every item of the period with its state, the date it was done, the notes on its execution and
the list of its evidence files; counts of done / in progress / planned / overdue / cancelled.
Period: None — the whole plan; 'YYYY-Qn' — a calendar quarter; 'YYYY' — a calendar year;
'YYYY/YYYY' — an academic year. An item belongs to the period when its deadline touches it or
it has a mark of execution dated inside it. States are taken as of the period's end (or today,
if that is earlier): an item done after the period is shown as not yet done in it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .. import fmt, plan_status, store
from ..deadlines import format_date, overlaps, parse_deadline, parse_period
from ..domain import PLAN_STATUS_LABELS
from ..errors import UserError
from ..plan import get_plan, plan_tree, plan_years, plan_years_label, resolve_plan_id
from .common import (GRID_COLOR, HEADER_FILL, LANDSCAPE, OVERDUE_COLOR, SECTION_FILL, FlowTable, build_pdf,
                     esc, fit_columns, fit_row_height, frame_height, frame_width, pdf_styles, save_workbook,
                     school_name, set_widths, setup_print, write_cell, xlsx_styles)

TITLE = "Отчёт об исполнении плана мероприятий"

STATE_LABELS = {**PLAN_STATUS_LABELS, "overdue": plan_status.OVERDUE_LABEL}
COUNT_LABELS = [(key, plan_status.COUNT_LABELS[key]) for key in plan_status.COUNT_KEYS]
COLUMNS = [("№ п/п", 0.045), ("Мероприятие", 0.25), ("Срок", 0.09), ("Ответственные", 0.12),
           ("Состояние", 0.09), ("Дата выполнения", 0.08), ("Отметки об исполнении", 0.20),
           ("Подтверждающие документы", 0.125)]
STATE_COL, EVIDENCE_COL = 4, 7
XLSX_WIDTHS = [7, 42, 16, 22, 14, 13, 40, 32]


def _period(db, plan_id: int, period: str | None, today: dt.date):
    if period is None:
        label = plan_years_label(get_plan(db, plan_id)) or "весь срок плана"
        return None, today, f"весь период действия плана ({label})"
    try:
        lo, hi, label = parse_period(period)
    except ValueError:
        raise UserError(f"Период «{period}» не распознан. Укажите квартал (например, 2025-Q1), "
                        "календарный год (2025) или учебный год (2024/2025).") from None
    return (lo, hi), min(today, hi), label


def collect(db, *, period: str | None = None, plan_id: int | None = None,
            today: dt.date | None = None) -> dict:
    """The report's data: plan, period label, sections with their items, counts."""
    today = today or dt.date.today()
    plan_id = resolve_plan_id(db, plan_id)
    years = plan_years(db, plan_id)
    bounds, as_of, label = _period(db, plan_id, period, today)
    execs = _by_item(store.rows(db, "SELECT * FROM execution ORDER BY date, id"))
    evidence = _by_item(store.rows(db, "SELECT id, item_id, file_name, mime, size, sha256, added_at "
                                       "FROM evidence ORDER BY id"))
    states = []
    sections = []
    for sec in plan_tree(db, plan_id, today=today):
        rows = []
        for item in sec["items"]:
            ex = execs.get(item["id"], [])
            if bounds is not None:
                ex = [e for e in ex if bounds[0].isoformat() <= e["date"] <= bounds[1].isoformat()]
                if not ex and not overlaps(parse_deadline(item["deadline_text"], years), *bounds, years):
                    continue
            states.append(plan_status.item_state(item, as_of, ex))
            status, done, overdue = states[-1].status, states[-1].done_date, states[-1].overdue
            rows.append({**item, "state": status, "state_done_date": done, "state_overdue": overdue,
                         "executions": ex, "evidence": evidence.get(item["id"], [])})
        if rows:
            sections.append({**sec, "items": rows})
    scope = plan_status.Scope(as_of, None if bounds is None else label)
    return {"plan": get_plan(db, plan_id), "period_label": label, "as_of": as_of,
            "sections": sections, "counts": plan_status.count_states(states),
            "scope": scope, "school": store.school_row(db)}


def _by_item(rows: list[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["item_id"], []).append(r)
    return out


def _exec_text(item: dict) -> str:
    return "\n".join(f"{format_date(e['date'])}: {e['note']}".rstrip(": ") for e in item["executions"])


def _evidence_text(item: dict) -> str:
    return "\n".join(f"{e['file_name']} ({_size(e['size'])}, SHA-256 {e['sha256'][:12]}…)"
                     for e in item["evidence"])


def _breakable(text: str) -> str:
    """File names such as «Справка_ВПР_2025.pdf» are one long word; measured by their parts, they
    do not widen the column (the paragraph breaks such a word where the column ends)."""
    return text.replace("_", " ").replace("-", " ")


def _size(n: int) -> str:
    return fmt.file_size(n)


def _state_text(item: dict) -> str:
    text = STATE_LABELS[item["state"]]
    return f"{text}, просрочено" if item["state_overdue"] else text


def _row_values(item: dict) -> list[str]:
    return [item["number"], item["measure"], item["deadline_text"], item["responsible"],
            _state_text(item), format_date(item["state_done_date"]), _exec_text(item),
            _evidence_text(item)]


# ---------------------------------------------------------------- PDF

def _pdf_story(data: dict) -> list:
    st = pdf_styles()
    width = frame_width(LANDSCAPE)
    plan = data["plan"]
    story = [Paragraph(esc(school_name(data["school"])), st["subtitle"]), Spacer(1, 2 * mm),
             Paragraph(TITLE, st["title"]),
             Paragraph(esc(plan["title"]), st["subtitle"]),
             Paragraph(esc(f"Период: {data['period_label']}. Состояние на "
                           f"{fmt.date(data['as_of'])}."), st["subtitle"]),
             Spacer(1, 3 * mm), _counts_table(data["counts"], width), Spacer(1, 4 * mm)]
    signature = [Spacer(1, 10 * mm), _signature(data["school"], width)]
    if data["counts"]["total"]:
        table = _items_table(data, width)
        # The signature stands on the page of the table's last rows, never alone on a page.
        table.tail_height = sum(f.wrap(width, frame_height(LANDSCAPE))[1] for f in signature) + 2
        story.append(table)
    else:
        story.append(Paragraph("В этом периоде нет мероприятий плана.", st["body"]))
    return story + signature


def _counts_table(counts: dict, width: float) -> Table:
    st = pdf_styles()
    head = [Paragraph(label, st["header_cell"]) for _, label in COUNT_LABELS]
    vals = [Paragraph(str(counts[key]), st["cell_center"]) for key, _ in COUNT_LABELS]
    return Table([head, vals], colWidths=[width / len(COUNT_LABELS)] * len(COUNT_LABELS),
                 style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                                   ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))


def column_widths(data: dict, width: float | None = None) -> list[float]:
    """Widths (points) of the items table's columns; the table starts at the left margin."""
    width = frame_width(LANDSCAPE) if width is None else width
    items = [i for sec in data["sections"] for i in sec["items"]]
    values_by_item = [_row_values(i) for i in items]

    def measured(c: int, item: dict, v: list[str]) -> tuple[str, str]:
        if c == EVIDENCE_COL:
            return _breakable(v[c]), "cell"
        return v[c], "cell_bold" if c == STATE_COL and item["state_overdue"] else "cell"

    return fit_columns([w for _, w in COLUMNS],
                       [[(h, "header_cell")] + [measured(c, i, v) for i, v in zip(items, values_by_item)]
                        for c, (h, _) in enumerate(COLUMNS)], width)


def _items_table(data: dict, width: float) -> Table:
    st = pdf_styles()
    widths = column_widths(data, width)
    rows = [[Paragraph(h, st["header_cell"]) for h, _ in COLUMNS]]
    cmds: list[tuple] = [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]
    for sec in data["sections"]:
        if sec["title"]:
            r = len(rows)
            rows.append([Paragraph(esc(f"{sec['number']} {sec['title']}"), st["section"])]
                        + [""] * (len(COLUMNS) - 1))
            cmds += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_FILL)]
        for item in sec["items"]:
            values = _row_values(item)
            cells = [Paragraph(esc(v), st["cell_center" if i == 0 else "cell"]) for i, v in enumerate(values)]
            if item["state_overdue"]:
                cells[STATE_COL] = Paragraph(f'<font color="#{OVERDUE_COLOR.hexval()[2:]}">{esc(values[STATE_COL])}'
                                             '</font>', st["cell_bold"])
            rows.append(cells)
    return FlowTable(rows, colWidths=widths, repeatRows=1, frame_height=frame_height(LANDSCAPE),
                     style=TableStyle(cmds + [("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                                              ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                              ("LEFTPADDING", (0, 0), (-1, -1), 3),
                                              ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))


def _signature(school: dict, width: float) -> Table:
    st = pdf_styles()
    name = school.get("deputy") or ""
    return Table([[Paragraph("Заместитель директора по учебно-воспитательной работе", st["body"]),
                   Paragraph("_________________", st["body"]), Paragraph(esc(name), st["body"])]],
                 colWidths=[width * 0.45, width * 0.2, width * 0.35], hAlign="LEFT")


# ---------------------------------------------------------------- XLSX

def _write_xlsx(data: dict, out: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Исполнение"
    header_row = _xlsx_top(ws, data)
    _xlsx_items(ws, data, header_row)
    _xlsx_evidence(wb.create_sheet("Документы"), data)
    wb.properties.title = _document_title(data)
    wb.properties.creator = school_name(data["school"])
    return save_workbook(wb, out)


def _xlsx_top(ws, data: dict) -> int:
    st = xlsx_styles()
    set_widths(ws, XLSX_WIDTHS)
    n = len(XLSX_WIDTHS)
    lines = [(school_name(data["school"]), st["font"]), (TITLE, st["font_title"]), (data["plan"]["title"], st["font"]),
             (f"Период: {data['period_label']}. Состояние на {fmt.date(data['as_of'])}.", st["font"])]
    for row, (text, font) in enumerate(lines, start=1):
        write_cell(ws, row, 1, text, font=font, align=st["title"])
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n)
        fit_row_height(ws, row, [text], [sum(XLSX_WIDTHS) * 0.85], line_pt=17)
    counts_row = len(lines) + 2
    for col, (key, label) in enumerate(COUNT_LABELS, start=1):
        write_cell(ws, counts_row, col + 1, label, font=st["font_bold"], align=st["header"], border=st["border"],
                   fill=st["header_fill"])
        write_cell(ws, counts_row + 1, col + 1, data["counts"][key], font=st["font"], align=st["wrap_center"],
                   border=st["border"])
    fit_row_height(ws, counts_row, [label for _, label in COUNT_LABELS], XLSX_WIDTHS[1:])
    return counts_row + 3


def _xlsx_items(ws, data: dict, header_row: int) -> None:
    st = xlsx_styles()
    n = len(COLUMNS)
    for col, (label, _) in enumerate(COLUMNS, start=1):
        write_cell(ws, header_row, col, label, font=st["font_bold"], align=st["header"],
                   border=st["border"], fill=st["header_fill"])
    fit_row_height(ws, header_row, [c for c, _ in COLUMNS], XLSX_WIDTHS)
    row = header_row
    for sec in data["sections"]:
        if sec["title"]:
            row += 1
            for col in range(1, n + 1):
                write_cell(ws, row, col, f"{sec['number']} {sec['title']}" if col == 1 else None,
                           font=st["font_bold"], align=st["left"], border=st["border"], fill=st["section_fill"])
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n)
            fit_row_height(ws, row, [sec["title"]], [sum(XLSX_WIDTHS)])
        for item in sec["items"]:
            row += 1
            values = _row_values(item)
            for col, value in enumerate(values, start=1):
                font = st["font_overdue"] if col == 5 and item["state_overdue"] else st["font"]
                write_cell(ws, row, col, value, font=font, border=st["border"],
                           align=st["wrap_center"] if col in (1, 6) else st["wrap"])
            fit_row_height(ws, row, values, XLSX_WIDTHS)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:H{max(row, header_row)}"
    setup_print(ws, landscape_mode=True, header_rows=(header_row, header_row))


def _xlsx_evidence(ws, data: dict) -> None:
    st = xlsx_styles()
    heads = ["№ п/п", "Мероприятие", "Файл", "Тип", "Размер, байт", "SHA-256", "Добавлен"]
    widths = [7, 40, 30, 18, 13, 66, 18]
    set_widths(ws, widths)
    for col, h in enumerate(heads, start=1):
        write_cell(ws, 1, col, h, font=st["font_bold"], align=st["header"], border=st["border"],
                   fill=st["header_fill"])
    row = 1
    for sec in data["sections"]:
        for item in sec["items"]:
            for ev in item["evidence"]:
                row += 1
                values = [item["number"], item["measure"], ev["file_name"], ev["mime"], ev["size"],
                          ev["sha256"], ev["added_at"]]
                for col, v in enumerate(values, start=1):
                    write_cell(ws, row, col, v, font=st["font"], align=st["wrap"], border=st["border"])
                fit_row_height(ws, row, [str(v) for v in values], widths)
    if row == 1:
        write_cell(ws, 2, 1, "Подтверждающие документы к мероприятиям периода не приложены.", font=st["font"])
    ws.freeze_panes = "A2"
    setup_print(ws, landscape_mode=True, header_rows=(1, 1))


def write_execution_report(db, out, *, period=None, plan_id=None) -> Path:
    """Write the execution report; PDF or XLSX by the suffix of `out`."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UserError(f"Отчёт об исполнении сохраняется в PDF или XLSX, а указан файл «{out.name}».")
    data = collect(db, period=period, plan_id=plan_id)
    if suffix == ".xlsx":
        return _write_xlsx(data, out)
    plan = data["plan"]
    return build_pdf(out, _pdf_story(data), pagesize=LANDSCAPE, title=_document_title(data),
                     subject=plan["title"], author=school_name(data["school"]),
                     footer_left=f"Отчёт об исполнении плана: {data['period_label']}")


def _document_title(data: dict) -> str:
    return f"{TITLE}: {data['period_label']}"
