"""The undoable edit of the open school file: one class for every page.

redo / undo call functions of the DB; the first redo is skipped because the edit already ran when the
command was pushed. A command whose function fails (the data changed since) leaves the stack with a
message.
"""
from __future__ import annotations

import weakref
from typing import Callable

from app.core.errors import UserError

from .qt import QtGui, QtWidgets


class DbCommand(QtGui.QUndoCommand):
    """redo / undo call functions of the open DB, then announce the change under `topics`.

    The command holds its context weakly: the context owns the undo stack and the stack owns the
    commands, so a strong reference back would make a cycle that the garbage collector may tear
    down in the wrong order (a crash in QUndoStack::clear() at exit).
    """

    def __init__(self, ctx, text: str, topics: tuple[str, ...], redo_fn: Callable, undo_fn: Callable):
        super().__init__(text)
        self._ctx, self.topics = weakref.ref(ctx), topics
        self._redo_fn, self._undo_fn = redo_fn, undo_fn
        self._first = True

    @property
    def ctx(self):
        return self._ctx()

    def redo(self) -> None:
        if self._first:            # the edit itself already ran in perform()
            self._first = False
        else:
            self._run(self._redo_fn)
        self._announce()

    def undo(self) -> None:
        self._run(self._undo_fn)
        self._announce()

    def _run(self, fn: Callable) -> None:
        if self.ctx is None or self.ctx.db is None:
            self.setObsolete(True)
            return
        try:
            fn(self.ctx.db)
        except Exception as exc:  # noqa: BLE001 - shown, and the command leaves the stack
            self.setObsolete(True)
            if isinstance(exc, UserError):
                text = str(exc)
            else:
                from app.core import logs

                logs.record(exc, f"undo command «{self.text()}»")
                text = logs.unexpected_text(exc, "Непредвиденная ошибка.")
            QtWidgets.QMessageBox.warning(None, "Объектив", f"Не удалось выполнить «{self.text()}»: данные "
                                          f"изменились с тех пор.\n\n{text}")

    def _announce(self) -> None:
        if self.ctx is None:
            return
        for topic in self.topics:
            self.ctx.notify(topic)
