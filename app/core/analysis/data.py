"""Load everything the analysis needs from the school DB into plain dataclasses (a handful of queries).

This is the only module of the package that speaks SQL; the formulas work on what it returns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import NamedTuple

from app.core.domain import PROCEDURE_LABELS
from app.core.store import rows, school_row


@dataclass(frozen=True, slots=True)
class Year:
    id: int
    label: str
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class Student:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Procedure:
    id: int
    kind: str
    subject_id: int
    subject: str
    grade: int
    year_id: int
    year: str
    date: str | None
    max_score: int | None
    thresholds: tuple[tuple[int, int], ...]   # (least primary score, mark), ascending; may be empty
    checked_by: str
    observers: bool                           # public observers present (flag or observer rows)
    video: bool
    observer_count: int

    @property
    def label(self) -> str:
        return PROCEDURE_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True, slots=True)
class Result:
    id: int
    procedure_id: int
    student_id: int
    class_label: str
    class_id: int | None
    primary: int | None
    mark: int | None
    test: int | None
    file_journal: int | None                  # «Отметка по журналу» carried by the results file


class JournalMark(NamedTuple):
    end: str
    start: str
    mark: int
    kind: str                                  # period kind: quarter / trimester / half / year
    year_id: int
    label: str


@dataclass(frozen=True, slots=True)
class Recheck:
    result_id: int
    procedure_id: int
    before: int
    after: int
    criteria_changed: int


@dataclass(frozen=True, slots=True)
class Reference:
    procedure_id: int
    level: str                                 # municipality / region / russia
    n: int | None
    shares: tuple[float | None, float | None, float | None, float | None]   # % of 2, 3, 4, 5
    mean_percent: float | None
    mean_test: float | None


@dataclass(frozen=True, slots=True)
class TaskStat:
    """Scores of one task summed over one class (class_label) of one procedure."""

    procedure_id: int
    task_id: int
    number: str
    level: str | None                          # basic / advanced / high
    max_score: int
    class_label: str
    total: int
    count: int
    reference: dict = field(default_factory=dict, hash=False, compare=False)   # level → percent


@dataclass
class AnalysisData:
    school: dict
    years: list[Year]
    students: dict[int, Student]
    procedures: dict[int, Procedure]
    results: list[Result]
    journal: dict[tuple[int, int], list[JournalMark]]          # (student, subject) → marks
    medal: dict[tuple[int, int], tuple[int, str]]              # (student, year) → (degree, class)
    rechecks: list[Recheck]
    references: dict[int, dict[str, Reference]]               # procedure → level → reference
    task_stats: list[TaskStat]

    def year_by_label(self, label: str) -> Year | None:
        return next((y for y in self.years if y.label == label), None)


_RESULTS_SQL = """
SELECT r.id, r.procedure_id, r.student_id, r.primary_score, r.mark, r.test_score, r.journal_mark,
       COALESCE(r.class_id, e.class_id) AS class_id, COALESCE(c1.label, c2.label, '') AS class_label
FROM result r
JOIN procedure p ON p.id = r.procedure_id
LEFT JOIN enrolment e ON e.student_id = r.student_id AND e.year_id = p.year_id
LEFT JOIN class_group c1 ON c1.id = r.class_id
LEFT JOIN class_group c2 ON c2.id = e.class_id
WHERE r.absent = 0
ORDER BY r.procedure_id, class_label, r.id
"""

# Only the journal marks of (student, subject) pairs that have an external mark are needed, and not
# for a work whose file carries the journal mark itself (except ОГЭ: it is also compared with the
# annual mark).
_JOURNAL_SQL = """
WITH pairs AS (SELECT DISTINCT r.student_id, p.subject_id FROM result r
               JOIN procedure p ON p.id = r.procedure_id
               WHERE r.mark IS NOT NULL AND r.absent = 0 AND (r.journal_mark IS NULL OR p.kind = 'oge'))
SELECT j.student_id, j.subject_id, j.period_id, j.mark
FROM pairs JOIN journal_mark j ON j.student_id = pairs.student_id AND j.subject_id = pairs.subject_id
"""

_PROCEDURES_SQL = """
SELECT p.id, p.kind, p.subject_id, s.name AS subject, p.grade, p.year_id, y.label AS year, p.date,
       COALESCE(p.max_score, sc.max_score) AS max_score, sc.kind AS scale_kind, sc.rules,
       p.checked_by, p.observers_present, p.video,
       (SELECT count(*) FROM observer o WHERE o.procedure_id = p.id) AS observer_count
FROM procedure p
JOIN subject s ON s.id = p.subject_id
JOIN academic_year y ON y.id = p.year_id
LEFT JOIN scale sc ON sc.id = p.scale_id
ORDER BY y.start_date, p.kind, s.name, p.grade
"""

# Per task and class: the sum of the scores and the number of works (absent pupils and tasks not done
# left out), summed by SQLite — a school has hundreds of thousands of task scores. The class is the
# result's own, else the pupil's class in the procedure's year, as in _RESULTS_SQL.
_TASK_SUMS_SQL = """
SELECT ts.task_id, COALESCE(c.label, '') AS class_label, SUM(ts.score), COUNT(*)
FROM task_score ts
JOIN result r ON r.id = ts.result_id
JOIN procedure p ON p.id = r.procedure_id
LEFT JOIN enrolment e ON e.student_id = r.student_id AND e.year_id = p.year_id
LEFT JOIN class_group c ON c.id = COALESCE(r.class_id, e.class_id)
WHERE ts.score IS NOT NULL AND r.absent = 0
  AND ts.task_id IN (SELECT t.id FROM task t WHERE t.procedure_id IN
                     (SELECT DISTINCT t2.procedure_id FROM reference_task rt JOIN task t2 ON t2.id = rt.task_id))
GROUP BY ts.task_id, class_label
"""


def _thresholds(scale_kind: str | None, rules: str | None) -> tuple[tuple[int, int], ...]:
    if scale_kind != "marks" or not rules:
        return ()
    try:
        pairs = json.loads(rules).get("thresholds") or []
        out = sorted((int(a), int(b)) for a, b in pairs)
    except (ValueError, TypeError, AttributeError):
        return ()
    return tuple(out)


def _load_procedures(db) -> dict[int, Procedure]:
    out = {}
    for r in rows(db, _PROCEDURES_SQL):
        out[r["id"]] = Procedure(
            id=r["id"], kind=r["kind"], subject_id=r["subject_id"], subject=r["subject"],
            grade=r["grade"], year_id=r["year_id"], year=r["year"], date=r["date"],
            max_score=r["max_score"], thresholds=_thresholds(r["scale_kind"], r["rules"]),
            checked_by=r["checked_by"], observers=bool(r["observers_present"] or r["observer_count"]),
            video=bool(r["video"]), observer_count=r["observer_count"])
    return out


def _load_journal(db) -> dict[tuple[int, int], list[JournalMark]]:
    periods = {pid: ((end, _days(start, end)), (end, start, kind, year_id, label)) for pid, start, end, kind, year_id, label
               in db.execute("SELECT id, start_date, end_date, kind, year_id, label FROM period")}
    shared: dict[tuple[int, int], JournalMark] = {}   # one object per (period, mark): a few dozen in all
    grouped: dict[tuple[int, int], list] = {}
    for sid, subj, pid, mark in db.execute(_JOURNAL_SQL).fetchall():
        item = shared.get((pid, mark))
        if item is None:
            end, start, kind, year_id, label = periods[pid][1]
            item = shared[(pid, mark)] = JournalMark(end, start, mark, kind, year_id, label)
        grouped.setdefault((sid, subj), []).append((periods[pid][0], item))
    for items in grouped.values():
        items.sort(key=_first)            # by end date; ties: the longer period last
    return {key: [m for _, m in items] for key, items in grouped.items()}


def _first(pair: tuple):
    return pair[0]


def _days(start: str, end: str) -> int:
    """Rough length of a period in days from ISO dates (only to prefer the longer of two)."""
    ys, ms, ds = (int(x) for x in start.split("-"))
    ye, me, de = (int(x) for x in end.split("-"))
    return (ye - ys) * 372 + (me - ms) * 31 + (de - ds)


def _load_task_stats(db) -> list[TaskStat]:
    """Per task and class: the sum of scores and the number of works, where a task has a reference."""
    refs: dict[int, dict[str, float]] = {}
    for task_id, level, percent in db.execute("SELECT task_id, level, percent FROM reference_task"):
        refs.setdefault(task_id, {})[level] = percent
    if not refs:
        return []
    tasks = {tid: row for tid, *row in db.execute(
        "SELECT id, procedure_id, number, level, max_score, position FROM task WHERE procedure_id IN "
        "(SELECT DISTINCT t.procedure_id FROM reference_task rt JOIN task t ON t.id = rt.task_id)")}
    out = []
    for task_id, label, total, count in db.execute(_TASK_SUMS_SQL).fetchall():
        proc_id, number, level, max_score, _pos = tasks[task_id]
        out.append(TaskStat(proc_id, task_id, number, level, max_score, label, total, count, refs.get(task_id, {})))
    out.sort(key=lambda s: (s.procedure_id, tasks[s.task_id][4], s.class_label))
    return out


CACHE_KIB = 32 * 1024   # SQLite page cache for the analysis connection: a large school's file fits in it


def _enlarge_cache(db) -> None:
    """Let SQLite keep a whole school file in memory between refreshes (default cache is 2 MiB)."""
    size = db.execute("PRAGMA cache_size").fetchone()[0]
    page = db.execute("PRAGMA page_size").fetchone()[0]
    current = -size if size < 0 else size * page // 1024
    if current < CACHE_KIB:
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def load(db) -> AnalysisData:
    """Read the school into memory. Cheap enough to call on every refresh (a few queries)."""
    _enlarge_cache(db)
    years = [Year(*r) for r in db.execute(
        "SELECT id, label, start_date, end_date FROM academic_year ORDER BY start_date")]
    students = {sid: Student(sid, code, name or "") for sid, code, name in
                db.execute("SELECT id, code, full_name FROM student")}
    results = [Result(r["id"], r["procedure_id"], r["student_id"], r["class_label"], r["class_id"],
                      r["primary_score"], r["mark"], r["test_score"], r["journal_mark"])
               for r in rows(db, _RESULTS_SQL)]
    medal = {(sid, yid): (deg, label) for sid, yid, deg, label in db.execute(
        "SELECT e.student_id, e.year_id, e.medal_degree, c.label FROM enrolment e "
        "JOIN class_group c ON c.id = e.class_id WHERE e.medal_degree IS NOT NULL")}
    rechecks = [Recheck(*r) for r in db.execute(
        "SELECT k.result_id, r.procedure_id, k.score_before, k.score_after, k.criteria_changed "
        "FROM recheck k JOIN result r ON r.id = k.result_id ORDER BY k.id")]
    references: dict[int, dict[str, Reference]] = {}
    for r in rows(db, "SELECT * FROM reference_result"):
        references.setdefault(r["procedure_id"], {})[r["level"]] = Reference(
            r["procedure_id"], r["level"], r["n"],
            (r["share_2"], r["share_3"], r["share_4"], r["share_5"]), r["mean_percent"], r["mean_test"])
    return AnalysisData(
        school=school_row(db), years=years, students=students, procedures=_load_procedures(db),
        results=results, journal=_load_journal(db), medal=medal, rechecks=rechecks,
        references=references, task_stats=_load_task_stats(db))
