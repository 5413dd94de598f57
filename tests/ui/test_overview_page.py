"""«Обзор» on the demo school: the flags panel is readable, sortable and opens the flag's chart."""
from __future__ import annotations

import pytest

from app.ui.pages.overview import OverviewPage
from app.ui.qt import QtCore

Qt = QtCore.Qt


@pytest.fixture
def page(ctx, qtbot, demo_db_path):
    ctx.open_db(demo_db_path)
    p = OverviewPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    p.show()
    qtbot.waitUntil(lambda: p.flags is not None, timeout=10000)
    return p


def test_flags_panel_lists_every_flag_with_a_wide_reason(page, qtbot):
    view = page.flags_view
    assert view is not None and view.model.rowCount() == 5
    assert page.flags_status.text() == \
        "Признаков необъективности за все годы: 5, из них «риск» — 3, «внимание» — 2."
    table, header = view.table, view.table.horizontalHeader()
    assert [table.isColumnHidden(c) for c in range(7)] == [False, False, True, True, True, True, False]
    qtbot.waitUntil(lambda: header.sectionSize(6) > 0.45 * table.viewport().width(), timeout=2000)
    # every row as tall as its wrapped reason, at the widths the panel really has
    qtbot.waitUntil(lambda: all(table.rowHeight(r) >= table.sizeHintForRow(r) - 1 for r in range(5)), timeout=2000)
    assert max(table.rowHeight(r) for r in range(5)) < 200
    assert [view.flag_at(r)["level"] for r in range(5)] == ["risk"] * 3 + ["attention"] * 2


def test_rows_are_measured_again_when_the_window_narrows(page, qtbot):
    table = page.flags_view.table
    before = table.rowHeight(1)
    page.resize(900, 760)
    qtbot.waitUntil(lambda: table.rowHeight(1) > before, timeout=2000)
    assert all(table.rowHeight(r) >= table.sizeHintForRow(r) - 1 for r in range(5))


def test_flags_sort_by_any_column(page):
    view = page.flags_view
    view.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)          # «Класс»
    classes = [view.flag_at(r)["class"] for r in range(5)]
    assert classes == sorted(classes, key=str.lower, reverse=True)


def test_double_click_opens_the_flag_in_analysis(ctx, qtbot, demo_db_path, open_window):
    win = open_window(demo_db_path)
    overview = win.show_page("overview")
    qtbot.waitUntil(lambda: overview.flags is not None, timeout=10000)
    view = overview.flags_view
    row = next(r for r in range(5) if view.flag_at(r)["code"] == "boundary_bunching")
    with qtbot.waitSignal(ctx.navigate, timeout=2000) as blocker:
        view.table.doubleClicked.emit(view.proxy.index(row, 6))
    assert blocker.args[0] == "analysis" and blocker.args[1]["class"] == "8Б"
    analysis = win.pages["analysis"] if hasattr(win, "pages") else win.show_page("analysis")
    qtbot.waitUntil(lambda: analysis.loaded and win.stack.currentWidget().isAncestorOf(analysis), timeout=10000)
    f = analysis.filters()
    assert (f.year, f.subject, f.grade, f.class_label) == ("2024/2025", "Математика", 8, "8Б")
    assert analysis.tabs.tabText(analysis.tabs.currentIndex()) == "Первичные баллы"
    assert analysis.charts["histogram"].data["flagged_thresholds"] == [12]
