"""Undoable edits of the plan (Правка → Отменить / Повторить, Ctrl+Z / Ctrl+Y).

Each edit runs once through a core function of app.core.plan / plan_exec (a UserError reaches
the user before anything is pushed, and the change is on disk at once); the command pushed onto
``ctx.undo_stack`` afterwards replays it on redo and reverses it on undo with what the core
returned: old values, an old place, or a snapshot of deleted rows restored with the same ids.
Consecutive edits of the same fields of one item (typing) merge into one undo step.
"""
from __future__ import annotations

from typing import Any, Callable

from app.core import plan as core
from app.core import plan_exec as execs

from .undo import DbCommand

TOPIC = "plan"
_EDIT_ID = 7301


class PlanCommand(DbCommand):
    """An edit of the plan: announced under the plan's topic."""

    def __init__(self, ctx, text: str, redo_fn: Callable, undo_fn: Callable):
        super().__init__(ctx, text, (TOPIC,), redo_fn, undo_fn)


class EditItemCommand(PlanCommand):
    """A change of item fields; the next change of the same fields of the same item merges in."""

    def __init__(self, ctx, text: str, item_id: int, old: dict, new: dict):
        self.item_id, self.old, self.new = item_id, dict(old), dict(new)
        super().__init__(ctx, text, lambda db: core.update_item(db, self.item_id, **self.new),
                         lambda db: core.update_item(db, self.item_id, **self.old))

    def id(self) -> int:  # noqa: A003 - Qt API
        return _EDIT_ID

    def mergeWith(self, other) -> bool:  # noqa: N802 - Qt API
        if not isinstance(other, EditItemCommand) or other.item_id != self.item_id:
            return False
        if set(other.new) != set(self.new) or set(self.new) & {"status", "done_date"}:
            return False
        self.new = other.new
        return True


def _push(ctx, command: PlanCommand) -> None:
    ctx.undo_stack.push(command)


def _created(ctx, text: str, new_id: int, delete: Callable[[Any, int], dict]) -> int:
    """Push a command for a row just created: undo deletes it (keeping a snapshot), redo restores."""
    state: dict = {}

    def undo(db):
        state["snap"] = delete(db, new_id)

    _push(ctx, PlanCommand(ctx, text, lambda db: core.restore(db, state["snap"]), undo))
    return new_id


def _deleted(ctx, text: str, snap: dict, delete: Callable[[Any], dict]) -> dict:
    state = {"snap": snap}

    def redo(db):
        state["snap"] = delete(db)

    _push(ctx, PlanCommand(ctx, text, redo, lambda db: core.restore(db, state["snap"])))
    return snap


# ---------------------------------------------------------------- plans

def create_plan(ctx, template_key: str | None, header: dict) -> int:
    plan_id = core.create_from_template(ctx.db, template_key, header)
    return _created(ctx, "Создание плана", plan_id, core.delete_plan)


def delete_plan(ctx, plan_id: int) -> None:
    snap = core.delete_plan(ctx.db, plan_id)
    _deleted(ctx, "Удаление плана", snap, lambda db: core.delete_plan(db, plan_id))


def update_plan(ctx, plan_id: int, **fields) -> bool:
    old = core.update_plan(ctx.db, plan_id, **fields)
    if not old:
        return False
    new = {k: core.get_plan(ctx.db, plan_id)[k] for k in old}
    _push(ctx, PlanCommand(ctx, "Изменение заголовка плана",
                           lambda db: core.update_plan(db, plan_id, **new),
                           lambda db: core.update_plan(db, plan_id, **old)))
    return True


# ---------------------------------------------------------------- sections

def add_section(ctx, plan_id: int, title: str, index: int | None = None) -> int:
    section_id = core.add_section(ctx.db, plan_id, title, index)
    return _created(ctx, "Новый раздел", section_id, core.delete_section)


def rename_section(ctx, section_id: int, title: str) -> bool:
    old = core.update_section(ctx.db, section_id, title)
    if not old:
        return False
    _push(ctx, PlanCommand(ctx, "Название раздела", lambda db: core.update_section(db, section_id, title),
                           lambda db: core.update_section(db, section_id, old["title"])))
    return True


def delete_section(ctx, section_id: int) -> None:
    snap = core.delete_section(ctx.db, section_id)
    _deleted(ctx, "Удаление раздела", snap, lambda db: core.delete_section(db, section_id))


def move_section(ctx, section_id: int, index: int) -> bool:
    old = core.move_section(ctx.db, section_id, index)
    new = core.section_index(ctx.db, section_id)[1]
    if old == new:
        return False
    _push(ctx, PlanCommand(ctx, "Перемещение раздела", lambda db: core.move_section(db, section_id, new),
                           lambda db: core.move_section(db, section_id, old)))
    return True


# ---------------------------------------------------------------- items

def add_item(ctx, section_id: int, fields: dict | None = None, index: int | None = None) -> int:
    item_id = core.add_item(ctx.db, section_id, fields or {}, index)
    return _created(ctx, "Новое мероприятие", item_id, core.delete_item)


def update_item(ctx, item_id: int, text: str = "Изменение мероприятия", **fields) -> bool:
    old = core.update_item(ctx.db, item_id, **fields)
    if not old:
        return False
    row = core.get_item(ctx.db, item_id)
    _push(ctx, EditItemCommand(ctx, text, item_id, old, {k: row[k] for k in old}))
    return True


def delete_item(ctx, item_id: int) -> None:
    snap = core.delete_item(ctx.db, item_id)
    _deleted(ctx, "Удаление мероприятия", snap, lambda db: core.delete_item(db, item_id))


def move_item(ctx, item_id: int, section_id: int, index: int) -> bool:
    old = core.move_item(ctx.db, item_id, section_id, index)
    new = core.item_place(ctx.db, item_id)
    if tuple(old) == tuple(new):
        return False
    _push(ctx, PlanCommand(ctx, "Перемещение мероприятия", lambda db: core.move_item(db, item_id, *new),
                           lambda db: core.move_item(db, item_id, *old)))
    return True


# ---------------------------------------------------------------- execution and evidence

def mark_done(ctx, item_id: int, date: str, note: str = "") -> int:
    token = execs.mark_done(ctx.db, item_id, date, note)
    state = {"token": token}

    def redo(db):
        state["token"] = execs.mark_done(db, item_id, date, note, execution_id=token["execution_id"])

    _push(ctx, PlanCommand(ctx, "Отметка о выполнении", redo, lambda db: execs.unmark_done(db, state["token"])))
    return token["execution_id"]


def add_execution(ctx, item_id: int, date: str, note: str = "") -> int:
    execution_id = execs.add_execution(ctx.db, item_id, date, note)
    state: dict = {}

    def undo(db):
        state["snap"] = execs.delete_execution(db, execution_id)

    _push(ctx, PlanCommand(ctx, "Отметка об исполнении",
                           lambda db: execs.restore_execution(db, state["snap"]), undo))
    return execution_id


def update_execution(ctx, execution_id: int, **fields) -> bool:
    old = execs.update_execution(ctx.db, execution_id, **fields)
    if not old:
        return False
    new = {k: fields[k] for k in old}
    _push(ctx, PlanCommand(ctx, "Изменение отметки об исполнении",
                           lambda db: execs.update_execution(db, execution_id, **new),
                           lambda db: execs.update_execution(db, execution_id, **old)))
    return True


def delete_execution(ctx, execution_id: int) -> None:
    state = {"snap": execs.delete_execution(ctx.db, execution_id)}

    def redo(db):
        state["snap"] = execs.delete_execution(db, execution_id)

    _push(ctx, PlanCommand(ctx, "Удаление отметки об исполнении", redo,
                           lambda db: execs.restore_execution(db, state["snap"])))


def add_evidence(ctx, item_id: int, path, execution_id: int | None = None) -> int:
    evidence_id = execs.add_evidence(ctx.db, item_id, path, execution_id=execution_id)
    return _created(ctx, "Подтверждающий документ", evidence_id, execs.delete_evidence)


def delete_evidence(ctx, evidence_id: int) -> None:
    snap = execs.delete_evidence(ctx.db, evidence_id)
    _deleted(ctx, "Удаление подтверждающего документа", snap,
             lambda db: execs.delete_evidence(db, evidence_id))
