"""Отметки: the journal grid and the 2..5 rule."""
from __future__ import annotations

import pytest

from app.core import marks, roster
from app.core.errors import UserError


@pytest.fixture
def cls(empty_db):
    db = empty_db
    year = roster.create_year(db, "2024/2025")
    class_id = roster.create_class(db, year, 6, "А")
    students = [roster.create_student(db, class_id=class_id, full_name=n) for n in ("Борисов Б", "Аксёнова А")]
    subject = db.execute("INSERT INTO subject (name) VALUES ('Русский язык')").lastrowid
    return db, year, class_id, students, subject


def test_parse_mark():
    assert marks.parse_mark(" 5 ") == 5 and marks.parse_mark(3) == 3 and marks.parse_mark("4,0") == 4
    assert marks.parse_mark("") is None and marks.parse_mark(None) is None
    for bad in ("1", 6, "4.5", "пять", True):
        with pytest.raises(UserError):
            marks.parse_mark(bad)


def test_grid_shape_and_set_mark(cls):
    db, year, class_id, students, subject = cls
    grid = marks.journal_grid(db, class_id, subject, "quarter")
    assert [p["label"] for p in grid["periods"]] == ["1 четверть", "2 четверть", "3 четверть", "4 четверть", "Год"]
    assert [s["full_name"] for s in grid["students"]] == ["Аксёнова А", "Борисов Б"]
    q1 = grid["periods"][0]["id"]
    assert marks.set_mark(db, students[0], subject, q1, "4") is None
    assert marks.set_mark(db, students[0], subject, q1, 5) == 4
    grid = marks.journal_grid(db, class_id, subject, "quarter")
    assert grid["marks"] == {(students[0], q1): 5}
    assert marks.set_mark(db, students[0], subject, q1, "") == 5
    assert marks.get_mark(db, students[0], subject, q1) is None


def test_invalid_mark_refused_and_nothing_written(cls):
    db, year, class_id, students, subject = cls
    q1 = marks.periods(db, year, "quarter")[0]["id"]
    with pytest.raises(UserError, match="от 2 до 5"):
        marks.set_mark(db, students[0], subject, q1, 7)
    with pytest.raises(UserError, match="от 2 до 5"):
        marks.set_marks(db, [(students[0], subject, q1, 4), (students[1], subject, q1, 1)])
    assert db.execute("SELECT count(*) FROM journal_mark").fetchone()[0] == 0


def test_set_marks_bulk_returns_old(cls):
    db, year, class_id, students, subject = cls
    q = [p["id"] for p in marks.periods(db, year, "quarter")]
    marks.set_mark(db, students[0], subject, q[0], 3)
    old = marks.set_marks(db, [(students[0], subject, q[0], 4), (students[1], subject, q[1], 5)])
    assert old == [3, None]
    assert marks.mark_stats([4, 5, None, 3]) == {"n": 3, "mean": 4.0, "quality": pytest.approx(66.666, 0.01)}


def test_period_kinds_and_subject_order(cls):
    db, year, class_id, students, subject = cls
    other = db.execute("INSERT INTO subject (name) VALUES ('Алгебра')").lastrowid
    assert marks.period_kinds(db, year) == ["quarter", "year"]
    annual = marks.periods(db, year, "year")
    assert [p["label"] for p in annual] == ["Год"]
    marks.set_mark(db, students[0], subject, annual[0]["id"], 4)
    names = [s["name"] for s in marks.subjects(db, class_id=class_id)]
    assert names == ["Русский язык", "Алгебра"]       # the subject with marks first
    assert other


def test_unknown_cell_refused(cls):
    db, year, class_id, students, subject = cls
    with pytest.raises(UserError, match="не найден"):
        marks.set_mark(db, 9999, subject, 1, 4)
