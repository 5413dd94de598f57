"""Scales are data: mark_for, validation, built-in rows, recompute after a change."""
from __future__ import annotations

import json

import pytest

from app.core import procedures, roster, scales
from app.core.errors import UserError

RULES = {"thresholds": [[0, 2], [14, 3], [24, 4], [33, 5]]}


def test_mark_for_boundaries():
    assert [scales.mark_for(RULES, p) for p in (0, 13, 14, 23, 24, 32, 33, 38)] == [2, 2, 3, 3, 4, 4, 5, 5]
    assert scales.mark_for(json.dumps(RULES), 30) == 4
    assert scales.mark_for(RULES, None) is None
    assert scales.mark_for({"min": 36}, 50) is None
    assert scales.thresholds_text(RULES, 38) == "«2»: 0–13, «3»: 14–23, «4»: 24–32, «5»: 33–38"


@pytest.mark.parametrize("rules, message", [
    ({"thresholds": [[1, 2], [5, 3]]}, "с отметки «2» при 0"),
    ({"thresholds": [[0, 2], [10, 3], [8, 4]]}, "больше порога"),
    ({"thresholds": [[0, 2], [10, 4], [12, 3]]}, "по возрастанию"),
    ({"thresholds": [[0, 2], [10, 3], [50, 5]]}, "больше максимального"),
    ({}, "Задайте пороги"),
])
def test_validate_rules_refuses(rules, message):
    with pytest.raises(UserError, match=message):
        scales.validate_rules("marks", rules, 40)


def test_builtin_scales_are_rows_and_idempotent(empty_db):
    db = empty_db
    db.execute("DELETE FROM scale")  # a new school already has them (store.create_db); start bare
    db.execute("INSERT INTO subject (name) VALUES ('Русский язык')")
    added = scales.ensure_builtin_scales(db)
    assert added == len(scales.load_builtin()) and added > 20
    assert scales.ensure_builtin_scales(db) == 0
    rus4 = [s for s in scales.list_scales(db) if s["name"] == "ВПР 2024, русский язык, 4 класс"][0]
    assert rus4["builtin"] == 1 and rus4["subject_id"] == 1 and rus4["max_score"] == 38
    assert scales.mark_for(rus4["rules"], 33) == 5
    # a subject added later gets linked on the next call
    math = db.execute("INSERT INTO subject (name) VALUES ('Математика')").lastrowid
    scales.ensure_builtin_scales(db)
    assert scales.find_scale(db, "vpr", math, 5, "2024/2025") is not None
    every = db.execute("SELECT count(*) FROM scale WHERE builtin = 1").fetchone()[0]
    assert every == added


def test_find_scale_prefers_same_year_then_latest_earlier(empty_db):
    db = empty_db
    db.execute("DELETE FROM scale")  # without the built-in scales of a new school
    subj = db.execute("INSERT INTO subject (name) VALUES ('Математика')").lastrowid
    base = dict(kind="marks", procedure_kind="vpr", subject_id=subj, grade=5, max_score=20)
    old = scales.create_scale(db, name="А", year_label="2022/2023", rules=RULES | {"thresholds": [[0, 2], [7, 3]]}, **base)
    new = scales.create_scale(db, name="Б", year_label="2024/2025", rules={"thresholds": [[0, 2], [8, 3]]}, **base)
    assert scales.find_scale(db, "vpr", subj, 5, "2024/2025") == new
    assert scales.find_scale(db, "vpr", subj, 5, "2023/2024") == old
    assert scales.find_scale(db, "oge", subj, 5, "2024/2025") is None


def _procedure_with_results(db, scale_id):
    year = roster.create_year(db, "2024/2025")
    cls = roster.create_class(db, year, 4, "А")
    pid = procedures.create_procedure(db, kind="vpr", subject_id=1, grade=4, year_id=year, scale_id=scale_id,
                                      max_score=38)
    for score in (10, 14, 25, 33, 20):
        s = roster.create_student(db, class_id=cls)
        procedures.set_primary_score(db, pid, s, score)
    return pid


def test_changing_a_scale_recomputes_marks(empty_db):
    db = empty_db
    db.execute("INSERT INTO subject (name) VALUES ('Русский язык')")
    sid = scales.create_scale(db, name="Моя шкала", kind="marks", procedure_kind="vpr", subject_id=1, grade=4,
                              max_score=38, rules=RULES)
    pid = _procedure_with_results(db, sid)
    marks_before = [r[0] for r in db.execute("SELECT mark FROM result WHERE procedure_id = ? ORDER BY id", [pid])]
    assert marks_before == [2, 3, 4, 5, 3]
    stricter = {"thresholds": [[0, 2], [15, 3], [26, 4], [34, 5]]}
    assert scales.count_mark_changes(db, sid, stricter) == 3
    assert scales.update_scale(db, sid, rules=stricter) == 3
    after = [r[0] for r in db.execute("SELECT mark FROM result WHERE procedure_id = ? ORDER BY id", [pid])]
    assert after == [2, 2, 3, 4, 3]
    with pytest.raises(UserError, match="используется"):
        scales.delete_scale(db, sid)


def test_bad_update_changes_nothing(empty_db):
    db = empty_db
    db.execute("INSERT INTO subject (name) VALUES ('Русский язык')")
    sid = scales.create_scale(db, name="Шкала", kind="marks", max_score=38, rules=RULES)
    with pytest.raises(UserError):
        scales.update_scale(db, sid, rules={"thresholds": [[0, 2], [50, 3]]})
    assert scales.get_scale(db, sid)["rules"] == RULES
    with pytest.raises(UserError, match="уже есть"):
        scales.create_scale(db, name="Шкала", kind="marks", rules=RULES)


def test_test_scale(empty_db):
    sid = scales.create_scale(empty_db, name="ЕГЭ", kind="test", rules={"min": 36, "high": 70})
    assert scales.recompute_marks(empty_db, sid) == 0
    with pytest.raises(UserError, match="минимальный"):
        scales.create_scale(empty_db, name="ЕГЭ2", kind="test", rules={"high": 70})
