"""The school plan of measures: plans, sections and items.

Every function that writes commits its own transaction, so an edit is on disk the moment it is
made. Each write returns what it takes to put things back, so the UI wraps it in an undo command:

* ``add_*`` return the new id and accept an explicit id, so a redo recreates the same row;
* ``update_*`` return the old values of the fields they changed (call again with them to undo);
* ``move_*`` return the old place (move back there to undo);
* ``delete_*`` return a snapshot of every row removed, ``restore`` puts the snapshot back
  with the same ids and positions.

Positions inside a section (and of sections inside a plan) are kept contiguous 0, 1, 2 …
The «current plan» is the latest plan by id. Execution, evidence and filters: plan_exec.py.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from . import store
from .deadlines import PlanYears, parse_deadline
from .errors import UserError
from .store import current_plan_id  # noqa: F401 - part of this module's API

PLAN_FIELDS = ("title", "kind", "year_from", "year_to", "order_number", "order_date",
               "approver_position", "approver_name", "approved")
ITEM_FIELDS = ("task", "measure", "deadline_text", "responsible", "expected_result", "status",
               "done_date", "note")
STATUSES = ("planned", "in_progress", "done", "cancelled")
PLAN_KINDS = ("sections", "roadmap")
DEFAULT_TITLE = "План мероприятий по обеспечению объективности оценочных процедур"


# ---------------------------------------------------------------- plans

def resolve_plan_id(db, plan_id: int | None) -> int:
    """plan_id itself, or the current plan; UserError when there is none."""
    if plan_id is None:
        plan_id = current_plan_id(db)
        if plan_id is None:
            raise UserError("В базе школы ещё нет плана мероприятий. Создайте план на странице «План» "
                            "или импортируйте его из файла DOCX/XLSX.")
    elif get_plan(db, plan_id) is None:
        raise UserError(f"План мероприятий № {plan_id} не найден в базе школы.")
    return plan_id


def list_plans(db) -> list[dict]:
    return store.rows(db, "SELECT id, title, kind, year_from, year_to, order_number, order_date, "
                          "created_at FROM plan ORDER BY id DESC")


def get_plan(db, plan_id: int) -> dict | None:
    found = store.rows(db, "SELECT * FROM plan WHERE id = ?", [plan_id])
    return found[0] if found else None


def plan_years(db, plan_id: int) -> PlanYears:
    row = db.execute("SELECT year_from, year_to FROM plan WHERE id = ?", [plan_id]).fetchone()
    return PlanYears(*row) if row else PlanYears()


def _clean_header(header: dict) -> dict:
    out = {k: header[k] for k in PLAN_FIELDS if k in header}
    for key in ("title", "order_number", "approver_position", "approver_name"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "title" in out and not out["title"]:
        raise UserError("Укажите название плана мероприятий.")
    if out.get("kind", "sections") not in PLAN_KINDS:
        raise UserError(f"Неизвестный вид плана «{out['kind']}».")
    for key in ("year_from", "year_to"):
        if key in out:
            out[key] = None if out[key] in ("", None) else int(out[key])
    _check_years(out.get("year_from"), out.get("year_to"))
    if "order_date" in out and not out["order_date"]:
        out["order_date"] = None
    return out


def _check_years(a, b) -> None:
    for y in (a, b):
        if y is not None and not 1990 <= y <= 2100:
            raise UserError(f"Год плана {y} указан неверно: ожидается год вида 2025.")
    if a is not None and b is not None and a > b:
        raise UserError(f"Годы плана указаны в обратном порядке: {a} больше {b}.")


def create_plan(db, header: dict, *, sections: list[dict] | None = None,
                plan_id: int | None = None) -> int:
    """Create a plan with its header and, optionally, sections of items (template shape:
    ``[{"title": …, "items": [{"measure": …, "deadline": …, …}]}]``). Returns the plan id."""
    values = {"title": DEFAULT_TITLE, "kind": "sections", **_clean_header(header)}
    if plan_id is not None:
        values["id"] = plan_id
    cols = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    with db.atomic():
        cur = db.execute(f"INSERT INTO plan ({cols}) VALUES ({marks})", list(values.values()))
        new_id = cur.lastrowid
        years = PlanYears(values.get("year_from"), values.get("year_to"))
        for s_index, section in enumerate(sections or []):
            sid = db.execute("INSERT INTO plan_section (plan_id, position, title) VALUES (?, ?, ?)",
                             [new_id, s_index, (section.get("title") or "").strip()]).lastrowid
            for i_index, item in enumerate(section.get("items", [])):
                _insert_item(db, sid, i_index, _template_item(item), years)
    return new_id


def _template_item(item: dict) -> dict:
    out = {k: item[k] for k in ITEM_FIELDS if k in item}
    if "deadline" in item and "deadline_text" not in out:
        out["deadline_text"] = item["deadline"]
    return out


def update_plan(db, plan_id: int, **fields) -> dict:
    """Change header fields; returns the old values. Changing the years re-reads every deadline."""
    new = _clean_header(fields)
    old = get_plan(db, plan_id)
    if old is None:
        raise UserError(f"План мероприятий № {plan_id} не найден.")
    changed = {k: v for k, v in new.items() if old[k] != v}
    if not changed:
        return {}
    _check_years(changed.get("year_from", old["year_from"]), changed.get("year_to", old["year_to"]))
    with db.atomic():
        sets = ", ".join(f"{k} = ?" for k in changed)
        db.execute(f"UPDATE plan SET {sets} WHERE id = ?", [*changed.values(), plan_id])
        if "year_from" in changed or "year_to" in changed:
            _reparse_deadlines(db, plan_id)
    return {k: old[k] for k in changed}


def _reparse_deadlines(db, plan_id: int) -> None:
    years = plan_years(db, plan_id)
    for item_id, text in db.execute(
            "SELECT i.id, i.deadline_text FROM plan_item i JOIN plan_section s ON s.id = i.section_id "
            "WHERE s.plan_id = ?", [plan_id]).fetchall():
        d = parse_deadline(text, years)
        db.execute("UPDATE plan_item SET deadline_start = ?, deadline_end = ? WHERE id = ?",
                   [d.start, d.end, item_id])


def delete_plan(db, plan_id: int) -> dict:
    """Delete a plan with everything in it; returns the snapshot for restore()."""
    snap = {"plan": store.rows(db, "SELECT * FROM plan WHERE id = ?", [plan_id])}
    snap.update(_children_snapshot(db, "s.plan_id = ?", [plan_id]))
    snap["sections"] = store.rows(db, "SELECT * FROM plan_section WHERE plan_id = ?", [plan_id])
    with db.atomic():
        db.execute("DELETE FROM plan WHERE id = ?", [plan_id])
    return snap


# ---------------------------------------------------------------- sections

def sections(db, plan_id: int) -> list[dict]:
    return store.rows(db, "SELECT * FROM plan_section WHERE plan_id = ? ORDER BY position, id",
                      [plan_id])


def _section_ids(db, plan_id: int) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT id FROM plan_section WHERE plan_id = ? ORDER BY position, id", [plan_id])]


def _renumber(db, table: str, ids: list[int]) -> None:
    for pos, row_id in enumerate(ids):
        db.execute(f"UPDATE {table} SET position = ? WHERE id = ? AND position IS NOT ?",
                   [pos, row_id, pos])


def add_section(db, plan_id: int, title: str, index: int | None = None, *,
                section_id: int | None = None) -> int:
    """Insert a section at `index` (end by default); returns its id."""
    with db.atomic():
        ids = _section_ids(db, plan_id)
        index = len(ids) if index is None else max(0, min(index, len(ids)))
        cols, vals = ["plan_id", "position", "title"], [plan_id, len(ids), (title or "").strip()]
        if section_id is not None:
            cols.append("id")
            vals.append(section_id)
        new_id = db.execute(f"INSERT INTO plan_section ({', '.join(cols)}) VALUES (?, ?, ?"
                            f"{', ?' if section_id is not None else ''})", vals).lastrowid
        ids.insert(index, new_id)
        _renumber(db, "plan_section", ids)
    return new_id


def update_section(db, section_id: int, title: str) -> dict:
    old = db.execute("SELECT title FROM plan_section WHERE id = ?", [section_id]).fetchone()
    if old is None or old[0] == (title or "").strip():
        return {}
    with db.atomic():
        db.execute("UPDATE plan_section SET title = ? WHERE id = ?", [(title or "").strip(), section_id])
    return {"title": old[0]}


def section_index(db, section_id: int) -> tuple[int, int]:
    plan_id = db.execute("SELECT plan_id FROM plan_section WHERE id = ?", [section_id]).fetchone()[0]
    return plan_id, _section_ids(db, plan_id).index(section_id)


def move_section(db, section_id: int, index: int) -> int:
    """Move a section to `index` among the plan's sections; returns its old index."""
    plan_id, old_index = section_index(db, section_id)
    with db.atomic():
        ids = _section_ids(db, plan_id)
        ids.remove(section_id)
        ids.insert(max(0, min(index, len(ids))), section_id)
        _renumber(db, "plan_section", ids)
    return old_index


def delete_section(db, section_id: int) -> dict:
    """Delete a section with its items; returns the snapshot for restore()."""
    snap = {"sections": store.rows(db, "SELECT * FROM plan_section WHERE id = ?", [section_id])}
    if not snap["sections"]:
        return snap
    snap.update(_children_snapshot(db, "s.id = ?", [section_id]))
    plan_id = snap["sections"][0]["plan_id"]
    with db.atomic():
        db.execute("DELETE FROM plan_section WHERE id = ?", [section_id])
        _renumber(db, "plan_section", _section_ids(db, plan_id))
    return snap


# ---------------------------------------------------------------- items

def _item_ids(db, section_id: int) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT id FROM plan_item WHERE section_id = ? ORDER BY position, id", [section_id])]


def get_item(db, item_id: int) -> dict | None:
    found = store.rows(db, "SELECT * FROM plan_item WHERE id = ?", [item_id])
    return found[0] if found else None


def _clean_item(fields: dict) -> dict:
    out = {k: fields[k] for k in ITEM_FIELDS if k in fields}
    for key in ("task", "measure", "deadline_text", "responsible", "expected_result", "note"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "status" in out and out["status"] not in STATUSES:
        raise UserError(f"Неизвестное состояние мероприятия «{out['status']}».")
    if "done_date" in out and not out["done_date"]:
        out["done_date"] = None
    return out


def _insert_item(db, section_id: int, position: int, fields: dict, years: PlanYears,
                 item_id: int | None = None) -> int:
    values = {"measure": "", **_clean_item(fields)}
    d = parse_deadline(values.get("deadline_text", ""), years)
    values.update(section_id=section_id, position=position, deadline_start=d.start,
                  deadline_end=d.end)
    if values.get("status") == "done" and not values.get("done_date"):
        values["done_date"] = dt.date.today().isoformat()
    if item_id is not None:
        values["id"] = item_id
    cols = ", ".join(values)
    return db.execute(f"INSERT INTO plan_item ({cols}) VALUES ({', '.join('?' * len(values))})",
                      list(values.values())).lastrowid


def _plan_of_section(db, section_id: int) -> int:
    row = db.execute("SELECT plan_id FROM plan_section WHERE id = ?", [section_id]).fetchone()
    if row is None:
        raise UserError("Раздел плана не найден (возможно, он уже удалён).")
    return row[0]


def add_item(db, section_id: int, fields: dict | None = None, index: int | None = None, *,
             item_id: int | None = None) -> int:
    """Insert an item into a section at `index` (end by default); returns its id."""
    years = plan_years(db, _plan_of_section(db, section_id))
    with db.atomic():
        ids = _item_ids(db, section_id)
        index = len(ids) if index is None else max(0, min(index, len(ids)))
        new_id = _insert_item(db, section_id, len(ids), fields or {}, years, item_id)
        ids.insert(index, new_id)
        _renumber(db, "plan_item", ids)
    return new_id


def update_item(db, item_id: int, **fields) -> dict:
    """Change item fields; returns the old values of what changed. A new deadline text is read
    into deadline_start/end; status «выполнено» without a date gets today's date, and leaving
    «выполнено» clears the date."""
    old = get_item(db, item_id)
    if old is None:
        raise UserError("Мероприятие не найдено (возможно, оно уже удалено).")
    new = _clean_item(fields)
    if "status" in new and "done_date" not in new:
        if new["status"] == "done" and not old["done_date"]:
            new["done_date"] = dt.date.today().isoformat()
        elif new["status"] != "done":
            new["done_date"] = None
    changed = {k: v for k, v in new.items() if old[k] != v}
    if not changed:
        return {}
    db_values = dict(changed)
    if "deadline_text" in changed:
        plan_id = _plan_of_section(db, old["section_id"])
        d = parse_deadline(changed["deadline_text"], plan_years(db, plan_id))
        db_values.update(deadline_start=d.start, deadline_end=d.end)
    with db.atomic():
        sets = ", ".join(f"{k} = ?" for k in db_values)
        db.execute(f"UPDATE plan_item SET {sets} WHERE id = ?", [*db_values.values(), item_id])
    return {k: old[k] for k in changed}


def item_place(db, item_id: int) -> tuple[int, int]:
    """(section_id, index) of an item."""
    row = db.execute("SELECT section_id FROM plan_item WHERE id = ?", [item_id]).fetchone()
    if row is None:
        raise UserError("Мероприятие не найдено (возможно, оно уже удалено).")
    return row[0], _item_ids(db, row[0]).index(item_id)


def move_item(db, item_id: int, section_id: int, index: int) -> tuple[int, int]:
    """Move an item to `index` of `section_id` (same or another section of the same plan);
    returns its old (section_id, index)."""
    old_section, old_index = item_place(db, item_id)
    if _plan_of_section(db, section_id) != _plan_of_section(db, old_section):
        raise UserError("Мероприятие можно перенести только в раздел того же плана.")
    with db.atomic():
        old_ids = _item_ids(db, old_section)
        old_ids.remove(item_id)
        if section_id == old_section:
            target = old_ids
        else:
            _renumber(db, "plan_item", old_ids)
            target = _item_ids(db, section_id)
            db.execute("UPDATE plan_item SET section_id = ? WHERE id = ?", [section_id, item_id])
        target.insert(max(0, min(index, len(target))), item_id)
        _renumber(db, "plan_item", target)
    return old_section, old_index


def step_target(db, item_id: int, step: int) -> tuple[int, int] | None:
    """Where «вверх» (step -1) / «вниз» (+1) takes an item: within its section, or from the
    edge of a section into the end / start of the neighbouring one. None at the plan's edge."""
    section_id, index = item_place(db, item_id)
    plan_id = _plan_of_section(db, section_id)
    ids = _item_ids(db, section_id)
    new_index = index + step
    if 0 <= new_index < len(ids):
        return section_id, new_index
    sec_ids = _section_ids(db, plan_id)
    s = sec_ids.index(section_id) + step
    if not 0 <= s < len(sec_ids):
        return None
    neighbour = sec_ids[s]
    return neighbour, (len(_item_ids(db, neighbour)) if step < 0 else 0)


def delete_item(db, item_id: int) -> dict:
    """Delete an item with its executions and evidence; returns the snapshot for restore()."""
    snap = _children_snapshot(db, "i.id = ?", [item_id])
    if not snap["items"]:
        return snap
    section_id = snap["items"][0]["section_id"]
    with db.atomic():
        db.execute("DELETE FROM plan_item WHERE id = ?", [item_id])
        _renumber(db, "plan_item", _item_ids(db, section_id))
    return snap


# ---------------------------------------------------------------- snapshots

def _children_snapshot(db, where: str, params: list) -> dict:
    base = f"FROM plan_item i JOIN plan_section s ON s.id = i.section_id WHERE {where}"
    return {
        "items": store.rows(db, f"SELECT i.* {base} ORDER BY i.section_id, i.position", params),
        "executions": store.rows(db, f"SELECT e.* FROM execution e WHERE e.item_id IN "
                                     f"(SELECT i.id {base}) ORDER BY e.id", params),
        "evidence": store.rows(db, f"SELECT v.* FROM evidence v WHERE v.item_id IN "
                                   f"(SELECT i.id {base}) ORDER BY v.id", params),
    }


def _insert_rows(db, table: str, rows: list[dict]) -> None:
    for row in rows:
        cols = ", ".join(row)
        db.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))


def restore(db, snapshot: dict) -> None:
    """Put back what a delete_* took away, with the same ids and the same order."""
    with db.atomic():
        _insert_rows(db, "plan", snapshot.get("plan", []))
        for sec in snapshot.get("sections", []):
            ids = _section_ids(db, sec["plan_id"])
            _insert_rows(db, "plan_section", [sec])
            ids.insert(min(sec["position"], len(ids)), sec["id"])
            _renumber(db, "plan_section", ids)
        by_section: dict[int, list[dict]] = {}
        for item in snapshot.get("items", []):
            by_section.setdefault(item["section_id"], []).append(item)
        for section_id, items in by_section.items():
            ids = _item_ids(db, section_id)
            for item in sorted(items, key=lambda r: r["position"]):
                _insert_rows(db, "plan_item", [item])
                ids.insert(min(item["position"], len(ids)), item["id"])
            _renumber(db, "plan_item", ids)
        _insert_rows(db, "execution", snapshot.get("executions", []))
        _insert_rows(db, "evidence", snapshot.get("evidence", []))


# ---------------------------------------------------------------- the tree and numbering

def is_flat(section_rows: list[dict]) -> bool:
    """A plan of one untitled section is a flat list numbered 1., 2., 3. …"""
    return len(section_rows) == 1 and not section_rows[0]["title"].strip()


def plan_tree(db, plan_id: int, *, today: dt.date | None = None) -> list[dict]:
    """Sections in order, each with 'number' («1.») and 'items' (each with 'number' «1.1.»,
    'overdue'). Items carry every column of plan_item."""
    from .plan_exec import is_overdue

    today = today or dt.date.today()
    secs = sections(db, plan_id)
    items = store.rows(db, "SELECT i.* FROM plan_item i JOIN plan_section s ON s.id = i.section_id "
                           "WHERE s.plan_id = ? ORDER BY s.position, s.id, i.position, i.id", [plan_id])
    by_section: dict[int, list[dict]] = {s["id"]: [] for s in secs}
    for item in items:
        by_section[item["section_id"]].append(item)
    flat = is_flat(secs)
    for s_no, sec in enumerate(secs, start=1):
        sec["number"] = "" if flat else f"{s_no}."
        sec["items"] = by_section[sec["id"]]
        for i_no, item in enumerate(sec["items"], start=1):
            item["number"] = f"{i_no}." if flat else f"{s_no}.{i_no}."
            item["overdue"] = is_overdue(item, today)
    return secs


def plan_years_label(plan: dict) -> str:
    a, b = plan.get("year_from"), plan.get("year_to")
    if a and b and b == a + 1:
        return f"{a}/{b} учебный год"
    if a and b and a != b:
        return f"{a}–{b} годы"
    if a or b:
        return f"{a or b} год"
    return ""


# ---------------------------------------------------------------- templates

def templates_dir() -> Path:
    from .paths import resource_path

    return resource_path("plan_templates")


def list_templates() -> list[dict]:
    """Templates shipped with the program: key, title, kind, description, counts."""
    out = []
    for path in sorted(templates_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append({"key": path.stem, "title": data["title"], "name": data.get("name", data["title"]),
                    "kind": data.get("kind", "sections"), "description": data.get("description", ""),
                    "sections": len(data["sections"]),
                    "items": sum(len(s["items"]) for s in data["sections"])})
    return out


def load_template(key: str) -> dict:
    path = templates_dir() / f"{key}.json"
    if not path.is_file():
        raise UserError(f"Шаблон плана «{key}» не найден среди шаблонов программы.")
    return json.loads(path.read_text(encoding="utf-8"))


def template_title(db, template: dict | str | None, header: dict[str, Any]) -> str:
    """The title a template gives for this school and these years («… на 2025/2026 учебный год»)."""
    if template is None:
        return DEFAULT_TITLE
    tpl = load_template(template) if isinstance(template, str) else template
    years_label = plan_years_label(header)
    pattern = tpl["title"] if years_label else tpl["title"].replace(" на {years}", "")
    school = store.school_row(db)
    name = school.get("short_name") or school.get("full_name") or "общеобразовательной организации"
    return pattern.format(school=name, years=years_label).strip()


def create_from_template(db, key: str | None, header: dict[str, Any], *,
                         plan_id: int | None = None) -> int:
    """A new plan from a template (key None: a blank plan with one empty section).
    The template title may hold {school} and {years}; the header overrides what it gives."""
    if key is None:
        return create_plan(db, header, sections=[{"title": "", "items": []}], plan_id=plan_id)
    tpl = load_template(key)
    title = template_title(db, tpl, header)
    full = {"title": title, "kind": tpl.get("kind", "sections"), **{k: v for k, v in header.items()
                                                                    if v not in (None, "")}}
    return create_plan(db, full, sections=tpl["sections"], plan_id=plan_id)
