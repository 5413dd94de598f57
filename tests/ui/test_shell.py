"""The shell without pages: opening files, restoring a backup, the first-start dialog, tasks."""
from __future__ import annotations

import pytest

from app.core import store
from app.core.errors import Cancelled, StoreError, UserError
from app.ui.first_start import FirstStartDialog
from app.ui.main_window import restore_backup
from app.ui.qt import QtWidgets
from app.ui.tasks import TaskRunner


def test_open_db_emits_and_remembers(ctx, qtbot, empty_db_path):
    with qtbot.waitSignal(ctx.db_opened, timeout=1000):
        ctx.open_db(empty_db_path)
    assert ctx.school_title() == "МБОУ «Тестовая школа»"
    assert ctx.qsettings.value("last_db") == str(empty_db_path.resolve())


def test_bad_file_keeps_the_open_school(ctx, empty_db_path, tmp_path):
    ctx.open_db(empty_db_path)
    junk = tmp_path / "junk.db"
    junk.write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError):
        ctx.open_db(junk)
    assert ctx.db is not None and ctx.db_path == empty_db_path.resolve()


def test_restore_replaces_data_and_keeps_previous(ctx, tmp_path, empty_db_path):
    ctx.open_db(empty_db_path)
    backup = store.backup_db(ctx.db, tmp_path / "copy.db")
    with ctx.db.atomic():
        ctx.db.execute("UPDATE school SET full_name = 'Изменённое имя', short_name = 'Изменённое имя'")
    restore_backup(ctx, backup)
    assert ctx.school_title() == "МБОУ «Тестовая школа»"
    kept = store.open_db(empty_db_path.with_name("school.before-restore.db"))
    assert store.school_row(kept)["full_name"] == "Изменённое имя"
    kept.close()


def test_restore_refuses_foreign_file(ctx, tmp_path, empty_db_path):
    ctx.open_db(empty_db_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 200)
    with pytest.raises(UserError):
        restore_backup(ctx, junk)
    assert ctx.school_title() == "МБОУ «Тестовая школа»"


def test_first_start_requires_a_name_for_a_new_school(qtbot):
    dialog = FirstStartDialog()
    qtbot.addWidget(dialog)
    buttons = {b.text(): b for b in dialog.findChildren(QtWidgets.QPushButton)}
    buttons["Создать новую школу"].click()
    assert dialog.choice is None
    dialog.name_edit.setText("МБОУ СОШ № 5")
    buttons["Создать новую школу"].click()
    assert (dialog.choice, dialog.school_name) == ("new", "МБОУ СОШ № 5")


def test_worker_runs_off_thread_with_its_own_connection(qtbot, empty_db_path):
    runner = TaskRunner()
    results = []

    def work(db, progress, cancel):
        progress(1, 1)
        return store.school_row(db)["full_name"]

    runner.run(work, db_path=empty_db_path, on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == ["МБОУ «Тестовая школа»"]


def test_worker_reports_errors_on_gui_thread(qtbot, empty_db_path):
    runner = TaskRunner()
    errors = []

    def work(db, progress, cancel):
        raise UserError("Плохой файл")

    runner.run(work, db_path=empty_db_path, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "Плохой файл"


def test_many_tasks_back_to_back_all_answer(qtbot, empty_db_path):
    """Hundreds of tasks, each with its dialog and a closure over a widget: every answer arrives on the
    GUI thread and nothing hangs (a task's objects used to die on the worker thread and deadlock)."""

    runner = TaskRunner()
    label = QtWidgets.QLabel()
    qtbot.addWidget(label)
    answers = []

    def work(db, progress, cancel):
        progress(1, 2)
        return store.school_row(db)["full_name"]

    for i in range(300):
        runner.run(lambda db, p, c, w=label: (w, work(db, p, c))[1], db_path=empty_db_path,
                   on_done=answers.append, title="Проверка")
        if i % 10 == 0:
            qtbot.wait(1)
    qtbot.waitUntil(lambda: len(answers) == 300, timeout=20000)
    assert runner.wait(5000) and set(answers) == {"МБОУ «Тестовая школа»"}
    assert not runner._tasks


def test_cancel_in_the_dialog_reaches_the_task(qtbot):
    import threading

    runner = TaskRunner()
    started, outcome = threading.Event(), []

    def work(db, progress, cancel):
        started.set()
        for _ in range(500):
            if cancel():
                raise Cancelled()
            threading.Event().wait(0.01)
        return "не отменено"

    runner.run(work, db_path=None, on_done=outcome.append, on_error=outcome.append)
    assert started.wait(5)
    runner._tasks[next(iter(runner._tasks))].dialog.canceled.emit()      # «Отмена» pressed
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert isinstance(outcome[0], Cancelled)
