"""Electronic-journal exports: long and wide, csv and xlsx; the column mapping and its memory."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.core import store
from app.core.imports import import_files, journal
from app.core.settings import get_setting

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402


def _marks(db):
    return store.rows(db, """
        SELECT s.full_name, s.code, su.name AS subject, p.kind, p.number, j.mark, c.label AS class
        FROM journal_mark j JOIN student s ON s.id = j.student_id JOIN subject su ON su.id = j.subject_id
        JOIN period p ON p.id = j.period_id JOIN enrolment e ON e.student_id = s.id AND e.year_id = p.year_id
        JOIN class_group c ON c.id = e.class_id ORDER BY s.full_name, su.name, p.kind, p.number""")


@pytest.mark.parametrize("text, expected", [
    ("1 четверть", ("quarter", 1)), ("II четв.", ("quarter", 2)), ("IV четв.", ("quarter", 4)),
    ("2-я четверть", ("quarter", 2)), ("1 полугодие", ("half", 1)), ("3 триместр", ("trimester", 3)),
    ("Год", ("year", 1)), ("годовая", ("year", 1)), ("Годовая отметка", ("year", 1)),
    ("5 четверть", None), ("Математика", None), ("", None),
])
def test_periods_are_read_in_every_spelling(text, expected):
    assert journal.period_of(text) == expected


def test_long_cp1251_semicolon_with_year_in_the_file_name(empty_db):
    report = import_files(empty_db, [DATA / "journal_long_2024-2025_cp1251.csv"])
    assert report.ok, report.text()
    marks = _marks(empty_db)
    assert len(marks) == 120 and {m["class"] for m in marks} == {"5А", "5Б"}
    assert {m["subject"] for m in marks} == set(fixtures.JOURNAL_SUBJECTS)
    assert {(m["kind"], m["number"]) for m in marks} == {("quarter", 1), ("quarter", 2)}
    periods = store.rows(empty_db, "SELECT label, start_date FROM period ORDER BY number")
    assert periods[0] == {"label": "1 четверть", "start_date": "2024-09-01"}


def test_long_utf8_bom_comma_needs_the_year(empty_db):
    report = import_files(empty_db, [DATA / "journal_long_bom_comma.csv"])
    assert not report.ok and "--year" in report.text()
    report = import_files(empty_db, [DATA / "journal_long_bom_comma.csv"], options={"year": "2024/2025"})
    assert report.ok, report.text()
    assert len(_marks(empty_db)) == 60


def test_long_tab_with_codes_half_years_and_annual(empty_db):
    report = import_files(empty_db, [DATA / "journal_long_tab_2024-2025.csv"])
    assert report.ok, report.text()
    marks = _marks(empty_db)
    assert {(m["kind"], m["number"]) for m in marks} == {("half", 1), ("year", 1)}
    assert {m["code"] for m in marks} == {str(30001 + i) for i in range(6)}


def test_wide_subjects_period_from_title_and_not_marks_skipped(empty_db):
    report = import_files(empty_db, [DATA / "journal_wide_subjects.xlsx"])
    assert report.ok, report.text()
    marks = _marks(empty_db)
    assert len(marks) == 8 * 5 - 1                      # one «н/а»; «Пропущено уроков» is not a subject
    assert {(m["kind"], m["number"]) for m in marks} == {("quarter", 2)} and {m["class"] for m in marks} == {"5А"}
    layout = report.previews[0].payload.layouts[0]
    assert layout.roles[-1] == "ignore" and layout.roles[2] == "subject:Русский язык"


def test_wide_periods_on_sheets_named_by_subject(empty_db):
    report = import_files(empty_db, [DATA / "journal_wide_periods.xlsx"])
    assert report.ok, report.text()
    marks = _marks(empty_db)
    assert len(marks) == 7 * 5 * 2 and {m["subject"] for m in marks} == {"Математика", "Русский язык"}
    assert ("year", 1) in {(m["kind"], m["number"]) for m in marks}


def test_mark_of_seven_refuses_the_file(empty_db):
    report = import_files(empty_db, [DATA / "bad_journal_mark7.csv"], options={"year": "2024/2025"})
    assert not report.ok and "строка 3" in report.text() and "«7»" in report.text()
    assert store.table_counts(empty_db)["journal_mark"] == 0


def test_user_mapping_is_used_and_remembered_for_the_same_header(empty_db, tmp_path):
    path = tmp_path / "marks_2024-2025.csv"
    path.write_text("Класс;Ребёнок;Дисц.;Четв.;Итог\n5А;Орлова Ольга;Математика;1;5\n"
                    "5А;Орлова Ольга;Русский язык;1;4\n", encoding="utf-8")
    preview = import_files(empty_db, [path], kind="journal", dry_run=True)
    assert not preview.ok                                # the period column is not recognised by itself
    layout = preview.previews[0].payload.layouts[0]
    assert layout.source == "auto" and layout.roles[3] == "ignore"
    roles = ["class", "name", "subject", "period", "mark"]
    report = import_files(empty_db, [path], kind="journal", options={"mappings": {layout.signature: roles}})
    assert report.ok, report.text()
    assert len(_marks(empty_db)) == 2
    saved = get_setting(empty_db, journal.MAPPING_KEY + layout.signature)
    assert saved["roles"] == roles
    other = tmp_path / "other_2024-2025.csv"
    other.write_text("Класс;Ребёнок;Дисц.;Четв.;Итог\n5А;Орлова Ольга;Литература;2;3\n", encoding="utf-8")
    again = import_files(empty_db, [other], kind="journal")
    assert again.ok and again.previews[0].payload.layouts[0].source == "saved"
    assert len(_marks(empty_db)) == 3


def test_journal_matches_pupils_of_the_demo_school_by_name_and_class(demo_db, tmp_path):
    pupils = store.rows(demo_db, """
        SELECT s.full_name, c.label FROM enrolment e JOIN student s ON s.id = e.student_id
        JOIN class_group c ON c.id = e.class_id JOIN academic_year y ON y.id = e.year_id
        WHERE y.label = '2024/2025' AND c.label = '6А' ORDER BY s.full_name LIMIT 5""")
    lines = ["Класс;ФИО;Предмет;Период;Отметка"] + [
        f"{p['label']};{p['full_name']};Математика;4 четверть;{3 + i % 3}" for i, p in enumerate(pupils)]
    path = tmp_path / "demo_2024-2025.csv"
    path.write_text("\n".join(lines), encoding="cp1251")
    before = store.table_counts(demo_db)["student"]
    report = import_files(demo_db, [path])
    assert report.ok, report.text()
    assert report.previews[0].students_matched == 5 and report.previews[0].students_new == 0
    assert store.table_counts(demo_db)["student"] == before
