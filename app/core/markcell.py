"""What a mark cell means: one reading for the journal, ВПР, ГИА files and manual entry.

A cell is one of three things:

* a mark 2–5: 5, 5.0, «5», « 4 », «4,0», and a mark with a sign «5-», «4+» (the sign is dropped:
  the journal keeps whole marks);
* no mark, and that is not an error: an empty cell, «н/а» (не аттестован), «осв» (освобождён),
  «зач» / «незач» (зачёт), «нет отметки», «-», «—», «X» (not done), «н» (absent), «б/о» …;
* not a mark: anything else («1», «7», «4,5», «отл»), with a Russian reason saying why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MARK = "mark"
NO_MARK = "no_mark"
INVALID = "invalid"

# what a cell says when it carries no mark on purpose
_NO_MARK = [
    (re.compile(r"^(?:н\s*/\s*а\.?|н\.?\s*а\.?|не\s*аттест\w*\.?|на)$"), "не аттестован"),
    (re.compile(r"^(?:осв\.?|освоб\w*\.?)$"), "освобождён"),
    (re.compile(r"^(?:зач\.?|зачтено|зачет)$"), "зачёт"),
    (re.compile(r"^(?:незач\.?|не\s*зачтено|незачет|н/з|нз)$"), "незачёт"),
    (re.compile(r"^(?:нет(?:\s+отметки)?|без\s+отметки|б/о|бо)$"), "нет отметки"),
    (re.compile(r"^(?:-|—|–|x|х)$"), "не выполнялось"),
    (re.compile(r"^(?:н|н/я|отс\.?)$"), "отсутствовал"),
    (re.compile(r"^(?:усвоил\w*|не\s*изуч\w*)$"), "без отметки"),
]
_SIGNED = re.compile(r"^([2-5])\s*[+\-−]$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass(frozen=True)
class MarkCell:
    kind: str                 # MARK, NO_MARK or INVALID
    mark: int | None = None
    note: str = ""            # NO_MARK: what the cell says («освобождён»); INVALID: the reason
    problem: str = ""         # INVALID: the reason without the cell's text («вне допустимого …»)

    @property
    def is_mark(self) -> bool:
        return self.kind == MARK

    @property
    def invalid(self) -> bool:
        return self.kind == INVALID


_EMPTY = MarkCell(NO_MARK, None, "")
_MARKS = {m: MarkCell(MARK, m) for m in (2, 3, 4, 5)}


def _text(value) -> str:
    return " ".join(str(value).lower().replace("ё", "е").split())


def read_mark(value) -> MarkCell:
    """Read one cell (a number, a text or None); see the module docstring."""
    if type(value) is int:                                   # the common case first: it is cheap
        found = _MARKS.get(value)
        return found if found is not None else _out_of_range(str(value))
    if value is None:
        return _EMPTY
    if isinstance(value, bool):
        return _invalid("да/нет", "не отметка")
    if isinstance(value, float):
        if value.is_integer():
            return read_mark(int(value))
        return _invalid(_num(value), "не отметка: отметка ставится целым числом")
    text = _text(value)
    if not text:
        return _EMPTY
    if len(text) == 1 and text in "2345":
        return _MARKS[int(text)]
    m = _SIGNED.match(text)
    if m:
        return _MARKS[int(m.group(1))]
    for rx, meaning in _NO_MARK:
        if rx.match(text):
            return MarkCell(NO_MARK, None, meaning)
    shown = " ".join(str(value).split())
    if _NUMBER.match(text):
        number = float(text.replace(",", "."))
        if not number.is_integer():
            return _invalid(shown, "не отметка: отметка ставится целым числом")
        return read_mark(int(number))
    return _invalid(shown, "не отметка (допустимы 2, 3, 4, 5, а также «н/а», «осв», «зач»)")


def _invalid(shown: str, problem: str) -> MarkCell:
    return MarkCell(INVALID, None, f"«{shown}» — {problem}", problem)


def _out_of_range(text: str) -> MarkCell:
    return _invalid(text, "вне диапазона отметок 2–5 (допустимы 2, 3, 4, 5)")


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def mark_or_reason(value, reasons: list[str], what: str = "отметка") -> int | None:
    """The mark of a cell, or None; a cell that is not a mark adds «<what>: <reason>.» to reasons."""
    cell = read_mark(value)
    if cell.kind == INVALID:
        reasons.append(f"{what}: {cell.note}.")
    return cell.mark
