"""The schedule of assessment procedures (график оценочных процедур): storage and the check.

A year's schedule is the rows of ``schedule_item`` plus the federal and regional procedures already in
«Процедуры» (ВПР, РДР, ОГЭ, ЕГЭ …), which appear in it for every class of their parallel without being
copied. The rules need the teaching load (``curriculum``: lessons a week per subject), the school
weeks of the year (a setting: 33 in grade 1, 34 otherwise), the vacations and holidays
(``school_calendar``) and, where known, the length of each class's day (``timetable_day``).
The schedule as a document (what it covers, the order that approved it) is ``schedule_meta``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from .domain import PROCEDURE_LABELS, parse_class_label
from .errors import UserError
from .schedule_rules import (ScheduleThresholds, check_schedule, ru_date, thresholds_from)
from .settings import SCHEDULE_THRESHOLDS, SCHEDULE_WEEKS, get_setting, set_setting
from .store import rows

LEVELS = {"federal": "федеральный", "regional": "региональный", "school": "школьный"}
LEVEL_BY_WORD = {"федеральн": "federal", "регион": "regional", "муницип": "regional", "школьн": "school",
                 "внутришк": "school", "оо": "school"}
FORMS = ("контрольная работа", "диагностическая работа", "проверочная работа", "тестирование",
         "административная контрольная работа", "итоговая контрольная работа", "промежуточная аттестация",
         "комплексная работа", "сочинение", "изложение", "диктант", "ВПР", "РДР", "НИКО", "МСИ",
         "итоговое сочинение", "итоговое собеседование", "ОГЭ", "ЕГЭ")
_PROC_LEVEL = {"vpr": "federal", "niko": "federal", "oge": "federal", "ege": "federal", "rdr": "regional",
               "msi": "regional", "internal": "school"}
WEEKS_KEY, THRESHOLDS_KEY = SCHEDULE_WEEKS, SCHEDULE_THRESHOLDS
_ITEM_FIELDS = ("class_label", "grade", "subject", "date", "lesson", "duration", "level", "form",
                "procedure_id", "note")


# -- the year -------------------------------------------------------------------------------------

def resolve_year(db, year: str | int | None = None) -> dict:
    """The academic year by label or id; the latest one when None. UserError when there is none."""
    if year is None:
        found = rows(db, "SELECT * FROM academic_year ORDER BY label DESC LIMIT 1")
        if not found:
            raise UserError("В базе нет учебного года. Создайте учебный год в разделе «Контингент».")
        return found[0]
    col = "id" if isinstance(year, int) else "label"
    found = rows(db, f"SELECT * FROM academic_year WHERE {col} = ?", [year])
    if not found:
        known = ", ".join(r["label"] for r in rows(db, "SELECT label FROM academic_year ORDER BY label"))
        raise UserError(f"Учебный год «{year}» не найден в базе" + (f" (есть: {known})." if known else "."))
    return found[0]


def years(db) -> list[dict]:
    """The school's academic years, the latest first."""
    return rows(db, "SELECT * FROM academic_year ORDER BY label DESC")


def class_labels(db, year_id: int) -> list[str]:
    """The year's classes (from «Контингент» and from the schedule), by grade and letter."""
    labels = {r["label"] for r in rows(db, "SELECT label FROM class_group WHERE year_id = ?", [year_id])}
    labels |= {r["class_label"] for r in rows(db, "SELECT DISTINCT class_label FROM schedule_item WHERE year_id = ?",
                                              [year_id])}
    return sorted(labels, key=class_sort_key)


def class_sort_key(label: str) -> tuple:
    parsed = parse_class_label(label)
    return (parsed[0], parsed[1]) if parsed else (99, label)


def subjects(db, year_id: int) -> list[str]:
    names = [r["name"] for r in rows(db, "SELECT name FROM subject ORDER BY name")]
    names += [r["subject"] for r in rows(db, "SELECT DISTINCT subject FROM curriculum WHERE year_id = ? "
                                             "UNION SELECT DISTINCT subject FROM schedule_item WHERE year_id = ?",
                                         [year_id, year_id])]
    return sorted(dict.fromkeys(names), key=str.lower)


# -- items -------------------------------------------------------------------------------------------

def list_items(db, year_id: int, *, with_procedures: bool = True) -> list[dict]:
    """Every procedure of the year's schedule, by date; each has a ``key`` and ``editable``."""
    own = rows(db, "SELECT * FROM schedule_item WHERE year_id = ? ORDER BY date, class_label, lesson", [year_id])
    for it in own:
        it.update(key=f"s{it['id']}", editable=True, source="schedule")
    out = list(own)
    if with_procedures:
        out += _procedure_items(db, year_id, {(i["procedure_id"], i["class_label"]) for i in own})
    out.sort(key=lambda i: (i["date"], class_sort_key(i["class_label"]), i.get("lesson") or 0, i["subject"]))
    return out


def _procedure_items(db, year_id: int, linked: set) -> list[dict]:
    procs = rows(db, "SELECT p.id, p.kind, p.grade, p.date, s.name AS subject FROM procedure p "
                     "JOIN subject s ON s.id = p.subject_id WHERE p.year_id = ? AND p.date IS NOT NULL", [year_id])
    classes = rows(db, "SELECT label, grade FROM class_group WHERE year_id = ?", [year_id])
    out = []
    for p in procs:
        labels = [c["label"] for c in classes if c["grade"] == p["grade"]] or [str(p["grade"])]
        for label in labels:
            if (p["id"], label) in linked:
                continue
            out.append({"id": None, "key": f"p{p['id']}:{label}", "editable": False, "source": "procedure",
                        "year_id": year_id, "class_label": label, "grade": p["grade"], "subject": p["subject"],
                        "date": p["date"][:10], "lesson": None, "duration": 1 if p["kind"] not in ("oge", "ege")
                        else 4, "level": _PROC_LEVEL.get(p["kind"], "federal"),
                        "form": PROCEDURE_LABELS.get(p["kind"], p["kind"]), "procedure_id": p["id"],
                        "note": "из раздела «Процедуры»", "batch_id": None})
    return out


def _clean(db, values: dict, *, partial: bool = False) -> dict:
    """Validate and normalise the fields of an item; UserError in Russian."""
    out = {k: values[k] for k in _ITEM_FIELDS if k in values}
    if "class_label" in out or not partial:
        parsed = parse_class_label(str(out.get("class_label") or ""))
        if not parsed:
            raise UserError(f"«{out.get('class_label') or ''}» — не класс; укажите класс, например 5А.")
        out["class_label"], out["grade"] = f"{parsed[0]}{parsed[1]}", parsed[0]
    if "subject" in out or not partial:
        out["subject"] = " ".join(str(out.get("subject") or "").split())
        if not out["subject"]:
            raise UserError("Не указан предмет.")
        out["subject"] = out["subject"][0].upper() + out["subject"][1:]
    if "date" in out or not partial:
        try:
            out["date"] = dt.date.fromisoformat(str(out.get("date") or "")[:10]).isoformat()
        except ValueError:
            raise UserError(f"«{out.get('date') or ''}» — не дата; укажите дату проведения.") from None
    if out.get("lesson") in ("", 0):
        out["lesson"] = None
    if out.get("lesson") is not None and not 1 <= int(out["lesson"]) <= 10:
        raise UserError(f"Номер урока должен быть от 1 до 10, указано {out['lesson']}.")
    if "duration" in out or not partial:
        out["duration"] = int(out.get("duration") or 1)
        if not 1 <= out["duration"] <= 6:
            raise UserError(f"Длительность — от 1 до 6 уроков, указано {out['duration']}.")
    if "level" in out or not partial:
        out["level"] = out.get("level") or "school"
        if out["level"] not in LEVELS:
            raise UserError(f"Уровень «{out['level']}» неизвестен; возможны: федеральный, региональный, школьный.")
    if "form" in out or not partial:
        out["form"] = " ".join(str(out.get("form") or "контрольная работа").split())
    return out


def add_item(db, year_id: int, **values) -> int:
    """Add a procedure to the schedule; returns its id. UserError when it repeats one already there."""
    clean = _clean(db, values)
    clean.setdefault("note", "")
    dup = db.execute("SELECT id FROM schedule_item WHERE year_id = ? AND class_label = ? AND subject = ? "
                     "AND date = ? AND form = ?", [year_id, clean["class_label"], clean["subject"], clean["date"],
                                                   clean["form"]]).fetchone()
    if dup:
        raise UserError(f"{clean['class_label']}, {clean['subject']}: {clean['form']} на {ru_date(clean['date'])} "
                        "уже есть в графике.")
    cols = ["year_id", *clean]
    with db.atomic():
        cur = db.execute(f"INSERT INTO schedule_item ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [year_id, *clean.values()])
    return cur.lastrowid


def update_item(db, item_id: int, **values) -> None:
    """Change fields of an item (move it to another date or class, change its lesson …)."""
    if not db.execute("SELECT 1 FROM schedule_item WHERE id = ?", [item_id]).fetchone():
        raise UserError("Эта работа уже удалена из графика.")
    clean = _clean(db, values, partial=True)
    if not clean:
        return
    try:
        with db.atomic():
            db.execute(f"UPDATE schedule_item SET {', '.join(f'{k} = ?' for k in clean)} WHERE id = ?",
                       [*clean.values(), item_id])
    except Exception as exc:  # noqa: BLE001 - the unique key: the same work already stands there
        if "UNIQUE" in str(exc):
            raise UserError("Такая работа в этот день в этом классе уже есть в графике.") from None
        raise


def delete_items(db, ids: list[int]) -> int:
    with db.atomic():
        return sum(db.execute("DELETE FROM schedule_item WHERE id = ?", [i]).rowcount for i in ids)


def get_item(db, item_id: int) -> dict | None:
    found = rows(db, "SELECT * FROM schedule_item WHERE id = ?", [item_id])
    return found[0] if found else None


def copy_to_parallel(db, item_id: int) -> list[int]:
    """Copy a procedure to every other class of its parallel (same date, lesson and form); returns the
    new ids. Classes that already have it are skipped."""
    it = get_item(db, item_id)
    if it is None:
        raise UserError("Эта работа уже удалена из графика.")
    same = [c for c in class_labels(db, it["year_id"]) if (parse_class_label(c) or (0,))[0] == it["grade"]
            and c != it["class_label"]]
    new = []
    with db.atomic():
        for label in same:
            exists = db.execute("SELECT 1 FROM schedule_item WHERE year_id = ? AND class_label = ? AND subject = ? "
                                "AND date = ? AND form = ?", [it["year_id"], label, it["subject"], it["date"],
                                                              it["form"]]).fetchone()
            if not exists:
                values = {k: it[k] for k in _ITEM_FIELDS} | {"class_label": label}
                new.append(add_item(db, it["year_id"], **values))
    return new


def snapshot(db, year_id: int) -> list[dict]:
    """Every row of the year's schedule (for undo)."""
    return rows(db, "SELECT * FROM schedule_item WHERE year_id = ? ORDER BY id", [year_id])


def restore(db, year_id: int, state: list[dict]) -> None:
    """Put the year's schedule back as ``snapshot`` saw it (ids kept)."""
    with db.atomic():
        db.execute("DELETE FROM schedule_item WHERE year_id = ?", [year_id])
        for row in state:
            cols = list(row)
            db.execute(f"INSERT INTO schedule_item ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                       [row[c] for c in cols])


# -- teaching load, calendar, timetable -------------------------------------------------------------

def curriculum(db, year_id: int) -> list[dict]:
    return rows(db, "SELECT * FROM curriculum WHERE year_id = ? ORDER BY grade, class_label, subject", [year_id])


def set_hours(db, year_id: int, *, grade: int, subject: str, hours: float | None, class_label: str = "") -> None:
    """Lessons a week of a subject in a parallel (class_label '') or a class; None removes the row."""
    subject = " ".join(str(subject).split())
    with db.atomic():
        if hours is None:
            db.execute("DELETE FROM curriculum WHERE year_id = ? AND grade = ? AND class_label = ? AND subject = ?",
                       [year_id, grade, class_label, subject])
            return
        if not 0 <= float(hours) <= 20:
            raise UserError(f"{subject}: число часов в неделю должно быть от 0 до 20, указано {hours}.")
        db.execute("INSERT INTO curriculum (year_id, grade, class_label, subject, hours_per_week) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (year_id, grade, class_label, subject) "
                   "DO UPDATE SET hours_per_week = excluded.hours_per_week",
                   [year_id, grade, class_label, subject, float(hours)])


def save_curriculum_table(db, year_id: int, table: list[list[str]], weeks: dict) -> None:
    """The teaching-load form as typed: rows of (parallel, class, subject, hours a week) and the school
    weeks per grade. An empty hours cell removes the row, a row left out of the table is removed too.
    One transaction; a row that cannot be read raises UserError naming it, and nothing is changed."""
    keep = set()
    with db.atomic():
        for r, texts in enumerate(table, start=1):
            texts = [str(t or "").strip() for t in texts]
            if not any(texts):
                continue
            if not texts[0].isdigit() or not 1 <= int(texts[0]) <= 11:
                raise UserError(f"Строка {r}: параллель — число от 1 до 11.")
            if not texts[2]:
                raise UserError(f"Строка {r}: не указан предмет.")
            grade, label = int(texts[0]), texts[1].upper().replace(" ", "")
            hours = None
            if texts[3]:
                try:
                    hours = float(texts[3].replace(",", "."))
                except ValueError:
                    raise UserError(f"Строка {r}: «{texts[3]}» — не число часов.") from None
            set_hours(db, year_id, grade=grade, subject=texts[2], hours=hours, class_label=label)
            if hours is not None:
                keep.add((grade, label, " ".join(texts[2].split())))
        for row in curriculum(db, year_id):
            if (row["grade"], row["class_label"], row["subject"]) not in keep:
                set_hours(db, year_id, grade=row["grade"], subject=row["subject"], hours=None,
                          class_label=row["class_label"])
        save_school_weeks(db, weeks)


def school_calendar(db, year_id: int) -> list[dict]:
    return rows(db, "SELECT * FROM school_calendar WHERE year_id = ? ORDER BY start_date", [year_id])


def add_off_days(db, year_id: int, *, start: str, end: str | None = None, title: str = "",
                 kind: str = "vacation", grades: str = "") -> int:
    end = end or start
    try:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise UserError("Укажите даты начала и окончания каникул в виде ДД.ММ.ГГГГ.") from None
    if a > b:
        raise UserError("Дата окончания раньше даты начала.")
    with db.atomic():
        return db.execute("INSERT INTO school_calendar (year_id, kind, title, start_date, end_date, grades) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (year_id, start_date, end_date, grades) DO UPDATE "
                          "SET title = excluded.title, kind = excluded.kind",
                          [year_id, kind, title, a.isoformat(), b.isoformat(), grades]).lastrowid


def delete_off_days(db, row_id: int) -> None:
    with db.atomic():
        db.execute("DELETE FROM school_calendar WHERE id = ?", [row_id])


def day_lengths(db, year_id: int) -> dict[tuple[str, int], int]:
    return {(r["class_label"], r["weekday"]): r["lessons"]
            for r in rows(db, "SELECT * FROM timetable_day WHERE year_id = ?", [year_id])}


def set_day_length(db, year_id: int, class_label: str, weekday: int, lessons: int | None) -> None:
    with db.atomic():
        if not lessons:
            db.execute("DELETE FROM timetable_day WHERE year_id = ? AND class_label = ? AND weekday = ?",
                       [year_id, class_label, weekday])
        else:
            db.execute("INSERT INTO timetable_day (year_id, class_label, weekday, lessons) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (year_id, class_label, weekday) DO UPDATE SET lessons = excluded.lessons",
                       [year_id, class_label, weekday, int(lessons)])


def school_weeks(db) -> dict[str, int]:
    """School weeks in the year per grade ('1' … '11')."""
    stored = get_setting(db, WEEKS_KEY) or {}
    return {str(g): int(stored.get(str(g), 33 if g == 1 else 34)) for g in range(1, 12)}


def save_school_weeks(db, weeks: dict) -> None:
    clean = {}
    for g, w in weeks.items():
        if not 20 <= int(w) <= 40:
            raise UserError(f"{g} класс: число учебных недель должно быть от 20 до 40, указано {w}.")
        clean[str(g)] = int(w)
    set_setting(db, WEEKS_KEY, clean)


def load_thresholds(db) -> ScheduleThresholds:
    return thresholds_from(get_setting(db, THRESHOLDS_KEY))


def save_thresholds(db, values: dict) -> None:
    th = thresholds_from(values)
    if th.min_gap_days < 1 or not 0 < th.max_share_pct <= 100 or th.max_per_day < 1:
        raise UserError("Пороги графика: промежуток — не меньше 1 дня, доля — от 0 до 100 %, "
                        "работ в день — не меньше 1.")
    set_setting(db, THRESHOLDS_KEY, asdict(th))


# -- the document ---------------------------------------------------------------------------------------

def get_meta(db, year_id: int) -> dict:
    found = rows(db, "SELECT * FROM schedule_meta WHERE year_id = ?", [year_id])
    year = resolve_year(db, year_id)
    meta = found[0] if found else {"year_id": year_id, "title": "", "period_start": None, "period_end": None,
                                   "order_number": "", "order_date": None, "approver_position": "",
                                   "approver_name": "", "approved": 0, "published_url": ""}
    meta["title"] = meta["title"] or f"График оценочных процедур на {year['label']} учебный год"
    meta["period_start"] = meta["period_start"] or year["start_date"]
    meta["period_end"] = meta["period_end"] or _year_end(db, year)
    return meta


def _year_end(db, year: dict) -> str:
    """The last school day: the end of the period «Год» when the year has one, else 31 May (the academic
    year itself runs to 31 August)."""
    found = db.execute("SELECT max(end_date) FROM period WHERE year_id = ? AND kind = 'year'", [year["id"]]).fetchone()
    if found and found[0]:
        return found[0]
    return f"{year['end_date'][:4]}-05-31" if year["end_date"][5:7] in ("07", "08") else year["end_date"]


def save_meta(db, year_id: int, **values) -> None:
    allowed = ("title", "period_start", "period_end", "order_number", "order_date", "approver_position",
               "approver_name", "approved", "published_url")
    meta = get_meta(db, year_id) | {k: v for k, v in values.items() if k in allowed}
    if meta["period_start"] and meta["period_end"] and meta["period_start"] > meta["period_end"]:
        raise UserError("Начало периода графика позже его окончания.")
    if meta["approved"] and not (meta["order_number"] and meta["order_date"]):
        raise UserError("Чтобы отметить график утверждённым, укажите номер и дату приказа.")
    cols = ["year_id", *allowed]
    with db.atomic():
        db.execute(f"INSERT OR REPLACE INTO schedule_meta ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                   [year_id, *[meta[k] if k != "approved" else int(bool(meta[k])) for k in allowed]])


# -- the check ------------------------------------------------------------------------------------------

def check(db, year: str | int | None = None) -> dict:
    """The year's schedule against the rules: {"procedures", "violations", "notes", "year"}."""
    y = resolve_year(db, year)
    items = list_items(db, y["id"])
    result = check_schedule(items, curriculum=curriculum(db, y["id"]), weeks=school_weeks(db),
                            calendar=school_calendar(db, y["id"]), day_lengths=day_lengths(db, y["id"]),
                            thresholds=load_thresholds(db))
    result["year"] = y["label"]
    return result


def status(db, year: str | int | None = None) -> dict:
    """Наличие графика ОП: an approved schedule that covers the whole school year, and its check.

    Returns present (bool), basis (Russian: why), procedures, violations (count) and the check itself.
    """
    try:
        y = resolve_year(db, year)
    except UserError as exc:
        return {"present": False, "basis": str(exc), "procedures": 0, "violations": 0, "check": None}
    meta = get_meta(db, y["id"])
    result = check(db, y["id"])
    own = db.execute("SELECT count(*) FROM schedule_item WHERE year_id = ?", [y["id"]]).fetchone()[0]
    start, end = y["start_date"], _year_end(db, y)
    covers = (meta["period_start"] or "9999") <= _plus_days(start, 14) and (meta["period_end"] or "") >= \
        _plus_days(end, -14)
    if not own:
        present, basis = False, f"в графике на {y['label']} нет ни одной работы школы"
    elif not meta["approved"]:
        present, basis = False, f"график на {y['label']} составлен ({own} работ школы), но не утверждён приказом"
    elif not covers:
        present, basis = False, (f"график утверждён приказом № {meta['order_number']} от {ru_date(meta['order_date'])}, "
                                 f"но охватывает только {ru_date(meta['period_start'])}–{ru_date(meta['period_end'])}, "
                                 "а не весь учебный год")
    else:
        present, basis = True, (f"график утверждён приказом № {meta['order_number']} от "
                                f"{ru_date(meta['order_date'])} и охватывает весь {y['label']} учебный год")
    n = len(result["violations"])
    basis += "; нарушений правил нет" if not n else f"; нарушений правил: {n}"
    return {"present": present, "basis": basis, "procedures": result["procedures"], "violations": n,
            "check": result, "meta": meta, "year": y["label"]}


def _plus_days(iso: str, days: int) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


__all__ = ["ScheduleThresholds", "LEVELS", "FORMS", "resolve_year", "list_items", "add_item", "update_item",
           "delete_items", "copy_to_parallel", "snapshot", "restore", "check", "status"]
