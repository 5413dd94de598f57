"""Обзор: counts and plan progress computed by SQL."""
from __future__ import annotations

from app.core import overview, roster


def _plan(db):
    with db.atomic():
        plan = db.execute("INSERT INTO plan (title, year_from, year_to) VALUES ('План', 2024, 2026)").lastrowid
        sec = db.execute("INSERT INTO plan_section (plan_id, position, title) VALUES (?, 1, 'Раздел')",
                         [plan]).lastrowid
        items = [("Совещание", "2025-01-10", "done"), ("Мониторинг", "2025-02-01", "planned"),
                 ("Анализ ВПР", "2025-03-01", "in_progress"), ("Семинар", "2025-03-20", "planned"),
                 ("Отменено", "2025-01-01", "cancelled"), ("Без срока", None, "planned")]
        for pos, (measure, due, status) in enumerate(items, 1):
            db.execute("INSERT INTO plan_item (section_id, position, measure, deadline_text, deadline_end, status) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [sec, pos, measure, due or "ежегодно", due, status])
    return plan


def test_overview_counts_and_progress(empty_db):
    db = empty_db
    year = roster.create_year(db, "2024/2025")
    cls = roster.create_class(db, year, 5, "А")
    for _ in range(3):
        roster.create_student(db, class_id=cls)
    plan = _plan(db)
    data = overview.school_overview(db, today="2025-03-05")
    assert data["school"]["full_name"] == "МБОУ «Тестовая школа»"
    assert data["year"]["label"] == "2024/2025"
    assert (data["counts"]["classes"], data["counts"]["students"]) == (1, 3)
    p = data["plan"]
    assert (p["id"], p["total"], p["done"], p["in_progress"], p["planned"], p["cancelled"], p["overdue"]) == \
        (plan, 6, 1, 1, 3, 1, 2)
    assert [i["measure"] for i in data["overdue"]] == ["Мониторинг", "Анализ ВПР"]
    assert data["overdue"][0]["days_late"] == 32 and p["overdue_in_progress"] == 1
    assert [i["measure"] for i in data["upcoming"]] == ["Семинар"]


def test_overview_of_empty_school(empty_db):
    data = overview.school_overview(empty_db, today="2025-03-05")
    assert data["plan"]["total"] == 0 and data["overdue"] == [] and data["year"]["id"] is None
    assert data["counts"]["students"] == 0
