"""Start-up economies in the core keep the rules they stand in for."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.core import overview, plan

ROOT = Path(__file__).resolve().parents[2]


def _add_plan(db, title: str) -> int:
    with db.atomic():
        return db.execute("INSERT INTO plan (title, year_from, year_to) VALUES (?, 2025, 2026)",
                          [title]).lastrowid


def test_overview_takes_the_same_current_plan_as_the_plan_module(empty_db):
    assert overview.current_plan_id(empty_db) is None is plan.current_plan_id(empty_db)
    first = _add_plan(empty_db, "План на 2025/2026")
    assert overview.current_plan_id(empty_db) == plan.current_plan_id(empty_db) == first
    second = _add_plan(empty_db, "План на 2026/2027")
    assert overview.current_plan_id(empty_db) == plan.current_plan_id(empty_db) == second
    assert overview.school_overview(empty_db, today="2025-10-01")["plan"]["title"] == "План на 2026/2027"


def test_the_first_page_needs_neither_the_plan_module_nor_numpy():
    code = ("import sys, app.core.store, app.core.overview; "
            "print(sorted(m for m in ('app.core.plan', 'app.core.deadlines', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
