"""The plan as a signed appendix to the director's order (PDF, A4).

Top right: «Приложение к приказу от … № …» and the «УТВЕРЖДАЮ» block (position, signature
line, name, date); then the title and the table № | Мероприятие | Срок | Ответственные |
Ожидаемый результат (a road map adds «Задачи» and says «Показатели»), section rows across the
table, the header repeated on every page, «Страница N из M» at the foot. Cells wrap and rows may
split across pages, so no text is ever clipped. Blank order number or date are printed as lines
to fill in by hand.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .. import store
from ..deadlines import format_date, format_date_long
from ..errors import check_cancel
from ..plan import get_plan, plan_tree, resolve_plan_id
from .common import (GRID_COLOR, HEADER_FILL, LANDSCAPE, PORTRAIT, SECTION_FILL, FlowTable, build_pdf,
                     esc, fit_columns, frame_height, frame_width, pdf_styles, school_name)

LINE = 0.5

# (key, header, share of the frame width) for the two layouts.
SECTIONS_COLUMNS = [("number", "№ п/п", 0.07), ("measure", "Мероприятие", 0.39),
                    ("deadline_text", "Срок", 0.14), ("responsible", "Ответственные", 0.19),
                    ("expected_result", "Ожидаемый результат", 0.21)]
ROADMAP_COLUMNS = [("number", "№ п/п", 0.05), ("task", "Задачи", 0.17), ("measure", "Мероприятия", 0.28),
                   ("deadline_text", "Срок", 0.11), ("expected_result", "Показатели", 0.21),
                   ("responsible", "Ответственные", 0.18)]


def is_roadmap(plan: dict, tree: list[dict]) -> bool:
    """The road-map layout: a road-map plan, or any item that states its task."""
    return plan["kind"] == "roadmap" or any(i["task"] for s in tree for i in s["items"])


def columns_for(plan: dict, tree: list[dict]) -> list[tuple[str, str, float]]:
    return ROADMAP_COLUMNS if is_roadmap(plan, tree) else SECTIONS_COLUMNS


def order_line(plan: dict) -> str:
    number = plan.get("order_number") or "______"
    date = format_date(plan.get("order_date")) if plan.get("order_date") else "«___» ________ 20___ г."
    return f"Приложение к приказу от {date} № {number}"


def approval_block(plan: dict, school: dict, width: float) -> Table:
    """«Приложение к приказу …» and «УТВЕРЖДАЮ» with position, signature line, name and date."""
    st = pdf_styles()
    position = plan.get("approver_position") or _default_position(school)
    name = plan.get("approver_name") or school.get("director") or ""
    sign = Table([[Paragraph("", st["body"]), Paragraph(esc(name), st["body"])],
                  [Paragraph("(подпись)", st["small"]), ""]],
                 colWidths=[38 * mm, width - 38 * mm], hAlign="LEFT",
                 style=TableStyle([("LINEBELOW", (0, 0), (0, 0), LINE, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (0, -1), 6),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("ALIGN", (0, 1), (0, 1), "CENTER")]))
    rows = [[Paragraph(esc(order_line(plan)), st["body"])],
            [Spacer(1, 3 * mm)],
            [Paragraph("УТВЕРЖДАЮ", st["right_bold"])],
            [Paragraph(esc(position), st["body"])],
            [Spacer(1, 5 * mm)],
            [sign],
            [Paragraph(esc(format_date_long(plan.get("order_date"))), st["body"])]]
    return Table(rows, colWidths=[width], hAlign="RIGHT",
                 style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))


def _block_width(plan: dict, frame: float) -> float:
    """Wide enough for the order line on one line (so it reads and searches as one phrase)."""
    style = pdf_styles()["body"]
    need = stringWidth(order_line(plan), style.fontName, style.fontSize) + 4
    return min(max(need, 85 * mm), frame * 0.62)


def school_line(plan: dict, school: dict) -> str:
    """The school's full name under the title, unless the title already names the school."""
    name = school.get("full_name") or ""
    if name and name not in plan["title"] and (school.get("short_name") or "-") not in plan["title"]:
        return name
    return ""


def _default_position(school: dict) -> str:
    name = school.get("short_name") or school.get("full_name") or ""
    return f"Директор {name}".strip()


def _cell_text(item: dict, key: str) -> str:
    return item[key] or ""


def column_layout(plan: dict, tree: list[dict]) -> tuple[tuple, list[tuple[str, str, float]], list[float]]:
    """(page size, columns, column widths in points) of the plan table; the table spans the
    frame from the left margin."""
    pagesize = LANDSCAPE if is_roadmap(plan, tree) else PORTRAIT
    columns = columns_for(plan, tree)
    items = [i for s in tree for i in s["items"]]
    widths = fit_columns([share for _, _, share in columns],
                         [[(header, "header_cell")] + [(i[key] or "", "cell") for i in items]
                          for key, header, _ in columns], frame_width(pagesize))
    return pagesize, columns, widths


def plan_table(plan: dict, tree: list[dict], *, progress=None, cancel=None) -> Table:
    """The plan table: header row (repeated on each page), section rows across, item rows."""
    st = pdf_styles()
    pagesize, columns, widths = column_layout(plan, tree)
    data = [[Paragraph(esc(header), st["header_cell"]) for _, header, _ in columns]]
    commands: list[tuple] = [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                             ("VALIGN", (0, 0), (-1, 0), "MIDDLE")]
    task_col = next((i for i, c in enumerate(columns) if c[0] == "task"), None)
    task_runs: list[bool] = [False]  # per row: True when it continues the task of the row above
    continuations: dict[int, tuple[int, Paragraph]] = {}  # the task repeated atop a new page
    total = sum(len(s["items"]) for s in tree) or 1
    done = 0
    for section in tree:
        if section["title"]:
            r = len(data)
            text = f"{section['number']} {section['title']}".strip()
            data.append([Paragraph(esc(text), st["section"])] + [""] * (len(columns) - 1))
            commands += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), SECTION_FILL)]
            task_runs.append(False)
        previous_task = None
        for item in section["items"]:
            check_cancel(cancel)
            task = item["task"] or ""
            continues = task_col is not None and bool(task) and task == previous_task
            previous_task = task
            row = []
            for key, _, _ in columns:
                if key == "number":
                    row.append(Paragraph(esc(item["number"]), st["cell_center"]))
                elif key == "task" and continues:
                    row.append("")
                    continuations[len(data)] = (task_col, Paragraph(
                        f"{esc(task)} (продолжение)", st["cell"]))
                else:
                    row.append(Paragraph(esc(_cell_text(item, key)), st["cell"]))
            data.append(row)
            task_runs.append(continues)
            done += 1
            if progress:
                progress(done, total + 1)
    commands += _grid(task_runs, len(columns), task_col)
    return FlowTable(data, colWidths=widths, repeatRows=1, frame_height=frame_height(pagesize),
                     continuations=continuations, style=TableStyle(commands + [
                         ("VALIGN", (0, 1), (-1, -1), "TOP"),
                         ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                         ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))


def _grid(task_runs: list[bool], ncols: int, task_col: int | None) -> list[tuple]:
    """Cell borders; the task column has no line between rows of one task (a merged look)."""
    cmds: list[tuple] = [("BOX", (0, 0), (-1, -1), LINE, GRID_COLOR),
                         ("LINEBEFORE", (1, 0), (-1, -1), LINE, GRID_COLOR),
                         ("LINEBELOW", (0, 0), (-1, 0), LINE, GRID_COLOR),
                         ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), LINE, GRID_COLOR)]
    if task_col is None:
        cmds.append(("LINEBELOW", (0, 1), (-1, -1), LINE, GRID_COLOR))
        return cmds
    for r in range(1, len(task_runs)):
        nxt = task_runs[r + 1] if r + 1 < len(task_runs) else False
        if nxt:
            if task_col > 0:
                cmds.append(("LINEBELOW", (0, r), (task_col - 1, r), LINE, GRID_COLOR))
            if task_col < ncols - 1:
                cmds.append(("LINEBELOW", (task_col + 1, r), (-1, r), LINE, GRID_COLOR))
        else:
            cmds.append(("LINEBELOW", (0, r), (-1, r), LINE, GRID_COLOR))
    return cmds


def plan_story(db, plan_id: int, *, progress=None, cancel=None) -> tuple[list, tuple]:
    """Flowables of the appendix and the page size they are laid out for."""
    st = pdf_styles()
    plan = get_plan(db, plan_id)
    tree = plan_tree(db, plan_id)
    school = store.school_row(db)
    pagesize = LANDSCAPE if is_roadmap(plan, tree) else PORTRAIT
    width = frame_width(pagesize)
    story: list = [approval_block(plan, school, _block_width(plan, width)), Spacer(1, 8 * mm),
                   Paragraph(esc(plan["title"]), st["title"])]
    line = school_line(plan, school)
    if line:
        story.append(Paragraph(esc(line), st["subtitle"]))
    story.append(Spacer(1, 4 * mm))
    if not any(s["items"] for s in tree):
        story.append(Paragraph("В плане пока нет мероприятий.", st["body"]))
    else:
        story.append(plan_table(plan, tree, progress=progress, cancel=cancel))
    return story, pagesize


def write_plan_pdf(db, out, *, plan_id=None, progress=None, cancel=None) -> Path:
    """Write the plan (the current one by default) as a signed appendix; returns the path."""
    plan_id = resolve_plan_id(db, plan_id)
    plan = get_plan(db, plan_id)
    story, pagesize = plan_story(db, plan_id, progress=progress, cancel=cancel)
    check_cancel(cancel)
    school = store.school_row(db)
    path = build_pdf(out, story, pagesize=pagesize, title=plan["title"],
                     subject=order_line(plan), author=school_name(school))
    if progress:
        progress(1, 1)
    return path
