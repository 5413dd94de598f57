"""Closing the import dialog or the main window while an import runs asks «Прервать?»; stopping
rolls the import back and waits for it, so nothing is written after the windows have gone."""
from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

import pytest

from app.core import store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402

faulthandler.enable()


@pytest.fixture(scope="module")
def big_journal(tmp_path_factory):
    return fixtures.journal_big_csv(tmp_path_factory.mktemp("big") / "journal_big_2024-2025.csv", 2_000_000)


def _marks(path) -> tuple[int, int]:
    db = store.open_db(path)
    try:
        return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("journal_mark", "student"))
    finally:
        db.close()


def _dialog(ctx, qtbot, paths, parent=None):
    from app.ui.import_dialog import ImportDialog

    ctx.synchronous = False
    dlg = ImportDialog(ctx, paths, parent)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.report is not None and not ctx.tasks.active(dlg), timeout=60000)
    return dlg


def test_closing_the_dialog_mid_import_asks_and_rolls_back(ctx, qtbot, empty_db_path, big_journal):
    ctx.open_db(empty_db_path)
    dlg = _dialog(ctx, qtbot, [big_journal])
    assert dlg.import_button.isEnabled()
    asked = []
    dlg.confirm = lambda text: asked.append(text) or False      # «Нет»: the import goes on
    dlg.run_import()
    dlg.close()
    assert asked and "Прервать?" in asked[0] and dlg.isVisible()
    ctx.tasks.settle(dlg)
    assert dlg.committed and _marks(empty_db_path)[0] > 10000
    # a second school file: this time the answer is «Да»
    second = empty_db_path.with_name("second.db")
    store.create_db(second).close()
    ctx.open_db(second)
    dlg2 = _dialog(ctx, qtbot, [big_journal])
    dlg2.confirm = lambda text: True
    dlg2.run_import()
    dlg2.close()
    assert not dlg2.isVisible() and not ctx.tasks.active()
    assert _marks(second) == (0, 0)
    assert not dlg2.committed


def test_closing_the_main_window_mid_import_stops_it_and_closes_the_dialog(ctx, qtbot, empty_db_path,
                                                                            big_journal):
    from app.ui.main_window import MainWindow

    ctx.open_db(empty_db_path)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    dlg = _dialog(ctx, qtbot, [big_journal], parent=win)
    asked = []
    win.confirm = lambda text: asked.append(text) or True
    dlg.confirm = lambda text: True
    dlg.run_import()
    win.close()
    assert asked and "Прервать и закрыть?" in asked[0]
    assert not win.isVisible() and not dlg.isVisible() and not ctx.tasks.active()
    assert _marks(empty_db_path) == (0, 0)
