"""The Qt binding must not eat references to None (PySide6 6.12.0 on Python 3.11 does, and the app aborts
with «Fatal Python error: none_dealloc» after a few minutes of use)."""
from __future__ import annotations

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_calls_returning_nothing_keep_the_refcount_of_none(qtbot):
    from app.ui.qt import QtWidgets

    table = QtWidgets.QTableWidget(2, 2)
    qtbot.addWidget(table)
    item = QtWidgets.QTableWidgetItem("5А")
    item.setText("5Б")
    table.setRowCount(2)
    before = sys.getrefcount(None)
    for _ in range(40):             # few calls: a faulty binding must fail this test, not abort the run
        item.setText("5Б")
        table.setRowCount(2)
    lost = before - sys.getrefcount(None)
    assert lost < 20, (f"the Qt binding dropped {lost} references to None in 80 calls; install a "
                       "PySide6 without this fault (see pyproject.toml)")


def test_undo_commands_do_not_keep_the_context_alive(qtbot, tmp_path):
    """Context → undo stack → command → context was a cycle; the garbage collector then tore it down in
    the wrong order and the process died in QUndoStack::clear() at exit (exit code 139)."""
    import gc
    import weakref

    from app.core import edits
    from app.ui import undo
    from app.ui.context import AppContext
    from app.ui.qt import QtCore

    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
    ctx = AppContext(qsettings=settings)
    ctx.create_db(tmp_path / "school.db", school_name="МБОУ «Школа № 2»")
    undo.push(ctx, edits.staff_change("новый сотрудник", None, lambda db: __import__(
        "app.core.roster", fromlist=["x"]).create_staff(db, "Орлова Анна Ильинична")))
    assert ctx.undo_stack.count() == 1
    undo.push(ctx, edits.CallEdit("заголовок плана", "plan", lambda db: None, lambda db: None))
    assert ctx.undo_stack.count() == 2
    alive = weakref.ref(ctx)
    ctx.close_db()
    gc.collect()
    del ctx
    assert alive() is None, "an undo command keeps the context alive through a reference cycle"
