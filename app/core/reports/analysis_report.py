"""The analysis report: XLSX (a sheet per indicator group) or PDF (charts, tables, flags with reasons).

``write_analysis_report(db, out, year=None)`` picks the format by the suffix of ``out``. Both print the
comparison rule and every threshold. The tables come from ``analysis.tables`` (the same as on screen),
the PDF charts from ``charts_pdf`` (the same data as the screen charts, ``analysis.views``).
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table as RLTable, TableStyle

from app.core import fmt
from app.core import fmt as _fmt
from app.core.analysis import run, tables, views
from app.core.analysis.indicator_defs import cell as cell_text, count_flags, flags_sentence
from app.core.errors import UserError, check_cancel

from . import charts_pdf
from .common import (LANDSCAPE, build_pdf, esc, fit_columns, fit_row_height, frame_width, para, pdf_styles, save_workbook,
                     fit_header_words, set_widths, setup_print, text_lines, write_cell, xlsx_styles)

TITLE = "Анализ объективности оценочных процедур"
CELL_PAD = 4.0      # points either side of a table cell's text
NBSP = "\u00a0"

FLAG_FILL_HEX = "FDE3E1"
FLAG_FILL = colors.HexColor("#fde3e1")
SHEET_NAMES = {
    "index": "Индексы", "flags": "Признаки", "comparison": "По классам", "rollup_procedure": "По параллелям",
    "rollup_subject": "По предметам", "rollup_grade": "Параллели (все предметы)", "rollup_year": "По годам",
    "rollup_school": "Школа за все годы", "bunching": "Границы отметок", "high": "Эталон",
    "cohorts": "Когорты", "oge": "ОГЭ и годовые", "medals": "Медалисты", "rechecks": "Перепроверки",
    "observers_summary": "Охват наблюдением", "observers": "Наблюдатели", "tasks": "Профиль заданий",
    "thresholds": "Пороги",
}
_NUMBER_FORMATS = {"int": "0", "pct": "0.0", "num": "0.00", "p": "0.0000"}


def write_analysis_report(db, out, *, year=None, progress=None, cancel=None) -> Path:
    """Build the report for one academic year (or all years) into ``out`` (.pdf or .xlsx)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise UserError(f"Аналитический отчёт сохраняется в PDF или XLSX; «{out.name}» — ни то, ни другое.")
    check_cancel(cancel)
    analysis = run(db, year=year)
    result = analysis.as_json()
    if suffix == ".xlsx":
        return _write_xlsx(result, out, progress=progress, cancel=cancel)
    return _write_pdf(analysis, result, out, progress=progress, cancel=cancel)


def _scope_text(result: dict) -> str:
    """The school year(s) of the report, the newest first."""
    ix = result["indicators"]
    return ix["year"] or (", ".join(sorted(ix["years"], reverse=True)) if ix["years"] else "все годы")


def _newest_first(t: tables.Table) -> tables.Table:
    """The table with its rows ordered by school year, the newest first (the order within a year kept)."""
    col = next((i for i, c in enumerate(t.columns) if c[0] == "Год"), None)
    if col is None or not t.rows:
        return t
    order = sorted(range(len(t.rows)), key=lambda i: str(t.rows[i][col] or ""), reverse=True)
    order = sorted(order, key=lambda i: -_year_rank(t.rows, col)[str(t.rows[i][col] or "")])
    t.rows, t.flagged = [t.rows[i] for i in order], [t.flagged[i] for i in order]
    return t


def _year_rank(rows: list[list], col: int) -> dict[str, int]:
    years = sorted({str(r[col] or "") for r in rows})
    return {y: k for k, y in enumerate(years)}


def _nb(text: str) -> str:
    """Percents written one way, «25\u00a0%»: the number and its sign never part at a line end."""
    return re.sub(r"(?<=\d) (?=%)", NBSP, text).replace("п. п.", f"п.{NBSP}п.")


_FORMULA = re.compile(r"\s*\((?=[^)]*[+−-])[a-zA-Z0-9+−\-,.\s]*\)")


def _plain(text: str) -> str:
    """Text without a formula in brackets («работ у границы (a + b)» → «работ у границы»): the report
    speaks plain Russian, the formulas are in the methodology."""
    return _FORMULA.sub("", text)


def _header_text(title: str) -> str:
    """A column header whose units never stand alone on a line: «п.\u00a0п.», «,\u00a0%»."""
    return _plain(title).replace("п. п.", f"п.{NBSP}п.").replace(", %", f",{NBSP}%")


def _school_name(result: dict) -> str:
    s = result["indicators"]["school"]
    return s.get("full_name") or s.get("short_name") or "Образовательная организация"


def _short_name(result: dict) -> str:
    s = result["indicators"]["school"]
    return s.get("short_name") or s.get("full_name") or "Образовательная организация"


# ============================================================================ XLSX

def _write_xlsx(result: dict, out: Path, *, progress=None, cancel=None) -> Path:
    from openpyxl import Workbook

    st = xlsx_styles()
    wb = Workbook()
    _summary_sheet(wb.active, result, st)
    items = tables.all_tables(result)
    for i, t in enumerate(items, 1):
        check_cancel(cancel)
        _table_sheet(wb.create_sheet(SHEET_NAMES.get(t.key, t.title)[:31]), t, st)
        if progress:
            progress(i, len(items))
    wb.properties.title = f"{TITLE}: {_scope_text(result)}"
    wb.properties.creator = _school_name(result)
    return save_workbook(wb, out)


def _summary_sheet(ws, result: dict, st: dict) -> None:
    ws.title = "Сводка"
    ix = result["indicators"]
    flags = result["flags"]
    lines = [
        (TITLE, st["font_title"]),
        (_school_name(result), st["font_bold"]),
        (f"Учебный год: {_scope_text(result)}", st["font"]),
        (f"Сформирован: {fmt.date(_dt.date.today())}", st["font"]),
        ("", st["font"]),
        (flags_sentence(count_flags(flags, ix["year"])), st["font_bold"]),
    ]
    for r in sorted(ix["objectivity_index"], key=lambda r: r["year"], reverse=True):
        lines.append((f"{r['name']}, {r['year']}: {_pct(r['index'])} (понизили {_pct(r['lowered_pct'])}, "
                      f"повысили {_pct(r['raised_pct'])}; работ — {r['n']}).", st["font"]))
    for m in sorted(ix["medalists"]["summary"], key=lambda m: m["year"], reverse=True):
        index = fmt.percent_of(m["unconfirmed"], m["with_results"])
        lines.append((f"Индекс неподтверждения медалистов, {m['year']}: {index} "
                      f"({m['unconfirmed']} из {m['with_results']}).", st["font"]))
    lines += [("", st["font"]), ("Правило сравнения отметок", st["font_bold"]), (ix["comparison_rule"], st["font"]),
              ("", st["font"]), ("Пороги признаков — на листе «Пороги»; каждый лист — группа показателей, "
                                 "строки с признаком необъективности выделены цветом.", st["font_small"])]
    width = 88       # characters: fits a portrait A4 page without scaling, so nothing is cut off
    for i, (text, font) in enumerate(lines, 1):
        write_cell(ws, i, 1, text, font=font, align=st["wrap"])
        if len(text) > width:
            fit_row_height(ws, i, [text], [width])
    set_widths(ws, [width])
    setup_print(ws, landscape_mode=False)


def _pct(value) -> str:
    return fmt.percent(value)


def _table_sheet(ws, t: tables.Table, st: dict) -> None:
    """One indicator group on a sheet. The title and the note are merged across the table's width
    (so they never widen the printed area), every header word fits its column, and rows whose text
    wraps have explicit heights (LibreOffice Calc does not grow them by itself)."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    t = _newest_first(t)
    flag_fill = PatternFill("solid", fgColor=FLAG_FILL_HEX)
    top = Alignment(vertical="top")              # numbers level with the first line of wrapped text
    ncols = len(t.columns)
    heads = [_plain(title).replace("п. п.", f"п.{NBSP}п.") for title, _w, _f in t.columns]
    widths = fit_header_words(ws, heads, [w for _t, w, _f in t.columns])
    lines = [(t.title, st["font_title"], 18.0)] + ([(t.note, st["font_small"], 13.0)] if t.note else [])
    for row, (text, font, line_pt) in enumerate(lines, 1):
        write_cell(ws, row, 1, text, font=font, align=st["wrap"])
        if ncols > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        fit_row_height(ws, row, [text], [sum(widths) * 0.95], line_pt=line_pt, minimum=line_pt)
    header = len(lines) + 2
    for j, title in enumerate(heads, 1):
        write_cell(ws, header, j, title, font=st["font_bold"], align=st["header"], border=st["border"],
                   fill=st["header_fill"])
    fit_row_height(ws, header, heads, [w * 0.92 for w in widths], minimum=30)     # bold: a little wider
    for i, (values, flagged) in enumerate(zip(t.rows, t.flagged), header + 1):
        for j, (value, (_t, _w, kind)) in enumerate(zip(values, t.columns), 1):
            value = _plain(value) if isinstance(value, str) else value
            cell = write_cell(ws, i, j, None if value == "" else value, font=st["font"], border=st["border"],
                              align=st["wrap"] if kind == "text" else top, fill=flag_fill if flagged else None)
            if kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[kind]
        fit_row_height(ws, i, [str(v) if isinstance(v, str) else None for v in values], widths)
    ws.freeze_panes = ws.cell(row=header + 1, column=1)
    last = header + len(t.rows)
    if t.rows:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(ncols)}{last}"
    setup_print(ws, landscape_mode=True, header_rows=(header, header))
    ws.print_area = f"A1:{get_column_letter(ncols)}{last}"


# ============================================================================ PDF

def _pdf_table(t: tables.Table, width: float, cols: list[int] | None = None, *, max_rows: int | None = None) -> list:
    t = _newest_first(t)
    cols = cols if cols is not None else list(range(len(t.columns)))
    weights = [t.columns[c][1] for c in cols]
    scale = width / sum(weights)
    heads = [_header_text(t.columns[c][0]) for c in cols]
    header = [para(h, "header_cell") for h in heads]
    body, shade = [], []
    rows = list(zip(t.rows, t.flagged))[: max_rows or None]
    for i, (values, flagged) in enumerate(rows, 1):
        cells = []
        for c in cols:
            fmt = t.columns[c][2]
            text = _pdf_value(values[c], fmt)
            cells.append(para(text, "cell" if fmt == "text" else "cell_center"))
        body.append(cells)
        if flagged:
            shade.append(i)
    if not body:
        return [para("Нет данных.", "body")]
    # Widths follow the column weights, widened so that no word of a header or a cell is cut in two.
    texts = [[(h, "header_cell")] + [(_pdf_value(v[c], t.columns[c][2]), "cell") for v, _ in rows]
             for h, c in zip(heads, cols)]
    widths = fit_columns([w * scale / width for w in weights], texts, width, padding=CELL_PAD * 2 + 1)
    table = RLTable([header] + body, colWidths=widths, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
             ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD)]
    style += [("BACKGROUND", (0, r), (-1, r), FLAG_FILL) for r in shade]
    table.setStyle(TableStyle(style))
    out = [table]
    if max_rows and len(t.rows) > max_rows:
        out.append(para(f"Показаны первые {max_rows} строк из {len(t.rows)}; полностью — в XLSX-версии отчёта.",
                        "small"))
    return out


def _pdf_value(value, fmt: str) -> str:
    if value is None or value == "":
        return ""
    if fmt == "pct" and isinstance(value, (int, float)):
        return cell_text(value)             # a percent as every screen writes it: «25», «22,2»
    if fmt == "num" and isinstance(value, (int, float)):
        return _fmt.number(value, 2)
    if fmt == "p" and isinstance(value, (int, float)):
        return "< 0,0001" if value < 0.0001 else _fmt.number(value, 4)
    return _nb(_plain(str(value)))


def _desc(year: str) -> tuple:
    """A sort key that puts the newest school year first («2025/2026» before «2024/2025»)."""
    return tuple(-int(p) if p.isdigit() else 0 for p in str(year).split("/"))


def _heading(text: str, level: int = 1) -> list:
    style = pdf_styles()["title"] if level == 1 else pdf_styles()["right_bold"]
    return [Spacer(1, 10 if level == 1 else 6), CondPageBreak(95 * mm if level == 1 else 40 * mm),
            Paragraph(esc(text), style), Spacer(1, 3)]


def _chart_block(title: str, drawing) -> KeepTogether:
    return KeepTogether([Paragraph(esc(title), pdf_styles()["right_bold"]), Spacer(1, 2), drawing, Spacer(1, 8)])


class _Pdf:
    """Collects the story section by section, reporting progress and honouring cancel."""

    def __init__(self, analysis, result: dict, progress, cancel):
        self.a, self.r = analysis, result
        self.width = frame_width(LANDSCAPE)
        self.story: list = []
        self.progress, self.cancel = progress, cancel

    SECTIONS = ("title", "flags", "comparison", "crosstab", "bunching", "reference", "cohorts", "gia", "process",
                "method")

    def make_story(self) -> list:
        """The flowables of the report, section by section (laid out by build())."""
        for i, name in enumerate(self.SECTIONS, 1):
            check_cancel(self.cancel)
            getattr(self, name)()
            if self.progress:
                self.progress(i, len(self.SECTIONS) + 1)
        return self.story

    def build(self, out: Path) -> Path:
        self.make_story()
        sections = self.SECTIONS
        path = build_pdf(out, self.story, pagesize=LANDSCAPE, title=f"{TITLE}: {_scope_text(self.r)}",
                         subject=_scope_text(self.r), author=_school_name(self.r),
                         footer_left=f"{_short_name(self.r)} · анализ объективности · {_scope_text(self.r)}")
        if self.progress:
            self.progress(len(sections) + 1, len(sections) + 1)
        return path

    def title(self) -> None:
        s = pdf_styles()
        self.story += [Paragraph(esc(_school_name(self.r)), s["subtitle"]), Spacer(1, 4),
                       Paragraph("АНАЛИЗ ОБЪЕКТИВНОСТИ ОЦЕНОЧНЫХ ПРОЦЕДУР", s["title"]),
                       Paragraph(esc(f"Учебный год: {_scope_text(self.r)}. Сформирован {fmt.date(_dt.date.today())}."),
                                 s["subtitle"]), Spacer(1, 8)]
        counts = count_flags(self.r["flags"], self.r["indicators"]["year"])      # the count with its scope
        self.story.append(para(flags_sentence(counts) + " Признаки — не выводы, а повод разобраться: для каждого ниже указано, что с чем "
                               "сравнивалось и какой порог превышен.", "body"))
        self.story += [Spacer(1, 6)] + _pdf_table(tables.index_table(self.r), self.width * 0.75)

    def flags(self) -> None:
        self.story += _heading("Признаки необъективности")
        self.story += _pdf_table(tables.flags_table(self.r), self.width, [0, 1, 2, 6, 7])

    def comparison(self) -> None:
        self.story += _heading("Сравнение отметок за процедуры с отметками по журналу")
        self.story.append(para(_nb(self.r["indicators"]["comparison_rule"]), "small"))
        self.story.append(Spacer(1, 4))
        groups = sorted({(r["year"], r["procedure_kind"], r["subject"]) for r in self.r["comparisons"]},
                        key=lambda g: (_desc(g[0]), g[1], g[2]))
        for year, kind, subject in groups:
            check_cancel(self.cancel)
            rows = views.comparison_bars(self.a, views.Filters(year=year, kind=kind, subject=subject))
            label = rows[0]["procedure"]
            self.story.append(_chart_block(f"{label} {year}, {subject}: понизили, подтвердили, повысили",
                                           charts_pdf.comparison_bars(rows, self.width)))
        t = tables.comparison_tables(self.r)
        self.story += _heading("Сравнение по классам (таблица)", 2)
        self.story += _pdf_table(t[0], self.width, [0, 1, 2, 4, 5, 7, 9, 11, 12, 13])
        self.story += _heading("Сравнение по предметам", 2)
        self.story += _pdf_table(t[2], self.width, [0, 1, 2, 5, 7, 9, 11, 12, 13])

    def crosstab(self) -> None:
        self.story += _heading("Таблицы сопряжённости отметок")
        for r in sorted(self.r["indicators"]["rollups"]["year"], key=lambda r: (_desc(r["year"]), r["procedure_kind"])):
            data = views.crosstab(self.a, views.Filters(year=r["year"], kind=r["procedure_kind"]))
            kappa = "—" if data["kappa"] is None else f"{data['kappa']:.2f}".replace(".", ",")
            self.story.append(_chart_block(f"{r['procedure']} {r['year']}, все предметы: {data['n']} пар, "
                                           f"каппа Коэна (квадратичные веса) {kappa}",
                                           charts_pdf.heatmap(data["table"], self.width)))

    def bunching(self) -> None:
        flagged = [f for f in self.r["flags"] if f["code"] == "boundary_bunching"]
        self.story += _heading("Скопление первичных баллов у границ отметок")
        if not flagged:
            self.story.append(para("Скоплений у границ отметок, превышающих порог, не найдено.", "body"))
            return
        seen = set()
        for f in flagged:
            key = (f["procedure_id"], f["class"])
            if key in seen:
                continue
            seen.add(key)
            proc = self.a.procedures[f["procedure_id"]]
            data = views.histogram(self.a, views.Filters(year=proc.year, kind=proc.kind, subject=proc.subject,
                                                         grade=proc.grade, class_label=f["class"] or None))
            if data:
                where = f"класс {f['class']}" if f["class"] else "вся параллель"
                self.story.append(_chart_block(f"{proc.label} {proc.year}, {proc.subject}, {proc.grade} класс, {where}",
                                               charts_pdf.histogram(data, self.width)))
                self.story += [para(_nb(f["reason"]), "small"), Spacer(1, 8)]
        self.story += _pdf_table(tables.bunching_table(self.r, only_notable=True), self.width)

    def reference(self) -> None:
        self.story += _heading("Результаты и эталон (муниципалитет, регион, Россия)")
        groups = sorted({(h["year"], h["procedure_kind"]) for h in self.r["indicators"]["high_results"]
                         if any(v.get("share45") is not None for v in h["references"].values())},
                        key=lambda g: (_desc(g[0]), g[1]))
        for year, kind in groups:
            rows = views.reference_bars(self.a, views.Filters(year=year, kind=kind))
            rows = [r for r in rows if r["refs"]]
            if rows:
                self.story.append(_chart_block(f"{rows[0]['procedure']} {year}: доля «4» и «5», школа и эталон",
                                               charts_pdf.reference_bars(rows[:16], self.width)))
        if not groups:
            self.story.append(para("Результаты муниципалитета, региона и России не введены; сравнение с эталоном "
                                   "не проводилось.", "body"))
        high = tables.high_table(self.r)
        # The school as a whole (and flagged classes); ЕГЭ subjects without marks (test scores only) left out.
        keep = [i for i, row in enumerate(high.rows) if (row[4] == "" or high.flagged[i]) and row[5]]
        high.rows, high.flagged = [high.rows[i] for i in keep], [high.flagged[i] for i in keep]
        self.story += _heading("Школа в целом и классы с признаком", 2)
        self.story += _pdf_table(high, self.width, [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 14])

    def cohorts(self) -> None:
        self.story += _heading("Те же учащиеся год спустя")
        flagged = [f for f in self.r["flags"] if f["code"] == "cohort_drop"]
        for f in flagged:
            lines = [ln for ln in views.cohort_lines(self.a, views.Filters(year=f["year"], subject=f["subject"],
                                                                            grade=f["grade"]))]
            if lines:
                self.story.append(_chart_block(f"{f['subject']}, {f['grade']} класс, {f['year']}: доля «4» и «5» "
                                               "тех же учащихся по годам", charts_pdf.cohort_lines(lines, self.width)))
                self.story += [para(_nb(f["reason"]), "small"), Spacer(1, 8)]
        t = tables.cohort_table(self.r)
        keep = [i for i, row in enumerate(t.rows) if row[4] == "" or t.flagged[i]]
        t.rows, t.flagged = [t.rows[i] for i in keep], [t.flagged[i] for i in keep]
        self.story += _pdf_table(t, self.width, [0, 1, 2, 4, 5, 7, 8, 9, 10, 11, 14])

    def gia(self) -> None:
        self.story += _heading("ГИА: ОГЭ и годовые отметки, медалисты")
        oge = tables.oge_table(self.r)
        keep = [i for i, row in enumerate(oge.rows) if row[4] == ""]
        oge.rows, oge.flagged = [oge.rows[i] for i in keep], [oge.flagged[i] for i in keep]
        self.story += _pdf_table(oge, self.width) + [Spacer(1, 8)]
        self.story += _heading("Медалисты и результаты ЕГЭ", 2)
        self.story += _pdf_table(tables.medal_table(self.r), self.width)

    def process(self) -> None:
        self.story += _heading("Перепроверки и наблюдение за процедурами")
        rc, summary, obs = tables.process_tables(self.r)
        self.story += _pdf_table(rc, self.width) + [Spacer(1, 8)]
        self.story += _pdf_table(summary, self.width * 0.8) + [Spacer(1, 8)]
        missing = [i for i, row in enumerate(obs.rows) if row[6] == "нет"]
        obs.rows, obs.flagged = [obs.rows[i] for i in missing], [obs.flagged[i] for i in missing]
        if obs.rows:
            self.story += _heading("Процедуры без общественных наблюдателей", 2)
            self.story += _pdf_table(obs, self.width)
        task = tables.task_table(self.r)
        if task.rows:
            total = len(task.rows)
            keep = [i for i, row in enumerate(task.rows) if row[4] == "" or task.flagged[i]]   # parallels + flagged
            task.rows, task.flagged = [task.rows[i] for i in keep], [task.flagged[i] for i in keep]
            self.story += _heading("Профиль выполнения заданий (по параллелям и классы с признаком)", 2)
            self.story += _pdf_table(task, self.width)
            if total > len(keep):
                rest = total - len(keep)
                lines = f"{rest} {'строка' if rest % 10 == 1 and rest % 100 != 11 else 'строки' if 2 <= rest % 10 <= 4 and not 12 <= rest % 100 <= 14 else 'строк'}"
                self.story.append(para(f"По отдельным классам ({lines}) — в XLSX-версии отчёта, "
                                       "лист «Профиль заданий».", "small"))

    def method(self) -> None:
        self.story += [PageBreak(), Paragraph("Правило сравнения и пороги признаков", pdf_styles()["title"]),
                       Spacer(1, 2)]
        self.story.append(para(_nb(self.r["indicators"]["comparison_rule"]), "small"))
        self.story.append(Spacer(1, 6))
        self.story.append(para("Индексы и признаки рассчитаны по методике программы «Объектив»: формулы и пороги "
                               "описаны в справке программы (раздел «Показатели и признаки необъективности») и в "
                               "документе «Методика показателей и признаков необъективности» (docs/methodology.md). "
                               "Федеральная формула этих индексов не опубликована; пороги ниже заданы школой "
                               "в «Настройках».", "small"))
        self.story += [Spacer(1, 6)] + _pdf_table(tables.thresholds_table(self.r), self.width * 0.8)


def _write_pdf(analysis, result: dict, out: Path, *, progress=None, cancel=None) -> Path:
    return _Pdf(analysis, result, progress, cancel).build(out)
