"""Контингент: years, classes, students, codes, moving, promotion, staff, undo snapshots."""
from __future__ import annotations

import pytest

from app.core import roster
from app.core.errors import UserError
from app.core.settings import get_setting


@pytest.fixture
def school(empty_db):
    db = empty_db
    year = roster.create_year(db, "2024-25")
    classes = {label: roster.create_class(db, year, int(label[:-1]), label[-1])
               for label in ("5А", "5Б", "9А", "11А")}
    return db, year, classes


def test_create_year_makes_quarters_and_annual_period(empty_db):
    year = roster.create_year(empty_db, "2024/2025")
    periods = empty_db.execute("SELECT kind, number, start_date, end_date FROM period WHERE year_id = ? "
                               "ORDER BY kind, number", [year]).fetchall()
    assert [p[:2] for p in periods] == [("quarter", 1), ("quarter", 2), ("quarter", 3), ("quarter", 4),
                                        ("year", 1)]
    assert periods[2][2] == "2025-01-09"          # 3rd quarter is in the second calendar year
    with pytest.raises(UserError, match="уже есть"):
        roster.create_year(empty_db, "2024/2025")
    with pytest.raises(UserError, match="не учебный год"):
        roster.create_year(empty_db, "2024/2026")


def test_class_rules(school):
    db, year, classes = school
    assert [c["label"] for c in roster.list_classes(db, year)] == ["5А", "5Б", "9А", "11А"]
    with pytest.raises(UserError, match="уже есть"):
        roster.create_class(db, year, 5, "а")
    with pytest.raises(UserError, match="от 1 до 11"):
        roster.create_class(db, year, 12, "А")
    roster.rename_class(db, classes["5Б"], 5, "В")
    assert db.execute("SELECT label FROM class_group WHERE id = ?", [classes["5Б"]]).fetchone()[0] == "5В"


def test_student_codes_are_five_digits_and_never_reused(school):
    db, year, classes = school
    a = roster.create_student(db, class_id=classes["5А"], full_name="Иванова Анна", sex="ж")
    b = roster.create_student(db, class_id=classes["5А"], full_name="Петров Пётр", sex="м", medal_degree=None)
    code_a, code_b = (roster.get_student(db, s)["code"] for s in (a, b))
    assert len(code_a) == 5 and code_a.isdigit() and int(code_b) == int(code_a) + 1
    roster.delete_student(db, b)
    c = roster.create_student(db, class_id=classes["5А"], full_name="Сидоров Сидор")
    assert roster.get_student(db, c)["code"] not in (code_a, code_b)
    with pytest.raises(UserError, match="повторно не выдаётся"):
        roster.create_student(db, class_id=classes["5А"], code=code_b)
    assert code_b in get_setting(db, "roster.retired_codes")


def test_code_fallback_when_99999_is_taken(school):
    db, year, classes = school
    roster.create_student(db, class_id=classes["5А"], code="99999")
    code = roster.next_student_code(db)
    assert len(code) == 5 and code != "99999"


def test_bad_student_input_changes_nothing(school):
    db, year, classes = school
    before = db.execute("SELECT count(*) FROM student").fetchone()[0]
    with pytest.raises(UserError, match="«м» или «ж»"):
        roster.create_student(db, class_id=classes["5А"], full_name="Кто-то", sex="x")
    with pytest.raises(UserError, match="степень"):
        roster.create_student(db, class_id=classes["11А"], full_name="Кто-то", medal_degree=3)
    assert db.execute("SELECT count(*) FROM student").fetchone()[0] == before


def test_move_student_and_delete_class(school):
    db, year, classes = school
    s = roster.create_student(db, class_id=classes["5А"], full_name="Орлова Ольга", sex="ж")
    with pytest.raises(UserError, match="переведите"):
        roster.delete_class(db, classes["5А"])
    assert roster.move_student(db, s, classes["5Б"]) == classes["5А"]
    assert [r["class_label"] for r in roster.list_students(db, year_id=year)] == ["5Б"]
    roster.delete_class(db, classes["5А"])
    assert "5А" not in [c["label"] for c in roster.list_classes(db, year)]


def test_promote_year(school):
    db, year, classes = school
    for label, n in (("5А", 3), ("9А", 2), ("11А", 4)):
        for i in range(n):
            roster.create_student(db, class_id=classes[label], full_name=f"Ученик {label} {i}",
                                  medal_degree=1 if label == "11А" else None)
    summary = roster.promote_year(db, year)
    assert summary["label"] == "2025/2026" and summary["created"]
    assert (summary["classes"], summary["students"], summary["left"]) == (3, 5, 4)
    new = {c["label"]: c["students"] for c in roster.list_classes(db, summary["year_id"])}
    assert new == {"6А": 3, "6Б": 0, "10А": 2}
    with pytest.raises(UserError, match="уже есть классы"):
        roster.promote_year(db, year)


def test_promotion_undo_redo_by_snapshot(school):
    db, year, classes = school
    roster.create_student(db, class_id=classes["5А"], full_name="Ученик")
    summary = roster.promote_year(db, year)
    snap = roster.snapshot_year(db, summary["year_id"])
    roster.drop_rows(db, snap)
    assert [y["label"] for y in roster.list_years(db)] == ["2024/2025"]
    roster.load_rows(db, snap)
    assert roster.list_years(db)[1]["students"] == 1


def test_delete_student_restores_with_marks(school):
    db, year, classes = school
    s = roster.create_student(db, class_id=classes["5А"], full_name="Лебедев Лев", sex="м")
    db.execute("INSERT INTO subject (name) VALUES ('Математика')")
    period = db.execute("SELECT id FROM period WHERE year_id = ? LIMIT 1", [year]).fetchone()[0]
    db.execute("INSERT INTO journal_mark (student_id, subject_id, period_id, mark) VALUES (?, 1, ?, 4)",
               [s, period])
    snap = roster.snapshot_student(db, s)
    roster.delete_student(db, s)
    assert db.execute("SELECT count(*) FROM journal_mark").fetchone()[0] == 0
    roster.restore_student(db, snap)
    assert db.execute("SELECT mark FROM journal_mark WHERE student_id = ?", [s]).fetchone()[0] == 4
    assert roster.get_student(db, s)["code"] not in get_setting(db, "roster.retired_codes")


def test_staff(empty_db):
    sid = roster.create_staff(empty_db, "  Смирнова   Елена Викторовна ", "учитель математики")
    assert roster.list_staff(empty_db)[0]["full_name"] == "Смирнова Елена Викторовна"
    with pytest.raises(UserError, match="уже есть"):
        roster.create_staff(empty_db, "Смирнова Елена Викторовна")
    with pytest.raises(UserError, match="Укажите"):
        roster.update_staff(empty_db, sid, " ")
    roster.update_staff(empty_db, sid, "Смирнова Елена Викторовна", "заместитель директора")
    assert roster.list_staff(empty_db)[0]["position"] == "заместитель директора"
    roster.delete_staff(empty_db, sid)
    assert roster.list_staff(empty_db) == []


def test_delete_year_only_when_empty(school):
    db, year, classes = school
    with pytest.raises(UserError, match="пустой год"):
        roster.delete_year(db, year)
    other = roster.create_year(db, "2030/2031", period_kind="trimester")
    roster.delete_year(db, other)
    assert db.execute("SELECT count(*) FROM period WHERE year_id = ?", [other]).fetchone()[0] == 0


def test_count_code_only_counts_pupils_known_only_by_code(school):
    db, year, classes = school
    roster.create_student(db, class_id=classes["5А"], full_name="Иванов Иван")
    roster.create_student(db, class_id=classes["5А"], code="40511")
    roster.create_student(db, class_id=classes["5Б"], code="40512", full_name="  ")
    assert roster.count_code_only(db, year) == 2
