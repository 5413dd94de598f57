"""An empty school's pages say what to bring and offer «Импорт…», which asks for files that the
program can read — .xls and .ods as well as .xlsx."""
from __future__ import annotations

from app.ui.qt import QtWidgets


def test_empty_state_import_button_asks_for_every_readable_format(open_window, empty_db_path, monkeypatch):
    from app.ui.widgets.empty_state import EmptyState

    win = open_window(empty_db_path)
    asked = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileNames",
                        lambda parent, title, start, flt, *a, **k: (asked.append(flt), ([], ""))[1])
    state = EmptyState(win.ctx, "marks")
    state.import_button.click()
    assert asked and all(s in asked[0] for s in ("*.xlsx", "*.xls", "*.ods", "*.csv", "*.docx"))
    assert "Табель успеваемости" in state.text.text()


def test_an_empty_school_says_what_to_bring_on_each_page(open_window, empty_db_path):
    win = open_window(empty_db_path)
    for key in ("overview", "roster", "marks"):
        page = win.show_page(key)
        page.refresh()
        assert not page.empty.isHidden(), key
        assert page.empty.import_button.text() == "Импорт…"
    assert win.show_page("overview").demo_note.isHidden()


def test_the_demo_school_says_it_is_a_demo_and_shows_no_empty_notes(open_window, demo_db_path):
    win = open_window(demo_db_path)
    overview = win.show_page("overview")
    overview.refresh()
    assert not overview.demo_note.isHidden() and "Демонстрационная школа" in overview.demo_note.text()
    assert "демонстрационная" in win.windowTitle()
    for key in ("overview", "roster", "marks"):
        page = win.show_page(key)
        page.refresh()
        assert page.empty.isHidden(), key
