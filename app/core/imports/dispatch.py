"""Recognising files, asking their importers for previews, and committing them all in ONE transaction
(or, for a dry run, in a transaction that is always rolled back to measure the ``Impact``)."""
from __future__ import annotations

import importlib
import inspect
import json
import sqlite3
from pathlib import Path
from typing import Callable

from app.core.errors import UserError, check_cancel
from app.core.fsutil import sha256_file
from app.core.imports.limits import check_regular
from app.core.store import rows

from .kinds import KIND_LABELS, KINDS
from .report import FileOutcome, Impact, ImportReport

_PREVIEW_SHARE = 700          # progress: previews take 0…700 of 1000, the commit the rest


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
    # Inside the import's own write transaction no savepoint is opened: a savepoint makes SQLite
    # keep a copy of every page it changes (about three times slower for a 600-row form), and the
    # caller rolls the whole transaction back on any error anyway.
    import contextlib

    with contextlib.nullcontext() if db.conn.in_transaction else db.atomic():
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
