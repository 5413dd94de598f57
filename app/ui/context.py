"""What every page shares: the open school file, the task runner, the undo stack and change notices.

Pages never call each other. After a change a page calls ``ctx.notify(topic)``; every page listening
to ``changed`` decides whether to reload. Navigation requests go through ``navigate``.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Callable

from app.core import lock, store

from . import prefs
from .qt import QtCore, QtGui, Signal
from .tasks import TaskRunner


class AppContext(QtCore.QObject):
    db_opened = Signal()
    changed = Signal(str)
    navigate = Signal(str, object)
    import_requested = Signal(list)
    file_choice_requested = Signal()          # «Импорт…» pressed on a page: the window asks for files

    def __init__(self, parent: QtCore.QObject | None = None, *, qsettings: QtCore.QSettings | None = None):
        super().__init__(parent)
        self.db = None
        self.db_path: Path | None = None
        self.undo_stack = QtGui.QUndoStack(self)
        self.qsettings = qsettings or QtCore.QSettings("Objektiv", "Objektiv")
        self.tasks = TaskRunner(self)
        self._held_tasks: list[Callable[[], None]] | None = None

    # -- the school file -------------------------------------------------------------------
    @property
    def synchronous(self) -> bool:
        return self.tasks.synchronous

    @synchronous.setter
    def synchronous(self, value: bool) -> None:
        self.tasks.synchronous = value

    def open_db(self, path: str | Path) -> None:
        """Open a school file (raises StoreError with a Russian message; the old DB stays open).
        The window holds the file's lock while it is open: a second window or a writing command
        is refused with the holder's name (app.core.lock)."""
        with self._locking(path):
            db = store.open_db(path)
        self._switch(db, Path(path))

    def create_db(self, path: str | Path, *, school_name: str | None = None) -> None:
        with self._locking(path):
            db = store.create_db(path, school_name=school_name)
        self._switch(db, Path(path))

    def create_demo(self, path: str | Path) -> None:
        from app.core.demo import create_demo

        with self._locking(path):
            db = create_demo(path)
        self._switch(db, Path(path))

    @contextlib.contextmanager
    def _locking(self, path: str | Path):
        """Take the lock of `path`; give it back if opening fails."""
        lock.acquire(path)
        try:
            yield
        except BaseException:
            lock.release(path)
            raise

    def _switch(self, db, path: Path) -> None:
        self.close_db()
        self.db, self.db_path = db, path.resolve()
        self.undo_stack.clear()
        prefs.write(self.qsettings, prefs.LAST_DB, str(self.db_path))
        self.db_opened.emit()

    def close_db(self) -> None:
        if self.db is not None:
            self.tasks.wait()
            self.db.close()
            if self.db_path is not None:
                lock.release(self.db_path)
        self.db, self.db_path = None, None

    def school_title(self) -> str:
        if self.db is None:
            return ""
        from app.core.settings import is_demo

        row = store.school_row(self.db)
        title = row.get("short_name") or row.get("full_name") or (self.db_path.stem if self.db_path else "")
        return f"{title} (демонстрационная, данные вымышлены)" if is_demo(self.db) else title

    def request_file_choice(self, *_args) -> None:
        self.file_choice_requested.emit()

    # -- notices and work -------------------------------------------------------------------
    def notify(self, topic: str = "all") -> None:
        self.changed.emit(topic)

    def run_task(self, fn: Callable, *, title: str = "", on_done: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None, parent=None) -> None:
        """Run ``fn(db, progress, cancel)`` off the GUI thread with its own DB connection."""
        db_path, db = self.db_path, self.db

        def start() -> None:
            if self.db_path != db_path:
                return  # another school was opened meanwhile: its pages asked for their own work
            self.tasks.run(fn, db_path=db_path, db=db, title=title, on_done=on_done,
                           on_error=on_error, parent=parent)

        if self._held_tasks is not None:
            self._held_tasks.append(start)
        else:
            start()

    def hold_tasks(self) -> None:
        """Queue background work instead of starting it (start-up: until the window is painted).

        A worker started while the first frame is being built competes with it for the interpreter;
        the work it does (analysis for the «Обзор» page) is not in the first frame anyway.
        """
        if self._held_tasks is None:
            self._held_tasks = []

    def release_tasks(self) -> None:
        """Start the work queued since ``hold_tasks``, in the order it was asked for."""
        held, self._held_tasks = self._held_tasks, None
        for start in held or []:
            start()
