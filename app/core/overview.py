"""Обзор: the school at a glance — counts, progress of the plan, overdue and upcoming measures."""
from __future__ import annotations

import datetime as _dt

from . import plan_status, schoolyear
from .store import current_plan_id, rows, school_row

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


def _plan_progress(db, plan_id: int | None, today: _dt.date) -> tuple[dict, list[dict]]:
    """The plan's counts by the one rule (plan_status) and its items, as of today."""
    found = plan_status.plan_status(db, plan_id, today=today) if plan_id is not None else None
    if found is None or found["plan_id"] is None:
        return {"id": None, "title": "", **plan_status.count_states(()), "scope": ""}, []
    return {"id": plan_id, "title": found["title"], **found["counts"],
            "scope": plan_status.scope_text(found["scope"])}, found["items"]


def _row(item: dict, due: str) -> dict:
    keys = ("id", "measure", "deadline_text", "deadline_start", "deadline_end", "responsible", "status")
    return {**{k: item[k] for k in keys}, "due": due, "section": item["section_title"],
            "section_no": item["section_position"], "item_no": item["position"]}


def _deadline_lists(items: list[dict], today: _dt.date, limit: int) -> tuple[list[dict], list[dict]]:
    """Open items past their deadline (oldest first, with days late) and open items due within
    30 days; «past» is plan_status.is_overdue, so the list and the count always agree."""
    soon = (today + _dt.timedelta(days=30)).isoformat()
    late, upcoming = [], []
    for item in items:
        if item["status"] in plan_status.CLOSED or not item["deadline_end"]:
            continue
        due = item["deadline_end"]
        if plan_status.is_overdue(item, today):
            row = _row(item, due)
            row["days_late"] = (today - _dt.date.fromisoformat(due[:10])).days
            late.append(row)
        elif (item["deadline_start"] or due) <= soon:
            upcoming.append(_row(item, due))
    order = lambda r: (r["due"], r["section_no"], r["item_no"])  # noqa: E731
    return sorted(late, key=order)[:limit], sorted(upcoming, key=order)[:limit]


def school_overview(db, *, today: str | None = None, limit: int = 50) -> dict:
    """Everything the «Обзор» page shows, computed by SQL over the open school file.

    Keys: school, year {id, label}, counts, plan {id, title, total, done, in_progress, planned,
    cancelled, overdue (open items past their deadline), overdue_in_progress, overdue_planned, scope
    («по всему плану на …»)} — plan_status's counts, the same as on «План» and in the report;
    overdue [items past their deadline, oldest first, with days late],
    upcoming [open items due within 30 days], procedures [latest five with n].
    """
    day = _dt.date.fromisoformat(today) if today else _dt.date.today()
    year_id = schoolyear.current_year_id(db, today=day)
    year = db.execute("SELECT label FROM academic_year WHERE id = ?", [year_id]).fetchone() if year_id else None
    plan_id = current_plan_id(db)
    from .settings import is_demo

    counts = _counts(db, year_id)
    plan, items = _plan_progress(db, plan_id, day)
    overdue, upcoming = _deadline_lists(items, day, limit)
    return {
        "school": school_row(db),
        "demo": is_demo(db),
        # nothing imported or planned yet: the page says what to bring instead of empty tables
        "empty": not plan_id and not any(counts.get(k) for k in ("students", "results", "marks", "procedures")),
        "year": {"id": year_id, "label": year[0] if year else ""},
        "counts": counts,
        "plan": plan,
        "overdue": overdue,
        "upcoming": upcoming,
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
