"""«Отметки» on the demo school: the grid, editing, refusal of bad marks, undo, Delete, paste."""
from __future__ import annotations

import time

import pytest

from app.core import marks as core


@pytest.fixture
def page(ctx, qtbot, demo_db_path):
    from app.ui.pages.marks import MarksPage

    ctx.open_db(demo_db_path)
    started = time.perf_counter()
    widget = MarksPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1090, 740)
    widget.show()
    widget.opened_in = time.perf_counter() - started
    return widget


def _cell_value(ctx, page, row, col):
    student = page.model.students[row]
    period = page.model.periods[col - 2]
    return core.get_mark(ctx.db, student["id"], page.model.subject_id, period["id"])


def test_opens_fast_on_a_class_with_marks(page):
    assert page.opened_in < 1.0
    assert page.year_box.currentText() == "2025/2026"
    assert page.model.students and page.model.marks, "the default class must have journal marks"
    assert page.model.headerData(page.model.columnCount() - 1, 1) == "Год"
    assert page.model.data(page.model.index(len(page.model.students), 1)) == "Средний балл"


def test_edit_refuse_and_undo(ctx, page):
    model = page.model
    index = model.index(0, 2)
    old = _cell_value(ctx, page, 0, 2)
    new = 2 if old != 2 else 5
    assert model.setData(index, str(new))
    assert _cell_value(ctx, page, 0, 2) == new and model.data(index) == str(new)
    assert not model.setData(index, "7")
    assert "от 2 до 5" in page.message.text()
    assert _cell_value(ctx, page, 0, 2) == new
    ctx.undo_stack.undo()
    assert _cell_value(ctx, page, 0, 2) == old
    ctx.undo_stack.redo()
    assert _cell_value(ctx, page, 0, 2) == new


def test_summary_rows_are_read_only(page):
    from app.ui.qt import QtCore

    index = page.model.index(len(page.model.students), 3)
    assert not page.model.flags(index) & QtCore.Qt.ItemFlag.ItemIsEditable
    assert not page.model.setData(index, "5")


def test_delete_clears_selection_in_one_undo_step(ctx, page, qtbot):
    from app.ui.qt import QtCore

    view = page.view
    sel = view.selectionModel()
    for col in (2, 3):
        sel.select(page.model.index(1, col), sel.SelectionFlag.Select)
    before = [_cell_value(ctx, page, 1, c) for c in (2, 3)]
    assert None not in before
    view.setFocus()
    qtbot.keyClick(view, QtCore.Qt.Key.Key_Delete)
    assert [_cell_value(ctx, page, 1, c) for c in (2, 3)] == [None, None]
    ctx.undo_stack.undo()
    assert [_cell_value(ctx, page, 1, c) for c in (2, 3)] == before


def test_paste_block_and_bad_paste_changes_nothing(ctx, page):
    page.view.setCurrentIndex(page.model.index(0, 2))
    page.paste("5\t4\n3\t2\n")
    assert [_cell_value(ctx, page, r, c) for r in (0, 1) for c in (2, 3)] == [5, 4, 3, 2]
    page.paste("5\t9\n")
    assert "9" in page.message.text()
    assert [_cell_value(ctx, page, 0, c) for c in (2, 3)] == [5, 4]


def test_switching_class_and_undo_from_elsewhere_reloads(ctx, page, qtbot):
    page.class_box.setCurrentIndex(page.class_box.count() - 1)   # 11th grade: half-years
    assert page.kind_box.currentData() == "half"
    assert [p["label"] for p in page.model.periods][-1] == "Год"
    student = page.model.students[0]
    period = page.model.periods[0]
    core.set_mark(ctx.db, student["id"], page.model.subject_id, period["id"], 2)
    ctx.notify("marks")
    qtbot.waitUntil(lambda: page.model.marks.get((student["id"], period["id"])) == 2, timeout=2000)


def test_typing_in_the_grid_writes_and_refuses(ctx, page, qtbot):
    """Keys typed on a cell open its editor; Enter writes a 2..5 mark; a 7 never reaches the journal."""
    from app.ui.qt import QtCore

    from app.ui.qt import QtWidgets

    view, model = page.view, page.model
    index = model.index(2, 3)
    old = _cell_value(ctx, page, 2, 3)
    new = 3 if old != 3 else 4

    def type_into_cell(text):
        view.setCurrentIndex(index)
        qtbot.keyClicks(view, text)                        # AnyKeyPressed: the editor opens with the key
        editor = view.indexWidget(index) or QtWidgets.QApplication.focusWidget()
        assert isinstance(editor, QtWidgets.QLineEdit) and editor.text() == text
        qtbot.keyClick(editor, QtCore.Qt.Key.Key_Return)         # the delegate commits on a queued call
        qtbot.waitUntil(lambda: view.state() != QtWidgets.QAbstractItemView.State.EditingState, timeout=2000)

    type_into_cell(str(new))
    assert _cell_value(ctx, page, 2, 3) == new
    assert model.data(index) == str(new)
    type_into_cell("7")
    assert _cell_value(ctx, page, 2, 3) == new
    assert "от 2 до 5" in page.message.text()
    ctx.undo_stack.undo()
    assert _cell_value(ctx, page, 2, 3) == old


def test_message_clears_itself_and_its_timer_dies_with_the_page(ctx, qtbot, demo_db_path, monkeypatch):
    """A refusal clears itself after a while; a page closed before that is not touched by the timer
    (it used to raise «Internal C++ object (QLabel) already deleted» into the event loop)."""
    from app.ui.pages.marks import MarksPage

    monkeypatch.setattr(MarksPage, "MESSAGE_MS", 30)
    ctx.open_db(demo_db_path)
    page = MarksPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.model.setData(page.model.index(0, 2), "7")
    assert "от 2 до 5" in page.message.text()
    qtbot.waitUntil(lambda: page.message.text() == "", timeout=2000)
    closed = MarksPage(ctx)
    closed.show()
    assert not closed.model.setData(closed.model.index(0, 2), "7")
    closed.deleteLater()
    qtbot.wait(120)                      # pytest-qt fails the test on an exception in the event loop


def test_undo_menu_reads_as_russian(ctx, page):
    undo_action = ctx.undo_stack.createUndoAction(page, "Отменить")
    redo_action = ctx.undo_stack.createRedoAction(page, "Повторить")
    old = _cell_value(ctx, page, 0, 2)
    new = 5 if old != 5 else 4
    assert page.model.setData(page.model.index(0, 2), str(new))
    assert undo_action.text() == f"Отменить отметку «{new}»"
    ctx.undo_stack.undo()
    assert redo_action.text() == f"Повторить отметку «{new}»"
