"""Linking benchmark, run on purpose:

    .venv/bin/python tests/benchmarks/bench_links.py

A school of 600 pupils (20 classes of 30) imported the way the walkthrough found it: the journal
(names), then ВПР forms (codes only) — 1 200 records. Measured: importing the school's list «код ↔ ФИО
↔ класс», which merges the 600 pairs, and undoing it. Baseline, in the same run: importing the same
list into an empty school (600 new pupils, nothing to merge). Best of several runs, one warm-up.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import openpyxl  # noqa: E402

import make_import_fixtures as fixtures  # noqa: E402
from app.core import store  # noqa: E402
from app.core.imports import import_files, undo_import  # noqa: E402

CLASSES = [f"{g}{letter}" for g in range(5, 9) for letter in "АБВГД"]


def _school() -> list[tuple[str, str, str]]:
    names = fixtures.pupils(600, 77)
    return [(str(60001 + i), names[i], CLASSES[i // 30]) for i in range(600)]


def _files(tmp: Path) -> tuple[Path, Path, list[Path]]:
    pupils = _school()
    rng = random.Random(5)
    journal = tmp / "journal_2024-2025.csv"
    journal.write_text("Класс;ФИО;Предмет;Период;Отметка\n" + "".join(
        f"{c};{n};Математика;3 четверть;{rng.choice([3, 4, 5])}\n" for _, n, c in pupils), encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Код участника", "ФИО", "Класс"])
    for code, name, cls in pupils:
        ws.append([int(code), name, cls])
    codes = tmp / "codes_2024-2025.xlsx"
    wb.save(codes)
    forms = []
    for cls in CLASSES:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Предмет:", "Математика"])
        ws.append(["Класс:", cls])
        ws.append(["Дата:", "17.04.2025"])
        ws.append(["Код участника", *fixtures.MATH5_TASKS, "Первичный балл", "Отметка"])
        ws.append(["Макс. балл", *fixtures.MATH5_MAX, sum(fixtures.MATH5_MAX), ""])
        for code, _name, c in pupils:
            if c == cls:
                sc = fixtures._scores(rng, fixtures.MATH5_MAX, rng.uniform(0.3, 0.95))  # noqa: SLF001
                ws.append([int(code), *sc, sum(sc), fixtures._mark(sum(sc), [7, 11, 15])])  # noqa: SLF001
        grade = int(cls[:-1])
        path = tmp / f"vpr_math{grade}_{cls}_2025.xlsx"
        wb.save(path)
        forms.append(path)
    return journal, codes, forms


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(runs: int = 5) -> int:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        journal, codes, forms = _files(tmp)
        link, undo, base = [], [], []
        for n in range(runs + 1):
            db = store.create_db(tmp / f"school{n}.db")
            for path in [journal, *forms]:
                assert import_files(db, [path]).committed
            assert db.execute("SELECT count(*) FROM student").fetchone()[0] == 1200
            report = None

            def run_link():
                nonlocal report
                report = import_files(db, [codes])
            t_link = _timed(run_link)
            assert report.committed and db.execute("SELECT count(*) FROM student").fetchone()[0] == 600
            t_undo = _timed(lambda: undo_import(db, report.files[0].batch_id))
            assert db.execute("SELECT count(*) FROM student").fetchone()[0] == 1200
            db.close()
            empty = store.create_db(tmp / f"empty{n}.db")
            t_base = _timed(lambda: import_files(empty, [codes]))
            empty.close()
            if n:                                         # the first run warms up
                link.append(t_link), undo.append(t_undo), base.append(t_base)
    fmt = lambda xs: ", ".join(f"{x:.3f}" for x in xs)  # noqa: E731
    print(f"baseline: the list into an empty school (600 new pupils): best {min(base):.3f} s ({fmt(base)})")
    print(f"the list merging 600 pairs of records:                 best {min(link):.3f} s ({fmt(link)})")
    print(f"undoing that import:                                    best {min(undo):.3f} s ({fmt(undo)})")
    print(f"ratio merge / baseline: {min(link) / min(base):.2f} ×; undo / baseline: {min(undo) / min(base):.2f} ×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
