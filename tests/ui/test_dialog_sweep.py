"""Every dialog of app/ui, and every dialog a menu item opens, is driven through each way of
closing it — accept, reject, Esc, the window's ×. The process must survive every one of them
(faulthandler prints the stack if it does not), and no dialog is left on screen.

A new dialog class without a way to build it here fails `test_every_dialog_class_is_covered`.
"""
from __future__ import annotations

import faulthandler
import importlib
import inspect
import pkgutil

import pytest

import app.ui
from app.core import plan, store
from app.ui.qt import QtCore, QtPrintSupport, QtWidgets

faulthandler.enable()
Qt = QtCore.Qt
WAYS = ("accept", "reject", "escape", "close")


def _dialog_classes() -> dict[str, type]:
    found = {}
    for info in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, QtWidgets.QDialog):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def _year_id(db) -> int:
    return db.execute("SELECT id FROM academic_year ORDER BY label DESC LIMIT 1").fetchone()[0]


def _factories(ctx, db):
    """Qualified class name → a function that builds that dialog over the demo school."""
    from app.ui import first_start, import_dialog, plan_widgets, scale_dialog, settings_dialog
    from app.ui.widgets import forms

    out = {
        "app.ui.plan_widgets.dialogs.NewPlanDialog": lambda: plan_widgets.NewPlanDialog(db),
        "app.ui.plan_widgets.dialogs.ExecutionDialog": lambda: plan_widgets.ExecutionDialog(
            "Провести педагогический совет", mark_done=True),
        "app.ui.settings_dialog.SettingsDialog": lambda: settings_dialog.SettingsDialog(ctx),
        "app.ui.scale_dialog.ProcedureDialog": lambda: scale_dialog.ProcedureDialog(ctx),
        "app.ui.scale_dialog.ScaleDialog": lambda: scale_dialog.ScaleDialog(ctx),
        "app.ui.import_dialog.ImportDialog": lambda: import_dialog.ImportDialog(ctx, []),
        "app.ui.first_start.FirstStartDialog": lambda: first_start.FirstStartDialog(),
        "app.ui.widgets.forms.FormDialog": lambda: forms.FormDialog(
            "Новый класс", [("Класс:", QtWidgets.QLineEdit("5Д"))], lambda: None),
    }
    try:
        from app.ui import plan_widgets as pw

        if hasattr(pw, "EditorWindow"):
            out["app.ui.plan_widgets.editor.EditorWindow"] = lambda: pw.EditorWindow()
    except ImportError:
        pass
    try:
        from app.ui import plan_print

        def preview():
            printer = QtPrintSupport.QPrinter()          # the preview does not own its printer
            dialog = plan_print.PlanPrintPreview(printer)
            dialog._kept_printer = printer
            return dialog
        out["app.ui.plan_print.PlanPrintPreview"] = preview
    except ImportError:
        pass
    try:
        from app.ui import schedule_widgets as sw

        year = _year_id(db)
        out.update({
            "app.ui.schedule_widgets.ItemDialog": lambda: sw.ItemDialog(["5А", "5Б"], ["Математика"]),
            "app.ui.schedule_widgets.ApprovalDialog": lambda: sw.ApprovalDialog(db, year),
            "app.ui.schedule_widgets.LoadDialog": lambda: sw.LoadDialog(db, year),
            "app.ui.schedule_widgets.CalendarDialog": lambda: sw.CalendarDialog(db, year),
        })
    except ImportError:
        pass
    return out


# Base classes that are never shown by themselves (their subclasses are).
_ABSTRACT = {"app.ui.schedule_widgets._Dialog"}


@pytest.fixture
def demo_ctx(ctx, demo_db_path):
    ctx.open_db(demo_db_path)
    return ctx


def test_every_dialog_class_is_covered(demo_ctx):
    missing = set(_dialog_classes()) - set(_factories(demo_ctx, demo_ctx.db)) - _ABSTRACT
    assert not missing, f"dialogs nobody opens in this test: {sorted(missing)}"


def _close(dialog, way: str) -> None:
    if way == "accept":
        dialog.accept()
    elif way == "reject":
        dialog.reject()
    elif way == "escape":
        QtWidgets.QApplication.sendEvent(dialog, _key(Qt.Key.Key_Escape))
    else:
        dialog.close()


def _key(key):
    from app.ui.qt import QtGui

    return QtGui.QKeyEvent(QtCore.QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)


@pytest.mark.parametrize("way", WAYS)
def test_each_dialog_survives_each_way_of_closing(demo_ctx, qtbot, way):
    for name, make in sorted(_factories(demo_ctx, demo_ctx.db).items()):
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _close(dialog, way)
        QtWidgets.QApplication.processEvents()
        if dialog.isVisible() and way == "accept":
            # a form that refuses to save without its fields stays open with a message: then Esc
            _close(dialog, "escape")
        assert not dialog.isVisible(), f"{name} is still open after «{way}»"
        dialog.deleteLater()
        QtWidgets.QApplication.processEvents()


class _Closer:
    """Closes every modal dialog that appears (a message box, a file or input dialog) in one way."""

    def __init__(self, way: str):
        self.way, self.closed, self.tried = way, [], set()
        self.timer = QtCore.QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        w = QtWidgets.QApplication.activeModalWidget()
        if w is None or not w.isVisible():
            return
        self.closed.append(type(w).__name__ + ": " + w.windowTitle())
        if id(w) in self.tried:                 # a form that refused «accept» (a field is empty): Esc
            _close(w, "reject")
        elif self.way == "accept" and not isinstance(w, (QtWidgets.QFileDialog, QtWidgets.QInputDialog)):
            _close(w, "accept")
        else:
            _close(w, "reject" if self.way == "accept" else self.way)
        self.tried.add(id(w))

    def stop(self) -> None:
        self.timer.stop()


def _menu_actions(window):
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.isSeparator() and action.menu() is None and action.text() != "Выход":
                yield action


@pytest.mark.parametrize("way", WAYS)
def test_every_menu_item_survives_each_way_of_closing_what_it_opens(open_window, demo_db_path, qtbot,
                                                                    monkeypatch, way):
    win = open_window(demo_db_path)
    win.ctx.synchronous = True
    path_before = win.ctx.db_path
    opened = []
    for action in list(_menu_actions(win)):
        closer = _Closer(way)
        try:
            action.trigger()
            for _ in range(20):
                QtWidgets.QApplication.processEvents()
        finally:
            closer.stop()
        opened += closer.closed
        for w in QtWidgets.QApplication.topLevelWidgets():
            if isinstance(w, QtWidgets.QDialog) and w.isVisible() and not w.isModal():
                _close(w, "reject" if way == "accept" else way)
                QtWidgets.QApplication.processEvents()
        assert win.isVisible(), f"the window closed after «{action.text()}» ({way})"
    assert len(set(opened)) >= 5, opened
    # whatever the answers, a school is open (the demo, when «Открыть демо-школу» was among the items)
    # and it is sound
    assert win.ctx.db_path is not None and path_before is not None
    assert win.ctx.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# Buttons whose work is not a dialog and takes long or leaves the program (tested elsewhere).
_SKIP_BUTTONS = {"Записать пакет", "Далее →"}


@pytest.mark.parametrize("way", WAYS)
def test_every_page_button_survives_each_way_of_closing_what_it_opens(open_window, demo_db_path, qtbot, way):
    from app.ui.main_window import PAGES

    win = open_window(demo_db_path)
    win.ctx.synchronous = True
    opened, pressed = [], 0
    for spec in PAGES:
        page = win.show_page(spec.key)
        QtWidgets.QApplication.processEvents()
        buttons = [b for b in page.findChildren(QtWidgets.QPushButton)
                   if b.isVisible() and b.isEnabled() and b.text().strip() and b.text() not in _SKIP_BUTTONS]
        for button in buttons:
            if not button.isVisible() or not button.isEnabled():   # an earlier press changed the page
                continue
            closer = _Closer(way)
            try:
                button.click()
                for _ in range(10):
                    QtWidgets.QApplication.processEvents()
            finally:
                closer.stop()
            pressed += 1
            opened += closer.closed
            for w in QtWidgets.QApplication.topLevelWidgets():
                if isinstance(w, QtWidgets.QDialog) and w.isVisible():
                    _close(w, "reject" if way == "accept" else way)
                    QtWidgets.QApplication.processEvents()
            assert win.isVisible(), f"the window closed after «{button.text()}» on {spec.title} ({way})"
    assert pressed >= 20 and len(set(opened)) >= 3, (pressed, sorted(set(opened)))
    assert win.ctx.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
