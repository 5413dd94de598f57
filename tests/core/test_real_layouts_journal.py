"""Electronic-journal files of real layouts (built by tests/make_real_layouts_journal.py, re-saved by
LibreOffice): Сетевой город «Табель» (.xls, a block per pupil), «Отчёт об успеваемости и
посещаемости» (daily marks: refused with the report to export) and a «ФИО/ПРЕДМЕТ» final-marks list.

Every number below is counted by hand from the builder's formulas (see its docstrings)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from app.core import store
from app.core.imports import detect_kind, import_files
from app.core.imports.journal_blocks import daily_marks

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "real-layouts"
TABEL = DATA / "journal_Табель успеваемости учащегося (весь класс).xls"
REPORT = DATA / "journal_Отчёт об успеваемости и посещаемости ученика (весь класс).xlsx"
FINAL = DATA / "journal_Итоговые отметки 9А 2024-2025.xlsx"


def _marks(db) -> dict[tuple[str, str, str], int]:
    """(pupil, subject, period label) → mark."""
    found = store.rows(db, """
        SELECT s.full_name AS name, su.name AS subject, p.kind, p.number, j.mark
        FROM journal_mark j JOIN student s ON s.id = j.student_id JOIN subject su ON su.id = j.subject_id
        JOIN period p ON p.id = j.period_id""")
    label = lambda r: "год" if r["kind"] == "year" else f"{r['number']} {r['kind']}"  # noqa: E731
    return {(r["name"], r["subject"], label(r)): r["mark"] for r in found}


def _count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _classes(db) -> list[tuple[str, str]]:
    return [tuple(r) for r in db.execute(
        "SELECT c.label, y.label FROM class_group c JOIN academic_year y ON y.id = c.year_id ORDER BY c.label")]


@pytest.mark.parametrize("path", [TABEL, REPORT, FINAL], ids=["tabel", "report", "final"])
def test_real_layouts_are_recognised_as_journal(path):
    assert detect_kind(path) == "journal"


@pytest.mark.parametrize("name", ["journal_long_2024-2025_cp1251.csv", "journal_long_bom_comma.csv",
                                  "journal_long_tab_2024-2025.csv", "journal_wide_periods.xlsx",
                                  "journal_wide_subjects.xlsx", "journal_5В_2024-2025.csv"])
def test_older_journal_fixtures_still_recognised(name):
    assert detect_kind(ROOT / "tests" / "data" / "imports" / name) == "journal"


def test_fixtures_keep_text_as_office_suites_write_it():
    from resave import has_shared_strings

    assert TABEL.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"          # a real .xls, as the journal exports it
    assert has_shared_strings(REPORT) and has_shared_strings(FINAL)


# -- «Табель успеваемости учащегося (весь класс)» --------------------------------------------------

def test_tabel_block_per_pupil_into_an_empty_school(empty_db):
    report = import_files(empty_db, [TABEL])
    assert report.ok, report.text()
    pv = report.previews[0]
    # 8 pupils × 10 subjects with marks; «Разговоры о важном», «Россия — мои горизонты» skipped quietly
    assert (pv.rows_total, pv.rows_ok, len(pv.problems)) == (80, 80, 0)
    assert (pv.students_new, pv.students_matched) == (8, 0)
    marks = _marks(empty_db)
    # 8 × 10 × (4 quarters + year) = 400, less Гаврилин's «н/а» in chemistry (1st quarter) and
    # Ермолин's «осв» in physical education (4 quarters and the year)
    assert len(marks) == 394
    assert _count(empty_db, "student") == 8 and _classes(empty_db) == [("8А", "2024/2025")]
    assert _count(empty_db, "enrolment") == 8
    assert sorted(store.rows(empty_db, "SELECT kind, number FROM period ORDER BY kind, number"),
                  key=lambda p: (p["kind"], p["number"])) == [
        {"kind": "quarter", "number": n} for n in range(1, 5)] + [{"kind": "year", "number": 1}]
    assert _count(empty_db, "subject") == 10
    assert not {"Разговоры о важном", "Россия — мои горизонты"} & {
        n for (n,) in empty_db.execute("SELECT name FROM subject")}
    # «Итог» (text in the file) is the mark, never «Средний балл» / «Ср. взв. балл» beside it
    who = "Арсеньев Глеб Викторович"
    assert [marks[(who, "Алгебра", p)] for p in ("1 quarter", "2 quarter", "3 quarter", "4 quarter", "год")] == [
        3, 4, 5, 3, 4]
    assert [marks[(who, "Литература", p)] for p in ("1 quarter", "2 quarter", "3 quarter", "4 quarter", "год")] == [
        5, 3, 4, 5, 4]
    gavrilin = {k[2]: v for k, v in marks.items() if k[:2] == ("Гаврилин Остап Ильич", "Химия")}
    assert gavrilin == {"2 quarter": 5, "3 quarter": 3, "4 quarter": 4, "год": 4}
    assert sum(1 for k in marks if k[0] == "Ермолин Савва Петрович") == 45
    assert not any(k[0] == "Ермолин Савва Петрович" and k[1] == "Физическая культура" for k in marks)
    assert report.files[0].added == 394 + 8 + 8 + 1 + 1 + 5 + 10      # marks, pupils, enrolments, year,
    #                                                                    class, periods, subjects


def test_tabel_twice_changes_nothing_and_matches_the_same_pupils(empty_db, tmp_path):
    assert import_files(empty_db, [TABEL]).ok
    copy = tmp_path / "Табель 8А.xls"
    shutil.copyfile(TABEL, copy)
    with open(copy, "ab") as fh:               # another file (another checksum), the same content
        fh.write(b"\0" * 512)
    report = import_files(empty_db, [copy])
    assert report.ok, report.text()
    assert (report.previews[0].students_matched, report.previews[0].students_new) == (8, 0)
    assert report.files[0].batch_id is None and _count(empty_db, "journal_mark") == 394
    assert _count(empty_db, "student") == 8


# -- «Отчёт об успеваемости и посещаемости ученика (весь класс)» ------------------------------------

def test_daily_marks_are_read_letters_skipped():
    assert [daily_marks(v) for v in ("5", "4 5", "2/3", "О 2", "5 Н", "Н", "Б", "У", "О", None, 4.17)] == [
        1, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0]


def test_attendance_report_with_daily_marks_only_is_refused_in_russian(empty_db):
    report = import_files(empty_db, [REPORT])
    assert not report.ok
    fatal = report.previews[0].fatal
    # 6 pupils × 4 subjects × 7 daily marks a row («5», «4 5», «2/3», «О 2», «5 Н»; Н, У, О skipped)
    assert "учащихся — 6, текущих отметок — 168" in fatal
    assert "«Табель успеваемости учащегося (весь класс)»" in fatal and "ничего не изменено" in fatal
    for table in ("student", "journal_mark", "import_batch", "subject", "class_group"):
        assert _count(empty_db, table) == 0, table


def _report_with_period_marks(path: Path, period_line: str | None) -> Path:
    """A small «Отчёт об успеваемости» whose blocks end with the period mark «Итог»."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for name, marks in (("Кречетов Лев Андреевич", ["4", "5"]), ("Лужина Ева Матвеевна", ["3", "н/а"])):
        ws.append(["Отчёт об успеваемости и посещаемости ученика"])
        ws.append(["Учебный год:", "2024/2025"])
        ws.append(["Класс:", "7Б"])
        ws.append(["Ученик:", name])
        if period_line:
            ws.append([period_line])
        ws.append(["Предмет", "Сентябрь", "Сентябрь", "Октябрь", "Средняя оценка", "Итог"])
        ws.append(["Предмет", 3, 10, 1, "Средняя оценка", "Итог"])
        ws.append(["Русский язык", "5", "4 Н", "2/3", 3.5, marks[0]])
        ws.append(["Алгебра", "О 2", None, "5", 3.5, marks[1]])      # 4 + 2 daily marks a block
        ws.append([])
    wb.save(path)
    return path


def test_attendance_report_with_its_period_mark_loads_that_mark(empty_db, tmp_path):
    path = _report_with_period_marks(tmp_path / "Отчёт 7Б.xlsx", "Период: 1 четверть")
    report = import_files(empty_db, [path])
    assert report.ok, report.text()
    assert _marks(empty_db) == {
        ("Кречетов Лев Андреевич", "Русский язык", "1 quarter"): 4, ("Кречетов Лев Андреевич", "Алгебра", "1 quarter"): 5,
        ("Лужина Ева Матвеевна", "Русский язык", "1 quarter"): 3}
    assert any("Текущие отметки по датам (12) не загружаются" in s for s in report.previews[0].summary)


def test_attendance_report_without_its_period_asks_for_it(empty_db, tmp_path):
    path = _report_with_period_marks(tmp_path / "Отчёт 7Б.xlsx", None)
    report = import_files(empty_db, [path])
    assert not report.ok and "period" in report.previews[0].missing_options and "--period" in report.text()
    assert _count(empty_db, "journal_mark") == 0
    report = import_files(empty_db, [path], options={"period": "год"})
    assert report.ok, report.text()
    assert len(_marks(empty_db)) == 3 and {k[2] for k in _marks(empty_db)} == {"год"}


# -- «ФИО/ПРЕДМЕТ» final-marks list -----------------------------------------------------------------

FINAL_NAMES = {"Савельева Мария", "Тихонов Яков Борисович", "Уварова Инна", "Фролов Роман Ильич",
               "Хромова Юлия Петровна", "Цветков Антон", "Чижова Алла Львовна", "Шубин Егор",
               "Щеглова Нина Сергеевна"}


def test_final_marks_list_year_from_the_file_name(empty_db):
    report = import_files(empty_db, [FINAL])
    assert report.ok, report.text()
    marks = _marks(empty_db)
    # 9 pupils × 11 subjects, less Фролов's «осв»; «Индивидуальный проект» holds only «зач»
    assert len(marks) == 98 and {k[2] for k in marks} == {"год"}
    assert {n for (n,) in empty_db.execute("SELECT full_name FROM student")} == FINAL_NAMES
    assert _classes(empty_db) == [("9А", "2024/2025")]
    subjects = {n for (n,) in empty_db.execute("SELECT name FROM subject")}
    assert subjects == {"Русский язык", "Литература", "Родной язык (русский)", "Родная литература (русская)",
                        "Математика", "Английский язык", "История", "Обществознание", "Физика", "Биология",
                        "Физическая культура"}
    per_subject = {}
    for (_, subject, _), _mark in marks.items():
        per_subject[subject] = per_subject.get(subject, 0) + 1
    assert per_subject["Родной язык (русский)"] == 9 and per_subject["Родная литература (русская)"] == 9
    assert per_subject["Литература"] == 9 and per_subject["Русский язык"] == 9
    assert per_subject["Физическая культура"] == 8
    assert [marks[("Савельева Мария", s, "год")] for s in (
        "Русский язык", "Литература", "Родной язык (русский)", "Родная литература (русская)")] == [3, 4, 5, 3]
    assert [marks[("Хромова Юлия Петровна", s, "год")] for s in (
        "Русский язык", "Литература", "Родной язык (русский)", "Родная литература (русская)")] == [5, 3, 4, 5]
    assert any("Родной язык (русский)" in s and "Родная литература (русская)" in s
               for s in report.previews[0].summary)


def test_final_marks_list_without_a_period_asks_then_takes_the_option(empty_db, tmp_path):
    path = tmp_path / "9А 2024-2025.xlsx"
    shutil.copyfile(FINAL, path)
    report = import_files(empty_db, [path])
    assert not report.ok and set(report.previews[0].missing_options) == {"period"}
    assert _count(empty_db, "journal_mark") == 0 and _count(empty_db, "student") == 0
    report = import_files(empty_db, [path], options={"period": "2 четверть"})
    assert report.ok, report.text()
    marks = _marks(empty_db)
    assert len(marks) == 98 and {k[2] for k in marks} == {"2 quarter"}


# -- the command line ------------------------------------------------------------------------------

@pytest.mark.parametrize("path, new, rows, marks", [(TABEL, 8, 80, 394), (FINAL, 9, 9, 98)],
                         ids=["tabel", "final"])
def test_cli_dry_run_json(empty_db_path, path, new, rows, marks):
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(empty_db_path), "import", str(path),
                          "--dry-run", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["ok"] and data["dry_run"] and not data["committed"]
    f = data["files"][0]
    assert f["kind"] == "journal"
    assert (f["preview"]["students_new"], f["preview"]["rows_ok"]) == (new, rows)
    assert any(f"Отметок: {marks};" in s for s in f["preview"]["summary"])
    db = store.open_db(empty_db_path)
    try:
        assert _count(db, "journal_mark") == 0 and _count(db, "student") == 0
    finally:
        db.close()


def test_cli_refuses_the_attendance_report(empty_db_path):
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(empty_db_path), "import", str(REPORT),
                          "--dry-run", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert not data["ok"] and "Табель успеваемости" in data["files"][0]["preview"]["fatal"]


def _small_tabel(path: Path, bad: str = "5") -> Path:
    """A «Табель» of trimesters with a two-row header, the year and class only in the title."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Табель"
    ws.append(["Табель успеваемости учащихся 6Б класса, 2024-2025 учебный год"])
    for name in ("Рябинина Зоя Ильинична", "Сомов Пётр Глебович"):
        ws.append([f"Ученик: {name}"])
        ws.append(["Предмет", "Учебные периоды", None, None, "Год. оценка"])
        ws.append([None, "1 триместр", "2 триместр", "3 триместр", None])
        ws.append(["Математика", "4", "5", bad if name.startswith("Сомов") else "4", "4"])
        ws.append(["Родной язык (русский)", "5", "5", "5", "5"])
        ws.append([])
    wb.save(path)
    return path


def test_small_tabel_trimesters_year_and_class_from_the_title(empty_db, tmp_path):
    report = import_files(empty_db, [_small_tabel(tmp_path / "Табель.xlsx")])
    assert report.ok, report.text()
    marks = _marks(empty_db)
    assert len(marks) == 2 * 2 * 4 and _classes(empty_db) == [("6Б", "2024/2025")]
    assert {k[2] for k in marks} == {"1 trimester", "2 trimester", "3 trimester", "год"}
    assert marks[("Сомов Пётр Глебович", "Родной язык (русский)", "год")] == 5
    assert "Отдельными предметами загружаются: Родной язык (русский)." in report.previews[0].summary


def test_a_mark_of_seven_in_a_tabel_refuses_the_file_and_names_the_row(empty_db, tmp_path):
    path = _small_tabel(tmp_path / "Табель.xlsx", bad="7")
    report = import_files(empty_db, [path])
    assert not report.ok
    (problem,) = report.previews[0].problems
    assert (problem.sheet, problem.row) == ("Табель", 11) and "«7»" in problem.reason
    assert "Сомов Пётр Глебович" in problem.reason and "3 триместр" in problem.reason
    assert _count(empty_db, "journal_mark") == 0 and _count(empty_db, "student") == 0
    report = import_files(empty_db, [path], options={"skip_bad_rows": True})
    assert report.ok and _count(empty_db, "journal_mark") == 2 * 2 * 4 - 4
