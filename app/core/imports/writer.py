"""Writing procedures, tasks, results and task scores: the commit side of the ВПР and ГИА importers.

Everything goes through the import's change log (``ChangeLog``) so the import can be undone; new
pupils, enrolments, results and task scores are written in bulk.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import ChangeLog
from .base import Preview
from .students import Resolver

if TYPE_CHECKING:
    from .forms import Block, ResultRow, TaskSpec


def commit(db, preview: Preview, batch_id: int, *, cancel=None) -> tuple[int, int]:
    log = ChangeLog(db, batch_id)
    res = Resolver(db, log)
    for block in preview.payload or []:
        write_block(db, log, res, block, batch_id, cancel)
    res.finish()
    log.flush()
    return log.added, log.changed


def write_block(db, log: ChangeLog, res: Resolver, block: Block, batch_id: int, cancel) -> None:
    pid = ensure_procedure(db, log, res, block)
    task_ids = ensure_tasks(db, log, pid, block.tasks)
    write_results(db, log, res, pid, block, task_ids, batch_id, cancel)


def ensure_procedure(db, log: ChangeLog, res: Resolver, block: Block) -> int:
    from app.core.domain import PROCEDURE_LABELS

    subject_id, year_id = res.subject_id(block.subject), res.year_id(block.year)
    found = db.execute("SELECT id, date, max_score, scale_id FROM procedure WHERE kind = ? AND subject_id = ? "
                       "AND grade = ? AND year_id = ?", [block.kind, subject_id, block.grade, year_id]).fetchone()
    if found is None:
        return log.insert("procedure", {
            "kind": block.kind, "subject_id": subject_id, "grade": block.grade, "year_id": year_id,
            "date": block.date, "max_score": block.max_score, "scale_id": block.scale_id,
            "title": f"{PROCEDURE_LABELS[block.kind]}. {block.subject}, {block.grade} класс"})
    pid, date, max_score, scale_id = found
    new = {"date": block.date or date, "max_score": block.max_score or max_score,
           "scale_id": scale_id or block.scale_id}
    top = max((r.primary or 0 for r in block.results), default=0)
    if new["max_score"] is not None and top > new["max_score"]:
        new["max_score"] = top
    log.update("procedure", pid, new, {"date": date, "max_score": max_score, "scale_id": scale_id})
    return pid


def ensure_tasks(db, log: ChangeLog, pid: int, tasks: list[TaskSpec]) -> list[int]:
    have = {n: (i, p, m, lv) for i, n, p, m, lv in db.execute(
        "SELECT id, number, position, max_score, level FROM task WHERE procedure_id = ?", [pid])}
    ids = []
    for t in tasks:
        if t.number in have:
            tid, pos, mx, lv = have[t.number]
            log.update("task", tid, {"max_score": max(t.max_score, mx) if t.max_score else mx,
                                     "level": t.level or lv}, {"max_score": mx, "level": lv})
            ids.append(tid)
        else:
            ids.append(log.insert("task", {"procedure_id": pid, "number": t.number, "position": t.position,
                                           "max_score": t.max_score or 1, "level": t.level}))
    return ids


_RESULT_COLS = ("class_id", "variant", "primary_score", "mark", "test_score", "journal_mark", "absent")


def write_results(db, log: ChangeLog, res: Resolver, pid: int, block: Block, task_ids: list[int],
                  batch_id: int, cancel) -> None:
    from app.core.errors import check_cancel

    old = {r[0]: dict(zip(("id", "batch_id") + _RESULT_COLS, r[1:])) for r in db.execute(
        f"SELECT student_id, id, batch_id, {', '.join(_RESULT_COLS)} FROM result WHERE procedure_id = ?", [pid])}
    old_scores = {(rid, tid): (rowid, s) for rowid, rid, tid, s in db.execute(
        "SELECT ts.rowid, ts.result_id, ts.task_id, ts.score FROM task_score ts JOIN result r "
        "ON r.id = ts.result_id WHERE r.procedure_id = ?", [pid])}
    sids = res.student_ids([(row.match, block.year, row.class_label) for row in block.results])
    fresh: dict[int, tuple[dict, ResultRow]] = {}            # student → values of a new result
    for n, (row, sid) in enumerate(zip(block.results, sids)):
        if n % 200 == 0:
            check_cancel(cancel)
        values = {"class_id": res.class_id(block.year, row.class_label) if row.class_label else None,
                  "variant": row.variant, "primary_score": row.primary, "mark": row.mark,
                  "test_score": row.test_score, "journal_mark": row.journal_mark, "absent": int(row.absent)}
        before = old.get(sid)
        if before is None:
            fresh[sid] = (values, row)                           # two rows of one pupil: the last wins
            continue
        rid = before["id"]
        if any(before[k] != v for k, v in values.items()):
            log.update("result", rid, {**values, "batch_id": batch_id}, before)
        for tid, s in zip(task_ids, row.scores):
            prev = old_scores.get((rid, tid))
            if prev is None:
                log.insert("task_score", {"result_id": rid, "task_id": tid, "score": s})
            else:
                log.update("task_score", prev[0], {"score": s}, {"score": prev[1]})
    ids = log.insert_many("result", ["procedure_id", "student_id", *_RESULT_COLS, "batch_id"], [
        (pid, sid, *(values[c] for c in _RESULT_COLS), batch_id) for sid, (values, _row) in fresh.items()])
    fresh_scores = [(rid, tid, s) for rid, (_values, row) in zip(ids, fresh.values())
                    for tid, s in zip(task_ids, row.scores)]
    if fresh_scores:
        db.conn.executemany("INSERT INTO task_score (result_id, task_id, score) VALUES (?, ?, ?)", fresh_scores)
        log.added += len(fresh_scores)

