"""Edits of the school file that can be undone (Правка → Отменить / Повторить).

One mechanism for every page: an ``Edit`` is built from plain arguments, ``perform(db)`` runs it
the first time (a UserError stops it before anything is written and the edit is dropped), and then
``revert(db)`` takes it back and ``apply(db)`` makes it again, as many times as the user asks.
``describe()`` says in Russian what it did («Отменить удаление класса»), ``topics`` name what
changed so the screens that show it reload, and ``changed`` is False when ``perform`` found nothing
to change (no undo step then). The window keeps the undo stack; the core keeps the rules.

Kinds of edits:

* ``CallEdit`` — a forward and a backward function (a journal mark: the new value and the old);
* ``StateEdit`` — a snapshot taken before and after, put back on undo / redo (a student with all
  his rows, a procedure with its tasks and results, the schedule of a year);
* ``CreateEdit`` — a row just created: undo deletes it keeping a snapshot, redo restores it with
  the same ids so later edits on the stack still find it;
* ``DeleteEdit`` — the mirror of ``CreateEdit``;
* ``FieldsEdit`` — old and new field values; consecutive edits of the same fields of one row
  (typing) merge into one step.

The builders for the roster, journal marks, procedures, scales and the schedule are below; those
of the plan are in ``plan_edits``.
"""
from __future__ import annotations

from typing import Any, Callable

from app.core import marks as marks_core
from app.core import procedures as proc_core
from app.core import roster as roster_core
from app.core import schedule as schedule_core

Fn = Callable[[Any], Any]


def _topics(topics) -> tuple[str, ...]:
    return (topics,) if isinstance(topics, str) else tuple(topics)


# Row states are the dumps of ``roster.dump_rows`` (table + rows with their ids); the helpers below
# put such a state back in place of what is there now. Table and column names come from this module.

def _exists(db, table: str, row_id: int | None) -> bool:
    return row_id is not None and db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]).fetchone() is not None


def _replace_rows(db, table: str, row_id: int, state: list[dict] | None) -> None:
    """Delete row `row_id` of `table` (its children go by cascade) and load `state` (None: leave it gone)."""
    with db.atomic():
        db.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
        if state is not None:
            roster_core.load_rows(db, state)


class Edit:
    """A change that knows how to make itself, take itself back and make itself again."""

    merge_key: object = None        # edits with the same key may merge (see FieldsEdit)

    def __init__(self, text: str, topics):
        self.text, self.topics = text, _topics(topics)
        self.changed = True

    def describe(self) -> str:
        """What the edit does, in Russian, as the undo menu shows it."""
        return self.text

    def perform(self, db) -> Any:
        """The first run: returns what the core function returned."""
        raise NotImplementedError

    def apply(self, db) -> None:
        """Make the edit again after a revert."""
        raise NotImplementedError

    def revert(self, db) -> None:
        """Take the edit back."""
        raise NotImplementedError

    def merge(self, other: "Edit") -> bool:
        """Absorb a later edit into this one (one undo step); False if they stay apart."""
        return False


class CallEdit(Edit):
    """``do`` now and on redo (or ``redo`` when it differs), ``undo`` on undo."""

    def __init__(self, text: str, topics, do: Fn, undo: Fn, redo: Fn | None = None):
        super().__init__(text, topics)
        self._do, self._undo, self._redo = do, undo, redo or do

    def perform(self, db) -> Any:
        return self._do(db)

    def apply(self, db) -> None:
        self._redo(db)

    def revert(self, db) -> None:
        self._undo(db)


class StateEdit(Edit):
    """Run ``do``; undo and redo put back the state ``snapshot`` saw before and after it."""

    def __init__(self, text: str, topics, snapshot: Fn, restore: Callable[[Any, Any], None], do: Fn):
        super().__init__(text, topics)
        self._snapshot, self._restore, self._do = snapshot, restore, do
        self.before = self.after = None

    def perform(self, db) -> Any:
        self.before = self._snapshot(db)
        result = self._do(db)
        self.after = self._snapshot(db)
        return result

    def apply(self, db) -> None:
        self._restore(db, self.after)

    def revert(self, db) -> None:
        self._restore(db, self.before)


class CreateEdit(Edit):
    """``create(db)`` returns a new id; undo ``delete(db, id)`` returns a snapshot that redo restores."""

    def __init__(self, text: str, topics, create: Fn, delete: Callable[[Any, Any], Any],
                 restore: Callable[[Any, Any], None]):
        super().__init__(text, topics)
        self._create, self._delete, self._restore = create, delete, restore
        self.new_id = self.snapshot = None

    def perform(self, db) -> Any:
        self.new_id = self._create(db)
        return self.new_id

    def apply(self, db) -> None:
        self._restore(db, self.snapshot)

    def revert(self, db) -> None:
        self.snapshot = self._delete(db, self.new_id)


class DeleteEdit(Edit):
    """``delete(db)`` returns a snapshot of what went; undo restores it, redo deletes again."""

    def __init__(self, text: str, topics, delete: Fn, restore: Callable[[Any, Any], None]):
        super().__init__(text, topics)
        self._delete, self._restore = delete, restore
        self.snapshot = None

    def perform(self, db) -> Any:
        self.snapshot = self._delete(db)
        return self.snapshot

    def apply(self, db) -> None:
        self.snapshot = self._delete(db)

    def revert(self, db) -> None:
        self._restore(db, self.snapshot)


class FieldsEdit(Edit):
    """``update(db, **fields)`` returns the old values of the fields it changed ({} if none).

    ``current(db)`` reads the row back for the new values. With a ``merge_key``, a later edit of the
    same fields under the same key merges into this one — unless a field of ``apart`` is among them.
    """

    def __init__(self, text: str, topics, update: Callable[..., dict], current: Fn, fields: dict, *,
                 merge_key: object = None, apart: frozenset = frozenset()):
        super().__init__(text, topics)
        self._update, self._current, self.fields = update, current, dict(fields)
        self.merge_key, self._apart = merge_key, apart
        self.old: dict = {}
        self.new: dict = {}

    def perform(self, db) -> bool:
        self.old = dict(self._update(db, **self.fields) or {})
        if not self.old:
            self.changed = False
            return False
        row = self._current(db)
        self.new = {k: row[k] for k in self.old}
        return True

    def apply(self, db) -> None:
        self._update(db, **self.new)

    def revert(self, db) -> None:
        self._update(db, **self.old)

    def merge(self, other: Edit) -> bool:
        if not isinstance(other, FieldsEdit) or self.merge_key is None or other.merge_key != self.merge_key:
            return False
        if set(other.new) != set(self.new) or set(self.new) & self._apart:
            return False
        self.new = other.new
        return True


# -- journal marks ----------------------------------------------------------------------------

def set_mark(student_id: int, subject_id: int, period_id: int, value) -> Edit:
    """One journal cell; perform returns the new mark. UserError for anything but 2..5 or empty."""
    new = marks_core.parse_mark(value)
    state: dict = {}

    def write(mark):
        return lambda db: marks_core.set_mark(db, student_id, subject_id, period_id, mark)

    def do(db):
        state["old"] = marks_core.get_mark(db, student_id, subject_id, period_id)
        if state["old"] == new:
            edit.changed = False
            return new
        write(new)(db)
        return new

    text = f"отметку «{new}»" if new is not None else "удаление отметки"
    edit = CallEdit(text, "marks", do, lambda db: write(state["old"])(db), write(new))
    return edit


# -- students, staff, classes, years ----------------------------------------------------------

def student_change(text: str, student_id: int | None, do: Fn) -> Edit:
    """Any change of one student (create, edit, move, medal, delete) as a pair of states.

    ``do(db)`` returns the new student's id when ``student_id`` is None.
    """
    ids: dict = {"id": student_id}

    def snapshot(db):
        sid = ids["id"]
        return roster_core.snapshot_student(db, sid) if _exists(db, "student", sid) else None

    def run(db):
        result = do(db)
        ids["id"] = student_id or result
        return result

    return StateEdit(text, "roster", snapshot,
                     lambda db, state: roster_core.apply_student_state(db, ids["id"], state), run)


def edit_student(student_id: int, year_id: int, *, full_name: str, sex, class_id: int, medal_degree,
                 old_class_id: int | None) -> Edit:
    """The student form: name and sex, the class (a move when it changed) and the medal, as one step."""
    def do(db):
        with db.atomic():
            roster_core.update_student(db, student_id, full_name=full_name, sex=sex)
            if class_id != old_class_id:
                roster_core.move_student(db, student_id, class_id)
            roster_core.set_medal(db, student_id, year_id, medal_degree)

    return student_change("изменение учащегося", student_id, do)


def _rows_created(text: str, topics, create: Fn, dump: Callable[[Any, int], list[dict]]) -> Edit:
    """A row (or a family of rows) just created by ``create``: undo drops what ``dump`` saw."""
    state: dict = {}

    def perform(db):
        new_id = create(db)
        state["rows"] = dump(db, new_id)
        return new_id

    return CallEdit(text, topics, perform, lambda db: roster_core.drop_rows(db, state["rows"]),
                    lambda db: roster_core.load_rows(db, state["rows"]))


def _one_row(table: str, key: int):
    """snapshot / restore of one row of `table` by id."""
    def snapshot(db):
        return roster_core.dump_rows(db, table, "id = ?", [key])

    def restore(db, state):
        _replace_rows(db, table, key, [state])
    return snapshot, restore


def staff_change(text: str, staff_id: int | None, do: Fn) -> Edit:
    """Create (staff_id None), edit or delete a staff member."""
    if staff_id is None:
        return _rows_created(text, ("roster", "plan"), do,
                             lambda db, new_id: [roster_core.dump_rows(db, "staff", "id = ?", [new_id])])
    return StateEdit(text, ("roster", "plan"), *_one_row("staff", staff_id), do)


def class_change(text: str, class_id: int | None, do: Fn) -> Edit:
    """Create (class_id None), rename or delete a class."""
    if class_id is None:
        return _rows_created(text, "roster", do,
                             lambda db, new_id: [roster_core.dump_rows(db, "class_group", "id = ?", [new_id])])
    return StateEdit(text, "roster", *_one_row("class_group", class_id), do)


def create_year(label: str, period_kind: str) -> Edit:
    """A new school year with its periods."""
    return _rows_created(f"создание учебного года {label}", ("roster", "marks"),
                         lambda db: roster_core.create_year(db, label, period_kind=period_kind),
                         roster_core.snapshot_year)


def promote_year(year_id: int) -> Edit:
    """Promote a whole year; undo removes exactly what the promotion created. perform → summary."""
    state: dict = {}

    def perform(db):
        summary = roster_core.promote_year(db, year_id)
        snap = roster_core.snapshot_year(db, summary["year_id"])
        state["rows"] = snap if summary["created"] else snap[2:]   # a year that existed stays
        edit.text = f"перевод классов в {summary['label']} учебный год"
        return summary

    edit = CallEdit("перевод классов", ("roster", "marks", "procedures"), perform,
                    lambda db: roster_core.drop_rows(db, state["rows"]),
                    lambda db: roster_core.load_rows(db, state["rows"]))
    return edit


# -- procedures, results, scales --------------------------------------------------------------

def _procedure_state(procedure_id: int):
    def snapshot(db):
        return proc_core.snapshot_procedure(db, procedure_id) if _exists(db, "procedure", procedure_id) else None

    def restore(db, state):
        _replace_rows(db, "procedure", procedure_id, state)
    return snapshot, restore


def procedure_change(text: str, procedure_id: int, do: Fn, topics=("procedures", "results")) -> Edit:
    """Any change inside one procedure (fields, tasks, observers, rechecks, reference, deletion)."""
    return StateEdit(text, topics, *_procedure_state(procedure_id), do)


def create_procedure(**fields) -> Edit:
    """A new procedure with its tasks; perform returns its id."""
    state: dict = {}

    def perform(db):
        pid = proc_core.create_procedure(db, **fields)
        state["id"], state["rows"] = pid, proc_core.snapshot_procedure(db, pid)
        return pid

    return CallEdit("создание процедуры", ("procedures", "results"), perform,
                    lambda db: _replace_rows(db, "procedure", state["id"], None),
                    lambda db: _replace_rows(db, "procedure", state["id"], state["rows"]))


def result_change(text: str, procedure_id: int, student_id: int, do: Fn) -> Edit:
    """One student's result (a task score, the primary score, absent, variant …)."""
    return StateEdit(text, "results", lambda db: proc_core.result_state(db, procedure_id, student_id),
                     lambda db, state: proc_core.restore_result_state(db, procedure_id, student_id, state), do)


def scale_change(text: str, scale_id: int | None, do: Fn) -> Edit:
    """Create (scale_id None), edit or delete a scale; undo puts the scale and its marks back."""
    if scale_id is None:
        return _rows_created(text, "procedures", do,
                             lambda db, new_id: [roster_core.dump_rows(db, "scale", "id = ?", [new_id])])
    def snapshot(db):
        return [roster_core.dump_rows(db, "scale", "id = ?", [scale_id]),
                roster_core.dump_rows(db, "result", "procedure_id IN (SELECT id FROM procedure WHERE scale_id = ?)",
                                      [scale_id])]

    def restore(db, state):
        with db.atomic():
            if not state[0]["rows"]:            # the scale was created by the edit undone
                db.execute("DELETE FROM scale WHERE id = ?", [scale_id])
            roster_core.load_rows(db, state)
    return StateEdit(text, ("procedures", "results"), snapshot, restore, do)


# -- the schedule of assessment procedures ----------------------------------------------------

def schedule_change(text: str, year_id: int, do: Fn) -> Edit:
    """Any change of one year's schedule (items, approval, loads, copies)."""
    return StateEdit(text, "schedule", lambda db: schedule_core.snapshot(db, year_id),
                     lambda db, state: schedule_core.restore(db, year_id, state), do)
