"""«Отменить этот импорт» reports as many removed records as the import reported added."""
from __future__ import annotations

from pathlib import Path

from app.core import store
from app.core.imports import import_files, list_batches, undo_import

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def test_undo_counts_the_task_scores_that_go_with_the_results(empty_db):
    before = store.table_counts(empty_db)
    report = import_files(empty_db, [DATA / "vpr_simple_math5.xlsx"])
    (outcome,) = report.files
    assert outcome.added > 0 and store.table_counts(empty_db)["task_score"] > 0
    text = undo_import(empty_db, outcome.batch_id)
    assert f"удалено записей {outcome.added}," in text, (outcome.added, text)
    after = store.table_counts(empty_db)
    assert {k: v for k, v in after.items() if not k.startswith("import") and k != "settings"} == \
        {k: v for k, v in before.items() if not k.startswith("import") and k != "settings"}
    assert list_batches(empty_db)[0]["status"] == "undone"


def _form_with_one_score_changed(tmp_path: Path) -> Path:
    """The same ВПР form with a point of one pupil moved from one task to another: the total and
    the mark stay, so only task scores change (the result row itself does not)."""
    import openpyxl

    book = openpyxl.load_workbook(DATA / "vpr_simple_math5.xlsx")
    ws = book["Результаты"]
    header = next(r for r in range(1, 12) if ws.cell(r, 2).value == "Код участника")
    maxima, row, first_task = header + 1, header + 2, 5
    cells = range(first_task, first_task + 14)
    down = next(c for c in cells if isinstance(ws.cell(row, c).value, int) and ws.cell(row, c).value > 0)
    up = next(c for c in cells if c != down and isinstance(ws.cell(row, c).value, int)
              and ws.cell(row, c).value < ws.cell(maxima, c).value)
    ws.cell(row, down).value -= 1
    ws.cell(row, up).value += 1
    path = tmp_path / "vpr_simple_math5_corrected.xlsx"
    book.save(path)
    return path


def test_a_later_import_that_changed_a_task_score_blocks_undoing_the_first(empty_db, tmp_path):
    """Task scores of new results are written in bulk and not logged one by one; a later import that
    updates one of them must still be seen, or undoing the first import would silently drop it."""
    import pytest

    from app.core.errors import UserError

    first = import_files(empty_db, [DATA / "vpr_simple_math5.xlsx"]).files[0]
    second = import_files(empty_db, [_form_with_one_score_changed(tmp_path)]).files[0]
    assert second.batch_id is not None and second.changed >= 1
    changed = empty_db.execute("SELECT count(*) FROM import_change WHERE batch_id = ? AND table_name = "
                               "'task_score' AND action = 'update'", [second.batch_id]).fetchone()[0]
    assert changed == 2
    assert not empty_db.execute("SELECT count(*) FROM import_change WHERE batch_id = ? AND table_name = 'result'",
                                [second.batch_id]).fetchone()[0]
    scores = empty_db.execute("SELECT count(*) FROM task_score").fetchone()[0]
    with pytest.raises(UserError, match=f"более поздний импорт № {second.batch_id}"):
        undo_import(empty_db, first.batch_id)
    assert empty_db.execute("SELECT count(*) FROM task_score").fetchone()[0] == scores
    undo_import(empty_db, second.batch_id)            # the later one first, then the earlier one
    undo_import(empty_db, first.batch_id)
    assert empty_db.execute("SELECT count(*) FROM task_score").fetchone()[0] == 0
