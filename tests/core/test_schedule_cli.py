"""The schedule on the command line and in its documents: check JSON, the published XLSX read back,
the PDF appendix with its «УТВЕРЖДАЮ», and outputs that would replace the open database refused."""
from __future__ import annotations

import json
import subprocess
import sys

from python_calamine import CalamineWorkbook

from app.core import schedule as sch
from app.core.schedule_reports import write_schedule_pdf, write_schedule_xlsx


def _run(*args):
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_demo_schedule_has_its_two_planted_violations(demo_db):
    result = sch.check(demo_db)
    assert result["year"] == "2025/2026" and result["procedures"] > 200
    assert [(v["rule"], v["class"]) for v in result["violations"]] == [("one_per_day", "5А"), ("too_frequent", "7Б")]
    status = sch.status(demo_db)
    assert status["present"] is True and status["violations"] == 2 and "№ 97" in status["basis"]


def test_schedule_check_json_on_the_command_line(demo_db_path):
    done = _run("--db", demo_db_path, "schedule-check", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data["procedures"], int)
    for v in data["violations"]:
        assert {"rule", "class", "subject", "dates", "reason"} <= set(v)
    assert {v["rule"] for v in data["violations"]} == {"one_per_day", "too_frequent"}
    bad = _run("--db", demo_db_path, "schedule-check", "--year", "1999/2000", "--json")
    assert bad.returncode == 1 and "не найден" in bad.stderr


def test_published_xlsx_reads_back(demo_db, tmp_path):
    out = write_schedule_xlsx(demo_db, tmp_path / "график.xlsx")
    book = CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["График", "Список"]
    grid = book.get_sheet_by_name("График").to_python()
    text = [str(c) for row in grid for c in row if c not in ("", None)]
    assert "УТВЕРЖДАЮ" in text and "Сентябрь 2025" in text and "Май 2026" in text
    assert any("Условные обозначения" in t for t in text)
    listed = book.get_sheet_by_name("Список").to_python()
    header = [str(c) for c in listed[2]]
    assert header[:4] == ["№", "Класс", "Предмет", "Дата"]
    body = [r for r in listed[3:] if r[0] != ""]
    assert len(body) == sch.check(demo_db)["procedures"]
    assert any(r[1] == "7Б" and r[2] == "Математика" and str(r[3]).startswith("2025-12-24") for r in body)
    # colour by level and print setup (read with openpyxl: calamine does not read styles)
    from openpyxl import load_workbook

    ws = load_workbook(out)["График"]
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    fills = {c.fill.fgColor.rgb[-6:] for row in ws.iter_rows() for c in row if c.value and c.fill.fill_type}
    assert {"F4CCCC", "D9EAD3"} <= fills


def test_pdf_appendix_and_guards(demo_db_path, tmp_path):
    out = tmp_path / "график.pdf"
    done = _run("--db", demo_db_path, "schedule-pdf", out)
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "УТВЕРЖДАЮ" in text and "График оценочных процедур на 2025/2026" in text and "5А класс" in text
    before = demo_db_path.read_bytes()[:100]
    over = _run("--db", demo_db_path, "schedule-xlsx", demo_db_path.with_suffix(".xlsx"))
    assert over.returncode == 0
    refused = _run("--db", demo_db_path, "schedule-pdf", demo_db_path)
    assert refused.returncode == 1 and "Ошибка" in refused.stderr
    assert demo_db_path.read_bytes()[:100] == before


def test_empty_year_still_prints(empty_db, tmp_path):
    with empty_db.atomic():
        empty_db.execute("INSERT INTO academic_year (label, start_date, end_date) VALUES "
                         "('2025/2026', '2025-09-01', '2026-08-31')")
    pdf = write_schedule_pdf(empty_db, tmp_path / "g.pdf")
    assert pdf.stat().st_size > 1000
    assert write_schedule_xlsx(empty_db, tmp_path / "g.xlsx").exists()


def test_the_packet_carries_the_schedule_and_its_check(demo_db):
    from app.core import packet as P

    data, _ = P.collect_data(demo_db, P.resolve_period(demo_db, "2025/2026"))
    assert P.schema_problems(data, "data.schema.json", "data.json") == []
    sched = data["schedule"]
    assert sched["present"] is True and sched["order_number"] == "97"
    assert len(sched["items"]) == sched["check"]["procedures"]
    assert [v["rule"] for v in sched["check"]["violations"]] == ["one_per_day", "too_frequent"]
    ind = data["indicators"]
    assert ind["schedule"] is True and ind["schedule_violations"] == 2 and "№ 97" in ind["schedule_basis"]
