"""Процедуры: tasks, results entry (scores → primary → mark), absent, observers, rechecks, reference."""
from __future__ import annotations

import pytest

from app.core import procedures as P
from app.core import roster, scales
from app.core.errors import UserError

RULES = {"thresholds": [[0, 2], [4, 3], [7, 4], [9, 5]]}


@pytest.fixture
def proc(empty_db):
    db = empty_db
    year = roster.create_year(db, "2024/2025")
    a, b = roster.create_class(db, year, 5, "А"), roster.create_class(db, year, 5, "Б")
    other = roster.create_class(db, year, 6, "А")
    students = [roster.create_student(db, class_id=c, full_name=f"Ученик {i}") for i, c in enumerate((a, a, b))]
    roster.create_student(db, class_id=other, full_name="Шестиклассник")
    subj = db.execute("INSERT INTO subject (name) VALUES ('Математика')").lastrowid
    sid = scales.create_scale(db, name="ВПР 5 мат", kind="marks", procedure_kind="vpr", subject_id=subj, grade=5,
                              year_label="2024/2025", max_score=10, rules=RULES)
    pid = P.create_procedure(db, kind="vpr", subject_id=subj, grade=5, year_id=year, date="2025-04-15",
                             tasks=[("1", 2), ("2", 3, "basic"), ("3.1", 5, "advanced")])
    return db, pid, students, sid, year, subj


def test_create_picks_scale_and_sums_maxima(proc):
    db, pid, students, sid, year, subj = proc
    p = P.get_procedure(db, pid)
    assert (p["scale_id"], p["max_score"], p["kind_label"]) == (sid, 10, "ВПР")
    assert [t["number"] for t in P.list_tasks(db, pid)] == ["1", "2", "3.1"]
    with pytest.raises(UserError, match="уже есть"):
        P.create_procedure(db, kind="vpr", subject_id=subj, grade=5, year_id=year)
    with pytest.raises(UserError, match="дважды"):
        P.create_procedure(db, kind="rdr", subject_id=subj, grade=5, year_id=year, tasks=[("1", 1), ("1", 2)])
    listed = P.list_procedures(db, year_id=year)
    assert listed[0]["subject"] == "Математика" and listed[0]["tasks"] == 3


def test_grid_lists_grade_students_only(proc):
    db, pid, students, *_ = proc
    grid = P.results_grid(db, pid)
    assert [r["class_label"] for r in grid["rows"]] == ["5А", "5А", "5Б"]
    assert all(r["result_id"] is None for r in grid["rows"])


def test_task_scores_give_primary_and_mark(proc):
    db, pid, students, *_ = proc
    t1, t2, t3 = (t["id"] for t in P.list_tasks(db, pid))
    P.set_task_score(db, pid, students[0], t1, "2")
    P.set_task_score(db, pid, students[0], t2, 3)
    r = P.set_task_score(db, pid, students[0], t3, "X")
    assert (r["primary_score"], r["mark"]) == (5, 3)
    r = P.set_task_score(db, pid, students[0], t3, 4)
    assert (r["primary_score"], r["mark"]) == (9, 5)
    row = P.results_grid(db, pid)["rows"][0]
    assert row["scores"] == {t1: 2, t2: 3, t3: 4} and row["class_label"] == "5А"


@pytest.mark.parametrize("value, message", [(3, "от 0 до 2; введено 3"), (-1, "от 0 до 2"), ("1.5", "целым"),
                                            ("abc", "не число")])
def test_out_of_range_score_refused(proc, value, message):
    db, pid, students, *_ = proc
    t1 = P.list_tasks(db, pid)[0]["id"]
    with pytest.raises(UserError, match=message):
        P.set_task_score(db, pid, students[0], t1, value)
    assert db.execute("SELECT count(*) FROM result").fetchone()[0] == 0


def test_primary_direct_only_without_tasks(proc):
    db, pid, students, sid, year, subj = proc
    with pytest.raises(UserError, match="сумма баллов"):
        P.set_primary_score(db, pid, students[0], 5)
    plain = P.create_procedure(db, kind="internal", subject_id=subj, grade=5, year_id=year, max_score=10,
                               scale_id=sid)
    assert P.set_primary_score(db, plain, students[0], "8")["mark"] == 4
    with pytest.raises(UserError, match="от 0 до 10"):
        P.set_primary_score(db, plain, students[0], 11)


def test_absent_clears_scores_and_undo_state(proc):
    db, pid, students, *_ = proc
    t1 = P.list_tasks(db, pid)[0]["id"]
    P.set_task_score(db, pid, students[1], t1, 2)
    before = P.result_state(db, pid, students[1])
    r = P.set_absent(db, pid, students[1], True)
    assert (r["absent"], r["primary_score"], r["mark"]) == (1, None, None)
    assert db.execute("SELECT count(*) FROM task_score").fetchone()[0] == 0
    P.restore_result_state(db, pid, students[1], before)
    assert db.execute("SELECT score FROM task_score").fetchone()[0] == 2
    assert P.list_procedures(db)[0]["n"] == 1


def test_result_fields(proc):
    db, pid, students, *_ = proc
    assert P.set_result_field(db, pid, students[0], "journal_mark", "4")["journal_mark"] == 4
    assert P.set_result_field(db, pid, students[0], "variant", " 2 ")["variant"] == "2"
    with pytest.raises(UserError, match="от 2 до 5"):
        P.set_result_field(db, pid, students[0], "journal_mark", 6)
    with pytest.raises(UserError, match="по шкале"):
        P.set_result_field(db, pid, students[0], "mark", 5)


def test_scale_change_on_procedure_recomputes(proc):
    db, pid, students, sid, year, subj = proc
    t3 = P.list_tasks(db, pid)[2]["id"]
    P.set_task_score(db, pid, students[0], t3, 5)           # 5 → «3» under RULES
    other = scales.create_scale(db, name="Строже", kind="marks", max_score=10,
                                rules={"thresholds": [[0, 2], [6, 3], [8, 4], [10, 5]]})
    assert P.update_procedure(db, pid, scale_id=other) == 1
    assert db.execute("SELECT mark FROM result").fetchone()[0] == 2


def test_tasks_edit_keeps_max_and_primary(proc):
    db, pid, students, *_ = proc
    t1, t2, t3 = (t["id"] for t in P.list_tasks(db, pid))
    P.set_task_score(db, pid, students[0], t2, 3)
    P.set_task_score(db, pid, students[0], t3, 5)
    with pytest.raises(UserError, match="уже выставлен балл 3"):
        P.update_task(db, t2, number="2", max_score=2)
    P.delete_task(db, t3)
    assert P.get_procedure(db, pid)["max_score"] == 5
    assert db.execute("SELECT primary_score, mark FROM result").fetchone() == (3, 2)
    P.add_task(db, pid, "4", 4, "high")
    assert P.get_procedure(db, pid)["max_score"] == 9


def test_observers_rechecks_reference(proc):
    db, pid, students, *_ = proc
    P.add_observer(db, pid, "Кузнецова Мария Ивановна", "Родительский комитет")
    assert P.get_procedure(db, pid)["observers_present"] == 1
    with pytest.raises(UserError, match="уже указан"):
        P.add_observer(db, pid, "Кузнецова  Мария Ивановна")
    rid = P.set_recheck(db, pid, students[0], score_before=7, score_after=6, checked_by="Комиссия")
    rc = P.list_rechecks(db, pid)
    assert rc[0]["id"] == rid and rc[0]["criteria_changed"] == 1
    with pytest.raises(UserError, match="от 0 до 10"):
        P.set_recheck(db, pid, students[0], score_before=11, score_after=6)
    P.set_reference_result(db, pid, "region", n=12000, share_2="10,5", share_3=30, share_4=40, share_5=19.5,
                           mean_percent=61)
    P.set_reference_result(db, pid, "russia", share_2=8)
    assert [r["level"] for r in P.list_reference_results(db, pid)] == ["region", "russia"]
    with pytest.raises(UserError, match="больше 100"):
        P.set_reference_result(db, pid, "municipality", share_2=50, share_3=40, share_4=20)
    with pytest.raises(UserError, match="от 0 до 100"):
        P.set_reference_result(db, pid, "municipality", mean_percent=120)


def test_delete_procedure_and_restore(proc):
    db, pid, students, *_ = proc
    t1 = P.list_tasks(db, pid)[0]["id"]
    P.set_task_score(db, pid, students[0], t1, 1)
    P.add_observer(db, pid, "Наблюдатель")
    snap = P.snapshot_procedure(db, pid)
    P.delete_procedure(db, pid)
    assert db.execute("SELECT count(*) FROM task_score").fetchone()[0] == 0
    roster.load_rows(db, snap)
    assert P.results_grid(db, pid)["rows"][0]["scores"] == {t1: 1}
    assert len(P.list_observers(db, pid)) == 1


def test_school_distribution(proc):
    db, pid, students, *_ = proc
    t3 = P.list_tasks(db, pid)[2]["id"]
    P.set_task_score(db, pid, students[0], t3, 5)
    P.set_task_score(db, pid, students[1], t3, 1)
    d = P.school_distribution(db, pid)
    assert d["n"] == 2 and d["share_3"] == 50.0 and d["share_2"] == 50.0 and d["mean_percent"] == 30.0


def test_task_stats(proc):
    db, pid, students, *_ = proc
    t1, t2, t3 = (t["id"] for t in P.list_tasks(db, pid))
    P.set_task_score(db, pid, students[0], t1, 2)
    P.set_task_score(db, pid, students[1], t1, 1)
    P.set_task_score(db, pid, students[1], t2, None)
    stats = {s["number"]: s for s in P.task_stats(db, pid)}
    assert stats["1"]["percent"] == 75.0 and stats["1"]["mean"] == 1.5
    assert stats["2"]["percent"] == 0.0 and stats["3.1"]["percent"] is None and stats["1"]["reference"] == {}
    db.execute("INSERT INTO reference_task (task_id, level, percent) VALUES (?, 'region', 61.5)", [t1])
    assert P.task_stats(db, pid)[0]["reference"] == {"region": 61.5}


def test_journal_hint_follows_the_comparison_rule(proc):
    db, pid, students, sid, year, subj = proc
    from app.core import marks
    periods = {p["label"]: p["id"] for p in marks.periods(db, year)}
    marks.set_mark(db, students[0], subj, periods["2 четверть"], 3)
    marks.set_mark(db, students[0], subj, periods["3 четверть"], 5)      # ends 2025-03-22, before 15.04
    marks.set_mark(db, students[0], subj, periods["4 четверть"], 2)      # ends after the procedure
    rows = {r["student_id"]: r for r in P.results_grid(db, pid)["rows"]}
    assert rows[students[0]]["journal_hint"] == (5, "3 четверть")
    assert rows[students[1]]["journal_hint"] == (None, None)


def test_count_marks_changed_by_scale(demo_db):
    proc = next(p for p in P.list_procedures(demo_db) if p["kind"] == "vpr" and p["n"] > 10)
    full = P.get_procedure(demo_db, proc["id"])
    assert P.count_marks_changed_by_scale(demo_db, proc["id"], full["scale_id"]) == 0
    assert P.count_marks_changed_by_scale(demo_db, proc["id"], None) == 0
    strict = scales.create_scale(demo_db, name="Только «2»", kind="marks", max_score=full["max_score"],
                                 rules={"thresholds": [[0, 2]]})
    not_two = demo_db.execute("SELECT count(*) FROM result WHERE procedure_id = ? AND absent = 0 AND "
                              "primary_score IS NOT NULL AND mark != 2", [proc["id"]]).fetchone()[0]
    assert P.count_marks_changed_by_scale(demo_db, proc["id"], strict) == not_two > 0
