"""Undoable edits (app.core.edits, app.core.plan_edits) on a real copy of the demo school: each edit
is performed, reverted and applied again, and the file read back from disk shows each state."""
from __future__ import annotations

from app.core import edits, marks, plan, plan_edits, procedures, roster, scales, schedule, store


def _reopened(path, read):
    db = store.open_db(path)
    try:
        return read(db)
    finally:
        db.close()


def _count(db, sql, params=()):
    return db.execute(sql, params).fetchone()[0]


def _a_mark(db):
    return db.execute("SELECT student_id, subject_id, period_id, mark FROM journal_mark ORDER BY id LIMIT 1").fetchone()


def test_mark_edit_reverts_and_applies_and_knows_no_change(demo_db, demo_db_path):
    sid, subj, period, old = _a_mark(demo_db)
    new = 2 if old != 2 else 5
    edit = edits.set_mark(sid, subj, period, str(new))
    assert edit.perform(demo_db) == new and edit.changed
    assert edit.topics == ("marks",) and str(new) in edit.describe()
    assert _reopened(demo_db_path, lambda db: marks.get_mark(db, sid, subj, period)) == new
    edit.revert(demo_db)
    assert _reopened(demo_db_path, lambda db: marks.get_mark(db, sid, subj, period)) == old
    edit.apply(demo_db)
    assert marks.get_mark(demo_db, sid, subj, period) == new
    same = edits.set_mark(sid, subj, period, new)
    assert same.perform(demo_db) == new and not same.changed      # nothing to undo


def test_student_deletion_comes_back_with_every_row(demo_db):
    sid = _a_mark(demo_db)[0]
    rows_of = ("SELECT (SELECT count(*) FROM journal_mark WHERE student_id = ?) + "
               "(SELECT count(*) FROM result WHERE student_id = ?) + "
               "(SELECT count(*) FROM enrolment WHERE student_id = ?)")
    before = _count(demo_db, rows_of, [sid] * 3)
    assert before > 0
    edit = edits.student_change("удаление учащегося", sid, lambda db: roster.delete_student(db, sid))
    edit.perform(demo_db)
    assert _count(demo_db, rows_of, [sid] * 3) == 0
    edit.revert(demo_db)
    assert _count(demo_db, rows_of, [sid] * 3) == before
    assert roster.get_student(demo_db, sid)["id"] == sid          # the same id: later edits still find it
    edit.apply(demo_db)
    assert _count(demo_db, "SELECT count(*) FROM student WHERE id = ?", [sid]) == 0


def test_new_staff_member_is_dropped_on_undo_and_back_on_redo(demo_db):
    edit = edits.staff_change("добавление сотрудника", None,
                              lambda db: roster.create_staff(db, "Орлова Анна Ильинична", "педагог-психолог"))
    staff_id = edit.perform(demo_db)
    names = lambda: {s["full_name"] for s in roster.list_staff(demo_db)}  # noqa: E731
    assert "Орлова Анна Ильинична" in names()
    edit.revert(demo_db)
    assert "Орлова Анна Ильинична" not in names()
    edit.apply(demo_db)
    assert any(s["id"] == staff_id for s in roster.list_staff(demo_db))


def test_procedure_deletion_and_scale_change_put_results_back(demo_db):
    proc = next(p for p in procedures.list_procedures(demo_db)
                if _count(demo_db, "SELECT count(*) FROM result WHERE procedure_id = ?", [p["id"]]))
    pid, n = proc["id"], _count(demo_db, "SELECT count(*) FROM result WHERE procedure_id = ?", [proc["id"]])
    edit = edits.procedure_change("удаление процедуры", pid, lambda db: procedures.delete_procedure(db, pid))
    edit.perform(demo_db)
    assert _count(demo_db, "SELECT count(*) FROM result WHERE procedure_id = ?", [pid]) == 0
    edit.revert(demo_db)
    assert _count(demo_db, "SELECT count(*) FROM result WHERE procedure_id = ?", [pid]) == n

    scales.ensure_builtin_scales(demo_db)
    used = next(s for s in scales.list_scales(demo_db) if s["used"] and s["kind"] == "marks")
    marks_before = demo_db.execute("SELECT id, mark FROM result WHERE procedure_id IN "
                                   "(SELECT id FROM procedure WHERE scale_id = ?) ORDER BY id", [used["id"]]).fetchall()
    strict = [[0, 2], [used["max_score"] - 2, 3], [used["max_score"] - 1, 4], [used["max_score"], 5]]
    edit = edits.scale_change("изменение шкалы", used["id"],
                              lambda db: scales.update_scale(db, used["id"], rules={"thresholds": strict}))
    changed = edit.perform(demo_db)
    after = demo_db.execute("SELECT id, mark FROM result WHERE procedure_id IN "
                            "(SELECT id FROM procedure WHERE scale_id = ?) ORDER BY id", [used["id"]]).fetchall()
    assert changed > 0 and after != marks_before
    edit.revert(demo_db)
    assert demo_db.execute("SELECT id, mark FROM result WHERE procedure_id IN (SELECT id FROM procedure WHERE "
                           "scale_id = ?) ORDER BY id", [used["id"]]).fetchall() == marks_before
    assert scales.get_scale(demo_db, used["id"])["rules"]["thresholds"] == used["rules"]["thresholds"]


def test_plan_typing_merges_but_status_stands_apart(demo_db):
    item = next(i for s in plan.plan_tree(demo_db, plan.list_plans(demo_db)[0]["id"]) for i in s["items"])
    first = plan_edits.update_item(item["id"], measure="Проверка")
    second = plan_edits.update_item(item["id"], measure="Проверка работ")
    assert first.perform(demo_db) and second.perform(demo_db)
    assert first.merge(second)                                      # typing: one step
    first.revert(demo_db)
    assert plan.get_item(demo_db, item["id"])["measure"] == item["measure"]
    first.apply(demo_db)
    assert plan.get_item(demo_db, item["id"])["measure"] == "Проверка работ"
    status = plan_edits.update_item(item["id"], status="done" if item["status"] != "done" else "planned")
    status.perform(demo_db)
    assert not first.merge(status) and not status.merge(plan_edits.update_item(item["id"], measure="x"))
    nothing = plan_edits.update_item(item["id"], measure="Проверка работ")
    assert nothing.perform(demo_db) is False and not nothing.changed


def test_plan_section_created_deleted_and_moved(demo_db):
    plan_id = plan.list_plans(demo_db)[0]["id"]
    shape = lambda: [s["id"] for s in plan.plan_tree(demo_db, plan_id)]  # noqa: E731
    before = shape()
    add = plan_edits.add_section(plan_id, "Новый раздел")
    new_id = add.perform(demo_db)
    assert shape() == before + [new_id]
    add.revert(demo_db)
    assert shape() == before
    add.apply(demo_db)
    assert shape() == before + [new_id]                              # back with the same id
    move = plan_edits.move_section(new_id, 0)
    assert move.perform(demo_db) and shape() == [new_id] + before
    move.revert(demo_db)
    assert shape() == before + [new_id]
    assert not plan_edits.move_section(new_id, len(before)).perform(demo_db)   # already there
    delete = plan_edits.delete_section(new_id)
    delete.perform(demo_db)
    assert shape() == before
    delete.revert(demo_db)
    assert shape() == before + [new_id]


def test_schedule_edit_is_a_state_pair(demo_db):
    year = schedule.resolve_year(demo_db)
    before = schedule.snapshot(demo_db, year["id"])
    items = schedule.list_items(demo_db, year["id"], with_procedures=False)
    assert items
    edit = edits.schedule_change("удаление из графика", year["id"],
                                 lambda db: schedule.delete_items(db, [items[0]["id"]]))
    assert edit.perform(demo_db) == 1 and edit.topics == ("schedule",)
    assert schedule.snapshot(demo_db, year["id"]) != before
    edit.revert(demo_db)
    assert schedule.snapshot(demo_db, year["id"]) == before
