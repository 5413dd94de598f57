"""Start-up: the first frame is built once, background work waits for it, and the program starts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.core import store
from app.ui.main_window import MainWindow
from app.ui.pages.overview import OverviewPage
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.style import apply_style, apply_style_sheet

ROOT = Path(__file__).resolve().parents[2]


def test_the_window_builds_the_overview_once_and_asks_for_one_analysis(ctx, qtbot, demo_db_path):
    ctx.hold_tasks()  # held work waits in synchronous mode too; released, it runs inline
    ctx.open_db(demo_db_path)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    page = win.show_page("overview")
    assert page.loaded and page.data["counts"]["classes"] > 0
    assert len(ctx._held_tasks) == 1  # the analysis for the flags panel, asked for once
    assert page.flags is None
    ctx.release_tasks()
    assert page.flags is not None and len(page.flags) == 5


def test_held_analysis_starts_when_released(ctx, qtbot, demo_db_path):
    ctx.synchronous = False  # the real worker thread, as in the program
    ctx.hold_tasks()
    ctx.open_db(demo_db_path)
    page = OverviewPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.wait(150)
    assert page.flags is None
    assert page.flags_status.text() == "Идёт анализ результатов…"
    assert not page.flags_view.caption.isVisible()  # no «не найдено» while the analysis runs
    ctx.release_tasks()
    qtbot.waitUntil(lambda: page.flags is not None, timeout=10000)
    assert page.flags_status.text() == \
        "Признаков необъективности за все годы: 5, из них «риск» — 3, «внимание» — 2."
    assert not page.flags_view.caption.isVisible()


def test_work_held_for_a_school_no_longer_open_is_dropped(ctx, demo_db_path, empty_db_path):
    ctx.hold_tasks()
    seen = []
    ctx.open_db(demo_db_path)
    ctx.run_task(lambda db, progress, cancel: store.school_row(db)["short_name"], on_done=seen.append)
    ctx.open_db(empty_db_path)
    ctx.run_task(lambda db, progress, cancel: store.school_row(db)["short_name"], on_done=seen.append)
    assert seen == []
    ctx.release_tasks()
    assert seen == ["МБОУ «Тестовая школа»"]
    ctx.run_task(lambda db, progress, cancel: "after", on_done=seen.append)  # no longer held
    assert seen[-1] == "after"


def test_style_sheet_set_after_the_window_is_built_looks_the_same(ctx, qtbot, demo_db_path):
    app = QtWidgets.QApplication.instance()
    saved = (app.styleSheet(), QtGui.QPalette(app.palette()), QtGui.QFont(app.font()))
    ctx.open_db(demo_db_path)

    def frame(sheet_first: bool) -> QtGui.QImage:
        apply_style(app, sheet=sheet_first)
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.resize(1100, 720)
        win.show_page("overview")
        if not sheet_first:
            apply_style_sheet(app)
        win.show()
        qtbot.waitExposed(win)
        image = win.grab().toImage()
        win.close()
        app.setStyleSheet("")
        return image

    try:
        early, late = frame(True), frame(False)
    finally:
        app.setStyleSheet(saved[0])
        app.setPalette(saved[1])
        app.setFont(saved[2])
    assert early.size() == late.size() and early == late


def test_program_starts_and_paints_the_demo_school(demo_db_path, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    out = subprocess.run([sys.executable, "main.py", "--db", str(demo_db_path), "--smoke-gui"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("OK ") and float(out.stdout.split()[1]) < 5
    assert "ru=2" in out.stdout.split()          # qtbase_ru and qt_ru: Qt's own texts in Russian
