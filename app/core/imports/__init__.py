"""Importers of the files schools already have (DESIGN §9) and the dispatcher that runs them.

``import_files`` recognises each file (by extension and content), asks its importer for a preview,
and — unless it is a dry run or any file is refused — commits every file in ONE transaction. Each
committed file gets an ``import_batch`` row and an ``import_change`` row per inserted or updated row
(the undo log), so ``undo_import`` puts the database back as it was before that file. A file whose
SHA-256 matches an applied batch is «уже загружен» and changes nothing; a file whose data are
already in the database leaves no batch behind.

Importer modules (vpr, journal, gia, plan) follow the protocol in ``base.py``. They write through
``ChangeLog`` so every change can be undone.
"""
from __future__ import annotations

import importlib
import inspect
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from app.core.errors import Cancelled, UserError, check_cancel
from app.core.fsutil import sha256_file
from app.core.imports.limits import check_regular
from app.core.store import rows

from .base import Preview

KINDS = ("vpr", "journal", "gia", "plan", "schedule", "curriculum")
KIND_LABELS = {"vpr": "результаты ВПР", "journal": "отметки из электронного журнала",
               "gia": "протокол ГИА (ОГЭ / ЕГЭ)", "plan": "план мероприятий",
               "roster": "список учащихся", "reference": "результаты для сравнения",
               "schedule": "график оценочных процедур", "curriculum": "учебный план (часов в неделю)"}
OPTION_HINTS = {"year": "--year 2024/2025", "class_label": "--class 5А", "subject": "--subject Математика",
                "grade": "--grade 5", "exam": "--exam oge или --exam ege",
                "period": "--period «2 четверть» (или период в имени файла)",
                "class_map": "--class-map 1=4А,2=4Б", "task_max": "--task-max 1=2,2=1,3.1=1"}
# What the file choosers of Импорт offer: every spreadsheet format the reader takes, text tables, plans.
IMPORT_SUFFIXES = (".xlsx", ".xls", ".ods", ".xlsm", ".xlsb", ".csv", ".txt", ".tsv", ".docx")
IMPORT_FILE_FILTER = ("Таблицы и документы (" + " ".join(f"*{s}" for s in IMPORT_SUFFIXES) + ");;"
                      "Все файлы (*)")
_PREVIEW_SHARE = 700          # progress: previews take 0…700 of 1000, the commit the rest


# -- the undo log ------------------------------------------------------------------------------

class ChangeLog:
    """Writes rows for one batch and remembers how to take each one back.

    `insert(..., track=False)` is for rows that disappear with their parent (task scores of a new
    result): they are counted but not logged.

    `delete` (merging two records of one pupil) logs the action 'delete' with the whole row as its
    old values; undo inserts it back with its id.
    """

    def __init__(self, db, batch_id: int):
        self.db, self.batch_id = db, batch_id
        self.added = self.changed = 0
        self._pending: list[tuple] = []

    def insert(self, table: str, values: dict, *, track: bool = True) -> int:
        cols = list(values)
        cur = self.db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                              [values[c] for c in cols])
        self.added += 1
        if track:
            self._log(table, cur.lastrowid, "insert", None)
        return cur.lastrowid

    def insert_many(self, table: str, cols: list[str], values: list[tuple]) -> list[int]:
        """Insert many rows at once; their ids follow the table's largest id in order, as SQLite
        assigns them inside one transaction (checked)."""
        if not values:
            return []
        top = self.db.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        self.db.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                 values)
        ids = list(range(top + 1, top + 1 + len(values)))
        check = self.db.execute(f"SELECT count(*), max(rowid) FROM {table} WHERE rowid > ?", [top]).fetchone()
        if tuple(check) != (len(values), ids[-1]):
            raise RuntimeError(f"unexpected row ids after a bulk insert into {table}")
        self.added += len(values)
        self._pending.extend((self.batch_id, table, i, "insert", None) for i in ids)
        return ids

    def update(self, table: str, row_id: int, new: dict, old: dict) -> bool:
        """Set the columns of `new` that differ from `old` (the row as read); False if none differ."""
        diff = {k: v for k, v in new.items() if old.get(k) != v}
        if not diff:
            return False
        self.db.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in diff)} WHERE rowid = ?",
                        [*diff.values(), row_id])
        self.changed += 1
        self._log(table, row_id, "update", json.dumps({k: old.get(k) for k in diff}, ensure_ascii=False))
        return True

    def delete(self, table: str, row_id: int) -> bool:
        """Delete one row, logging all its columns so undo can put it back; False if it is gone."""
        cur = self.db.execute(f"SELECT rowid AS rowid_, * FROM {table} WHERE rowid = ?", [row_id])
        found = cur.fetchone()
        if found is None:
            return False
        names = [d[0] for d in cur.description][1:]
        row = dict(zip(names, found[1:]))
        self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
        self.changed += 1
        self._log(table, row_id, "delete", json.dumps(row, ensure_ascii=False))
        return True

    def _log(self, table: str, row_id: int, action: str, old: str | None) -> None:
        self._pending.append((self.batch_id, table, row_id, action, old))
        if len(self._pending) >= 5000:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.db.conn.executemany("INSERT INTO import_change (batch_id, table_name, row_id, action, old_values) "
                                "VALUES (?, ?, ?, ?, ?)", self._pending)
            self._pending = []


# -- the report ----------------------------------------------------------------------------------

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
    return f"{stamp[8:10]}.{stamp[5:7]}.{stamp[:4]}" if stamp and len(stamp) >= 10 else stamp


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


class _RollBack(Exception):
    """Raised inside the simulated commit so that the transaction is rolled back."""


def _simulate(db, report: ImportReport, cancel) -> None:
    """Run the commit of every accepted file inside a transaction that is always rolled back, and
    keep per file what it would have added and changed."""
    school = db.execute("SELECT count(*) FROM student").fetchone()[0]
    todo = [f for f in report.files if f.error is None and f.duplicate is None
            and f.preview is not None and f.preview.ok]
    if not todo:
        return
    try:
        with db.atomic():
            for f in todo:
                check_cancel(cancel)
                batch_id = db.execute("INSERT INTO import_batch (file_name, sha256, kind, details) "
                                      "VALUES (?, ?, ?, '{}')", [f.path.name, f.preview.sha256, f.kind]).lastrowid
                module = importer(f.kind)
                if "cancel" in inspect.signature(module.commit).parameters:
                    added, changed = module.commit(db, f.preview, batch_id, cancel=cancel)
                else:
                    added, changed = module.commit(db, f.preview, batch_id)
                imp = Impact(added, changed, school_students=school)
                for table, action, n in db.execute(
                        "SELECT table_name, action, count(*) FROM import_change WHERE batch_id = ? "
                        "GROUP BY table_name, action", [batch_id]):
                    if table == "student":
                        if action == "insert":
                            imp.students_created += n
                        else:
                            imp.students_updated += n
                    elif table == "journal_mark":
                        if action == "insert":
                            imp.marks_added += n
                        else:
                            imp.marks_overwritten += n
                    elif table == "result":
                        if action == "insert":
                            imp.results_added += n
                        else:
                            imp.results_replaced += n
                f.impact = imp
            raise _RollBack()
    except _RollBack:
        pass


# -- recognising files ------------------------------------------------------------------------------

def importer(kind: str):
    """The importer module of a kind (imported lazily)."""
    if kind not in KINDS:
        raise UserError(f"Неизвестный вид импорта «{kind}». Допустимо: {', '.join(KINDS)}.")
    try:
        return importlib.import_module(f"app.core.imports.{kind}")
    except ModuleNotFoundError as exc:
        if exc.name != f"app.core.imports.{kind}":
            raise
        raise UserError(f"Загрузка вида «{KIND_LABELS[kind]}» в этой версии программы недоступна.") from None


def detect_kind(path: Path) -> str:
    """Which importer a file is for, by extension and content; UserError with the reason if none."""
    from .table_reader import check_readable

    path = Path(path)
    if path.suffix.lower() == ".docx" and path.exists():
        return "plan"
    check_readable(path)
    scores: dict[str, float] = {}
    for kind in KINDS:           # the plan reader is asked only when no table importer is sure
        if kind == "plan" and scores and max(scores.values()) >= 0.6:
            break
        try:
            module = importer(kind)
        except UserError:
            continue
        try:
            scores[kind] = float(module.detect(path))
        except UserError:
            raise
        except Exception:  # noqa: BLE001 - a detector that cannot read the file simply says no
            scores[kind] = 0.0
    best = max(scores, key=scores.get, default=None)
    if best is None or scores[best] < 0.3:
        raise UserError(f"Не удалось определить, что содержит файл «{path.name}»: в нём не найдены "
                        "заголовки таблицы результатов ВПР, протокола ГИА, отметок журнала или плана. "
                        "Укажите вид явно (--kind vpr, journal, gia или plan) или проверьте файл.")
    return best


def _file_options(options: dict, path: Path) -> dict:
    per_file = options.get("per_file") or {}
    own = per_file.get(str(path)) or per_file.get(path.name) or {}
    return {k: v for k, v in options.items() if k != "per_file"} | own


def _find_duplicate(db, digest: str) -> dict | None:
    found = rows(db, "SELECT id, file_name, created_at FROM import_batch WHERE sha256 = ? AND status = 'applied' "
                     "ORDER BY id DESC LIMIT 1", [digest])
    return found[0] if found else None


def _preview_one(db, path: Path, kind: str, options: dict, progress, cancel) -> FileOutcome:
    out = FileOutcome(Path(path))
    try:
        if not out.path.exists():
            raise UserError(f"Файл «{out.path.name}» не найден ({out.path}). Проверьте путь к файлу.")
        check_regular(out.path)          # a pipe or a device is refused before it is read
        digest = sha256_file(out.path)
        out.kind = detect_kind(out.path) if kind == "auto" else kind
        out.duplicate = _find_duplicate(db, digest)
        if out.duplicate:
            return out
        module = importer(out.kind)
        out.preview = module.preview(db, out.path, options, progress=progress, cancel=cancel)
        out.preview.sha256 = out.preview.sha256 or digest
    except UserError as exc:
        out.error = str(exc)
    except OSError as exc:
        out.error = f"Файл «{out.path.name}» не удаётся прочитать: {exc.strerror or exc}."
    return out


def import_files(db, paths, *, kind: str = "auto", dry_run: bool = False, options: dict | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None) -> ImportReport:
    """Preview every file; commit them all in one transaction unless `dry_run` or any is refused.

    options: 'year', 'class_label', 'subject', 'grade', 'exam', 'period'; 'students' (choices for
    ambiguous pupils: key → student id or 'new'); 'mappings' (journal column roles by header
    signature); 'skip_bad_rows' (load the recognised rows of a file that has rejected ones);
    'per_file' ({path: options} overriding the rest for one file; there 'kind' too).
    """
    options = dict(options or {})
    paths = [Path(p) for p in paths]
    report = ImportReport(dry_run=dry_run, skip_bad_rows=bool(options.get("skip_bad_rows")))
    if dry_run:
        _preview_all(db, paths, kind, options, report, progress, cancel)
        _simulate(db, report, cancel)
        return report
    # A real import checks (namesakes, duplicates, what exists) and writes inside ONE write
    # transaction taken before the first check: two imports at once run one after the other, so
    # they can never both pass checks that only one of them may pass.
    _begin_immediate(db)
    try:
        _preview_all(db, paths, kind, options, report, progress, cancel)
        if report.ok:
            _commit_all(db, report, progress, cancel)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    if db.conn.in_transaction:
        db.conn.execute("COMMIT" if report.committed else "ROLLBACK")
    if report.committed and progress:
        progress(1000, 1000)
    return report


def _begin_immediate(db) -> None:
    if db.conn.in_transaction:
        db.conn.execute("COMMIT")      # nothing of ours is pending here; a stray implicit one ends
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        from app.core.store import explain_sqlite_error

        raise explain_sqlite_error(exc, None) from None


def _preview_all(db, paths, kind, options, report, progress, cancel) -> None:
    total = max(len(paths), 1)
    for i, path in enumerate(paths):
        check_cancel(cancel)
        sub = _sub_progress(progress, i, total)
        own = _file_options(options, path)
        report.files.append(_preview_one(db, path, own.pop("kind", None) or kind, own, sub, cancel))
    if progress:
        progress(_PREVIEW_SHARE, 1000)


def _sub_progress(progress, index: int, total: int):
    if progress is None:
        return None

    def sub(done: int, count: int) -> None:
        part = done / count if count else 0.0
        progress(int(_PREVIEW_SHARE * (index + min(part, 1.0)) / total), 1000)
    return sub


def _commit_all(db, report: ImportReport, progress, cancel) -> None:
    todo = [f for f in report.files if f.preview is not None]
    with db.atomic():
        for n, f in enumerate(todo):
            check_cancel(cancel)
            p = f.preview
            details = {"summary": p.summary, "rejected": [x.text() for x in p.problems][:200]}
            batch_id = db.execute(
                "INSERT INTO import_batch (file_name, sha256, kind, details) VALUES (?, ?, ?, ?)",
                [f.path.name, p.sha256, f.kind, json.dumps(details, ensure_ascii=False)]).lastrowid
            module = importer(f.kind)
            if "cancel" in inspect.signature(module.commit).parameters:
                added, changed = module.commit(db, p, batch_id, cancel=cancel)
            else:
                added, changed = module.commit(db, p, batch_id)
            if added or changed:
                db.execute("UPDATE import_batch SET rows_added = ?, rows_changed = ? WHERE id = ?",
                           [added, changed, batch_id])
                f.batch_id, f.added, f.changed = batch_id, added, changed
            else:
                db.execute("DELETE FROM import_batch WHERE id = ?", [batch_id])
            f.committed = True
            if progress:
                progress(_PREVIEW_SHARE + int((1000 - _PREVIEW_SHARE) * (n + 1) / len(todo)), 1000)
        check_cancel(cancel)
    report.committed = True


# -- the import journal and undo ------------------------------------------------------------------

def list_batches(db) -> list[dict]:
    """Every import, newest first, with a Russian kind label and whether it can still be undone."""
    found = rows(db, "SELECT id, file_name, sha256, kind, created_at, rows_added, rows_changed, status, details "
                     "FROM import_batch ORDER BY id DESC")
    for b in found:
        b["kind_label"] = KIND_LABELS.get(b["kind"], b["kind"])
        b["details"] = json.loads(b["details"] or "{}")
        b["can_undo"] = b["status"] == "applied"
    return found


# Rows that point at a row of the key table; an inserted row still pointed at is kept on undo.
_REFERENCES = {
    "academic_year": ("period", "year_id", "class_group", "year_id", "enrolment", "year_id",
                      "procedure", "year_id"),
    "period": ("journal_mark", "period_id"),
    "class_group": ("enrolment", "class_id", "result", "class_id"),
    "student": ("enrolment", "student_id", "journal_mark", "student_id", "result", "student_id"),
    "subject": ("journal_mark", "subject_id", "procedure", "subject_id", "scale", "subject_id"),
    "procedure": ("task", "procedure_id", "result", "procedure_id", "observer", "procedure_id",
                  "reference_result", "procedure_id"),
    "task": ("task_score", "task_id", "reference_task", "task_id"),
    "result": ("recheck", "result_id"),
    "scale": ("procedure", "scale_id"),
}


def _referenced(db, table: str, row_id: int) -> bool:
    refs = _REFERENCES.get(table, ())
    for child, col in zip(refs[::2], refs[1::2]):
        if db.execute(f"SELECT 1 FROM {child} WHERE {col} = ? LIMIT 1", [row_id]).fetchone():
            return True
    return False


def _later_conflict(db, batch_id: int) -> dict | None:
    """The first later applied import that changed a row this one wrote — or a child row written
    with a parent this one inserted (task scores of a new result are not logged one by one, so a
    later update of one of them is found through its result)."""
    mine = {(t, r) for t, r in db.execute(
        "SELECT table_name, row_id FROM import_change WHERE batch_id = ?", [batch_id])}
    inserted = {(t, r) for t, r in db.execute(
        "SELECT table_name, row_id FROM import_change WHERE batch_id = ? AND action = 'insert'", [batch_id])}
    children = {child: (parent, column) for parent, pairs in _UNLOGGED_CHILDREN.items()
                for child, column in pairs}
    later = db.execute("SELECT c.batch_id, c.table_name, c.row_id FROM import_change c JOIN import_batch b "
                       "ON b.id = c.batch_id WHERE b.status = 'applied' AND b.id > ? ORDER BY c.batch_id",
                       [batch_id])
    for other, table, row_id in later.fetchall():
        hit = (table, row_id) in mine
        if not hit and table in children:
            parent, column = children[table]
            owner = db.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", [row_id]).fetchone()
            hit = owner is not None and (parent, owner[0]) in inserted
        if hit:
            return rows(db, "SELECT id, file_name FROM import_batch WHERE id = ?", [other])[0]
    return None


# Children an importer writes in bulk together with a new parent row (see writer.write_results): the
# change log holds only the parent; the children leave with it.
_UNLOGGED_CHILDREN = {"result": (("task_score", "result_id"),)}


def undo_import(db, batch_id: int, *, cancel: Callable[[], bool] | None = None) -> str:
    """Put back every row the import changed and remove the rows it added; returns a Russian summary.

    Rows the import added that other data now use (a pupil who has since got journal marks from
    another file) are kept. Refused when a later import changed the same rows: undo that one first.
    """
    found = rows(db, "SELECT * FROM import_batch WHERE id = ?", [batch_id])
    if not found:
        raise UserError(f"Импорт № {batch_id} не найден в журнале импорта.")
    batch = found[0]
    if batch["status"] != "applied":
        raise UserError(f"Импорт № {batch_id} («{batch['file_name']}») уже отменён.")
    conflict = _later_conflict(db, batch_id)
    if conflict:
        raise UserError(f"Импорт № {batch_id} («{batch['file_name']}») нельзя отменить: более поздний импорт "
                        f"№ {conflict['id']} («{conflict['file_name']}») изменил те же записи. "
                        "Сначала отмените его.")
    changes = db.execute("SELECT table_name, row_id, action, old_values FROM import_change "
                         "WHERE batch_id = ? ORDER BY id DESC", [batch_id]).fetchall()
    removed = restored = kept = separated = 0
    with db.atomic():
        for n, (table, row_id, action, old) in enumerate(changes):
            if n % 2000 == 0:
                check_cancel(cancel)
            if action == "delete":              # a row the import deleted (a merged record): back in
                row = json.loads(old)
                try:
                    db.execute(f"INSERT INTO {table} (rowid, {', '.join(row)}) VALUES "
                               f"(?, {', '.join('?' * len(row))})", [row_id, *row.values()])
                except sqlite3.IntegrityError:
                    raise UserError(
                        f"Импорт № {batch_id} («{batch['file_name']}») нельзя отменить: он объединил записи "
                        "учащихся, и с тех пор их место заняли другие записи (например, добавленные "
                        "вручную). База не изменена.") from None
                separated += table == "student"
                restored += 1
            elif action == "update":
                values = json.loads(old or "{}")
                if values:
                    db.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in values)} WHERE rowid = ?",
                               [*values.values(), row_id])
                restored += 1
            elif _referenced(db, table, row_id):
                kept += 1
            else:
                # rows written with their parent and not logged one by one go with it (ON DELETE
                # CASCADE): counted here, so the summary matches the «добавлено» of the import
                for child, column in _UNLOGGED_CHILDREN.get(table, ()):
                    removed += db.execute(f"SELECT count(*) FROM {child} WHERE {column} = ?",
                                          [row_id]).fetchone()[0]
                db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
                removed += 1
        db.execute("UPDATE import_batch SET status = 'undone' WHERE id = ?", [batch_id])
    text = (f"Импорт № {batch_id} («{batch['file_name']}») отменён: удалено записей {removed}, "
            f"восстановлено прежних значений {restored}.")
    if separated:
        text += f" Снова разделены объединённые записи учащихся: {separated}."
    if kept:
        text += f" Оставлено записей, которыми пользуются другие данные: {kept}."
    return text


__all__ = ["IMPORT_FILE_FILTER", "IMPORT_SUFFIXES", "ChangeLog", "ImportReport", "FileOutcome", "Impact", "import_files", "undo_import", "list_batches",
           "detect_kind", "importer", "KIND_LABELS", "Cancelled"]
