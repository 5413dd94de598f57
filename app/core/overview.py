"""Обзор: the school at a glance — counts, progress of the plan, overdue and upcoming measures."""
from __future__ import annotations

import datetime as _dt

from .roster import current_year_id
from .store import current_plan_id, rows, school_row

_OPEN = "('planned', 'in_progress')"
_DUE = "coalesce(i.deadline_end, i.deadline_start)"


def _counts(db, year_id: int | None) -> dict:
    c = db.execute("""
        SELECT (SELECT count(*) FROM class_group WHERE year_id = :y),
               (SELECT count(*) FROM enrolment WHERE year_id = :y),
               (SELECT count(*) FROM procedure),
               (SELECT count(*) FROM result WHERE absent = 0),
               (SELECT count(*) FROM journal_mark),
               (SELECT count(*) FROM staff),
               (SELECT count(*) FROM procedure WHERE year_id = :y)""", {"y": year_id}).fetchone()
    keys = ("classes", "students", "procedures", "results", "marks", "staff", "procedures_year")
    return dict(zip(keys, c))


def _plan_progress(db, plan_id: int | None, today: str) -> dict:
    out = {"id": plan_id, "title": "", "total": 0, "done": 0, "in_progress": 0, "planned": 0,
           "cancelled": 0, "overdue": 0, "overdue_in_progress": 0}
    if plan_id is None:
        return out
    out["title"] = db.execute("SELECT title FROM plan WHERE id = ?", [plan_id]).fetchone()[0]
    for status, n in db.execute("SELECT i.status, count(*) FROM plan_item i JOIN plan_section s "
                                "ON s.id = i.section_id WHERE s.plan_id = ? GROUP BY i.status", [plan_id]):
        out[status] = n
        out["total"] += n
    late = dict(db.execute(f"SELECT i.status, count(*) FROM plan_item i JOIN plan_section s ON s.id = i.section_id "
                           f"WHERE s.plan_id = ? AND i.status IN {_OPEN} AND {_DUE} < ? GROUP BY i.status",
                           [plan_id, today]).fetchall())
    out["overdue"] = sum(late.values())
    out["overdue_in_progress"] = late.get("in_progress", 0)
    return out


def _items(db, plan_id: int | None, where: str, params: list, limit: int) -> list[dict]:
    if plan_id is None:
        return []
    return rows(db, f"""
        SELECT i.id, i.measure, i.deadline_text, i.deadline_start, i.deadline_end, {_DUE} AS due,
               i.responsible, i.status, s.title AS section, s.position AS section_no, i.position AS item_no
        FROM plan_item i JOIN plan_section s ON s.id = i.section_id
        WHERE s.plan_id = ? AND i.status IN {_OPEN} AND {where}
        ORDER BY due, s.position, i.position LIMIT ?""", [plan_id, *params, limit])


def school_overview(db, *, today: str | None = None, limit: int = 50) -> dict:
    """Everything the «Обзор» page shows, computed by SQL over the open school file.

    Keys: school, year {id, label}, counts, plan {id, title, total, done, in_progress, planned,
    cancelled, overdue (open items past their deadline), overdue_in_progress}, overdue [items past their deadline, oldest first, with days late],
    upcoming [open items due within 30 days], procedures [latest five with n].
    """
    today = today or _dt.date.today().isoformat()
    year_id = current_year_id(db, today=today)
    year = db.execute("SELECT label FROM academic_year WHERE id = ?", [year_id]).fetchone() if year_id else None
    plan_id = current_plan_id(db)
    soon = (_dt.date.fromisoformat(today) + _dt.timedelta(days=30)).isoformat()
    overdue = _items(db, plan_id, f"{_DUE} < ?", [today], limit)
    for item in overdue:
        item["days_late"] = (_dt.date.fromisoformat(today) - _dt.date.fromisoformat(item["due"][:10])).days
    from .settings import is_demo

    counts = _counts(db, year_id)
    plan = _plan_progress(db, plan_id, today)
    return {
        "school": school_row(db),
        "demo": is_demo(db),
        # nothing imported or planned yet: the page says what to bring instead of empty tables
        "empty": not plan_id and not any(counts.get(k) for k in ("students", "results", "marks", "procedures")),
        "year": {"id": year_id, "label": year[0] if year else ""},
        "counts": counts,
        "plan": plan,
        "overdue": overdue,
        "upcoming": _items(db, plan_id, f"{_DUE} >= ? AND coalesce(i.deadline_start, {_DUE}) <= ?",
                           [today, soon], limit),
        "procedures": rows(db, """
            SELECT p.id, p.kind, p.grade, p.date, s.name AS subject,
                   (SELECT count(*) FROM result r WHERE r.procedure_id = p.id AND r.absent = 0) AS n
            FROM procedure p JOIN subject s ON s.id = p.subject_id
            ORDER BY coalesce(p.date, '') DESC, p.id DESC LIMIT 5"""),
    }


_HAS = {"students": "SELECT 1 FROM student LIMIT 1", "marks": "SELECT 1 FROM journal_mark LIMIT 1",
        "results": "SELECT 1 FROM result LIMIT 1"}


def has_data(db, what: str) -> bool:
    """Whether the school has any pupils / journal marks / results yet (an empty page says what to bring)."""
    return db.execute(_HAS[what]).fetchone() is not None
