"""Процедуры: оценочные процедуры (ВПР, ОГЭ, ЕГЭ …), their tasks, results, observers, rechecks and
reference results of the municipality / region / Russia.

Results are entered per student: a task score (0 … the task's maximum, or None for «X»), and the
primary score is the sum of the task scores; the mark follows from the procedure's scale. Every
function is small, runs in one transaction and refuses bad input with a Russian UserError.
"""
from __future__ import annotations

import json

from . import scales
from .domain import PROCEDURE_LABELS
from .errors import UserError
from .markcell import read_mark
from .roster import dump_rows, load_rows
from .store import rows

CHECKED_BY = ("school", "municipal")
OBSERVER_KINDS = {"public": "общественный наблюдатель", "municipal": "муниципальный наблюдатель",
                  "regional": "региональный наблюдатель", "online": "онлайн-наблюдение"}
REFERENCE_LEVELS = ("municipality", "region", "russia")
TASK_LEVELS = {"basic": "Б", "advanced": "П", "high": "В"}


# -- procedures -------------------------------------------------------------------------------

def list_procedures(db, *, year_id: int | None = None) -> list[dict]:
    """Procedures newest first with year, subject, scale and counts of works and absentees."""
    where = "WHERE p.year_id = ?" if year_id is not None else ""
    found = rows(db, f"""
        SELECT p.*, y.label AS year_label, s.name AS subject, sc.name AS scale_name,
               (SELECT count(*) FROM result r WHERE r.procedure_id = p.id AND r.absent = 0) AS n,
               (SELECT count(*) FROM result r WHERE r.procedure_id = p.id AND r.absent = 1) AS absent,
               (SELECT count(*) FROM task t WHERE t.procedure_id = p.id) AS tasks
        FROM procedure p JOIN academic_year y ON y.id = p.year_id JOIN subject s ON s.id = p.subject_id
        LEFT JOIN scale sc ON sc.id = p.scale_id {where}
        ORDER BY y.label DESC, coalesce(p.date, '') DESC, p.kind, p.grade, s.name""",
                 [year_id] if year_id is not None else [])
    for row in found:
        row["kind_label"] = PROCEDURE_LABELS.get(row["kind"], row["kind"])
    return found


def get_procedure(db, procedure_id: int) -> dict:
    found = [p for p in rows(db, """
        SELECT p.*, y.label AS year_label, s.name AS subject, sc.kind AS scale_kind, sc.rules AS scale_rules,
               sc.name AS scale_name
        FROM procedure p JOIN academic_year y ON y.id = p.year_id JOIN subject s ON s.id = p.subject_id
        LEFT JOIN scale sc ON sc.id = p.scale_id WHERE p.id = ?""", [procedure_id])]
    if not found:
        raise UserError("Процедура не найдена: возможно, она уже удалена.")
    proc = found[0]
    proc["kind_label"] = PROCEDURE_LABELS.get(proc["kind"], proc["kind"])
    proc["scale_rules"] = json.loads(proc["scale_rules"]) if proc["scale_rules"] else None
    return proc


def procedure_title(proc: dict) -> str:
    return proc.get("title") or f"{proc['kind_label']}, {proc['subject'].lower()}, {proc['grade']} класс"


def _check_fields(db, f: dict) -> None:
    if "kind" in f and f["kind"] not in PROCEDURE_LABELS:
        raise UserError("Выберите вид процедуры: ВПР, ОГЭ, ЕГЭ, РДР, НИКО, МСИ или внутренняя.")
    if "grade" in f and not (isinstance(f["grade"], int) and 1 <= f["grade"] <= 11):
        raise UserError("Параллель процедуры должна быть от 1 до 11.")
    if f.get("max_score") is not None and not (isinstance(f["max_score"], int) and f["max_score"] > 0):
        raise UserError("Максимальный первичный балл должен быть положительным целым числом.")
    if "checked_by" in f and f["checked_by"] not in CHECKED_BY:
        raise UserError("Проверку выполняет школа или муниципальная комиссия.")
    if "subject_id" in f and not db.execute("SELECT 1 FROM subject WHERE id = ?", [f["subject_id"]]).fetchone():
        raise UserError("Выберите предмет из списка.")
    if "year_id" in f and not db.execute("SELECT 1 FROM academic_year WHERE id = ?", [f["year_id"]]).fetchone():
        raise UserError("Выберите учебный год из списка.")


def _check_unique(db, f: dict, procedure_id: int | None) -> None:
    clash = db.execute("SELECT 1 FROM procedure WHERE kind = ? AND subject_id = ? AND grade = ? AND year_id = ? "
                       "AND id IS NOT ?", [f["kind"], f["subject_id"], f["grade"], f["year_id"],
                                           procedure_id]).fetchone()
    if clash:
        raise UserError(f"{PROCEDURE_LABELS[f['kind']]} по этому предмету в {f['grade']} классе "
                        "в этом учебном году уже есть.")


def create_procedure(db, *, kind: str, subject_id: int, grade: int, year_id: int, date: str | None = None,
                     tasks: list | None = None, scale_id: int | None = None, max_score: int | None = None,
                     title: str = "", checked_by: str = "school", observers_present: bool = False,
                     video: bool = False) -> int:
    """Create a procedure with its tasks [(number, max_score[, level]), …]; pick a scale if none given."""
    f = {"kind": kind, "subject_id": subject_id, "grade": grade, "year_id": year_id, "max_score": max_score,
         "checked_by": checked_by}
    _check_fields(db, f)
    _check_unique(db, f, None)
    task_specs = [_task_spec(t) for t in (tasks or [])]
    _check_task_numbers([t[0] for t in task_specs])
    if task_specs and max_score is None:
        max_score = sum(t[1] for t in task_specs)
    if scale_id is None:
        year = db.execute("SELECT label FROM academic_year WHERE id = ?", [year_id]).fetchone()[0]
        scale_id = scales.find_scale(db, kind, subject_id, grade, year)
    with db.atomic():
        pid = db.execute("INSERT INTO procedure (kind, subject_id, grade, year_id, date, scale_id, max_score, "
                         "checked_by, observers_present, video, title) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [kind, subject_id, grade, year_id, date or None, scale_id, max_score, checked_by,
                          int(bool(observers_present)), int(bool(video)), (title or "").strip()]).lastrowid
        for pos, (number, mx, level) in enumerate(task_specs, 1):
            db.execute("INSERT INTO task (procedure_id, number, position, max_score, level) VALUES (?, ?, ?, ?, ?)",
                       [pid, number, pos, mx, level])
    return pid


_EDITABLE = ("kind", "subject_id", "grade", "year_id", "date", "scale_id", "max_score", "checked_by",
             "observers_present", "video", "title")


def update_procedure(db, procedure_id: int, **changes) -> int:
    """Change fields of a procedure; a new scale recomputes the marks. Returns marks changed."""
    old = get_procedure(db, procedure_id)
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    merged = {k: old[k] for k in _EDITABLE} | changes
    _check_fields(db, merged)
    _check_unique(db, merged, procedure_id)
    top = db.execute("SELECT max(primary_score) FROM result WHERE procedure_id = ?", [procedure_id]).fetchone()[0]
    if merged["max_score"] is not None and top is not None and top > merged["max_score"]:
        raise UserError(f"В результатах есть первичный балл {top} — максимальный балл не может быть меньше.")
    for flag in ("observers_present", "video"):
        merged[flag] = int(bool(merged[flag]))
    with db.atomic():
        db.execute(f"UPDATE procedure SET {', '.join(f'{k} = ?' for k in _EDITABLE)} WHERE id = ?",
                   [merged[k] for k in _EDITABLE] + [procedure_id])
        return recompute_procedure_marks(db, procedure_id) if "scale_id" in changes else 0


def delete_procedure(db, procedure_id: int) -> None:
    get_procedure(db, procedure_id)
    with db.atomic():
        db.execute("DELETE FROM procedure WHERE id = ?", [procedure_id])


def snapshot_procedure(db, procedure_id: int) -> list[dict]:
    """All rows of a procedure, parents first (to undo its deletion)."""
    res = "result_id IN (SELECT id FROM result WHERE procedure_id = ?)"
    task = "task_id IN (SELECT id FROM task WHERE procedure_id = ?)"
    p = [procedure_id]
    return [dump_rows(db, "procedure", "id = ?", p), dump_rows(db, "task", "procedure_id = ?", p),
            dump_rows(db, "result", "procedure_id = ?", p), dump_rows(db, "task_score", res, p),
            dump_rows(db, "recheck", res, p), dump_rows(db, "observer", "procedure_id = ?", p),
            dump_rows(db, "reference_result", "procedure_id = ?", p),
            dump_rows(db, "reference_task", task, p)]


def count_marks_changed_by_scale(db, procedure_id: int, scale_id: int | None) -> int:
    """How many marks of a procedure another scale would change (asked before assigning it).

    Only a 'marks' scale computes marks; without one the marks stay as entered."""
    if scale_id is None:
        return 0
    scale = scales.get_scale(db, scale_id)
    if scale["kind"] != "marks":
        return 0
    found = rows(db, "SELECT primary_score, mark FROM result WHERE procedure_id = ? AND absent = 0 "
                     "AND primary_score IS NOT NULL", [procedure_id])
    return sum(1 for r in found if scales.mark_for(scale["rules"], r["primary_score"]) != r["mark"])


def recompute_procedure_marks(db, procedure_id: int) -> int:
    """Marks of one procedure from its scale (no change without a 'marks' scale); count changed."""
    proc = get_procedure(db, procedure_id)
    if proc["scale_kind"] != "marks":
        return 0
    found = rows(db, "SELECT id, primary_score, mark FROM result WHERE procedure_id = ? AND absent = 0 "
                     "AND primary_score IS NOT NULL", [procedure_id])
    changed = [(m, r["id"]) for r in found
               if (m := scales.mark_for(proc["scale_rules"], r["primary_score"])) != r["mark"]]
    with db.atomic():
        db.conn.executemany("UPDATE result SET mark = ? WHERE id = ?", changed)
    return len(changed)


# -- tasks ------------------------------------------------------------------------------------

def list_tasks(db, procedure_id: int) -> list[dict]:
    return rows(db, "SELECT id, number, position, max_score, level FROM task WHERE procedure_id = ? "
                    "ORDER BY position, id", [procedure_id])


def _task_spec(t) -> tuple[str, int, str | None]:
    number, mx, level = (list(t) + [None, None])[:3] if not isinstance(t, dict) else (
        t.get("number"), t.get("max_score"), t.get("level"))
    number = str(number or "").strip()
    if not number:
        raise UserError("У каждого задания должен быть номер, например 1, 3.1 или 5(1).")
    if not isinstance(mx, int) or mx <= 0:
        raise UserError(f"Максимальный балл задания {number} должен быть положительным целым числом.")
    if level not in (None, *TASK_LEVELS):
        raise UserError(f"Уровень задания {number}: базовый, повышенный или высокий.")
    return number, mx, level


def _check_task_numbers(numbers: list[str]) -> None:
    seen = set()
    for n in numbers:
        if n in seen:
            raise UserError(f"Задание № {n} указано дважды.")
        seen.add(n)


def _sync_max(db, procedure_id: int) -> None:
    """Keep the procedure maximum equal to the sum of task maxima when it has tasks."""
    total = db.execute("SELECT sum(max_score) FROM task WHERE procedure_id = ?", [procedure_id]).fetchone()[0]
    if total:
        top = db.execute("SELECT max(primary_score) FROM result WHERE procedure_id = ?",
                         [procedure_id]).fetchone()[0]
        if top is not None and top > total:
            raise UserError(f"Сумма максимальных баллов заданий ({total}) меньше первичного балла {top}, "
                            "который уже есть в результатах.")
        db.execute("UPDATE procedure SET max_score = ? WHERE id = ?", [total, procedure_id])


def add_task(db, procedure_id: int, number: str, max_score: int, level: str | None = None) -> int:
    get_procedure(db, procedure_id)
    number, max_score, level = _task_spec((number, max_score, level))
    existing = [t["number"] for t in list_tasks(db, procedure_id)]
    _check_task_numbers(existing + [number])
    with db.atomic():
        pos = db.execute("SELECT coalesce(max(position), 0) + 1 FROM task WHERE procedure_id = ?",
                         [procedure_id]).fetchone()[0]
        tid = db.execute("INSERT INTO task (procedure_id, number, position, max_score, level) VALUES (?, ?, ?, ?, ?)",
                         [procedure_id, number, pos, max_score, level]).lastrowid
        _sync_max(db, procedure_id)
    return tid


def _task_row(db, task_id: int) -> dict:
    found = rows(db, "SELECT * FROM task WHERE id = ?", [task_id])
    if not found:
        raise UserError("Задание не найдено: возможно, оно уже удалено.")
    return found[0]


def update_task(db, task_id: int, *, number: str, max_score: int, level: str | None = None) -> None:
    task = _task_row(db, task_id)
    number, max_score, level = _task_spec((number, max_score, level))
    others = [t["number"] for t in list_tasks(db, task["procedure_id"]) if t["id"] != task_id]
    _check_task_numbers(others + [number])
    top = db.execute("SELECT max(score) FROM task_score WHERE task_id = ?", [task_id]).fetchone()[0]
    if top is not None and top > max_score:
        raise UserError(f"За задание {number} уже выставлен балл {top} — максимум не может быть меньше.")
    with db.atomic():
        db.execute("UPDATE task SET number = ?, max_score = ?, level = ? WHERE id = ?",
                   [number, max_score, level, task_id])
        _sync_max(db, task["procedure_id"])


def delete_task(db, task_id: int) -> None:
    """Delete a task; primary scores and marks of results that had scores for it are recomputed."""
    task = _task_row(db, task_id)
    affected = [r[0] for r in db.execute("SELECT result_id FROM task_score WHERE task_id = ?", [task_id])]
    with db.atomic():
        db.execute("DELETE FROM task WHERE id = ?", [task_id])
        for result_id in affected:
            _recompute_result(db, result_id)
        _sync_max(db, task["procedure_id"])


# -- results ----------------------------------------------------------------------------------

def results_grid(db, procedure_id: int) -> dict:
    """{"procedure", "tasks", "rows"}: every student of the grade that year (and anyone with a result).

    A row: student_id, code, full_name, class_label, result_id, variant, primary_score, mark,
    test_score, journal_mark, absent, rechecked, scores {task_id: score}.
    """
    proc = get_procedure(db, procedure_id)
    found = rows(db, """
        SELECT s.id AS student_id, s.code, s.full_name, coalesce(rc.label, ec.label) AS class_label,
               r.id AS result_id, r.variant, r.primary_score, r.mark, r.test_score, r.journal_mark,
               coalesce(r.absent, 0) AS absent, (rk.id IS NOT NULL) AS rechecked
        FROM student s
        LEFT JOIN result r ON r.student_id = s.id AND r.procedure_id = :p
        LEFT JOIN enrolment e ON e.student_id = s.id AND e.year_id = :y
        LEFT JOIN class_group ec ON ec.id = e.class_id
        LEFT JOIN class_group rc ON rc.id = r.class_id
        LEFT JOIN recheck rk ON rk.result_id = r.id
        WHERE r.id IS NOT NULL OR ec.grade = :g
        ORDER BY coalesce(rc.grade, ec.grade), coalesce(rc.letter, ec.letter),
                 coalesce(nullif(s.full_name, ''), s.code), s.code""",
                 {"p": procedure_id, "y": proc["year_id"], "g": proc["grade"]})
    scores: dict[int, dict[int, int | None]] = {}
    for result_id, task_id, score in db.execute(
            "SELECT ts.result_id, ts.task_id, ts.score FROM task_score ts JOIN result r ON r.id = ts.result_id "
            "WHERE r.procedure_id = ?", [procedure_id]):
        scores.setdefault(result_id, {})[task_id] = score
    hints = _journal_hints(db, proc, [r["student_id"] for r in found])
    for row in found:
        row["scores"] = scores.get(row["result_id"], {})
        row["journal_hint"] = hints.get(row["student_id"], (None, None))
    return {"procedure": proc, "tasks": list_tasks(db, procedure_id), "rows": found}


def _journal_hints(db, proc: dict, student_ids: list[int]) -> dict[int, tuple]:
    """Per student, the journal mark the comparison falls back on when the file carries none.

    The rule is the analysis's own (``resolve_journal_mark``): the last period mark in the subject
    whose period ended before the procedure date. Returns {student_id: (mark, period label)}.
    """
    if not student_ids:
        return {}
    from .analysis.comparison import resolve_journal_mark

    date = proc["date"] or db.execute("SELECT end_date FROM academic_year WHERE id = ?",
                                      [proc["year_id"]]).fetchone()[0]
    marks: dict[int, list] = {}
    for sid, end, start, label, year, mark in db.execute(f"""
            SELECT j.student_id, p.end_date, p.start_date, p.label, y.label, j.mark FROM journal_mark j
            JOIN period p ON p.id = j.period_id JOIN academic_year y ON y.id = p.year_id
            WHERE j.subject_id = ? AND j.student_id IN ({', '.join('?' for _ in student_ids)})
            ORDER BY p.end_date, julianday(p.end_date) - julianday(p.start_date)""",
            [proc["subject_id"], *student_ids]):
        text = label if year == proc["year_label"] else f"{label} {year}"
        marks.setdefault(sid, []).append(_Period(end, mark, text))
    return {sid: resolve_journal_mark(None, items, date) for sid, items in marks.items()}


class _Period:
    """A journal mark as resolve_journal_mark reads it: end date, mark, period label."""

    __slots__ = ("end", "mark", "label")

    def __init__(self, end: str, mark: int, label: str):
        self.end, self.mark, self.label = end, mark, label


def result_state(db, procedure_id: int, student_id: int) -> list[dict]:
    """The rows of one student's result (for undo / redo of an edit)."""
    res = "result_id IN (SELECT id FROM result WHERE procedure_id = ? AND student_id = ?)"
    p = [procedure_id, student_id]
    return [dump_rows(db, "result", "procedure_id = ? AND student_id = ?", p),
            dump_rows(db, "task_score", res, p), dump_rows(db, "recheck", res, p)]


def restore_result_state(db, procedure_id: int, student_id: int, state: list[dict]) -> None:
    with db.atomic():
        db.execute("DELETE FROM result WHERE procedure_id = ? AND student_id = ?", [procedure_id, student_id])
        load_rows(db, state)


def _ensure_result(db, proc: dict, student_id: int) -> int:
    row = db.execute("SELECT id FROM result WHERE procedure_id = ? AND student_id = ?",
                     [proc["id"], student_id]).fetchone()
    if row:
        return row[0]
    if not db.execute("SELECT 1 FROM student WHERE id = ?", [student_id]).fetchone():
        raise UserError("Учащийся не найден: возможно, запись удалена. Обновите страницу.")
    cls = db.execute("SELECT class_id FROM enrolment WHERE student_id = ? AND year_id = ?",
                     [student_id, proc["year_id"]]).fetchone()
    return db.execute("INSERT INTO result (procedure_id, student_id, class_id) VALUES (?, ?, ?)",
                      [proc["id"], student_id, cls[0] if cls else None]).lastrowid


def _recompute_result(db, result_id: int) -> None:
    """Primary score = sum of task scores (when there are any); mark from the scale."""
    n, total = db.execute("SELECT count(*), sum(coalesce(score, 0)) FROM task_score WHERE result_id = ?",
                          [result_id]).fetchone()
    if n:
        db.execute("UPDATE result SET primary_score = ? WHERE id = ?", [total, result_id])
    _apply_scale(db, result_id)


def _apply_scale(db, result_id: int) -> None:
    row = db.execute("SELECT r.primary_score, sc.kind, sc.rules FROM result r JOIN procedure p "
                     "ON p.id = r.procedure_id LEFT JOIN scale sc ON sc.id = p.scale_id WHERE r.id = ?",
                     [result_id]).fetchone()
    if row and row[1] == "marks":
        db.execute("UPDATE result SET mark = ? WHERE id = ?", [scales.mark_for(row[2], row[0]), result_id])


def _parse_int(value, what: str) -> int | None:
    if value is None or (isinstance(value, str) and value.strip() in ("", "X", "Х", "x", "х")):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise UserError(f"{what}: «{value}» — не число.") from None
    if number != int(number):
        raise UserError(f"{what}: балл должен быть целым числом, введено {value}.")
    return int(number)


def set_task_score(db, procedure_id: int, student_id: int, task_id: int, score) -> dict:
    """Enter a task score (None / '' / «X» = not done); primary and mark follow. Returns the result row."""
    proc = get_procedure(db, procedure_id)
    task = _task_row(db, task_id)
    if task["procedure_id"] != procedure_id:
        raise UserError("Задание относится к другой процедуре.")
    value = _parse_int(score, f"Задание {task['number']}")
    if value is not None and not 0 <= value <= task["max_score"]:
        raise UserError(f"Балл за задание {task['number']} должен быть от 0 до {task['max_score']}; "
                        f"введено {value}.")
    with db.atomic():
        rid = _ensure_result(db, proc, student_id)
        db.execute("UPDATE result SET absent = 0 WHERE id = ?", [rid])
        db.execute("INSERT INTO task_score (result_id, task_id, score) VALUES (?, ?, ?) "
                   "ON CONFLICT(result_id, task_id) DO UPDATE SET score = excluded.score", [rid, task_id, value])
        _recompute_result(db, rid)
    return _result_row(db, rid)


def set_primary_score(db, procedure_id: int, student_id: int, score) -> dict:
    """Enter the primary score directly (procedures without tasks); the mark follows from the scale."""
    proc = get_procedure(db, procedure_id)
    value = _parse_int(score, "Первичный балл")
    if value is not None and (value < 0 or (proc["max_score"] is not None and value > proc["max_score"])):
        raise UserError(f"Первичный балл должен быть от 0 до {proc['max_score']}; введено {value}.")
    if value is not None and list_tasks(db, procedure_id):
        raise UserError("Первичный балл этой процедуры считается как сумма баллов за задания; "
                        "введите баллы по заданиям.")
    with db.atomic():
        rid = _ensure_result(db, proc, student_id)
        db.execute("UPDATE result SET primary_score = ?, absent = 0 WHERE id = ?", [value, rid])
        _apply_scale(db, rid)
    return _result_row(db, rid)


_RESULT_FIELDS = {"variant": "Вариант", "mark": "Отметка", "journal_mark": "Отметка по журналу",
                  "test_score": "Тестовый балл"}


def set_result_field(db, procedure_id: int, student_id: int, field: str, value) -> dict:
    """Set variant, journal mark, test score, or the mark (only when no scale computes it)."""
    proc = get_procedure(db, procedure_id)
    if field not in _RESULT_FIELDS:
        raise ValueError(field)
    if field == "variant":
        value = str(value).strip() or None if value is not None else None
    elif field in ("mark", "journal_mark"):             # read as every importer reads a mark cell
        cell = read_mark(value)
        if cell.invalid:
            raise UserError(f"{_RESULT_FIELDS[field]}: {cell.note}; допустимо от 2 до 5.")
        value = cell.mark
    else:
        value = _parse_int(value, _RESULT_FIELDS[field])
        if value is not None and not 0 <= value <= 100:
            raise UserError(f"{_RESULT_FIELDS[field]}: допустимо от 0 до 100; введено {value}.")
    if field == "mark" and proc["scale_kind"] == "marks":
        raise UserError("Отметка вычисляется по шкале процедуры из первичного балла. "
                        "Измените баллы или шкалу.")
    with db.atomic():
        rid = _ensure_result(db, proc, student_id)
        db.execute(f"UPDATE result SET {field} = ? WHERE id = ?", [value, rid])
    return _result_row(db, rid)


def set_absent(db, procedure_id: int, student_id: int, absent: bool) -> dict:
    """Mark a student absent (scores and marks are cleared) or present again."""
    proc = get_procedure(db, procedure_id)
    with db.atomic():
        rid = _ensure_result(db, proc, student_id)
        if absent:
            db.execute("DELETE FROM task_score WHERE result_id = ?", [rid])
            db.execute("UPDATE result SET absent = 1, primary_score = NULL, mark = NULL, test_score = NULL "
                       "WHERE id = ?", [rid])
        else:
            db.execute("UPDATE result SET absent = 0 WHERE id = ?", [rid])
    return _result_row(db, rid)


def _result_row(db, result_id: int) -> dict:
    return rows(db, "SELECT * FROM result WHERE id = ?", [result_id])[0]


# -- observers --------------------------------------------------------------------------------

def list_observers(db, procedure_id: int) -> list[dict]:
    return rows(db, "SELECT id, full_name, organisation, kind FROM observer WHERE procedure_id = ? "
                    "ORDER BY full_name", [procedure_id])


def _observer_values(db, procedure_id, full_name, kind, observer_id=None) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise UserError("Укажите фамилию, имя и отчество наблюдателя.")
    if kind not in OBSERVER_KINDS:
        raise UserError("Выберите вид наблюдения из списка.")
    if db.execute("SELECT 1 FROM observer WHERE procedure_id = ? AND full_name = ? AND id IS NOT ?",
                  [procedure_id, name, observer_id]).fetchone():
        raise UserError(f"Наблюдатель «{name}» уже указан для этой процедуры.")
    return name


def add_observer(db, procedure_id: int, full_name: str, organisation: str = "", kind: str = "public") -> int:
    """Add an observer; the procedure is then marked as held with public observers."""
    get_procedure(db, procedure_id)
    name = _observer_values(db, procedure_id, full_name, kind)
    with db.atomic():
        oid = db.execute("INSERT INTO observer (procedure_id, full_name, organisation, kind) VALUES (?, ?, ?, ?)",
                         [procedure_id, name, (organisation or "").strip(), kind]).lastrowid
        if kind in ("public", "online"):
            col = "observers_present" if kind == "public" else "video"
            db.execute(f"UPDATE procedure SET {col} = 1 WHERE id = ?", [procedure_id])
    return oid


def delete_observer(db, observer_id: int) -> None:
    with db.atomic():
        db.execute("DELETE FROM observer WHERE id = ?", [observer_id])


# -- rechecks ---------------------------------------------------------------------------------

def list_rechecks(db, procedure_id: int) -> list[dict]:
    return rows(db, """
        SELECT rk.*, s.code, s.full_name, c.label AS class_label, r.student_id, r.primary_score
        FROM recheck rk JOIN result r ON r.id = rk.result_id JOIN student s ON s.id = r.student_id
        LEFT JOIN class_group c ON c.id = r.class_id
        WHERE r.procedure_id = ? ORDER BY c.grade, c.letter, s.code""", [procedure_id])


def set_recheck(db, procedure_id: int, student_id: int, *, score_before, score_after,
                criteria_changed=0, checked_by: str = "", date: str | None = None) -> int:
    """Record (or replace) the recheck of one student's work: scores before / after, criteria changed."""
    proc = get_procedure(db, procedure_id)
    before = _parse_int(score_before, "Балл до перепроверки")
    after = _parse_int(score_after, "Балл после перепроверки")
    changed = _parse_int(criteria_changed, "Изменено критериев") or 0
    for what, value in (("до", before), ("после", after)):
        if value is None or value < 0 or (proc["max_score"] is not None and value > proc["max_score"]):
            raise UserError(f"Балл {what} перепроверки должен быть от 0 до {proc['max_score']}.")
    if changed < 0:
        raise UserError("Число изменённых критериев не может быть отрицательным.")
    if before != after and changed == 0:
        changed = 1
    with db.atomic():
        rid = _ensure_result(db, proc, student_id)
        db.execute("INSERT INTO recheck (result_id, score_before, score_after, criteria_changed, checked_by, date) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(result_id) DO UPDATE SET score_before = excluded.score_before, "
                   "score_after = excluded.score_after, criteria_changed = excluded.criteria_changed, "
                   "checked_by = excluded.checked_by, date = excluded.date",
                   [rid, before, after, changed, (checked_by or "").strip(), date or None])
        return db.execute("SELECT id FROM recheck WHERE result_id = ?", [rid]).fetchone()[0]


def delete_recheck(db, recheck_id: int) -> None:
    with db.atomic():
        db.execute("DELETE FROM recheck WHERE id = ?", [recheck_id])


# -- reference results ------------------------------------------------------------------------

def list_reference_results(db, procedure_id: int) -> list[dict]:
    found = rows(db, "SELECT * FROM reference_result WHERE procedure_id = ?", [procedure_id])
    return sorted(found, key=lambda r: REFERENCE_LEVELS.index(r["level"]))


def _share(value, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", ".").replace("%", "").strip())
    except ValueError:
        raise UserError(f"{what}: «{value}» — не число.") from None
    if not 0 <= number <= 100:
        raise UserError(f"{what}: допустимо от 0 до 100, введено {value}.")
    return number


def set_reference_result(db, procedure_id: int, level: str, *, n=None, share_2=None, share_3=None,
                         share_4=None, share_5=None, mean_percent=None, mean_test=None) -> int:
    """Enter the results of the municipality / region / Russia (shares of marks in %, means)."""
    get_procedure(db, procedure_id)
    if level not in REFERENCE_LEVELS:
        raise UserError("Уровень сравнения: муниципалитет, регион или Россия.")
    shares = [_share(v, f"Доля отметок «{m}»") for m, v in zip("2345", (share_2, share_3, share_4, share_5))]
    if sum(s for s in shares if s is not None) > 100.5:
        raise UserError("Сумма долей отметок «2»–«5» больше 100 %.")
    count = _parse_int(n, "Число участников")
    if count is not None and count < 0:
        raise UserError("Число участников не может быть отрицательным.")
    values = [count, *shares, _share(mean_percent, "Средний % выполнения"), _share(mean_test, "Средний тестовый балл")]
    with db.atomic():
        db.execute("INSERT INTO reference_result (procedure_id, level, n, share_2, share_3, share_4, share_5, "
                   "mean_percent, mean_test) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(procedure_id, level) "
                   "DO UPDATE SET n = excluded.n, share_2 = excluded.share_2, share_3 = excluded.share_3, "
                   "share_4 = excluded.share_4, share_5 = excluded.share_5, mean_percent = excluded.mean_percent, "
                   "mean_test = excluded.mean_test", [procedure_id, level, *values])
        return db.execute("SELECT id FROM reference_result WHERE procedure_id = ? AND level = ?",
                          [procedure_id, level]).fetchone()[0]


def school_distribution(db, procedure_id: int) -> dict:
    """The school's own shares of marks (%) and mean % of max, to show beside the reference rows."""
    proc = get_procedure(db, procedure_id)
    found = rows(db, "SELECT mark, primary_score FROM result WHERE procedure_id = ? AND absent = 0",
                 [procedure_id])
    marks = [r["mark"] for r in found if r["mark"] is not None]
    out = {"n": len(found)}
    for m in (2, 3, 4, 5):
        out[f"share_{m}"] = 100.0 * marks.count(m) / len(marks) if marks else None
    scores = [r["primary_score"] for r in found if r["primary_score"] is not None]
    out["mean_percent"] = (100.0 * sum(scores) / len(scores) / proc["max_score"]
                           if scores and proc["max_score"] else None)
    return out


def task_stats(db, procedure_id: int) -> list[dict]:
    """Each task with the school's mean score and % of its maximum (works written, not absent), and
    the reference percents {level: %} of the municipality / region / Russia when entered."""
    found = rows(db, """
        SELECT t.id, t.number, t.max_score, t.level, count(r.id) AS n, avg(coalesce(ts.score, 0)) AS mean
        FROM task t LEFT JOIN task_score ts ON ts.task_id = t.id
        LEFT JOIN result r ON r.id = ts.result_id AND r.absent = 0
        WHERE t.procedure_id = ? GROUP BY t.id ORDER BY t.position, t.id""", [procedure_id])
    refs: dict[int, dict[str, float]] = {}
    for task_id, level, percent in db.execute(
            "SELECT rt.task_id, rt.level, rt.percent FROM reference_task rt JOIN task t ON t.id = rt.task_id "
            "WHERE t.procedure_id = ?", [procedure_id]):
        refs.setdefault(task_id, {})[level] = percent
    for row in found:
        row["percent"] = 100.0 * row["mean"] / row["max_score"] if row["n"] else None
        row["mean"] = row["mean"] if row["n"] else None
        row["reference"] = refs.get(row["id"], {})
    return found
