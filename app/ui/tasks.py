"""Run core work off the GUI thread: progress, cancel, result back on the GUI thread.

A task is a plain function ``fn(db, progress, cancel)``; the worker opens its own connection to the
school file, so the GUI connection is never shared across threads. Tests set ``synchronous`` to run
tasks inline (deterministic, like a synchronous pool).
"""
from __future__ import annotations

import threading
import traceback
from pathlib import Path
from typing import Any, Callable

from app.core.errors import Cancelled

from .qt import QtCore, QtWidgets, Signal


class _Relay(QtCore.QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QtCore.QRunnable):
    def __init__(self, fn: Callable, db_path: Path | None, relay: _Relay, cancel_event: threading.Event):
        super().__init__()
        self.fn, self.db_path, self.relay, self.cancel_event = fn, db_path, relay, cancel_event
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        db = None
        try:
            if self.db_path is not None:
                from app.core.store import open_db

                db = open_db(self.db_path)
            result = self.fn(db, self._progress, self.cancel_event.is_set)
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._emit(self.relay.failed, exc)
        else:
            self._emit(self.relay.finished, result)
        finally:
            if db is not None:
                db.close()

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            pass  # the application is closing and the receiver is gone: nobody waits for the answer

    def _progress(self, done: int, total: int) -> None:
        try:
            self.relay.progressed.emit(int(done), int(total))
        except RuntimeError:
            pass


class TaskRunner(QtCore.QObject):
    """Runs tasks one at a time in a single-worker pool (DB work is serialised, as in Anki)."""

    def __init__(self, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.synchronous = False
        self._alive: set[_Relay] = set()

    def run(self, fn: Callable, *, db_path: Path | None, db=None, title: str = "",
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            parent: QtWidgets.QWidget | None = None) -> None:
        if self.synchronous:
            self._run_inline(fn, db, on_done, on_error)
            return
        relay = _Relay()
        cancel_event = threading.Event()
        dialog = _progress_dialog(parent, title, cancel_event)
        relay.progressed.connect(lambda d, t: _update(dialog, d, t))

        def finish(callback, value):
            self._alive.discard(relay)
            dialog.close()
            dialog.deleteLater()
            if callback is not None:
                callback(value)
            elif isinstance(value, BaseException) and not isinstance(value, Cancelled):
                _show_error(parent, value)

        relay.finished.connect(lambda r: finish(on_done, r))
        relay.failed.connect(lambda e: finish(on_error, e))
        self._alive.add(relay)
        self.pool.start(_Runnable(fn, db_path, relay, cancel_event))

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

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


def _progress_dialog(parent, title: str, cancel_event: threading.Event) -> QtWidgets.QProgressDialog:
    dialog = QtWidgets.QProgressDialog(title or "Выполняется…", "Отмена", 0, 0, parent)
    dialog.setWindowTitle("Объектив")
    dialog.setMinimumDuration(400)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.canceled.connect(cancel_event.set)
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
        text = ("Произошла непредвиденная ошибка. Данные не изменены.\n\n"
                f"{type(exc).__name__}: {exc}")
    QtWidgets.QMessageBox.warning(parent, "Объектив", text)
