"""The packet's own files: no copy of the school with names ever on disk, nothing half-made left.

- While a packet is written, every file in the temporary folder and the destination is read at each
  step: not one pupil's name in any of them (the anonymised copy lives in memory).
- Folders and unfinished packets a crashed write left behind are removed by the next write (those of
  a write still running are not), and an unfinished «.part» never passes as a packet — checked with
  a real process killed (SIGKILL) after its packet was complete but before the rename.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main
from app.core import packet as P
from app.core import store

ROOT = Path(__file__).resolve().parents[2]
DEAD_PID = 4_194_304 + 4321          # above Linux's largest pid: never a live process


@pytest.fixture
def sys_tmp(tmp_path, monkeypatch):
    """A private system temporary folder for this test."""
    import tempfile

    folder = tmp_path / "sys-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _names(db, n: int = 40) -> list[bytes]:
    rows = db.execute("SELECT full_name FROM student WHERE full_name <> '' ORDER BY id LIMIT ?", [n])
    return [r[0].encode("utf-8") for r in rows]


def _files_with(folder: Path, needles: list[bytes]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            try:
                raw = path.read_bytes()
            except OSError:
                continue                     # removed between listing and reading
            hits += [f"{path.name}: {n.decode()}" for n in needles if n in raw]
    return hits


def test_no_file_written_during_a_packet_holds_a_pupils_name(demo_db, demo_db_path, sys_tmp, tmp_path):
    needles = _names(demo_db)
    # the names are really in the school's file, so the scan below can see them
    demo_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _files_with(demo_db_path.parent, needles[:1])
    beside = set(demo_db_path.parent.iterdir())
    out = tmp_path / "usb"
    seen: list[str] = []
    steps: list[int] = []

    def look(done, total):
        steps.append(done)
        seen.extend(_files_with(sys_tmp, needles))
        if out.exists():
            seen.extend(_files_with(out, needles))

    path = P.write_packet(demo_db, out, progress=look, include_evidence=True)
    assert len(steps) >= 8 and seen == []
    assert sorted(out.iterdir()) == [path] and list(sys_tmp.iterdir()) == []
    assert set(demo_db_path.parent.iterdir()) - beside <= {out}   # nothing new beside the school
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o644


def test_folders_a_crash_left_in_the_temporary_folder_are_removed(demo_db, sys_tmp, tmp_path):
    old_copy = sys_tmp / "objektiv-anon-k2j4h5"                 # an older version's copy of the school
    old_copy.mkdir()
    (old_copy / "anon.db").write_bytes(b"SQLite format 3\x00" + _names(demo_db, 1)[0])
    crashed = sys_tmp / f"objektiv-packet-{DEAD_PID}-abc123"
    crashed.mkdir()
    (crashed / "plan.pdf").write_bytes(b"%PDF-1.4 half")
    running = sys_tmp / f"objektiv-packet-{os.getppid()}-def456"   # a write of a live process
    running.mkdir()
    other = sys_tmp / "objektiv-tests-keep"                     # not ours to judge
    other.mkdir()
    P.write_packet(demo_db, tmp_path / "usb")
    assert not old_copy.exists() and not crashed.exists()
    assert running.exists() and other.exists()


def _copy_as(src: Path, dest: Path, age: float = 0.0) -> Path:
    shutil.copyfile(src, dest)
    if age:
        t = time.time() - age
        os.utime(dest, (t, t))
    return dest


def test_unfinished_packets_are_never_accepted_and_stale_ones_are_removed(demo_db, tmp_path, capsys):
    out = tmp_path / "usb"
    good = P.write_packet(demo_db, out)
    dead = _copy_as(good, out / f".{good.name}.p{DEAD_PID}_a1b2c3.part")
    live = _copy_as(good, out / f".{good.name}.p{os.getppid()}_d4e5f6.part")
    other_day = _copy_as(good, out / f".objektiv_{good.stem[9:-11]}_2020-01-01.zip.p{DEAD_PID}_x.part")
    old_style = _copy_as(good, out / f".{good.name}.k3j4h5_q.part", age=2 * P.STALE_AGE)
    young_style = _copy_as(good, out / f".{good.name}.zz9x8w7v.part")
    foreign = _copy_as(good, out / ".someone-elses.zip.part")
    res = P.verify_packet(dead)
    assert not res.ok and "незавершённая запись пакета" in res.problems[0]
    assert main(["verify-packet", str(dead)]) == 1
    assert "незавершённая запись пакета" in capsys.readouterr().err
    again = P.write_packet(demo_db, out)
    assert again == good and P.verify_packet(again).ok
    assert not dead.exists() and not old_style.exists() and not other_day.exists()
    assert live.exists() and young_style.exists() and foreign.exists()


KILLED_WRITER = r"""
import io, sys, time
from app.core import packet as P, store

class SlowClose(io.FileIO):
    def close(self):
        super().close()
        print("complete", flush=True)
        time.sleep(120)             # killed here: the packet is whole, not yet renamed

db = store.open_db(sys.argv[1])
P.write_packet(db, sys.argv[2], _opener=lambda p: SlowClose(p, "wb"))
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_writer_killed_before_the_rename_leaves_nothing_that_passes(demo_db_path, tmp_path):
    out = tmp_path / "usb"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(demo_db_path), str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "complete", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    left = list(out.iterdir())
    assert len(left) == 1 and left[0].name.endswith(".part") and left[0].name.startswith(".objektiv_")
    assert not P.verify_packet(left[0]).ok                      # whole, but never a packet
    db = store.open_db(demo_db_path)
    try:
        path = P.write_packet(db, out)
    finally:
        db.close()
    assert sorted(out.iterdir()) == [path] and P.verify_packet(path).ok
