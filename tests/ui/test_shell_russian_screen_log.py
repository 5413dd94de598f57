"""The shell around the pages: Qt's own texts in Russian, a first window that fits the screen it
starts on, and a log of unexpected errors with their traceback."""
from __future__ import annotations

import os
import stat

import pytest

from app.core import logs
from app.ui.qt import QtCore, QtWidgets


@pytest.fixture
def russian(qapp):
    from app.ui.i18n import install_translations

    loaded = install_translations(qapp)
    yield loaded
    for tr in loaded:
        qapp.removeTranslator(tr)


def test_qt_standard_texts_are_russian(qtbot, russian):
    assert russian, "qtbase_ru was not found among PySide6's translations"
    box = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Yes
                                     | QtWidgets.QDialogButtonBox.StandardButton.No
                                     | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {box.button(b).text().replace("&", "") for b in (
        QtWidgets.QDialogButtonBox.StandardButton.Yes, QtWidgets.QDialogButtonBox.StandardButton.No,
        QtWidgets.QDialogButtonBox.StandardButton.Cancel)}
    assert texts == {"Да", "Нет", "Отмена"}
    assert QtCore.QCoreApplication.translate("QFileDialog", "File &name:").replace("&", "") == "Имя файла:"
    edit = QtWidgets.QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    labels = " ".join(a.text() for a in menu.actions())
    assert "Копировать" in labels and "Copy" not in labels


def test_first_window_fits_the_screen_and_a_far_geometry_comes_back(open_window, demo_db_path, ctx):
    from app.ui.main_window import MIN_SIZE, fit_to_screen

    win = open_window(demo_db_path)
    area = win.screen().availableGeometry()
    assert win.width() <= area.width() and win.height() <= area.height()
    assert MIN_SIZE[1] <= 540 - 40 and MIN_SIZE[0] <= 1024
    win.move(area.x() + 5000, area.y() + 3000)           # saved on a monitor that is gone
    fit_to_screen(win, restored=True)
    g = win.frameGeometry()
    assert area.contains(g.topLeft()) and g.right() <= area.right() + 1


def test_unexpected_errors_go_to_a_private_log_with_their_traceback(tmp_path):
    path = logs.setup(tmp_path / "logs", hooks=False)
    try:
        raise ZeroDivisionError("деление на ноль в расчёте")
    except ZeroDivisionError as exc:
        logs.record(exc, "test")
        message = logs.unexpected_text(exc)
    text = path.read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError" in text and "деление на ноль" in text
    assert str(path) in message and "журнал" in message
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_help_page_says_where_the_log_is(open_window, demo_db_path):
    win = open_window(demo_db_path)
    page = win.show_page("help")
    assert str(logs.log_path()) in page.where.text()
