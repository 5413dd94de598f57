"""The demo school's schedule of assessment procedures for its latest year.

Built by rule, not by hand: the school calendar (vacations and holidays), the curriculum, the length of
each class's day, then for every class from grade 2 the usual school works (входные, полугодовые,
итоговые по русскому языку и математике, one work a half-year in the other subjects), each placed on
the first day of its window that keeps every rule. Two deliberate violations are planted, as the
deputy's draft would have them: 5А writes «Литература» on the day of its ВПР in Russian
(``one_per_day``), and 7Б writes two «Математика» works nine days apart (``too_frequent``).
The schedule is approved by order № 97 of 29.08.2025 for the whole year.
"""
from __future__ import annotations

import datetime as dt

from . import schedule as sch
from .schedule_rules import check_schedule

CALENDAR = (  # (kind, title, start, end, grades)
    ("vacation", "осенние каникулы", "2025-10-25", "2025-11-04", ""),
    ("vacation", "зимние каникулы", "2025-12-27", "2026-01-11", ""),
    ("vacation", "дополнительные каникулы для 1 класса", "2026-02-14", "2026-02-22", "1"),
    ("holiday", "День защитника Отечества", "2026-02-23", "2026-02-23", ""),
    ("holiday", "выходной день (перенос с 8 марта)", "2026-03-09", "2026-03-09", ""),
    ("vacation", "весенние каникулы", "2026-03-21", "2026-03-29", ""),
    ("holiday", "Праздник Весны и Труда", "2026-05-01", "2026-05-01", ""),
    ("holiday", "выходной день (перенос с 9 мая)", "2026-05-11", "2026-05-11", ""),
)
# lessons a week: {subject: ((first grade, last grade, hours), ...)}
HOURS = {
    "Русский язык": ((1, 4, 5), (5, 5, 5), (6, 6, 6), (7, 7, 4), (8, 9, 3), (10, 11, 2)),
    "Литература": ((5, 6, 3), (7, 8, 2), (9, 11, 3)),
    "Литературное чтение": ((1, 4, 4),),
    "Математика": ((1, 4, 4), (5, 9, 5), (10, 11, 5)),
    "Окружающий мир": ((1, 4, 2),),
    "История": ((5, 9, 2), (10, 11, 2)),
    "Обществознание": ((6, 9, 1), (10, 11, 2)),
    "Биология": ((5, 6, 1), (7, 9, 2), (10, 11, 1)),
    "Физика": ((7, 8, 2), (9, 9, 3), (10, 11, 2)),
    "Английский язык": ((2, 11, 3),),
}
# (window start, window end, subjects, form); subjects '*' = one other subject of the class, in turn
WINDOWS = (
    ("2025-09-15", "2025-09-26", ("Русский язык", "Математика"), "входная контрольная работа"),
    ("2025-10-06", "2025-10-24", ("*",), "контрольная работа"),
    ("2025-11-17", "2025-11-28", ("*",), "контрольная работа"),
    ("2025-12-08", "2025-12-24", ("Русский язык", "Математика"), "контрольная работа за полугодие"),
    ("2026-02-02", "2026-02-20", ("*",), "контрольная работа"),
    ("2026-03-02", "2026-03-13", ("*",), "диагностическая работа"),
    ("2026-05-12", "2026-05-21", ("Русский язык", "Математика"), "итоговая контрольная работа"),
)
FEDERAL = (  # (grade, subject, date, form)
    (11, "Русский язык", "2025-12-03", "итоговое сочинение"),
    (9, "Русский язык", "2026-02-11", "итоговое собеседование"),
)
PLANTED = (
    ("5А", "Литература", "2026-04-07", 3, "контрольная работа"),     # the day of ВПР «Русский язык»
    ("7Б", "Математика", "2025-12-15", 3, "контрольная работа"),
    ("7Б", "Математика", "2025-12-24", 3, "контрольная работа"),     # nine days later
)


def _hours(subject: str, grade: int) -> float | None:
    for lo, hi, h in HOURS.get(subject, ()):
        if lo <= grade <= hi:
            return h
    return None


def _day_length(grade: int, weekday: int) -> int:
    if grade <= 4:
        return 5 if weekday in (1, 3) else 4
    if grade <= 6:
        return 6 if weekday in (1, 2, 4) else 5
    return 7 if weekday in (2, 4) else 6


def add_demo_schedule(db) -> None:
    """Write the schedule of the latest year (call on a freshly built demo school)."""
    year = sch.resolve_year(db)
    year_id = year["id"]
    classes = [(r[0], r[1]) for r in db.execute("SELECT label, grade FROM class_group WHERE year_id = ?", [year_id])]
    classes.sort(key=lambda c: sch.class_sort_key(c[0]))
    with db.atomic():
        for kind, title, start, end, grades in CALENDAR:
            sch.add_off_days(db, year_id, start=start, end=end, title=title, kind=kind, grades=grades)
        for subject, spans in HOURS.items():
            for lo, hi, h in spans:
                for grade in range(lo, hi + 1):
                    sch.set_hours(db, year_id, grade=grade, subject=subject, hours=h)
        for label, grade in classes:
            for weekday in range(1, 6):
                sch.set_day_length(db, year_id, label, weekday, _day_length(grade, weekday))
        _place_works(db, year_id, classes)
        for label, subject, date, lesson, form in PLANTED:
            sch.add_item(db, year_id, class_label=label, subject=subject, date=date, lesson=lesson, form=form)
        sch.save_meta(db, year_id, approved=1, order_number="97", order_date="2025-08-29",
                      published_url="https://school.example/sveden/document")


def _place_works(db, year_id: int, classes: list[tuple[str, int]]) -> None:
    context = {"curriculum": sch.curriculum(db, year_id), "weeks": sch.school_weeks(db),
               "calendar": sch.school_calendar(db, year_id), "day_lengths": sch.day_lengths(db, year_id)}
    planted = {(label, subject) for label, subject, *_ in PLANTED}
    for grade, subject, date, form in FEDERAL:
        for label, g in classes:
            if g == grade:
                sch.add_item(db, year_id, class_label=label, subject=subject, date=date, lesson=2, duration=4
                             if form == "итоговое сочинение" else 1, level="federal", form=form)
    for label, grade in classes:
        if grade < 2:
            continue
        others = [s for s in HOURS if _hours(s, grade) and s not in ("Русский язык", "Математика")]
        turn = 0
        for start, end, subjects, form in WINDOWS:
            for subject in subjects:
                if subject == "*":
                    subject, turn = others[turn % len(others)], turn + 1
                if (label, subject) in planted and form == "контрольная работа за полугодие":
                    continue                         # the planted works stand in its place
                _place_one(db, year_id, label, grade, subject, start, end, form, context)


def _place_one(db, year_id, label, grade, subject, start, end, form, context) -> None:
    """Put a work on the first day of its window where the class's schedule stays clean."""
    day = dt.date.fromisoformat(start)
    last = dt.date.fromisoformat(end)
    mine = [i for i in sch.list_items(db, year_id) if i["class_label"] == label]
    lesson = 2 + (grade + len(mine)) % 3          # 2nd, 3rd or 4th lesson: never the first or the last
    while day <= last:
        if day.isoweekday() <= 5:
            trial = {"key": "new", "class_label": label, "grade": grade, "subject": subject,
                     "date": day.isoformat(), "lesson": lesson, "duration": 1, "form": form}
            if not check_schedule(mine + [trial], **context)["violations"]:
                sch.add_item(db, year_id, class_label=label, subject=subject, date=day.isoformat(), lesson=lesson,
                             form=form)
                return
        day += dt.timedelta(days=1)
