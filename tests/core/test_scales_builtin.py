"""The shipped scales (resources/scales/builtin.json): valid data, sourced, in every new school."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import scales, store

ROOT = Path(__file__).resolve().parents[2]
DOC = json.loads(scales.BUILTIN_FILE.read_text(encoding="utf-8"))
SPECS = DOC["scales"]
YEARS = ("2023/2024", "2024/2025", "2025/2026")


def test_file_format():
    assert DOC["format"] == "objektiv-scales" and DOC["version"] >= 2 and DOC["note"]
    names = [s["name"] for s in SPECS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("spec", SPECS, ids=[s["name"] for s in SPECS])
def test_every_entry_is_valid_and_sourced(spec):
    assert spec["kind"] in ("marks", "test") and spec["procedure_kind"] in ("vpr", "oge", "ege")
    assert spec["year_label"] in YEARS and 1 <= spec["grade"] <= 11 and spec["subject"]
    assert isinstance(spec.get("source"), str) and len(spec["source"]) > 10
    assert isinstance(spec["max_score"], int) and spec["max_score"] > 0
    if spec["kind"] == "marks":
        th = spec["rules"]["thresholds"]
        assert th[0] == [0, 2]
        assert [m for _, m in th] == sorted(m for _, m in th) and [a for a, _ in th] == sorted({a for a, _ in th})
        assert all(low <= spec["max_score"] for low, _ in th)
    else:
        assert spec["max_score"] == 100 and 0 < spec["rules"]["min"] <= 100
        assert spec["rules"].get("min_attestat", 0) <= spec["rules"]["min"]
    # the program's own validation accepts it unchanged
    assert scales.validate_rules(spec["kind"], spec["rules"],
                                 spec["max_score"] if spec["kind"] == "marks" else None)
    if "tasks" in spec:
        numbers = [str(n) for n, _ in spec["tasks"]]
        assert len(numbers) == len(set(numbers)) and all(int(top) > 0 for _, top in spec["tasks"])
        assert sum(top for _, top in spec["tasks"]) == spec["max_score"]


def test_years_shipped():
    assert {s["year_label"] for s in SPECS} == set(YEARS)
    for year in ("2023/2024", "2025/2026"):
        assert {s["procedure_kind"] for s in SPECS if s["year_label"] == year} == {"vpr", "oge", "ege"}
    # 2024/2025: only the ЕГЭ minimum test scores could be checked against two sources so far;
    # its ВПР and ОГЭ scales are not shipped (docs/methodology.md)
    assert {s["procedure_kind"] for s in SPECS if s["year_label"] == "2024/2025"} == {"ege"}
    assert {s["kind"] for s in SPECS if s["year_label"] == "2024/2025"} == {"test"}


@pytest.mark.parametrize("name, year, primary_marks", [
    ("ВПР 2024, русский язык, 4 класс", "2023/2024", {13: 2, 14: 3, 24: 4, 33: 5}),
    ("ОГЭ 2024, история", "2023/2024", {10: 2, 11: 3, 20: 3, 21: 4, 29: 4, 30: 5}),
    ("ВПР 2026, русский язык, 4 класс", "2025/2026", {9: 2, 10: 3, 15: 3, 16: 4, 20: 4, 21: 5, 24: 5}),
    ("ОГЭ 2026, математика", "2025/2026", {7: 2, 8: 3, 14: 3, 15: 4, 21: 4, 22: 5}),
])
def test_spot_checked_marks(name, year, primary_marks):
    spec = next(s for s in SPECS if s["name"] == name)
    assert spec["year_label"] == year
    assert {p: scales.mark_for(spec["rules"], p) for p in primary_marks} == primary_marks


def test_spot_checked_test_minimums():
    by_name = {s["name"]: s for s in SPECS}
    assert by_name["ЕГЭ 2024, русский язык"]["rules"]["min_attestat"] == 24
    assert by_name["ЕГЭ 2026, русский язык"]["rules"] == {"min": 36, "min_attestat": 24}
    assert by_name["ЕГЭ 2026, обществознание"]["rules"]["min"] == 42
    assert by_name["ЕГЭ 2026, математика (профильный уровень)"]["rules"]["min"] == 27
    assert by_name["ЕГЭ 2025, русский язык"]["rules"] == {"min": 36, "min_attestat": 24}
    assert by_name["ЕГЭ 2025, русский язык"]["year_label"] == "2024/2025"
    assert by_name["ЕГЭ 2025, информатика"]["rules"]["min"] == 40
    assert by_name["ЕГЭ 2025, география"]["rules"]["min"] == 37
    assert by_name["ЕГЭ 2025, английский язык"]["rules"]["min"] == 22


def test_builtin_task_maxima():
    tasks = scales.builtin_task_maxima("vpr", "Русский язык", 4, "2025/2026")
    assert tasks is not None and tasks["1"] == 2 and tasks["12"] == 3 and sum(tasks.values()) == 24
    assert scales.builtin_task_maxima("vpr", " русский  язык ", 4, "2025/2026") == tasks
    assert scales.builtin_task_maxima("vpr", "Русский язык", 4, "2019/2020") is None
    assert scales.builtin_task_maxima("oge", "Русский язык", 4, "2025/2026") is None
    assert scales.builtin_task_maxima("vpr", "Физика", 11, "2025/2026") is None


def test_new_school_has_the_scales_with_source_and_tasks(empty_db):
    stored = {s["name"]: s for s in scales.list_scales(empty_db)}
    assert set(stored) == {s["name"] for s in SPECS}
    assert all(s["builtin"] == 1 for s in stored.values())
    rus4 = stored["ВПР 2026, русский язык, 4 класс"]
    assert rus4["rules"]["source"].startswith("ФИОКО") and rus4["rules"]["subject"] == "Русский язык"
    assert dict(rus4["rules"]["tasks"])["12"] == 3
    # the extra keys do not disturb the rest of the scale code
    assert scales.mark_for(rus4["rules"], 21) == 5
    assert scales.thresholds_text(rus4["rules"], 24) == "«2»: 0–9, «3»: 10–15, «4»: 16–20, «5»: 21–24"
    assert scales.validate_rules("marks", rus4["rules"], 24)["tasks"] == rus4["rules"]["tasks"]
    assert scales.ensure_builtin_scales(empty_db) == 0


def test_a_subject_added_later_finds_the_new_schools_scale(empty_db):
    math = empty_db.execute("INSERT INTO subject (name) VALUES ('Математика')").lastrowid
    found = scales.find_scale(empty_db, "oge", math, 9, "2025/2026")
    assert scales.get_scale(empty_db, found)["name"] == "ОГЭ 2026, математика"


def test_user_scale_of_the_same_year_wins_over_the_builtin(empty_db):
    rus = empty_db.execute("INSERT INTO subject (name) VALUES ('Русский язык')").lastrowid
    own = scales.create_scale(empty_db, name="Своя шкала", kind="marks", procedure_kind="vpr", subject_id=rus,
                              grade=4, year_label="2025/2026", max_score=24,
                              rules={"thresholds": [[0, 2], [9, 3], [15, 4], [20, 5]]})
    assert scales.find_scale(empty_db, "vpr", rus, 4, "2025/2026") == own


def test_cli_init_database_has_the_scales(tmp_path):
    path = tmp_path / "new.db"
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "init", "--school", "Школа"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    db = store.open_db(path)
    try:
        count = db.execute("SELECT count(*) FROM scale WHERE builtin = 1").fetchone()[0]
        assert count == len(SPECS)
    finally:
        db.close()
