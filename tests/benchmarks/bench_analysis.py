"""Benchmark: full analysis (load + indicators + flags) of the demo school and of a school 10× as big.

Run on purpose: ``python tests/benchmarks/bench_analysis.py``. The baseline is the demo school itself,
measured in the same run; the synthetic school is the demo school with every pupil cloned nine
times into nine more sets of classes (new codes, same procedures), so it holds 10 × the results,
10 × the journal marks and 10 × the classes. Targets (issue 6): demo ≤ 0.3 s; synthetic ≤ 12 × demo.
Exit status 1 if a target is missed.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core import store  # noqa: E402
from app.core.analysis import run  # noqa: E402
from app.core.demo import create_demo  # noqa: E402

FACTOR = 10
RUNS = 5

# table -> {column: id offset kind}; the other columns are copied as they are.
CLONE = {
    "student": {"id": "student"},
    "class_group": {"id": "class"},
    "enrolment": {"id": "enrolment", "student_id": "student", "class_id": "class"},
    "journal_mark": {"id": "journal_mark", "student_id": "student"},
    "result": {"id": "result", "student_id": "student", "class_id": "class"},
    "task_score": {"result_id": "result"},
    "recheck": {"id": "recheck", "result_id": "result"},
}
OFFSET_OF = {"student": "student", "class": "class_group", "enrolment": "enrolment",
             "journal_mark": "journal_mark", "result": "result", "recheck": "recheck"}


def make_synthetic(src: Path, dst: Path, factor: int = FACTOR) -> dict:
    """Copy the demo school and clone its pupils ``factor - 1`` times (one transaction)."""
    shutil.copyfile(src, dst)
    db = store.open_db(dst)
    try:
        span = {k: (db.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] + 1)
                for k, t in OFFSET_OF.items()}
        with db.atomic():
            for k in range(1, factor):
                for table, remap in CLONE.items():
                    cols = [c.name for c in db[table].columns]
                    exprs = []
                    for c in cols:
                        if c in remap:
                            exprs.append(f"{c} + {k * span[remap[c]]}")
                        elif (table, c) in (("student", "code"), ("class_group", "label")):
                            exprs.append(f"{c} || '-{k}'")
                        elif (table, c) == ("class_group", "letter"):
                            exprs.append(f"{c} || '{k}'")
                        elif (table, c) == ("student", "full_name"):
                            exprs.append("NULL")
                        else:
                            exprs.append(c)
                    key = "result_id" if table == "task_score" else "id"
                    db.conn.execute(f"INSERT INTO {table} ({', '.join(cols)}) "
                                    f"SELECT {', '.join(exprs)} FROM {table} WHERE {key} < ?",
                                    [span[remap[key]]])
        counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("result", "journal_mark", "student")}
    finally:
        db.close()
    return counts


def _time_both(demo: Path, big: Path, runs: int) -> tuple[list[float], list[float], int, int]:
    """Best-of timings, the two schools measured in turns so a busy machine slows both alike."""
    dbs = [store.open_db(demo), store.open_db(big)]
    try:
        for db in dbs:
            run(db)                               # warm the page cache and the imports
        times: list[list[float]] = [[], []]
        flags = [0, 0]
        for _ in range(runs):
            for k, db in enumerate(dbs):
                t0 = time.perf_counter()
                a = run(db)
                times[k].append(time.perf_counter() - t0)
                flags[k] = len(a.flags)
        return times[0], times[1], flags[0], flags[1]
    finally:
        for db in dbs:
            db.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        demo = tmp / "demo.db"
        create_demo(demo).close()
        big = tmp / "synthetic.db"
        t0 = time.perf_counter()
        base_counts = {t: n for t, n in store.table_counts(store.open_db(demo)).items()
                       if t in ("result", "journal_mark", "student")}
        counts = make_synthetic(demo, big)
        built = time.perf_counter() - t0
        d_all, s_all, d_flags, s_flags = _time_both(demo, big, RUNS)
    d_best, s_best = min(d_all), min(s_all)
    ratio = s_best / d_best
    ok_demo, ok_ratio = d_best <= 0.3, ratio <= 12.0
    print(f"demo school     : {base_counts}")
    print(f"synthetic school: {counts} (built in {built:.1f} s)")
    print(f"demo analysis   : best {d_best:.3f} s (runs: {', '.join(f'{x:.3f}' for x in d_all)}), "
          f"{d_flags} flags; target <= 0.300 s -> {'OK' if ok_demo else 'TOO SLOW'}")
    print(f"10x analysis    : best {s_best:.3f} s (runs: {', '.join(f'{x:.3f}' for x in s_all)}), {s_flags} flags")
    print(f"ratio 10x / demo: {ratio:.2f} x; target <= 12 x -> {'OK' if ok_ratio else 'TOO SLOW'}")
    return 0 if ok_demo and ok_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
