"""The demo school's packet: written, verified, read back by the district summary with the same
numbers as ``analyze --json``, and free of every pupil's surname in every file (PDF, XLSX, JSON)."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from app.core import district as D
from app.core import packet as P
from app.core import store


@pytest.fixture(scope="module")
def demo_packet(demo_template, tmp_path_factory):
    """The demo school (a private copy) and its packet for the latest year, written once."""
    root = tmp_path_factory.mktemp("demo-packet")
    db_path = root / "demo.db"
    shutil.copyfile(demo_template, db_path)
    db = store.open_db(db_path)
    path = P.write_packet(db, root / "usb")
    db.close()
    return db_path, path


def _year(db_path: Path) -> str:
    db = store.open_db(db_path)
    try:
        return P.resolve_period(db).year
    finally:
        db.close()


def test_demo_packet_verifies_with_every_document(demo_packet, capsys):
    db_path, path = demo_packet
    res = P.verify_packet(path)
    assert res.ok, res.problems
    names = {f["path"] for f in res.manifest["files"]}
    assert {"data.json", "plan.pdf", "plan.xlsx", "execution.pdf", "analysis.xlsx", "analysis.pdf"} <= names
    assert re.fullmatch(r"objektiv_.+_\d{4}-\d{2}-\d{2}\.zip", path.name)
    assert main(["verify-packet", str(path)]) == 0
    assert "проверен" in capsys.readouterr().out


def test_round_trip_summary_equals_analyze_json(demo_packet, tmp_path, capsys):
    db_path, path = demo_packet
    year = _year(db_path)
    assert main(["--db", str(db_path), "analyze", "--year", year, "--json"]) == 0
    analysis = json.loads(capsys.readouterr().out)
    result = D.write_summary([path], tmp_path / "svodka.xlsx")
    (school,) = result.schools
    ind = analysis["indicators"]
    by_kind = {r["procedure_kind"]: r["index"] for r in ind["objectivity_index"]}
    assert school.value("vpr_index") == by_kind.get("vpr")
    assert school.value("oge_index") == by_kind.get("oge")
    assert school.value("vpr_index") is not None
    medal = ind["medal_unconfirmed_index"]
    assert school.value("medal_unconfirmed_index") == (None if medal is None else round(100 * medal, 1))
    levels = [f["level"] for f in analysis["flags"]]
    assert school.value("flags_risk") == levels.count("risk")
    assert school.value("flags_attention") == levels.count("attention")
    assert len(school.flags) == len(analysis["flags"])
    assert [f["reason"] for f in school.flags] == [f["reason"] for f in analysis["flags"]]
    # and the workbook holds the same numbers
    ws = openpyxl.load_workbook(tmp_path / "svodka.xlsx")["Сводка"]
    header = [c.value for c in ws[D.HEADER_ROW]]
    row = [c.value for c in ws[D.HEADER_ROW + 1]]
    assert row[header.index("Индекс необъективности ВПР, %")] == school.value("vpr_index")
    assert row[header.index("Признаков «риск»")] == levels.count("risk")


def _texts(path: Path, tmp: Path) -> dict[str, str]:
    """Every file of the packet as text: JSON raw, PDF via pdftotext, XLSX cell values."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            raw = zf.read(info)
            if info.filename.endswith(".pdf"):
                pdf = tmp / Path(info.filename).name
                pdf.write_bytes(raw)
                out[info.filename] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                                    capture_output=True, check=True).stdout.decode("utf-8")
            elif info.filename.endswith(".xlsx"):
                wb = openpyxl.load_workbook(io.BytesIO(raw))
                out[info.filename] = "\n".join(
                    [ws.title for ws in wb] + [str(v) for ws in wb for row in ws.iter_rows(values_only=True)
                                               for v in row if v is not None])
            else:
                out[info.filename] = raw.decode("utf-8", errors="replace")
    return out


def test_no_pupil_surname_anywhere_in_the_packet(demo_packet, tmp_path):
    db_path, path = demo_packet
    db = store.open_db(db_path)
    surnames = {r[0].split()[0] for r in db.execute("SELECT full_name FROM student WHERE full_name <> ''")}
    # a member of staff may share a surname with a pupil; staff names are in the plan by design
    adults = {r[0].split()[0] for r in db.execute("SELECT full_name FROM staff UNION SELECT full_name FROM observer")}
    db.close()
    surnames -= adults
    assert len(surnames) > 50
    texts = _texts(path, tmp_path)
    assert {"plan.pdf", "analysis.pdf", "analysis.xlsx", "data.json"} <= set(texts)
    assert all(len(t) > 100 for t in texts.values())                   # the extraction really worked
    pattern = re.compile(r"(?<![А-Яа-яЁё])(" + "|".join(map(re.escape, sorted(surnames))) + r")(?![а-яё])")
    found = {name: sorted(set(pattern.findall(text)))[:5] for name, text in texts.items() if pattern.search(text)}
    assert found == {}
