"""Run core work off the GUI thread: progress, cancel, result back on the GUI thread.

A task is a plain function ``fn(db, progress, cancel)``; the worker opens its own connection to the
school file, so the GUI connection is never shared across threads. Tests set ``synchronous`` to run
tasks inline (deterministic, like a synchronous pool).
"""
from __future__ import annotations

import itertools
import threading
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from app.core.errors import Cancelled

from .qt import QtCore, QtWidgets, Signal


class _Relay(QtCore.QObject):
    """Carries a task's progress and answer from the worker thread to the GUI thread.

    One relay lives as long as its runner and belongs to the GUI thread: the worker only emits on it
    (queued across threads) and never owns, creates or frees a Qt object. Freeing a per-task Qt object
    on the worker thread while the GUI thread closed its dialog deadlocked the two (each waiting for
    the lock the other held: Qt's, and the interpreter's).
    """
    progressed = Signal(int, int, int)      # task id, done, total
    finished = Signal(int, object)          # task id, result
    failed = Signal(int, object)            # task id, exception


@dataclass
class _Task:
    """What the GUI thread keeps of a task until its answer arrives. The worker reads `fn`,
    `db_path` and `cancel_event` from here and lets go of them before it answers, so the last
    reference to anything the task holds (a closure over a page, say) is always dropped on the GUI
    thread."""
    fn: Callable
    db_path: Path | None
    cancel_event: threading.Event
    dialog: QtWidgets.QProgressDialog
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    parent: QtWidgets.QWidget | None


class TaskRunner(QtCore.QObject):
    """Runs tasks one at a time on a single worker thread (DB work is serialised, as in Anki)."""

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.synchronous = False
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_progress)
        self._relay.finished.connect(lambda tid, result: self._finish(tid, result, failed=False))
        self._relay.failed.connect(lambda tid, exc: self._finish(tid, exc, failed=True))
        self._executor: ThreadPoolExecutor | None = None
        self._futures: list[Future] = []
        self._tasks: dict[int, _Task] = {}
        self._ids = itertools.count(1)

    def run(self, fn: Callable, *, db_path: Path | None, db=None, title: str = "",
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            parent: QtWidgets.QWidget | None = None) -> None:
        if self.synchronous:
            self._run_inline(fn, db, on_done, on_error)
            return
        tid = next(self._ids)
        dialog = _progress_dialog(parent, title)
        # «Отмена» reaches the event through the runner, never through a connection to an object the
        # worker holds: PySide drops such a connection wherever the object dies, and on the worker
        # thread that means taking Qt's lock while the GUI thread holds the interpreter — a deadlock.
        dialog.canceled.connect(lambda: self._cancel(tid))
        self._tasks[tid] = _Task(fn, db_path, threading.Event(), dialog, on_done, on_error, parent)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="objektiv-task")
        self._futures = [f for f in self._futures if not f.done()]
        self._futures.append(self._executor.submit(_work, self._relay, self._tasks, tid))

    def _cancel(self, tid: int) -> None:
        task = self._tasks.get(tid)
        if task is not None:
            task.cancel_event.set()

    # -- on the GUI thread ----------------------------------------------------------------------------
    def _on_progress(self, tid: int, done: int, total: int) -> None:
        task = self._tasks.get(tid)
        if task is not None:
            _update(task.dialog, done, total)

    def _finish(self, tid: int, value, *, failed: bool) -> None:
        task = self._tasks.pop(tid, None)
        if task is None:
            return
        task.dialog.close()
        task.dialog.deleteLater()
        callback = task.on_error if failed else task.on_done
        if callback is not None:
            callback(value)
        elif failed and not isinstance(value, Cancelled):
            _show_error(task.parent, value)

    @staticmethod
    def _run_inline(fn, db, on_done, on_error) -> None:
        try:
            result = fn(db, lambda d, t: None, lambda: False)
        except Exception as exc:  # noqa: BLE001
            if on_error is None:
                raise
            on_error(exc)
        else:
            if on_done is not None:
                on_done(result)

    def active(self, parent: QtWidgets.QWidget | None = None) -> list[str]:
        """Titles of the tasks still running (of one parent window, or all)."""
        return [t.dialog.labelText() for t in self._tasks.values() if parent is None or t.parent is parent]

    def cancel_all(self, parent: QtWidgets.QWidget | None = None) -> None:
        """Ask the running tasks (of one parent, or all) to stop: an import or a packet stops at its
        next check and rolls back."""
        for task in self._tasks.values():
            if parent is None or task.parent is parent:
                task.cancel_event.set()

    def settle(self, parent: QtWidgets.QWidget | None = None, msecs: int = 60000) -> bool:
        """Wait until the tasks (of one parent, or all) have ended and their answers have been
        delivered on this thread; False if they are still running after `msecs`."""
        import time

        deadline = time.monotonic() + msecs / 1000
        app = QtWidgets.QApplication.instance()
        while self.active(parent):
            if time.monotonic() > deadline:
                return False
            pending = [f for f in self._futures if not f.done()]
            if pending:
                futures_wait(pending, timeout=0.05)
            if app is not None:
                app.processEvents()
        return True

    def wait(self, msecs: int = 30000) -> bool:
        """Wait until every task started so far has run (their answers arrive with the next events)."""
        pending = [f for f in self._futures if not f.done()]
        if not pending:
            return True
        _done, not_done = futures_wait(pending, timeout=msecs / 1000)
        return not not_done


def _work(relay: _Relay, tasks: dict[int, _Task], tid: int) -> None:
    """The worker thread: open a connection of its own, run the task, send the answer back."""
    task = tasks.get(tid)
    if task is None:
        return
    fn, db_path, cancelled = task.fn, task.db_path, task.cancel_event.is_set
    del task
    db = None

    def progress(done: int, total: int) -> None:
        _emit(relay.progressed, tid, int(done), int(total))

    failed, value = False, None
    try:
        if db_path is not None:
            from app.core.store import open_db

            db = open_db(db_path)
        value = fn(db, progress, cancelled)
    except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
        exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
        failed, value = True, exc.with_traceback(None)   # no frames (and their locals) travel along
    finally:
        if db is not None:
            db.close()
    del fn, cancelled, progress          # the GUI thread still holds the task: nothing is freed here
    _emit(relay.failed if failed else relay.finished, tid, value)


def _emit(signal, *args) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:
        pass  # the application is closing and the relay is gone: nobody waits for the answer


def _progress_dialog(parent, title: str) -> QtWidgets.QProgressDialog:
    dialog = QtWidgets.QProgressDialog(title or "Выполняется…", "Отмена", 0, 0, parent)
    dialog.setWindowTitle("Объектив")
    dialog.setMinimumDuration(400)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def _update(dialog: QtWidgets.QProgressDialog, done: int, total: int) -> None:
    if total > 0:
        dialog.setMaximum(total)
        dialog.setValue(min(done, total))


def _show_error(parent, exc: BaseException) -> None:
    from app.core.errors import UserError

    if isinstance(exc, UserError):
        text = str(exc)
    else:
        from app.core import logs

        logs.record(exc, "background task")
        text = logs.unexpected_text(exc, "Произошла непредвиденная ошибка. Данные не изменены.")
    QtWidgets.QMessageBox.warning(parent, "Объектив", text)
