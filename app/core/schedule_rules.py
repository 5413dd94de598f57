"""The federal rules for a schedule of assessment procedures, checked over plain data.

The rules (letters of Минпросвещения № СК-228/03 and Рособрнадзор № 01-169/08-01 of 06.08.2021): per
subject not more often than once in 2.5 weeks (schools count 17 days); not more than 10 % of the year's
lessons of the subject; not more than one procedure a day for a class; not on the first or the last
lesson, except a subject with at most one lesson a week; and, obviously, not on a vacation day or a
holiday. Every threshold is a setting (``ScheduleThresholds``) with these defaults.

``check_schedule`` takes dicts, not a database, so the page, the CLI and the packet ask the same
function and tests can hand it a schedule written by hand.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

from . import fmt

RULES = ("one_per_day", "too_frequent", "over_share", "first_or_last_lesson", "holiday")
RULE_LABELS = {
    "one_per_day": "больше одной работы в день",
    "too_frequent": "чаще одного раза в 2,5 недели",
    "over_share": "больше 10 % учебного времени",
    "first_or_last_lesson": "на первом или последнем уроке",
    "holiday": "в каникулы или праздник",
}
WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
# ГИА is written after the lessons are over and is not a lesson of the school's timetable.
UNCHECKED_FORMS = ("ОГЭ", "ЕГЭ", "ГВЭ")


@dataclass(frozen=True)
class ScheduleThresholds:
    min_gap_days: int = 17            # same subject, same class: at least this many days apart
    max_share_pct: float = 10.0       # procedures × duration ≤ this share of the year's lessons
    max_per_day: int = 1              # procedures a day for one class
    check_first_last: bool = True     # forbid the first and the last lesson
    one_lesson_exception: float = 1.0  # … except a subject with at most this many lessons a week


THRESHOLD_DESCRIPTIONS = (
    ("min_gap_days", "Наименьший промежуток между работами по одному предмету в классе", "дн."),
    ("max_share_pct", "Наибольшая доля учебного времени предмета на оценочные процедуры", "%"),
    ("max_per_day", "Наибольшее число оценочных процедур в день в одном классе", ""),
    ("check_first_last", "Не проводить на первом и последнем уроке", ""),
    ("one_lesson_exception", "Исключение для предметов с числом уроков в неделю не больше", "ч."),
)


def thresholds_from(values: dict | None) -> ScheduleThresholds:
    """Thresholds from stored values; unknown keys ignored, bad values replaced by defaults."""
    base = asdict(ScheduleThresholds())
    for f in fields(ScheduleThresholds):
        v = (values or {}).get(f.name)
        if v is None:
            continue
        try:
            base[f.name] = bool(v) if f.type in ("bool", bool) else type(base[f.name])(v)
        except (TypeError, ValueError):
            continue
    return ScheduleThresholds(**base)


def _num(x: float) -> str:
    return (f"{x:.1f}".rstrip("0").rstrip(".")).replace(".", ",")


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


def ru_date(iso: str) -> str:
    return fmt.date(iso) if iso and len(iso) >= 10 else str(iso)


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def hours_for(curriculum: list[dict], class_label: str, grade: int, subject: str) -> float | None:
    """Lessons a week of a subject in a class: the class's own row, else its parallel's."""
    subject_key = subject.strip().lower()
    best = None
    for row in curriculum:
        if row["grade"] != grade or row["subject"].strip().lower() != subject_key:
            continue
        if row.get("class_label") == class_label:
            return float(row["hours_per_week"])
        if not row.get("class_label"):
            best = float(row["hours_per_week"])
    return best


def weeks_for(weeks: dict, grade: int) -> int:
    """School weeks in the year: 33 in grade 1, 34 otherwise, unless the school says otherwise."""
    for key in (str(grade), grade):
        if key in weeks:
            return int(weeks[key])
    return 33 if grade == 1 else 34


def _off_day(calendar: list[dict], grade: int, day: str) -> dict | None:
    for c in calendar:
        grades = [g.strip() for g in str(c.get("grades") or "").split(",") if g.strip()]
        if grades and str(grade) not in grades:
            continue
        if c["start_date"] <= day <= c["end_date"]:
            return c
    return None


def _v(rule: str, items: list[dict], reason: str, *, dates=None) -> dict:
    first = items[0]
    return {"rule": rule, "class": first["class_label"],
            "subject": ", ".join(dict.fromkeys(i["subject"] for i in items)),
            "dates": sorted(set(dates or (i["date"] for i in items))), "reason": reason,
            "items": [i.get("key") for i in items]}


def checked_items(items: list[dict]) -> list[dict]:
    """The procedures the rules apply to: everything except ГИА (written outside the timetable)."""
    return [i for i in items if i.get("form") not in UNCHECKED_FORMS]


def check_schedule(items: list[dict], *, curriculum: list[dict] | None = None, weeks: dict | None = None,
                   calendar: list[dict] | None = None, day_lengths: dict | None = None,
                   thresholds: ScheduleThresholds | None = None) -> dict:
    """Check a schedule; returns {"procedures": n, "violations": [...], "notes": [...]}.

    items: dicts with class_label, grade, subject, date (ISO), lesson (or None), duration, form and a
    ``key`` the caller uses to find the item again. day_lengths: {(class_label, weekday 1…6): lessons}.
    A violation: rule, class, subject, dates, reason (Russian) and items (the keys of the items).
    """
    th = thresholds or ScheduleThresholds()
    curriculum, weeks = curriculum or [], weeks or {}
    calendar, day_lengths = calendar or [], day_lengths or {}
    own = checked_items(items)
    violations: list[dict] = []
    notes: list[str] = []
    by_class: dict[str, list[dict]] = {}
    for it in own:
        by_class.setdefault(it["class_label"], []).append(it)
    for label in sorted(by_class, key=_class_key):
        mine = sorted(by_class[label], key=lambda i: (i["date"], i.get("lesson") or 0, i["subject"]))
        violations += _one_per_day(mine, th)
        violations += _too_frequent(mine, th)
        found, missing = _over_share(mine, th, curriculum, weeks)
        violations += found
        notes += missing
        violations += _first_or_last(mine, th, curriculum, day_lengths)
        violations += _holiday(mine, calendar)
    order = {r: n for n, r in enumerate(RULES)}
    violations.sort(key=lambda v: (_class_key(v["class"]), v["dates"][0] if v["dates"] else "", order[v["rule"]]))
    return {"procedures": len(items), "violations": violations, "notes": notes}


def _class_key(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 99, label)


def _one_per_day(mine: list[dict], th: ScheduleThresholds) -> list[dict]:
    out, by_day = [], {}
    for it in mine:
        by_day.setdefault(it["date"], []).append(it)
    for day, group in sorted(by_day.items()):
        if len(group) > th.max_per_day:
            names = ", ".join(f"{g['subject']} ({g.get('form') or 'работа'})" for g in group)
            limit = "одной" if th.max_per_day == 1 else str(th.max_per_day)
            out.append(_v("one_per_day", group,
                          f"{group[0]['class_label']}: {ru_date(day)} назначено {len(group)} "
                          f"{_plural(len(group), 'оценочная процедура', 'оценочные процедуры', 'оценочных процедур')} "
                          f"— {names}; допускается не более {limit} в день."))
    return out


def _too_frequent(mine: list[dict], th: ScheduleThresholds) -> list[dict]:
    out, by_subject = [], {}
    for it in mine:
        by_subject.setdefault(it["subject"].strip().lower(), []).append(it)
    for group in by_subject.values():
        group.sort(key=lambda i: i["date"])
        for a, b in zip(group, group[1:]):
            gap = (_day(b["date"]) - _day(a["date"])).days
            if gap < th.min_gap_days:
                out.append(_v("too_frequent", [a, b],
                              f"{a['class_label']}, {a['subject']}: работы {ru_date(a['date'])} и "
                              f"{ru_date(b['date'])} — через {gap} дн.; по одному предмету не чаще одного "
                              f"раза в 2,5 недели (не менее {th.min_gap_days} дн.)."))
    return out


def _over_share(mine: list[dict], th, curriculum, weeks) -> tuple[list[dict], list[str]]:
    out, notes, by_subject = [], [], {}
    for it in mine:
        by_subject.setdefault(it["subject"].strip().lower(), []).append(it)
    for group in by_subject.values():
        first = group[0]
        hours = hours_for(curriculum, first["class_label"], first["grade"], first["subject"])
        if hours is None:
            notes.append(f"{first['class_label']}, {first['subject']}: нет числа часов в неделю в учебном "
                         "плане — долю учебного времени проверить нельзя.")
            continue
        year_lessons = hours * weeks_for(weeks, first["grade"])
        used = sum(int(i.get("duration") or 1) for i in group)
        limit = year_lessons * th.max_share_pct / 100.0
        if used > limit + 1e-9:
            share = 100.0 * used / year_lessons if year_lessons else 100.0
            out.append(_v("over_share", group,
                          f"{first['class_label']}, {first['subject']}: на оценочные процедуры отведено "
                          f"{used} ур. из {_num(year_lessons)} за год ({_num(round(share, 1))} %); допускается "
                          f"не более {_num(th.max_share_pct)} % ({_num(limit)} ур.)."))
    return out, notes


def _first_or_last(mine: list[dict], th, curriculum, day_lengths) -> list[dict]:
    if not th.check_first_last:
        return []
    out = []
    for it in mine:
        lesson = it.get("lesson")
        if not lesson:
            continue
        end = lesson + int(it.get("duration") or 1) - 1
        weekday = _day(it["date"]).isoweekday()
        length = day_lengths.get((it["class_label"], weekday))
        where = None
        if lesson == 1:
            where = "первом уроке"
        elif length and end >= length:
            where = f"последнем уроке ({length}-й урок в {WEEKDAYS_SHORT[weekday - 1]})"
        if where is None:
            continue
        hours = hours_for(curriculum, it["class_label"], it["grade"], it["subject"])
        if hours is not None and hours <= th.one_lesson_exception:
            continue
        out.append(_v("first_or_last_lesson", [it],
                      f"{it['class_label']}, {it['subject']}: {ru_date(it['date'])} работа на {where}; "
                      "на первом и последнем уроках оценочные процедуры не проводятся (кроме предметов "
                      "с одним уроком в неделю)."))
    return out


def _holiday(mine: list[dict], calendar) -> list[dict]:
    out = []
    for it in mine:
        day = _day(it["date"])
        off = _off_day(calendar, it["grade"], it["date"])
        if off is not None:
            what = off.get("title") or ("каникулы" if off.get("kind") == "vacation" else "праздничный день")
            text = f"{it['class_label']}, {it['subject']}: {ru_date(it['date'])} — {what}; в этот день " \
                   "уроков нет."
        elif day.isoweekday() == 7:
            text = f"{it['class_label']}, {it['subject']}: {ru_date(it['date'])} — воскресенье; в этот день " \
                   "уроков нет."
        else:
            continue
        out.append(_v("holiday", [it], text))
    return out

