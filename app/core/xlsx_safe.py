"""The one way our code writes XLSX cells and saves workbooks: user text stays text.

A spreadsheet program treats a cell whose text begins with «=» (and, on import, «+», «-», «@»,
a tab or a carriage return) as a formula. A school name such as ``=HYPERLINK("http://…?q="&A1,"…")``
or a plan measure ``=cmd|' /C calc'!A0`` typed by a user — or put into a packet by someone who
wants to attack the municipality's methodologist — must never reach the reader as a live formula.

- :func:`put` writes a value into a cell. Text is always stored as a string cell (``t="s"`` in the
  sheet XML, never ``<f>``); text that begins with one of the risky characters also gets the
  «quote prefix» style, so the spreadsheet keeps showing it as text even after the cell is edited.
  Characters XML cannot carry are dropped, and text is cut at Excel's limit of a cell.
- :func:`put_formula` is the only way to write a formula; only our own code calls it, with our own
  text.
- :func:`save` writes the workbook under a temporary name and renames it; before that it turns every
  formula cell that did not come from :func:`put_formula` into text, so a cell assigned past
  :func:`put` cannot slip through either.
"""
from __future__ import annotations

import os
from pathlib import Path

from .fsutil import atomic_path

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767               # Excel's limit for one cell
_OURS = "_objektiv_formulas"        # attribute on the workbook: cells put_formula wrote


def clean_text(value: str) -> str:
    """Text as a cell can hold it: control characters XML forbids dropped, cut at the cell limit."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        value = "".join(c for c in value if ord(c) >= 32 or c in "\t\n\r")
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT - 1] + "…"
    return value


def _as_text(cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"            # whatever openpyxl guessed from the first character
    if text.startswith(RISKY_START):
        cell.quotePrefix = True


def set_value(cell, value):
    """Store `value` in an existing cell: text as text, numbers, dates and None as they are."""
    if isinstance(value, str):
        _as_text(cell, clean_text(value))
    else:
        cell.value = value
    return cell


def put(ws, row: int, col: int, value, *, font=None, align=None, border=None, fill=None,
        number_format: str | None = None):
    """Write `value` into ws[row, col] with optional styles; returns the cell."""
    cell = ws.cell(row=row, column=col)
    set_value(cell, value)
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    return cell


def put_formula(ws, row: int, col: int, formula: str, **styles):
    """Write one of OUR formulas (text starting with «=»); never pass user text here."""
    if not formula.startswith("="):
        raise ValueError("a formula starts with '='")
    cell = put(ws, row, col, None, **styles)
    cell.value = formula
    cell.data_type = "f"
    ours = getattr(ws.parent, _OURS, None)
    if ours is None:
        ours = set()
        setattr(ws.parent, _OURS, ours)
    ours.add((id(ws), cell.coordinate))
    return cell


def defuse(wb) -> int:
    """Turn every formula cell not written by put_formula into text; returns how many."""
    ours = getattr(wb, _OURS, set())
    changed = 0
    for ws in wb.worksheets:
        for cell in ws._cells.values():          # only the cells that exist; no full-sheet walk
            if cell.data_type == "f" and (id(ws), cell.coordinate) not in ours:
                _as_text(cell, clean_text(str(cell.value)))
                changed += 1
    return changed


def save(wb, out: str | os.PathLike) -> Path:
    """Save the workbook safely (temporary name, then rename) after :func:`defuse`."""
    out = Path(out)
    defuse(wb)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
