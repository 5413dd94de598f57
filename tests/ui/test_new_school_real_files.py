"""The first hour of a new school with the files schools really have (office-saved workbooks with
shared strings, .xls, ФИС ОКО forms, Сетевой город «Табель», ЦОИ protocols), through the real windows:
first start → «Создать новую школу» → Файл → Импорт… → the one question these files leave open (the
classes behind the form's ordinal numbers) answered in the dialog → «Загрузить» → the data on the
pages; then a daily-marks report dropped on the window is refused in Russian and changes nothing."""
from __future__ import annotations

from pathlib import Path

from app.core import store
from app.ui.qt import QtWidgets

from tests.ui.test_new_school_flow import _action, _count, _drop, _first_start_new_school, _select, _view  # noqa: F401
from tests.ui.test_new_school_flow import fresh_profile, window  # noqa: F401 - fixtures

REAL = Path(__file__).resolve().parents[1] / "data" / "real-layouts"
TABEL = REAL / "journal_Табель успеваемости учащегося (весь класс).xls"
FINAL = REAL / "journal_Итоговые отметки 9А 2024-2025.xlsx"
FORM26 = REAL / "vpr_Форма сбора результатов Русский язык 4 класс ВПР 2026.xlsx"
OGE = REAL / "gia_02_2026.06.02.xls"
SCHOOL_MADE = REAL / "vpr_ВПР История 7А 16.04.2026.xlsx"
DAILY = REAL / "journal_Отчёт об успеваемости и посещаемости ученика (весь класс).xlsx"


def test_first_hour_with_real_files(ctx, window, qtbot, fresh_profile, monkeypatch):  # noqa: F811
    _first_start_new_school(window, ctx, qtbot)
    db = ctx.db
    files = [TABEL, FINAL, FORM26, OGE, SCHOOL_MADE]
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileNames",
                        lambda parent, title, start, *a, **k: ([str(p) for p in files], ""))
    _action(window, "Импорт…").trigger()
    dialog = window.import_dialog
    dialog.confirm = lambda text: True
    statuses = {v.name: v.status for v in dialog.views}
    # every file is read (none «повреждён»); only the form asks which classes its ordinals are
    assert statuses.pop(FORM26.name) == "ask", _view(dialog, FORM26.name).message
    assert set(statuses.values()) == {"ready"}, {v.name: v.message for v in dialog.views}
    assert set(_view(dialog, FORM26.name).missing) == {"class_map"}
    panel = _select(dialog, FORM26.name)
    panel.class_map_boxes["1"].setCurrentText("4А")
    panel.class_map_boxes["2"].setCurrentText("4Б")
    dialog.recheck_button.click()
    assert {v.status for v in dialog.views} == {"ready"}
    impact = {v.name: " ".join(v.impact) for v in dialog.views}
    assert "новых отметок 394" in impact[TABEL.name] and "новых учащихся 8" in impact[TABEL.name]
    assert "новых отметок 98" in impact[FINAL.name]
    assert _count(db, "journal_mark") == 0                  # the preview wrote nothing
    dialog.run_import()
    assert dialog.committed
    assert _count(db, "journal_mark") == 394 + 98
    by_class = dict(db.execute(
        "SELECT c.label, count(DISTINCT e.student_id) FROM enrolment e JOIN class_group c ON c.id = e.class_id "
        "GROUP BY c.label").fetchall())
    assert by_class["8А"] == 8 and by_class["4А"] == 7 and by_class["4Б"] == 7 and by_class["7А"] == 8
    procedures = dict(db.execute(
        "SELECT s.name || ' ' || p.kind, count(r.id) FROM procedure p JOIN subject s ON s.id = p.subject_id "
        "JOIN result r ON r.procedure_id = p.id GROUP BY p.id").fetchall())
    assert procedures["Математика oge"] == 7 and procedures["Русский язык oge"] == 7
    assert procedures["Русский язык vpr"] == 14 and procedures["История vpr"] == 8
    dialog.accept()

    # the pages show it
    roster = window.show_page("roster")
    roster.refresh()
    marks = window.show_page("marks")
    marks.refresh()

    # a report of daily marks: refused, with the report to export instead; nothing written
    before = store.table_counts(db)
    assert _drop(window, [DAILY])
    dialog = window.import_dialog
    view = _view(dialog, DAILY.name)
    assert view.status == "refused" and "Табель успеваемости" in view.message
    assert not dialog.import_button.isEnabled()
    assert store.table_counts(db) == before
