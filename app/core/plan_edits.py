"""Undoable edits of the plan, its execution and evidence (see ``app.core.edits``).

Each builder returns an ``Edit``; ``perform`` runs the core function of ``plan`` / ``plan_exec``
once, and undo / redo use what it returned: old values, an old place, or a snapshot of deleted rows
restored with the same ids. Consecutive edits of the same fields of one item (typing) merge into
one undo step, except a change of status or date of completion.
"""
from __future__ import annotations

from app.core import plan as core
from app.core import plan_exec as execs

from .edits import CallEdit, CreateEdit, DeleteEdit, Edit, FieldsEdit

TOPIC = "plan"


def _created(text: str, create, delete) -> Edit:
    """A row just created: undo deletes it (keeping a snapshot), redo restores it."""
    return CreateEdit(text, TOPIC, create, delete, core.restore)


def _deleted(text: str, delete) -> Edit:
    return DeleteEdit(text, TOPIC, delete, core.restore)


def _moved(text: str, move, place, target) -> Edit:
    """``move(db, *place)`` returns the old place as a tuple; nothing to undo when the place stays."""
    state: dict = {}

    def perform(db):
        state["old"] = tuple(move(db, *target))
        state["new"] = tuple(place(db))
        if state["old"] == state["new"]:
            edit.changed = False
            return False
        return True

    edit = CallEdit(text, TOPIC, perform, lambda db: move(db, *state["old"]), lambda db: move(db, *state["new"]))
    return edit


# ---------------------------------------------------------------- plans

def create_plan(template_key: str | None, header: dict) -> Edit:
    return _created("Создание плана", lambda db: core.create_from_template(db, template_key, header), core.delete_plan)


def delete_plan(plan_id: int) -> Edit:
    return _deleted("Удаление плана", lambda db: core.delete_plan(db, plan_id))


def update_plan(plan_id: int, **fields) -> Edit:
    """The plan's header; perform returns False when nothing changed."""
    return FieldsEdit("Изменение заголовка плана", TOPIC, lambda db, **f: core.update_plan(db, plan_id, **f),
                      lambda db: core.get_plan(db, plan_id), fields)


# ---------------------------------------------------------------- sections

def add_section(plan_id: int, title: str, index: int | None = None) -> Edit:
    return _created("Новый раздел", lambda db: core.add_section(db, plan_id, title, index), core.delete_section)


def rename_section(section_id: int, title: str) -> Edit:
    return FieldsEdit("Название раздела", TOPIC, lambda db, **f: core.update_section(db, section_id, f["title"]),
                      lambda db: {"title": title}, {"title": title})


def delete_section(section_id: int) -> Edit:
    return _deleted("Удаление раздела", lambda db: core.delete_section(db, section_id))


def move_section(section_id: int, index: int) -> Edit:
    return _moved("Перемещение раздела", lambda db, i: (core.move_section(db, section_id, i),),
                  lambda db: (core.section_index(db, section_id)[1],), (index,))


# ---------------------------------------------------------------- items

def add_item(section_id: int, fields: dict | None = None, index: int | None = None) -> Edit:
    return _created("Новое мероприятие", lambda db: core.add_item(db, section_id, fields or {}, index),
                    core.delete_item)


def update_item(item_id: int, text: str = "Изменение мероприятия", **fields) -> Edit:
    """Fields of one item; typing in the same fields merges into one step."""
    return FieldsEdit(text, TOPIC, lambda db, **f: core.update_item(db, item_id, **f),
                      lambda db: core.get_item(db, item_id), fields,
                      merge_key=("plan_item", item_id), apart=frozenset({"status", "done_date"}))


def delete_item(item_id: int) -> Edit:
    return _deleted("Удаление мероприятия", lambda db: core.delete_item(db, item_id))


def move_item(item_id: int, section_id: int, index: int) -> Edit:
    return _moved("Перемещение мероприятия", lambda db, s, i: core.move_item(db, item_id, s, i),
                  lambda db: core.item_place(db, item_id), (section_id, index))


# ---------------------------------------------------------------- execution and evidence

def mark_done(item_id: int, date: str, note: str = "") -> Edit:
    """«Выполнено» with a mark of execution; perform returns the execution's id."""
    state: dict = {}

    def perform(db):
        state["token"] = execs.mark_done(db, item_id, date, note)
        return state["token"]["execution_id"]

    def redo(db):
        state["token"] = execs.mark_done(db, item_id, date, note, execution_id=state["token"]["execution_id"])

    return CallEdit("Отметка о выполнении", TOPIC, perform, lambda db: execs.unmark_done(db, state["token"]), redo)


def add_execution(item_id: int, date: str, note: str = "") -> Edit:
    return CreateEdit("Отметка об исполнении", TOPIC, lambda db: execs.add_execution(db, item_id, date, note),
                      execs.delete_execution, execs.restore_execution)


def update_execution(execution_id: int, **fields) -> Edit:
    return FieldsEdit("Изменение отметки об исполнении", TOPIC,
                      lambda db, **f: execs.update_execution(db, execution_id, **f), lambda db: fields, fields)


def delete_execution(execution_id: int) -> Edit:
    return DeleteEdit("Удаление отметки об исполнении", TOPIC, lambda db: execs.delete_execution(db, execution_id),
                      execs.restore_execution)


def add_evidence(item_id: int, path, execution_id: int | None = None) -> Edit:
    return _created("Подтверждающий документ",
                    lambda db: execs.add_evidence(db, item_id, path, execution_id=execution_id), execs.delete_evidence)


def delete_evidence(evidence_id: int) -> Edit:
    return _deleted("Удаление подтверждающего документа", lambda db: execs.delete_evidence(db, evidence_id))
