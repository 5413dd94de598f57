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
