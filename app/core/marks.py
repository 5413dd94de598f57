"""Отметки: the journal grid (class × subject × periods) read and written one cell at a time.

A journal mark is an integer 2–5 for a student, a subject and a period (quarter, trimester,
half-year or the year). Anything else is refused with a Russian UserError and nothing changes.
"""
from __future__ import annotations

from .domain import PERIOD_KIND_LABELS
from .errors import UserError
from .markcell import read_mark
from .store import rows

PERIOD_KIND_ORDER = ["quarter", "trimester", "half", "year"]


def subjects(db, *, class_id: int | None = None) -> list[dict]:
    """All subjects by name; with `class_id`, those with marks in that class come first."""
    found = rows(db, "SELECT id, name, short_name, 0 AS marks FROM subject ORDER BY name")
    if class_id is None:
        return found
    counts = dict(db.execute("""
        SELECT j.subject_id, count(*) FROM enrolment e JOIN journal_mark j ON j.student_id = e.student_id
        JOIN period p ON p.id = j.period_id AND p.year_id = e.year_id
        WHERE e.class_id = ? GROUP BY j.subject_id""", [class_id]).fetchall())
    for row in found:
        row["marks"] = counts.get(row["id"], 0)
    return sorted(found, key=lambda r: r["marks"] == 0)


def period_kinds(db, year_id: int) -> list[str]:
    """Divisions of the year present in the DB (quarter / trimester / half), then 'year'."""
    found = {r[0] for r in db.execute("SELECT DISTINCT kind FROM period WHERE year_id = ?", [year_id])}
    return [k for k in PERIOD_KIND_ORDER if k in found]


def first_class_with_marks(db, year_id: int) -> int | None:
    """The first class of the year (by grade and letter) whose students have journal marks that year."""
    row = db.execute("""
        SELECT c.id FROM class_group c WHERE c.year_id = :y AND EXISTS (
            SELECT 1 FROM enrolment e JOIN journal_mark j ON j.student_id = e.student_id
            JOIN period p ON p.id = j.period_id AND p.year_id = :y WHERE e.class_id = c.id)
        ORDER BY c.grade, c.letter LIMIT 1""", {"y": year_id}).fetchone()
    return row[0] if row else None


def usual_period_kind(db, class_id: int) -> str | None:
    """The division of the year (quarter / trimester / half) most used by this class's marks."""
    row = db.execute("""
        SELECT p.kind FROM journal_mark j JOIN enrolment e ON e.student_id = j.student_id AND e.class_id = ?
        JOIN period p ON p.id = j.period_id AND p.year_id = e.year_id
        WHERE p.kind <> 'year' GROUP BY p.kind ORDER BY count(*) DESC LIMIT 1""", [class_id]).fetchone()
    return row[0] if row else None


def period_kind_label(kind: str) -> str:
    return {"quarter": "четверти", "trimester": "триместры", "half": "полугодия",
            "year": "только год"}.get(kind, PERIOD_KIND_LABELS.get(kind, kind))


def periods(db, year_id: int, kind: str | None = None) -> list[dict]:
    """Periods of a year: those of `kind` and the annual one last (all of them when kind is None)."""
    sql = "SELECT id, kind, number, label, start_date, end_date FROM period WHERE year_id = ?"
    params: list = [year_id]
    if kind is not None:
        sql += " AND kind IN (?, 'year')"
        params.append(kind)
    sql += " ORDER BY kind = 'year', start_date, number"
    return rows(db, sql, params)


def journal_grid(db, class_id: int, subject_id: int, period_kind: str) -> dict:
    """{"students": [...], "periods": [...], "marks": {(student_id, period_id): mark}} for one class."""
    cls = rows(db, "SELECT id, year_id, label FROM class_group WHERE id = ?", [class_id])
    if not cls:
        raise UserError("Класс не найден: возможно, он уже удалён.")
    year_id = cls[0]["year_id"]
    students = rows(db, """
        SELECT s.id, s.code, s.full_name FROM enrolment e JOIN student s ON s.id = e.student_id
        WHERE e.class_id = ? ORDER BY coalesce(nullif(s.full_name, ''), s.code), s.code""", [class_id])
    plist = periods(db, year_id, period_kind)
    marks = {}
    if plist and students:
        pids = [p["id"] for p in plist]
        cur = db.execute(f"""
            SELECT j.student_id, j.period_id, j.mark FROM journal_mark j
            JOIN enrolment e ON e.student_id = j.student_id AND e.class_id = ?
            WHERE j.subject_id = ? AND j.period_id IN ({', '.join('?' for _ in pids)})""",
                         [class_id, subject_id, *pids])
        marks = {(sid, pid): mark for sid, pid, mark in cur}
    return {"class": cls[0], "students": students, "periods": plist, "marks": marks}


def parse_mark(value) -> int | None:
    """A mark typed by hand, read as every importer reads a cell (markcell): '5', 5, ' 4 ', «5-» →
    int; '', None, «н/а», «осв» → None (no mark); anything else → UserError (Russian)."""
    cell = read_mark(value)
    if cell.invalid:
        raise UserError(f"{cell.note}. Введите отметку от 2 до 5 "
                        "или оставьте клетку пустой.")
    return cell.mark


def get_mark(db, student_id: int, subject_id: int, period_id: int) -> int | None:
    row = db.execute("SELECT mark FROM journal_mark WHERE student_id = ? AND subject_id = ? AND period_id = ?",
                     [student_id, subject_id, period_id]).fetchone()
    return row[0] if row else None


def set_mark(db, student_id: int, subject_id: int, period_id: int, mark) -> int | None:
    """Write one journal mark (None or '' removes it); returns the previous mark for undo."""
    value = parse_mark(mark)
    _check_cell(db, student_id, subject_id, period_id)
    old = get_mark(db, student_id, subject_id, period_id)
    with db.atomic():
        if value is None:
            db.execute("DELETE FROM journal_mark WHERE student_id = ? AND subject_id = ? AND period_id = ?",
                       [student_id, subject_id, period_id])
        else:
            db.execute("INSERT INTO journal_mark (student_id, subject_id, period_id, mark) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(student_id, subject_id, period_id) DO UPDATE SET mark = excluded.mark, "
                       "batch_id = NULL", [student_id, subject_id, period_id, value])
    return old


def set_marks(db, changes: list[tuple[int, int, int, object]]) -> list[int | None]:
    """Write many cells (student, subject, period, mark) at once, all or nothing; returns old marks."""
    for *_, mark in changes:
        parse_mark(mark)
    with db.atomic():
        return [set_mark(db, s, subj, p, m) for s, subj, p, m in changes]


def _check_cell(db, student_id: int, subject_id: int, period_id: int) -> None:
    ok = db.execute("SELECT (SELECT count(*) FROM student WHERE id = ?) + (SELECT count(*) FROM subject "
                    "WHERE id = ?) + (SELECT count(*) FROM period WHERE id = ?)",
                    [student_id, subject_id, period_id]).fetchone()[0]
    if ok != 3:
        raise UserError("Учащийся, предмет или период не найден: возможно, запись удалена. "
                        "Обновите страницу.")


def mark_stats(values: list[int | None]) -> dict:
    """Count, mean and «качество» (share of 4 and 5, %) of the marks in a column."""
    marks = [v for v in values if v is not None]
    if not marks:
        return {"n": 0, "mean": None, "quality": None}
    good = sum(1 for m in marks if m >= 4)
    return {"n": len(marks), "mean": sum(marks) / len(marks), "quality": 100.0 * good / len(marks)}
