"""The import journal and its undo: ``list_batches`` and ``undo_import`` over the change log."""
from __future__ import annotations

import json
import sqlite3
from typing import Callable

from app.core.errors import UserError, check_cancel
from app.core.store import rows

from .kinds import KIND_LABELS


def list_batches(db) -> list[dict]:
    """Every import, newest first, with a Russian kind label and whether it can still be undone."""
    found = rows(db, "SELECT id, file_name, sha256, kind, created_at, rows_added, rows_changed, status, details "
                     "FROM import_batch ORDER BY id DESC")
    for b in found:
        b["kind_label"] = KIND_LABELS.get(b["kind"], b["kind"])
        b["details"] = json.loads(b["details"] or "{}")
        b["can_undo"] = b["status"] == "applied"
    return found


# Rows that point at a row of the key table; an inserted row still pointed at is kept on undo.
_REFERENCES = {
    "academic_year": ("period", "year_id", "class_group", "year_id", "enrolment", "year_id",
                      "procedure", "year_id"),
    "period": ("journal_mark", "period_id"),
    "class_group": ("enrolment", "class_id", "result", "class_id"),
    "student": ("enrolment", "student_id", "journal_mark", "student_id", "result", "student_id"),
    "subject": ("journal_mark", "subject_id", "procedure", "subject_id", "scale", "subject_id"),
    "procedure": ("task", "procedure_id", "result", "procedure_id", "observer", "procedure_id",
                  "reference_result", "procedure_id"),
    "task": ("task_score", "task_id", "reference_task", "task_id"),
    "result": ("recheck", "result_id"),
    "scale": ("procedure", "scale_id"),
}


def _referenced(db, table: str, row_id: int) -> bool:
    refs = _REFERENCES.get(table, ())
    for child, col in zip(refs[::2], refs[1::2]):
        if db.execute(f"SELECT 1 FROM {child} WHERE {col} = ? LIMIT 1", [row_id]).fetchone():
            return True
    return False


def _later_conflict(db, batch_id: int) -> dict | None:
    """The first later applied import that changed a row this one wrote — or a child row written
    with a parent this one inserted (task scores of a new result are not logged one by one, so a
    later update of one of them is found through its result)."""
    mine = {(t, r) for t, r in db.execute(
        "SELECT table_name, row_id FROM import_change WHERE batch_id = ?", [batch_id])}
    inserted = {(t, r) for t, r in db.execute(
        "SELECT table_name, row_id FROM import_change WHERE batch_id = ? AND action = 'insert'", [batch_id])}
    children = {child: (parent, column) for parent, pairs in _UNLOGGED_CHILDREN.items()
                for child, column in pairs}
    later = db.execute("SELECT c.batch_id, c.table_name, c.row_id FROM import_change c JOIN import_batch b "
                       "ON b.id = c.batch_id WHERE b.status = 'applied' AND b.id > ? ORDER BY c.batch_id",
                       [batch_id])
    for other, table, row_id in later.fetchall():
        hit = (table, row_id) in mine
        if not hit and table in children:
            parent, column = children[table]
            owner = db.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", [row_id]).fetchone()
            hit = owner is not None and (parent, owner[0]) in inserted
        if hit:
            return rows(db, "SELECT id, file_name FROM import_batch WHERE id = ?", [other])[0]
    return None


# Children an importer writes in bulk together with a new parent row (see writer.write_results): the
# change log holds only the parent; the children leave with it.
_UNLOGGED_CHILDREN = {"result": (("task_score", "result_id"),)}


def undo_import(db, batch_id: int, *, cancel: Callable[[], bool] | None = None) -> str:
    """Put back every row the import changed and remove the rows it added; returns a Russian summary.

    Rows the import added that other data now use (a pupil who has since got journal marks from
    another file) are kept. Refused when a later import changed the same rows: undo that one first.
    """
    found = rows(db, "SELECT * FROM import_batch WHERE id = ?", [batch_id])
    if not found:
        raise UserError(f"Импорт № {batch_id} не найден в журнале импорта.")
    batch = found[0]
    if batch["status"] != "applied":
        raise UserError(f"Импорт № {batch_id} («{batch['file_name']}») уже отменён.")
    conflict = _later_conflict(db, batch_id)
    if conflict:
        raise UserError(f"Импорт № {batch_id} («{batch['file_name']}») нельзя отменить: более поздний импорт "
                        f"№ {conflict['id']} («{conflict['file_name']}») изменил те же записи. "
                        "Сначала отмените его.")
    changes = db.execute("SELECT table_name, row_id, action, old_values FROM import_change "
                         "WHERE batch_id = ? ORDER BY id DESC", [batch_id]).fetchall()
    removed = restored = kept = separated = 0
    with db.atomic():
        for n, (table, row_id, action, old) in enumerate(changes):
            if n % 2000 == 0:
                check_cancel(cancel)
            if action == "delete":              # a row the import deleted (a merged record): back in
                row = json.loads(old)
                try:
                    db.execute(f"INSERT INTO {table} (rowid, {', '.join(row)}) VALUES "
                               f"(?, {', '.join('?' * len(row))})", [row_id, *row.values()])
                except sqlite3.IntegrityError:
                    raise UserError(
                        f"Импорт № {batch_id} («{batch['file_name']}») нельзя отменить: он объединил записи "
                        "учащихся, и с тех пор их место заняли другие записи (например, добавленные "
                        "вручную). База не изменена.") from None
                separated += table == "student"
                restored += 1
            elif action == "update":
                values = json.loads(old or "{}")
                if values:
                    db.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in values)} WHERE rowid = ?",
                               [*values.values(), row_id])
                restored += 1
            elif _referenced(db, table, row_id):
                kept += 1
            else:
                # rows written with their parent and not logged one by one go with it (ON DELETE
                # CASCADE): counted here, so the summary matches the «добавлено» of the import
                for child, column in _UNLOGGED_CHILDREN.get(table, ()):
                    removed += db.execute(f"SELECT count(*) FROM {child} WHERE {column} = ?",
                                          [row_id]).fetchone()[0]
                db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
                removed += 1
        db.execute("UPDATE import_batch SET status = 'undone' WHERE id = ?", [batch_id])
    text = (f"Импорт № {batch_id} («{batch['file_name']}») отменён: удалено записей {removed}, "
            f"восстановлено прежних значений {restored}.")
    if separated:
        text += f" Снова разделены объединённые записи учащихся: {separated}."
    if kept:
        text += f" Оставлено записей, которыми пользуются другие данные: {kept}."
    return text
