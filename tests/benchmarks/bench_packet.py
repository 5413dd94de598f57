"""Benchmark of the packet and the district summary (run on purpose, not collected by pytest).

    python tests/benchmarks/bench_packet.py [--packets 100] [--jobs 2] [--keep DIR]

1. baseline: a fixed CPU workload (SHA-256 and zlib over 16 MB of fixed bytes), measured first,
   so every figure is also given as a ratio to it (compare runs on different machines by ratios);
2. the demo school's packet (seed 2025): write + verify, best of three — budget 5 s;
3. N packets of N different demo schools (seeds 1…N, built in parallel, not timed), then one
   district summary of all of them — budget 30 s for 100 packets.
Exit code 1 if a budget is exceeded.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PACKET_BUDGET = 5.0
SUMMARY_BUDGET_PER_100 = 30.0


def baseline() -> float:
    data = random.Random(0).randbytes(16 * 1024 * 1024)
    start = time.perf_counter()
    hashlib.sha256(data).hexdigest()
    zlib.compress(data, 6)
    return time.perf_counter() - start


def make_school_packet(args: tuple[int, str]) -> str:
    """Build the demo school of one seed and write its packet into the folder (worker process)."""
    seed, folder = args
    from app.core import packet
    from app.core.demo import create_demo

    work = Path(folder) / "db"
    work.mkdir(exist_ok=True)
    db = create_demo(work / f"demo-{seed}.db", seed=seed)
    try:
        return str(packet.write_packet(db, Path(folder) / "packets"))
    finally:
        db.close()


def bench_one_packet(tmp: Path) -> tuple[float, float, Path]:
    from app.core import packet
    from app.core.demo import create_demo

    db = create_demo(tmp / "demo.db")
    times, verify_times, path = [], [], None
    try:
        for k in range(3):
            start = time.perf_counter()
            path = packet.write_packet(db, tmp / f"out{k}")
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            assert packet.verify_packet(path).ok
            verify_times.append(time.perf_counter() - start)
    finally:
        db.close()
    return min(times), min(verify_times), path


def bench_summary(tmp: Path, n: int, jobs: int) -> tuple[float, int, float]:
    from app.core import district

    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        made = list(pool.map(make_school_packet, [(seed, str(tmp)) for seed in range(1, n + 1)]))
    build = time.perf_counter() - start
    start = time.perf_counter()
    result = district.write_summary([tmp / "packets"], tmp / "svodka.xlsx")
    elapsed = time.perf_counter() - start
    if len(result.schools) != len(set(made)):
        print(f"  внимание: школ в сводке {len(result.schools)}, пакетов {len(set(made))}")
    return elapsed, len(result.schools), build


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packets", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the packets and the summary in this folder")
    args = ap.parse_args()
    base = baseline()
    print(f"baseline (sha256+zlib, 16 MB): {base:.3f} s")
    with tempfile.TemporaryDirectory(prefix="objektiv-bench-") as t:
        tmp = args.keep or Path(t)
        tmp.mkdir(parents=True, exist_ok=True)
        write, verify, path = bench_one_packet(tmp)
        print(f"demo packet: write {write:.2f} s ({write / base:.1f}× baseline), verify {verify:.3f} s, "
              f"{path.stat().st_size // 1024} KB — budget {PACKET_BUDGET:.0f} s: "
              f"{'OK' if write <= PACKET_BUDGET else 'EXCEEDED'}")
        summary, schools, build = bench_summary(tmp, args.packets, args.jobs)
        budget = SUMMARY_BUDGET_PER_100 * args.packets / 100
        print(f"{args.packets} packets built in {build:.0f} s (not timed); summary of {schools} schools: "
              f"{summary:.2f} s ({summary / base:.1f}× baseline, {summary / max(schools, 1) * 1000:.0f} ms "
              f"per packet) — budget {budget:.0f} s: {'OK' if summary <= budget else 'EXCEEDED'}")
    return 0 if write <= PACKET_BUDGET and summary <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
