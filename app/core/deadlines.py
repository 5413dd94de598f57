"""Deadlines of plan items as people write them, turned into date ranges.

A deadline is kept as written («ежегодно, апрель», «до 15.05.2025», «октябрь – декабрь») and,
when it can be read, as a range deadline_start … deadline_end (ISO dates). Text without a year is
placed inside the plan's years:

* an academic-year plan (year_to = year_from + 1): September–December fall in year_from,
  January–August in year_to;
* a one-year plan: that calendar year;
* a plan of several calendar years: the month recurs every year, the range runs from its first
  to its last occurrence, and `occurrences()` lists each one (for the quarter filter).

«до …» leaves the start open (None). Phrases of ongoing work («в течение года», «постоянно»,
«по отдельному графику» …) without any date cover the whole plan period. Anything else stays
unparsed (None, None): the item is never overdue and shows in every period.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from . import fmt, schoolyear

MONTH_NAMES = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
               "сентябрь", "октябрь", "ноябрь", "декабрь"]
MONTH_GENITIVE = list(fmt.MONTHS_GENITIVE)

_MONTH_STEMS = [
    ("январ", r"январ[ьяеи]"), ("феврал", r"феврал[ьяеи]"), ("март", r"март[аеу]?"),
    ("апрел", r"апрел[ьяеи]"), ("ма", r"ма[йяею]"), ("июн", r"июн[ьяеи]"), ("июл", r"июл[ьяеи]"),
    ("август", r"август[аеу]?"), ("сентябр", r"сентябр[ьяеи]"), ("октябр", r"октябр[ьяеи]"),
    ("ноябр", r"ноябр[ьяеи]"), ("декабр", r"декабр[ьяеи]"),
]
_MONTH = "(?:" + "|".join(p for _, p in _MONTH_STEMS) + r")(?![а-яё])"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_TOKEN_RE = re.compile(
    r"(?P<iso>(?<!\d)\d{4}-\d{2}-\d{2}(?!\d))"
    r"|(?P<dmy>(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?![\d]))"
    r"|(?P<dm>(?<![\d.])\d{1,2}\.\d{1,2}(?![\d.]))"
    rf"|(?P<dmonth>(?<!\d)\d{{1,2}}\s+(?P<dmonth_m>{_MONTH})(?:\s+(?P<dmonth_y>\d{{4}}))?)"
    rf"|(?P<month>(?<![а-яё])(?P<month_m>{_MONTH})(?:\s+(?P<month_y>\d{{4}}))?)"
    r"|(?P<quarter>(?<![\w])(?P<q>[1-4]|iv|i{1,3})\s*(?:-?[ыийго]{1,2})?\s*квартал[аеу]?(?![а-яё])"
    r"(?:\s+(?P<q_y>\d{4}))?)"
    r"|(?P<year>(?<!\d)(?:19|20)\d{2}(?!\d))",
    re.IGNORECASE,
)
_RANGE_SEP_RE = re.compile(r"^\s*+(?:г\.?|года?)?\s*+(?:-|–|—|по)\s*+$", re.IGNORECASE)
_UNTIL_RE = re.compile(r"(?:^|[\s,;(])(?:до|не позднее)\s*$", re.IGNORECASE)
_ONGOING_RE = re.compile(
    r"в течени|постоянн|ежегодн|ежекварт|ежемесячн|еженедел|регулярн|весь период|всего периода"
    r"|по (?:отдельному )?график|по плану|согласно|по мере|раз[а]? в (?:год|квартал|месяц|четверть|полугодие)"
    r"|систематическ|в соответствии",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PlanYears:
    """The years a plan covers; decides where a deadline without a year falls."""

    year_from: int | None = None
    year_to: int | None = None

    @property
    def academic(self) -> bool:
        return (self.year_from is not None and self.year_to is not None
                and self.year_to == self.year_from + 1)

    def span(self) -> tuple[dt.date, dt.date] | None:
        """The whole plan period as dates, or None when the plan has no years."""
        a, b = self.year_from, self.year_to
        if a is None and b is None:
            return None
        a = a if a is not None else b
        b = b if b is not None else a
        if b == a + 1:
            return schoolyear.bounds(a)
        return dt.date(a, 1, 1), dt.date(b, 12, 31)

    def years_for_month(self, month: int) -> list[int]:
        a, b = self.year_from, self.year_to
        if a is None and b is None:
            return []
        a = a if a is not None else b
        b = b if b is not None else a
        if b == a + 1:
            return [schoolyear.calendar_year_of_month(month, a)]
        return list(range(a, b + 1))


@dataclass
class Deadline:
    start: str | None = None
    end: str | None = None
    occurrences: list[tuple[dt.date | None, dt.date]] = field(default_factory=list)

    @property
    def parsed(self) -> bool:
        return self.end is not None


@dataclass
class _Spec:
    """One date expression: kind 'd' day, 'm' month, 'q' quarter, 'y' year."""

    kind: str
    year: int | None
    month: int = 1      # for 'q' the quarter number
    day: int | None = None
    pos: int = 0
    endpos: int = 0
    open_start: bool = False

    def first_month(self) -> int:
        return (self.month - 1) * 3 + 1 if self.kind == "q" else self.month

    def bounds(self, year: int) -> tuple[dt.date, dt.date]:
        if self.kind == "d":
            d = dt.date(year, self.month, self.day)
            return d, d
        if self.kind == "m":
            return dt.date(year, self.month, 1), _month_end(year, self.month)
        if self.kind == "q":
            m1 = (self.month - 1) * 3 + 1
            return dt.date(year, m1, 1), _month_end(year, m1 + 2)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_number(word: str) -> int:
    w = word.lower()
    for i, (stem, _) in enumerate(_MONTH_STEMS):
        if stem == "ма":
            if re.fullmatch(r"ма[йяею]", w):
                return i + 1
        elif w.startswith(stem):
            return i + 1
    raise ValueError(word)


def _full_year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _spec_from_match(m: re.Match) -> _Spec | None:
    g = m.groupdict()
    try:
        if g["iso"]:
            d = dt.date.fromisoformat(g["iso"])
            return _Spec("d", d.year, d.month, d.day)
        if g["dmy"]:
            dd, mm, yy = g["dmy"].split(".")
            d = dt.date(_full_year(yy), int(mm), int(dd))
            return _Spec("d", d.year, d.month, d.day)
        if g["dm"]:
            dd, mm = (int(x) for x in g["dm"].split("."))
            dt.date(2000, mm, dd)  # validates (leap year allows 29.02)
            return _Spec("d", None, mm, dd)
        if g["dmonth"]:
            day = int(g["dmonth"].split()[0])
            month = _month_number(g["dmonth_m"])
            dt.date(2000, month, day)
            return _Spec("d", int(g["dmonth_y"]) if g["dmonth_y"] else None, month, day)
        if g["month"]:
            return _Spec("m", int(g["month_y"]) if g["month_y"] else None, _month_number(g["month_m"]))
        if g["quarter"]:
            q = g["q"].lower()
            number = int(q) if q.isdigit() else _ROMAN[q]
            return _Spec("q", int(g["q_y"]) if g["q_y"] else None, number)
        if g["year"]:
            return _Spec("y", int(g["year"]))
    except ValueError:
        return None
    return None


def _scan(text: str) -> list[_Spec]:
    specs = []
    for m in _TOKEN_RE.finditer(text):
        spec = _spec_from_match(m)
        if spec is None:
            continue
        spec.pos, spec.endpos = m.start(), m.end()
        spec.open_start = bool(_UNTIL_RE.search(text[max(0, m.start() - 14):m.start()]))
        specs.append(spec)
    return specs


def _group(text: str, specs: list[_Spec]) -> list[tuple[_Spec, _Spec]]:
    """Pair specs joined by a dash («октябрь – декабрь») into ranges; others stand alone."""
    groups: list[tuple[_Spec, _Spec]] = []
    i = 0
    while i < len(specs):
        a = specs[i]
        if i + 1 < len(specs) and _RANGE_SEP_RE.match(text[a.endpos:specs[i + 1].pos]):
            groups.append((a, specs[i + 1]))
            i += 2
        else:
            groups.append((a, a))
            i += 1
    return groups


def _resolve(a: _Spec, b: _Spec, years: PlanYears) -> list[tuple[dt.date | None, dt.date]]:
    """All occurrences of the range a … b, years taken from the text or from the plan."""
    if a.kind == "y" and b.kind == "y":
        return [(a.bounds(a.year)[0], b.bounds(b.year)[1])]
    if a is not b and a.year is None and b.year is not None:
        start_year = b.year - (1 if a.first_month() > b.first_month() else 0)
        starts = [start_year]
    elif a.year is not None:
        starts = [a.year]
    else:
        starts = years.years_for_month(a.first_month())
    out = []
    for y in starts:
        if a is b:
            lo, hi = a.bounds(y)
        else:
            y2 = b.year if b.year is not None else y + (1 if b.first_month() < a.first_month() else 0)
            lo, hi = a.bounds(y)[0], b.bounds(y2)[1]
        if hi < lo:
            continue
        out.append((None if a.open_start else lo, hi))
    return out


def parse_deadline(text: str, years: PlanYears | None = None) -> Deadline:
    """Read a deadline as written; see the module docstring for the rules."""
    years = years or PlanYears()
    text = (text or "").strip()
    if not text:
        return Deadline()
    occurrences: list[tuple[dt.date | None, dt.date]] = []
    for a, b in _group(text, _scan(text)):
        occurrences.extend(_resolve(a, b, years))
    if not occurrences:
        span = years.span()
        if span is None or not _ONGOING_RE.search(text):
            return Deadline()
        occurrences = [span]
    ends = [hi for _, hi in occurrences]
    starts = [lo for lo, _ in occurrences]
    start = None if any(s is None for s in starts) else min(starts)
    return Deadline(start.isoformat() if start else None, max(ends).isoformat(), occurrences)


def overlaps(deadline: Deadline, lo: dt.date, hi: dt.date, years: PlanYears | None = None) -> bool:
    """Does any occurrence of the deadline touch the period lo … hi? Unparsed: always yes.

    An open start («до …») counts from the start of the plan period.
    """
    if not deadline.occurrences:
        return True
    span = (years or PlanYears()).span()
    for start, end in deadline.occurrences:
        if start is None:
            start = span[0] if span else dt.date.min
        if start <= hi and end >= lo:
            return True
    return False


# --- periods: 'YYYY-Qn' calendar quarters, 'YYYY' calendar years, 'YYYY/YYYY' academic years ---

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[QqКк]([1-4])\s*$")
_ACADEMIC_RE = re.compile(r"^\s*(\d{4})\s*/\s*(\d{4})\s*$")
_YEAR_ONLY_RE = re.compile(r"^\s*(\d{4})\s*$")
QUARTER_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    m1 = (quarter - 1) * 3 + 1
    return dt.date(year, m1, 1), _month_end(year, m1 + 2)


def parse_period(period: str) -> tuple[dt.date, dt.date, str]:
    """'2025-Q1' / '2025' / '2024/2025' → (start, end, Russian label); ValueError otherwise."""
    m = _QUARTER_RE.match(period or "")
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        lo, hi = quarter_bounds(y, q)
        return lo, hi, f"{QUARTER_ROMAN[q]} квартал {y} года"
    m = _ACADEMIC_RE.match(period or "")
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        a, b = int(m.group(1)), int(m.group(2))
        return (*schoolyear.bounds(a), f"{a}/{b} учебный год")
    m = _YEAR_ONLY_RE.match(period or "")
    if m:
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y} год"
    raise ValueError(period)


def quarters_between(lo: dt.date, hi: dt.date) -> list[str]:
    """Period keys 'YYYY-Qn' of every calendar quarter touching lo … hi."""
    out = []
    y, q = lo.year, (lo.month - 1) // 3 + 1
    while quarter_bounds(y, q)[0] <= hi:
        out.append(f"{y}-Q{q}")
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return out


def quarter_label(key: str) -> str:
    return parse_period(key)[2]


def format_date(iso: str | None) -> str:
    """'2025-05-15' → '15.05.2025'; '' for None (the rule is fmt.date)."""
    return fmt.date(iso)


def format_date_long(iso: str | None) -> str:
    """'2025-08-29' → '«29» августа 2025 г.'; a blank to fill by hand for None (fmt.date_signed)."""
    return fmt.date_signed(iso)


def parse_user_date(text: str) -> str | None:
    """'15.05.2025', '15.05.25' or ISO → ISO string; '' → None; ValueError if unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


def describe(deadline: Deadline) -> str:
    """A short Russian reading of a parsed deadline for the editor («с 01.04.2025 по 30.04.2025»)."""
    if not deadline.parsed:
        return "срок не распознан как дата: просрочка не отслеживается"
    end = format_date(deadline.end)
    if deadline.start is None:
        return f"до {end}"
    if deadline.start == deadline.end:
        return end
    return f"с {format_date(deadline.start)} по {end}"
