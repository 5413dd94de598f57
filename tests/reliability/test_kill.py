"""The kill harness: real CLI processes killed with SIGKILL at points spread over their run.

Operations: an import, `demo`, `packet`, a schema migration (an older file opened by `info`) and a
plan edit (every measure renamed in one transaction). After each kill:
- the school file passes ``PRAGMA integrity_check``;
- it is wholly as before the operation or wholly as after it (never in between);
- nothing half-made stands under a real name (a demo file or a packet there is complete; a packet
  verifies), and no file anywhere holds a pupil's name except the school file itself;
and after all the kills, one more run of the operation succeeds and leaves no temporary file, no
hidden «.part», no lock and no anonymised copy behind.

20 points in all in the test suite; on purpose: ``KILL_POINTS=200 pytest tests/reliability/test_kill.py``
or ``python tests/reliability/test_kill.py --points 200`` (prints the table docs/reliability.md quotes).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [p for p in (str(ROOT), str(ROOT / "tests")) if p not in sys.path]

from app.core import store  # noqa: E402

OPERATIONS = ("import", "demo", "packet", "migration", "plan_edit")
_PLAN_EDIT = (
    "import sys; sys.path.insert(0, {root!r})\n"
    "from app.core import store, plan\n"
    "db = store.open_db({db!r})\n"
    "with db.atomic():\n"
    "    for (item_id, measure) in db.execute('SELECT id, measure FROM plan_item ORDER BY id').fetchall():\n"
    "        plan.update_item(db, item_id, measure=measure + ' (уточнено)')\n"
    "db.close()\n"
)


def points_total() -> int:
    return int(os.environ.get("KILL_POINTS", "20"))


@dataclass
class Tally:
    op: str
    kills: int = 0
    before: int = 0
    after: int = 0
    corrupt: int = 0
    between: int = 0
    leftovers: int = 0
    problems: list[str] = field(default_factory=list)


def _integrity(path: Path) -> bool:
    conn = sqlite3.connect(path)                 # read-write: a hot journal is rolled back as on any open
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _query(path: Path, sql: str) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _state(path: Path, op: str) -> tuple:
    """What the operation changes, as a comparable value."""
    if op == "import":
        return tuple(_query(path, "SELECT (SELECT count(*) FROM student), (SELECT count(*) FROM journal_mark), "
                                  "(SELECT count(*) FROM import_batch), (SELECT count(*) FROM import_change)")[0])
    if op == "migration":
        tables = {r[0] for r in _query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = _query(path, "PRAGMA user_version")[0][0]
        counts = _query(path, "SELECT (SELECT count(*) FROM student), (SELECT count(*) FROM result)")[0]
        return version, tuple(sorted(tables)), counts
    if op == "plan_edit":
        rows = _query(path, "SELECT id, measure FROM plan_item ORDER BY id")
        return (hashlib.sha256(repr(rows).encode()).hexdigest(),)
    if op in ("demo", "packet"):
        return tuple(_query(path, "SELECT (SELECT count(*) FROM student), (SELECT count(*) FROM result), "
                                  "(SELECT count(*) FROM journal_mark), (SELECT count(*) FROM plan_item)")[0])
    raise ValueError(op)


def _names(path: Path, n: int = 30) -> list[bytes]:
    """Surnames of the school's pupils, as bytes of every encoding a file could hold them in."""
    found = []
    for (name,) in _query(path, f"SELECT full_name FROM student WHERE full_name != '' ORDER BY id LIMIT {n}"):
        surname = name.split()[0]
        if len(surname) >= 6:
            found += [name.encode("utf-8"), name.encode("utf-16-le")]
    return found


def _older_copy(demo: Path, dest: Path) -> Path:
    """The demo school as the previous schema version saw it: what the last migration creates is
    taken away and the version set one back (so `info` migrates it)."""
    shutil.copyfile(demo, dest)
    fresh_new, fresh_old = dest.with_name("v_new.db"), dest.with_name("v_old.db")
    for target, upto in ((fresh_new, store.SCHEMA_VERSION), (fresh_old, store.SCHEMA_VERSION - 1)):
        conn = sqlite3.connect(target)
        for number, sql_path in store._migrations():  # noqa: SLF001 - the chain itself
            if number <= upto:
                for statement in store._split_sql(sql_path.read_text(encoding="utf-8")):  # noqa: SLF001
                    conn.execute(statement)
        conn.commit()
        conn.close()
    objects = lambda p: {tuple(r) for r in _query(p, "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}  # noqa: E731
    added = objects(fresh_new) - objects(fresh_old)
    conn = sqlite3.connect(dest)
    for kind, name in sorted(added, key=lambda x: x[0] != "trigger"):
        if kind in ("table", "index", "trigger", "view"):
            conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION - 1}")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for p in (fresh_new, fresh_old):
        p.unlink()
    return dest


class Harness:
    def __init__(self, work: Path, demo: Path, journal: Path):
        self.work, self.demo, self.journal = work, demo, journal
        self.env = dict(os.environ, TMPDIR=str(work / "tmp"))
        (work / "tmp").mkdir(parents=True, exist_ok=True)
        empty = work / "empty.db"
        if not empty.exists():
            store.create_db(empty, school_name="Школа").close()
        self.empty = empty
        self.older = _older_copy(demo, work / "older.db") if not (work / "older.db").exists() else work / "older.db"

    # -- one operation ------------------------------------------------------------------------------
    def setup(self, op: str, folder: Path) -> tuple[Path, list[str]]:
        """(school file, command line) for one run of `op` in a fresh `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "school.db"
        py = [sys.executable]
        if op == "import":
            shutil.copyfile(self.empty, db)
            return db, py + ["-m", "app", "--db", str(db), "import", str(self.journal)]
        if op == "demo":
            return db, py + ["-m", "app", "--db", str(db), "demo"]
        if op == "packet":
            if not db.exists():
                shutil.copyfile(self.demo, db)
            return db, py + ["-m", "app", "--db", str(db), "packet", str(folder / "out")]
        if op == "migration":
            shutil.copyfile(self.older, db)
            return db, py + ["-m", "app", "--db", str(db), "info"]
        if op == "plan_edit":
            shutil.copyfile(self.demo, db)
            return db, py + ["-c", _PLAN_EDIT.format(root=str(ROOT), db=str(db))]
        raise ValueError(op)

    def run(self, argv: list[str], kill_after: float | None = None) -> tuple[int, float]:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if kill_after is not None:
            try:
                proc.wait(kill_after)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=300)
        if kill_after is None and proc.returncode != 0:
            raise AssertionError(f"{argv[-3:]}: exit {proc.returncode}: {err.decode('utf-8', 'replace')[-800:]}")
        return proc.returncode, time.perf_counter() - start

    def reference(self, op: str) -> tuple[tuple | None, tuple, float]:
        """The state before and after an uninterrupted run, and how long it takes."""
        folder = self.work / f"{op}-reference"
        shutil.rmtree(folder, ignore_errors=True)
        db, argv = self.setup(op, folder)
        before = _state(db, op) if db.exists() else None
        _, seconds = self.run(argv)
        return before, _state(db, op), seconds

    # -- the check after a kill ----------------------------------------------------------------------
    def check(self, op: str, folder: Path, db: Path, before, after, tally: Tally) -> None:
        tally.kills += 1
        if op == "demo" and not db.exists():
            tally.before += 1
        elif not _integrity(db):
            tally.corrupt += 1
            tally.problems.append(f"{op}: integrity check failed")
            return
        elif op == "packet":                             # the school is only read: what counts is the packet
            if _state(db, op) != before:
                tally.between += 1
                tally.problems.append("packet: the school file changed")
            out = folder / "out"
            made = [p for p in out.glob("*.zip") if not p.name.startswith(".")] if out.exists() else []
            if made:
                tally.after += 1
            else:
                tally.before += 1
        else:
            state = _state(db, op)
            if state == before:
                tally.before += 1
            elif state == after:
                tally.after += 1
            else:
                tally.between += 1
                tally.problems.append(f"{op}: state {state} is neither {before} nor {after}")
        if op == "packet":
            from app.core.packet import verify_packet

            for p in (folder / "out").glob("*.zip") if (folder / "out").exists() else []:
                if not p.name.startswith(".") and not verify_packet(p).ok:
                    tally.between += 1
                    tally.problems.append(f"packet: {p.name} stands under its real name and does not verify")
        leaked = self._files_with_names(folder, db)
        if leaked:
            tally.leftovers += 1
            tally.problems.append(f"{op}: pupils' names in {leaked}")

    def _files_with_names(self, folder: Path, db: Path) -> list[str]:
        source = db if db.exists() else self.demo
        names = _names(source)
        found = []
        for place in (folder, self.work / "tmp"):
            for p in place.rglob("*"):
                if not p.is_file() or p.name.startswith(db.name) or p.name.startswith(".~lock") \
                        or p.name.startswith(f".{db.name}.p"):
                    continue                       # the school file, its journals, its own temporaries (0600,
                    # beside it, swept by the next run — checked below)
                if p.suffix in (".pdf", ".xlsx", ".zip") or ".backup-" in p.name:
                    continue                       # the school's own copies and packets (names only in data.json
                    # of the school copy … a packet is checked by its verification and by test_packet_files)
                data = p.read_bytes()
                if any(n in data for n in names):
                    found.append(str(p.relative_to(self.work)))
        return found

    def leftovers(self, folder: Path, db: Path) -> list[str]:
        """Temporaries, hidden «.part» files, locks and anonymised copies after a completed run."""
        out = []
        for place in (folder, self.work / "tmp"):
            for p in place.rglob("*"):
                name = p.name
                if name.endswith(".part") or ".part-" in name or name.startswith(".~lock") \
                        or name.startswith("objektiv-anon") or ".p" in name and name.startswith("."):
                    out.append(str(p.relative_to(self.work)))
        return out


def run_harness(work: Path, demo: Path, journal: Path, points: int, ops=OPERATIONS) -> list[Tally]:
    harness = Harness(work, demo, journal)
    per_op = max(1, points // len(ops))
    _, startup = harness.run([sys.executable, "-c", "import sys; sys.path.insert(0, %r); import app.cli, "
                              "app.core.imports, app.core.store" % str(ROOT)])
    tallies = []
    for op in ops:
        tally = Tally(op)
        before, after, seconds = harness.reference(op)
        folder = work / f"{op}-kills"
        shutil.rmtree(folder, ignore_errors=True)
        db = folder / "school.db"
        for k in range(per_op):
            # spread over the part of the run after the interpreter has started, a little past its end
            at = startup * 0.8 + (seconds * 1.05 - startup * 0.8) * (k + 0.5) / per_op
            if op != "demo" or not db.exists():
                db, argv = harness.setup(op, folder)
            else:
                argv = harness.setup(op, folder)[1]
            if op == "packet" and before is None:
                before = after
            harness.run(argv, kill_after=at)
            harness.check(op, folder, db, before if before is not None else None, after, tally)
            if op == "demo" and db.exists():            # complete (checked): the next point starts anew
                for suffix in ("", "-wal", "-shm"):
                    Path(str(db) + suffix).unlink(missing_ok=True)
        # one more run finishes the job and must leave nothing behind
        if op == "demo":
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            argv = harness.setup(op, folder)[1]
        elif op in ("import", "migration", "plan_edit"):
            db, argv = harness.setup(op, folder)
        else:
            argv = harness.setup(op, folder)[1]
        harness.run(argv)
        rest = harness.leftovers(folder, db)
        if rest:
            tally.leftovers += len(rest)
            tally.problems.append(f"{op}: left behind after a complete run: {rest}")
        tallies.append(tally)
    return tallies


@pytest.fixture(scope="module")
def journal(tmp_path_factory) -> Path:
    import make_import_fixtures as fixtures

    return fixtures.journal_big_csv(tmp_path_factory.mktemp("journal") / "journal_2024-2025.csv", 300_000)


def test_killed_operations_leave_the_school_whole(demo_template, journal, tmp_path):
    tallies = run_harness(tmp_path, demo_template, journal, points_total())
    problems = [p for t in tallies for p in t.problems]
    assert not problems, problems
    assert sum(t.kills for t in tallies) >= min(points_total(), 20)
    assert all(t.corrupt == t.between == t.leftovers == 0 for t in tallies)


def _table(tallies: list[Tally]) -> str:
    lines = ["| operation | kills | before | after | corrupt | in between | leftovers |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for t in tallies:
        lines.append(f"| {t.op} | {t.kills} | {t.before} | {t.after} | {t.corrupt} | {t.between} | {t.leftovers} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="kill harness")
    parser.add_argument("--points", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        from app.core.demo import create_demo
        import make_import_fixtures as fixtures

        demo = Path(tmp) / "demo-template" / "demo.db"
        demo.parent.mkdir()
        create_demo(demo).close()
        jr = fixtures.journal_big_csv(Path(tmp) / "journal_2024-2025.csv", 300_000)
        start = time.perf_counter()
        result = run_harness(Path(tmp) / "work", demo, jr, args.points)
        print(_table(result))
        print(f"{sum(t.kills for t in result)} kills in {time.perf_counter() - start:.0f} s")
        for t in result:
            for p in t.problems:
                print("PROBLEM", p)
