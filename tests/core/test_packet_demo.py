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
    plant_pupil_names(db)
    path = P.write_packet(db, root / "usb", include_evidence=True)   # every kind of file inside
    db.close()
    return db_path, path


def plant_pupil_names(db) -> list[str]:
    """Type pupils' names into free text a deputy might write (a plan measure, an execution note,
    an evidence file name) so that the scan below also proves they are taken out."""
    adults = {r[0].split()[0] for r in db.execute("SELECT full_name FROM staff UNION SELECT full_name FROM observer")}
    pupils = [r[0].split() for r in db.execute("SELECT full_name FROM student WHERE full_name <> '' ORDER BY id")]
    a, b, c = [n for n in pupils if n[0] not in adults][:3]
    with db.atomic():
        item = db.execute("SELECT id FROM plan_item ORDER BY id LIMIT 1").fetchone()[0]
        db.execute("UPDATE plan_item SET measure = measure || ?, expected_result = ? WHERE id = ?",
                   [f" (индивидуальная работа: {' '.join(a)})", f"{b[1]} {b[0]} подтвердил отметку", item])
        db.execute("UPDATE execution SET note = note || ? WHERE id = (SELECT min(id) FROM execution)",
                   [f" Беседа: {c[0]} {c[1]}."])
        db.execute("UPDATE evidence SET file_name = ? WHERE id = (SELECT min(id) FROM evidence)",
                   [f"Объяснительная {a[0]} {a[1]}.txt"])
    return [a[0], b[0], c[0]]


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


def _pct(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def test_round_trip_summary_equals_analyze_json(demo_packet, tmp_path, capsys):
    """demo → packet → verify-packet → summary: every number of the summary row (and of the XLSX)
    is the number `analyze --json` gives for the school's DB (plan completion: the execution report)."""
    db_path, path = demo_packet
    year = _year(db_path)
    assert main(["--db", str(db_path), "analyze", "--year", year, "--json"]) == 0
    analysis = json.loads(capsys.readouterr().out)
    assert main(["verify-packet", str(path)]) == 0
    capsys.readouterr()
    out = tmp_path / "svodka.xlsx"
    assert main(["summary", str(path), "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    (school,) = summary["schools"]
    got = school["indicators"]
    ind = analysis["indicators"]
    by_kind = {r["procedure_kind"]: r["index"] for r in ind["objectivity_index"]}
    rechecks = ind["rechecks"]["years"]
    observers = ind["observers"]["summary"]
    medal = ind["medal_unconfirmed_index"]
    levels = [f["level"] for f in analysis["flags"]]
    db = store.open_db(db_path)
    try:
        from app.core.reports.execution import collect as execution

        per = P.resolve_period(db)
        counts = execution(db, period=per.value, plan_id=P.choose_plan(db, per)["id"])["counts"]
    finally:
        db.close()
    expected = {
        "plan_completion": _pct(counts["done"], counts["total"] - counts["cancelled"]),
        "vpr_index": by_kind.get("vpr"), "oge_index": by_kind.get("oge"),
        "medal_unconfirmed_index": medal,              # a percent in the analysis and in the packet alike
        "recheck_unchanged": _pct(sum(r["unchanged"] for r in rechecks), sum(r["total"] for r in rechecks)),
        "observers_share": _pct(sum(r["with_observers"] for r in observers),
                                sum(r["procedures"] for r in observers)),
        "flags_risk": levels.count("risk"), "flags_attention": levels.count("attention"),
    }
    assert {k: got[k] for k in expected} == expected
    assert None not in (expected["vpr_index"], expected["oge_index"], expected["medal_unconfirmed_index"],
                        expected["recheck_unchanged"], expected["plan_completion"])
    assert [f["reason"] for f in school["flags"]] == [f["reason"] for f in analysis["flags"]]
    assert school["code"] == analysis["indicators"]["school"]["code"]
    # and the workbook holds the same numbers, column by column
    ws = openpyxl.load_workbook(out)["Сводка"]
    header = [c.value for c in ws[D.HEADER_ROW]]
    row = dict(zip(header, [c.value for c in ws[D.HEADER_ROW + 1]]))
    for title, key, _fmt, _w in D.COLUMNS:
        if key in expected:
            assert row[title] == expected[key], title
    assert row["График оценочных процедур"] == ("есть" if got["schedule"] else "нет")


def _texts(path: Path, tmp: Path) -> dict[str, str]:
    """Every file of the packet as searchable text: JSON, CSV and TXT decoded; PDF page text via
    pdftotext plus its metadata via pdfinfo; XLSX cell values and sheet titles plus the raw XML of
    every part of the workbook (shared strings, comments, headers, document properties)."""
    out = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            raw = zf.read(info)
            if info.filename.endswith(".pdf"):
                pdf = tmp / Path(info.filename).name
                pdf.write_bytes(raw)
                text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                      capture_output=True, check=True).stdout.decode("utf-8")
                meta = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(pdf)],
                                      capture_output=True, check=True).stdout.decode("utf-8")
                out[info.filename] = text + "\n" + meta
            elif info.filename.endswith(".xlsx"):
                wb = openpyxl.load_workbook(io.BytesIO(raw))
                cells = [ws.title for ws in wb] + [str(v) for ws in wb for row in ws.iter_rows(values_only=True)
                                                   for v in row if v is not None]
                with zipfile.ZipFile(io.BytesIO(raw)) as book:
                    xml = [book.read(n).decode("utf-8", errors="replace") for n in book.namelist()
                           if n.endswith((".xml", ".rels"))]
                out[info.filename] = "\n".join(cells + xml)
            else:
                out[info.filename] = raw.decode("utf-8-sig")            # strict: a wrong codec fails
    return out


def test_no_pupil_surname_anywhere_in_the_packet(demo_packet, tmp_path):
    db_path, path = demo_packet
    db = store.open_db(db_path)
    names = [r[0].split() for r in db.execute("SELECT full_name FROM student WHERE full_name <> ''")]
    surnames = {n[0] for n in names}
    # a member of staff may share a surname with a pupil; staff names are in the plan by design
    adults = {r[0].split()[0] for r in db.execute("SELECT full_name FROM staff UNION SELECT full_name FROM observer")}
    db.close()
    surnames -= adults
    assert len(surnames) > 50
    texts = _texts(path, tmp_path)
    assert {"plan.pdf", "plan.xlsx", "execution.pdf", "analysis.pdf", "analysis.xlsx", "data.json",
            "manifest.json"} <= set(texts)
    assert any(n.startswith("evidence/") and n.endswith(".pdf") for n in texts)
    assert any(n.startswith("evidence/") and n.endswith(".csv") for n in texts)
    assert all(len(t) > 100 for t in texts.values())                   # the extraction really worked
    words = {name: re.findall(r"[А-Яа-яЁё]+", text) for name, text in texts.items()}
    found = {name: sorted(set(ws) & surnames)[:5] for name, ws in words.items() if set(ws) & surnames}
    assert found == {}
    # pupils who share a surname with an adult: not one «Фамилия Имя» / «Имя Фамилия» of theirs either
    pairs = {(n[0], n[1]) for n in names} | {(n[1], n[0]) for n in names}
    assert len(pairs) > 100
    found = {name: sorted(set(zip(ws, ws[1:])) & pairs)[:5] for name, ws in words.items()
             if set(zip(ws, ws[1:])) & pairs}
    assert found == {}


def test_a_demo_packet_is_marked_and_warned_about(demo_packet, capsys, tmp_path):
    from app.core import district

    _db_path, path = demo_packet
    res = P.verify_packet(path)
    assert res.ok and res.demo and res.manifest["demo"] is True
    assert main(["verify-packet", str(path)]) == 0
    out = capsys.readouterr().out
    assert "проверен" in out and "демонстрационной школе" in out
    result = district.collect([path])
    assert result.schools[0].demo and result.packets[0].label == "принят (демонстрационная школа)"
    assert any("демонстрационной школе" in n for n in result.notes)
