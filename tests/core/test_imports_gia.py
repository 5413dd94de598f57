"""ГИА protocols: ОГЭ and ЕГЭ, answer strings as tasks, pupils matched by name and class."""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

from app.core import store
from app.core.imports import import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402


def _procedure(db, kind):
    return store.rows(db, "SELECT p.*, s.name AS subject, y.label AS year FROM procedure p JOIN subject s "
                          "ON s.id = p.subject_id JOIN academic_year y ON y.id = p.year_id WHERE p.kind = ?", [kind])


def test_oge_protocol_with_answer_strings_and_an_absent_pupil(empty_db):
    report = import_files(empty_db, [DATA / "gia_oge_math_2025.xlsx"])
    assert report.ok, report.text()
    [proc] = _procedure(empty_db, "oge")
    assert (proc["subject"], proc["grade"], proc["year"], proc["date"]) == ("Математика", 9, "2024/2025", "2025-06-03")
    tasks = store.rows(empty_db, "SELECT number, max_score FROM task WHERE procedure_id = ? ORDER BY position",
                       [proc["id"]])
    assert len(tasks) == 25 and tasks[0] == {"number": "1", "max_score": 1}
    assert [t["max_score"] for t in tasks[19:]] == [2] * 6 and tasks[19]["number"] == "20"
    results = store.rows(empty_db, "SELECT r.*, s.full_name FROM result r JOIN student s ON s.id = r.student_id")
    assert len(results) == 10 and sum(r["absent"] for r in results) == 1
    present = [r for r in results if not r["absent"]]
    assert all(2 <= r["mark"] <= 5 and r["primary_score"] is not None for r in present)
    sums = store.rows(empty_db, "SELECT r.primary_score, sum(ts.score) AS total FROM result r JOIN task_score ts "
                                "ON ts.result_id = r.id GROUP BY r.id")
    assert all(s["primary_score"] == s["total"] for s in sums)
    assert all(len(r["full_name"].split()) == 3 for r in results)


def test_ege_csv_with_test_scores_and_two_point_short_answers(empty_db):
    report = import_files(empty_db, [DATA / "gia_ege_rus_2025.csv"])
    assert report.ok, report.text()
    [proc] = _procedure(empty_db, "ege")
    assert (proc["subject"], proc["grade"], proc["year"]) == ("Русский язык", 11, "2024/2025")
    results = store.rows(empty_db, "SELECT * FROM result")
    assert all(0 <= r["test_score"] <= 100 and r["mark"] is None for r in results)
    maxima = [r["max_score"] for r in store.rows(empty_db, "SELECT max_score FROM task ORDER BY position")]
    assert 2 in maxima[:26] and maxima[26:] == [3, 3, 3, 6]


def test_pupils_already_in_the_school_are_matched_by_name_and_class(empty_db, tmp_path):
    names = fixtures.pupils(10, 99)
    lines = ["Класс;ФИО;Предмет;Период;Отметка"] + [f"9А;{n};Математика;Год;4" for n in names]
    roster = tmp_path / "marks_2024-2025.csv"
    roster.write_text("\n".join(lines), encoding="utf-8")
    assert import_files(empty_db, [roster]).ok
    protocol = fixtures.gia_oge(tmp_path / "oge_2025.xlsx", names=names)
    report = import_files(empty_db, [protocol])
    assert report.ok, report.text()
    assert (report.previews[0].students_matched, report.previews[0].students_new) == (10, 0)
    assert store.table_counts(empty_db)["student"] == 10


def test_a_namesake_in_another_class_is_asked_not_guessed(empty_db, tmp_path):
    names = fixtures.pupils(10, 98)
    roster = tmp_path / "marks_2024-2025.csv"
    roster.write_text("Класс;ФИО;Предмет;Период;Отметка\n" + f"9Б;{names[0]};Математика;Год;4\n", encoding="utf-8")
    assert import_files(empty_db, [roster]).ok
    protocol = fixtures.gia_oge(tmp_path / "oge_2025.xlsx", names=names, cls="9А")
    report = import_files(empty_db, [protocol])
    assert not report.ok and names[0].split()[0] in report.text() and "9Б" in report.text()
    assert store.table_counts(empty_db)["result"] == 0
    key = next(iter(_ambiguous_keys(report)))
    report = import_files(empty_db, [protocol], options={"students": {key: "new"}})
    assert report.ok and store.table_counts(empty_db)["student"] == 11


def _ambiguous_keys(report):
    from app.core.imports import vpr

    return [m.key for m in vpr.ambiguous_matches(report.previews[0])]


def test_long_answer_above_its_maximum_is_rejected(empty_db, tmp_path):
    path = fixtures.gia_oge(tmp_path / "oge_2025.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active.cell(row=5, column=12).value = "3(2)0(2)0(2)0(2)0(2)0(2)"
    wb.save(path)
    report = import_files(empty_db, [path])
    assert not report.ok and "строка 5" in report.text() and "больше максимума" in report.text()


def test_exam_kind_is_asked_when_nothing_tells_it(empty_db, tmp_path):
    path = tmp_path / "protocol.csv"
    path.write_text("Фамилия;Имя;Отчество;Первичный балл\nОрлов;Олег;Олегович;12\n", encoding="utf-8")
    report = import_files(empty_db, [path], kind="gia", options={"subject": "Химия", "year": "2024/2025"})
    assert not report.ok and "--exam" in report.text()
    report = import_files(empty_db, [path], kind="gia",
                          options={"subject": "Химия", "year": "2024/2025", "exam": "oge"})
    assert report.ok, report.text()
    assert _procedure(empty_db, "oge")[0]["grade"] == 9


def _oge_max(db):
    [proc] = _procedure(db, "oge")
    return proc["max_score"], proc["scale_id"]


def test_oge_protocol_takes_the_maximum_from_this_years_scale(empty_db):
    from app.core import scales

    empty_db.execute("DELETE FROM scale")            # a new school starts with the built-in scales
    assert _oge_max_without_scale(empty_db) is None
    subject = empty_db.execute("SELECT id FROM subject WHERE name = 'Математика'").fetchone()[0]
    scale = scales.create_scale(empty_db, name="ОГЭ 2025, математика", kind="marks", procedure_kind="oge",
                                subject_id=subject, grade=9, year_label="2024/2025", max_score=31,
                                rules={"thresholds": [[0, 2], [8, 3], [15, 4], [22, 5]]})
    empty_db.execute("DELETE FROM procedure")
    empty_db.execute("DELETE FROM import_batch")
    report = import_files(empty_db, [DATA / "gia_oge_math_2025.xlsx"])
    assert report.ok, report.text()
    assert _oge_max(empty_db) == (31, scale)
    assert "Максимальный первичный балл (31) взят из шкалы «ОГЭ 2025, математика»" in report.text()


def _oge_max_without_scale(db):
    report = import_files(db, [DATA / "gia_oge_math_2025.xlsx"])
    assert report.ok, report.text()
    return _oge_max(db)[0]


def test_oge_protocol_uses_last_years_scale_only_when_its_maximum_fits(empty_db):
    from app.core import scales

    scales.ensure_builtin_scales(empty_db)            # ОГЭ 2024 (2023/2024): maths out of 31
    empty_db.execute("DELETE FROM scale WHERE year_label > '2023/2024'")  # no scale of the file's year
    report = import_files(empty_db, [DATA / "gia_oge_math_2025.xlsx"])
    assert report.ok, report.text()
    max_score, scale_id = _oge_max(empty_db)
    name = empty_db.execute("SELECT name FROM scale WHERE id = ?", [scale_id]).fetchone()[0]
    assert (max_score, name) == (31, "ОГЭ 2024, математика")   # 19 short answers + 6 × 2 = 31
    # a protocol whose answers do not add up to last year's maximum gets no maximum from it
    empty_db.execute("UPDATE scale SET max_score = 32 WHERE id = ?", [scale_id])
    empty_db.execute("DELETE FROM procedure")
    empty_db.execute("DELETE FROM import_batch")
    report = import_files(empty_db, [DATA / "gia_oge_math_2025.xlsx"])
    assert report.ok, report.text()
    assert _oge_max(empty_db) == (None, None)
