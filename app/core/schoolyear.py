"""The school year and its periods: the one place that decides which year and period a date is in.

The rule: a school year begins on 1 September and ends on 31 August; August belongs to the year
that is ending. A plan or a schedule «for next year» drawn up in August is for the year the user
chooses (``year_choices`` offers both), never guessed from the month.

Labels are written «2025/2026». A period (четверть, триместр, полугодие, год) is found in the
school's own calendar (rows of the ``period`` table); the «current» year is the one of the school
file containing today, else the latest year that has classes, else the latest year.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping

FIRST_MONTH = 9          # September opens a school year
_LABEL = re.compile(r"^\s*(\d{4})\s*/\s*(\d{4})\s*$")


def _date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


def start_year_of(value) -> int:
    """The calendar year in which the school year of a date began: 31.08.2026 → 2025, 01.09.2026 → 2026."""
    d = _date(value)
    return d.year if d.month >= FIRST_MONTH else d.year - 1


def label_of(value) -> str:
    """The school year of a date (ISO text or a date) as «2025/2026»."""
    return label(start_year_of(value))


def label(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


def start_of(year_label: str) -> int:
    """«2025/2026» → 2025; ValueError for anything else."""
    m = _LABEL.match(year_label or "")
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        raise ValueError(year_label)
    return int(m.group(1))


def bounds(year: str | int) -> tuple[_dt.date, _dt.date]:
    """First and last day of a school year (label or start year): 1 September … 31 August."""
    start = start_of(year) if isinstance(year, str) else int(year)
    return _dt.date(start, FIRST_MONTH, 1), _dt.date(start + 1, FIRST_MONTH, 1) - _dt.timedelta(days=1)


def bounds_iso(year: str | int) -> tuple[str, str]:
    lo, hi = bounds(year)
    return lo.isoformat(), hi.isoformat()


def calendar_year_of_month(month: int, start_year: int) -> int:
    """In the school year that began in `start_year`, the calendar year of a month:
    September – December fall in start_year, January – August in the next one."""
    return start_year if month >= FIRST_MONTH else start_year + 1


def exam_year_label(value) -> str:
    """The school year a state exam (ОГЭ / ЕГЭ) belongs to: the one ending in the exam's calendar
    year — the additional days in September close the year that has just ended."""
    y = _date(value).year
    return label(y - 1)


def year_choices(today=None) -> list[str]:
    """Years to offer for a new plan or schedule: the current one and the next, current first."""
    start = start_year_of(today or _dt.date.today())
    return [label(start), label(start + 1)]


# ---------------------------------------------------------------- periods of the school's calendar

def period_of(periods: Iterable[Mapping], value, *, kinds: tuple[str, ...] | None = None) -> Mapping | None:
    """The period (a row with start_date, end_date, kind) containing the date; the shortest one
    when several do (a quarter before its half-year, before the year). Holidays fall in none."""
    day = _date(value).isoformat()
    found = [p for p in periods if p["start_date"] and p["end_date"]
             and p["start_date"] <= day <= p["end_date"] and (kinds is None or p["kind"] in kinds)]
    if not found:
        return None
    return min(found, key=_span)


def _span(p: Mapping) -> int:
    return (_dt.date.fromisoformat(p["end_date"]) - _dt.date.fromisoformat(p["start_date"])).days


# ---------------------------------------------------------------- «current» in a school file

def current_year_id(db, *, today=None) -> int | None:
    """The year containing today, else the latest year that has classes, else the latest year."""
    day = _date(today or _dt.date.today()).isoformat()
    row = db.execute("SELECT id FROM academic_year WHERE start_date <= ? AND ? <= end_date "
                     "ORDER BY label DESC LIMIT 1", [day, day]).fetchone()
    if row is None:
        row = db.execute("SELECT y.id FROM academic_year y WHERE EXISTS (SELECT 1 FROM class_group c "
                         "WHERE c.year_id = y.id) ORDER BY y.label DESC LIMIT 1").fetchone()
    if row is None:
        row = db.execute("SELECT id FROM academic_year ORDER BY label DESC LIMIT 1").fetchone()
    return row[0] if row else None


def current_year(db, *, today=None) -> dict | None:
    """{id, label, start_date, end_date, contains_today} of the current year, None in an empty file."""
    year_id = current_year_id(db, today=today)
    if year_id is None:
        return None
    row = db.execute("SELECT id, label, start_date, end_date FROM academic_year WHERE id = ?",
                     [year_id]).fetchone()
    day = _date(today or _dt.date.today()).isoformat()
    out = dict(zip(("id", "label", "start_date", "end_date"), row))
    out["contains_today"] = bool(out["start_date"] and out["start_date"] <= day <= (out["end_date"] or ""))
    return out


def current_period(db, *, today=None) -> dict | None:
    """The period of the school's calendar containing today (None in holidays or an empty file)."""
    cur = db.execute("SELECT id, year_id, kind, number, label, start_date, end_date FROM period")
    cols = [c[0] for c in cur.description]
    found = period_of([dict(zip(cols, r)) for r in cur], today or _dt.date.today())
    return dict(found) if found else None
