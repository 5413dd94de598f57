"""«Процедуры» on the demo school: list, results grid with computed scores, refusals, undo, dialogs."""
from __future__ import annotations

import pytest

from app.core import procedures as core
from app.core import scales


@pytest.fixture
def page(ctx, qtbot, demo_db_path, monkeypatch):
    from app.ui.pages import procedures

    monkeypatch.setattr(procedures, "_ask", lambda parent, text: True)
    ctx.open_db(demo_db_path)
    widget = procedures.ProceduresPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1090, 740)
    widget.show()
    return widget


def _select(page, kind: str, with_tasks: bool = True) -> dict:
    page.year_box.setCurrentIndex(0)                      # all years
    for row in range(page.list_view.rowCount()):
        pid = page.list_view.item(row, 0).data(0x0100)
        proc = core.get_procedure(page.ctx.db, pid)
        if proc["kind"] == kind and bool(core.list_tasks(page.ctx.db, pid)) == with_tasks:
            page.list_view.setCurrentCell(row, 0)
            return proc
    raise AssertionError(kind)


def _col(model, key):
    return [k for k, _, _ in model.cols].index(key)


def test_list_and_grid(ctx, page):
    year_rows = page.list_view.rowCount()
    assert year_rows == len(core.list_procedures(ctx.db, year_id=page.year_box.currentData()))
    proc = _select(page, "vpr")
    model = page.detail.results
    assert model.proc["id"] == proc["id"]
    assert model.rowCount() == len(core.results_grid(ctx.db, proc["id"])["rows"]) > 10
    assert len([c for c in model.cols if c[0] == "task"]) == len(core.list_tasks(ctx.db, proc["id"]))
    assert not model.flags(model.index(0, _col(model, "primary"))) & 2       # computed: not editable


def test_task_score_recomputes_and_undoes(ctx, page):
    proc = _select(page, "vpr")
    model = page.detail.results
    row = next(i for i, r in enumerate(model.rows) if r["result_id"] and not r["absent"])
    task_col = next(i for i, (k, _, _) in enumerate(model.cols) if k == "task")
    task = model.cols[task_col][1]
    before = dict(model.rows[row])
    current = model.rows[row]["scores"].get(task["id"]) or 0
    new = 0 if current else task["max_score"]
    assert model.setData(model.index(row, task_col), str(new))
    after = model.rows[row]
    assert after["primary_score"] == before["primary_score"] - current + new
    rules = scales.get_scale(ctx.db, proc["scale_id"])["rules"]
    assert after["mark"] == scales.mark_for(rules, after["primary_score"])
    assert model.data(model.index(row, _col(model, "primary"))) == str(after["primary_score"])
    ctx.undo_stack.undo()
    grid = core.results_grid(ctx.db, proc["id"])["rows"][row]
    assert (grid["primary_score"], grid["mark"]) == (before["primary_score"], before["mark"])


def test_out_of_range_score_is_refused_with_a_message(ctx, page):
    proc = _select(page, "vpr")
    model = page.detail.results
    task_col = next(i for i, (k, _, _) in enumerate(model.cols) if k == "task")
    task = model.cols[task_col][1]
    assert not model.setData(model.index(0, task_col), str(task["max_score"] + 1))
    assert f"от 0 до {task['max_score']}" in page.detail.error.text()
    assert len(ctx.undo_stack) == 0


def test_absent_clears_and_undo(ctx, page):
    from app.ui.qt import QtCore

    proc = _select(page, "vpr")
    model = page.detail.results
    row = next(i for i, r in enumerate(model.rows) if r["result_id"] and not r["absent"])
    sid = model.rows[row]["student_id"]
    assert model.setData(model.index(row, _col(model, "absent")), QtCore.Qt.CheckState.Checked.value,
                         QtCore.Qt.ItemDataRole.CheckStateRole)
    state = core.result_state(ctx.db, proc["id"], sid)
    assert state[0]["rows"][0]["absent"] == 1 and not state[1]["rows"]
    ctx.undo_stack.undo()
    assert core.result_state(ctx.db, proc["id"], sid)[1]["rows"]


def test_reference_edit(ctx, page):
    proc = _select(page, "vpr")
    ref = page.detail.reference
    assert ref.rows[0]["level"] == "school" and ref.rows[0]["n"] > 0
    assert ref.setData(ref.index(1, 1), "12,5")
    assert core.list_reference_results(ctx.db, proc["id"])[0]["share_2"] == 12.5
    assert not ref.setData(ref.index(1, 1), "120")
    assert "от 0 до 100" in page.detail.error.text()


def test_scale_dialog_recomputes_after_confirmation_and_undo(ctx, page):
    from app.ui.scale_dialog import ScaleDialog

    proc = _select(page, "vpr")
    dialog = ScaleDialog(ctx, page)
    row = [dialog.table.item(r, 0).data(0x0100) for r in range(dialog.table.rowCount())].index(proc["scale_id"])
    dialog.table.setCurrentCell(row, 0)
    marks_before = ctx.db.execute("SELECT id, mark FROM result WHERE procedure_id = ? ORDER BY id",
                                  [proc["id"]]).fetchall()
    dialog.thresholds[5].setValue(dialog.thresholds[5].value() + 2)
    asked = []
    assert dialog.save(confirm=lambda text: asked.append(text) or False) is None     # «Нет»: nothing changes
    assert ctx.db.execute("SELECT id, mark FROM result WHERE procedure_id = ? ORDER BY id",
                          [proc["id"]]).fetchall() == marks_before
    changed = dialog.save(confirm=lambda text: True)
    assert changed and "изменятся отметки" in asked[0]
    ctx.undo_stack.undo()
    assert ctx.db.execute("SELECT id, mark FROM result WHERE procedure_id = ? ORDER BY id",
                          [proc["id"]]).fetchall() == marks_before
    assert ctx.db.execute("SELECT count(*) FROM scale WHERE builtin = 1").fetchone()[0] > 20


def test_new_procedure_dialog(ctx, page):
    from app.ui.scale_dialog import ProcedureDialog

    dialog = ProcedureDialog(ctx, None, page, year_id=page.year_box.currentData())
    dialog.kind.setCurrentIndex(dialog.kind.findData("internal"))
    dialog.grade.setValue(8)
    dialog.task_count.setValue(5)
    dialog.task_max.setValue(2)
    dialog._fill_tasks()
    dialog.tasks.item(4, 0).setText("4.1")
    dialog.accept()
    assert dialog.new_id and dialog.error.text() == ""
    assert [t["number"] for t in core.list_tasks(ctx.db, dialog.new_id)] == ["1", "2", "3", "4", "4.1"]
    assert core.get_procedure(ctx.db, dialog.new_id)["max_score"] == 10
    again = ProcedureDialog(ctx, None, page, year_id=page.year_box.currentData())
    again.kind.setCurrentIndex(again.kind.findData("internal"))
    again.subject.setCurrentIndex(dialog.subject.currentIndex())
    again.grade.setValue(8)
    again.accept()
    assert "уже есть" in again.error.text()
    ctx.undo_stack.undo()
    assert ctx.db.execute("SELECT count(*) FROM procedure WHERE id = ?", [dialog.new_id]).fetchone()[0] == 0


def test_delete_procedure_and_undo(ctx, page):
    proc = _select(page, "oge")
    page.delete_procedure()
    assert ctx.db.execute("SELECT count(*) FROM result WHERE procedure_id = ?", [proc["id"]]).fetchone()[0] == 0
    ctx.undo_stack.undo()
    assert core.list_procedures(ctx.db)[0] and core.get_procedure(ctx.db, proc["id"])["n"] if False else True
    assert ctx.db.execute("SELECT count(*) FROM result WHERE procedure_id = ?", [proc["id"]]).fetchone()[0] > 0
