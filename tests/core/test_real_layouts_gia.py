"""ГИА protocols in the layouts ЦОИ sends (fixtures built by tests/make_real_layouts_gia.py and
re-saved by LibreOffice): two ОГЭ exams on one .xls sheet, an ЕГЭ .xls with test scores, and an
appeal protocol with «Прежние» / «Текущие» scores. Every number below is counted from the fixture."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl

from app import cli
from app.core import store
from app.core.imports import detect_kind, import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "real-layouts"
OGE = DATA / "gia_02_2026.06.02.xls"
EGE = DATA / "gia_04_2026.06.08.xls"
APPEAL = DATA / "gia_Протокол апелляций.xlsx"


def _procedures(db) -> list[dict]:
    return store.rows(db, "SELECT p.id, p.kind, s.name AS subject, p.grade, y.label AS year, p.date, p.max_score "
                          "FROM procedure p JOIN subject s ON s.id = p.subject_id "
                          "JOIN academic_year y ON y.id = p.year_id ORDER BY p.id")


def _results(db, subject: str) -> dict[str, dict]:
    found = store.rows(db, "SELECT st.full_name, c.label AS class, r.primary_score, r.mark, r.test_score, r.absent, "
                           "(SELECT count(*) FROM task_score ts WHERE ts.result_id = r.id) AS scores, "
                           "(SELECT sum(ts.score) FROM task_score ts WHERE ts.result_id = r.id) AS total "
                           "FROM result r JOIN procedure p ON p.id = r.procedure_id "
                           "JOIN subject s ON s.id = p.subject_id "
                           "JOIN student st ON st.id = r.student_id LEFT JOIN class_group c ON c.id = r.class_id "
                           "WHERE s.name = ?", [subject])
    return {r.pop("full_name"): r for r in found}


def _tasks(db, pid: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT max_score FROM task WHERE procedure_id = ? ORDER BY position", [pid])]


def test_the_fixtures_are_protocols_and_keep_text_as_office_suites_do():
    assert [detect_kind(p) for p in (OGE, EGE, APPEAL)] == ["gia", "gia", "gia"]
    assert OGE.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")      # a real .xls (BIFF in OLE2)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from resave import has_shared_strings

    assert has_shared_strings(APPEAL)


def test_two_oge_exams_on_one_sheet_are_two_procedures(empty_db):
    report = import_files(empty_db, [OGE])
    assert report.ok, report.text()
    maths, russian = _procedures(empty_db)
    assert {k: maths[k] for k in ("kind", "subject", "grade", "year", "date")} == {
        "kind": "oge", "subject": "Математика", "grade": 9, "year": "2025/2026", "date": "2026-06-02"}
    assert {k: russian[k] for k in ("kind", "subject", "grade", "year", "date")} == {
        "kind": "oge", "subject": "Русский язык", "grade": 9, "year": "2025/2026", "date": "2026-06-05"}
    counts = store.table_counts(empty_db)
    assert (counts["student"], counts["result"], counts["task_score"]) == (8, 14, 6 * 25 + 7 * 23)
    classes = store.rows(empty_db, "SELECT c.label, count(*) AS n FROM enrolment e JOIN class_group c "
                                   "ON c.id = e.class_id GROUP BY c.label ORDER BY c.label")
    assert classes == [{"label": "9А", "n": 4}, {"label": "9Б", "n": 4}]

    # Математика: 19 short answers and 6 long ones out of 2; Зимина did not come
    assert _tasks(empty_db, maths["id"]) == [1] * 19 + [2] * 6
    m = _results(empty_db, "Математика")
    assert len(m) == 7 and sum(r["absent"] for r in m.values()) == 1 and m["Зимина Полина Игоревна"]["absent"] == 1
    assert {n: (r["primary_score"], r["mark"]) for n, r in m.items() if not r["absent"]} == {
        "Белозёров Артём Ильич": (20, 4), "Гончарова Василиса Олеговна": (9, 3), "Дроздов Мирон Павлович": (30, 5),
        "Ершова Ульяна Денисовна": (11, 3), "Жуков Святослав Андреевич": (4, 2), "Карпов Лев Тимурович": (23, 5)}
    assert "Лаптева Алиса Романовна" not in m

    # Русский язык, the second block: its pupils are stored under it, «А» / «Б» read as 9А / 9Б
    assert _tasks(empty_db, russian["id"]) == [1] * 11 + [3, 2, 1, 1, 3, 2, 2, 3, 2, 2, 3, 2]
    r = _results(empty_db, "Русский язык")
    assert len(r) == 7 and sum(x["absent"] for x in r.values()) == 0 and "Карпов Лев Тимурович" not in r
    assert {n: (x["primary_score"], x["mark"]) for n, x in r.items()} == {
        "Белозёров Артём Ильич": (28, 4), "Гончарова Василиса Олеговна": (18, 3), "Дроздов Мирон Павлович": (33, 5),
        "Ершова Ульяна Денисовна": (25, 3), "Жуков Святослав Андреевич": (11, 2), "Зимина Полина Игоревна": (29, 4),
        "Лаптева Алиса Романовна": (25, 3)}
    assert [x["class"] for x in r.values()].count("9А") == 4 and [x["class"] for x in r.values()].count("9Б") == 3
    assert all(x["total"] == x["primary_score"] for x in [*r.values(), *m.values()] if not x["absent"])
    # the maxima of this year's scales (31 and 37) equal the sums of the task maxima
    assert (maths["max_score"], russian["max_score"]) == (31, 37)


def test_the_same_protocol_twice_changes_nothing(empty_db, tmp_path):
    assert import_files(empty_db, [OGE]).ok
    before = store.table_counts(empty_db)
    copy = tmp_path / "02_2026.06.02.xls"              # another name, the same bytes
    copy.write_bytes(OGE.read_bytes())
    report = import_files(empty_db, [copy])
    assert report.ok, report.text()
    assert store.table_counts(empty_db)["result"] == before["result"] == 14


def test_ege_protocol_with_test_scores(empty_db):
    report = import_files(empty_db, [EGE])
    assert report.ok, report.text()
    [proc] = _procedures(empty_db)
    assert {k: proc[k] for k in ("kind", "subject", "grade", "year", "date")} == {
        "kind": "ege", "subject": "Физика", "grade": 11, "year": "2025/2026", "date": "2026-06-08"}
    # 20 short answers, four of them two-point (3, 7, 9, 14), and 6 long ones
    maxima = _tasks(empty_db, proc["id"])
    assert len(maxima) == 26 and [i + 1 for i, m in enumerate(maxima[:20]) if m == 2] == [3, 7, 9, 14]
    assert maxima[20:] == [2, 3, 3, 3, 3, 3] and sum(maxima) == 41
    res = _results(empty_db, "Физика")
    assert {n: (x["primary_score"], x["test_score"], x["mark"]) for n, x in res.items()} == {
        "Мельников Егор Сергеевич": (29, 72, 5), "Никитина Варвара Алексеевна": (14, 46, 3),
        "Орехов Даниил Маркович": (39, 89, 5), "Петрова Злата Викторовна": (7, 31, 2),
        "Рябов Фёдор Константинович": (23, 60, 4), "Соколова Ева Григорьевна": (31, 76, 5)}
    assert sum(x["absent"] for x in res.values()) == 0
    assert sorted(x["class"] for x in res.values()) == ["11А"] * 3 + ["11Б"] * 3
    assert all(x["scores"] == 26 and x["total"] == x["primary_score"] for x in res.values())
    assert store.table_counts(empty_db)["student"] == 6


def test_appeal_protocol_alone_takes_the_current_scores(empty_db):
    report = import_files(empty_db, [APPEAL])
    assert report.ok, report.text()
    maths, russian = _procedures(empty_db)
    assert [(p["kind"], p["subject"], p["grade"], p["year"], p["date"]) for p in (maths, russian)] == [
        ("oge", "Математика", 9, "2025/2026", "2026-06-02"), ("oge", "Русский язык", 9, "2025/2026", "2026-06-05")]
    m, r = _results(empty_db, "Математика"), _results(empty_db, "Русский язык")
    assert {n: (x["primary_score"], x["mark"], x["class"]) for n, x in m.items()} == {
        "Гончарова Василиса Олеговна": (11, 3, "9А"), "Жуков Святослав Андреевич": (8, 3, "9Б")}
    assert {n: (x["primary_score"], x["mark"], x["class"]) for n, x in r.items()} == {
        "Дроздов Мирон Павлович": (33, 5, "9А"), "Лаптева Алиса Романовна": (27, 4, "9Б")}
    counts = store.table_counts(empty_db)
    assert (counts["student"], counts["result"], counts["task"], counts["task_score"]) == (4, 4, 0, 0)


def test_appeal_after_the_protocol_changes_the_appealed_results_only(empty_db):
    assert import_files(empty_db, [OGE]).ok
    report = import_files(empty_db, [APPEAL])
    assert report.ok, report.text()
    f = report.files[0]
    assert (f.preview.students_matched, f.preview.students_new) == (4, 0)
    assert (f.added, f.changed) == (0, 3)                    # Дроздов's appeal left his score as it was
    counts = store.table_counts(empty_db)
    assert (counts["student"], counts["result"], counts["task_score"]) == (8, 14, 6 * 25 + 7 * 23)
    m, r = _results(empty_db, "Математика"), _results(empty_db, "Русский язык")
    assert (m["Гончарова Василиса Олеговна"]["primary_score"], m["Гончарова Василиса Олеговна"]["mark"]) == (11, 3)
    assert (m["Жуков Святослав Андреевич"]["primary_score"], m["Жуков Святослав Андреевич"]["mark"]) == (8, 3)
    assert (r["Лаптева Алиса Романовна"]["primary_score"], r["Лаптева Алиса Романовна"]["mark"]) == (27, 4)
    assert (r["Дроздов Мирон Павлович"]["primary_score"], r["Белозёров Артём Ильич"]["primary_score"]) == (33, 28)


def test_cli_dry_run_json_on_each_protocol(empty_db_path, capsys):
    expected = {OGE: ["Математика", "Русский язык"], EGE: ["Физика"], APPEAL: ["Математика", "Русский язык"]}
    for path, subjects in expected.items():
        code = cli.main(["--db", str(empty_db_path), "import", str(path), "--dry-run", "--json"])
        data = json.loads(capsys.readouterr().out)
        assert code == 0 and data["ok"] and data["dry_run"] and not data["committed"], data["text"]
        [f] = data["files"]
        assert f["kind"] == "gia" and f["preview"]["problems"] == [] and f["preview"]["missing_options"] == {}
        lines = [s for s in f["preview"]["summary"] if s.startswith(("ОГЭ:", "ЕГЭ:"))]
        assert [s.split(":")[1].split(",")[0].strip() for s in lines] == subjects
    assert lines[0] == ("ОГЭ: Математика, 9 класс, 2025/2026, экзамен 02.06.2026; участников 2, "
                        "не явились или не завершили 0.")
    db = store.open_db(empty_db_path)
    try:
        assert store.table_counts(db)["result"] == 0 and store.table_counts(db)["student"] == 0
    finally:
        db.close()


def test_a_row_with_an_unreadable_class_is_rejected_and_nothing_is_written(empty_db, tmp_path):
    wb = openpyxl.load_workbook(APPEAL)
    ws = wb.active
    assert ws.cell(row=7, column=3).value == "9Б"
    ws.cell(row=7, column=3).value = "9 Б-вечерний"
    path = tmp_path / "апелляции.xlsx"
    wb.save(path)
    report = import_files(empty_db, [path])
    assert not report.ok
    assert "строка 7" in report.text() and "«9 Б-вечерний» — не класс" in report.text()
    assert store.table_counts(empty_db)["result"] == 0


def test_a_two_row_header_without_merged_cells(empty_db, tmp_path):
    """«Текущие» / «Прежние» over the score columns only; the pupil's columns named in the upper row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Протокол рассмотрения апелляций, ОГЭ"])
    ws.append(["№", "Фамилия", "Имя", "Отчество", "Класс", "Экзамен", "Текущие", None, "Прежние", None])
    ws.append([None, None, None, None, None, None, "Первичный балл", "Оценка", "Первичный балл", "Оценка"])
    ws.append([1, "Орлова", "Ника", "Петровна", "9В", "Химия(2026.05.29)", 30, 5, 27, 4])
    path = tmp_path / "апелляция.xlsx"
    wb.save(path)
    report = import_files(empty_db, [path])
    assert report.ok, report.text()
    [proc] = _procedures(empty_db)
    assert (proc["kind"], proc["subject"], proc["date"], proc["year"]) == ("oge", "Химия", "2026-05-29", "2025/2026")
    [res] = _results(empty_db, "Химия").values()
    assert (res["primary_score"], res["mark"], res["class"]) == (30, 5, "9В")


def test_blocks_without_averages_rows_and_an_ege_score_column_named_ball(empty_db, tmp_path):
    """The next exam's line alone ends a block; «Балл» after «Первичный балл» is the test score."""
    head = ["№", "Класс", "Фамилия", "Имя", "Отчество", "Ответы в краткой форме", "Ответы в развернутой форме",
            "Первичный балл", "Балл"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Протокол проверки результатов"])
    ws.append(["07 - Химия 2026.06.10"])
    ws.append(head)
    ws.append([1, "А", "Орлова", "Ника", "Петровна", "++-+", "1(2)2(3)", 6, 40])
    ws.append([2, "Б", "Сомов", "Ян", "Ильич", "+--+", "0(2)1(3)", 3, 22])
    ws.append(["12 - Обществознание 2026.06.01"])
    ws.append(head)
    ws.append([1, "А", "Орлова", "Ника", "Петровна", "+++", "2(2)", 5, 51])
    path = tmp_path / "07_2026.06.10.xlsx"
    wb.save(path)
    report = import_files(empty_db, [path])
    assert report.ok, report.text()
    assert [(p["kind"], p["subject"], p["grade"], p["date"]) for p in _procedures(empty_db)] == [
        ("ege", "Химия", 11, "2026-06-10"), ("ege", "Обществознание", 11, "2026-06-01")]
    chem, social = _results(empty_db, "Химия"), _results(empty_db, "Обществознание")
    assert {n: (x["primary_score"], x["test_score"], x["class"]) for n, x in chem.items()} == {
        "Орлова Ника Петровна": (6, 40, "11А"), "Сомов Ян Ильич": (3, 22, "11Б")}
    assert {n: (x["primary_score"], x["test_score"]) for n, x in social.items()} == {"Орлова Ника Петровна": (5, 51)}
    assert store.table_counts(empty_db)["student"] == 2


def test_gia_9_and_gia_11_in_the_title_tell_the_exam():
    from app.core.imports.gia import exam_date, exam_kind

    assert exam_date("05_2026.05.27".replace("_", " ")) == "2026-05-27"
    assert exam_date("Математика(2026.06.02)") == "2026-06-02" and exam_date("Дата: 03.06.2025") == "2025-06-03"

    assert exam_kind("Протокол ГИА-9, 2026", set(), [], None) == "oge"
    assert exam_kind("Результаты ГИА-11", {"mark"}, [], None) == "ege"
    assert exam_kind("Протокол проверки результатов", {"mark"}, [11, 11], None) == "ege"
    assert exam_kind("Протокол проверки результатов", {"mark"}, [], None) == "oge"
    assert exam_kind("Протокол проверки результатов", {"primary"}, [], None) is None
