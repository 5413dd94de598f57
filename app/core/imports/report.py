"""What an import found and did, file by file: ``FileOutcome``, ``ImportReport`` and the ``Impact`` a
dry run measures — with their Russian text and the JSON of ``import --json``."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core import fmt

from .base import Preview
from .kinds import KIND_LABELS, OPTION_HINTS


@dataclass
class FileOutcome:
    path: Path
    kind: str | None = None
    preview: Preview | None = None
    error: str | None = None          # the file is refused as a whole (Russian)
    duplicate: dict | None = None     # the applied batch with the same SHA-256
    batch_id: int | None = None
    added: int = 0
    changed: int = 0
    committed: bool = False
    impact: "Impact | None" = None    # what a dry run found the commit would change

    @property
    def accepted(self) -> bool:
        return self.error is None and (self.duplicate is not None or (
            self.preview is not None and self.preview.ok))


@dataclass
class ImportReport:
    files: list[FileOutcome] = field(default_factory=list)
    dry_run: bool = False
    skip_bad_rows: bool = False
    committed: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(self._file_ok(f) for f in self.files)

    def _file_ok(self, f: FileOutcome) -> bool:
        if not f.accepted:
            return False
        return f.duplicate is not None or self.skip_bad_rows or not f.preview.problems

    @property
    def previews(self) -> list[Preview]:
        return [f.preview for f in self.files if f.preview is not None]

    def text(self) -> str:
        lines: list[str] = []
        for f in self.files:
            lines.extend(self._file_lines(f))
        lines.append(self._verdict())
        return "\n".join(lines)

    def _file_lines(self, f: FileOutcome) -> list[str]:
        head = f"Файл «{f.path.name}»" + (f" — {outcome_label(f)}" if f.kind else "")
        if f.error:
            return [head, f"  Не принят: {f.error}"]
        if f.duplicate:
            d = f.duplicate
            return [head, f"  Этот файл уже загружен {_when(d['created_at'])} (импорт № {d['id']}); "
                          "повторно ничего не загружается."]
        p = f.preview
        out = [head]
        if p.rows_total or p.problems:
            out.append(f"  Строк с данными: {p.rows_total}, распознано {p.rows_ok}, "
                       f"отклонено {len(p.problems)}.")
        if p.students_matched or p.students_new:
            out.append(f"  Учащиеся: найдено в базе {p.students_matched}, новых {p.students_new}.")
        out += [f"  {s}" for s in p.summary]
        if f.impact is not None and not f.committed:
            out += [f"  {'Внимание: ' if f.impact.warning else ''}{line}" for line in f.impact.lines()]
        if p.fatal:
            out.append(f"  Не принят: {p.fatal}")
        for opt, question in p.missing_options.items():
            out.append(f"  Не хватает сведений: {question} Укажите {OPTION_HINTS.get(opt, opt)}.")
        out += [f"  Нужен выбор: {a}" for a in p.ambiguous]
        shown = p.problems[:50]
        out += [f"  Отклонено — {prob.text()}" for prob in shown]
        if len(p.problems) > len(shown):
            out.append(f"  … и ещё {len(p.problems) - len(shown)} отклонённых строк.")
        if f.committed:
            if f.batch_id is None:
                out.append("  Всё содержимое файла уже есть в базе: ничего не изменено.")
            else:
                out.append(f"  Загружено: добавлено записей {f.added}, изменено {f.changed} "
                           f"(импорт № {f.batch_id}).")
        return out

    def _verdict(self) -> str:
        if not self.ok:
            return ("Ничего не загружено, база не изменена: исправьте файл или укажите недостающие "
                    "сведения и повторите импорт.")
        if self.dry_run:
            return "Проверка без записи: всё можно загрузить; база не изменена."
        return "Импорт завершён."

    def as_json(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "committed": self.committed, "files": [{
            "file": str(f.path), "kind": f.kind, "error": f.error,
            "duplicate_of": f.duplicate["id"] if f.duplicate else None,
            "batch_id": f.batch_id, "rows_added": f.added, "rows_changed": f.changed,
            "impact": f.impact.as_json() if f.impact else None,
            "preview": f.preview.as_json() if f.preview else None} for f in self.files],
            "text": self.text()}


def outcome_label(f: FileOutcome) -> str:
    """What the file is, in Russian: a journal export without marks that links codes is a list."""
    payload = f.preview.payload if f.preview is not None else None
    if f.kind == "journal" and payload is not None and getattr(payload, "links", None) and not payload.marks:
        return "список кодов участников"
    return KIND_LABELS.get(f.kind, f.kind)


def _when(stamp: str) -> str:
    """'2025-04-17 10:22:03' (UTC, as SQLite writes it) → '17.04.2025'."""
    return fmt.date(stamp) if stamp and len(stamp) >= 10 else stamp


# -- what a commit would change ------------------------------------------------------------------

@dataclass
class Impact:
    """What committing one file would do to the school, counted by running the commit and rolling it
    back (so the figures are the commit's own, not an estimate)."""

    added: int = 0
    changed: int = 0
    students_created: int = 0
    students_updated: int = 0
    marks_added: int = 0
    marks_overwritten: int = 0
    results_added: int = 0
    results_replaced: int = 0
    school_students: int = 0           # pupils the school had before

    @property
    def warning(self) -> bool:
        """Large enough to look at twice: more new pupils than the school has (a file matched
        wrongly), or many existing values overwritten."""
        return (self.school_students > 0 and self.students_created > self.school_students) or \
            self.marks_overwritten + self.results_replaced >= 50

    def lines(self) -> list[str]:
        out = [f"Будет добавлено записей: {self.added}, изменено существующих: {self.changed}."]
        parts = []
        if self.marks_added:
            parts.append(f"новых отметок {self.marks_added}")
        if self.results_added:
            parts.append(f"новых результатов {self.results_added}")
        if self.students_created:
            parts.append(f"новых учащихся {self.students_created}")
        if self.students_updated:
            parts.append(f"изменятся сведения об учащихся: {self.students_updated}")
        if self.marks_overwritten:
            parts.append(f"будет перезаписано отметок: {self.marks_overwritten}")
        if self.results_replaced:
            parts.append(f"будет заменено результатов: {self.results_replaced}")
        if parts:
            out.append("В том числе: " + "; ".join(parts) + ".")
        if self.school_students > 0 and self.students_created > self.school_students:
            out.append(f"Новых учащихся ({self.students_created}) больше, чем всего в школе сейчас "
                       f"({self.school_students}): вероятно, файл сопоставлен с учащимися неверно "
                       "(другая школа, другой год или другой класс). Проверьте, прежде чем загружать.")
        return out

    def as_json(self) -> dict:
        return {"rows_added": self.added, "rows_changed": self.changed,
                "students_created": self.students_created, "students_updated": self.students_updated,
                "marks_added": self.marks_added, "marks_overwritten": self.marks_overwritten,
                "results_added": self.results_added, "results_replaced": self.results_replaced,
                "school_students": self.school_students, "warning": self.warning}
