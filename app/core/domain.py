"""The vocabulary of «Объектив» (DESIGN §4): codes used in the DB and their Russian labels."""
from __future__ import annotations

import re
from dataclasses import dataclass

PROCEDURE_LABELS = {
    "vpr": "ВПР", "oge": "ОГЭ", "ege": "ЕГЭ", "rdr": "РДР", "niko": "НИКО", "msi": "МСИ",
    "internal": "внутренняя",
}

PERIOD_KIND_LABELS = {"quarter": "четверть", "trimester": "триместр", "half": "полугодие", "year": "год"}

PLAN_STATUS_LABELS = {
    "planned": "запланировано",
    "in_progress": "выполняется",
    "done": "выполнено",
    "cancelled": "отменено",
}

FLAG_LEVEL_LABELS = {"attention": "внимание", "risk": "риск"}

REFERENCE_LEVEL_LABELS = {"municipality": "муниципалитет", "region": "регион", "russia": "Россия"}

COMPARISON_LABELS = {
    "lowered": "Понизили (Отметка < Отметка по журналу)",
    "confirmed": "Подтвердили (Отметка = Отметка по журналу)",
    "raised": "Повысили (Отметка > Отметка по журналу)",
}

CHECKED_BY_LABELS = {"school": "школа", "municipal": "муниципальная комиссия"}


@dataclass(frozen=True)
class Flag:
    """A sign of non-objectivity (признак необъективности) with a reason a deputy can read aloud."""

    code: str
    level: str
    reason: str
    procedure: str = ""      # «ВПР», «ОГЭ» …
    subject: str = ""
    class_label: str = ""    # «5А» or '' for school-wide flags
    year: str = ""
    grade: int | None = None
    procedure_id: int | None = None

    def as_json(self) -> dict:
        return {
            "code": self.code, "level": self.level, "class": self.class_label,
            "subject": self.subject, "procedure": self.procedure, "reason": self.reason,
            "year": self.year, "grade": self.grade, "procedure_id": self.procedure_id,
        }


_YEAR_RE = re.compile(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$")


def normalise_year_label(text: str) -> str:
    """'2024-25', '2024/2025', '2024 – 2025' → '2024/2025'; raise ValueError otherwise."""
    m = _YEAR_RE.match(text.strip())
    if not m:
        raise ValueError(text)
    start = int(m.group(1))
    end = m.group(2)
    end_full = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if end_full != start + 1:
        raise ValueError(text)
    return f"{start}/{end_full}"


def class_label(grade: int, letter: str) -> str:
    return f"{grade}{letter}"


_CLASS_RE = re.compile(r"^\s*(\d{1,2})\s*[-–]?\s*[«\"]?([А-ЯЁA-Z]?)[»\"]?\s*$", re.IGNORECASE)


def parse_class_label(text: str) -> tuple[int, str] | None:
    """'5А', '5 а', '5-«А»', '11' → (grade, upper letter); None if it is not a class label."""
    m = _CLASS_RE.match(str(text))
    if not m:
        return None
    grade = int(m.group(1))
    if not 1 <= grade <= 11:
        return None
    return grade, m.group(2).upper()
