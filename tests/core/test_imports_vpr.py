"""ВПР forms of different layouts: what is recognised, what is stored, what is refused."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from app.core import scales, store
from app.core.imports import import_files, table_reader, vpr

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402


def _one(db, name, **options):
    report = import_files(db, [DATA / name], options=options)
    assert report.ok, report.text()
    return report


def _results(db, subject):
    return store.rows(db, """
        SELECT s.code, s.full_name, r.*, c.label AS class FROM result r JOIN student s ON s.id = r.student_id
        JOIN procedure p ON p.id = r.procedure_id JOIN subject su ON su.id = p.subject_id
        LEFT JOIN class_group c ON c.id = r.class_id WHERE su.name = ? ORDER BY s.code""", [subject])


def _tasks(db, subject):
    return store.rows(db, "SELECT t.number, t.max_score, t.level FROM task t JOIN procedure p ON p.id = t.procedure_id "
                          "JOIN subject s ON s.id = p.subject_id WHERE s.name = ? ORDER BY t.position", [subject])


def test_task_headers_are_read_in_every_spelling():
    assert vpr.task_of("3.1") == ("3.1", None)
    assert vpr.task_of("задание 5") == ("5", None)
    assert vpr.task_of("3(1)") == ("3(1)", None)
    assert vpr.task_of("1к1") == ("1К1", None)
    assert vpr.task_of("1 (2б)") == ("1", 2)
    assert vpr.task_of("задание 4(2) (2б)") == ("4(2)", 2)
    assert vpr.task_of("№5") == ("5", None)
    assert vpr.task_of("фио") is None and vpr.task_of("2025") is None


def test_simple_form_with_max_row_absent_pupil_and_x(empty_db):
    report = _one(empty_db, "vpr_simple_math5.xlsx")
    p = report.previews[0]
    assert (p.rows_total, p.rows_ok, p.students_new) == (14, 14, 14)
    rows = _results(empty_db, "Математика")
    assert len(rows) == 14 and {r["class"] for r in rows} == {"5А"}
    absent = [r for r in rows if r["absent"]]
    assert len(absent) == 1 and absent[0]["primary_score"] is None and absent[0]["journal_mark"] == 4
    tasks = _tasks(empty_db, "Математика")
    assert [t["number"] for t in tasks] == fixtures.MATH5_TASKS
    assert [t["max_score"] for t in tasks] == fixtures.MATH5_MAX
    proc = store.rows(empty_db, "SELECT p.*, y.label FROM procedure p JOIN academic_year y ON y.id = p.year_id")[0]
    assert (proc["kind"], proc["grade"], proc["label"], proc["date"], proc["max_score"]) == \
        ("vpr", 5, "2024/2025", "2025-04-17", 20)
    # the sixth pupil did not do task 12 («X»): NULL, not 0
    x_row = store.rows(empty_db, "SELECT ts.score FROM task_score ts JOIN task t ON t.id = ts.task_id "
                                 "JOIN result r ON r.id = ts.result_id JOIN student s ON s.id = r.student_id "
                                 "WHERE t.number = '12' AND s.code = '50106'")
    assert x_row == [{"score": None}]
    assert all(r["journal_mark"] in (3, 4, 5) for r in rows)


def test_merged_two_row_header_levels_and_maxima_in_headers(empty_db):
    _one(empty_db, "vpr_merged_rus6.xlsx")
    tasks = _tasks(empty_db, "Русский язык")
    assert [t["number"] for t in tasks] == fixtures.RUS_TASKS
    assert [t["max_score"] for t in tasks] == fixtures.RUS_MAX
    assert [t["level"] for t in tasks] == ["basic" if x == "Б" else "advanced" for x in fixtures.RUS_LEVEL]
    rows = _results(empty_db, "Русский язык")
    assert {r["class"] for r in rows} == {"6А", "6Б"} and sum(r["absent"] for r in rows) == 1
    assert all(r["journal_mark"] for r in rows if not r["absent"])   # «Отметка за предыдущий период …»
    assert {r["variant"] for r in rows if not r["absent"]} == {"1", "2"}


def test_portal_export_codes_only_level_row_and_meta_rows(empty_db):
    _one(empty_db, "vpr_portal_hist7.xlsx")
    rows = _results(empty_db, "История")
    assert len(rows) == 16 and all(r["full_name"] is None for r in rows)
    assert rows[0]["code"] == "70301"
    tasks = _tasks(empty_db, "История")
    assert [t["number"] for t in tasks] == fixtures.HIST_TASKS and tasks[7]["max_score"] == 2
    assert tasks[0]["level"] == "advanced" and tasks[1]["level"] == "basic"


def test_names_without_mark_column_get_marks_from_the_db_scale(empty_db):
    with empty_db.atomic():
        empty_db.execute("INSERT INTO subject (name) VALUES ('Математика')")
    scales.ensure_builtin_scales(empty_db)
    report = _one(empty_db, "vpr_names_math_4Б.xlsx")
    assert any("шкале" in line for line in report.previews[0].summary)
    rows = _results(empty_db, "Математика")
    assert len(rows) == 12 and {r["class"] for r in rows} == {"4Б"}
    rules = store.rows(empty_db, "SELECT rules FROM scale WHERE name = 'ВПР 2024, математика, 4 класс'")[0]["rules"]
    for r in rows:
        assert r["mark"] == scales.mark_for(rules, r["primary_score"])
    assert all(r["full_name"] and r["code"] for r in rows)     # new pupils got names and fresh codes


def test_csv_form_in_windows_1251(empty_db):
    _one(empty_db, "vpr_bio5_2025.csv")
    rows = _results(empty_db, "Биология")
    assert len(rows) == 10 and sum(r["absent"] for r in rows) == 1 and {r["class"] for r in rows} == {"5Б"}


def test_year_missing_is_asked_and_taken_from_options(empty_db):
    report = import_files(empty_db, [DATA / "vpr_no_year.xlsx"])
    assert not report.ok and "--year" in report.text()
    assert store.table_counts(empty_db)["result"] == 0
    # task maxima the form leaves out are asked (--task-max), never taken from the best scores;
    # the answer fills only the maxima the file does not give
    _one(empty_db, "vpr_no_year.xlsx", year="2024/2025", task_max={"1": 1, "2": 2, "3": 2})
    assert len(_results(empty_db, "Окружающий мир")) == 5
    assert [(t["number"], t["max_score"]) for t in _tasks(empty_db, "Окружающий мир")] == \
        [("1", 1), ("2", 2), ("3", 2)]


@pytest.mark.parametrize("name, words", [
    ("bad_mark7.xlsx", ["строка 10", "отметка 7", "2–5", "лист «Результаты»"]),
    ("bad_score_above_max.xlsx", ["строка 12", "задание 1", "больше максимального (1)"]),
    ("bad_formulas.xlsx", ["формула", "строка 8"]),
])
def test_bad_values_refuse_the_file_and_change_nothing(empty_db, name, words):
    before = store.table_counts(empty_db)
    report = import_files(empty_db, [DATA / name])
    assert not report.ok
    for word in words:
        assert word in report.text()
    assert store.table_counts(empty_db) == before


def test_reimport_of_the_same_data_changes_nothing_and_changed_scores_are_updated(empty_db, tmp_path):
    _one(empty_db, "vpr_simple_math5.xlsx")
    counts = store.table_counts(empty_db)
    copy = tmp_path / "copy.xlsx"
    wb = openpyxl.load_workbook(DATA / "vpr_simple_math5.xlsx")
    wb.save(copy)                                          # other bytes, same data
    report = _one(empty_db, str(copy))
    assert report.files[0].batch_id is None and store.table_counts(empty_db) == counts
    ws = wb["Результаты"]
    ws.cell(row=8, column=5).value = 0 if ws.cell(row=8, column=5).value else 1
    wb.save(copy)
    table_reader._CACHE.clear()
    report = _one(empty_db, str(copy))
    assert report.files[0].changed >= 1 and store.table_counts(empty_db)["result"] == counts["result"]


def test_unknown_grade_and_class_in_rows_are_rejected(empty_db, tmp_path):
    path = fixtures.vpr_simple(tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Результаты"]
    ws.cell(row=9, column=2).value = None
    ws.cell(row=9, column=3).value = None                     # a row of scores with no pupil
    wb.save(path)
    report = import_files(empty_db, [path], dry_run=True)
    assert not report.ok and "нет ни кода участника, ни ФИО" in report.text()


def test_several_classes_of_a_grade_in_a_big_form(empty_db, tmp_path):
    path = fixtures.vpr_big(tmp_path / "big.xlsx", 90)
    report = import_files(empty_db, [path])
    assert report.ok, report.text()
    classes = {r["class"] for r in _results(empty_db, "Математика")}
    assert classes == {"5А", "5Б", "5В"}


def test_demo_school_form_matches_pupils_by_code(demo_db, tmp_path):
    pupils = store.rows(demo_db, """
        SELECT s.code FROM enrolment e JOIN student s ON s.id = e.student_id JOIN class_group c ON c.id = e.class_id
        JOIN academic_year y ON y.id = e.year_id WHERE y.label = '2024/2025' AND c.label = '5А' ORDER BY s.code""")
    path = fixtures.vpr_simple(tmp_path / "demo_5A.xlsx", n=len(pupils))
    wb = openpyxl.load_workbook(path)
    ws = wb["Результаты"]
    for i, p in enumerate(pupils):
        ws.cell(row=8 + i, column=2).value = int(p["code"])
        ws.cell(row=8 + i, column=3).value = None
    wb.save(path)
    before = store.table_counts(demo_db)
    report = import_files(demo_db, [path])
    assert report.ok, report.text()
    p = report.previews[0]
    assert p.students_matched == len(pupils) and p.students_new == 0
    after = store.table_counts(demo_db)
    assert after["student"] == before["student"] and after["procedure"] == before["procedure"]
    assert report.files[0].changed > 0                   # the demo already had these results: updated


def test_a_sheet_per_class_with_averages_below_and_maxima_in_the_code_column(empty_db):
    report = _one(empty_db, "vpr_sheets_per_class_phys8.xlsx")
    pv = report.previews[0]
    assert (pv.rows_total, pv.rows_ok, len(pv.problems)) == (10, 10, 0)
    rows = _results(empty_db, "Физика")
    assert {r["class"] for r in rows} == {"8А", "8Б"} and len(rows) == 10
    assert {r["variant"] for r in rows} == {"1", "2"}
    assert [(t["number"], t["max_score"]) for t in _tasks(empty_db, "Физика")] == list(
        zip(["1", "2", "3.1", "3.2", "4", "5(1)", "5(2)"], fixtures.PHYS8_MAX))
    proc = store.rows(empty_db, "SELECT p.grade, p.date, p.max_score, y.label FROM procedure p "
                                "JOIN academic_year y ON y.id = p.year_id")
    assert proc == [{"grade": 8, "date": "2025-04-10", "max_score": 12, "label": "2024/2025"}]
