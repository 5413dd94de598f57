"""The school file: creation, migrations, backups, and refusing files that are not ours."""
from __future__ import annotations

import sqlite3

import pytest

from app.core import store
from app.core.errors import StoreError


def test_create_sets_version_wal_and_foreign_keys(tmp_path):
    db = store.create_db(tmp_path / "s.db", school_name="Школа № 1")
    assert store.schema_version(db) == store.SCHEMA_VERSION >= 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.school_row(db)["full_name"] == "Школа № 1"
    assert set(store.DATA_TABLES) <= set(db.table_names())


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(b"precious")
    with pytest.raises(StoreError, match="уже существует"):
        store.create_db(path)
    assert path.read_bytes() == b"precious"


def _bytes(path):
    return path.read_bytes()


def test_not_a_database_is_refused_untouched(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database at all\n" * 10)
    before = _bytes(path)
    with pytest.raises(StoreError, match="не является базой"):
        store.open_db(path)
    assert _bytes(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.db"]


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = _bytes(path)
    with pytest.raises(StoreError, match="не база «Объектива»"):
        store.open_db(path)
    assert _bytes(path) == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "s.db"
    store.create_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = _bytes(path)
    with pytest.raises(StoreError, match="более новой версией"):
        store.open_db(path)
    assert _bytes(path) == before


def test_truncated_file_is_refused(tmp_path):
    path = tmp_path / "s.db"
    db = store.create_db(path, school_name="Школа")
    with db.atomic():
        db.conn.executemany("INSERT INTO staff (full_name, position) VALUES (?, ?)",
                       [(f"Сотрудник {i:04d} " + "x" * 200, "учитель") for i in range(2000)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = _bytes(path)
    with pytest.raises(StoreError, match="повреждён"):
        store.open_db(path)
    assert _bytes(path) == before


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="не найден"):
        store.open_db(tmp_path / "nope.db")


def test_older_file_is_backed_up_then_migrated(tmp_path, monkeypatch):
    """A file at version 0 of our app id gets a backup copy and the whole chain of migrations."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
    conn.execute("CREATE TABLE legacy_note (x)")
    conn.commit()
    conn.close()
    db = store.open_db(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    backups = [p for p in tmp_path.iterdir() if ".backup-v0-" in p.name]
    assert len(backups) == 1
    check = sqlite3.connect(backups[0])
    assert check.execute("PRAGMA user_version").fetchone()[0] == 0
    check.close()


def test_failed_migration_leaves_version(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    store.create_db(path).close()
    bad = tmp_path / "schema"
    bad.mkdir()
    for _, p in store._migrations():
        (bad / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (bad / f"{store.SCHEMA_VERSION + 1:04d}_broken.sql").write_text(
        "CREATE TABLE extra (x);\nTHIS IS NOT SQL;\n", encoding="utf-8")
    monkeypatch.setattr(store, "SCHEMA_DIR", bad)
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.DatabaseError):
        store.open_db(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION - 1
    assert "extra" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()


def test_constraints_reject_bad_marks_and_scores(empty_db):
    db = empty_db
    with db.atomic():
        db.execute("INSERT INTO academic_year (label, start_date, end_date) VALUES ('2024/2025', '2024-09-01', '2025-08-31')")
        db.execute("INSERT INTO subject (name) VALUES ('Математика')")
        db.execute("INSERT INTO student (code) VALUES ('10001')")
        db.execute("INSERT INTO period (year_id, kind, number, label, start_date, end_date) "
                   "VALUES (1, 'year', 1, 'Год', '2024-09-01', '2025-05-31')")
        db.execute("INSERT INTO procedure (kind, subject_id, grade, year_id, max_score) VALUES ('vpr', 1, 5, 1, 10)")
        db.execute("INSERT INTO task (procedure_id, number, position, max_score) VALUES (1, '1', 1, 2)")
    with pytest.raises(sqlite3.IntegrityError):
        with db.atomic():
            db.execute("INSERT INTO journal_mark (student_id, subject_id, period_id, mark) VALUES (1, 1, 1, 7)")
    with pytest.raises(sqlite3.IntegrityError):
        with db.atomic():
            db.execute("INSERT INTO result (procedure_id, student_id, primary_score) VALUES (1, 1, 11)")
    with db.atomic():
        db.execute("INSERT INTO result (procedure_id, student_id, primary_score) VALUES (1, 1, 2)")
    with pytest.raises(sqlite3.IntegrityError):
        with db.atomic():
            db.execute("INSERT INTO task_score (result_id, task_id, score) VALUES (1, 1, 3)")
    assert db.execute("SELECT count(*) FROM journal_mark").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM task_score").fetchone()[0] == 0


def test_backup_is_a_readable_copy(empty_db, tmp_path):
    dest = store.backup_db(empty_db, tmp_path / "copy.db")
    copy = store.open_db(dest)
    assert store.school_row(copy)["full_name"] == "МБОУ «Тестовая школа»"
    copy.close()


def test_written_files_get_the_usual_mode(tmp_path):
    """Temporary files start owner-only; the finished file has the mode open() would give it."""
    import os
    import stat

    from app.core.fsutil import atomic_write_bytes

    if os.name != "posix":
        return
    umask = os.umask(0o022)
    os.umask(umask)
    out = atomic_write_bytes(tmp_path / "plan.pdf", b"%PDF-1.4")
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    os.chmod(out, 0o640)
    atomic_write_bytes(out, b"%PDF-1.5")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_version_1_file_is_migrated_to_the_delete_action_keeping_the_log(tmp_path):
    """Migration 0002 rebuilds import_change: the rows and their ids stay, 'delete' becomes allowed."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript((store.SCHEMA_DIR / "0001_initial.sql").read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO import_batch (id, file_name, sha256, kind) VALUES (7, 'vpr.xlsx', 'ab', 'vpr')")
    conn.execute("INSERT INTO import_change (id, batch_id, table_name, row_id, action) "
                 "VALUES (41, 7, 'student', 3, 'insert')")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO import_change (batch_id, table_name, row_id, action, old_values) "
                     "VALUES (7, 'student', 4, 'delete', '{}')")
    conn.commit()
    conn.close()
    db = store.open_db(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION >= 2
    assert [p for p in tmp_path.iterdir() if ".backup-v1-" in p.name]
    assert db.execute("SELECT id, batch_id, row_id, action FROM import_change").fetchall() == [(41, 7, 3, "insert")]
    with db.atomic():
        db.execute("INSERT INTO import_change (batch_id, table_name, row_id, action, old_values) "
                   "VALUES (7, 'student', 4, 'delete', '{\"full_name\": \"x\"}')")
    with pytest.raises(sqlite3.IntegrityError):        # a deleted row without its values cannot be undone
        with db.atomic():
            db.execute("INSERT INTO import_change (batch_id, table_name, row_id, action) "
                       "VALUES (7, 'student', 5, 'delete')")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert "idx_import_change_batch" in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    db.close()
