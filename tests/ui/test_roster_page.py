"""«Контингент» on the demo school: classes, students, edits through the page, undo."""
from __future__ import annotations

import pytest

from app.core import roster as core


@pytest.fixture
def page(ctx, qtbot, demo_db_path, monkeypatch):
    from app.ui.pages import roster

    monkeypatch.setattr(roster, "_ask", lambda parent, text: True)   # answer «Да» to confirmations
    ctx.open_db(demo_db_path)
    widget = roster.RosterPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1090, 740)
    widget.show()
    return widget


def _select_class(page, label):
    for row in range(page.class_list.count()):
        if page.class_list.item(row).text().startswith(f"{label} "):
            page.class_list.setCurrentRow(row)
            return page.class_list.item(row).data(0x0100)
    raise AssertionError(label)


def _select_students(page, n):
    page.table.clearSelection()
    for row in range(n):
        page.table.selectionModel().select(page.proxy.index(row, 0),
                                           page.table.selectionModel().SelectionFlag.Select
                                           | page.table.selectionModel().SelectionFlag.Rows)


def test_lists_classes_and_students(ctx, page):
    year = page.year_id()
    classes = core.list_classes(ctx.db, year)
    assert page.class_list.count() == len(classes) + 1
    assert page.students.rowCount() == sum(c["students"] for c in classes) > 400
    class_id = _select_class(page, "5А")
    assert page.students.rowCount() == len(core.list_students(ctx.db, class_id=class_id))
    page.search.setText(page.students.rows[0]["code"])
    assert page.proxy.rowCount() == 1


def test_delete_students_and_undo_restores_marks(ctx, page):
    _select_class(page, "7А")
    _select_students(page, 2)
    ids = page.selected_student_ids()
    marks_before = ctx.db.execute("SELECT count(*) FROM journal_mark").fetchone()[0]
    page.delete_students()
    assert ctx.db.execute(f"SELECT count(*) FROM student WHERE id IN ({ids[0]}, {ids[1]})").fetchone()[0] == 0
    ctx.undo_stack.undo()                  # one macro for the whole selection
    assert ctx.db.execute("SELECT count(*) FROM journal_mark").fetchone()[0] == marks_before
    assert all(core.get_student(ctx.db, sid) for sid in ids)


def test_move_student_undo(ctx, page, monkeypatch):
    from app.ui.qt import QtWidgets

    _select_class(page, "5А")
    _select_students(page, 1)
    sid = page.selected_student_ids()[0]
    monkeypatch.setattr(QtWidgets.QInputDialog, "getItem", staticmethod(lambda *a, **k: ("5Б", True)))
    page.move_students()
    label = ctx.db.execute("SELECT c.label FROM enrolment e JOIN class_group c ON c.id = e.class_id "
                           "WHERE e.student_id = ? AND e.year_id = ?", [sid, page.year_id()]).fetchone()[0]
    assert label == "5Б"
    ctx.undo_stack.undo()
    label = ctx.db.execute("SELECT c.label FROM enrolment e JOIN class_group c ON c.id = e.class_id "
                           "WHERE e.student_id = ? AND e.year_id = ?", [sid, page.year_id()]).fetchone()[0]
    assert label == "5А"


def test_promote_year_and_undo(ctx, page, qtbot):
    years_before = [y["label"] for y in core.list_years(ctx.db)]
    page.promote()
    assert page.year_box.currentText() == "2026/2027"
    new_year = page.year_id()
    classes = core.list_classes(ctx.db, new_year)
    assert classes and min(c["grade"] for c in classes) == 2 and max(c["grade"] for c in classes) == 11
    ctx.undo_stack.undo()
    assert [y["label"] for y in core.list_years(ctx.db)] == years_before
    qtbot.waitUntil(lambda: page.year_box.findText("2026/2027") < 0, timeout=2000)
    ctx.undo_stack.redo()
    assert core.list_classes(ctx.db, new_year) == classes       # same ids come back


def test_form_dialog_keeps_open_on_refusal(ctx, page):
    from app.core.errors import UserError
    from app.ui.pages.roster import FormDialog

    def refuse():
        raise UserError("Класс 5А в 2025/2026 учебном году уже есть.")
    dialog = FormDialog("Новый класс", [], refuse, page)
    dialog.accept()
    assert dialog.result() == 0 and "уже есть" in dialog.error.text()


def test_staff_tab_add_and_undo(ctx, page):
    from app.ui import results_undo as undo

    count = page.staff_table.rowCount()
    undo.staff_change(ctx, "новый сотрудник", None, lambda db: core.create_staff(db, "Яковлева Ирина Олеговна",
                                                                                  "педагог-психолог"))
    page.refresh()
    names = [page.staff_table.item(r, 0).text() for r in range(page.staff_table.rowCount())]
    assert "Яковлева Ирина Олеговна" in names and len(names) == count + 1
    ctx.undo_stack.undo()
    page.refresh()
    assert page.staff_table.rowCount() == count
