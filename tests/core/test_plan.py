"""Plan operations on real school files: create, edit, move, delete and put back, execution,
evidence, deadlines, filters — every write on disk at once, every write reversible."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from app.core import plan, plan_exec, store
from app.core.deadlines import PlanYears, parse_deadline, parse_period, quarters_between
from app.core.errors import UserError

HEADER = {"title": "План мероприятий на 2025/2026 учебный год", "year_from": 2025, "year_to": 2026,
          "order_number": "245-о", "order_date": "2025-08-29", "approver_position": "Директор",
          "approver_name": "Н.П. Иванова"}


def _reopen(path):
    return store.open_db(path)


def _shape(db, plan_id):
    """Everything the user sees of a plan, ids included."""
    return [(s["id"], s["number"], s["title"], [(i["id"], i["number"], i["measure"], i["status"],
                                                  i["deadline_text"]) for i in s["items"]])
            for s in plan.plan_tree(db, plan_id)]


@pytest.fixture
def tpl_plan(empty_db_path):
    db = store.open_db(empty_db_path)
    plan_id = plan.create_from_template(db, "objectivity_five_sections", HEADER)
    yield db, plan_id, empty_db_path
    db.close()


def test_templates_are_complete_and_own_words():
    found = {t["key"]: t for t in plan.list_templates()}
    five = found["objectivity_five_sections"]
    assert five["sections"] == 5 and five["items"] >= 25 and five["kind"] == "sections"
    road = [t for t in found.values() if t["kind"] == "roadmap"]
    assert road and road[0]["items"] >= 10
    data = plan.load_template("quality_roadmap")
    assert all(i["task"] and i["expected_result"] for s in data["sections"] for i in s["items"])
    titles = [s["title"] for s in plan.load_template("objectivity_five_sections")["sections"]]
    assert titles[0] == "Аналитическая работа" and "позитивного отношения" in titles[4]


def test_create_from_template_numbers_and_persists(tpl_plan):
    db, plan_id, path = tpl_plan
    tree = plan.plan_tree(db, plan_id)
    assert [s["number"] for s in tree] == ["1.", "2.", "3.", "4.", "5."]
    assert [i["number"] for i in tree[1]["items"]][:3] == ["2.1.", "2.2.", "2.3."]
    assert plan.get_plan(db, plan_id)["title"] == HEADER["title"]
    with _reopen(path) as other:  # written at once: a second connection sees it all
        assert _shape(other, plan_id) == _shape(db, plan_id)


def test_template_title_uses_school_and_years(empty_db):
    pid = plan.create_from_template(empty_db, "quality_roadmap", {"year_from": 2025, "year_to": 2026})
    p = plan.get_plan(empty_db, pid)
    assert p["kind"] == "roadmap"
    assert p["title"].endswith("в МБОУ «Тестовая школа» на 2025/2026 учебный год")
    blank = plan.create_from_template(empty_db, None, {"title": "Мой план"})
    assert plan.current_plan_id(empty_db) == blank
    assert plan.is_flat(plan.sections(empty_db, blank))


def test_update_header_returns_old_values_and_reparses(tpl_plan):
    db, plan_id, _ = tpl_plan
    item = plan.plan_tree(db, plan_id)[0]["items"][0]   # «октябрь, июнь»
    assert (item["deadline_start"], item["deadline_end"]) == ("2025-10-01", "2026-06-30")
    old = plan.update_plan(db, plan_id, year_from=2026, year_to=2027, order_number="17")
    assert old == {"year_from": 2025, "year_to": 2026, "order_number": "245-о"}
    moved = plan.get_item(db, item["id"])
    assert (moved["deadline_start"], moved["deadline_end"]) == ("2026-10-01", "2027-06-30")
    plan.update_plan(db, plan_id, **old)
    assert plan.get_item(db, item["id"])["deadline_end"] == "2026-06-30"
    with pytest.raises(UserError):
        plan.update_plan(db, plan_id, year_from=2030)
    with pytest.raises(UserError):
        plan.update_plan(db, plan_id, title="  ")


def test_move_item_within_and_between_sections_and_back(tpl_plan):
    db, plan_id, _ = tpl_plan
    before = _shape(db, plan_id)
    s1, s2 = plan.sections(db, plan_id)[:2]
    first = plan.plan_tree(db, plan_id)[0]["items"][0]["id"]
    old = plan.move_item(db, first, s1["id"], 3)
    assert old == (s1["id"], 0)
    assert [i["id"] for i in plan.plan_tree(db, plan_id)[0]["items"]].index(first) == 3
    plan.move_item(db, first, s2["id"], 1)
    tree = plan.plan_tree(db, plan_id)
    assert len(tree[0]["items"]) == 5 and tree[1]["items"][1]["id"] == first
    assert tree[1]["items"][1]["number"] == "2.2."
    assert [i["position"] for i in tree[0]["items"]] == list(range(5))
    plan.move_item(db, first, *old)
    assert _shape(db, plan_id) == before


def test_step_targets_cross_section_edges(tpl_plan):
    db, plan_id, _ = tpl_plan
    tree = plan.plan_tree(db, plan_id)
    last_of_first = tree[0]["items"][-1]["id"]
    assert plan.step_target(db, last_of_first, 1) == (tree[1]["id"], 0)
    assert plan.step_target(db, tree[1]["items"][0]["id"], -1) == (tree[0]["id"], len(tree[0]["items"]))
    assert plan.step_target(db, tree[0]["items"][0]["id"], -1) is None
    assert plan.step_target(db, tree[-1]["items"][-1]["id"], 1) is None


def test_sections_add_move_rename_delete_restore(tpl_plan):
    db, plan_id, path = tpl_plan
    before = _shape(db, plan_id)
    sid = plan.add_section(db, plan_id, "Дополнительные меры", 1)
    assert [s["title"] for s in plan.sections(db, plan_id)][1] == "Дополнительные меры"
    assert plan.update_section(db, sid, "Иные меры") == {"title": "Дополнительные меры"}
    item = plan.add_item(db, sid, {"measure": "Новая мера", "deadline_text": "до 15.05.2026"})
    assert plan.get_item(db, item)["deadline_end"] == "2026-05-15"
    assert plan.move_section(db, sid, 4) == 1
    snap = plan.delete_section(db, sid)
    assert len(snap["items"]) == 1 and sid not in [s["id"] for s in plan.sections(db, plan_id)]
    plan.restore(db, snap)
    assert plan.section_index(db, sid)[1] == 4 and plan.get_item(db, item)["measure"] == "Новая мера"
    plan.delete_section(db, sid)
    assert _shape(db, plan_id) == before
    with _reopen(path) as other:
        assert _shape(other, plan_id) == before


def test_delete_item_with_execution_and_evidence_restores_everything(tpl_plan, tmp_path):
    db, plan_id, _ = tpl_plan
    item_id = plan.plan_tree(db, plan_id)[2]["items"][1]["id"]
    doc = tmp_path / "протокол.pdf"
    doc.write_bytes(b"%PDF-1.4 protocol" * 100)
    token = plan_exec.mark_done(db, item_id, "2025-11-20", "Семинар проведён")
    ev = plan_exec.add_evidence(db, item_id, doc, execution_id=token["execution_id"])
    before = _shape(db, plan_id)
    snap = plan.delete_item(db, item_id)
    assert plan.get_item(db, item_id) is None
    assert db.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
    plan.restore(db, snap)
    assert _shape(db, plan_id) == before
    assert plan_exec.read_evidence(db, ev) == ("протокол.pdf", doc.read_bytes())
    assert plan_exec.executions(db, item_id)[0]["note"] == "Семинар проведён"


def test_update_item_status_and_done_date(tpl_plan):
    db, plan_id, _ = tpl_plan
    item_id = plan.plan_tree(db, plan_id)[0]["items"][1]["id"]
    old = plan.update_item(db, item_id, status="done")
    assert old == {"status": "planned", "done_date": None}
    assert plan.get_item(db, item_id)["done_date"] == dt.date.today().isoformat()
    plan.update_item(db, item_id, status="in_progress")
    assert plan.get_item(db, item_id)["done_date"] is None
    assert plan.update_item(db, item_id, status="in_progress") == {}
    with pytest.raises(UserError):
        plan.update_item(db, item_id, status="lost")


def test_mark_done_and_undo(tpl_plan):
    db, plan_id, _ = tpl_plan
    item_id = plan.plan_tree(db, plan_id)[0]["items"][2]["id"]
    token = plan_exec.mark_done(db, item_id, "2026-07-10", "Справка подготовлена")
    row = plan.get_item(db, item_id)
    assert (row["status"], row["done_date"]) == ("done", "2026-07-10")
    plan_exec.unmark_done(db, token)
    row = plan.get_item(db, item_id)
    assert (row["status"], row["done_date"]) == ("planned", None)
    assert plan_exec.executions(db, item_id) == []
    again = plan_exec.mark_done(db, item_id, "2026-07-10", "x", execution_id=token["execution_id"])
    assert again["execution_id"] == token["execution_id"]
    with pytest.raises(UserError):
        plan_exec.mark_done(db, item_id, "10.07.2026")


def test_evidence_limits_hash_and_save_out(tpl_plan, tmp_path):
    db, plan_id, _ = tpl_plan
    item_id = plan.plan_tree(db, plan_id)[0]["items"][0]["id"]
    big = tmp_path / "скан.tif"
    big.write_bytes(b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(UserError, match="20 МБ"):
        plan_exec.add_evidence(db, item_id, big)
    exact = tmp_path / "ровно.bin"
    exact.write_bytes(b"\1" * (20 * 1024 * 1024))
    ev = plan_exec.add_evidence(db, item_id, exact)
    row = plan_exec.evidence_list(db, item_id)[0]
    assert row["sha256"] == hashlib.sha256(exact.read_bytes()).hexdigest() and row["size"] == 20971520
    with pytest.raises(UserError, match="уже приложен"):
        plan_exec.add_evidence(db, item_id, exact)
    (tmp_path / "out").mkdir()
    out = plan_exec.save_evidence(db, ev, tmp_path / "out")
    assert out == tmp_path / "out" / "ровно.bin" and out.read_bytes() == exact.read_bytes()
    named = plan_exec.save_evidence(db, ev, tmp_path / "копия.bin")
    assert named.read_bytes() == exact.read_bytes()
    with pytest.raises(UserError):
        plan_exec.add_evidence(db, item_id, tmp_path / "нет такого.pdf")


def test_overdue_and_filters(tpl_plan):
    db, plan_id, _ = tpl_plan
    tree = plan.plan_tree(db, plan_id, today=dt.date(2025, 12, 1))
    all_items = [i for s in tree for i in s["items"]]
    items = {p: next(i for i in all_items if i["measure"].startswith(p)) for p in (
        "Изучение классов", "Методический семинар", "Родительские собрания", "Классные часы")}
    analysed = items["Изучение классов"]           # «ноябрь» → overdue on 1 December
    assert analysed["overdue"]
    not_yet = items["Методический семинар"]             # «ноябрь» too
    plan_exec.mark_done(db, not_yet["id"], "2025-11-25")
    counts = plan_exec.status_counts([plan.get_item(db, i["id"]) for i in all_items], dt.date(2025, 12, 1))
    assert counts["done"] == 1 and counts["total"] == len(all_items)
    assert counts["overdue"] == sum(1 for i in all_items if i["overdue"]) - 1
    q4 = plan_exec.filter_items(db, plan_id, quarter="2025-Q4", today=dt.date(2025, 12, 1))
    assert analysed["id"] in {i["id"] for i in q4}
    assert items["Родительские собрания"]["id"] in {i["id"] for i in q4}   # сентябрь – октябрь
    assert items["Классные часы"]["id"] not in {i["id"] for i in q4}       # март
    psych = plan_exec.filter_items(db, plan_id, responsible="ПСИХОЛОГ")
    assert [i["responsible"] for i in psych] == ["Педагог-психолог"]
    done = plan_exec.filter_items(db, plan_id, status="done")
    assert [i["id"] for i in done] == [not_yet["id"]]
    late = plan_exec.filter_items(db, plan_id, status="overdue", today=dt.date(2025, 12, 1))
    assert analysed["id"] in {i["id"] for i in late} and not_yet["id"] not in {i["id"] for i in late}
    with pytest.raises(UserError):
        plan_exec.filter_items(db, plan_id, quarter="весна")


def test_responsible_choices_put_staff_first(tpl_plan):
    db, plan_id, _ = tpl_plan
    with db.atomic():
        db.execute("INSERT INTO staff (full_name, position) VALUES ('Белова К.Л.', 'учитель')")
    choices = plan_exec.responsible_choices(db, plan_id)
    assert choices[0] == "Белова К.Л." and "Педагог-психолог" in choices
    assert len(choices) == len({c.casefold() for c in choices})


def test_current_plan_is_latest_and_delete_restore(tpl_plan):
    db, plan_id, _ = tpl_plan
    newer = plan.create_from_template(db, "vpr_period_list", {"year_from": 2026, "year_to": 2026})
    assert plan.current_plan_id(db) == newer
    assert plan.resolve_plan_id(db, None) == newer
    before = _shape(db, plan_id)
    snap = plan.delete_plan(db, plan_id)
    assert plan.get_plan(db, plan_id) is None
    plan.restore(db, snap)
    assert _shape(db, plan_id) == before
    with pytest.raises(UserError):
        plan.resolve_plan_id(db, 999)


def test_no_plan_message(empty_db):
    with pytest.raises(UserError, match="ещё нет плана"):
        plan.resolve_plan_id(empty_db, None)


@pytest.mark.parametrize("text, start, end", [
    ("15.05.2026", "2026-05-15", "2026-05-15"),
    ("до 15.05.2026", None, "2026-05-15"),
    ("20.03-26.03.2026", "2026-03-20", "2026-03-26"),
    ("ежегодно, апрель", "2026-04-01", "2026-04-30"),
    ("октябрь – декабрь", "2025-10-01", "2025-12-31"),
    ("ноябрь — май", "2025-11-01", "2026-05-31"),
    ("до 01 июля", None, "2026-07-01"),
    ("Февраль - март 2021", "2021-02-01", "2021-03-31"),
    ("II квартал", "2026-04-01", "2026-06-30"),
    ("в течение года", "2025-09-01", "2026-08-31"),
    ("по отдельному графику", "2025-09-01", "2026-08-31"),
    ("2025-11-03", "2025-11-03", "2025-11-03"),
    ("Мартиросян", None, None),
    ("31.02.2026", None, None),
])
def test_deadline_parsing_in_an_academic_year(text, start, end):
    d = parse_deadline(text, PlanYears(2025, 2026))
    assert (d.start, d.end) == (start, end)


def test_deadline_recurring_in_a_multi_year_plan():
    d = parse_deadline("ежегодно, апрель", PlanYears(2022, 2024))
    assert (d.start, d.end) == ("2022-04-01", "2024-04-30") and len(d.occurrences) == 3
    assert parse_deadline("апрель", PlanYears()).end is None


def test_periods():
    assert parse_period("2026-Q1")[:2] == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert parse_period("2025/2026")[2] == "2025/2026 учебный год"
    assert quarters_between(dt.date(2025, 9, 1), dt.date(2026, 8, 31)) == [
        "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    with pytest.raises(ValueError):
        parse_period("2026-Q5")
