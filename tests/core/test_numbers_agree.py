"""The demo school's indicators read the same wherever they are shown (issue 13, «one rule, one place»).

Each quantity — flags by level and year, the comparisons, the indices of non-objectivity and of
unconfirmed medalists with their unit — is read from every place that shows it: the core functions the
«Анализ» page renders (``analysis.run`` / ``tables``), the text summary, ``analyze --json`` (a real
process), the analysis report (PDF text through pdftotext, XLSX cells), the packet's data.json and the
packet's own analysis.xlsx, and «Район» on the demo packet (``district.collect`` and the summary XLSX).
The pages themselves are read in tests/ui/test_numbers_agree_ui.py. The packet check (preflight)
shows none of these figures, so it has nothing to agree with here.

The unit is one: every share is a percent 0…100 with one decimal (``indicator_defs``).
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from app.core import district as D
from app.core import packet as P
from app.core import store
from app.core.analysis import analyze, format_text, indicator_defs as defs, tables
from app.core.analysis.engine import medal_index_value, objectivity_value
from app.core.analysis.thresholds import DEFAULTS, from_mapping
from app.core.reports.analysis_report import write_analysis_report

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"vpr": "ВПР", "oge": "ОГЭ"}


@pytest.fixture(scope="module")
def demo(demo_template, tmp_path_factory):
    """The demo school, its analysis (all years and the packet's year), the CLI's JSON, the analysis
    report in both formats, its packet and the district summary of that packet — each made once."""
    root = tmp_path_factory.mktemp("numbers-agree")
    db_path = root / "demo.db"
    shutil.copyfile(demo_template, db_path)
    db = store.open_db(db_path)
    try:
        full = analyze(db)
        year = max(full["indicators"]["years"])
        of_year = analyze(db, year=year)
        write_analysis_report(db, root / "analysis.pdf")
        write_analysis_report(db, root / "analysis.xlsx")
        packet = P.write_packet(db, root / "usb")
    finally:
        db.close()
    cli = subprocess.run([sys.executable, "-m", "app", "--db", str(db_path), "analyze", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert cli.returncode == 0, cli.stderr
    pdf = subprocess.run(["pdftotext", "-layout", str(root / "analysis.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    summary = D.write_summary([packet], root / "svodka.xlsx")
    with zipfile.ZipFile(packet) as zf:
        data = json.loads(zf.read("data.json"))
        packet_xlsx = openpyxl.load_workbook(io.BytesIO(zf.read("analysis.xlsx")))
    return {"full": full, "year": year, "of_year": of_year, "cli": json.loads(cli.stdout), "pdf": pdf,
            "xlsx": openpyxl.load_workbook(root / "analysis.xlsx"), "packet_xlsx": packet_xlsx,
            "data": data, "summary": summary, "summary_xlsx": openpyxl.load_workbook(root / "svodka.xlsx")}


def _sheet(ws, first_header: str) -> list[dict]:
    """The rows of a report sheet as dicts, under the header row whose first cell is ``first_header``."""
    rows = list(ws.iter_rows(values_only=True))
    k = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = rows[k]
    return [dict(zip(header, r)) for r in rows[k + 1:] if any(v is not None for v in r)]


def _ru_number(text: str) -> float:
    return float(text.replace("\u202f", "").replace(",", "."))


def _flag_key(f: dict) -> tuple:
    return (f["code"], f["level"], f["year"], f["procedure"], f["subject"], f["class"], f["reason"])


def _summary_row(demo) -> dict:
    ws = demo["summary_xlsx"]["Сводка"]
    header = [c.value for c in ws[D.HEADER_ROW]]
    return dict(zip(header, [c.value for c in ws[D.HEADER_ROW + 1]]))


# ------------------------------------------------------------------------------------------ flags
def test_flags_by_level_and_year_agree_everywhere(demo):
    full, year, of_year = demo["full"], demo["year"], demo["of_year"]
    flags = full["flags"]
    per_year = defs.count_flags(flags)["by_year"]
    assert per_year == {y: {lv: sum(1 for f in flags if f["year"] == y and f["level"] == lv)
                            for lv in ("risk", "attention")} for y in {f["year"] for f in flags}}
    # the demo plants flags in two years: a count «за все годы» and one «за год» really differ
    everything, this_year = defs.count_flags(flags), defs.count_flags(flags, year)
    assert (everything["total"], everything["risk"]) == (5, 3)
    assert (this_year["total"], this_year["risk"], this_year["attention"]) == (4, 2, 2)
    assert everything["scope"] == "за все годы" and this_year["scope"] == f"за {year} учебный год"

    # the analysis of one year (the packet's) finds exactly that year's flags of the full analysis
    assert sorted(map(_flag_key, of_year["flags"])) == sorted(_flag_key(f) for f in flags if f["year"] == year)
    # analyze --json, a separate process, prints the same flags
    assert sorted(map(_flag_key, demo["cli"]["flags"])) == sorted(map(_flag_key, flags))
    # the text summary states the count with its scope
    assert defs.flags_sentence(everything) in format_text(full)

    # the analysis report: the count in the PDF and on the XLSX summary sheet, the flags sheet by year
    assert defs.flags_sentence(everything) in " ".join(demo["pdf"].split())
    lines = [r[0] for r in demo["xlsx"]["Сводка"].iter_rows(values_only=True) if r[0]]
    assert defs.flags_sentence(everything) in lines
    sheet = Counter((r["Год"], r["Уровень"]) for r in _sheet(demo["xlsx"]["Признаки"], "№"))
    assert sheet == Counter((f["year"], {"risk": "риск", "attention": "внимание"}[f["level"]]) for f in flags)

    # the packet: its analysis, its key indicators and its own analysis.xlsx hold that year's flags
    data = demo["data"]
    assert sorted(map(_flag_key, data["analysis"]["flags"])) == sorted(map(_flag_key, of_year["flags"]))
    assert (data["indicators"]["flags_risk"], data["indicators"]["flags_attention"]) == \
        (this_year["risk"], this_year["attention"])
    assert len(_sheet(demo["packet_xlsx"]["Признаки"], "№")) == this_year["total"]

    # «Район»: the school's row, its flags list, and the summary workbook
    (school,) = demo["summary"].schools
    assert (school.value("flags_risk"), school.value("flags_attention")) == (this_year["risk"], this_year["attention"])
    assert Counter(f["level"] for f in school.flags) == Counter({"risk": this_year["risk"],
                                                                 "attention": this_year["attention"]})
    row = _summary_row(demo)
    assert row[defs.BY_KEY["flags_risk"].label] == this_year["risk"]
    assert row[defs.BY_KEY["flags_attention"].label] == this_year["attention"]
    assert "за учебный год" in defs.BY_KEY["flags_risk"].label           # the column says its scope


# ------------------------------------------------------------------------------------ comparisons
CMP_KEYS = ("procedure", "subject", "grade", "year", "class", "n", "lowered", "confirmed", "raised")


def _cmp(rows) -> list[tuple]:
    return sorted(tuple(r[k] for k in CMP_KEYS) for r in rows)


def test_comparisons_agree_everywhere(demo):
    full, year = demo["full"], demo["year"]
    comparisons = full["comparisons"]
    assert comparisons and all(r["lowered"] + r["confirmed"] + r["raised"] == r["n"] for r in comparisons)
    assert _cmp(demo["cli"]["comparisons"]) == _cmp(comparisons)
    assert _cmp(demo["data"]["analysis"]["comparisons"]) == _cmp(r for r in comparisons if r["year"] == year)
    # «Показатели» on the page renders tables.comparison_tables; the report's XLSX writes the same table
    (by_class, *_rest) = tables.comparison_tables(full)
    head = [c[0] for c in by_class.columns]
    columns = ("Процедура", "Предмет", "Параллель", "Год", "Класс", "Участников с обеими отметками",
               "Понизили", "Подтвердили", "Повысили")
    as_table = sorted(tuple(v[head.index(c)] for c in columns) for v in by_class.rows)
    assert as_table == _cmp(comparisons)
    sheet = _sheet(demo["xlsx"]["По классам"], "Год")
    assert sorted(tuple(r[c] for c in columns) for r in sheet) == _cmp(comparisons)
    # the federal portal's labels name the three outcomes where the comparison is shown
    assert by_class.tips["Понизили"] == "Понизили (Отметка < Отметка по журналу)"
    assert by_class.tips["Повысили, %"] == "Повысили (Отметка > Отметка по журналу)"


# ---------------------------------------------------------------------------------------- indices
def test_objectivity_index_agrees_everywhere_in_percent(demo):
    full, year = demo["full"], demo["year"]
    ix_rows = full["indicators"]["objectivity_index"]
    assert len(ix_rows) == 6                     # ВПР and ОГЭ in each of the three years
    pdf = demo["pdf"]
    sheet = {(r["Показатель"], r["Год"]): r for r in _sheet(demo["xlsx"]["Индексы"], "Показатель")}
    cli = {(r["procedure_kind"], r["year"]): r["index"] for r in demo["cli"]["indicators"]["objectivity_index"]}
    for r in ix_rows:
        kind, y = r["procedure_kind"], r["year"]
        # one computation: the index is the share of the comparisons whose marks differ, in percent
        same = [c for c in full["comparisons"] if c["procedure_kind"] == kind and c["year"] == y]
        assert r["index"] == defs.percent(sum(c["lowered"] + c["raised"] for c in same), sum(c["n"] for c in same))
        assert 0 <= r["index"] <= 100 and r["index"] == round(r["index"], 1)
        assert objectivity_value(ix_rows, kind, y) == r["index"] == cli[(kind, y)]
        assert sheet[(r["name"], y)]["Индекс, %"] == r["index"]
        m = re.search(rf"{r['name']}\s+{y}\s+(\d+)\s+(\d+)\s+([\d,]+)", pdf)
        assert m and (int(m[1]), int(m[2]), _ru_number(m[3])) == (r["n"], r["differ"], r["index"]), r["name"]
    # the packet and «Район» carry the index of the packet's year, the same number
    (school,) = demo["summary"].schools
    row = _summary_row(demo)
    for kind in KINDS:
        value = objectivity_value(ix_rows, kind, year)
        key = f"{kind}_index"
        assert value is not None
        assert demo["data"]["indicators"][key] == school.value(key) == value
        assert row[defs.BY_KEY[key].label] == value
        assert defs.BY_KEY[key].label.endswith(", %") and defs.BY_KEY[key].kind == defs.PERCENT


def test_medalist_index_agrees_everywhere_in_percent(demo):
    full, year = demo["full"], demo["year"]
    summary = full["indicators"]["medalists"]["summary"]
    latest = next(m for m in summary if m["year"] == year)
    assert (latest["unconfirmed"], latest["with_results"], latest["index"]) == (1, 4, 25.0)   # 25 %, not 0,25
    assert defs.text(latest["index"]) == "25 %"
    assert full["indicators"]["medal_unconfirmed_index"] == medal_index_value(summary) == \
        defs.percent(sum(m["unconfirmed"] for m in summary), sum(m["with_results"] for m in summary))
    cli = {m["year"]: m["index"] for m in demo["cli"]["indicators"]["medalists"]["summary"]}
    assert cli == {m["year"]: m["index"] for m in summary}
    assert demo["cli"]["indicators"]["medal_unconfirmed_index"] == full["indicators"]["medal_unconfirmed_index"]
    # «Показатели» (the same table the report writes) and the report's XLSX and PDF
    index_table = tables.index_table(full)
    on_page = {(v[0], v[1]): v[4] for v in index_table.rows}
    sheet = {(r["Показатель"], r["Год"]): r["Индекс, %"] for r in _sheet(demo["xlsx"]["Индексы"], "Показатель")}
    for m in summary:
        key = ("Индекс неподтверждения медалистов", m["year"])
        assert on_page[key] == sheet[key] == m["index"]
        found = re.search(rf"Индекс неподтверждения медалистов\s+{m['year']}\s+(\d+)\s+(\d+)\s+([\d,]+)", demo["pdf"])
        assert found and (int(found[1]), int(found[2]), _ru_number(found[3])) == \
            (m["with_results"], m["unconfirmed"], m["index"])
    assert "медалистов, " + year + ": 25 % (1 из 4)" in " ".join(
        r[0] for r in demo["xlsx"]["Сводка"].iter_rows(values_only=True) if r[0])
    assert "Индекс неподтверждения медалистов, " + year + ": 25 %" in format_text(full)
    # the packet, «Район» and the summary workbook: the year's index, in the same percent
    (school,) = demo["summary"].schools
    assert demo["data"]["indicators"]["medal_unconfirmed_index"] == school.value("medal_unconfirmed_index") == \
        demo["of_year"]["indicators"]["medal_unconfirmed_index"] == latest["index"]
    assert _summary_row(demo)["Индекс неподтверждения медалистов, %"] == latest["index"]


# -------------------------------------------------------------------------- cut-offs and tints
def test_district_cut_offs_come_from_the_thresholds(demo):
    (school,) = demo["summary"].schools
    vpr = school.value("vpr_index")
    assert vpr < DEFAULTS.index_attention_pct and school.level("vpr_index") is None
    stricter = from_mapping({"index_attention_pct": vpr - 1, "index_risk_pct": vpr})
    assert school.level("vpr_index", stricter) == "risk"
    assert school.level("medal_unconfirmed_index") == "attention"          # one medalist unconfirmed
    assert school.level("flags_risk") == "risk" and school.level("flags_attention") == "attention"
    # the share of unchanged rechecks is judged by the user's threshold, not a frozen 80
    share = school.value("recheck_unchanged")
    assert school.level("recheck_unchanged", from_mapping({"recheck_unchanged_pct": 0, "recheck_risk_pct": 0})) is None
    assert school.level("recheck_unchanged", from_mapping({"recheck_unchanged_pct": 100, "recheck_risk_pct": 0,
                                                           "recheck_min": 1})) == ("attention" if share < 100 else None)
    # the summary workbook tints exactly the cells the page tints (the same levels)
    ws = demo["summary_xlsx"]["Сводка"]
    header = [c.value for c in ws[D.HEADER_ROW]]
    for ind in defs.DISTRICT:
        cell = ws.cell(row=D.HEADER_ROW + 1, column=header.index(ind.label) + 1)
        tinted = cell.fill.fill_type == "solid"
        level = school.level(ind.key, demo["summary"].thresholds)
        assert tinted == (level is not None), ind.key
        if level:
            assert cell.fill.fgColor.rgb[-6:] == defs.TINTS[level].lstrip("#").upper()
