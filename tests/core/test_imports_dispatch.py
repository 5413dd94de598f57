"""The dispatcher: recognising files, one transaction, duplicates, cancel, undo, the CLI."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from app import cli
from app.core import store
from app.core.errors import Cancelled, UserError
from app.core.imports import detect_kind, import_files, list_batches, undo_import

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402

GOOD = ["vpr_simple_math5.xlsx", "vpr_sheets_per_class_phys8.xlsx", "vpr_merged_rus6.xlsx", "vpr_portal_hist7.xlsx", "vpr_bio5_2025.csv",
        "journal_long_2024-2025_cp1251.csv", "journal_wide_subjects.xlsx", "journal_wide_periods.xlsx",
        "journal_long_tab_2024-2025.csv", "gia_oge_math_2025.xlsx", "gia_ege_rus_2025.csv"]


def dump(db) -> dict:
    """Every table's contents (the import journal and the last issued code aside)."""
    out = {}
    for t in store.DATA_TABLES:
        if t in ("import_batch", "import_change"):
            continue
        rows = db.execute(f"SELECT * FROM {t}").fetchall()
        if t == "settings":
            rows = [r for r in rows if r[0] != "roster.last_code"]
        out[t] = sorted(map(tuple, rows), key=repr)
    return out


@pytest.mark.parametrize("name, kind", [
    ("vpr_simple_math5.xlsx", "vpr"), ("vpr_merged_rus6.xlsx", "vpr"), ("vpr_portal_hist7.xlsx", "vpr"),
    ("vpr_names_math_4Б.xlsx", "vpr"), ("vpr_bio5_2025.csv", "vpr"), ("vpr_no_year.xlsx", "vpr"), ("vpr_sheets_per_class_phys8.xlsx", "vpr"),
    ("journal_long_2024-2025_cp1251.csv", "journal"), ("journal_long_bom_comma.csv", "journal"),
    ("journal_long_tab_2024-2025.csv", "journal"), ("journal_wide_subjects.xlsx", "journal"),
    ("journal_wide_periods.xlsx", "journal"), ("gia_oge_math_2025.xlsx", "gia"), ("gia_ege_rus_2025.csv", "gia"),
])
def test_every_fixture_is_recognised(name, kind):
    assert detect_kind(DATA / name) == kind


def test_fixture_script_makes_every_committed_file(tmp_path):
    made = {p.name for p in fixtures.make_all(tmp_path / "imports")}
    committed = {p.name for p in DATA.iterdir() if p.is_file()}
    assert made == committed


def test_all_fixtures_in_one_commit_then_again_then_undone(empty_db):
    before = dump(empty_db)
    report = import_files(empty_db, [DATA / n for n in GOOD])
    assert report.ok and report.committed, report.text()
    assert len(list_batches(empty_db)) == len(GOOD)
    middle = dump(empty_db)
    again = import_files(empty_db, [DATA / n for n in GOOD])
    assert again.ok and all(f.duplicate for f in again.files) and "уже загружен" in again.text()
    assert dump(empty_db) == middle
    for batch in list_batches(empty_db):
        assert "отменён" in undo_import(empty_db, batch["id"])
    assert dump(empty_db) == before
    assert {b["status"] for b in list_batches(empty_db)} == {"undone"}
    with pytest.raises(UserError, match="уже отменён"):
        undo_import(empty_db, list_batches(empty_db)[0]["id"])


def test_one_bad_file_among_good_ones_changes_nothing(empty_db):
    before = dump(empty_db)
    report = import_files(empty_db, [DATA / "vpr_simple_math5.xlsx", DATA / "bad_mark7.xlsx",
                                     DATA / "journal_wide_subjects.xlsx"])
    assert not report.ok and not report.committed
    assert "Ничего не загружено" in report.text()
    assert dump(empty_db) == before and list_batches(empty_db) == []


def test_dry_run_and_missing_files(empty_db, tmp_path):
    before = dump(empty_db)
    report = import_files(empty_db, [DATA / "vpr_simple_math5.xlsx"], dry_run=True)
    assert report.ok and not report.committed and "без записи" in report.text()
    assert dump(empty_db) == before
    report = import_files(empty_db, [tmp_path / "нет такого.xlsx"])
    assert not report.ok and "не найден" in report.text()
    data = report.as_json()
    assert data["ok"] is False and "не найден" in data["files"][0]["error"]


def test_cancel_during_the_commit_leaves_everything_as_it_was(empty_db):
    before = dump(empty_db)
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 12            # past the previews, inside the commit
    with pytest.raises(Cancelled):
        import_files(empty_db, [DATA / n for n in GOOD], cancel=cancel)
    assert dump(empty_db) == before and list_batches(empty_db) == []


def test_progress_is_reported_and_ends_at_the_total(empty_db):
    seen = []
    import_files(empty_db, [DATA / "vpr_simple_math5.xlsx", DATA / "gia_ege_rus_2025.csv"],
                 progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1000, 1000) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))


def test_undo_restores_updated_rows_and_refuses_out_of_order(empty_db, tmp_path):
    first = fixtures.vpr_simple(tmp_path / "a.xlsx")
    assert import_files(empty_db, [first]).ok
    after_first = dump(empty_db)
    wb = openpyxl.load_workbook(first)
    wb["Результаты"].cell(row=8, column=4 + len(fixtures.MATH5_TASKS) + 3).value = 2    # a journal mark
    second = tmp_path / "b.xlsx"
    wb.save(second)
    report = import_files(empty_db, [second])
    assert report.ok and report.files[0].changed == 1
    first_id, second_id = report.files[0].batch_id - 1, report.files[0].batch_id
    with pytest.raises(UserError, match=f"№ {second_id}"):
        undo_import(empty_db, first_id)
    assert "восстановлено прежних значений 1" in undo_import(empty_db, second_id)
    assert dump(empty_db) == after_first


def test_undo_keeps_pupils_that_later_imports_use(empty_db, tmp_path):
    vpr_file = fixtures.vpr_simple(tmp_path / "vpr.xlsx", n=3)
    assert import_files(empty_db, [vpr_file]).ok
    names = store.rows(empty_db, "SELECT full_name FROM student ORDER BY code")
    marks = tmp_path / "marks_2024-2025.csv"
    marks.write_text("Класс;ФИО;Предмет;Период;Отметка\n" + "".join(
        f"5А;{r['full_name']};Математика;3 четверть;4\n" for r in names), encoding="utf-8")
    assert import_files(empty_db, [marks]).ok
    vpr_batch = list_batches(empty_db)[-1]["id"]
    text = undo_import(empty_db, vpr_batch)
    assert "Оставлено" in text
    assert store.table_counts(empty_db)["result"] == 0 and store.table_counts(empty_db)["student"] == 3


def test_plan_files_go_to_the_plan_importer(tmp_path):
    from docx import Document

    doc = Document()
    doc.add_paragraph("План мероприятий по обеспечению объективности на 2025/2026 учебный год")
    table = doc.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Срок", "Ответственный"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "Анализ результатов ВПР", "сентябрь", "Заместитель директора"]):
        cell.text = text
    path = tmp_path / "plan.docx"
    doc.save(path)
    assert detect_kind(path) == "plan"


def test_cli_import_dry_run_json_and_exit_codes(empty_db_path, tmp_path, capsys):
    code = cli.main(["--db", str(empty_db_path), "import", str(DATA / "vpr_portal_hist7.xlsx"), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and "История" in out and "без записи" in out
    code = cli.main(["--db", str(empty_db_path), "import", str(DATA / "gia_ege_rus_2025.csv"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] and data["files"][0]["batch_id"] == 1
    code = cli.main(["--db", str(empty_db_path), "import", str(tmp_path / "nope.xlsx")])
    captured = capsys.readouterr()
    assert code == 1 and "не найден" in captured.err and captured.out == ""
    code = cli.main(["--db", str(empty_db_path), "import", str(DATA / "bad_pdf_renamed.xlsx")])
    assert code == 1 and "PDF" in capsys.readouterr().err
    code = cli.main(["--db", str(empty_db_path), "import", str(DATA / "vpr_no_year.xlsx"), "--year", "2023/2024"])
    assert code == 0
    shutil.copy(DATA / "vpr_no_year.xlsx", tmp_path / "same.xlsx")
    code = cli.main(["--db", str(empty_db_path), "import", str(tmp_path / "same.xlsx"), "--year", "2023/2024"])
    assert code == 0 and "уже загружен" in capsys.readouterr().out
