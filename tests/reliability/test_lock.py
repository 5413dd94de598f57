"""One writer per school file (issue 14 item 6).

- The window holds a lock file beside the database while a school is open; a second window and a
  writing CLI command are refused with a Russian message naming the holder (user, computer,
  process); reading commands still work; a lock whose process is gone is taken over.
- An import's checks run inside its write transaction: two imports started together end with the
  same school as one after the other (no pupil created twice).
"""
from __future__ import annotations

import getpass
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.core import lock, store
from app.core.imports import import_files

ROOT = Path(__file__).resolve().parents[2]
DEAD_PID = 4_194_304 + 4321          # above Linux's largest pid: never a live process


def _cli(db: Path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "--db", str(db), *argv], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def holder(empty_db_path):
    """Another process holding the school's lock until the test ends."""
    code = ("import sys, time; sys.path.insert(0, %r); from app.core import lock; "
            "lock.acquire(%r); print('held', flush=True); time.sleep(120)" % (str(ROOT), str(empty_db_path)))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def _csv(folder: Path, name: str, subject: str, cls: str = "5А") -> Path:
    rows = ["Класс;ФИО;Предмет;Период;Отметка"]
    for pupil in ("Одинцов Платон Юрьевич", "Шарапова Кира Андреевна", "Лаптев Глеб Ильич"):
        rows += [f"{cls};{pupil};{subject};1 четверть;4", f"{cls};{pupil};{subject};2 четверть;5"]
    path = folder / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_writing_command_is_refused_while_another_process_holds_the_school(empty_db_path, holder, tmp_path):
    csv = _csv(tmp_path, "journal_2024-2025.csv", "Математика")
    done = _cli(empty_db_path, "import", str(csv), "--year", "2024/2025")
    assert done.returncode == 1
    assert "уже открыта для изменения" in done.stderr and f"процесс {holder.pid}" in done.stderr
    assert getpass.getuser() in done.stderr and socket.gethostname() in done.stderr
    assert "Traceback" not in done.stderr
    info = _cli(empty_db_path, "info")                       # reading is not writing
    assert info.returncode == 0 and "student" in info.stdout
    db = store.open_db(empty_db_path)
    assert db.execute("SELECT count(*) FROM student").fetchone()[0] == 0
    db.close()


def test_the_window_holds_the_lock_and_a_second_window_is_refused(qtbot, empty_db_path, holder, tmp_path):
    from app.ui.context import AppContext
    from app.ui.qt import QtCore

    ctx = AppContext(qsettings=QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat))
    with pytest.raises(lock.LockedError) as refused:
        ctx.open_db(empty_db_path)
    assert f"процесс {holder.pid}" in str(refused.value) and ctx.db is None
    holder.kill()
    holder.wait()
    ctx.open_db(empty_db_path)                               # the holder is gone: its lock is stale
    assert lock.lock_path(empty_db_path).exists()
    csv = _csv(tmp_path, "journal_2024-2025.csv", "Математика")
    done = _cli(empty_db_path, "import", str(csv), "--year", "2024/2025")
    assert done.returncode == 1 and f"процесс {os.getpid()}" in done.stderr
    ctx.close_db()
    assert not lock.lock_path(empty_db_path).exists()
    done = _cli(empty_db_path, "import", str(csv), "--year", "2024/2025")
    assert done.returncode == 0, done.stderr


def test_a_stale_lock_is_taken_over(empty_db_path, tmp_path):
    path = lock.lock_path(empty_db_path)
    path.write_text(f"someone,{socket.gethostname()},{DEAD_PID},2025-01-01T10:00:00\n", encoding="utf-8")
    csv = _csv(tmp_path, "journal_2024-2025.csv", "Математика")
    done = _cli(empty_db_path, "import", str(csv), "--year", "2024/2025")
    assert done.returncode == 0, done.stderr
    assert not path.exists()
    path.write_text("someone,another-computer,123,2025-01-01T10:00:00\n", encoding="utf-8")
    done = _cli(empty_db_path, "import", str(_csv(tmp_path, "j2_2024-2025.csv", "Физика")), "--year", "2024/2025")
    assert done.returncode == 1 and "another-computer" in done.stderr and "01.01.2025 10:00" in done.stderr


def _school(path: Path) -> tuple:
    db = store.open_db(path)
    try:
        pupils = sorted(db.execute("SELECT s.full_name, c.label FROM student s JOIN enrolment e ON "
                                   "e.student_id = s.id JOIN class_group c ON c.id = e.class_id").fetchall())
        marks = db.execute("SELECT count(*) FROM journal_mark").fetchone()[0]
        batches = db.execute("SELECT count(*) FROM import_batch").fetchone()[0]
        return tuple(pupils), marks, batches
    finally:
        db.close()


def test_two_imports_at_once_end_as_one_after_the_other(empty_db_path, tmp_path):
    """The same three names in 5А (one file) and in 5Б (the other): one after the other, the second
    file stops at the namesake check («Нужен выбор»). Started together, the same must happen."""
    a = _csv(tmp_path, "math_2024-2025.csv", "Математика", "5А")
    b = _csv(tmp_path, "rus_2024-2025.csv", "Русский язык", "5Б")
    outcomes = set()
    for first, second in ((a, b), (b, a)):
        sequential = tmp_path / f"sequential_{first.stem}.db"
        store.create_db(sequential).close()
        db = store.open_db(sequential)
        assert import_files(db, [first], options={"year": "2024/2025"}).committed
        refused = import_files(db, [second], options={"year": "2024/2025"})
        db.close()
        assert not refused.committed and "Нужен выбор" in refused.text()
        outcomes.add(_school(sequential))

    # Each import, its checks done, waits for the other to finish its checks too before writing: were
    # the checks outside the write transaction, both would pass them and both files would be loaded.
    for attempt in range(2):
        target = tmp_path / f"together{attempt}.db"
        store.create_db(target).close()
        start, checked = threading.Barrier(2), threading.Barrier(2, timeout=1.0)
        reports = {}

        def wait_for_the_other(done: int, total: int) -> None:
            if done == 700:                                   # previews done, commit next
                try:
                    checked.wait()
                except threading.BrokenBarrierError:
                    pass

        def run(name: str, path: Path) -> None:
            db = store.open_db(target)
            start.wait()
            try:
                reports[name] = import_files(db, [path], options={"year": "2024/2025"},
                                             progress=wait_for_the_other)
            finally:
                db.close()

        threads = [threading.Thread(target=run, args=(n, p)) for n, p in (("a", a), ("b", b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(r.committed for r in reports.values()) == [False, True]
        assert _school(target) in outcomes
