"""«Процедуры» on the demo school: list, results grid with computed scores, refusals, undo, dialogs."""
from __future__ import annotations

import pytest

from app.core import procedures as core
from app.core import scales


@pytest.fixture
def page(ctx, qtbot, demo_db_path, monkeypatch):
    from app.ui.pages import procedures
    from app.ui.widgets import forms

    monkeypatch.setattr(forms, "ask", lambda parent, text: True)
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
    from app.ui.qt import QtCore

    editable = QtCore.Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, _col(model, "primary"))) & editable      # computed: not editable
    assert not model.flags(model.index(0, _col(model, "mark"))) & editable
    assert model.flags(model.index(0, _col(model, "task"))) & editable


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
    assert ctx.undo_stack.count() == 0


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
    before = core.list_reference_results(ctx.db, proc["id"])[0]
    new_share_3 = before["share_3"] - 0.5 if before["share_3"] is not None else 12.5
    assert ref.setData(ref.index(1, 2), f"{new_share_3}".replace(".", ","))
    assert core.list_reference_results(ctx.db, proc["id"])[0]["share_3"] == new_share_3
    assert ref.data(ref.index(1, 2)) == f"{new_share_3:.1f}".replace(".", ",")
    assert not ref.setData(ref.index(1, 1), "120")
    assert "от 0 до 100" in page.detail.error.text()
    assert not ref.setData(ref.index(1, 1), "60")                          # shares would exceed 100 %
    assert "больше 100" in page.detail.error.text()
    assert not ref.setData(ref.index(0, 1), "10")                          # the school row is computed
    ctx.undo_stack.undo()
    assert core.list_reference_results(ctx.db, proc["id"])[0]["share_3"] == before["share_3"]


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
    proc = _select(page, "oge", with_tasks=False)
    page.delete_procedure()
    assert ctx.db.execute("SELECT count(*) FROM result WHERE procedure_id = ?", [proc["id"]]).fetchone()[0] == 0
    ctx.undo_stack.undo()
    assert core.get_procedure(ctx.db, proc["id"])["kind"] == "oge"
    assert ctx.db.execute("SELECT count(*) FROM result WHERE procedure_id = ?", [proc["id"]]).fetchone()[0] > 0


# -- observers, video, rechecks, procedures without tasks, scales as rows --------------------------

@pytest.fixture
def answer_form(monkeypatch):
    """Replace FormDialog.exec: set the form's fields by label, press «Сохранить»."""
    from app.ui.pages import roster
    from app.ui.qt import QtWidgets

    def install(*answers: dict):
        queue = list(answers)

        def fake_exec(dialog):
            form = dialog.findChild(QtWidgets.QFormLayout)
            fields = {form.itemAt(r, QtWidgets.QFormLayout.ItemRole.LabelRole).widget().text():
                      form.itemAt(r, QtWidgets.QFormLayout.ItemRole.FieldRole).widget()
                      for r in range(form.rowCount())}
            for label, value in queue.pop(0).items():
                widget = fields[label]
                if isinstance(widget, QtWidgets.QLineEdit):
                    widget.setText(value)
                elif isinstance(widget, QtWidgets.QComboBox):
                    widget.setCurrentIndex(widget.findData(value))
                elif isinstance(widget, QtWidgets.QSpinBox):
                    widget.setValue(value)
            dialog.accept()
            install.errors.append(dialog.error.text())
            return dialog.result()
        monkeypatch.setattr(roster.FormDialog, "exec", fake_exec)
    install.errors = []
    return install


def test_observers_video_and_undo(ctx, page, answer_form):
    proc = _select(page, "vpr")
    detail = page.detail
    detail.obs_video.setChecked(not proc["video"])
    assert core.get_procedure(ctx.db, proc["id"])["video"] == int(not proc["video"])
    ctx.undo_stack.undo()
    assert core.get_procedure(ctx.db, proc["id"])["video"] == proc["video"]
    before = len(core.list_observers(ctx.db, proc["id"]))
    answer_form({"ФИО": "Ершова Алла Викторовна", "Организация": "Управляющий совет школы", "Вид наблюдения": "public"})
    detail.add_observer()
    found = core.list_observers(ctx.db, proc["id"])
    assert len(found) == before + 1 and "Ершова Алла Викторовна" in [o["full_name"] for o in found]
    assert detail.observers.rowCount() == before + 1
    assert core.get_procedure(ctx.db, proc["id"])["observers_present"] == 1 and detail.obs_present.isChecked()
    answer_form({"ФИО": "Ершова Алла Викторовна", "Вид наблюдения": "public"})
    detail.add_observer()                                             # the same person twice: refused
    assert "уже указан" in answer_form.errors[-1]
    ctx.undo_stack.undo()
    assert len(core.list_observers(ctx.db, proc["id"])) == before


def test_recheck_through_the_form_and_undo(ctx, page, answer_form):
    proc = _select(page, "vpr")
    detail = page.detail
    written = [r for r in detail.results.rows if r["result_id"] and not r["absent"]]
    target = written[-1]
    before = len(core.list_rechecks(ctx.db, proc["id"]))
    score = target["primary_score"]
    answer_form({"Работа": target["student_id"], "Балл до": score, "Балл после": max(score - 1, 0),
                 "Изменено критериев": 0, "Кто перепроверял": "Муниципальная предметная комиссия"})
    detail.add_recheck()
    found = {r["student_id"]: r for r in core.list_rechecks(ctx.db, proc["id"])}
    rk = found[target["student_id"]]
    assert (rk["score_before"], rk["score_after"]) == (score, max(score - 1, 0))
    assert rk["criteria_changed"] == (1 if score else 0)   # a changed score means a changed criterion
    assert detail.rechecks.rowCount() == len(found)
    assert "Перепроверено работ" in detail.recheck_summary.text()
    answer_form({"Работа": target["student_id"], "Балл до": 0, "Балл после": proc["max_score"] + 5})
    detail.add_recheck()                                      # the spin box caps the score at the maximum
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert len(core.list_rechecks(ctx.db, proc["id"])) == before


def test_procedure_without_tasks_takes_the_primary_score(ctx, page):
    proc = _select(page, "oge", with_tasks=False)
    model = page.detail.results
    editable = __import__("app.ui.qt", fromlist=["QtCore"]).QtCore.Qt.ItemFlag.ItemIsEditable
    primary = _col(model, "primary")
    assert model.flags(model.index(0, primary)) & editable
    assert not model.flags(model.index(0, _col(model, "mark"))) & editable
    row = next(i for i, r in enumerate(model.rows) if r["result_id"] and not r["absent"])
    rules = scales.get_scale(ctx.db, proc["scale_id"])["rules"]
    assert model.setData(model.index(row, primary), "3")
    assert model.rows[row]["mark"] == scales.mark_for(rules, 3) == 2
    assert not model.setData(model.index(row, primary), str(proc["max_score"] + 1))
    assert f"от 0 до {proc['max_score']}" in page.detail.error.text()
    assert not model.setData(model.index(row, _col(model, "journal_mark")), "6")
    assert "от 2 до 5" in page.detail.error.text()
    assert not model.setData(model.index(row, primary), "пять")
    assert "не число" in page.detail.error.text()


def test_ege_test_score_range(ctx, page):
    _select(page, "ege", with_tasks=False)
    model = page.detail.results
    col = _col(model, "test_score")
    row = next(i for i, r in enumerate(model.rows) if r["result_id"] and not r["absent"])
    assert model.setData(model.index(row, col), "72") and model.rows[row]["test_score"] == 72
    assert not model.setData(model.index(row, col), "101")
    assert "от 0 до 100" in page.detail.error.text()


def test_builtin_scales_are_listed_as_rows(ctx, page):
    from app.ui.scale_dialog import ScaleDialog

    dialog = ScaleDialog(ctx, page)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "ВПР 2024, русский язык, 4 класс" in names
    dialog.table.setCurrentCell(names.index("ВПР 2024, русский язык, 4 класс"), 0)
    assert [dialog.thresholds[m].value() for m in (3, 4, 5)] == [14, 24, 33]
    assert "Встроенная шкала" in dialog.note.text()
    assert "«5»: 33–38" in dialog.preview.text()
    dialog.thresholds[4].setValue(40)                      # above «5» and the maximum: refused
    assert dialog.save(confirm=lambda text: True) is None
    assert "<span" in dialog.message.text()
    dialog.search.setText("ЕГЭ")
    assert dialog.table.rowCount() < len(names) and all("ЕГЭ" in dialog.table.item(r, 0).text()
                                                        for r in range(dialog.table.rowCount()))


def test_create_procedure_with_scale_then_enter_scores(ctx, page):
    """The whole flow: a new ВПР with date, tasks and a chosen scale; scores typed → primary → mark."""
    from app.ui.qt import QtCore
    from app.ui.scale_dialog import ProcedureDialog

    year = page.year_box.currentData() or ctx.db.execute("SELECT max(id) FROM academic_year").fetchone()[0]
    scale_id = scales.create_scale(ctx.db, name="ВПР, химия, 9 класс (проба)", kind="marks", max_score=6,
                                   rules={"thresholds": [[0, 2], [2, 3], [4, 4], [6, 5]]})
    dialog = ProcedureDialog(ctx, None, page, year_id=year)
    dialog.kind.setCurrentIndex(dialog.kind.findData("vpr"))
    chem = dialog.subject.findText("Химия")
    dialog.subject.setCurrentIndex(chem if chem >= 0 else dialog.subject.count() - 1)
    dialog.grade.setValue(9)
    dialog.date.setDate(QtCore.QDate(2026, 4, 15))
    dialog.scale.setCurrentIndex(dialog.scale.findData(scale_id))
    dialog.task_count.setValue(3)
    dialog.task_max.setValue(2)
    dialog._fill_tasks()
    dialog.accept()
    assert dialog.error.text() == "" and dialog.new_id
    proc = core.get_procedure(ctx.db, dialog.new_id)
    assert (proc["date"], proc["scale_id"], proc["max_score"]) == ("2026-04-15", scale_id, 6)
    page._load_list(select=dialog.new_id)
    model = page.detail.results
    assert model.proc["id"] == dialog.new_id and model.rows, "the grade's pupils are listed for entry"
    tasks = [i for i, (k, _, _) in enumerate(model.cols) if k == "task"]
    assert len(tasks) == 3
    for col, score in zip(tasks, ("2", "1", "X")):
        assert model.setData(model.index(0, col), score)
    row = model.rows[0]
    assert (row["primary_score"], row["mark"]) == (3, 3)
    assert model.data(model.index(0, tasks[2])) == "X"
    assert not model.setData(model.index(0, tasks[0]), "3")
    assert "от 0 до 2" in page.detail.error.text()
    assert model.rows[0]["primary_score"] == 3


def test_assigning_another_scale_asks_then_recomputes(ctx, page):
    from app.ui.scale_dialog import ProcedureDialog

    proc = _select(page, "vpr")
    strict = scales.create_scale(ctx.db, name="Строгая шкала (проба)", kind="marks", max_score=proc["max_score"],
                                 rules={"thresholds": [[0, 2], [proc["max_score"], 3]]})
    marks_before = ctx.db.execute("SELECT id, mark FROM result WHERE procedure_id = ? ORDER BY id",
                                  [proc["id"]]).fetchall()
    dialog = ProcedureDialog(ctx, core.get_procedure(ctx.db, proc["id"]), page)
    asked = []
    dialog.confirm = lambda text: asked.append(text) or False
    dialog.scale.setCurrentIndex(dialog.scale.findData(strict))
    dialog.accept()                                                   # «Нет»: nothing changes
    assert asked and "изменятся отметки" in asked[0]
    assert core.get_procedure(ctx.db, proc["id"])["scale_id"] == proc["scale_id"]
    assert ctx.db.execute("SELECT id, mark FROM result WHERE procedure_id = ? ORDER BY id",
                          [proc["id"]]).fetchall() == marks_before
    dialog.confirm = lambda text: True
    dialog.accept()
    marks = {m for (m,) in ctx.db.execute("SELECT mark FROM result WHERE procedure_id = ? AND absent = 0 "
                                          "AND primary_score IS NOT NULL", [proc["id"]])}
    assert marks <= {2, 3} and core.get_procedure(ctx.db, proc["id"])["scale_id"] == strict
    ctx.undo_stack.undo()
    assert ctx.db.execute("SELECT id, mark FROM result WHERE procedure_id = ? ORDER BY id",
                          [proc["id"]]).fetchall() == marks_before


def test_tasks_tab_add_refuse_delete_and_undo(ctx, page, answer_form):
    proc = _select(page, "vpr")
    detail = page.detail
    tasks_before = core.list_tasks(ctx.db, proc["id"])
    answer_form({"Номер задания": "99", "Максимальный балл": 3, "Уровень": "advanced"})
    detail.add_task()
    tasks = core.list_tasks(ctx.db, proc["id"])
    assert [t["number"] for t in tasks][-1] == "99" and tasks[-1]["level"] == "advanced"
    assert core.get_procedure(ctx.db, proc["id"])["max_score"] == proc["max_score"] + 3
    assert detail.tasks.rowCount() == len(tasks) and "Заданий: " in detail.tasks_note.text()
    assert detail.results.columnCount() == len(detail.results.cols) and \
        sum(1 for k, _, _ in detail.results.cols if k == "task") == len(tasks)
    busiest = max(tasks_before, key=lambda t: t["max_score"])
    top = ctx.db.execute("SELECT max(score) FROM task_score WHERE task_id = ?", [busiest["id"]]).fetchone()[0]
    detail.tasks.setCurrentCell([t["id"] for t in tasks].index(busiest["id"]), 0)
    answer_form({"Максимальный балл": top - 1})
    detail.edit_task()                                      # below a score already given: refused
    assert "уже выставлен балл" in answer_form.errors[-1]
    detail.tasks.setCurrentCell(0, 0)
    first = tasks[0]
    primaries = dict(ctx.db.execute("SELECT id, primary_score FROM result WHERE procedure_id = ?", [proc["id"]]))
    detail.delete_task()
    assert first["id"] not in [t["id"] for t in core.list_tasks(ctx.db, proc["id"])]
    after = dict(ctx.db.execute("SELECT id, primary_score FROM result WHERE procedure_id = ?", [proc["id"]]))
    assert after != primaries                              # primary scores recomputed without the task
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert [t["id"] for t in core.list_tasks(ctx.db, proc["id"])] == [t["id"] for t in tasks_before]
    assert dict(ctx.db.execute("SELECT id, primary_score FROM result WHERE procedure_id = ?",
                               [proc["id"]])) == primaries
