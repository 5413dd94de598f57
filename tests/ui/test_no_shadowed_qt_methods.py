"""No widget of app/ui keeps an attribute under the name of a Qt method.

`self.done = QCheckBox(...)` in a QDialog hides QDialog.done(), the virtual every close goes
through; PySide then calls the checkbox and the process dies. This test reads every class of
app/ui that derives from a Qt class and fails on any `self.<name> = …` whose name is a method or
property of its Qt base — and drives the dialog where it happened through every way of closing.
"""
from __future__ import annotations

import ast
import faulthandler
import importlib
import inspect
import pkgutil

import pytest

import app.ui
from app.ui.qt import QtCore, QtWidgets

faulthandler.enable()


def _ui_modules():
    for info in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        yield importlib.import_module(info.name)


def _qt_base(cls):
    return next((k for k in cls.__mro__ if k.__module__.startswith(("PySide6", "shiboken6"))), None)


def _assigned_attributes(cls) -> dict[str, int]:
    """Names assigned as `self.<name> = …` anywhere in the class body, with their line numbers."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return {}
    tree = ast.parse(inspect.cleandoc(source) if source.startswith((" ", "\t")) else source)
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for t in targets:
            for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                if isinstance(el, ast.Attribute) and isinstance(el.value, ast.Name) and el.value.id == "self":
                    found.setdefault(el.attr, node.lineno)
    return found


def test_no_attribute_hides_a_qt_method():
    offenders, checked = [], 0
    for module in _ui_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, QtCore.QObject):
                continue
            base = _qt_base(cls)
            checked += 1
            for name, line in _assigned_attributes(cls).items():
                if not name.startswith("_") and hasattr(base, name):
                    offenders.append(f"{module.__name__}.{cls.__name__}: self.{name} (line {line}) "
                                     f"hides {base.__name__}.{name}")
    assert checked > 20, "the walk found too few Qt classes"
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("how", ["save", "cancel", "escape", "close"])
def test_execution_dialog_closes_every_way(qtbot, how):
    from app.ui.plan_widgets import ExecutionDialog

    dlg = ExecutionDialog("Провести семинар для учителей о критериях оценивания", mark_done=True)
    qtbot.addWidget(dlg)
    dlg.note.setPlainText("Проведён семинар, протокол № 3")
    dlg.show()
    qtbot.waitExposed(dlg)
    buttons = dlg.findChild(QtWidgets.QDialogButtonBox)
    if how == "save":
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).click()
    elif how == "cancel":
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel).click()
    elif how == "escape":
        qtbot.keyClick(dlg, QtCore.Qt.Key.Key_Escape)
    else:
        dlg.close()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    expected = QtWidgets.QDialog.DialogCode.Accepted if how == "save" else QtWidgets.QDialog.DialogCode.Rejected
    assert dlg.result() == expected.value
    assert dlg.values()["done"] is True and dlg.values()["note"] == "Проведён семинар, протокол № 3"
