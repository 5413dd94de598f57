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
    from app.core import edits
    from app.ui import undo

    count = page.staff_table.rowCount()
    undo.push(ctx, edits.staff_change("новый сотрудник", None, lambda db: core.create_staff(
        db, "Яковлева Ирина Олеговна", "педагог-психолог")))
    page.refresh()
    names = [page.staff_table.item(r, 0).text() for r in range(page.staff_table.rowCount())]
    assert "Яковлева Ирина Олеговна" in names and len(names) == count + 1
    ctx.undo_stack.undo()
    page.refresh()
    assert page.staff_table.rowCount() == count


# -- the page's own forms, filled in as a user would ----------------------------------------------

@pytest.fixture
def answer_form(monkeypatch):
    """Replace FormDialog.exec: fill the form's fields by label, press «Сохранить», keep the dialog."""
    from app.ui.pages import roster
    from app.ui.qt import QtWidgets

    seen = []

    def install(*answers: dict):
        queue = list(answers)

        def fake_exec(dialog):
            values = queue.pop(0)
            form = dialog.findChild(QtWidgets.QFormLayout)
            fields = {form.itemAt(r, QtWidgets.QFormLayout.ItemRole.LabelRole).widget().text():
                      form.itemAt(r, QtWidgets.QFormLayout.ItemRole.FieldRole).widget()
                      for r in range(form.rowCount())}
            for label, value in values.items():
                widget = fields[label]
                if isinstance(widget, QtWidgets.QLineEdit):
                    widget.setText(value)               # Cyrillic: setText, never keyClicks
                elif isinstance(widget, QtWidgets.QComboBox):
                    index = widget.findText(value)
                    assert index >= 0, (label, value)
                    widget.setCurrentIndex(index)
                elif isinstance(widget, QtWidgets.QSpinBox):
                    widget.setValue(value)
            seen.append((dialog, fields))
            dialog.accept()
            return dialog.result()
        monkeypatch.setattr(roster.FormDialog, "exec", fake_exec)
    install.seen = seen
    return install


def test_new_year_through_the_form_and_undo(ctx, page, answer_form):
    answer_form({"Учебный год": "2026/2027", "Деление года": "триместры"})
    page.new_year()
    assert page.year_box.currentText() == "2026/2027"
    year = page.year_id()
    kinds = ctx.db.execute("SELECT kind, count(*) FROM period WHERE year_id = ? GROUP BY kind ORDER BY kind",
                           [year]).fetchall()
    assert kinds == [("trimester", 3), ("year", 1)]
    assert page.class_list.count() == 1 and page.summary.text().startswith("Классов: 0")
    ctx.undo_stack.undo()
    assert "2026/2027" not in [y["label"] for y in core.list_years(ctx.db)]


def test_add_class_refusal_keeps_the_form_open(ctx, page, answer_form, qtbot):
    answer_form({"Параллель": 5, "Литера": "а"}, {"Параллель": 5, "Литера": "Д"})
    page.add_class()                                         # 5А exists: refused, form stays
    dialog, _ = answer_form.seen[0]
    assert dialog.result() == 0 and "уже есть" in dialog.error.text()
    page.add_class()
    labels = [c["label"] for c in core.list_classes(ctx.db, page.year_id())]
    assert "5Д" in labels
    qtbot.waitUntil(lambda: any(page.class_list.item(r).text().startswith("5Д ")
                                for r in range(page.class_list.count())), timeout=2000)
    ctx.undo_stack.undo()
    assert "5Д" not in [c["label"] for c in core.list_classes(ctx.db, page.year_id())]


def test_add_student_with_code_sex_and_medal_then_edit_and_undo(ctx, page, answer_form, qtbot):
    class_id = _select_class(page, "11А")
    code = core.next_student_code(ctx.db)
    count = page.students.rowCount()
    answer_form({"ФИО": "Ёлкина Дарья Сергеевна", "Пол": "женский", "Класс": "11А",
                 "Кандидат на медаль": "I степени"})
    page.add_student()
    _, fields = answer_form.seen[-1]
    assert fields["Код"].text().startswith(code)
    qtbot.waitUntil(lambda: page.students.rowCount() == count + 1, timeout=2000)
    row = next(r for r in page.students.rows if r["full_name"] == "Ёлкина Дарья Сергеевна")
    assert (row["code"], row["sex"], row["medal_degree"], row["class_id"]) == (code, "ж", 1, class_id)
    shown = [page.students.data(page.students.index(page.students.rows.index(row), c)) for c in range(5)]
    assert shown == [code, "Ёлкина Дарья Сергеевна", "ж", "11А", "I степени"]

    page.table.clearSelection()
    page.search.setText(code)
    page.table.selectRow(0)
    answer_form({"Кандидат на медаль": "нет", "Пол": "не указан"})
    page.edit_student()
    student = core.get_student(ctx.db, row["id"])
    assert student["code"] == code and student["sex"] is None
    assert next(r for r in core.list_students(ctx.db, class_id=class_id) if r["id"] == row["id"])["medal_degree"] is None
    ctx.undo_stack.undo()                                    # the edit
    assert next(r for r in core.list_students(ctx.db, class_id=class_id) if r["id"] == row["id"])["medal_degree"] == 1
    ctx.undo_stack.undo()                                    # the new student
    assert ctx.db.execute("SELECT count(*) FROM student WHERE id = ?", [row["id"]]).fetchone()[0] == 0
    assert core.next_student_code(ctx.db) != code            # a code is never given out twice


def test_staff_form_add_edit_and_undo(ctx, page, answer_form, qtbot):
    count = page.staff_table.rowCount()
    answer_form({"ФИО": "Щукина Вера Павловна", "Должность": "учитель химии"},
                {"Должность": "руководитель методического объединения"})
    page.add_staff()
    qtbot.waitUntil(lambda: page.staff_table.rowCount() == count + 1, timeout=2000)
    names = [page.staff_table.item(r, 0).text() for r in range(page.staff_table.rowCount())]
    assert "Щукина Вера Павловна" in names and len(names) == count + 1
    page.staff_table.setCurrentCell(names.index("Щукина Вера Павловна"), 0)
    page.edit_staff()
    person = next(p for p in core.list_staff(ctx.db) if p["full_name"] == "Щукина Вера Павловна")
    assert person["position"] == "руководитель методического объединения"
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert "Щукина Вера Павловна" not in [p["full_name"] for p in core.list_staff(ctx.db)]


def test_promote_asks_with_the_numbers_and_refuses_twice(ctx, page, monkeypatch):
    from app.ui.pages import roster
    from app.ui.qt import QtWidgets

    asked, warned = [], []
    monkeypatch.setattr(roster, "_ask", lambda parent, text: asked.append(text) or True)
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", staticmethod(lambda *a: warned.append(a[2])))
    leaving = sum(c["students"] for c in core.list_classes(ctx.db, page.year_id()) if c["grade"] == 11)
    page.promote()
    assert "Будет создан учебный год 2026/2027" in asked[0] and f"({leaving} чел.)" in asked[0]
    page.year_box.setCurrentIndex(page.year_box.findText("2025/2026"))
    page.promote()                                        # the classes of 2026/2027 exist now
    assert "Будет создан" not in asked[1]
    assert warned and "уже есть классы" in warned[0]


def test_staff_names_are_not_cut(ctx, page):
    table = page.staff_table
    metrics = table.fontMetrics()
    longest = max(metrics.horizontalAdvance(table.item(r, 0).text()) for r in range(table.rowCount()))
    assert table.columnWidth(0) >= longest + 8
