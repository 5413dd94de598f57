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
