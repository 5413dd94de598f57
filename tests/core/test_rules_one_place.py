"""One rule in one place: the school year, plan status and overdue, Russian formatting, mark cells —
their edge cases, and the demo school's plan figures read from every place that shows them."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from app.core import fmt, marks, markcell, plan_exec, plan_status, schoolyear
from app.core.deadlines import PlanYears, format_date, parse_period
from app.core.errors import UserError
from app.core.imports import journal, vpr
from app.core.overview import school_overview
from app.core.packet_data import collect_plan, preflight, resolve_period
from app.core.reports import execution


# ---------------------------------------------------------------- the school year

def test_august_closes_the_year_september_opens_the_next():
    assert schoolyear.label_of("2026-08-31") == "2025/2026"
    assert schoolyear.label_of(dt.date(2026, 9, 1)) == "2026/2027"
    assert schoolyear.label_of("2026-01-15") == "2025/2026"
    assert schoolyear.bounds("2025/2026") == (dt.date(2025, 9, 1), dt.date(2026, 8, 31))
    assert schoolyear.calendar_year_of_month(8, 2025) == 2026       # August of 2025/2026 is 2026
    assert schoolyear.calendar_year_of_month(9, 2025) == 2025
    # state exams: the September retakes close the year that has just ended
    assert schoolyear.exam_year_label("2026-09-05") == "2025/2026"
    # a plan for next year is offered, not guessed: in August both years are there, the current first
    assert schoolyear.year_choices(dt.date(2026, 8, 20)) == ["2025/2026", "2026/2027"]
    with pytest.raises(ValueError):
        schoolyear.start_of("2025/2027")


def test_plans_and_periods_use_the_same_boundary():
    assert PlanYears(2025, 2026).span() == schoolyear.bounds(2025)
    assert PlanYears(2025, 2026).years_for_month(8) == [2026]
    assert parse_period("2025/2026")[:2] == schoolyear.bounds("2025/2026")


def test_period_of_a_date_in_the_school_calendar(demo_db):
    periods = [dict(zip(("kind", "label", "start_date", "end_date"), r)) for r in demo_db.execute(
        "SELECT p.kind, p.label, p.start_date, p.end_date FROM period p JOIN academic_year y ON y.id = p.year_id "
        "WHERE y.label = '2025/2026'")]
    assert schoolyear.period_of(periods, "2025-10-01")["label"] == "1 четверть"   # the quarter, not the year
    holiday = schoolyear.period_of(periods, "2025-11-01")           # autumn holidays: no quarter
    assert holiday is not None and holiday["kind"] == "half"
    assert schoolyear.period_of(periods, "2025-10-01", kinds=("year",))["label"] == "Год"
    year = schoolyear.current_year(demo_db, today="2025-12-01")
    assert year["label"] == "2025/2026" and year["contains_today"]


# ---------------------------------------------------------------- plan status and overdue

def _item(**kw):
    return {"id": 1, "status": "planned", "done_date": None, "deadline_end": "2026-04-15", **kw}


def test_an_item_due_today_is_not_yet_overdue():
    assert not plan_status.is_overdue(_item(), dt.date(2026, 4, 15))
    assert plan_status.is_overdue(_item(), dt.date(2026, 4, 16))
    assert not plan_status.is_overdue(_item(status="done"), dt.date(2026, 5, 1))
    assert not plan_status.is_overdue(_item(status="cancelled"), dt.date(2026, 5, 1))
    assert not plan_status.is_overdue(_item(deadline_end=None), dt.date(2030, 1, 1))   # unread deadline


def test_state_as_of_a_date_before_the_item_was_done():
    item = _item(status="done", done_date="2026-04-20")
    assert plan_status.item_state(item, dt.date(2026, 4, 30)) == plan_status.ItemState("done", "2026-04-20", False)
    early = plan_status.item_state(item, dt.date(2026, 4, 18), [{"date": "2026-04-10"}])
    assert early == plan_status.ItemState("in_progress", None, True) and early.text == "выполняется, просрочено"
    assert plan_status.item_state(item, dt.date(2026, 4, 1)).status == "planned"
    counts = plan_status.count_statuses([item, _item(id=2, status="in_progress")], dt.date(2026, 4, 18),
                                        {1: [{"date": "2026-04-10"}]})
    assert counts == {"total": 2, "done": 0, "in_progress": 2, "planned": 0, "overdue": 2, "cancelled": 0,
                      "overdue_in_progress": 2, "overdue_planned": 0}
    scope = plan_status.Scope.period(dt.date(2025, 9, 1), dt.date(2026, 8, 31), "2025/2026 учебный год",
                                     today=dt.date(2026, 12, 6))
    assert plan_status.overdue_text(2, scope, 4) == ("Просрочено мероприятий плана: 2 (за 2025/2026 учебный год, "
                                                     "на 31.08.2026; по всему плану на сегодня — 4)")


# ---------------------------------------------------------------- Russian formatting

def test_numbers_percents_sizes_and_dates():
    assert fmt.file_size(3721) == "3,6 КБ"
    assert fmt.file_size(3072) == "3 КБ" and fmt.file_size(812) == "812 байт"
    assert fmt.file_size(20 * 1024 * 1024) == "20 МБ" and fmt.file_size(69873) == "68,2 КБ"
    assert fmt.percent(25.0) == "25 %" and fmt.share(0.25) == "25 %" and fmt.percent(46.153) == "46,2 %"
    assert fmt.percent_of(7, 28) == "25 %" and fmt.percent(None) == "—"
    assert fmt.number(1234567.5, 1) == "1\u202f234\u202f567,5"
    assert fmt.count(12345) == "12\u202f345" and fmt.number(-0.04, 1) == "0,0"
    assert fmt.date("2026-04-15") == "15.04.2026" == format_date("2026-04-15")
    assert fmt.date_long("2026-04-15") == "15 апреля 2026 г."
    assert fmt.date_signed("2025-08-29") == "«29» августа 2025 г."
    assert fmt.date_time("2026-04-15 10:30:00") == "15.04.2026 10:30"


# ---------------------------------------------------------------- mark cells

@pytest.mark.parametrize("value, kind, mark", [
    (5, "mark", 5), ("5-", "mark", 5), ("4+", "mark", 4), (" 3 ", "mark", 3), (4.0, "mark", 4), ("4,0", "mark", 4),
    ("осв", "no_mark", None), ("н/а", "no_mark", None), ("зач", "no_mark", None), ("нет отметки", "no_mark", None),
    ("-", "no_mark", None), ("X", "no_mark", None), (None, "no_mark", None), ("", "no_mark", None),
    ("1", "invalid", None), (7, "invalid", None), ("4,5", "invalid", None), ("отл", "invalid", None),
    (True, "invalid", None),
])
def test_one_reading_of_a_mark_cell(value, kind, mark):
    cell = markcell.read_mark(value)
    assert (cell.kind, cell.mark) == (kind, mark)
    if kind == "invalid":
        assert cell.note and "отмет" in cell.note


def test_every_reader_of_marks_agrees():
    for value in ("5-", "4+", "осв", "н/а", "X", "", 3):
        expected = markcell.read_mark(value).mark
        reasons: list[str] = []
        assert journal._mark(value, reasons) == expected and not reasons
        assert vpr.parse_mark(value, "отметка", reasons) == expected and not reasons
        assert marks.parse_mark(value) == expected
    reasons = []
    assert journal._mark("7", reasons) is None and "«7»" in reasons[0]
    assert vpr.parse_mark("7", "отметка", reasons) is None and "2–5" in reasons[1]
    with pytest.raises(UserError, match="от 2 до 5"):
        marks.parse_mark("7")


# ---------------------------------------------------------------- the demo school agrees with itself

KEYS = ("total", "done", "in_progress", "planned", "overdue", "cancelled")


def _xlsx_counts(path) -> dict:
    """The counts table of the execution workbook: each label with the value under it."""
    ws = load_workbook(path).active
    labels = {plan_status.COUNT_LABELS[k]: k for k in KEYS}
    out: dict = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value in labels:
                out.setdefault(labels[cell.value], ws.cell(cell.row + 1, cell.column).value)
    return out


def _pdf_text(path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_plan_figures_agree_on_every_screen_report_and_packet(demo_db, tmp_path):
    today = dt.date.today()
    overview = school_overview(demo_db, today=today.isoformat())["plan"]
    page = plan_exec.status_counts([i for i in plan_exec.filter_items(demo_db, overview["id"], today=today)], today)
    report = execution.collect(demo_db, today=today)["counts"]
    assert overview["overdue"] > 0
    for key in KEYS:
        assert overview[key] == page[key] == report[key], key

    # the written report: XLSX cells and PDF text
    xlsx_counts = _xlsx_counts(execution.write_execution_report(demo_db, tmp_path / "report.xlsx"))
    assert {k: xlsx_counts[k] for k in KEYS} == {k: report[k] for k in KEYS}
    text = _pdf_text(execution.write_execution_report(demo_db, tmp_path / "report.pdf"))
    head = re.search(r"Отменено\s*\n\s*([\d\s]+)\n", text)
    assert [int(x) for x in head.group(1).split()] == [report[k] for k in KEYS]
    assert f"Состояние на {fmt.date(today)}" in text

    # the packet check and data.json count the school year of the packet, as of its end, and say so
    per = resolve_period(demo_db, None)
    scoped = execution.collect(demo_db, period=per.value, today=today)["counts"]
    plan, _ = collect_plan(demo_db, per)
    assert plan["summary"]["overdue"] == scoped["overdue"]
    assert plan["summary"]["done"] == scoped["done"] and plan["summary"]["items_in_period"] == scoped["total"]
    line = next(w for w in preflight(demo_db) if w.startswith("Просрочено мероприятий плана"))
    assert line.startswith(f"Просрочено мероприятий плана: {scoped['overdue']} (за {per.label}, на ")
    if scoped["overdue"] != overview["overdue"]:
        assert f"по всему плану на сегодня — {overview['overdue']}" in line

    # the packet itself: data.json says the same as the packet check
    from app.core.packet import write_packet

    zpath = write_packet(demo_db, tmp_path)
    with zipfile.ZipFile(zpath) as z:
        data = json.loads(z.read("data.json"))
    assert data["plan"]["summary"]["overdue"] == scoped["overdue"]
    assert data["indicators"]["plan_overdue"] == scoped["overdue"]
    late = [it for s in data["plan"]["sections"] for it in s["items"] if it["in_period"] and it["overdue"]]
    assert len(late) == scoped["overdue"]

    # one evidence file reads the same size on «План» and in the report
    row = demo_db.execute("SELECT id, item_id, size FROM evidence ORDER BY id LIMIT 1").fetchone()
    shown = next(plan_exec.evidence_size(e) for e in plan_exec.evidence_list(demo_db, row[1]) if e["id"] == row[0])
    assert shown == fmt.file_size(row[2]) and re.fullmatch(r"\d+(,\d)? КБ", shown)
    assert f"({shown}," in _pdf_text(tmp_path / "report.pdf", layout=False).replace("\n", " ")
