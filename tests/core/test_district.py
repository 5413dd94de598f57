"""District summary: many packets → one XLSX; bad packets refused with reasons; newest packet wins."""
from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest

from app.core import district as D
from app.core import store
from app.core.analysis import indicator_defs as defs
from app.core.errors import UserError

from test_packet import build_small_school, small_analysis, small_packet  # same folder


@pytest.fixture(scope="module")
def packets(tmp_path_factory):
    """Four schools (different risk), one of them twice, plus a foreign and a damaged file."""
    root = tmp_path_factory.mktemp("district")
    db = build_small_school(root / "s.db")
    folder = root / "in"
    specs = [  # code, name, analysis
        ("100001", "Школа А", small_analysis(lowered=1, raised=1, risk=0, attention=1)),
        ("100002", "Школа Б", small_analysis(lowered=2, raised=5, risk=2, attention=0)),
        ("100003", "Школа В", small_analysis(lowered=0, raised=1, risk=0, attention=0)),
        ("100004", "Школа Г", small_analysis(lowered=3, raised=3, risk=0, attention=1)),
    ]
    for code, name, analysis in specs:
        small_packet(db, folder, code=code, school_name=name, analysis=analysis)
    old = small_packet(db, root / "old", code="100003", school_name="Школа В",
                       created="2024-12-01T09:00:00+03:00",
                       analysis=small_analysis(lowered=6, raised=6, risk=5))
    db.close()
    with zipfile.ZipFile(folder / "foreign.zip", "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8\xff")
    (folder / "broken.zip").write_bytes(b"PK\x03\x04 broken")
    return root, folder, old


def test_summary_orders_by_risk_and_reads_every_indicator(packets, tmp_path):
    root, folder, _ = packets
    out = tmp_path / "svodka.xlsx"
    result = D.write_summary([folder], out)
    assert [s.code for s in result.schools] == ["100002", "100004", "100001", "100003"]
    b = result.schools[0]
    assert b.value("flags_risk") == 2 and b.value("vpr_index") == round(100 * 7 / 12, 1)
    ws = openpyxl.load_workbook(out)["Сводка"]
    header = [c.value for c in ws[D.HEADER_ROW]]
    assert header[:6] == ["№", "Школа", "Код", "Период", "Выполнение плана, %", "Индекс необъективности ВПР, %"]
    for wanted in ("Индекс необъективности ОГЭ, %", "Индекс неподтверждения медалистов, %",
                   "Доля перепроверок без изменений, %", "График оценочных процедур",
                   "Признаков «риск» за учебный год", "Признаков «внимание» за учебный год"):
        assert wanted in header
    first = [c.value for c in ws[D.HEADER_ROW + 1]]
    assert first[1:3] == ["Школа Б", "100002"] and first[5] == round(100 * 7 / 12, 1)
    assert first[header.index("График оценочных процедур")] == "нет"       # no approved schedule in these schools
    assert first[header.index("Доля перепроверок без изменений, %")] == 50.0
    assert first[header.index("Признаков «риск» за учебный год")] == 2


def test_bad_packets_are_refused_with_reasons_and_the_rest_read(packets):
    _, folder, _ = packets
    result = D.collect([folder])
    status = {p.path.name: p for p in result.packets}
    assert status["foreign.zip"].status == "rejected"
    assert "нет описи manifest.json" in status["foreign.zip"].reason
    assert status["broken.zip"].status == "rejected" and "не является ZIP" in status["broken.zip"].reason
    assert len(result.schools) == 4
    assert sum("отклонён" in n for n in result.notes) == 2


def test_same_school_twice_newer_packet_wins_with_a_note(packets):
    _, folder, old = packets
    for order in ([old, folder], [folder, old]):
        result = D.collect(order)
        v = next(s for s in result.schools if s.code == "100003")
        assert v.value("flags_risk") == 0                    # the newer packet's numbers
        assert any("представлена дважды" in n and old.name in n for n in result.notes)
        assert next(p for p in result.packets if p.path == old).status == "replaced"


def test_workbook_has_flags_sheet_charts_and_highlighting(packets, tmp_path):
    _, folder, _ = packets
    out = tmp_path / "s.xlsx"
    D.write_summary([folder], out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Сводка", "Диаграммы", "Признаки", "Пакеты"]
    flags = list(wb["Признаки"].iter_rows(min_row=2, values_only=True))
    assert len(flags) == 2 + 1 + 1 and flags[0][:3] == ("Школа Б", "100002", "риск")
    assert all(row[-1] for row in flags)                       # every flag has its reason
    assert len(wb["Диаграммы"]._charts) == 3
    ws = wb["Сводка"]
    assert {str(r.sqref) for r in ws.conditional_formatting} == {"E5:E8"}       # the plan's data bar
    # each indicator cell is tinted by the level the core gives it: the riskiest school's risk count and
    # its index (58,3 % ≥ the 40 % cut-off), nothing in the quiet school's row
    header = [c.value for c in ws[D.HEADER_ROW]]
    def fill(r, title):
        cell = ws.cell(row=r, column=header.index(title) + 1)
        return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else None

    red = defs.TINTS["risk"].lstrip("#").upper()
    assert fill(5, "Признаков «риск» за учебный год") == red
    assert fill(5, "Индекс необъективности ВПР, %") == red
    last = D.HEADER_ROW + 4
    assert ws.cell(row=last, column=2).value == "Школа В"
    assert fill(last, "Индекс необъективности ВПР, %") is None
    states = {row[0]: row[2] for row in wb["Пакеты"].iter_rows(min_row=2, values_only=True)}
    assert states["foreign.zip"] == "отклонён"


def test_nothing_acceptable_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"junk")
    with pytest.raises(UserError, match="ни один пакет не принят.*junk.zip"):
        D.write_summary([junk], tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_cli_summary_exit_codes(packets, tmp_path, capsys):
    from app.cli import main

    _, folder, _ = packets
    files = sorted(folder.glob("*.zip"))
    assert main(["summary", *map(str, files), "--out", str(tmp_path / "a.xlsx")]) == 0
    assert "отклонён" in capsys.readouterr().err
    assert main(["summary", str(folder / "broken.zip"), "--out", str(tmp_path / "b.xlsx")]) == 1
    assert "ни один пакет не принят" in capsys.readouterr().err


def test_progress_and_cancel(packets):
    from app.core.errors import Cancelled

    _, folder, _ = packets
    seen = []
    D.collect([folder], progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    with pytest.raises(Cancelled):
        D.collect([folder], cancel=lambda: True)
