"""ВПР files of real layouts (ФИС ОКО forms 2025–2026, Ф1, an older regional .xls, school-made tables).

The fixtures are built by tests/make_real_layouts_vpr.py and re-saved through LibreOffice; the
numbers below are counted from the tables of that script by hand.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli
from app.core import store
from app.core.imports import import_files, vpr

DATA = Path(__file__).resolve().parents[1] / "data" / "real-layouts"
FORM25 = DATA / "vpr_Форма сбора результатов Русский язык 5 класс ВПР 2025.xlsx"
FORM26 = DATA / "vpr_Форма сбора результатов Русский язык 4 класс ВПР 2026.xlsx"
F1 = DATA / "vpr_Ф1 Индивидуальные результаты ВПР 2026 Русский язык 4 класс.xlsx"
REGIONAL = DATA / "vpr_Результаты ВПР История 5 класс 2024 (район).xls"
HIST7A = DATA / "vpr_ВПР История 7А 16.04.2026.xlsx"
HIST7B = DATA / "vpr_ВПР История 7Б 16.04.2026.xlsx"
CLASS_MAP_4 = {"1": "4А", "2": "4Б"}
HIST5_MAX = {"1": 2, "2": 1, "3": 2, "4": 3, "5": 1, "6": 2, "7": 2, "8": 2}


def _ok(db, path, **options):
    report = import_files(db, [path], options=options)
    assert report.ok, report.text()
    return report


def _results(db):
    return store.rows(db, """
        SELECT s.code, s.full_name, c.label AS class, r.variant, r.primary_score, r.mark, r.journal_mark,
               r.absent FROM result r JOIN student s ON s.id = r.student_id
        LEFT JOIN class_group c ON c.id = r.class_id ORDER BY s.code, s.full_name""")


def _by_class(rows):
    out: dict[str, int] = {}
    for r in rows:
        out[r["class"]] = out.get(r["class"], 0) + 1
    return out


def _tasks(db):
    return [(t["number"], t["max_score"], t["level"]) for t in store.rows(
        db, "SELECT number, max_score, level FROM task ORDER BY position")]


def _procedure(db):
    return store.rows(db, "SELECT p.grade, p.date, p.max_score, p.scale_id, y.label AS year, s.name AS subject "
                          "FROM procedure p JOIN academic_year y ON y.id = p.year_id "
                          "JOIN subject s ON s.id = p.subject_id")


def _score(db, code, number):
    return store.rows(db, "SELECT ts.score FROM task_score ts JOIN task t ON t.id = ts.task_id "
                          "JOIN result r ON r.id = ts.result_id JOIN student s ON s.id = r.student_id "
                          "WHERE s.code = ? AND t.number = ?", [code, number])[0]["score"]


# -- ФИС ОКО form 2025: ordinals resolved from the sheet «Классы» --------------------------------------

def test_form_2025_classes_from_the_classes_sheet(empty_db):
    report = _ok(empty_db, FORM25)
    p = report.previews[0]
    # the «Итого баллов» formulas down to row 300 make no rows and no problems
    assert (p.rows_total, p.rows_ok, len(p.problems), p.students_new) == (12, 12, 0, 12)
    assert any("1 — 5А (лист «Классы»); 2 — 5Б (лист «Классы»)" in s for s in p.summary)
    assert any("2024/2025" in s and "«2025»" in s for s in p.summary)
    rows = _results(empty_db)
    assert _by_class(rows) == {"5А": 6, "5Б": 6}
    absent = {r["code"] for r in rows if r["absent"]}
    assert absent == {"50104", "50203"}                    # «отсутствовал» and «отсутсвовал»
    assert sum(r["primary_score"] for r in rows if not r["absent"]) == 100
    assert {r["code"]: r["primary_score"] for r in rows}["50101"] == 16
    assert all(r["mark"] is None for r in rows)            # no mark column, no scale of that year
    assert sum(r["journal_mark"] is not None for r in rows) == 11   # «нет отметки» is no mark
    assert {r["code"]: r["journal_mark"] for r in rows}["50106"] is None
    assert _tasks(empty_db) == [("1К1", 4, None), ("1К2", 3, None), ("2", 2, None), ("4К1", 3, None),
                                ("5.1", 1, None), ("5.2", 1, None), ("11.3К1", 2, None)]
    assert _score(empty_db, "50105", "11.3К1") is None and _score(empty_db, "50206", "2") is None   # «X»
    assert _procedure(empty_db) == [{"grade": 5, "date": None, "max_score": 16, "scale_id": None,
                                     "year": "2024/2025", "subject": "Русский язык"}]
    assert store.table_counts(empty_db)["student"] == 12


# -- ФИС ОКО form 2026: two parts, ordinals only, «Итого» to row 1500 -----------------------------------

def test_form_2026_asks_the_class_of_each_ordinal_and_changes_nothing(empty_db):
    before = store.table_counts(empty_db)
    report = import_files(empty_db, [FORM26])
    assert not report.ok
    question = report.previews[0].missing_options["class_map"]
    assert "порядковыми номерами: 1, 2." in question
    assert "--class-map 1=4А,2=4Б" in report.text()
    assert store.table_counts(empty_db) == before


def test_form_2026_with_class_map_marks_from_the_2026_scale(empty_db):
    report = _ok(empty_db, FORM26, class_map=CLASS_MAP_4)
    p = report.previews[0]
    assert (p.rows_total, p.rows_ok, len(p.problems), p.students_new) == (14, 14, 0, 14)
    assert any("шкале «ВПР 2026, русский язык, 4 класс»" in s for s in p.summary)
    rows = _results(empty_db)
    assert _by_class(rows) == {"4А": 7, "4Б": 7}
    assert [r["code"] for r in rows if r["absent"]] == ["40104"]
    present = [r for r in rows if not r["absent"]]
    assert [r["primary_score"] for r in present] == [24, 12, 9, 4, 22, 17, 14, 23, 8, 17, 8, 22, 14]
    assert [r["mark"] for r in present] == [5, 3, 2, 2, 5, 4, 3, 5, 2, 4, 2, 5, 3]
    assert sum(r["journal_mark"] is not None for r in rows) == 13
    variants = {r["code"]: r["variant"] for r in rows}
    assert variants["40106"] == "1/2" and variants["40101"] == "1" and variants["40104"] is None
    assert _score(empty_db, "40105", "12") is None
    assert [(n, m) for n, m, _lv in _tasks(empty_db)] == [
        ("1", 2), ("2", 1), ("3", 2), ("4", 3), ("5", 2), ("6", 1), ("7", 1), ("8", 2), ("9", 3), ("10", 3),
        ("11", 1), ("12", 3)]
    proc = _procedure(empty_db)[0]
    assert (proc["grade"], proc["max_score"], proc["year"]) == (4, 24, "2025/2026")


# -- Ф1 «Индивидуальные результаты» ------------------------------------------------------------------

def test_f1_alone_asks_the_classes_then_loads_with_levels_and_builtin_maxima(empty_db):
    report = import_files(empty_db, [F1])
    assert not report.ok and "порядковыми номерами: 1, 2." in report.previews[0].missing_options["class_map"]
    assert store.table_counts(empty_db)["result"] == 0
    report = _ok(empty_db, F1, class_map=CLASS_MAP_4)
    p = report.previews[0]
    # the group row «… (edu563412) | Кол-во участников: 13» is neither a pupil nor a problem
    assert (p.rows_total, p.rows_ok, len(p.problems), p.students_new) == (13, 13, 0, 13)
    assert any("встроенной шкалы ВПР (Русский язык, 4 класс, 2025/2026)" in s for s in p.summary)
    rows = _results(empty_db)
    assert _by_class(rows) == {"4А": 6, "4Б": 7} and not any(r["absent"] for r in rows)
    assert [r["mark"] for r in rows] == [5, 3, 2, 2, 5, 4, 3, 5, 2, 4, 2, 5, 3]
    assert sum(r["primary_score"] for r in rows) == 194
    assert [lv for _n, _m, lv in _tasks(empty_db)] == ["basic"] * 8 + ["advanced", "advanced", "basic", "advanced"]
    assert sum(m for _n, m, _lv in _tasks(empty_db)) == 24
    proc = _procedure(empty_db)[0]
    assert (proc["date"], proc["max_score"], proc["year"]) == ("2026-04-15", 24, "2025/2026")


def test_f1_after_the_form_finds_the_classes_by_the_pupils_codes(empty_db):
    _ok(empty_db, FORM26, class_map=CLASS_MAP_4)
    counts = store.table_counts(empty_db)
    report = _ok(empty_db, F1)                            # no class map: the codes tell the classes
    p = report.previews[0]
    assert (p.students_matched, p.students_new, p.ambiguous) == (13, 0, [])
    assert any("1 — 4А (по кодам участников); 2 — 4Б (по кодам участников)" in s for s in p.summary)
    after = store.table_counts(empty_db)
    assert (after["student"], after["result"], after["procedure"]) == \
        (counts["student"], counts["result"], counts["procedure"])
    rows = _results(empty_db)
    assert _by_class(rows) == {"4А": 7, "4Б": 7}
    assert {r["code"]: r["variant"] for r in rows}["40106"] == "1"   # Ф1 gives one variant
    assert _procedure(empty_db)[0]["date"] == "2026-04-15"


# -- an older regional table (.xls) ----------------------------------------------------------------

def test_regional_xls_asks_task_maxima_never_guesses_them(empty_db):
    report = import_files(empty_db, [REGIONAL])
    assert not report.ok
    question = report.previews[0].missing_options["task_max"]
    assert "задания 1, 2, 3, 4, 5, 6, 7, 8." in question
    assert vpr.task_max_numbers(question) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert "--task-max" in report.text() and "наибольш" not in report.text()
    assert store.table_counts(empty_db)["result"] == 0


def test_regional_xls_grade_and_letter_make_two_classes_login_is_no_pupil(empty_db):
    report = _ok(empty_db, REGIONAL, task_max=HIST5_MAX)
    p = report.previews[0]
    assert (p.rows_total, p.rows_ok, len(p.problems), p.students_new) == (12, 12, 0, 12)
    rows = _results(empty_db)
    assert _by_class(rows) == {"5А": 6, "5Б": 6}
    assert [r["code"] for r in rows if r["absent"]] == ["51005"]
    assert sum(r["primary_score"] for r in rows if not r["absent"]) == 98
    assert [r["mark"] for r in rows if not r["absent"]] == [5, 3, 4, 2, 5, 4, 4, 3, 5, 3, 4]
    codes = {s["code"] for s in store.rows(empty_db, "SELECT code FROM student")}
    assert codes == {f"510{i:02d}" for i in range(1, 7)} | {f"511{i:02d}" for i in range(1, 7)}
    assert {r["full_name"] for r in rows} >= {"Абрамова Дарья", "Орлов Савелий"}
    proc = _procedure(empty_db)[0]
    assert (proc["grade"], proc["date"], proc["max_score"], proc["year"], proc["subject"]) == \
        (5, "2024-04-18", 15, "2023/2024", "История")
    scale = store.rows(empty_db, "SELECT name FROM scale WHERE id = ?", [proc["scale_id"]])
    assert scale == [{"name": "ВПР 2024, история, 5 класс"}]


# -- school-made tables, one file per class ---------------------------------------------------------

def test_school_made_tables_local_labels_are_not_pupils(empty_db):
    report = _ok(empty_db, HIST7A)
    p = report.previews[0]
    assert (p.rows_total, p.rows_ok, p.students_new) == (8, 8, 8)
    # 7Б has no row of maxima: they come from the tasks 7А stored for the same work
    report = _ok(empty_db, HIST7B)
    p = report.previews[0]
    assert (p.rows_total, p.rows_ok, p.students_matched, p.students_new, p.ambiguous) == (7, 7, 0, 7, [])
    assert any("взяты из заданий этой работы, загруженных ранее" in s for s in p.summary)
    rows = _results(empty_db)
    assert _by_class(rows) == {"7А": 8, "7Б": 7}
    assert len({r["full_name"] for r in rows}) == 15
    assert not any(r["full_name"].startswith("П0") for r in rows)
    assert sum(r["primary_score"] for r in rows if r["class"] == "7А") == 69
    assert sum(r["primary_score"] for r in rows if r["class"] == "7Б" and not r["absent"]) == 55
    assert [r["full_name"] for r in rows if r["absent"]] == ["Павлов Егор Антонович"]
    assert store.table_counts(empty_db)["student"] == 15
    proc = _procedure(empty_db)
    assert [(p["grade"], p["date"], p["max_score"], p["year"], p["subject"]) for p in proc] == \
        [(7, "2026-04-16", 14, "2025/2026", "История")]
    # a patronymic «Максимовна» does not make a pupil's row a row of maxima
    assert "Осипова Таисия Максимовна" in {r["full_name"] for r in rows}


def test_school_made_table_without_maxima_alone_is_asked(empty_db):
    report = import_files(empty_db, [HIST7B])
    assert not report.ok and "task_max" in report.previews[0].missing_options
    assert store.table_counts(empty_db)["result"] == 0


# -- the command line ---------------------------------------------------------------------------------

@pytest.mark.parametrize("path, args, rows", [
    (FORM25, [], 12),
    (FORM26, ["--class-map", "1=4А,2=4Б"], 14),
    (F1, ["--class-map", "1=4А,2=4Б"], 13),
    (REGIONAL, ["--task-max", "1=2,2=1,3=2,4=3,5=1,6=2,7=2,8=2"], 12),
    (HIST7A, [], 8),
    (HIST7B, ["--task-max", "1=2,2=1,3=2,4=1,5=2,6=3,7=1,8=2"], 7),
])
def test_cli_dry_run_json(empty_db_path, capsys, path, args, rows):
    code = cli.main(["--db", str(empty_db_path), "import", str(path), "--dry-run", "--json", *args])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] and data["dry_run"] and not data["committed"]
    preview = data["files"][0]["preview"]
    assert data["files"][0]["kind"] == "vpr" and preview["rows_ok"] == rows and preview["problems"] == []
    db = store.open_db(empty_db_path)
    try:
        assert store.table_counts(db)["result"] == 0
    finally:
        db.close()


def test_cli_without_class_map_names_the_option(empty_db_path, capsys):
    code = cli.main(["--db", str(empty_db_path), "import", str(FORM26), "--dry-run"])
    err = capsys.readouterr().err
    assert code == 1 and "--class-map 1=4А,2=4Б" in err and "порядковыми номерами: 1, 2" in err


# -- the import dialog: one class asked per ordinal ----------------------------------------------------

def test_import_dialog_asks_one_class_per_ordinal(ctx, qtbot, empty_db_path):
    from app.ui.import_dialog import ImportDialog

    ctx.open_db(empty_db_path)
    dlg = ImportDialog(ctx, [FORM26])
    dlg.confirm = lambda text: True
    qtbot.addWidget(dlg)
    dlg.show()
    assert [v.status for v in dlg.views] == ["ask"]
    panel = dlg.panel
    assert sorted(panel.class_map_boxes) == ["1", "2"]
    assert not dlg.import_button.isEnabled()
    panel.class_map_boxes["1"].setCurrentText("4А")
    assert dlg.import_button.isEnabled()                   # answers given: «Загрузить» is offered
    panel.class_map_boxes["2"].setCurrentText("4 б")
    dlg.recheck_button.click()
    assert [v.status for v in dlg.views] == ["ready"], dlg.views[0].missing
    assert dlg.panel.class_map_boxes["2"].currentText() == "4 б"      # the answers stay shown
    dlg.run_import()
    assert dlg.committed
    assert _by_class(_results(ctx.db)) == {"4А": 7, "4Б": 7}


def _code_list(path: Path, classes: dict[str, str]) -> Path:
    """The school's list «код ↔ ФИО ↔ класс» for 2025/2026 (invented names)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Коды участников"
    ws.append(["Список кодов участников ВПР, 2025/2026 учебный год"])
    ws.append(["№", "Код участника", "ФИО", "Класс"])
    for i, (code, cls) in enumerate(classes.items()):
        ws.append([i + 1, code, f"Ученик{'абвгдежзиклмнопрст'[i]}ов Иван", cls])
    wb.save(path)
    return path


F1_CODES = [f"4010{i}" for i in (1, 2, 3, 5, 6, 7)] + [f"4020{i}" for i in range(1, 8)]


def test_f1_after_a_code_list_finds_the_classes(empty_db, tmp_path):
    listed = _code_list(tmp_path / "коды.xlsx", {c: "4А" if c < "40200" else "4Б" for c in F1_CODES})
    _ok(empty_db, listed)
    report = _ok(empty_db, F1)
    p = report.previews[0]
    assert (p.students_matched, p.students_new) == (13, 0)
    assert _by_class(_results(empty_db)) == {"4А": 6, "4Б": 7}
    assert all(r["full_name"] for r in _results(empty_db))


def test_codes_of_one_ordinal_in_two_classes_are_asked_not_guessed(empty_db, tmp_path):
    classes = {c: "4А" if c < "40200" else "4Б" for c in F1_CODES}
    classes["40102"] = "4В"                               # ordinal 1: 4А and 4В — the school must say
    _ok(empty_db, _code_list(tmp_path / "коды.xlsx", classes))
    report = import_files(empty_db, [F1])
    assert not report.ok
    assert "порядковыми номерами: 1." in report.previews[0].missing_options["class_map"]
    report = _ok(empty_db, F1, class_map={"1": "4А"})      # only the open ordinal is asked
    assert any("1 — 4А (указан при загрузке); 2 — 4Б (по кодам участников)" in s
               for s in report.previews[0].summary)


def test_import_dialog_asks_the_task_maxima_the_file_leaves_open(ctx, qtbot, empty_db_path):
    from app.ui.import_dialog import ImportDialog

    ctx.open_db(empty_db_path)
    dlg = ImportDialog(ctx, [REGIONAL])
    dlg.confirm = lambda text: True
    qtbot.addWidget(dlg)
    dlg.show()
    assert [v.status for v in dlg.views] == ["ask"]
    boxes = dlg.panel.task_max_boxes
    assert list(boxes) == list(HIST5_MAX)
    for number, top in HIST5_MAX.items():
        boxes[number].setValue(top)
    dlg.recheck_button.click()
    assert [v.status for v in dlg.views] == ["ready"], dlg.views[0].missing
    dlg.run_import()
    assert dlg.committed and _by_class(_results(ctx.db)) == {"5А": 6, "5Б": 6}
    assert sum(m for _n, m, _lv in _tasks(ctx.db)) == 15
