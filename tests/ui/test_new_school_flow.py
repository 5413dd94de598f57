"""The first hour of a real school, through the real windows.

First start with no school file → «Создать новую школу» → Файл → Импорт… of the journal exports the
school already has → files dragged onto the window (ВПР forms of different layouts, ОГЭ / ЕГЭ protocols)
→ the preview's questions answered (year, «Кто это?») → «Загрузить» → the data on «Контингент»,
«Отметки», «Процедуры», «Анализ» → «Отменить этот импорт» → the same file again (idempotent).
And bad files in the same dialog: a clear Russian message, nothing written.

Set OBJEKTIV_SHOTS=/some/dir to save screenshots of the import dialog at each step (1024×600, 1366×768).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core import store
from app.ui.qt import QtCore, QtGui, QtWidgets

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
SHOTS = os.environ.get("OBJEKTIV_SHOTS")
SCHOOL = "МБОУ «Средняя общеобразовательная школа № 7»"

JOURNALS = ["journal_long_2024-2025_cp1251.csv", "journal_long_bom_comma.csv", "journal_wide_subjects.xlsx",
            "journal_wide_periods.xlsx", "journal_long_tab_2024-2025.csv"]
RESULTS = ["vpr_simple_math5.xlsx", "vpr_merged_rus6.xlsx", "vpr_portal_hist7.xlsx",
           "vpr_sheets_per_class_phys8.xlsx", "vpr_no_year.xlsx", "vpr_bio5_2025.csv",
           "gia_oge_math_2025.xlsx", "gia_ege_rus_2025.csv"]

pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDrag.*deprecated:DeprecationWarning")


def _shot(widget, name: str) -> None:
    if not SHOTS:
        return
    from app.ui.style import apply_style, apply_style_sheet

    app = QtWidgets.QApplication.instance()
    if not app.property("objektiv_styled"):             # look as the program looks
        apply_style(app)
        apply_style_sheet(app)
        app.setProperty("objektiv_styled", True)
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    old = widget.size()
    for w, h in ((1024, 600), (1366, 768)):
        widget.resize(w, h)
        QtWidgets.QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / f"{name}-{w}x{h}.png"))
    widget.resize(old)


def _count(db, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _counts(db) -> dict:
    """The school's own data (the import journal and settings aside)."""
    return {k: v for k, v in store.table_counts(db).items() if not k.startswith("import") and k != "settings"}


def _drop(window, paths: list[Path]) -> bool:
    """DragEnter, DragMove and Drop delivered to the native window (over the page area of the main
    window, or the middle of a dialog), as the platform does."""
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(p)) for p in paths])
    stack = getattr(window, "stack", None)
    pos = stack.mapTo(window, stack.rect().center()) if stack is not None else window.rect().center()
    target = window.windowHandle()
    buttons, mods = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier
    actions = QtCore.Qt.DropAction.CopyAction | QtCore.Qt.DropAction.LinkAction
    for event in (QtGui.QDragEnterEvent(pos, actions, mime, buttons, mods),
                  QtGui.QDragMoveEvent(pos, actions, mime, buttons, mods),
                  QtGui.QDropEvent(QtCore.QPointF(pos), actions, mime, buttons, mods)):
        event.ignore()
        QtWidgets.QApplication.sendEvent(target, event)
    return event.isAccepted()


def _select(dialog, name: str):
    row = next(i for i, v in enumerate(dialog.views) if v.name == name)
    dialog.file_list.setCurrentRow(row)
    return dialog.panel


def _view(dialog, name: str):
    return next(v for v in dialog.views if v.name == name)


def _action(window, text: str) -> QtGui.QAction:
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(text)


@pytest.fixture
def fresh_profile(tmp_path, monkeypatch):
    """A user with no school file yet: the data folder is empty."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    from app.core.store import default_db_path

    assert not default_db_path().exists()
    return default_db_path()


@pytest.fixture
def window(ctx, qtbot):
    from app.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def _first_start_new_school(window, ctx, qtbot) -> None:
    """The first-start dialog: «Создать новую школу» refuses an empty name, then creates the file."""
    from app.ui.first_start import FirstStartDialog, first_start

    seen = {}

    def answer():
        dialog = next(w for w in QtWidgets.QApplication.topLevelWidgets()
                      if isinstance(w, FirstStartDialog) and w.isVisible())
        new = next(b for b in dialog.findChildren(QtWidgets.QPushButton) if b.text() == "Создать новую школу")
        new.click()                                             # no name yet: stays open, asks for it
        seen["stayed"] = (dialog.isVisible() and dialog.focusWidget() is dialog.name_edit
                          and not dialog.name_error.isHidden())
        dialog.name_edit.setText(SCHOOL)
        seen["cleared"] = dialog.name_error.isHidden()
        if SHOTS:
            dialog.grab().save(str(Path(SHOTS) / "first-start.png"))
        new.click()

    QtCore.QTimer.singleShot(0, answer)
    first_start(window, ctx)
    assert seen["stayed"] and seen["cleared"]


def test_first_hour_of_a_new_school(ctx, window, qtbot, fresh_profile, monkeypatch, tmp_path):
    # -- first start: no school file, a new empty school --------------------------------------------
    assert ctx.db is None
    _first_start_new_school(window, ctx, qtbot)
    assert ctx.db_path == fresh_profile.resolve() and fresh_profile.exists()
    db = ctx.db
    assert store.school_row(db)["full_name"] == SCHOOL
    assert SCHOOL in window.windowTitle()
    assert _count(db, "student") == 0 and _count(db, "journal_mark") == 0

    # -- Файл → Импорт…: the journal exports -----------------------------------------------------------
    # a teacher's own table: no class, no subject (the year is in the file name), a column of periods
    # under a heading the program does not know
    own = tmp_path / "chemistry_2024-2025.csv"
    own.write_text("Обучающийся;Когда;Итог\nОрлов Олег Олегович;1 четверть;5\nОрлова Анна Олеговна;1 четверть;4\n",
                   encoding="utf-8")
    files = [DATA / n for n in JOURNALS] + [own]
    asked_in = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileNames",
                        lambda parent, title, start, *a, **k: (asked_in.append(start), ([str(p) for p in files], ""))[1])
    _action(window, "Импорт…").trigger()
    assert ctx.qsettings.value("import/last_dir") == str(DATA)       # the next «Импорт…» starts there
    dialog = window.import_dialog
    dialog.confirm = lambda text: True
    assert dialog.isVisible() and [v.name for v in dialog.views] == [p.name for p in files]
    room = window.screen().availableGeometry()                  # a small screen holds the whole dialog
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    statuses = {v.name: v.status for v in dialog.views}
    assert statuses.pop("journal_long_bom_comma.csv") == "ask"          # no year anywhere in it
    assert statuses.pop(own.name) == "ask"
    assert {"class_label", "subject"} <= set(_view(dialog, own.name).missing)
    assert set(statuses.values()) == {"ready"}, statuses
    assert not dialog.import_button.isEnabled()
    # the dialog opens on the file with a question
    assert dialog.panel.view.name == "journal_long_bom_comma.csv"
    _shot(dialog, "1-journal-ask")
    panel = dialog.panel
    assert "year" in panel.fields and [c.currentData() for *_, c in panel.role_boxes] == \
        ["name", "class", "subject", "period", "mark"]
    panel.fields["year"].setCurrentText("2024/2025")
    assert dialog.import_button.isEnabled()
    panel = _select(dialog, own.name)
    assert [c.currentData() for *_, c in panel.role_boxes] == ["name", "ignore", "mark"]
    panel.fields["class_label"].setCurrentText("5А")
    panel.fields["subject"].setCurrentText("Химия")
    dialog.recheck_button.click()
    assert set(_view(dialog, own.name).missing) == {"period"}             # «Когда» was not understood
    panel = _select(dialog, own.name)
    assert panel.fields["class_label"].currentText() == "5А"             # the answers stay
    when = panel.role_boxes[1][2]
    when.setCurrentIndex(when.findData("period"))                        # «Когда» holds the period
    _shot(dialog, "1b-own-table-ask")
    dialog.recheck_button.click()
    assert {v.status for v in dialog.views} == {"ready"}, [(v.name, v.message) for v in dialog.views]
    panel = _select(dialog, "journal_wide_periods.xlsx")
    assert panel.role_boxes and panel.role_boxes[-1][2].currentData() == "period:year:1"
    _shot(dialog, "2-journal-ready")
    assert _count(db, "journal_mark") == 0                             # a preview writes nothing
    dialog.import_button.click()
    assert dialog.committed, dialog.status.text()
    assert "Импорт завершён" in dialog.status.text()
    assert [v.status_text for v in dialog.views] == ["Загружен"] * len(files)
    assert _count(db, "journal_mark") == 120 + 60 + 39 + 70 + 60 + 2
    assert store.rows(db, "SELECT s.name, c.label, m.mark FROM journal_mark m JOIN subject s ON s.id = m.subject_id "
                          "JOIN student p ON p.id = m.student_id JOIN enrolment e ON e.student_id = p.id "
                          "JOIN class_group c ON c.id = e.class_id WHERE s.name = 'Химия' ORDER BY m.mark") == [
        {"name": "Химия", "label": "5А", "mark": 4}, {"name": "Химия", "label": "5А", "mark": 5}]
    assert dialog.batch_table.rowCount() == len(files)
    _shot(dialog, "3-journal-done")
    dialog.accept()

    # -- «Контингент», «Отметки» show what came in -------------------------------------------------------
    roster = window.show_page("roster")
    qtbot.waitUntil(lambda: roster.class_list.count() > 1, timeout=3000)
    classes = [roster.class_list.item(i).text() for i in range(roster.class_list.count())]
    assert roster.year_box.currentText() == "2024/2025"
    assert any(t.startswith("5А — ") for t in classes) and any(t.startswith("6В — ") for t in classes)
    assert f"учащихся: {_count(db, 'student')}" in roster.summary.text()
    marks = window.show_page("marks")
    qtbot.waitUntil(lambda: marks.class_box.count() > 0, timeout=3000)
    marks.class_box.setCurrentIndex(marks.class_box.findText("6В"))
    marks.subject_box.setCurrentIndex(marks.subject_box.findText("Математика"))
    qtbot.waitUntil(lambda: marks.model.rowCount() >= 7, timeout=3000)
    headers = [marks.model.headerData(c, QtCore.Qt.Orientation.Horizontal) for c in range(marks.model.columnCount())]
    assert any("Год" in str(h) or "год" in str(h) for h in headers), headers

    # -- the results dragged onto the window -------------------------------------------------------------
    assert _drop(window, [DATA / n for n in RESULTS])
    qtbot.waitUntil(lambda: getattr(window, "import_dialog", None) is not dialog
                    and window.import_dialog.isVisible(), timeout=3000)
    dialog = window.import_dialog
    dialog.confirm = lambda text: True
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    statuses = {v.name: v.status for v in dialog.views}
    assert statuses["vpr_no_year.xlsx"] == "ask" and statuses["gia_oge_math_2025.xlsx"] == "ask"
    assert {statuses[n] for n in RESULTS if n not in ("vpr_no_year.xlsx", "gia_oge_math_2025.xlsx")} \
        == {"ready"}, statuses
    assert not dialog.import_button.isEnabled()
    panel = _select(dialog, "vpr_no_year.xlsx")
    _shot(dialog, "4-vpr-ask-year")
    panel.fields["year"].setCurrentText("2024/2025")
    dialog.recheck_button.click()
    assert _view(dialog, "vpr_no_year.xlsx").status == "ready"
    # «Кто это?»: a 9А pupil of the ОГЭ protocol shares the name of a 6В pupil from the journal
    panel = _select(dialog, "gia_oge_math_2025.xlsx")
    (choice,) = panel.view.choices
    assert "6В" in choice.candidates[0][1]
    _shot(dialog, "5-oge-who")
    combo = panel.choice_boxes[choice.key]
    combo.setCurrentIndex(combo.findData("new"))
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert dialog.committed, dialog.status.text()
    assert {v.status_text for v in dialog.views} == {"Загружен"}, [(v.name, v.message) for v in dialog.views]
    _shot(dialog, "6-results-done")
    procedures = store.rows(db, "SELECT kind, grade, s.name AS subject FROM procedure p "
                                "JOIN subject s ON s.id = p.subject_id ORDER BY kind, grade")
    assert len(procedures) == len(RESULTS), procedures
    assert {"kind": "oge", "grade": 9, "subject": "Математика"} in procedures
    assert {"kind": "vpr", "grade": 5, "subject": "Математика"} in procedures
    results = _count(db, "result")
    school_after = _counts(db)

    # -- «Процедуры» and «Анализ» ----------------------------------------------------------------------
    page = window.show_page("procedures")
    qtbot.waitUntil(lambda: page.list_view.rowCount() == len(RESULTS), timeout=3000)
    listed = {(page.list_view.item(r, 1).text(), page.list_view.item(r, 2).text(), page.list_view.item(r, 3).text())
              for r in range(page.list_view.rowCount())}
    assert ("ВПР", "Математика", "5") in listed and ("ОГЭ", "Математика", "9") in listed, listed
    analysis = window.show_page("analysis")
    qtbot.waitUntil(lambda: analysis.loaded, timeout=10000)

    def math5_rows():
        from app.core.analysis import views

        analysis.set_filters(views.Filters(year="2024/2025", kind="vpr", subject="Математика"))
        return [r for r in analysis.charts["comparison"].rows if r.get("class") == "5А"]

    (row,) = math5_rows()
    assert (row["n"], row["lowered"], row["confirmed"], row["raised"]) == (13, 3, 6, 4)
    flags = analysis.card_values["flags"][0].text()
    assert flags.isdigit() and int(flags) > 0                        # the imported year has its flags
    if SHOTS:
        for key in ("roster", "marks", "procedures", "analysis"):
            window.show_page(key)
            qtbot.wait(50)
            _shot(window, f"page-{key}")
    # -- «Отменить этот импорт» puts the ВПР form back out ------------------------------------------------
    batch = next(b for b in dialog.batches if b["file_name"] == "vpr_simple_math5.xlsx")
    dialog.tabs.setCurrentWidget(dialog.batches_tab)
    dialog.select_batch(batch["id"])
    _shot(dialog, "7-journal-of-imports")
    assert dialog.undo_button.isEnabled() and not dialog.import_button.isVisible()
    dialog.confirm = dialog._confirm                              # the real question, answered «Да»
    asked = []

    def yes():
        box = QtWidgets.QApplication.activeModalWidget()
        assert isinstance(box, QtWidgets.QMessageBox)
        asked.append(box.text())
        box.button(QtWidgets.QMessageBox.StandardButton.Yes).click()

    QtCore.QTimer.singleShot(0, yes)
    dialog.undo_button.click()
    assert asked and "vpr_simple_math5.xlsx" in asked[0] and "будут удалены" in asked[0]
    assert "отмен" in dialog.status.text().lower(), dialog.status.text()
    assert _count(db, "result") == results - 14
    assert _count(db, "student") == school_after["student"] - 14      # the pupils only this form knew
    assert f"удалено записей {batch['rows_added']}," in dialog.status.text()
    assert len(store.rows(db, "SELECT id FROM procedure")) == len(RESULTS) - 1
    qtbot.waitUntil(lambda: analysis.loaded and not math5_rows(), timeout=10000)
    # -- the same file again: the same data; once more: nothing new --------------------------------------
    # the files still listed are checked again: the undone one can be loaded, the others are in the base
    assert _view(dialog, "vpr_simple_math5.xlsx").status == "ready", _view(dialog, "vpr_simple_math5.xlsx")
    assert {_view(dialog, n).status for n in RESULTS if n != "vpr_simple_math5.xlsx"} == {"duplicate"}
    assert "отмен" in dialog.status.text().lower() and dialog.import_button.isEnabled()
    dialog.tabs.setCurrentWidget(dialog.preview_tab)
    _shot(dialog, "8-after-undo")
    dialog.import_button.click()
    assert dialog.committed and _counts(db) == school_after
    assert _count(db, "result") == results
    dialog.remove_file(DATA / "vpr_simple_math5.xlsx")
    assert _drop(dialog, [DATA / "vpr_simple_math5.xlsx"])           # dragged onto the open dialog
    qtbot.waitUntil(lambda: any(v.name == "vpr_simple_math5.xlsx" for v in dialog.views), timeout=3000)
    assert _view(dialog, "vpr_simple_math5.xlsx").status == "duplicate"
    assert not dialog.import_button.isEnabled() and _counts(db) == school_after
    # the same form saved again under another name: read, and nothing changes
    copy = tmp_path / "ВПР русский 6 класс (копия).xlsx"
    copy.write_bytes((DATA / "vpr_merged_rus6.xlsx").read_bytes())
    import openpyxl

    book = openpyxl.load_workbook(copy)
    book.properties.title = "сохранено заново"             # another file, the same table
    book.save(copy)
    assert _drop(dialog, [copy])
    qtbot.waitUntil(lambda: any(v.name == copy.name for v in dialog.views), timeout=3000)
    assert _view(dialog, copy.name).status == "ready"
    dialog.import_button.click()
    assert _view(dialog, copy.name).status_text == "Без изменений", _view(dialog, copy.name)
    assert _counts(db) == school_after
    dialog.accept()


def test_bad_files_in_the_same_dialog_write_nothing(ctx, window, qtbot, empty_db_path):
    ctx.open_db(empty_db_path)
    db = ctx.db
    before = store.table_counts(db)
    bad = ["bad_pdf_renamed.xlsx", "bad_mark7.xlsx", "bad_journal_mark7.csv"]
    assert _drop(window, [DATA / "vpr_simple_math5.xlsx", *(DATA / n for n in bad)])
    qtbot.waitUntil(lambda: getattr(window, "import_dialog", None) is not None
                    and window.import_dialog.isVisible(), timeout=3000)
    dialog = window.import_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    statuses = {v.name: v.status for v in dialog.views}
    assert statuses == {"vpr_simple_math5.xlsx": "ready", "bad_pdf_renamed.xlsx": "refused",
                        "bad_mark7.xlsx": "problems", "bad_journal_mark7.csv": "ask"}
    assert dialog.panel.view.name == "bad_pdf_renamed.xlsx"          # opens on the first file in trouble
    message = dialog.panel.message_label.text()
    assert "PDF" in message and "выгрузите результаты в Excel" in message
    _shot(dialog, "9-bad-pdf")
    panel = _select(dialog, "bad_mark7.xlsx")
    assert "отметка 7" in panel.problem_table.item(0, 2).text()
    _shot(dialog, "10-bad-mark7")
    panel = _select(dialog, "bad_journal_mark7.csv")
    panel.fields["year"].setCurrentText("2024/2025")
    dialog.recheck_button.click()
    view = _view(dialog, "bad_journal_mark7.csv")
    assert view.status == "problems" and "«7»" in view.problems[0][2] and "2, 3, 4, 5" in view.problems[0][2]
    assert not dialog.import_button.isEnabled()
    assert "нельзя загрузить" in dialog.status.text()
    # even when asked to load (as if the button were pressed), nothing is written
    dialog.run_import()
    assert not dialog.committed and "Ничего не загружено, база не изменена" in dialog.status.text()
    assert store.table_counts(db) == before
    # the refused file out, the rejected rows skipped: the good rows load, the bad ones do not
    dialog.remove_file(DATA / "bad_pdf_renamed.xlsx")
    assert "отклонённые строки" in dialog.status.text() and not dialog.import_button.isEnabled()
    dialog.skip_box.setChecked(True)
    dialog.import_button.click()
    assert dialog.committed, dialog.status.text()
    assert _count(db, "result") == 14 and _count(db, "journal_mark") == 1
    assert store.rows(db, "SELECT mark FROM journal_mark") == [{"mark": 5}]
    assert store.rows(db, "SELECT count(*) AS n FROM result WHERE mark > 5")[0]["n"] == 0
    dialog.accept()
