"""Benchmark: creating the demo school, against a baseline measured in the same run.

Run on purpose: ``python tests/benchmarks/bench_demo.py``. The baseline creates an empty
migrated DB and inserts the same number of rows per table with one ``executemany`` each inside
one transaction (rows of the right width, no generation logic), so the ratio shows what the
generator costs on top of the bare writes.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.core import store  # noqa: E402
from app.core.demo import create_demo  # noqa: E402

RUNS = 3


def _demo(tmp: Path, i: int) -> tuple[float, dict]:
    t0 = time.perf_counter()
    db = create_demo(tmp / f"demo{i}.db")
    wall = time.perf_counter() - t0
    counts = store.table_counts(db)
    db.close()
    return wall, counts


def _baseline(tmp: Path, i: int, counts: dict) -> float:
    """Empty DB + the same row count per table, written into a scratch table of the same width."""
    t0 = time.perf_counter()
    db = store.create_db(tmp / f"base{i}.db")
    with db.atomic():
        for table, n in counts.items():
            width = len(db[table].columns)
            cols = ", ".join(f"c{k}" for k in range(width))
            db.conn.execute(f"CREATE TABLE bench_{table} ({cols})")
            marks = ", ".join("?" * width)
            db.conn.executemany(f"INSERT INTO bench_{table} VALUES ({marks})",
                                ((j,) * width for j in range(n)))
    wall = time.perf_counter() - t0
    db.close()
    return wall


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        demo, base, counts = [], [], {}
        for i in range(RUNS):
            w, counts = _demo(tmp, i)
            demo.append(w)
            base.append(_baseline(tmp, i, counts))
    d_best, b_best = min(demo), min(base)
    print(f"rows written: {sum(counts.values())}")
    print(f"demo school : best {d_best:.3f} s (runs: {', '.join(f'{x:.3f}' for x in demo)})")
    print(f"baseline    : best {b_best:.3f} s (empty DB + same rows, executemany)")
    print(f"ratio       : {d_best / b_best:.2f} x   target: demo <= 3 s -> "
          f"{'OK' if max(demo) <= 3.0 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
