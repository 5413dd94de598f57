"""Shared shapes of every importer: a preview first, then one transaction.

An importer module exposes:
    KIND: str                                   # 'vpr' | 'journal' | 'gia' | 'plan'
    def detect(path: Path) -> float             # 0.0 … 1.0: how sure it is the file is its kind
    def preview(db, path: Path, options: dict, *, progress=None, cancel=None) -> Preview
    def commit(db, preview: Preview, batch_id: int) -> tuple[int, int]   # rows added, changed
`commit` runs inside the transaction the dispatcher opened; it must not open another file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RowProblem:
    """A row that could not be read, with where it is and why (Russian)."""

    file: str
    sheet: str | None
    row: int | None
    reason: str

    def text(self) -> str:
        where = [f"файл «{self.file}»"]
        if self.sheet:
            where.append(f"лист «{self.sheet}»")
        if self.row is not None:
            where.append(f"строка {self.row}")
        return ", ".join(where) + f": {self.reason}"


@dataclass
class Preview:
    """What an import would do; `payload` is the importer's own parsed data for commit()."""

    kind: str
    file: Path
    sha256: str = ""
    rows_total: int = 0
    rows_ok: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    fatal: str | None = None                     # the whole file is refused (Russian reason)
    summary: list[str] = field(default_factory=list)   # Russian lines for the preview
    students_matched: int = 0
    students_new: int = 0
    ambiguous: list[str] = field(default_factory=list)  # matches that need the user's choice
    missing_options: dict[str, str] = field(default_factory=dict)  # option → Russian question
    payload: Any = None

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.missing_options and not self.ambiguous

    def as_json(self) -> dict:
        return {
            "kind": self.kind, "file": str(self.file), "rows_total": self.rows_total,
            "rows_ok": self.rows_ok, "problems": [p.text() for p in self.problems],
            "fatal": self.fatal, "summary": self.summary,
            "students_matched": self.students_matched, "students_new": self.students_new,
            "ambiguous": self.ambiguous, "missing_options": self.missing_options,
        }
