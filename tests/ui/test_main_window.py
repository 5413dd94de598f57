"""GUI smoke test: the demo school opens, every page is visited and shows data."""
from __future__ import annotations

import pytest

from app.ui.main_window import PAGES, MainWindow
from app.ui.qt import QtCore, QtWidgets, pg


def _shows_data(widget: QtWidgets.QWidget) -> bool:
    """True if the page holds a populated view, a chart with items, or substantial text."""
    for view in widget.findChildren(QtWidgets.QAbstractItemView):
        model = view.model()
        if model is not None and model.rowCount() > 0:
            return True
    for plot in widget.findChildren(pg.PlotWidget):
        if plot.getPlotItem().listDataItems() or plot.getPlotItem().items:
            return True
    for browser in widget.findChildren(QtWidgets.QTextBrowser):
        if len(browser.toPlainText()) > 200:
            return True
    return False


@pytest.fixture
def window(open_window, demo_db_path):
    return open_window(demo_db_path)


def test_title_names_the_school(window, ctx):
    school = ctx.school_title()
    assert school and school in window.windowTitle()


def test_every_page_is_present_and_shows_data(window, qtbot):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["Обзор", "План", "Контингент", "Отметки", "Процедуры", "График ОП", "Анализ", "Пакет", "Район", "Справка"]
    empty = []
    for spec in PAGES:
        page = window.show_page(spec.key)
        qtbot.wait(10)
        assert window.stack.currentWidget().isAncestorOf(page)
        if spec.key != "district" and not _shows_data(page):
            empty.append(spec.title)
    assert not empty, f"pages without data: {empty}"


def test_geometry_is_remembered(ctx, qtbot, demo_db_path):
    ctx.open_db(demo_db_path)
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    # The offscreen screen is 800x800: choose a size that fits so Qt does not clamp it.
    first.resize(777, 611)
    first.close()
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (777, 611)


def test_menus_have_the_design_entries(window):
    texts = {a.text() for m in window.menuBar().actions() for a in m.menu().actions()}
    for wanted in ["Создать школу…", "Открыть…", "Открыть демо-школу", "Резервная копия…",
                   "Восстановить из копии…", "Импорт…", "Печать…", "Выход", "Отменить", "Повторить",
                   "О программе"]:
        assert wanted in texts


def test_drop_requests_import(window, qtbot, tmp_path):
    target = tmp_path / "x.xlsx"
    target.write_bytes(b"")
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(target))])
    received = []
    window.ctx.import_requested.disconnect()
    window.ctx.import_requested.connect(received.append)
    event_pos = QtCore.QPointF(50, 50)
    from app.ui.qt import QtGui

    drop = QtGui.QDropEvent(event_pos, QtCore.Qt.DropAction.CopyAction, mime,
                            QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert received == [[str(target)]]
