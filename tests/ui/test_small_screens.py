"""Every page of the demo school at the client area of a 1024×600 netbook (1008×500) and of a
1366×768 laptop (1350×690): nothing a deputy needs is cut off, squeezed or hidden behind »."""
from __future__ import annotations

import pytest

from app.core.analysis import views
from app.ui.common import visible_height
from app.ui.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt
SIZES = {"netbook": (1008, 500), "laptop": (1350, 690)}
MY_PAGES = ["overview", "plan", "roster", "marks", "procedures", "analysis", "district"]


@pytest.fixture(params=list(SIZES), scope="function")
def window(request, open_window, demo_db_path, qtbot):
    win = open_window(demo_db_path, size=SIZES[request.param])
    win.size_key = request.param
    assert (win.width(), win.height()) == SIZES[request.param]
    return win


def _show(win, qtbot, key):
    page = win.show_page(key)
    for _ in range(3):
        qtbot.wait(10)
    return page


def _fully_visible_rows(view) -> int:
    """Rows of a table drawn from top to bottom inside its viewport."""
    height = view.viewport().height()
    count = 0
    for row in range(view.model().rowCount()):
        top = view.rowViewportPosition(row)
        if top >= 0 and top + view.rowHeight(row) <= height:
            count += 1
    return count


def test_every_page_fits_without_squeezing(window, qtbot):
    """A page narrower or lower than its own minimum squeezes buttons and labels: none is."""
    for key in MY_PAGES:
        page = _show(window, qtbot, key)
        need = page.minimumSizeHint()
        assert need.width() <= page.width() and need.height() <= page.height(), (key, need, page.size())
        for button in page.findChildren(QtWidgets.QPushButton):
            if button.isVisible() and button.text():
                text = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
                assert text <= button.width() - 8, (key, button.text())


def test_plan_tree_shows_every_column_and_long_names(window, qtbot):
    page = _show(window, qtbot, "plan")
    tree, header = page.tree, page.tree.header()
    state = header.sectionViewportPosition(4) + header.sectionSize(4)
    assert state <= tree.viewport().width()                       # «Состояние» in view, not scrolled
    bold = QtGui.QFont(tree.font())
    bold.setBold(True)
    assert header.sectionSize(4) >= QtGui.QFontMetrics(bold).horizontalAdvance("просрочено") + 8
    assert header.sectionSize(1) >= 300                            # some forty letters of a measure
    number = QtGui.QFontMetrics(tree.font()).horizontalAdvance("1.11.") + tree.indentation()
    assert header.sectionSize(0) >= number + 8
    assert not page.header_box.expanded() and "приказ № 112" in page.header_box._summary_text
    # the editor opens in a window of its own with fields a line wide
    assert not page.editor_docked()
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(1))
    page.tree.itemActivated.emit(page.tree.currentItem(), 1)
    assert page.editor_window.isVisible()
    qtbot.waitUntil(lambda: page.editor.measure.width() >= 380, timeout=2000)
    assert "1.2." in page.editor_window.windowTitle()
    page.editor_window.dock_button.click()                         # back beside the tree on request
    assert page.editor_docked() and not page.editor_window.isVisible() and page.editor_pane.isVisible()
    page.set_editor_mode("auto")
    assert not page.editor_docked()


def test_analysis_filters_are_whole_and_charts_have_room(window, qtbot):
    page = _show(window, qtbot, "analysis")
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    qtbot.wait(20)
    for key, box in page.filter_boxes.items():
        room = box.style().subControlRect(QtWidgets.QStyle.ComplexControl.CC_ComboBox, _combo_option(box),
                                          QtWidgets.QStyle.SubControl.SC_ComboBoxEditField, box).width()
        assert box.fontMetrics().horizontalAdvance(box.currentText()) <= room, (key, box.currentText())
    kind = page.filter_boxes["kind"]
    kind.setCurrentIndex(kind.findData(None))                       # «Все виды», once «Все видь»
    qtbot.wait(10)
    assert kind.width() >= kind.sizeHint().width()
    # the comparison bars: a label's height for each class row, the x axis in view
    bars = page.charts["comparison"]
    page.set_filters(views.Filters(year="2025/2026", kind="vpr", subject="Математика"))
    qtbot.wait(20)
    box = bars.plot.getPlotItem().getViewBox()
    rows = max(len(bars.rows), 8)
    assert box.height() / rows >= QtGui.QFontMetrics(bars.plot.getAxis("left").style["tickFont"]
                                                     or bars.font()).height()
    # the cohort lines: a plot area of 200 px and more, all of it on screen
    page.set_filters(views.Filters(year="2025/2026", kind="vpr", subject="Русский язык", grade=5))
    page.tabs.setCurrentIndex(3)
    qtbot.wait(20)
    cohort = page.charts["cohort"]
    assert cohort.lines
    assert cohort.plot.getPlotItem().getViewBox().height() >= 195, window.size_key
    shown = visible_height(cohort.plot)
    assert shown >= 220 and shown >= cohort.plot.height() - 1, (window.size_key, shown, cohort.plot.height())
    # the flags: open on a laptop, one line (with their count) on a netbook
    if window.size_key == "netbook":
        assert not page.flags_box.expanded() and page.flags_box._summary_text.startswith("4,")
        page.flags_box.button.click()
        qtbot.waitUntil(lambda: visible_height(page.flags_view.table) >= 80, timeout=2000)   # scrolled into view
    else:
        assert page.flags_box.expanded() and visible_height(page.flags_view.table) >= 90


def _combo_option(box):
    option = QtWidgets.QStyleOptionComboBox()
    box.initStyleOption(option)
    return option


def test_procedures_list_and_results_both_show_many_rows(window, qtbot):
    page = _show(window, qtbot, "procedures")
    qtbot.wait(20)
    assert _fully_visible_rows(page.list_view) >= 10
    assert _fully_visible_rows(page.detail.results_view) >= (4 if window.size_key == "netbook" else 10)
    subject = page.list_view.columnWidth(2)
    assert subject >= page.list_view.fontMetrics().horizontalAdvance("Русский язык") + 8


def test_overview_tables_keep_rows_in_view(window, qtbot):
    page = _show(window, qtbot, "overview")
    qtbot.wait(20)
    assert _fully_visible_rows(page.overdue) >= 2
    assert _fully_visible_rows(page.flags_view.table) >= 2


def test_print_preview_keeps_its_print_button_in_view(window, qtbot):
    page = _show(window, qtbot, "plan")
    dialog = page.make_print_preview()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, QtWidgets.QDialog) and dialog.width() <= 980
    dialog.resize(560, 420)                  # narrower than Qt's own toolbar
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(20)
    button = dialog.toolbar.widgetForAction(dialog.print_action)
    assert button.isVisible() and button.geometry().right() <= dialog.toolbar.width()
    assert button.text().startswith("Печать")
    dialog.close()
