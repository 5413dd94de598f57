"""Russian formatting of numbers, percents, file sizes and dates — the one place that decides it.

Every screen, report and message writes these through the functions here, so a figure reads the
same wherever it appears:

* numbers: a decimal comma and a narrow no-break space between thousands — «1 234,5»;
* percents: one decimal at most, a trailing «,0» dropped, a space before the sign —
  «25 %», «46,2 %»; a share (0.25) and a percent (25.0) are told apart by the function called;
* file sizes: binary kilobytes (1 КБ = 1024 байт), one decimal, a trailing «,0» dropped —
  3,721 bytes is «3,6 КБ» in the program, in every report and in the packet;
* dates: «15.04.2026», in words «15 апреля 2026 г.», and ««15» апреля 2026 г.» on the approval
  line of a document.
"""
from __future__ import annotations

import datetime as _dt

THIN = "\u202f"      # narrow no-break space: thousands
UNIT_SPACE = " "           # between a number and its unit: a plain space, as the documents write it

MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                   "сентября", "октября", "ноября", "декабря")
MONTHS_NOMINATIVE = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                     "сентябрь", "октябрь", "ноябрь", "декабрь")
BLANK_DATE = "«____» ______________ 20___ г."


# ---------------------------------------------------------------- numbers

def number(value: float | int | None, decimals: int = 0, *, trim: bool = False, empty: str = "") -> str:
    """1234.5 → «1 234,5» (decimals 1); None → `empty`. trim drops a trailing «,0»."""
    if value is None:
        return empty
    if round(value, decimals) == 0:
        value = 0                                   # never «-0»
    text = f"{value:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", THIN).replace(".", ",")


def count(value: int | None, empty: str = "") -> str:
    """A whole count with thousands apart: 12345 → «12 345»."""
    return number(value, 0, empty=empty)


def percent(value: float | None, *, empty: str = "—") -> str:
    """A percent (25.0) → «25 %», 46.153 → «46,2 %»: one decimal, a trailing «,0» dropped."""
    if value is None:
        return empty
    return f"{number(round(float(value), 1), 1, trim=True)}{UNIT_SPACE}%"


def share(value: float | None, *, empty: str = "—") -> str:
    """A share (0.25) written as a percent: «25 %»."""
    return empty if value is None else percent(100.0 * value)


def percent_of(part: int, whole: int, *, empty: str = "—") -> str:
    """part of whole as a percent («7 из 28» → «25 %»); `empty` when whole is 0."""
    return percent(100.0 * part / whole) if whole else empty


def points(value: float | None, *, empty: str = "—") -> str:
    """A difference in percentage points: +20.0 → «+20 п.п.»."""
    if value is None:
        return empty
    sign = "+" if value > 0 else ""
    return f"{sign}{number(round(float(value), 1), 1, trim=True)}{UNIT_SPACE}п.п."


# ---------------------------------------------------------------- file sizes

_UNITS = (("ГБ", 1024 ** 3), ("МБ", 1024 ** 2), ("КБ", 1024))


def file_size(n: int | None, *, empty: str = "объём неизвестен") -> str:
    """Bytes → «3,6 КБ», «1,2 МБ», «812 байт»: binary units, one decimal, a trailing «,0» dropped.

    The decimal is rounded half up from the exact value, so the same file reads the same in the
    program, in the reports and in the packet."""
    if n is None:
        return empty
    n = int(n)
    for unit, size in _UNITS:
        if n >= size:
            tenths = (n * 10 + size // 2) // size        # half up, in integers: no float drift
            return f"{number(tenths / 10, 1, trim=True)}{UNIT_SPACE}{unit}"
    return f"{n}{UNIT_SPACE}{_plural(n, 'байт', 'байта', 'байт')}"


def megabytes(n: int) -> str:
    """A limit or a large size in whole-or-tenth megabytes: 20 MiB → «20 МБ»."""
    tenths = (int(n) * 10 + 1024 ** 2 // 2) // 1024 ** 2
    return f"{number(tenths / 10, 1, trim=True)}{UNIT_SPACE}МБ"


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


# ---------------------------------------------------------------- dates

def _as_date(value) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _dt.date.fromisoformat(str(value)[:10])


def date(value, *, empty: str = "") -> str:
    """'2026-04-15' (or a date) → «15.04.2026»; `empty` for None; text that is no date stays as is."""
    try:
        d = _as_date(value)
    except ValueError:
        return str(value)
    return empty if d is None else f"{d.day:02d}.{d.month:02d}.{d.year}"


def date_long(value, *, empty: str = "") -> str:
    """'2026-04-15' → «15 апреля 2026 г.»."""
    try:
        d = _as_date(value)
    except ValueError:
        return str(value)
    return empty if d is None else f"{d.day} {MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def date_signed(value) -> str:
    """The date of an approval line: «29» августа 2025 г.; a blank to fill by hand for None."""
    d = _as_date(value)
    if d is None:
        return BLANK_DATE
    return f"«{d.day:02d}» {MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def date_time(value) -> str:
    """A moment (datetime or ISO text) → «15.04.2026 10:30»; unreadable text stays as is."""
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return f"{date(value)} {value:%H:%M}"


def date_range(start, end) -> str:
    """«с 01.09.2025 по 31.08.2026»."""
    return f"с {date(start)} по {date(end)}"
