"""Undoable edits of the roster, journal marks, procedures and results (Правка → Отменить / Повторить).

An edit runs once through a core function (so a UserError reaches the user before anything is
pushed); the command pushed afterwards only re-applies states on undo / redo. States are either
plain values (a mark) or row snapshots taken by the core (``roster.dump_rows`` and friends), put
back with their original ids so later commands on the stack still find their rows.
"""
from __future__ import annotations

from typing import Any, Callable

from app.core import marks as marks_core
from app.core import procedures as proc_core
from app.core import roster as roster_core
from app.core import scales as scales_core

from .undo import DbCommand


def perform(ctx, text: str, topics: tuple[str, ...] | str, do: Callable[[Any], Any],
            undo: Callable[[Any], Any], redo: Callable[[Any], Any] | None = None) -> Any:
    """Run `do(db)` now (UserError propagates, nothing pushed); then push an undoable command."""
    topics = (topics,) if isinstance(topics, str) else tuple(topics)
    result = do(ctx.db)
    ctx.undo_stack.push(DbCommand(ctx, text, topics, redo or do, undo))
    return result


def perform_snapshot(ctx, text: str, topics, snapshot: Callable[[Any], Any], apply: Callable[[Any, Any], None],
                     do: Callable[[Any], Any]) -> Any:
    """Take `snapshot(db)`, run `do(db)`, snapshot again; undo / redo apply the two states."""
    topics = (topics,) if isinstance(topics, str) else tuple(topics)
    before = snapshot(ctx.db)
    result = do(ctx.db)
    after = snapshot(ctx.db)
    ctx.undo_stack.push(DbCommand(ctx, text, topics, lambda db: apply(db, after), lambda db: apply(db, before)))
    return result


# -- journal marks ----------------------------------------------------------------------------

def set_mark(ctx, student_id: int, subject_id: int, period_id: int, value) -> int | None:
    """One journal cell; returns the new mark. UserError (Russian) for anything but 2..5 or empty."""
    new = marks_core.parse_mark(value)
    old = marks_core.get_mark(ctx.db, student_id, subject_id, period_id)
    if new == old:
        return new

    def write(mark):
        return lambda db: marks_core.set_mark(db, student_id, subject_id, period_id, mark)

    text = f"отметку «{new}»" if new is not None else "удаление отметки"
    perform(ctx, text, "marks", write(new), write(old))
    return new


# -- students and roster ----------------------------------------------------------------------

def student_change(ctx, text: str, student_id: int | None, do: Callable[[Any], Any]) -> Any:
    """Any change of one student (create, edit, move, medal, delete) as a snapshot pair.

    `do(db)` returns the student id for a new student (student_id None).
    """
    before = roster_core.snapshot_student(ctx.db, student_id) if student_id else None
    result = do(ctx.db)
    sid = student_id or result
    exists = ctx.db.execute("SELECT 1 FROM student WHERE id = ?", [sid]).fetchone()
    after = roster_core.snapshot_student(ctx.db, sid) if exists else None
    ctx.undo_stack.push(DbCommand(
        ctx, text, ("roster",),
        lambda db: roster_core.apply_student_state(db, sid, after),
        lambda db: roster_core.apply_student_state(db, sid, before)))
    return result


def _rows_state(table: str, where: str, params) -> tuple[Callable, Callable]:
    """snapshot / apply for a set of rows of one table chosen by `where`."""
    def snapshot(db):
        return roster_core.dump_rows(db, table, where, params)

    def apply(db, state):
        with db.atomic():
            db.execute(f"DELETE FROM {table} WHERE {where}", params)
            roster_core.load_rows(db, [state])
    return snapshot, apply


def staff_change(ctx, text: str, staff_id: int | None, do: Callable[[Any], Any]) -> Any:
    """Create (staff_id None), edit or delete a staff member, undoably."""
    if staff_id is None:
        new_id = do(ctx.db)
        row = roster_core.dump_rows(ctx.db, "staff", "id = ?", [new_id])
        ctx.undo_stack.push(DbCommand(ctx, text, ("roster", "plan"), lambda db: roster_core.load_rows(db, [row]),
                                      lambda db: roster_core.drop_rows(db, [row])))
        return new_id
    snapshot, apply = _rows_state("staff", "id = ?", [staff_id])
    return perform_snapshot(ctx, text, ("roster", "plan"), snapshot, apply, do)


def class_change(ctx, text: str, class_id: int | None, do: Callable[[Any], Any]) -> Any:
    """Create (class_id None), rename or delete a class, undoably."""
    if class_id is None:
        new_id = do(ctx.db)
        row = roster_core.dump_rows(ctx.db, "class_group", "id = ?", [new_id])
        ctx.undo_stack.push(DbCommand(ctx, text, ("roster",), lambda db: roster_core.load_rows(db, [row]),
                                      lambda db: roster_core.drop_rows(db, [row])))
        return new_id
    snapshot, apply = _rows_state("class_group", "id = ?", [class_id])
    return perform_snapshot(ctx, text, ("roster",), snapshot, apply, do)


def create_year(ctx, label: str, period_kind: str) -> int:
    year_id = roster_core.create_year(ctx.db, label, period_kind=period_kind)
    snap = roster_core.snapshot_year(ctx.db, year_id)
    ctx.undo_stack.push(DbCommand(ctx, f"создание учебного года {label}", ("roster", "marks"),
                                  lambda db: roster_core.load_rows(db, snap),
                                  lambda db: roster_core.drop_rows(db, snap)))
    return year_id


def promote_year(ctx, year_id: int) -> dict:
    """Promote a whole year; undo removes exactly what the promotion created."""
    summary = roster_core.promote_year(ctx.db, year_id)
    new_id = summary["year_id"]
    if summary["created"]:
        snap = roster_core.snapshot_year(ctx.db, new_id)
    else:
        snap = roster_core.snapshot_year(ctx.db, new_id)[2:]     # the year pre-existed: classes, enrolments
    ctx.undo_stack.push(DbCommand(ctx, f"перевод классов в {summary['label']} учебный год", ("roster", "marks", "procedures"),
                                  lambda db: roster_core.load_rows(db, snap),
                                  lambda db: roster_core.drop_rows(db, snap)))
    return summary


# -- procedures and results -------------------------------------------------------------------

def _procedure_state(procedure_id: int):
    def snapshot(db):
        exists = db.execute("SELECT 1 FROM procedure WHERE id = ?", [procedure_id]).fetchone()
        return proc_core.snapshot_procedure(db, procedure_id) if exists else None

    def apply(db, state):
        with db.atomic():
            db.execute("DELETE FROM procedure WHERE id = ?", [procedure_id])
            if state is not None:
                roster_core.load_rows(db, state)
    return snapshot, apply


def procedure_change(ctx, text: str, procedure_id: int, do: Callable[[Any], Any],
                     topics=("procedures", "results")) -> Any:
    """Any change inside one procedure (fields, tasks, observers, rechecks, reference, deletion)."""
    snapshot, apply = _procedure_state(procedure_id)
    return perform_snapshot(ctx, text, topics, snapshot, apply, do)


def create_procedure(ctx, **fields) -> int:
    pid = proc_core.create_procedure(ctx.db, **fields)
    snapshot, apply = _procedure_state(pid)
    after = snapshot(ctx.db)
    ctx.undo_stack.push(DbCommand(ctx, "создание процедуры", ("procedures", "results"),
                                  lambda db: apply(db, after), lambda db: apply(db, None)))
    return pid


def result_change(ctx, text: str, procedure_id: int, student_id: int, do: Callable[[Any], Any]) -> Any:
    """One student's result (a task score, the primary score, absent, variant …)."""
    def snapshot(db):
        return proc_core.result_state(db, procedure_id, student_id)

    def apply(db, state):
        proc_core.restore_result_state(db, procedure_id, student_id, state)
    return perform_snapshot(ctx, text, ("results",), snapshot, apply, do)


def scale_change(ctx, text: str, scale_id: int | None, do: Callable[[Any], Any]) -> Any:
    """Create (scale_id None), edit or delete a scale; undo puts the scale and the marks back."""
    if scale_id is None:
        new_id = do(ctx.db)
        row = roster_core.dump_rows(ctx.db, "scale", "id = ?", [new_id])
        ctx.undo_stack.push(DbCommand(ctx, text, ("procedures",), lambda db: roster_core.load_rows(db, [row]),
                                      lambda db: roster_core.drop_rows(db, [row])))
        return new_id

    def snapshot(db):
        return [roster_core.dump_rows(db, "scale", "id = ?", [scale_id]),
                roster_core.dump_rows(db, "result", "procedure_id IN (SELECT id FROM procedure WHERE scale_id = ?)",
                                      [scale_id])]

    def apply(db, state):
        with db.atomic():
            if not state[0]["rows"]:
                db.execute("DELETE FROM scale WHERE id = ?", [scale_id])
            roster_core.load_rows(db, state)
    return perform_snapshot(ctx, text, ("procedures", "results"), snapshot, apply, do)


def ensure_scales(db) -> int:
    """Built-in scales as rows (idempotent; not an undoable user edit)."""
    return scales_core.ensure_builtin_scales(db)
