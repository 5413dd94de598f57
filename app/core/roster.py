"""Контингент: academic years and their periods, classes, students, enrolments, staff.

Every write runs in one transaction and refuses bad input with a Russian UserError, changing
nothing. Student codes are 5-digit, stable and never reused: the last issued code and the codes of
deleted students are remembered in settings.

The row-snapshot helpers at the end (``dump_rows`` / ``load_rows`` / ``drop_rows``) let the UI
undo and redo deletions and bulk actions by putting rows back with their original ids.
"""
from __future__ import annotations

import random

from . import schoolyear
from .domain import class_label, normalise_year_label
from .errors import UserError
from .settings import LAST_STUDENT_CODE, RETIRED_CODES, get_setting, set_setting
from .store import rows

CODE_MIN, CODE_MAX = 10000, 99999
_LAST_CODE_KEY, _RETIRED_KEY = LAST_STUDENT_CODE, RETIRED_CODES

PERIOD_LAYOUTS = {
    # kind → list of (number, label, (start month, day), (end month, day)); year offsets follow
    "quarter": [(1, "1 четверть", (9, 1), (10, 27)), (2, "2 четверть", (11, 5), (12, 28)),
                (3, "3 четверть", (1, 9), (3, 22)), (4, "4 четверть", (4, 1), (5, 26))],
    "trimester": [(1, "1 триместр", (9, 1), (11, 30)), (2, "2 триместр", (12, 1), (2, 28)),
                  (3, "3 триместр", (3, 1), (5, 26))],
    "half": [(1, "1 полугодие", (9, 1), (12, 28)), (2, "2 полугодие", (1, 9), (5, 26))],
}


# -- academic years ---------------------------------------------------------------------------

def list_years(db) -> list[dict]:
    """Academic years, oldest first, with counts of classes and enrolled students."""
    return rows(db, """
        SELECT y.id, y.label, y.start_date, y.end_date,
               (SELECT count(*) FROM class_group c WHERE c.year_id = y.id) AS classes,
               (SELECT count(*) FROM enrolment e WHERE e.year_id = y.id) AS students
        FROM academic_year y ORDER BY y.label""")


def current_year_id(db, *, today: str | None = None) -> int | None:
    """The current school year of the file (the rule is schoolyear.current_year_id)."""
    return schoolyear.current_year_id(db, today=today)


def _year_dates(label: str) -> tuple[int, str, str]:
    return (schoolyear.start_of(label), *schoolyear.bounds_iso(label))


def create_year(db, label: str, *, period_kind: str = "quarter") -> int:
    """Create an academic year (1 Sep – 31 Aug) with its periods of `period_kind` and «Год»."""
    try:
        label = normalise_year_label(label)
    except ValueError:
        raise UserError(f"«{label}» — не учебный год. Укажите год в виде 2025/2026.") from None
    if period_kind not in PERIOD_LAYOUTS:
        raise UserError("Выберите деление года: четверти, триместры или полугодия.")
    if db.execute("SELECT 1 FROM academic_year WHERE label = ?", [label]).fetchone():
        raise UserError(f"Учебный год {label} уже есть в базе.")
    start, first, last = _year_dates(label)
    with db.atomic():
        cur = db.execute("INSERT INTO academic_year (label, start_date, end_date) VALUES (?, ?, ?)",
                         [label, first, last])
        year_id = cur.lastrowid
        for number, plabel, (m1, d1), (m2, d2) in PERIOD_LAYOUTS[period_kind]:
            y1 = schoolyear.calendar_year_of_month(m1, start)
            y2 = schoolyear.calendar_year_of_month(m2, start)
            db.execute("INSERT INTO period (year_id, kind, number, label, start_date, end_date) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       [year_id, period_kind, number, plabel, f"{y1}-{m1:02d}-{d1:02d}",
                        f"{y2}-{m2:02d}-{d2:02d}"])
        db.execute("INSERT INTO period (year_id, kind, number, label, start_date, end_date) "
                   "VALUES (?, 'year', 1, 'Год', ?, ?)", [year_id, f"{start}-09-01", f"{start + 1}-05-31"])
    return year_id


def delete_year(db, year_id: int) -> None:
    """Delete an academic year that holds no classes and no procedures."""
    label = _year_label(db, year_id)
    busy = db.execute("SELECT (SELECT count(*) FROM class_group WHERE year_id = :y) + "
                      "(SELECT count(*) FROM procedure WHERE year_id = :y)", {"y": year_id}).fetchone()[0]
    if busy:
        raise UserError(f"В учебном году {label} есть классы или оценочные процедуры; "
                        "удалить можно только пустой год.")
    with db.atomic():
        db.execute("DELETE FROM academic_year WHERE id = ?", [year_id])


def _year_label(db, year_id: int) -> str:
    row = db.execute("SELECT label FROM academic_year WHERE id = ?", [year_id]).fetchone()
    if row is None:
        raise UserError("Учебный год не найден: возможно, он уже удалён.")
    return row[0]


# -- classes ----------------------------------------------------------------------------------

def list_classes(db, year_id: int) -> list[dict]:
    """Classes of a year in grade/letter order with their number of students."""
    return rows(db, """
        SELECT c.id, c.year_id, c.grade, c.letter, c.label,
               (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id) AS students
        FROM class_group c WHERE c.year_id = ? ORDER BY c.grade, c.letter""", [year_id])


def _norm_letter(letter: str) -> str:
    letter = (letter or "").strip().upper()
    if len(letter) > 2 or (letter and not letter.isalpha()):
        raise UserError(f"«{letter}» — не литера класса. Укажите одну букву, например А.")
    return letter


def create_class(db, year_id: int, grade: int, letter: str = "") -> int:
    year = _year_label(db, year_id)
    if not isinstance(grade, int) or not 1 <= grade <= 11:
        raise UserError("Параллель класса должна быть от 1 до 11.")
    letter = _norm_letter(letter)
    label = class_label(grade, letter)
    if db.execute("SELECT 1 FROM class_group WHERE year_id = ? AND label = ?", [year_id, label]).fetchone():
        raise UserError(f"Класс {label} в {year} учебном году уже есть.")
    with db.atomic():
        return db.execute("INSERT INTO class_group (year_id, grade, letter, label) VALUES (?, ?, ?, ?)",
                          [year_id, grade, letter, label]).lastrowid


def rename_class(db, class_id: int, grade: int, letter: str) -> None:
    row = _class_row(db, class_id)
    letter = _norm_letter(letter)
    if not 1 <= int(grade) <= 11:
        raise UserError("Параллель класса должна быть от 1 до 11.")
    label = class_label(int(grade), letter)
    clash = db.execute("SELECT 1 FROM class_group WHERE year_id = ? AND label = ? AND id <> ?",
                       [row["year_id"], label, class_id]).fetchone()
    if clash:
        raise UserError(f"Класс {label} в этом учебном году уже есть.")
    with db.atomic():
        db.execute("UPDATE class_group SET grade = ?, letter = ?, label = ? WHERE id = ?",
                   [int(grade), letter, label, class_id])


def delete_class(db, class_id: int) -> None:
    """Delete an empty class (students must be moved out first)."""
    row = _class_row(db, class_id)
    if row["students"]:
        raise UserError(f"В классе {row['label']} {row['students']} учащихся. "
                        "Сначала переведите их в другой класс.")
    with db.atomic():
        db.execute("DELETE FROM class_group WHERE id = ?", [class_id])


def _class_row(db, class_id: int) -> dict:
    found = rows(db, "SELECT c.*, (SELECT count(*) FROM enrolment e WHERE e.class_id = c.id) AS students "
                     "FROM class_group c WHERE c.id = ?", [class_id])
    if not found:
        raise UserError("Класс не найден: возможно, он уже удалён.")
    return found[0]


# -- students ---------------------------------------------------------------------------------

def list_students(db, *, class_id: int | None = None, year_id: int | None = None) -> list[dict]:
    """Students of a class (or of a whole year) with class label and medal degree, by class and name."""
    where, params = ("e.class_id = ?", [class_id]) if class_id is not None else ("e.year_id = ?", [year_id])
    return rows(db, f"""
        SELECT s.id, s.code, s.full_name, s.sex, e.medal_degree, e.class_id, c.label AS class_label,
               c.grade, e.year_id
        FROM enrolment e JOIN student s ON s.id = e.student_id JOIN class_group c ON c.id = e.class_id
        WHERE {where}
        ORDER BY c.grade, c.letter, coalesce(nullif(s.full_name, ''), s.code), s.code""", params)


def count_code_only(db, year_id: int) -> int:
    """Pupils of a year known only by a code (made by a ВПР form, not yet linked to a name)."""
    return db.execute("SELECT count(*) FROM enrolment e JOIN student s ON s.id = e.student_id "
                      "WHERE e.year_id = ? AND coalesce(trim(s.full_name), '') = ''", [year_id]).fetchone()[0]


def get_student(db, student_id: int) -> dict:
    found = rows(db, "SELECT id, code, full_name, sex FROM student WHERE id = ?", [student_id])
    if not found:
        raise UserError("Учащийся не найден: возможно, запись уже удалена.")
    return found[0]


def next_student_code(db) -> str:
    """A 5-digit code never used before: max issued + 1, or a random free one when 99999 is reached."""
    used = {r[0] for r in db.execute("SELECT code FROM student")}
    used |= set(get_setting(db, _RETIRED_KEY))
    numeric = [int(c) for c in used if c.isdigit() and len(c) == 5]
    top = max(numeric + [CODE_MIN - 1, int(get_setting(db, _LAST_CODE_KEY))])
    if top < CODE_MAX:
        return f"{top + 1:05d}"
    free = CODE_MAX - CODE_MIN + 1 - len(numeric)
    if free <= 0:
        raise UserError("Свободные пятизначные коды учащихся закончились.")
    rng = random.Random()
    while True:
        code = f"{rng.randint(CODE_MIN, CODE_MAX)}"
        if code not in used:
            return code


def _check_sex(sex):
    if sex in (None, ""):
        return None
    sex = str(sex).strip().lower()[:1]
    if sex not in ("м", "ж"):
        raise UserError("Пол учащегося указывается буквой «м» или «ж».")
    return sex


def _check_medal(medal):
    if medal in (None, "", 0):
        return None
    if medal not in (1, 2):
        raise UserError("Кандидат на медаль: укажите I или II степень (1 или 2).")
    return medal


def create_student(db, *, class_id: int, full_name: str | None = None, sex: str | None = None,
                   medal_degree: int | None = None, code: str | None = None) -> int:
    """Add a student to a class; a new 5-digit code is issued unless `code` is given."""
    cls = _class_row(db, class_id)
    sex, medal = _check_sex(sex), _check_medal(medal_degree)
    code = (code or "").strip() or next_student_code(db)
    if db.execute("SELECT 1 FROM student WHERE code = ?", [code]).fetchone():
        raise UserError(f"Код {code} уже принадлежит другому учащемуся.")
    if code in set(get_setting(db, _RETIRED_KEY)):
        raise UserError(f"Код {code} принадлежал выбывшему учащемуся и повторно не выдаётся.")
    with db.atomic():
        sid = db.execute("INSERT INTO student (code, full_name, sex) VALUES (?, ?, ?)",
                         [code, (full_name or "").strip() or None, sex]).lastrowid
        db.execute("INSERT INTO enrolment (student_id, class_id, year_id, medal_degree) VALUES (?, ?, ?, ?)",
                   [sid, class_id, cls["year_id"], medal])
        if code.isdigit() and int(code) > int(get_setting(db, _LAST_CODE_KEY)):
            set_setting(db, _LAST_CODE_KEY, int(code))
    return sid


def update_student(db, student_id: int, *, full_name: str | None = None, sex: str | None = None) -> None:
    """Change name and sex (the code never changes)."""
    get_student(db, student_id)
    with db.atomic():
        db.execute("UPDATE student SET full_name = ?, sex = ? WHERE id = ?",
                   [(full_name or "").strip() or None, _check_sex(sex), student_id])


def set_medal(db, student_id: int, year_id: int, medal_degree: int | None) -> None:
    medal = _check_medal(medal_degree)
    with db.atomic():
        cur = db.execute("UPDATE enrolment SET medal_degree = ? WHERE student_id = ? AND year_id = ?",
                         [medal, student_id, year_id])
        if cur.rowcount == 0:
            raise UserError("Учащийся не зачислен ни в один класс этого учебного года.")


def delete_student(db, student_id: int) -> None:
    """Delete a student with all marks and results; the code is retired, never issued again."""
    code = get_student(db, student_id)["code"]
    with db.atomic():
        db.execute("DELETE FROM student WHERE id = ?", [student_id])
        retired = list(get_setting(db, _RETIRED_KEY))
        if code not in retired:
            set_setting(db, _RETIRED_KEY, retired + [code])


def move_student(db, student_id: int, class_id: int) -> int | None:
    """Enrol a student in `class_id` for that class's year; returns the previous class id (or None)."""
    get_student(db, student_id)
    cls = _class_row(db, class_id)
    prev = db.execute("SELECT class_id FROM enrolment WHERE student_id = ? AND year_id = ?",
                      [student_id, cls["year_id"]]).fetchone()
    with db.atomic():
        if prev is None:
            db.execute("INSERT INTO enrolment (student_id, class_id, year_id) VALUES (?, ?, ?)",
                       [student_id, class_id, cls["year_id"]])
        else:
            db.execute("UPDATE enrolment SET class_id = ? WHERE student_id = ? AND year_id = ?",
                       [class_id, student_id, cls["year_id"]])
    return prev[0] if prev else None


# -- promotion --------------------------------------------------------------------------------

def promote_year(db, year_id: int) -> dict:
    """Create the next academic year: every class moves up one grade with its students.

    Grade 11 leaves. The new year gets the same division into periods. Refuses when the next year
    already has classes. Returns {"year_id", "label", "classes", "students", "left", "created"}.
    """
    label = _year_label(db, year_id)
    start = int(label[:4])
    new_label = f"{start + 1}/{start + 2}"
    existing = db.execute("SELECT id FROM academic_year WHERE label = ?", [new_label]).fetchone()
    if existing and db.execute("SELECT 1 FROM class_group WHERE year_id = ?", [existing[0]]).fetchone():
        raise UserError(f"В учебном году {new_label} уже есть классы — перевод в него уже выполнен "
                        "или классы созданы вручную.")
    classes = list_classes(db, year_id)
    if not classes:
        raise UserError(f"В учебном году {label} нет классов — переводить некого.")
    kind_row = db.execute("SELECT kind FROM period WHERE year_id = ? AND kind <> 'year' LIMIT 1",
                          [year_id]).fetchone()
    summary = {"label": new_label, "classes": 0, "students": 0, "left": 0, "created": not existing}
    with db.atomic():
        new_id = existing[0] if existing else create_year(db, new_label,
                                                          period_kind=kind_row[0] if kind_row else "quarter")
        summary["year_id"] = new_id
        for cls in classes:
            if cls["grade"] >= 11:
                summary["left"] += cls["students"]
                continue
            new_class = create_class(db, new_id, cls["grade"] + 1, cls["letter"])
            summary["classes"] += 1
            cur = db.execute("INSERT INTO enrolment (student_id, class_id, year_id, medal_degree) "
                             "SELECT e.student_id, ?, ?, e.medal_degree FROM enrolment e WHERE e.class_id = ? "
                             "AND NOT EXISTS (SELECT 1 FROM enrolment x WHERE x.student_id = e.student_id "
                             "AND x.year_id = ?)", [new_class, new_id, cls["id"], new_id])
            summary["students"] += cur.rowcount
    return summary


# -- staff ------------------------------------------------------------------------------------

def list_staff(db) -> list[dict]:
    return rows(db, "SELECT id, full_name, position FROM staff ORDER BY full_name")


def _check_staff_name(db, full_name: str, staff_id: int | None = None) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise UserError("Укажите фамилию, имя и отчество сотрудника.")
    clash = db.execute("SELECT 1 FROM staff WHERE full_name = ? AND id IS NOT ?", [name, staff_id]).fetchone()
    if clash:
        raise UserError(f"Сотрудник «{name}» уже есть в списке.")
    return name


def create_staff(db, full_name: str, position: str = "") -> int:
    name = _check_staff_name(db, full_name)
    with db.atomic():
        return db.execute("INSERT INTO staff (full_name, position) VALUES (?, ?)",
                          [name, (position or "").strip()]).lastrowid


def update_staff(db, staff_id: int, full_name: str, position: str = "") -> None:
    name = _check_staff_name(db, full_name, staff_id)
    with db.atomic():
        cur = db.execute("UPDATE staff SET full_name = ?, position = ? WHERE id = ?",
                         [name, (position or "").strip(), staff_id])
        if cur.rowcount == 0:
            raise UserError("Сотрудник не найден: возможно, запись уже удалена.")


def delete_staff(db, staff_id: int) -> None:
    with db.atomic():
        db.execute("DELETE FROM staff WHERE id = ?", [staff_id])


# -- merging two records of one pupil ------------------------------------------------------------

class _DirectWriter:
    """The writer `merge_students` uses when no import change log is given: plain SQL."""

    def __init__(self, db):
        self.db = db

    def update(self, table: str, row_id: int, new: dict, old: dict) -> bool:
        diff = {k: v for k, v in new.items() if old.get(k) != v}
        if diff:
            self.db.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in diff)} WHERE rowid = ?",
                            [*diff.values(), row_id])
        return bool(diff)

    def delete(self, table: str, row_id: int) -> bool:
        return self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id]).rowcount > 0


def merge_conflicts(db, keep_id: int, drop_id: int) -> list[str]:
    """Why two records of one pupil cannot be merged (Russian); empty when they can.

    They cannot when both have a result of the same procedure, different marks for the same subject
    and period, or are enrolled in different classes of the same year."""
    out = []
    for (title,) in db.execute(
            "SELECT p.title FROM result a JOIN result b ON b.procedure_id = a.procedure_id "
            "JOIN procedure p ON p.id = a.procedure_id WHERE a.student_id = ? AND b.student_id = ?",
            [keep_id, drop_id]):
        out.append(f"у обеих записей есть результат процедуры «{title}»")
    clash = db.execute(
        "SELECT count(*) FROM journal_mark a JOIN journal_mark b ON b.subject_id = a.subject_id "
        "AND b.period_id = a.period_id WHERE a.student_id = ? AND b.student_id = ? AND a.mark <> b.mark",
        [keep_id, drop_id]).fetchone()[0]
    if clash:
        out.append(f"у записей разные отметки за одни и те же периоды ({clash})")
    for year, a, b in db.execute(
            "SELECT y.label, ca.label, cb.label FROM enrolment ea JOIN enrolment eb ON eb.year_id = ea.year_id "
            "JOIN academic_year y ON y.id = ea.year_id JOIN class_group ca ON ca.id = ea.class_id "
            "JOIN class_group cb ON cb.id = eb.class_id WHERE ea.student_id = ? AND eb.student_id = ? "
            "AND ea.class_id <> eb.class_id", [keep_id, drop_id]):
        out.append(f"в {year} учебном году записи числятся в разных классах ({a} и {b})")
    return out


def merge_students(db, keep_id: int, drop_id: int, *, log=None) -> dict:
    """Merge two records of one pupil: results, journal marks and enrolments of `drop_id` move to
    `keep_id`, which takes the code of `drop_id` (the code the results were filed under) and its sex
    when it has none; the `drop_id` record is deleted. Its old code is not retired: the pupil keeps
    a code, and a code once issued is never issued again (the last issued code is remembered).

    `log` is an import change log (``update`` / ``delete``) so an import can undo the merge; without
    one the merge runs in its own transaction. Refused with UserError when ``merge_conflicts`` finds
    anything. Returns counts of moved rows."""
    if keep_id == drop_id:
        raise UserError("Нельзя объединить запись учащегося саму с собой.")
    keep, drop = get_student(db, keep_id), get_student(db, drop_id)
    problems = merge_conflicts(db, keep_id, drop_id)
    if problems:
        raise UserError(f"Записи «{keep['full_name'] or keep['code']}» и «{drop['full_name'] or drop['code']}» "
                        "нельзя объединить: " + "; ".join(problems) + ".")
    if log is None:
        with db.atomic():
            return _merge(db, _DirectWriter(db), keep, drop)
    return _merge(db, log, keep, drop)


def _merge(db, log, keep: dict, drop: dict) -> dict:
    moved = {"results": 0, "marks": 0, "enrolments": 0}
    kid, did = keep["id"], drop["id"]
    for (rid,) in db.execute("SELECT id FROM result WHERE student_id = ?", [did]).fetchall():
        log.update("result", rid, {"student_id": kid}, {"student_id": did})
        moved["results"] += 1
    have = {(s, p) for s, p in db.execute(
        "SELECT subject_id, period_id FROM journal_mark WHERE student_id = ?", [kid])}
    for mid, subj, per in db.execute("SELECT id, subject_id, period_id FROM journal_mark WHERE student_id = ?",
                                     [did]).fetchall():
        if (subj, per) in have:            # the same mark twice (checked): one is enough
            log.delete("journal_mark", mid)
        else:
            log.update("journal_mark", mid, {"student_id": kid}, {"student_id": did})
            moved["marks"] += 1
    years = {y: (eid, medal) for eid, y, medal in db.execute(
        "SELECT id, year_id, medal_degree FROM enrolment WHERE student_id = ?", [kid])}
    for eid, year, medal in db.execute("SELECT id, year_id, medal_degree FROM enrolment WHERE student_id = ?",
                                       [did]).fetchall():
        if year in years:                  # the same class (checked)
            if medal and not years[year][1]:
                log.update("enrolment", years[year][0], {"medal_degree": medal}, {"medal_degree": None})
            log.delete("enrolment", eid)
        else:
            log.update("enrolment", eid, {"student_id": kid}, {"student_id": did})
            moved["enrolments"] += 1
    log.delete("student", did)
    log.update("student", kid, {"code": drop["code"], "sex": keep["sex"] or drop["sex"]},
               {"code": keep["code"], "sex": keep["sex"]})
    return moved


# -- row snapshots for undo / redo --------------------------------------------------------------

def dump_rows(db, table: str, where: str, params=()) -> dict:
    """Capture rows of `table` matching `where` (trusted SQL from our own code) for a later restore."""
    return {"table": table, "rows": rows(db, f"SELECT * FROM {table} WHERE {where}", params)}


def load_rows(db, dumps: list[dict]) -> None:
    """Put captured rows back with their original keys (in the given order: parents first).

    An existing row with the same key is updated in place (never deleted and re-inserted, which
    would cascade to its children)."""
    with db.atomic():
        for dump in dumps:
            pks = db[dump["table"]].pks
            for row in dump["rows"]:
                cols = list(row)
                rest = [c for c in cols if c not in pks]
                action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in rest)) if rest else "DO NOTHING"
                db.execute(f"INSERT INTO {dump['table']} ({', '.join(cols)}) "
                           f"VALUES ({', '.join('?' for _ in cols)}) "
                           f"ON CONFLICT({', '.join(pks)}) {action}", [row[c] for c in cols])


def drop_rows(db, dumps: list[dict]) -> None:
    """Delete the captured rows by primary key (in reverse order: children first)."""
    with db.atomic():
        for dump in reversed(dumps):
            pks = db[dump["table"]].pks
            for row in dump["rows"]:
                db.execute(f"DELETE FROM {dump['table']} WHERE "
                           + " AND ".join(f"{k} = ?" for k in pks), [row[k] for k in pks])


def snapshot_student(db, student_id: int) -> list[dict]:
    """Everything that goes when a student is deleted, in insertion order."""
    res = "result_id IN (SELECT id FROM result WHERE student_id = ?)"
    return [dump_rows(db, "student", "id = ?", [student_id]),
            dump_rows(db, "enrolment", "student_id = ?", [student_id]),
            dump_rows(db, "journal_mark", "student_id = ?", [student_id]),
            dump_rows(db, "result", "student_id = ?", [student_id]),
            dump_rows(db, "task_score", res, [student_id]),
            dump_rows(db, "recheck", res, [student_id])]


def restore_student(db, snapshot: list[dict]) -> None:
    """Undo delete_student: rows back with their ids; the code leaves the retired list."""
    code = snapshot[0]["rows"][0]["code"]
    with db.atomic():
        load_rows(db, snapshot)
        retired = [c for c in get_setting(db, _RETIRED_KEY) if c != code]
        set_setting(db, _RETIRED_KEY, retired)


def apply_student_state(db, student_id: int, state: list[dict] | None) -> None:
    """Make a student's rows equal to `state` (a snapshot_student) or remove them (None)."""
    with db.atomic():
        if state is None:
            if db.execute("SELECT 1 FROM student WHERE id = ?", [student_id]).fetchone():
                delete_student(db, student_id)
        else:
            db.execute("DELETE FROM student WHERE id = ?", [student_id])
            restore_student(db, state)


def snapshot_year(db, year_id: int) -> list[dict]:
    """The year with its periods, classes and enrolments (used to undo / redo a promotion)."""
    return [dump_rows(db, "academic_year", "id = ?", [year_id]),
            dump_rows(db, "period", "year_id = ?", [year_id]),
            dump_rows(db, "class_group", "year_id = ?", [year_id]),
            dump_rows(db, "enrolment", "year_id = ?", [year_id])]
