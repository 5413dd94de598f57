"""Execution of the plan: marks of execution, evidence files, overdue items, filters.

Like plan.py, every write commits at once and returns what it takes to undo it:
``mark_done`` returns a token for ``unmark_done``; ``add_*`` accept an explicit id for a redo;
``delete_*`` return a snapshot for ``plan.restore``.
"""
from __future__ import annotations

import datetime as dt
import mimetypes
import re
from pathlib import Path

from . import fmt, plan_status, store
from .deadlines import Deadline, PlanYears, overlaps, parse_deadline, parse_period
from .errors import UserError
from .fsutil import atomic_write_bytes, sha256_bytes
from .plan import get_item, update_item

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
CLOSED_STATUSES = plan_status.CLOSED


# ---------------------------------------------------------------- status and overdue

def is_overdue(item: dict, today: dt.date | None = None) -> bool:
    """Overdue: the deadline has passed and the item is neither done nor cancelled (plan_status)."""
    return plan_status.is_overdue(item, today)


def set_status(db, item_id: int, status: str, *, done_date: str | None = None) -> dict:
    """Set an item's status; returns the old values (status, done_date) for undo."""
    fields = {"status": status}
    if done_date is not None:
        fields["done_date"] = done_date
    return update_item(db, item_id, **fields)


def mark_done(db, item_id: int, date: str, note: str = "", *,
              execution_id: int | None = None) -> dict:
    """Mark an item done on `date` with a note (an execution record). Returns the undo token."""
    _check_date(date)
    item = get_item(db, item_id)
    if item is None:
        raise UserError("Мероприятие не найдено (возможно, оно уже удалено).")
    with db.atomic():
        new_id = add_execution(db, item_id, date, note, execution_id=execution_id)
        old = update_item(db, item_id, status="done", done_date=date)
    return {"item_id": item_id, "execution_id": new_id, "old": old}


def unmark_done(db, token: dict) -> None:
    """Undo mark_done: remove its execution record and put the old status back."""
    with db.atomic():
        db.execute("DELETE FROM execution WHERE id = ?", [token["execution_id"]])
        if token["old"]:
            update_item(db, token["item_id"], **token["old"])


def _check_date(date: str) -> None:
    try:
        dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        raise UserError(f"Дата «{date}» указана неверно: нужна дата вида ДД.ММ.ГГГГ.") from None


# ---------------------------------------------------------------- executions

def executions(db, item_id: int) -> list[dict]:
    return store.rows(db, "SELECT * FROM execution WHERE item_id = ? ORDER BY date, id", [item_id])


def add_execution(db, item_id: int, date: str, note: str = "", *,
                  execution_id: int | None = None) -> int:
    _check_date(date)
    with db.atomic():
        if execution_id is None:
            return db.execute("INSERT INTO execution (item_id, date, note) VALUES (?, ?, ?)",
                              [item_id, date, (note or "").strip()]).lastrowid
        db.execute("INSERT INTO execution (id, item_id, date, note) VALUES (?, ?, ?, ?)",
                   [execution_id, item_id, date, (note or "").strip()])
        return execution_id


def update_execution(db, execution_id: int, **fields) -> dict:
    old = store.rows(db, "SELECT date, note FROM execution WHERE id = ?", [execution_id])
    if not old:
        return {}
    new = {k: v for k, v in fields.items() if k in ("date", "note") and old[0][k] != v}
    if "date" in new:
        _check_date(new["date"])
    if not new:
        return {}
    with db.atomic():
        db.execute(f"UPDATE execution SET {', '.join(f'{k} = ?' for k in new)} WHERE id = ?",
                   [*new.values(), execution_id])
    return {k: old[0][k] for k in new}


def delete_execution(db, execution_id: int) -> dict:
    """Delete an execution record; its evidence stays with the item. Snapshot for restore()."""
    snap = {"executions": store.rows(db, "SELECT * FROM execution WHERE id = ?", [execution_id]),
            "relink": [r[0] for r in db.execute(
                "SELECT id FROM evidence WHERE execution_id = ?", [execution_id])]}
    with db.atomic():
        db.execute("DELETE FROM execution WHERE id = ?", [execution_id])
    return snap


def restore_execution(db, snap: dict) -> None:
    from .plan import restore

    with db.atomic():
        restore(db, {"executions": snap["executions"]})
        for ev_id in snap.get("relink", []):
            db.execute("UPDATE evidence SET execution_id = ? WHERE id = ?",
                       [snap["executions"][0]["id"], ev_id])


# ---------------------------------------------------------------- evidence

def evidence_list(db, item_id: int) -> list[dict]:
    """Evidence of an item without the file bytes."""
    return store.rows(db, "SELECT id, item_id, execution_id, file_name, mime, size, sha256, added_at "
                          "FROM evidence WHERE item_id = ? ORDER BY id", [item_id])


def add_evidence(db, item_id: int, path: str | Path, *, execution_id: int | None = None,
                 evidence_id: int | None = None) -> int:
    """Attach a file (any type, at most 20 MB) to an item; kept in the DB with its SHA-256."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"Не удалось прочитать файл «{path.name}»: {exc.strerror or exc}.") from exc
    _check_size(path.name, size)
    return add_evidence_bytes(db, item_id, path.name, path.read_bytes(),
                              execution_id=execution_id, evidence_id=evidence_id)


def _check_size(name: str, size: int) -> None:
    if size > MAX_EVIDENCE_BYTES:
        raise UserError(f"Файл «{name}» занимает {fmt.file_size(size)}, а подтверждающий документ "
                        f"может быть не больше {fmt.megabytes(MAX_EVIDENCE_BYTES)}. Уменьшите файл "
                        "(например, сохраните скан с меньшим разрешением) или разделите его на части.")


def add_evidence_bytes(db, item_id: int, file_name: str, data: bytes, *,
                       execution_id: int | None = None, evidence_id: int | None = None) -> int:
    _check_size(file_name, len(data))
    digest = sha256_bytes(data)
    if get_item(db, item_id) is None:
        raise UserError("Мероприятие не найдено (возможно, оно уже удалено).")
    same = db.execute("SELECT file_name FROM evidence WHERE item_id = ? AND sha256 = ?",
                      [item_id, digest]).fetchone()
    if same:
        raise UserError(f"Файл «{file_name}» уже приложен к этому мероприятию"
                        + (f" под именем «{same[0]}»." if same[0] != file_name else "."))
    mime = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    values = {"item_id": item_id, "execution_id": execution_id, "file_name": file_name,
              "mime": mime, "size": len(data), "sha256": digest, "data": data}
    if evidence_id is not None:
        values["id"] = evidence_id
    with db.atomic():
        return db.execute(f"INSERT INTO evidence ({', '.join(values)}) VALUES "
                          f"({', '.join('?' * len(values))})", list(values.values())).lastrowid


def read_evidence(db, evidence_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of an evidence file; UserError if the stored hash no longer matches."""
    row = db.execute("SELECT file_name, sha256, data FROM evidence WHERE id = ?",
                     [evidence_id]).fetchone()
    if row is None:
        raise UserError("Подтверждающий документ не найден (возможно, он уже удалён).")
    name, digest, data = row
    if sha256_bytes(data) != digest:
        raise UserError(f"Файл «{name}» в базе повреждён: контрольная сумма не совпадает.")
    return name, bytes(data)


def save_evidence(db, evidence_id: int, out: str | Path) -> Path:
    """Save an evidence file out to `out` (a file path, or a folder to keep its own name)."""
    name, data = read_evidence(db, evidence_id)
    out = Path(out)
    if out.is_dir():
        out = out / safe_file_name(name)
    return atomic_write_bytes(out, data)


def safe_file_name(name: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")
    return cleaned or "документ"


def delete_evidence(db, evidence_id: int) -> dict:
    snap = {"evidence": store.rows(db, "SELECT * FROM evidence WHERE id = ?", [evidence_id])}
    with db.atomic():
        db.execute("DELETE FROM evidence WHERE id = ?", [evidence_id])
    return snap


# ---------------------------------------------------------------- filters and counts

def split_responsible(text: str) -> list[str]:
    """«Иванова И.И., руководители ШМО» → ['Иванова И.И.', 'руководители ШМО']."""
    parts = re.split(r"[,;\n]+", text or "")
    return [p.strip() for p in parts if p.strip()]


def responsible_choices(db, plan_id: int | None = None) -> list[str]:
    """Staff names first (with positions known), then what the plan's items already name."""
    names = [r[0] for r in db.execute("SELECT full_name FROM staff ORDER BY full_name")]
    seen = {n.casefold() for n in names}
    extra: list[str] = []
    if plan_id is not None:
        for (text,) in db.execute("SELECT i.responsible FROM plan_item i JOIN plan_section s "
                                  "ON s.id = i.section_id WHERE s.plan_id = ?", [plan_id]):
            for part in split_responsible(text):
                if part.casefold() not in seen:
                    seen.add(part.casefold())
                    extra.append(part)
    return names + sorted(extra, key=str.casefold)


def deadline_of(item: dict, years: PlanYears) -> Deadline:
    return parse_deadline(item.get("deadline_text", ""), years)


def item_matches(item: dict, *, years: PlanYears, status: str | None = None,
                 responsible: str | None = None, period: tuple[dt.date, dt.date] | None = None,
                 overdue_only: bool = False, today: dt.date | None = None) -> bool:
    """Filter test for one item. status may be 'overdue' too; responsible is a case-free
    substring; period is (start, end) — the item's deadline must touch it."""
    if status == "overdue" or overdue_only:
        if not is_overdue(item, today):
            return False
    if status and status != "overdue" and item["status"] != status:
        return False
    if responsible and responsible.strip().casefold() not in (item["responsible"] or "").casefold():
        return False
    if period is not None and not overlaps(deadline_of(item, years), period[0], period[1], years):
        return False
    return True


def filter_items(db, plan_id: int, *, status: str | None = None, responsible: str | None = None,
                 quarter: str | None = None, overdue_only: bool = False,
                 today: dt.date | None = None) -> list[dict]:
    """Items of the plan (with 'number', 'overdue' and 'section_title') passing the filters.
    quarter: 'YYYY-Qn' (also 'YYYY' or 'YYYY/YYYY')."""
    from .plan import plan_tree, plan_years

    years = plan_years(db, plan_id)
    period = None
    if quarter:
        try:
            period = parse_period(quarter)[:2]
        except ValueError:
            raise UserError(f"Период «{quarter}» не распознан: укажите, например, 2025-Q1.") from None
    out = []
    for sec in plan_tree(db, plan_id, today=today):
        for item in sec["items"]:
            if item_matches(item, years=years, status=status, responsible=responsible,
                            period=period, overdue_only=overdue_only, today=today):
                out.append({**item, "section_title": sec["title"], "section_number": sec["number"]})
    return out


def status_counts(items: list[dict], today: dt.date | None = None) -> dict[str, int]:
    """Counts by status plus 'overdue' and 'total' as of today (plan_status.count_statuses)."""
    return plan_status.count_statuses(items, today)


def status_line(counts: dict[str, int], today: dt.date | None = None) -> str:
    """The counts in the words of every screen and report, with their scope (the whole plan, today)."""
    return plan_status.counts_text(counts, plan_status.Scope.whole_plan(today))


def evidence_size(row: dict) -> str:
    """The size of an evidence file as the program and the reports write it («3,6 КБ»)."""
    return fmt.file_size(row["size"])


def plan_progress(db, plan_id: int | None = None, today: dt.date | None = None) -> dict:
    """Counts of the current plan's items as of today (empty dict when there is no plan)."""
    found = plan_status.plan_status(db, plan_id, today=today)
    if found["plan_id"] is None:
        return {}
    return {"plan_id": found["plan_id"], **found["counts"],
            "overdue_items": [i for i in found["items"] if i["overdue"]]}
