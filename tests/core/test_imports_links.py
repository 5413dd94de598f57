"""The school's list «код участника ↔ ФИО ↔ класс» links ВПР codes to named pupils (issue 5).

Three files describe one class: the journal (names), the ВПР form (codes only) and the list. Whatever
the order, the school ends with one record per pupil, and the analysis is the same; undoing the list
separates the merged records again.
"""
from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from app.core import roster, store
from app.core.analysis import analyze
from app.core.errors import UserError
from app.core.imports import detect_kind, import_files, undo_import
from app.core.imports.review import file_views

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402

LIST = DATA / "codes_list_5В_2024-2025.xlsx"
JOURNAL = DATA / "journal_5В_2024-2025.csv"
VPR = DATA / "vpr_codes_math5В_2025.xlsx"


def _load(db, *paths):
    outcomes = []
    for p in paths:
        report = import_files(db, [p])
        assert report.ok and report.committed, report.text()
        outcomes.extend(report.files)
    return outcomes


def _pupils(db):
    return store.rows(db, "SELECT s.id, s.code, s.full_name, (SELECT count(*) FROM result r WHERE r.student_id = s.id) "
                          "AS results, (SELECT count(*) FROM journal_mark j WHERE j.student_id = s.id) AS marks, "
                          "(SELECT count(*) FROM enrolment e WHERE e.student_id = s.id) AS enrolments "
                          "FROM student s ORDER BY s.code")


def _numbers(db):
    out = analyze(db)
    return [{k: c[k] for k in ("class", "n", "lowered", "confirmed", "raised", "crosstab")}
            for c in out["comparisons"]]


def _one_record_each(db):
    expected = sorted(fixtures.link_pupils())
    got = _pupils(db)
    assert [(p["code"], p["full_name"]) for p in got] == expected
    assert all(p["results"] == 1 and p["marks"] == 3 and p["enrolments"] == 1 for p in got), got


def test_the_list_is_detected_as_a_pupil_list():
    assert detect_kind(LIST) == "journal"
    assert detect_kind(VPR) == "vpr"


def test_journal_then_vpr_then_list_merges_the_two_records_of_each_pupil(empty_db):
    _load(empty_db, JOURNAL, VPR)
    assert len(_pupils(empty_db)) == 2 * fixtures.LINK_N            # the walkthrough's complaint
    unlinked = _numbers(empty_db)
    assert unlinked == [] or unlinked[0]["n"] == 0                  # codes have no journal marks yet
    dry = import_files(empty_db, [LIST], dry_run=True)
    assert dry.ok and f"будет объединено записей: {fixtures.LINK_N}" in dry.text(), dry.text()
    [view] = file_views(empty_db, dry)
    assert any("будет объединено записей: 12" in line for line in view.summary)
    assert view.kind_label == "список кодов участников" and view.status == "ready"
    _load(empty_db, LIST)
    _one_record_each(empty_db)
    [cmp] = _numbers(empty_db)
    assert cmp["class"] == "5В" and cmp["n"] == fixtures.LINK_N - 1   # one pupil was absent


@pytest.mark.parametrize("order", [(LIST, JOURNAL, VPR), (VPR, LIST, JOURNAL), (JOURNAL, LIST, VPR),
                                   (VPR, JOURNAL, LIST), (LIST, VPR, JOURNAL)],
                         ids=["list-journal-vpr", "vpr-list-journal", "journal-list-vpr", "vpr-journal-list",
                              "list-vpr-journal"])
def test_every_order_ends_with_one_record_per_pupil_and_the_same_analysis(empty_db, tmp_path, order):
    _load(empty_db, JOURNAL, VPR, LIST)
    forward = _numbers(empty_db)
    other = store.create_db(tmp_path / "other.db", school_name="Школа")
    try:
        _load(other, *order)
        _one_record_each(other)
        assert _numbers(other) == forward and forward[0]["n"] == fixtures.LINK_N - 1
    finally:
        other.close()


def test_undoing_the_list_separates_the_records_again(empty_db):
    _load(empty_db, JOURNAL, VPR)
    before = {t: store.rows(empty_db, f"SELECT * FROM {t} ORDER BY rowid")
              for t in ("student", "enrolment", "result", "journal_mark", "task_score")}
    numbers = _numbers(empty_db)
    [outcome] = _load(empty_db, LIST)
    assert len(_pupils(empty_db)) == fixtures.LINK_N
    text = undo_import(empty_db, outcome.batch_id)
    assert "отменён" in text and f"Снова разделены объединённые записи учащихся: {fixtures.LINK_N}." in text
    after = {t: store.rows(empty_db, f"SELECT * FROM {t} ORDER BY rowid") for t in before}
    assert after == before
    assert _numbers(empty_db) == numbers
    _load(empty_db, LIST)                                            # and it can be loaded again
    _one_record_each(empty_db)


def test_a_code_held_by_another_named_pupil_is_rejected_with_the_reason(empty_db, tmp_path):
    _load(empty_db, LIST)
    code, name = fixtures.link_pupils()[0]
    other = fixtures.link_pupils()[1][1]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Код участника", "ФИО", "Класс"])
    ws.append([int(code), other, "5В"])
    path = tmp_path / "codes_wrong_2024-2025.xlsx"
    wb.save(path)
    report = import_files(empty_db, [path])
    assert not report.ok and f"код {code} в базе принадлежит учащемуся «{name}»" in report.text()


def test_namesakes_are_asked_not_guessed(empty_db, tmp_path):
    year = roster.create_year(empty_db, "2024/2025")
    cls = roster.create_class(empty_db, year, 5, "В")
    a = roster.create_student(empty_db, class_id=cls, full_name="Иванов Иван Петрович")
    b = roster.create_student(empty_db, class_id=cls, full_name="Иванов Иван Сергеевич")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Код участника", "ФИО", "Класс"])
    ws.append([40999, "Иванов Иван", "5В"])
    path = tmp_path / "codes_2024-2025.xlsx"
    wb.save(path)
    report = import_files(empty_db, [path])
    assert not report.committed and report.files[0].preview.ambiguous, report.text()
    [view] = file_views(empty_db, report)
    [choice] = view.choices
    assert {sid for sid, _ in choice.candidates} == {a, b}
    report = import_files(empty_db, [path], options={"students": {choice.key: b}})
    assert report.committed, report.text()
    assert roster.get_student(empty_db, b)["code"] == "40999"
    assert roster.get_student(empty_db, a)["code"] != "40999"


def test_merge_students_refuses_two_results_of_one_procedure(empty_db):
    _load(empty_db, VPR)
    year = store.rows(empty_db, "SELECT id FROM academic_year")[0]["id"]
    cls = store.rows(empty_db, "SELECT id FROM class_group")[0]["id"]
    named = roster.create_student(empty_db, class_id=roster.create_class(empty_db, year, 5, "Г"),
                                  full_name="Петров Пётр")
    first, second = [p["id"] for p in _pupils(empty_db) if p["full_name"] is None][:2]
    with pytest.raises(UserError, match="результат процедуры"):
        roster.merge_students(empty_db, first, second)
    with pytest.raises(UserError, match="разных классах"):
        roster.merge_students(empty_db, named, first)
    assert cls
    keep = roster.create_student(empty_db, class_id=cls, full_name="Сидоров Сидор")
    moved = roster.merge_students(empty_db, keep, first)
    assert moved["results"] == 1
    assert roster.get_student(empty_db, keep)["full_name"] == "Сидоров Сидор"
    assert len([p for p in _pupils(empty_db) if p["id"] == first]) == 0


def test_a_journal_export_with_a_code_column_links_too(empty_db, tmp_path):
    _load(empty_db, JOURNAL, VPR)
    lines = ["Код;ФИО;Класс;Предмет;Период;Отметка"]
    lines += [f"{code};{name};5В;Математика;4 четверть;4" for code, name in fixtures.link_pupils()]
    path = tmp_path / "journal_codes_5В_2024-2025.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_files(empty_db, [path])
    assert report.ok and report.committed, report.text()
    got = _pupils(empty_db)
    assert [(p["code"], p["full_name"]) for p in got] == sorted(fixtures.link_pupils())
    assert all(p["marks"] == 4 and p["results"] == 1 for p in got)


def test_a_list_per_class_with_the_class_in_the_title(empty_db, tmp_path):
    _load(empty_db, JOURNAL)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Коды участников ВПР, 5В класс, 2024/2025 учебный год"])
    ws.append(["Код", "Фамилия", "Имя", "Отчество"])
    for code, name in fixtures.link_pupils():
        ws.append([code, *name.split()])
    path = tmp_path / "codes.xlsx"
    wb.save(path)
    assert detect_kind(path) == "journal"
    report = import_files(empty_db, [path])
    assert report.committed and "код присвоен учащемуся из базы: 12" in report.text(), report.text()
    assert [(p["code"], p["full_name"]) for p in _pupils(empty_db)] == sorted(fixtures.link_pupils())


def test_undo_of_a_merge_refuses_when_a_merged_record_id_was_taken_since(empty_db):
    _load(empty_db, JOURNAL, VPR)
    [outcome] = _load(empty_db, LIST)
    cls = store.rows(empty_db, "SELECT id FROM class_group")[0]["id"]
    roster.create_student(empty_db, class_id=cls, full_name="Новикова Анна")   # takes a freed id
    before = _pupils(empty_db)
    with pytest.raises(UserError, match="нельзя отменить: он объединил записи"):
        undo_import(empty_db, outcome.batch_id)
    assert _pupils(empty_db) == before


def test_cli_detects_the_list_and_links(empty_db_path):
    import subprocess

    root = Path(__file__).resolve().parents[2]
    run = lambda *args: subprocess.run([sys.executable, "-m", "app", "--db", str(empty_db_path), *args],  # noqa: E731
                                       cwd=root, capture_output=True, text=True, timeout=60)
    for path in (JOURNAL, VPR):
        assert run("import", str(path)).returncode == 0
    done = run("import", str(LIST), "--kind", "auto")
    assert done.returncode == 0, done.stderr
    assert "список кодов участников" in done.stdout and "будет объединено записей: 12" in done.stdout
    db = store.open_db(empty_db_path)
    try:
        _one_record_each(db)
    finally:
        db.close()


def test_a_code_given_to_two_pupils_holds_back_every_row_of_it(empty_db, tmp_path):
    _load(empty_db, JOURNAL)
    (c1, n1), (c2, n2) = fixtures.link_pupils()[:2]
    lines = ["Код;ФИО;Класс;Предмет;Период;Отметка",
             f"{c1};{n1};5В;Математика;4 четверть;5", f"{c2};{n2};5В;Математика;4 четверть;2",
             f"{c1};{n2};5В;Русский язык;4 четверть;3"]
    path = tmp_path / "journal_clash_2024-2025.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_files(empty_db, [path], options={"skip_bad_rows": True})
    assert report.committed, report.text()
    assert f"код {c1} в строке 2 указан у «{n1}» (5В), а здесь — у «{n2}» (5В)" in report.text()
    assert "Строк с данными: 3, распознано 1, отклонено 1." in report.text()
    got = {p["full_name"]: p for p in _pupils(empty_db)}
    assert got[n2]["code"] == c2 and got[n2]["marks"] == 4 and got[n1]["marks"] == 3
    assert got[n1]["code"] != c1


def test_a_journal_login_column_never_becomes_a_code(empty_db, tmp_path):
    """An electronic journal's logins are not participant codes (and often spell the surname, which
    must never reach a packet): known pupils keep their codes, new pupils get issued ones."""
    _load(empty_db, LIST)
    before = [(p["code"], p["full_name"]) for p in _pupils(empty_db)]
    lines = ["Логин;ФИО;Класс;Предмет;Период;Отметка"]
    lines += [f"ivanov{i:03d};{name};5В;Математика;4 четверть;4" for i, (_code, name) in
              enumerate(fixtures.link_pupils())]
    path = tmp_path / "elzhur_5В_2024-2025.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_files(empty_db, [path])
    assert report.ok and report.committed, report.text()
    got = _pupils(empty_db)
    assert [(p["code"], p["full_name"]) for p in got] == before          # no pupil re-coded, none added
    assert all(p["marks"] == 1 for p in got)

    fresh = tmp_path / "elzhur_6А_2024-2025.csv"
    fresh.write_text("Логин;ФИО;Класс;Предмет;Период;Отметка\nsokolova.m;Соколова Мария Игоревна;6А;Математика;"
                     "4 четверть;5\n", encoding="utf-8")
    assert import_files(empty_db, [fresh]).committed
    code = empty_db.execute("SELECT code FROM student WHERE full_name = 'Соколова Мария Игоревна'").fetchone()[0]
    assert code.isdigit() and len(code) == 5
