"""District mode: read many schools' packets into one summary (DESIGN §7, J6).

``collect(paths)`` verifies every packet (files or folders of ``*.zip``), keeps the good ones, says in
Russian why each bad one was refused, and keeps only the newest packet of a school. ``write_summary``
then writes one XLSX: «Сводка» (a row per school, ordered by risk, with charts), «Признаки» (every
flag with its reason) and «Пакеты» (what was read and what became of it).

Ordering by risk: number of «риск» flags, then «внимание» flags, then the larger of the two indices
of non-objectivity (ВПР, ОГЭ) — all descending; then the school name.
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import xlsx_safe
from .analysis import indicator_defs as defs
from .analysis.flags import FLAG_TITLES
from .analysis.thresholds import DEFAULTS, Thresholds
from .domain import FLAG_LEVEL_LABELS
from .errors import UserError, check_cancel
from .packet import verify_packet

LEVEL_LABELS = FLAG_LEVEL_LABELS


@dataclass
class SchoolSummary:
    """One school's row of the summary, taken from its packet."""

    name: str
    short_name: str
    code: str
    municipality: str
    period: str
    academic_year: str
    created_at: str
    source: Path
    indicators: dict
    flags: list[dict] = field(default_factory=list)
    demo: bool = False                 # made from the program's demo school

    @property
    def title(self) -> str:
        return self.short_name or self.name or self.code or self.source.stem

    def value(self, key: str):
        return self.indicators.get(key)

    def level(self, key: str, thresholds: Thresholds = DEFAULTS) -> str | None:
        """'risk', 'attention' or None for one indicator of this school (``indicator_defs``)."""
        return defs.BY_KEY[key].level(self.indicators, thresholds)

    def worst_index(self) -> float:
        vals = [v for v in (self.value("vpr_index"), self.value("oge_index")) if v is not None]
        return max(vals) if vals else -1.0

    def risk_key(self) -> tuple:
        return (-(self.value("flags_risk") or 0), -(self.value("flags_attention") or 0),
                -self.worst_index(), self.title, self.code)

    def as_json(self) -> dict:
        return {"name": self.name, "short_name": self.short_name, "code": self.code,
                "municipality": self.municipality, "period": self.period,
                "academic_year": self.academic_year, "created_at": self.created_at,
                "file": self.source.name, "indicators": dict(self.indicators),
                "flags": list(self.flags), "demo": self.demo}


@dataclass
class PacketStatus:
    path: Path
    status: str            # 'accepted' | 'rejected' | 'replaced'
    reason: str = ""
    school: str = ""

    @property
    def label(self) -> str:
        if self.status == "accepted":
            return f"принят ({self.reason})" if self.reason else "принят"
        if self.status == "replaced":
            return f"заменён: {self.reason}"
        return f"отклонён: {self.reason}"


@dataclass
class SummaryResult:
    schools: list[SchoolSummary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    packets: list[PacketStatus] = field(default_factory=list)
    out: Path | None = None
    thresholds: Thresholds = DEFAULTS      # the cut-offs the table's tints use, screen and XLSX alike

    def as_json(self) -> dict:
        return {"out": str(self.out) if self.out else None,
                "schools": [s.as_json() for s in self.schools], "notes": list(self.notes),
                "packets": [{"file": p.path.name, "status": p.status, "reason": p.reason,
                             "school": p.school} for p in self.packets]}


def expand_paths(paths) -> list[Path]:
    """Files as given; folders → every *.zip inside (subfolders too), sorted; repeats dropped."""
    out, seen = [], set()
    for raw in paths:
        p = Path(raw)
        found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() == ".zip") \
            if p.is_dir() else [p]
        for q in found:
            key = os.path.normcase(str(q.resolve()))
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


def _summary_from(path: Path, manifest: dict, data: dict) -> SchoolSummary:
    school = data.get("school") or {}
    period = data.get("period") or {}
    return SchoolSummary(
        name=school.get("name", ""), short_name=school.get("short_name", ""),
        code=school.get("code", ""), municipality=school.get("municipality", ""),
        period=period.get("label", ""), academic_year=period.get("academic_year", ""),
        created_at=manifest.get("created_at", ""), source=path,
        indicators=dict(data.get("indicators") or {}),
        flags=list((data.get("analysis") or {}).get("flags") or []))


def _created(s: SchoolSummary) -> _dt.datetime:
    try:
        when = _dt.datetime.fromisoformat(s.created_at.replace("Z", "+00:00"))
    except ValueError:
        return _dt.datetime.min.replace(tzinfo=_dt.timezone.utc)
    return when if when.tzinfo else when.astimezone()


def collect(paths, *, progress: Callable[[int, int], None] | None = None,
            cancel: Callable[[], bool] | None = None, thresholds: Thresholds | None = None) -> SummaryResult:
    """Verify and read every packet; bad ones are listed with reasons, the rest are kept.

    ``thresholds`` give the cut-offs of the table's tints (the program's defaults when None)."""
    files = expand_paths(paths)
    result = SummaryResult(thresholds=thresholds or DEFAULTS)
    by_school: dict[str, SchoolSummary] = {}
    status_of: dict[Path, PacketStatus] = {}
    for k, path in enumerate(files):
        check_cancel(cancel)
        if progress:
            progress(k, len(files))
        res = verify_packet(path)
        if not res.ok or res.data is None:
            reason = "; ".join(res.problems) or "нет данных data.json"
            st = PacketStatus(path, "rejected", reason)
            result.notes.append(f"Пакет «{path.name}» отклонён: {reason}.")
        else:
            summary = _summary_from(path, res.manifest, res.data)
            st = PacketStatus(path, "accepted", school=summary.title)
            if res.demo:
                from .packet import DEMO_PACKET_NOTICE

                summary.demo = True
                st.reason = "демонстрационная школа"
                result.notes.append(f"Внимание: «{path.name}» — {DEMO_PACKET_NOTICE}.")
            _keep_newest(by_school, summary, status_of, st, result.notes)
        status_of[path] = st
        result.packets.append(st)
    if progress:
        progress(len(files), len(files))
    result.schools = sorted(by_school.values(), key=SchoolSummary.risk_key)
    periods = sorted({s.period for s in result.schools})
    if len(periods) > 1:
        result.notes.append("Пакеты относятся к разным периодам (" + ", ".join(periods)
                            + "): сравнивайте школы с осторожностью.")
    if not files:
        result.notes.append("Не найдено ни одного файла пакета (*.zip).")
    return result


def _keep_newest(by_school: dict, new: SchoolSummary, status_of: dict, st: PacketStatus,
                 notes: list[str]) -> None:
    key = new.code or new.name or new.source.name
    old = by_school.get(key)
    if old is None:
        by_school[key] = new
        return
    newer, older = (new, old) if _created(new) >= _created(old) else (old, new)
    by_school[key] = newer
    gone = status_of[old.source] if older is old else st
    gone.status, gone.reason = "replaced", f"есть более новый пакет «{newer.source.name}»"
    notes.append(f"Школа «{new.title}» (код {new.code or 'не указан'}) представлена дважды: учтён "
                 f"более новый пакет «{newer.source.name}» (создан {_when(newer)}), пакет "
                 f"«{older.source.name}» (создан {_when(older)}) не учтён.")


def _when(s: SchoolSummary) -> str:
    when = _created(s)
    return f"{when:%d.%m.%Y %H:%M}" if when.year > 1 else "дата не указана"


def write_summary(paths, out: str | os.PathLike, *, progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None, thresholds: Thresholds | None = None) -> SummaryResult:
    """Read the packets and write the district summary XLSX; return what was read and written.

    Raises UserError (with every reason) when not one packet could be accepted."""
    result = collect(paths, progress=progress, cancel=cancel, thresholds=thresholds)
    if not result.schools:
        raise UserError("Сводка не составлена: ни один пакет не принят. " + " ".join(result.notes))
    write_summary_xlsx(result, out)
    return result


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------
# (header, indicator key or special, number format, width): the school's columns, then the indicators
# as analysis.indicator_defs defines them (label, unit, cut-offs and tint) — the page shows the same.
COLUMNS = [
    ("№", "#", "0", 5),
    ("Школа", "title", None, 34),
    ("Код", "code", "@", 12),
    ("Период", "period", None, 22),
] + [(i.label, i.key, i.xlsx_format, i.width) for i in defs.DISTRICT]
HEADER_ROW = 4


def column_letter(key: str) -> str:
    """The XLSX column of an indicator key («F» for vpr_index)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c[1] == key))


def _cell_value(s: SchoolSummary, key: str, n: int):
    if key == "#":
        return n
    if key in ("title", "code", "period"):
        return getattr(s, key)
    v = s.value(key)
    if key == "schedule":
        return defs.cell(v, defs.YESNO)
    return defs.as_percent(v) if isinstance(v, float) else v


def write_summary_xlsx(result: SummaryResult, out: str | os.PathLike) -> Path:
    """Write the summary workbook for already collected packets (temp name, then rename)."""
    from openpyxl import Workbook

    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "Сводка"
    _summary_sheet(ws, result)
    _print_summary(ws, len(result.schools))
    _charts(wb, ws, len(result.schools))
    for title, fill in (("Признаки", _flags_sheet), ("Пакеты", _packets_sheet)):
        sheet = wb.create_sheet(title)
        fill(sheet, result)
        _print_list(sheet)
    try:
        xlsx_safe.save(wb, out)              # what a packet says is written as text, never a formula
    except OSError as exc:
        raise UserError(f"Не удалось записать сводку «{out}»: {exc.strerror or exc}.") from exc
    result.out = out
    return out


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="B8C2CC")
    return {"head_font": Font(bold=True), "head_fill": PatternFill("solid", fgColor="DCE8F4"),
            "wrap": Alignment(wrap_text=True, vertical="center", horizontal="center"),
            "left": Alignment(wrap_text=True, vertical="top"),
            "border": Border(left=thin, right=thin, top=thin, bottom=thin),
            "title": Font(bold=True, size=13)}


def _header(ws, row: int, headers: list[str], widths: list[int], st: dict) -> None:
    from openpyxl.utils import get_column_letter

    for c, (text, width) in enumerate(zip(headers, widths), 1):
        cell = xlsx_safe.put(ws, row, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = (st["head_font"], st["head_fill"],
                                                            st["wrap"], st["border"])
        ws.column_dimensions[get_column_letter(c)].width = width


def _summary_sheet(ws, result: SummaryResult) -> None:
    st = _styles()
    accepted = sum(1 for p in result.packets if p.status == "accepted")
    xlsx_safe.put(ws, 1, 1, "Сводка по пакетам школ: показатели объективности оценочных процедур",
                  font=st["title"])
    xlsx_safe.put(ws, 2, 1, f"Составлена {_dt.date.today():%d.%m.%Y}. Пакетов прочитано: {len(result.packets)}, "
                f"принято: {accepted}. Школы упорядочены по признакам риска. Пустая клетка — нет данных.")
    _header(ws, HEADER_ROW, [c[0] for c in COLUMNS], [c[3] for c in COLUMNS], st)
    ws.row_dimensions[HEADER_ROW].height = 62
    for n, school in enumerate(result.schools, 1):
        r = HEADER_ROW + n
        for c, (_, key, fmt, _) in enumerate(COLUMNS, 1):
            cell = xlsx_safe.put(ws, r, c, _cell_value(school, key, n))
            cell.border = st["border"]
            if fmt:
                cell.number_format = fmt
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    last = HEADER_ROW + max(1, len(result.schools))
    ws.auto_filter.ref = f"A{HEADER_ROW}:{column_letter(COLUMNS[-1][1])}{last}"
    _highlight(ws, result, HEADER_ROW + 1, last)
    if result.notes:
        r = last + 2
        xlsx_safe.put(ws, r, 1, "Примечания", font=st["head_font"])
        for k, note in enumerate(result.notes, 1):
            xlsx_safe.put(ws, r + k, 1, note, align=st["left"])


def _highlight(ws, result: SummaryResult, first: int, last: int) -> None:
    """Tint each indicator cell by its level (``indicator_defs.level`` with the result's thresholds) —
    the same cells the «Район» page tints; the plan's completion gets a data bar."""
    from openpyxl.formatting.rule import DataBarRule
    from openpyxl.styles import Font, PatternFill

    col = column_letter("plan_completion")
    ws.conditional_formatting.add(f"{col}{first}:{col}{last}", DataBarRule(
        start_type="num", start_value=0, end_type="num", end_value=100, color="5B9BD5"))
    fills = {lv: PatternFill("solid", fgColor=c.lstrip("#").upper()) for lv, c in defs.TINTS.items()}
    fonts = {lv: Font(color=c.lstrip("#").upper(), bold=lv == "risk") for lv, c in defs.TINT_TEXT.items()}
    keys = {c[1]: k for k, c in enumerate(COLUMNS, 1)}
    for r, school in enumerate(result.schools, first):
        for ind in defs.DISTRICT:
            lv = school.level(ind.key, result.thresholds)
            if lv is not None:
                cell = ws.cell(row=r, column=keys[ind.key])
                cell.fill, cell.font = fills[lv], fonts[lv]


# ---- print layout: what LibreOffice Calc prints looks as it does in Excel -----------------------

def _widths(ws) -> list[float]:
    from openpyxl.utils import get_column_letter

    return [ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)]


def _fit_rows(ws, first: int, last: int, widths: list[float]) -> None:
    """Explicit heights for rows whose text wraps (Calc does not grow them from the file)."""
    from .reports.common import fit_row_height

    for r in range(first, last + 1):
        texts = [None if v is None else str(v) for v in
                 (ws.cell(row=r, column=c).value for c in range(1, len(widths) + 1))]
        fit_row_height(ws, r, texts, widths)


def _span_row(ws, row: int, ncols: int, widths: list[float], *, line_pt: float = 15.0) -> None:
    """A line of text across the table's width: merged, wrapped, as tall as its text needs — so a
    note never widens the printed area beyond the table."""
    from openpyxl.styles import Alignment

    from .reports.common import fit_row_height

    cell = ws.cell(row=row, column=1)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    fit_row_height(ws, row, [cell.value], [sum(widths) * 0.95], line_pt=line_pt)


def _word_widths(ws, row: int, headers: list[str], widths: list[float]) -> list[float]:
    """Widen the columns whose header has a word longer than the column (it would break inside)."""
    from .reports.common import fit_header_words

    return fit_header_words(ws, headers, widths)


def _print_summary(ws, n: int) -> None:
    """«Сводка» on A4 landscape: one page wide, the header row on every page, page numbers below."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    from .reports.common import fit_row_height, setup_print

    ncols = len(COLUMNS)
    widths = _word_widths(ws, HEADER_ROW, [c[0] for c in COLUMNS], [c[3] for c in COLUMNS])
    _span_row(ws, 1, ncols, widths, line_pt=18)
    _span_row(ws, 2, ncols, widths)
    fit_row_height(ws, HEADER_ROW, [c[0] for c in COLUMNS], widths, minimum=30)
    last = HEADER_ROW + max(1, n)
    for r in range(HEADER_ROW + 1, last + 1):
        for c in (2, 4):                                     # the school's name and the period wrap
            cell = ws.cell(row=r, column=c)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _fit_rows(ws, HEADER_ROW + 1, last, widths)
    end = last
    if ws.max_row > last:                                    # «Примечания» and the notes below the table
        for r in range(last + 3, ws.max_row + 1):
            _span_row(ws, r, ncols, widths)
        end = ws.max_row
    setup_print(ws, landscape_mode=True, header_rows=(HEADER_ROW, HEADER_ROW))
    ws.print_options.horizontalCentered = False
    ws.print_area = f"A1:{get_column_letter(ncols)}{end}"


def _print_list(ws) -> None:
    """«Признаки» and «Пакеты»: wrapped rows with heights, landscape, fit to width, header repeated."""
    from openpyxl.utils import get_column_letter

    from .reports.common import setup_print

    widths = _widths(ws)
    widths = _word_widths(ws, 1, [str(ws.cell(row=1, column=c).value or "") for c in range(1, len(widths) + 1)],
                          widths)
    _fit_rows(ws, 1, ws.max_row, widths)
    setup_print(ws, landscape_mode=True, header_rows=(1, 1))
    ws.print_options.horizontalCentered = False
    ws.print_area = f"A1:{get_column_letter(len(widths))}{ws.max_row}"


def _bar_chart(title: str, ws, cols: list[int], n: int, *, stacked: bool = False, y_title: str = ""):
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.style = 10
    chart.y_axis.title = y_title
    chart.y_axis.majorGridlines = None
    chart.y_axis.scaling.min = 0                    # bars measured from zero, never from the smallest value
    chart.x_axis.title = "Школа"
    chart.x_axis.scaling.orientation = "maxMin"     # the riskiest school on top
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    for col in cols:
        data = Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=HEADER_ROW + n)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + n))
    chart.width = 24
    chart.height = max(7.5, 0.55 * n + 3)
    return chart


def _charts(wb, ws, n: int) -> None:
    if n == 0:
        return
    sheet = wb.create_sheet("Диаграммы")
    xlsx_safe.put(sheet, 1, 1, "Сравнение школ (данные — лист «Сводка»)")
    from .reports.common import setup_print

    setup_print(sheet, landscape_mode=True)
    col = {c[1]: k for k, c in enumerate(COLUMNS, 1)}
    charts = [
        _bar_chart("Индекс необъективности ВПР и ОГЭ, %", ws, [col["vpr_index"], col["oge_index"]], n, y_title="%"),
        _bar_chart("Выполнение плана мероприятий, %", ws, [col["plan_completion"]], n, y_title="%"),
        _bar_chart("Признаки необъективности за учебный год", ws, [col["flags_risk"], col["flags_attention"]], n,
                   stacked=True, y_title="число признаков"),
    ]
    from openpyxl.worksheet.pagebreak import Break

    row, page_top, page_rows = 3, 1, 32              # rows of 15 pt on a landscape A4 page
    for chart in charts:
        rows = int(chart.height * 2) + 2             # 1 cm ≈ 2 rows
        if row + rows > page_top + page_rows and row > page_top + 2:
            sheet.row_breaks.append(Break(id=row - 1))   # a chart is never cut by a page end
            page_top = row
        sheet.add_chart(chart, f"A{row}")
        row += rows


def _flags_sheet(ws, result: SummaryResult) -> None:
    st = _styles()
    headers = ["Школа", "Код", "Уровень", "Признак", "Процедура", "Предмет", "Класс", "Основание"]
    _header(ws, 1, headers, [30, 12, 11, 34, 11, 20, 8, 90], st)
    r = 2
    for school in result.schools:
        flags = sorted(school.flags, key=lambda f: (f.get("level") != "risk", f.get("procedure") or "",
                                                    f.get("subject") or "", f.get("class") or ""))
        for f in flags:
            values = [school.title, school.code, LEVEL_LABELS.get(f.get("level"), f.get("level")),
                      f.get("title") or FLAG_TITLES.get(f.get("code"), f.get("code")),
                      f.get("procedure") or "",
                      f.get("subject") or "", f.get("class") or "", f.get("reason") or ""]
            for c, v in enumerate(values, 1):
                cell = xlsx_safe.put(ws, r, c, v)
                cell.alignment, cell.border = st["left"], st["border"]
            r += 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{max(r - 1, 1)}"
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    ws.conditional_formatting.add(f"C2:C{max(r, 2)}", CellIsRule(
        operator="equal", formula=['"риск"'], fill=PatternFill("solid", fgColor=defs.TINTS["risk"].lstrip("#").upper())))


def _packets_sheet(ws, result: SummaryResult) -> None:
    st = _styles()
    _header(ws, 1, ["Файл", "Школа", "Состояние", "Причина"], [42, 30, 14, 100], st)
    labels = {"accepted": "принят", "rejected": "отклонён", "replaced": "заменён"}
    for r, p in enumerate(result.packets, 2):
        for c, v in enumerate([p.path.name, p.school, labels[p.status], p.reason], 1):
            cell = xlsx_safe.put(ws, r, c, v)
            cell.alignment, cell.border = st["left"], st["border"]
    ws.freeze_panes = "A2"
