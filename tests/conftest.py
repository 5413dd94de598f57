"""Shared fixtures: real SQLite files in temporary folders; Qt offscreen; no user settings touched."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_SANDBOX = Path(tempfile.mkdtemp(prefix="objektiv-tests-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["XDG_STATE_HOME"] = str(_SANDBOX / "state")
os.environ["XDG_CACHE_HOME"] = str(_SANDBOX / "cache")
os.environ["HOME"] = str(_SANDBOX / "home")
(_SANDBOX / "home").mkdir(exist_ok=True)

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def empty_db_path(tmp_path) -> Path:
    from app.core import store

    path = tmp_path / "school.db"
    store.create_db(path, school_name="МБОУ «Тестовая школа»").close()
    return path


@pytest.fixture
def empty_db(empty_db_path):
    from app.core import store

    db = store.open_db(empty_db_path)
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo school, built once per test run; copy it before writing (see demo_db_path)."""
    from app.core.demo import create_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = create_demo(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def demo_db_path(demo_template, tmp_path) -> Path:
    """A private copy of the demo school for one test."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_db_path):
    from app.core import store

    db = store.open_db(demo_db_path)
    yield db
    db.close()


@pytest.fixture
def ctx(qtbot):
    """An AppContext running tasks inline, with settings kept out of the user's profile."""
    from app.ui.context import AppContext
    from app.ui.qt import QtCore

    settings = QtCore.QSettings(str(_SANDBOX / "config" / f"test-{id(qtbot)}.ini"),
                                QtCore.QSettings.Format.IniFormat)
    context = AppContext(qsettings=settings)
    context.synchronous = True
    yield context
    context.close_db()


@pytest.fixture
def open_window(ctx, qtbot):
    """Open a school file in the context and show a real main window over it."""
    def make(db_path, size=None):
        from app.ui.main_window import MainWindow

        ctx.open_db(db_path)
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        return win
    return make
