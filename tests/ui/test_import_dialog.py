"""The import dialog: preview, answers (year, pupils, journal columns), import, cancel, undo."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.core import store
from app.core.imports import import_files
from app.core.imports.journal import MAPPING_KEY

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402


@pytest.fixture
def dialog_for(ctx, qtbot, empty_db_path):
    from app.ui.import_dialog import ImportDialog

    ctx.open_db(empty_db_path)

    def make(paths):
        dlg = ImportDialog(ctx, paths)
        dlg.confirm = lambda text: True
        qtbot.addWidget(dlg)
        dlg.show()
        return dlg
    return make


def _select(dlg, name):
    row = next(i for i, v in enumerate(dlg.views) if v.name == name)
    dlg.file_list.setCurrentRow(row)
    return dlg.panel


def test_preview_shows_counts_rejected_rows_and_refused_files(ctx, dialog_for):
    dlg = dialog_for([DATA / "vpr_simple_math5.xlsx", DATA / "bad_mark7.xlsx", DATA / "bad_pdf_renamed.xlsx"])
    statuses = {v.name: v.status for v in dlg.views}
    assert statuses == {"vpr_simple_math5.xlsx": "ready", "bad_mark7.xlsx": "problems",
                        "bad_pdf_renamed.xlsx": "refused"}
    panel = _select(dlg, "bad_mark7.xlsx")
    assert "распознано: <b>13</b>" in panel.counts_label.text() and "новых <b>13</b>" in panel.counts_label.text()
    table = panel.problem_table
    assert table.rowCount() == 1 and table.item(0, 0).text() == "Результаты" and table.item(0, 1).text() == "10"
    assert "отметка 7" in table.item(0, 2).text()
    panel = _select(dlg, "bad_pdf_renamed.xlsx")
    assert "PDF" in panel.message_label.text()
    assert not dlg.import_button.isEnabled()
    dlg.remove_file(DATA / "bad_pdf_renamed.xlsx")
    assert [v.name for v in dlg.views] == ["vpr_simple_math5.xlsx", "bad_mark7.xlsx"]
    assert not dlg.import_button.isEnabled()
    dlg.skip_box.setChecked(True)
    assert dlg.import_button.isEnabled()
    dlg.run_import()
    assert dlg.committed and "Импорт завершён" in dlg.status.text()
    # the same form twice (one mark spoiled in the second): its readable rows are already in
    assert store.rows(ctx.db, "SELECT count(*) AS n FROM result")[0]["n"] == 14
    assert [v.status_text for v in dlg.views] == ["Загружен", "Без изменений"]
    assert dlg.batch_table.rowCount() == 1 and not dlg.import_button.isEnabled()


def test_undo_of_a_batch_from_the_journal(ctx, dialog_for):
    before = store.table_counts(ctx.db)
    dlg = dialog_for([DATA / "vpr_portal_hist7.xlsx"])
    seen = []
    ctx.changed.connect(seen.append)
    dlg.run_import()
    assert store.table_counts(ctx.db)["result"] == 16 and seen == ["all"]
    dlg.tabs.setCurrentWidget(dlg.batches_tab)
    assert dlg.batch_table.item(0, 2).text() == "vpr_portal_hist7.xlsx"
    assert dlg.batch_table.item(0, 6).text() == "загружен"
    dlg.select_batch(dlg.batches[0]["id"])
    assert dlg.undo_button.isEnabled()
    dlg.undo_selected()
    assert "отменён" in dlg.status.text()
    assert dlg.batch_table.item(0, 6).text() == "отменён" and not dlg.undo_button.isEnabled()
    after = store.table_counts(ctx.db)
    kept = lambda counts: {k: v for k, v in counts.items()  # noqa: E731 - the last issued code stays
                           if not k.startswith("import") and k != "settings"}
    assert kept(after) == kept(before) and after["result"] == 0


def test_year_asked_and_journal_mapping_confirmed_then_remembered(ctx, dialog_for, tmp_path):
    dlg = dialog_for([DATA / "journal_long_bom_comma.csv"])
    view = dlg.views[0]
    assert view.status == "ask" and "year" in view.missing
    panel = dlg.panel
    roles = [combo.currentData() for _, _, combo in panel.role_boxes]
    assert roles == ["name", "class", "subject", "period", "mark"]
    panel.fields["year"].setCurrentText("2024/2025")
    assert dlg.dirty and dlg.import_button.isEnabled()
    dlg.run_preview()
    assert dlg.views[0].status == "ready" and dlg.views[0].rows_ok == 6 * 5 * 2
    assert dlg.panel.fields["year"].currentText() == "2024/2025"      # the answer stays shown
    dlg.run_import()
    assert dlg.committed
    assert store.rows(ctx.db, "SELECT count(*) AS n FROM journal_mark")[0]["n"] == 60
    saved = store.rows(ctx.db, "SELECT key FROM settings WHERE key LIKE ?", [MAPPING_KEY + "%"])
    assert len(saved) == 1
    # a file of the same shape: the mapping is taken from the settings and shown as remembered
    other = fixtures.journal_long(tmp_path / "7А_2025-2026.csv", encoding="utf-8-sig", delimiter=",",
                                  header=["Ученик", "Класс", "Предмет", "Четверть", "Оценка"], seed=41)
    dlg2 = dialog_for([other])
    assert dlg2.views[0].mappings[0].source == "saved"
    combo = dlg2.panel.role_boxes[0][2]
    combo.setCurrentIndex(combo.findData("ignore"))                 # the user changes a column
    sig = dlg2.views[0].mappings[0].signature
    assert dlg2.mappings[sig][0] == "ignore" and dlg2.dirty
    dlg2.run_preview()
    assert dlg2.views[0].status == "refused" and "учащимся" in dlg2.views[0].message


def test_ambiguous_pupil_is_asked_and_the_answer_is_used(ctx, dialog_for, tmp_path):
    names = fixtures.pupils(10, 98)
    roster = tmp_path / "marks_2024-2025.csv"
    roster.write_text("Класс;ФИО;Предмет;Период;Отметка\n" + f"9Б;{names[0]};Математика;Год;4\n", encoding="utf-8")
    assert import_files(ctx.db, [roster]).ok
    protocol = fixtures.gia_oge(tmp_path / "oge_2025.xlsx", names=names, cls="9А")
    dlg = dialog_for([protocol])
    view = dlg.views[0]
    assert view.status == "ask" and len(view.choices) == 1 and "9Б" in view.choices[0].candidates[0][1]
    assert not dlg.import_button.isEnabled()
    combo = next(iter(dlg.panel.choice_boxes.values()))
    assert combo.count() == 3                              # «выберите», the candidate, «новый»
    combo.setCurrentIndex(combo.findData("new"))
    dlg.run_import()
    assert dlg.committed, dlg.status.text()
    assert store.table_counts(ctx.db)["student"] == 11


def test_kind_chosen_by_the_user_is_used_for_that_file(ctx, dialog_for, tmp_path):
    path = tmp_path / "protocol.csv"
    path.write_text("Фамилия;Имя;Отчество;Первичный балл\nОрлов;Олег;Олегович;12\n", encoding="utf-8")
    dlg = dialog_for([path])
    panel = dlg.panel
    panel.kind_box.setCurrentIndex(panel.kind_box.findData("gia"))
    dlg.run_preview()
    assert dlg.views[0].kind == "gia" and {"exam", "subject", "year"} <= set(dlg.views[0].missing)
    fields = dlg.panel.fields
    fields["exam"].setCurrentIndex(fields["exam"].findData("oge"))
    fields["subject"].setCurrentText("Химия")
    fields["year"].setCurrentText("2024/2025")
    dlg.run_import()
    assert dlg.committed, dlg.status.text()
    assert store.rows(ctx.db, "SELECT kind, grade FROM procedure") == [{"kind": "oge", "grade": 9}]


def test_cancel_in_the_worker_leaves_the_school_unchanged(ctx, dialog_for, tmp_path, qtbot):
    from app.ui.qt import QtWidgets

    big = fixtures.journal_big_csv(tmp_path / "journal_2024-2025.csv", 400_000)
    dlg = dialog_for([big])
    assert dlg.views[0].status == "ready"
    before = store.table_counts(ctx.db)
    ctx.synchronous = False
    dlg.run_import()
    progress = dlg.findChildren(QtWidgets.QProgressDialog)[-1]
    progress.findChild(QtWidgets.QPushButton).click()               # «Отмена»
    qtbot.waitUntil(lambda: dlg.import_button.isEnabled() or dlg.committed, timeout=20000)
    assert "Отменено" in dlg.status.text()
    assert store.table_counts(ctx.db) == before and not dlg.committed


def test_sheets_with_one_header_share_one_mapping(ctx, dialog_for):
    dlg = dialog_for([DATA / "journal_wide_periods.xlsx"])
    (mapping,) = dlg.views[0].mappings
    assert mapping.sheets == ["Математика", "Русский язык"] and len(mapping.labels) == 7
    combo = dlg.panel.role_boxes[-1][2]                              # «Год»
    assert combo.currentData() == "period:year:1"
    combo.setCurrentIndex(combo.findData("ignore"))
    assert dlg.mappings[mapping.signature] == ["name", "class", "period:quarter:1", "period:quarter:2",
                                               "period:quarter:3", "period:quarter:4", "ignore"]
    dlg.run_import()
    assert dlg.committed
    assert store.rows(ctx.db, "SELECT count(*) AS n FROM journal_mark")[0]["n"] == 2 * 7 * 4   # no annual marks


def test_preview_says_what_loading_would_change(ctx, dialog_for):
    dlg = dialog_for([DATA / "journal_5В_2024-2025.csv", DATA / "bad_pdf_renamed.xlsx"])
    panel = _select(dlg, "journal_5В_2024-2025.csv")
    text = panel.impact_label.text()
    assert "новых отметок 36" in text and "новых учащихся 12" in text
    assert store.rows(ctx.db, "SELECT count(*) AS n FROM journal_mark")[0]["n"] == 0


def test_empty_journal_explains_itself(ctx, dialog_for):
    dlg = dialog_for([])
    assert dlg.tabs.currentWidget() is dlg.batches_tab
    assert not dlg.batch_table.isVisible() and dlg.batches_empty.isVisible()
    assert "ещё ничего не загружали" in dlg.batches_empty.text()
