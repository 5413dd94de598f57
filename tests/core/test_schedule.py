"""The schedule of assessment procedures: storage, the five rules, approval and the migration."""
from __future__ import annotations

import sqlite3

import pytest

from app.core import schedule as sch
from app.core import store
from app.core.errors import UserError
from app.core.schedule_rules import ScheduleThresholds, check_schedule

YEAR = "2025/2026"


@pytest.fixture
def school(empty_db):
    """An empty school with the year, classes 5А and 5Б, a curriculum and the autumn vacation."""
    db = empty_db
    with db.atomic():
        year_id = db.execute("INSERT INTO academic_year (label, start_date, end_date) VALUES (?, ?, ?)",
                             [YEAR, "2025-09-01", "2026-08-31"]).lastrowid
        for letter in "АБ":
            db.execute("INSERT INTO class_group (year_id, grade, letter, label) VALUES (?, 5, ?, ?)",
                       [year_id, letter, f"5{letter}"])
    for subject, hours in (("Математика", 5), ("Русский язык", 5), ("История", 2), ("Музыка", 1)):
        sch.set_hours(db, year_id, grade=5, subject=subject, hours=hours)
    sch.add_off_days(db, year_id, start="2025-10-27", end="2025-11-04", title="осенние каникулы")
    sch.set_day_length(db, year_id, "5А", 3, 6)      # Wednesday: six lessons
    return db, year_id


# A clean schedule of 5А: every rule is kept (weekdays, lessons 2-5, far apart, few works).
CLEAN = [("Математика", "2025-09-24", 2), ("Русский язык", "2025-09-25", 3), ("История", "2025-10-08", 3),
         ("Математика", "2025-10-15", 2), ("Русский язык", "2025-11-12", 4), ("Музыка", "2025-12-03", 1)]


def _fill(db, year_id, items, label="5А"):
    return [sch.add_item(db, year_id, class_label=label, subject=s, date=d, lesson=n, duration=1,
                         level="school", form="контрольная работа") for s, d, n in items]


def test_a_clean_schedule_breaks_no_rule(school):
    db, year_id = school
    _fill(db, year_id, CLEAN)
    result = sch.check(db, YEAR)
    assert result["procedures"] == len(CLEAN)
    assert result["violations"] == []
    assert result["notes"] == []          # every subject has its lessons a week


@pytest.mark.parametrize("extra, rule, dates, words", [
    (("Музыка", "2025-09-24", 3), "one_per_day", ["2025-09-24"], "2 оценочные процедуры"),
    (("Математика", "2025-10-20", 3), "too_frequent", ["2025-10-15", "2025-10-20"], "через 5 дн."),
    (("Русский язык", "2025-10-22", 1), "first_or_last_lesson", ["2025-10-22"], "первом уроке"),
    (("Русский язык", "2025-10-22", 6), "first_or_last_lesson", ["2025-10-22"], "последнем уроке"),
    (("История", "2025-10-29", 3), "holiday", ["2025-10-29"], "осенние каникулы"),
    (("История", "2025-11-30", 3), "holiday", ["2025-11-30"], "воскресенье"),
])
def test_each_rule_is_broken_exactly_once(school, extra, rule, dates, words):
    db, year_id = school
    _fill(db, year_id, CLEAN + [extra])
    found = sch.check(db, YEAR)["violations"]
    assert [v["rule"] for v in found] == [rule], found
    assert found[0]["dates"] == dates and found[0]["class"] == "5А"
    assert words in found[0]["reason"]


def test_over_share_counts_lessons_of_the_year(school):
    db, year_id = school
    # История: 2 h × 34 weeks = 68 lessons, 10 % = 6.8: four double works (8 lessons) is one too many
    ids = _fill(db, year_id, [("История", d, 3) for d in ("2025-09-10", "2025-10-08", "2025-11-19",
                                                          "2025-12-17")])
    for i in ids:
        sch.update_item(db, i, duration=2)
    found = sch.check(db, YEAR)["violations"]
    assert [v["rule"] for v in found] == ["over_share"]
    assert "8 ур. из 68" in found[0]["reason"] and len(found[0]["items"]) == 4
    sch.update_item(db, ids[-1], duration=1)       # 7 lessons: still above 6.8
    assert [v["rule"] for v in sch.check(db, YEAR)["violations"]] == ["over_share"]
    sch.delete_items(db, [ids[-1]])                # 6 lessons: within the share
    assert sch.check(db, YEAR)["violations"] == []


def test_one_lesson_a_week_subject_may_take_the_first_lesson(school):
    db, year_id = school
    _fill(db, year_id, [("Музыка", "2025-10-22", 1), ("Музыка", "2025-12-10", 6)])
    assert sch.check(db, YEAR)["violations"] == []
    sch.set_hours(db, year_id, grade=5, subject="Музыка", hours=2)
    assert [v["rule"] for v in sch.check(db, YEAR)["violations"]] == ["first_or_last_lesson"] * 2


def test_thresholds_are_settings(school):
    db, year_id = school
    _fill(db, year_id, [("Математика", "2025-09-24", 2), ("Математика", "2025-10-08", 2)])   # 14 days
    assert [v["rule"] for v in sch.check(db, YEAR)["violations"]] == ["too_frequent"]
    sch.save_thresholds(db, {"min_gap_days": 14})
    assert sch.check(db, YEAR)["violations"] == []
    assert sch.load_thresholds(db).min_gap_days == 14 and sch.load_thresholds(db).max_share_pct == 10.0
    with pytest.raises(UserError):
        sch.save_thresholds(db, {"max_share_pct": 0})


def test_missing_curriculum_is_a_note_not_a_violation(school):
    db, year_id = school
    _fill(db, year_id, [("Физика", "2025-09-24", 2)])
    result = sch.check(db, YEAR)
    assert result["violations"] == [] and "Физика" in result["notes"][0]


def test_pure_check_on_hand_made_items():
    items = [{"key": 1, "class_label": "7В", "grade": 7, "subject": "Алгебра", "date": "2026-03-02",
              "lesson": 3, "duration": 1, "form": "контрольная работа"},
             {"key": 2, "class_label": "7В", "grade": 7, "subject": "Алгебра", "date": "2026-03-18",
              "lesson": 3, "duration": 1, "form": "контрольная работа"},
             {"key": 3, "class_label": "7В", "grade": 7, "subject": "Алгебра", "date": "2026-03-20",
              "lesson": 3, "duration": 1, "form": "ОГЭ"}]          # ГИА is not a lesson: not checked
    found = check_schedule(items, thresholds=ScheduleThresholds())
    assert [(v["rule"], v["items"]) for v in found["violations"]] == [("too_frequent", [1, 2])]
    assert found["procedures"] == 3


def test_bad_input_is_refused_in_russian(school):
    db, year_id = school
    with pytest.raises(UserError, match="не класс"):
        sch.add_item(db, year_id, class_label="пятый", subject="Математика", date="2025-09-24")
    with pytest.raises(UserError, match="не дата"):
        sch.add_item(db, year_id, class_label="5А", subject="Математика", date="24 сентября")
    first = sch.add_item(db, year_id, class_label="5а", subject="математика", date="2025-09-24", lesson=2)
    assert sch.get_item(db, first)["class_label"] == "5А" and sch.get_item(db, first)["subject"] == "Математика"
    with pytest.raises(UserError, match="уже есть"):
        sch.add_item(db, year_id, class_label="5А", subject="Математика", date="2025-09-24")
    assert len(sch.snapshot(db, year_id)) == 1


def test_copy_to_parallel_and_restore_a_snapshot(school):
    db, year_id = school
    first = sch.add_item(db, year_id, class_label="5А", subject="Математика", date="2025-09-24", lesson=2)
    before = sch.snapshot(db, year_id)
    new = sch.copy_to_parallel(db, first)
    assert [sch.get_item(db, i)["class_label"] for i in new] == ["5Б"]
    assert sch.copy_to_parallel(db, first) == []               # already there
    sch.restore(db, year_id, before)
    assert sch.snapshot(db, year_id) == before


def test_procedures_of_the_database_appear_in_the_schedule(school):
    db, year_id = school
    with db.atomic():
        sid = db.execute("INSERT INTO subject (name) VALUES ('Математика')").lastrowid
        db.execute("INSERT INTO procedure (kind, subject_id, grade, year_id, date) VALUES ('vpr', ?, 5, ?, ?)",
                   [sid, year_id, "2026-04-15"])
    items = sch.list_items(db, year_id)
    assert [(i["class_label"], i["form"], i["level"], i["editable"]) for i in items] == [
        ("5А", "ВПР", "federal", False), ("5Б", "ВПР", "federal", False)]
    sch.add_item(db, year_id, class_label="5А", subject="Русский язык", date="2026-04-15", lesson=3)
    found = sch.check(db, YEAR)["violations"]
    assert [(v["rule"], v["class"]) for v in found] == [("one_per_day", "5А")]
    assert "ВПР" in found[0]["reason"]


def test_status_means_approved_and_covering_the_year(school):
    db, year_id = school
    st = sch.status(db, YEAR)
    assert st["present"] is False and "нет ни одной работы" in st["basis"]
    _fill(db, year_id, CLEAN)
    assert "не утверждён" in sch.status(db, YEAR)["basis"]
    with pytest.raises(UserError, match="номер и дату приказа"):
        sch.save_meta(db, year_id, approved=1)
    sch.save_meta(db, year_id, approved=1, order_number="15", order_date="2025-09-01", period_end="2025-12-28")
    st = sch.status(db, YEAR)
    assert st["present"] is False and "только" in st["basis"]
    sch.save_meta(db, year_id, period_end="2026-05-26")
    st = sch.status(db, YEAR)
    assert st["present"] is True and "нарушений правил нет" in st["basis"]


def test_school_weeks_default_and_edit(school):
    db, _ = school
    weeks = sch.school_weeks(db)
    assert weeks["1"] == 33 and weeks["5"] == 34
    sch.save_school_weeks(db, {"5": 35})
    assert sch.school_weeks(db)["5"] == 35
    with pytest.raises(UserError):
        sch.save_school_weeks(db, {"5": 3})


def test_a_version_2_file_is_upgraded_and_keeps_its_imports(tmp_path):
    """A school file of schema 2 with an import journal: the migration widens the import kinds and keeps
    every row that points at a batch."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for n, sql_path in store._migrations()[:2]:
        conn.executescript(sql_path.read_text(encoding="utf-8"))
    conn.execute(f"PRAGMA application_id = {store.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO import_batch (id, file_name, sha256, kind) VALUES (1, 'a.csv', 'x', 'journal')")
    conn.execute("INSERT INTO import_change (batch_id, table_name, row_id, action) VALUES (1, 'student', 1, 'insert')")
    conn.commit()
    conn.close()
    db = store.open_db(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert db.execute("SELECT count(*) FROM import_change WHERE batch_id = 1").fetchone()[0] == 1
    db.execute("INSERT INTO import_batch (file_name, sha256, kind) VALUES ('g.xlsx', 'y', 'schedule')")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert list(tmp_path.glob("old.backup-v2-*.db"))
    db.close()
