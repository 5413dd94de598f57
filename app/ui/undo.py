"""The undo stack's one command: a core ``Edit`` (app.core.edits) on Правка → Отменить / Повторить.

``push(ctx, edit)`` performs the edit on the open school file (a UserError reaches the caller and
nothing is pushed), then pushes a command whose undo / redo call the edit's ``revert`` / ``apply``
and announce its topics. A command whose edit fails later (the data changed since) leaves the
stack with a message.
"""
from __future__ import annotations

import weakref
from typing import Any

from app.core.edits import Edit
from app.core.errors import UserError

from .qt import QtGui, QtWidgets

_MERGE_ID = 7301          # Qt merges only commands with the same id; the edits decide the rest


class EditCommand(QtGui.QUndoCommand):
    """A performed core edit on the undo stack.

    The command holds its context weakly: the context owns the undo stack and the stack owns the
    commands, so a strong reference back would make a cycle that the garbage collector may tear
    down in the wrong order (a crash in QUndoStack::clear() at exit).
    """

    def __init__(self, ctx, edit: Edit):
        super().__init__(edit.describe())
        self._ctx, self.edit = weakref.ref(ctx), edit
        self._first = True

    @property
    def ctx(self):
        return self._ctx()

    def id(self) -> int:  # noqa: A003 - Qt API
        return _MERGE_ID if self.edit.merge_key is not None else -1

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        return isinstance(other, EditCommand) and self.edit.merge(other.edit)

    def redo(self) -> None:
        if self._first:            # the edit itself already ran in push()
            self._first = False
        else:
            self._run(self.edit.apply)
        self._announce()

    def undo(self) -> None:
        self._run(self.edit.revert)
        self._announce()

    def _run(self, fn) -> None:
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
        for topic in self.edit.topics:
            self.ctx.notify(topic)


def push(ctx, edit: Edit) -> Any:
    """Perform `edit` on the open school file and put it on the undo stack; returns what it returned."""
    result = edit.perform(ctx.db)
    if edit.changed:
        ctx.undo_stack.push(EditCommand(ctx, edit))
    return result
