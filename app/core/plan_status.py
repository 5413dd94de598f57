"""Status of plan items and overdue: the one rule every screen, report and the packet use.

An item's status as of a date: the status it has, except that an item done after that date was
not yet done then (in progress if it had a mark of execution by then, else planned). It is
overdue as of a date when it is neither done nor cancelled then and its deadline ended before
that date (the deadline's last day is still on time). A deadline the program could not read as
dates is never overdue.

Counts always have the same keys (COUNT_KEYS) and the same Russian labels (COUNT_LABELS); the
overdue ones are counted inside «выполняется» and «запланировано» («из них просрочено»). A count
is scoped — the whole plan as of today, or a period (a school year, a quarter) as of its end —
and ``scope_text`` says which, so two figures of different scope never read as a contradiction.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from . import fmt

STATUSES = ("planned", "in_progress", "done", "cancelled")
CLOSED = ("done", "cancelled")
STATUS_LABELS = {"planned": "запланировано", "in_progress": "выполняется", "done": "выполнено",
                 "cancelled": "отменено"}
OVERDUE_LABEL = "просрочено"
COUNT_KEYS = ("total", "done", "in_progress", "planned", "overdue", "cancelled")
COUNT_LABELS = {"total": "Всего мероприятий", "done": "Выполнено", "in_progress": "Выполняется",
                "planned": "Запланировано", "overdue": "Из них просрочено", "cancelled": "Отменено"}


@dataclass(frozen=True)
class ItemState:
    status: str
    done_date: str | None
    overdue: bool

    @property
    def text(self) -> str:
        """«выполняется, просрочено», «выполнено» …"""
        label = STATUS_LABELS[self.status]
        return f"{label}, {OVERDUE_LABEL}" if self.overdue else label


def _iso(day) -> str:
    return (day or _dt.date.today()).isoformat() if not isinstance(day, str) else day


def is_overdue(item: Mapping, as_of=None) -> bool:
    """Open (neither done nor cancelled) and the deadline ended before `as_of` (default today)."""
    if item.get("status") in CLOSED or not item.get("deadline_end"):
        return False
    return item["deadline_end"] < _iso(as_of)


def item_state(item: Mapping, as_of=None, executions: Iterable[Mapping] | None = None) -> ItemState:
    """The item's status, done date and overdue flag as of a date (default today).

    `executions` (rows with a 'date') tell whether an item done later was already in progress."""
    cut = _iso(as_of)
    status, done = item["status"], item.get("done_date")
    if status == "done" and done and done > cut:
        started = any(e["date"] <= cut for e in executions or ())
        status, done = ("in_progress" if started else "planned"), None
    return ItemState(status, done, is_overdue({**item, "status": status}, cut))


def count_states(states: Iterable[ItemState]) -> dict[str, int]:
    """Counts with COUNT_KEYS plus overdue_in_progress and overdue_planned (parts of 'overdue')."""
    out = {k: 0 for k in COUNT_KEYS}
    out.update(overdue_in_progress=0, overdue_planned=0)
    for s in states:
        out["total"] += 1
        out[s.status] += 1
        if s.overdue:
            out["overdue"] += 1
            out[f"overdue_{s.status}"] += 1
    return out


def count_statuses(items: Iterable[Mapping], as_of=None,
                   executions: Mapping[int, list] | None = None) -> dict[str, int]:
    """Count a plan's items by their state as of a date (see count_states for the keys)."""
    executions = executions or {}
    return count_states(item_state(i, as_of, executions.get(i.get("id"), ())) for i in items)


# ---------------------------------------------------------------- scope and wording

@dataclass(frozen=True)
class Scope:
    """What a count covers: the whole plan (period None) or a period, and the date of the state."""

    as_of: _dt.date
    period_label: str | None = None     # «2025/2026 учебный год», «I квартал 2026 года»

    @classmethod
    def whole_plan(cls, today: _dt.date | None = None) -> Scope:
        return cls(today or _dt.date.today())

    @classmethod
    def period(cls, lo: _dt.date, hi: _dt.date, label: str, today: _dt.date | None = None) -> Scope:
        return cls(min(today or _dt.date.today(), hi), label)


def scope_text(scope: Scope) -> str:
    """«по всему плану на 06.12.2026» or «за 2025/2026 учебный год, на 31.08.2026»."""
    when = fmt.date(scope.as_of)
    if scope.period_label is None:
        return f"по всему плану на {when}"
    return f"за {scope.period_label}, на {when}"


def counts_text(counts: Mapping[str, int], scope: Scope | None = None) -> str:
    """One line of counts in the words every screen and report uses."""
    parts = [f"{COUNT_LABELS['total']}: {counts['total']}"]
    parts += [f"{COUNT_LABELS[k].lower()}: {counts[k]}" for k in ("done", "in_progress", "planned", "overdue")]
    if counts.get("cancelled"):
        parts.append(f"{COUNT_LABELS['cancelled'].lower()}: {counts['cancelled']}")
    text = " · ".join(parts)
    return f"{text} ({scope_text(scope)})" if scope is not None else text


def overdue_text(n: int, scope: Scope, whole: int | None = None) -> str:
    """«Просрочено мероприятий плана: 2 (за 2025/2026 учебный год, на 31.08.2026)»; `whole`, the
    count of the whole plan today, is added when it differs, so the two never seem to disagree."""
    extra = f"; по всему плану на сегодня — {whole}" if whole is not None and whole != n else ""
    return f"Просрочено мероприятий плана: {n} ({scope_text(scope)}{extra})"


def completion(counts: Mapping[str, int]) -> float | None:
    """Share of done among the items not cancelled, as a percent (None when there are none)."""
    due = counts["total"] - counts["cancelled"]
    return round(100.0 * counts["done"] / due, 1) if due > 0 else None


# ---------------------------------------------------------------- the plan as a whole

def plan_status(db, plan_id: int | None = None, *, today: _dt.date | None = None) -> dict:
    """The current (or given) plan's counts as of today: {plan_id, title, counts, scope, text,
    items}; counts all zero and plan_id None when the school has no plan."""
    from .plan import plan_tree
    from .store import current_plan_id

    today = today or _dt.date.today()
    scope = Scope.whole_plan(today)
    plan_id = plan_id if plan_id is not None else current_plan_id(db)
    if plan_id is None:
        return {"plan_id": None, "title": "", "counts": count_states(()), "scope": scope,
                "text": "", "items": []}
    items = [{**i, "section_title": s["title"], "section_position": s["position"]}
             for s in plan_tree(db, plan_id, today=today) for i in s["items"]]
    counts = count_statuses(items, today)
    title = db.execute("SELECT title FROM plan WHERE id = ?", [plan_id]).fetchone()[0]
    return {"plan_id": plan_id, "title": title, "counts": counts, "scope": scope,
            "text": counts_text(counts, scope), "items": items}
