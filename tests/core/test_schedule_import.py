"""Importing schedules (long, wide by days, wide by weeks) and curricula (long, wide), LibreOffice-saved
fixtures; other kinds' files are not taken for schedules; an import is undone like any other."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.core import schedule as sch
from app.core.imports import detect_kind, import_files, undo_import
from app.core.imports import curriculum as curriculum_importer
from app.core.imports import schedule as schedule_importer

DATA = Path(__file__).resolve().parents[1] / "data"
HERE = DATA / "schedule"
YEAR = "2025/2026"


@pytest.fixture
def school(empty_db):
    with empty_db.atomic():
        year_id = empty_db.execute("INSERT INTO academic_year (label, start_date, end_date) VALUES (?, ?, ?)",
                                   [YEAR, "2025-09-01", "2026-08-31"]).lastrowid
        for label in ("5А", "5Б", "7А", "7Б"):
            empty_db.execute("INSERT INTO class_group (year_id, grade, letter, label) VALUES (?, ?, ?, ?)",
                             [year_id, int(label[0]), label[1], label])
    return empty_db, year_id


def _items(db, year_id):
    return {(i["class_label"], i["subject"], i["date"]): i for i in sch.list_items(db, year_id)}


def test_long_form_rows_problems_and_undo(school):
    db, year_id = school
    path = HERE / "schedule_long_2025-2026.xlsx"
    assert detect_kind(path) == "schedule"
    refused = import_files(db, [path])
    assert not refused.ok and sch.list_items(db, year_id) == []       # bad rows: nothing loaded
    text = refused.text()
    assert "строка 9: «пятый» — не класс" in text and "строка 10: «в ноябре» — не дата" in text
    report = import_files(db, [path], options={"skip_bad_rows": True})
    assert report.ok and report.committed
    got = _items(db, year_id)
    assert set(got) == {("5А", "Математика", "2025-09-24"), ("5Б", "Математика", "2025-09-24"),
                        ("5А", "Русский язык", "2025-10-01"), ("5Б", "Русский язык", "2025-10-01"),
                        ("5А", "История", "2026-04-15"), ("5А", "История", "2026-04-22")}
    assert got[("5А", "Русский язык", "2025-10-01")]["duration"] == 2
    assert got[("5А", "Русский язык", "2025-10-01")]["lesson"] == 2
    vpr = got[("5А", "История", "2026-04-15")]
    assert (vpr["form"], vpr["level"], vpr["lesson"]) == ("ВПР", "federal", None)
    rules = [v["rule"] for v in sch.check(db, YEAR)["violations"]]
    assert rules == ["too_frequent"]                  # История 15.04 and 22.04 in 5А
    again = import_files(db, [path], options={"skip_bad_rows": True})
    assert again.files[0].duplicate is not None        # the same file twice changes nothing
    undo_import(db, report.files[0].batch_id)
    assert sch.list_items(db, year_id) == []


def test_wide_form_by_days_and_abbreviations(school):
    db, year_id = school
    path = HERE / "schedule_wide_2025-2026.xlsx"
    assert detect_kind(path) == "schedule"
    report = import_files(db, [path], options={"skip_bad_rows": True})
    assert report.ok, report.text()
    assert "«хзв» — сокращение предмета не распознано" in report.text()
    got = _items(db, year_id)
    assert set(got) == {("5А", "Русский язык", "2025-09-15"), ("5А", "Математика", "2025-09-24"),
                        ("5Б", "Математика", "2025-09-16"), ("5Б", "Русский язык", "2025-09-25"),
                        ("5Б", "Литература", "2025-09-25"), ("5А", "Математика", "2025-10-07")}
    assert got[("5А", "Математика", "2025-10-07")]["form"] == "ВПР"
    found = sch.check(db, YEAR)["violations"]
    assert sorted((v["rule"], v["class"]) for v in found) == [("one_per_day", "5Б"), ("too_frequent", "5А")]


def test_wide_form_by_weeks(school):
    db, year_id = school
    report = import_files(db, [HERE / "schedule_weeks.xlsx"], options={"skip_bad_rows": True, "year": YEAR})
    assert report.ok, report.text()
    assert "не удалось определить дату" in report.text()
    assert set(_items(db, year_id)) == {("7А", "Алгебра", "2025-09-10"), ("7А", "Русский язык", "2025-09-19"),
                                        ("7Б", "Физика", "2025-09-03")}


def test_curriculum_long_and_wide(school):
    db, year_id = school
    long_path, wide_path = HERE / "curriculum_long.xlsx", HERE / "curriculum_wide_2025-2026.xlsx"
    assert detect_kind(long_path) == "curriculum" and detect_kind(wide_path) == "curriculum"
    report = import_files(db, [long_path], kind="curriculum", options={"skip_bad_rows": True})
    assert report.ok and "«шестой» — не класс" in report.text()
    rows = {(r["grade"], r["class_label"], r["subject"]): r["hours_per_week"] for r in sch.curriculum(db, year_id)}
    assert rows[(5, "", "Математика")] == 5 and rows[(5, "5А", "Математика")] == 5.5 and rows[(6, "", "Биология")] == 1
    report = import_files(db, [wide_path])
    assert report.ok, report.text()
    rows = {(r["grade"], r["class_label"], r["subject"]): r["hours_per_week"] for r in sch.curriculum(db, year_id)}
    assert rows[(7, "", "Алгебра")] == 3 and rows[(9, "", "Физика")] == 3 and rows[(6, "", "Русский язык")] == 6
    assert not any(s.startswith("Итого") or s.startswith("Обязательная") for _, _, s in rows)
    assert (5, "", "Алгебра") not in rows


def test_round_trip_of_the_published_table(demo_db, tmp_path, empty_db):
    """The XLSX «Объектив» publishes is read back by the schedule import (its «Список» sheet)."""
    from app.core.schedule_reports import write_schedule_xlsx

    out = write_schedule_xlsx(demo_db, tmp_path / "опубликованный.xlsx")
    assert detect_kind(out) == "schedule"
    year = sch.resolve_year(demo_db)
    own = [i for i in sch.list_items(demo_db, year["id"])]
    preview = schedule_importer.preview(demo_db, out, {})
    assert preview.ok and not preview.problems
    assert {(i["class_label"], i["subject"], i["date"], i["form"]) for i in preview.payload["items"]} == \
        {(i["class_label"], i["subject"], i["date"], i["form"]) for i in own}


def test_files_of_other_kinds_are_not_taken_for_schedules():
    others = [p for p in DATA.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".csv", ".ods")
              and "schedule" not in p.parts]
    assert others
    for path in others:
        assert schedule_importer.detect(path) < 0.3, path.name
        assert curriculum_importer.detect(path) < 0.3, path.name
