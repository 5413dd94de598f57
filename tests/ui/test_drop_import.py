"""Drag a file onto the main window: the import dialog opens with the file's preview (real drop events)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.ui.qt import QtCore, QtGui, QtWidgets

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def window(open_window, empty_db_path):
    return open_window(empty_db_path)


def _mime(*urls: QtCore.QUrl) -> QtCore.QMimeData:
    mime = QtCore.QMimeData()
    mime.setUrls(list(urls))
    return mime


pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDrag.*deprecated:DeprecationWarning")


def _drag_and_drop(window, mime: QtCore.QMimeData) -> tuple[bool, bool]:
    """DragEnter, DragMove and Drop delivered to the native window over the page area, as the platform
    does: Qt routes them to the widget under the cursor and up to the first that accepts drops.
    Returns (move accepted, drop accepted)."""
    page_area = window.stack.mapTo(window, window.stack.rect().center())
    pos = window.mapTo(window.window(), page_area)
    target = window.windowHandle()
    buttons, mods = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
    actions = QtCore.Qt.DropAction.CopyAction | QtCore.Qt.DropAction.LinkAction
    enter = QtGui.QDragEnterEvent(pos, actions, mime, buttons, mods)
    enter.ignore()
    QtWidgets.QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False, False
    move = QtGui.QDragMoveEvent(pos, actions, mime, buttons, mods)
    move.ignore()
    QtWidgets.QApplication.sendEvent(target, move)
    drop = QtGui.QDropEvent(QtCore.QPointF(pos), actions, mime, buttons, mods)
    drop.ignore()
    QtWidgets.QApplication.sendEvent(target, drop)
    return move.isAccepted(), drop.isAccepted()


def _open_dialogs(window):
    from app.ui.import_dialog import ImportDialog

    return [d for d in window.findChildren(ImportDialog) if d.isVisible()]


def test_dropping_a_vpr_form_opens_the_import_preview(window, ctx, qtbot):
    path = DATA / "vpr_simple_math5.xlsx"
    results_before = ctx.db.execute("SELECT count(*) FROM result").fetchone()[0]
    accepted = _drag_and_drop(window, _mime(QtCore.QUrl.fromLocalFile(str(path))))
    assert accepted == (True, True)
    qtbot.waitUntil(lambda: len(_open_dialogs(window)) == 1, timeout=3000)
    dialog = _open_dialogs(window)[0]
    assert dialog.isModal() or dialog.windowModality() != QtCore.Qt.WindowModality.NonModal
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert [v.name for v in dialog.views] == ["vpr_simple_math5.xlsx"]
    view = dialog.views[0]
    assert view.status == "ready", view.status_text
    assert dialog.file_list.count() == 1 and "vpr_simple_math5.xlsx" in dialog.file_list.item(0).text()
    assert "распознано" in dialog.panel.counts_label.text()
    assert dialog.import_button.isEnabled()
    # a preview is a dry run: nothing is written until «Загрузить»
    assert ctx.db.execute("SELECT count(*) FROM result").fetchone()[0] == results_before
    dialog.reject()
    qtbot.waitUntil(lambda: not _open_dialogs(window), timeout=2000)


def test_dropping_two_files_previews_both_with_their_kind(window, qtbot):
    paths = [DATA / "journal_long_bom_comma.csv", DATA / "bad_pdf_renamed.xlsx"]
    _drag_and_drop(window, _mime(*(QtCore.QUrl.fromLocalFile(str(p)) for p in paths)))
    qtbot.waitUntil(lambda: len(_open_dialogs(window)) == 1, timeout=3000)
    dialog = _open_dialogs(window)[0]
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    statuses = {v.name: v.status for v in dialog.views}
    assert statuses["bad_pdf_renamed.xlsx"] == "refused"
    assert statuses["journal_long_bom_comma.csv"] != "refused"
    dialog.reject()


def test_a_web_link_is_not_accepted(window, qtbot):
    accepted = _drag_and_drop(window, _mime(QtCore.QUrl("https://example.org/vpr.xlsx")))
    assert accepted == (False, False)
    qtbot.wait(20)
    assert not _open_dialogs(window)
