"""Odd states of the disk and of the school file end in a Russian message that says what is wrong
and exit 1 — «повреждён» only when the file is damaged (issue 14 items 7 and 8).

Real states, not imitations: a tmpfs of a few hundred kilobytes for a full disk, a read-only bind
mount or an unwritable folder, an immutable file, a file whose schema version was rewritten. Tests
that need mounting are skipped where the test runs without the right to mount.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import store

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "imports"
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def cli(db: Path, *argv: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *argv], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, env=env)


def refused(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@contextlib.contextmanager
def mounted(*args: str, target: Path):
    target.mkdir(exist_ok=True)
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting is not allowed here: {done.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextlib.contextmanager
def read_only_folder(source: Path, tmp_path: Path):
    """`source` seen through a folder nobody may write to: a read-only bind mount for root (who
    ignores permission bits), the folder's own mode for anyone else."""
    if ROOT_USER:
        view = tmp_path / "ro"
        with mounted("--bind", str(source), target=view):
            done = subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True)
            if done.returncode != 0:
                pytest.skip("a read-only remount is not allowed here")
            yield view
    else:
        source.chmod(0o555)
        try:
            yield source
        finally:
            source.chmod(0o755)


def test_user_version_zero_over_our_tables_is_refused_without_backups(empty_db_path):
    conn = sqlite3.connect(empty_db_path)
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    before = dump(empty_db_path)
    for _ in range(2):
        refused(cli(empty_db_path, "info"), "схема неизвестна")
    assert not list(empty_db_path.parent.glob("*.backup-*"))
    assert dump(empty_db_path) == before


def test_a_failing_migration_keeps_one_backup(empty_db_path):
    """A file that says it is one version older than its tables are: the migration cannot run."""
    conn = sqlite3.connect(empty_db_path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    before = dump(empty_db_path)
    for _ in range(3):
        refused(cli(empty_db_path, "info"), "не удалось обновить", "Файл не изменён")
    backups = list(empty_db_path.parent.glob("*.backup-*"))
    assert len(backups) == 1 and not list(empty_db_path.parent.glob(".*.part"))
    assert dump(empty_db_path) == before


def test_damaged_and_newer_files_are_named_as_such(empty_db_path, tmp_path):
    cut = tmp_path / "cut.db"
    data = empty_db_path.read_bytes()
    cut.write_bytes(data[:4096] + b"\x00" * 4096 + data[8192:])
    done = cli(cut, "info")
    refused(done, "повреждён")
    conn = sqlite3.connect(empty_db_path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    refused(cli(empty_db_path, "info"), "более новой версией")


def test_a_full_disk_is_named_and_nothing_is_lost(tmp_path):
    if not ROOT_USER:
        pytest.skip("a tmpfs can be mounted only by root here")
    with mounted("-t", "tmpfs", "-o", "size=900k", "tmpfs", target=tmp_path / "full") as disk:
        db = disk / "school.db"
        assert cli(db, "init", "--school", "Школа").returncode == 0
        before = dump(db)
        free = shutil.disk_usage(disk).free
        (disk / "filler").write_bytes(b"\0" * max(free - 24 * 1024, 0))
        done = cli(db, "import", str(DATA / "journal_long_2024-2025_cp1251.csv"))
        refused(done, "не хватает места")
        assert "повреждён" not in done.stderr and "резервной копии" not in done.stderr
        refused(cli(disk / "other.db", "demo"), "не хватает места")
        assert not [p.name for p in disk.iterdir() if p.name.startswith(".")]   # no temporary left
        (disk / "filler").unlink()
        assert dump(db) == before
        assert cli(db, "import", str(DATA / "journal_long_2024-2025_cp1251.csv")).returncode == 0


def test_a_read_only_folder_reads_and_refuses_writes_in_russian(empty_db_path, tmp_path):
    before = dump(empty_db_path)
    with read_only_folder(empty_db_path.parent, tmp_path) as view:
        db = view / empty_db_path.name
        info = cli(db, "info")
        assert info.returncode == 0, info.stderr
        done = cli(db, "import", str(DATA / "journal_long_2024-2025_cp1251.csv"))
        refused(done, "можно только читать")
        assert "повреждён" not in done.stderr
        refused(cli(view / "new.db", "init"), "только для чтения" if ROOT_USER else "прав")
    assert dump(empty_db_path) == before


def test_a_read_only_file_is_refused_in_russian(empty_db_path):
    if ROOT_USER:
        if subprocess.run(["chattr", "+i", str(empty_db_path)], capture_output=True).returncode != 0:
            pytest.skip("chattr is not available here")
    else:
        empty_db_path.chmod(0o444)
    try:
        before = dump(empty_db_path)
        assert cli(empty_db_path, "info").returncode == 0
        done = cli(empty_db_path, "import", str(DATA / "journal_long_2024-2025_cp1251.csv"))
        refused(done, "можно только читать")
        assert dump(empty_db_path) == before
    finally:
        if ROOT_USER:
            subprocess.run(["chattr", "-i", str(empty_db_path)], capture_output=True)
        else:
            empty_db_path.chmod(0o600)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_school_folder_and_files_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "profile" / "objektiv" / "school.db"
        assert cli(db, "init").returncode == 0
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(db.parent.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert cli(db, "import", str(DATA / "journal_long_2024-2025_cp1251.csv")).returncode == 0
        for p in db.parent.iterdir():
            if not p.name.startswith(".~lock"):
                assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION - 1}")      # a migration will be tried
        conn.commit()
        cli(db, "info")
        (backup,) = db.parent.glob("*.backup-*")
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION}")
        conn.commit()
        conn.close()
        db.chmod(0o644)                                       # made readable by others elsewhere
        assert cli(db, "info").returncode == 0
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
    finally:
        os.umask(old)
