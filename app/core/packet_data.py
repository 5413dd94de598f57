"""What goes into a packet's data.json, and the checks before writing it (see app.core.packet).

The period a packet covers; the plan with its execution (the same items and counts as the
execution report); procedures, results under anonymous codes and rechecks of the academic year;
the key indicators the district summary compares (taken from the analysis); the anonymised
working copy of the school DB every document of the packet is made from; the warnings shown
before writing.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import store
from .analysis.indicator_defs import percent
from .errors import UserError
from .redact import REDACTED, Redactor  # noqa: F401 - part of this module's interface
from .settings import STUDENT_DISPLAY, set_setting

DATA_FORMAT = "objektiv-packet-data"
SCHEMA_VERSION = 1
_QUARTER_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


# ---------------------------------------------------------------------------------------------
# The period a packet covers
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    kind: str            # 'year' | 'quarter'
    label: str           # «2024/2025 учебный год», «I квартал 2025 года»
    start: str
    end: str
    year: str            # the academic year whose results go in
    year_id: int
    value: str           # '2024/2025' or '2025-Q1'

    def as_json(self) -> dict:
        return {"kind": self.kind, "label": self.label, "start": self.start, "end": self.end,
                "academic_year": self.year}


def _years(db) -> list[dict]:
    return store.rows(db, "SELECT id, label, start_date, end_date FROM academic_year ORDER BY start_date")


def _quarter_bounds(year: int, q: int) -> tuple[str, str]:
    start = _dt.date(year, 3 * q - 2, 1)
    end = _dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - _dt.timedelta(days=1)
    return start.isoformat(), end.isoformat()


def _overlap(a0: str, a1: str, b0: str, b1: str) -> int:
    lo, hi = max(a0, b0), min(a1, b1)
    if lo > hi:
        return 0
    return (_dt.date.fromisoformat(hi) - _dt.date.fromisoformat(lo)).days + 1


def resolve_period(db, period: str | None = None) -> Period:
    """None → the latest academic year; 'YYYY/YYYY' → that year; 'YYYY-Qn' → a calendar quarter
    (plan items of the quarter; results of the academic year overlapping it most)."""
    years = _years(db)
    if not years:
        raise UserError("В базе нет ни одного учебного года — пакет формировать не из чего.")
    text = (period or "").strip()
    if not text:
        y = years[-1]
        return Period("year", f"{y['label']} учебный год", y["start_date"], y["end_date"],
                      y["label"], y["id"], y["label"])
    m = re.fullmatch(r"(\d{4})\s*-\s*[QqКк]([1-4])", text)
    if m:
        cal, q = int(m.group(1)), int(m.group(2))
        start, end = _quarter_bounds(cal, q)
        best = max(years, key=lambda y: _overlap(start, end, y["start_date"], y["end_date"]))
        if _overlap(start, end, best["start_date"], best["end_date"]) == 0:
            raise UserError(f"Квартал «{text}» не попадает ни в один учебный год базы "
                            f"({', '.join(y['label'] for y in years)}).")
        return Period("quarter", f"{_QUARTER_ROMAN[q]} квартал {cal} года", start, end,
                      best["label"], best["id"], f"{cal}-Q{q}")
    from .domain import normalise_year_label

    try:
        label = normalise_year_label(text)
    except ValueError:
        raise UserError(f"Период «{text}» не распознан. Укажите учебный год (например 2024/2025) "
                        "или квартал (например 2025-Q1).") from None
    for y in years:
        if y["label"] == label:
            return Period("year", f"{label} учебный год", y["start_date"], y["end_date"],
                          label, y["id"], label)
    raise UserError(f"В базе нет учебного года «{label}». Есть: {', '.join(y['label'] for y in years)}.")


def period_choices(db) -> list[tuple[str, str]]:
    """(value, Russian label) for every academic year (latest first) and every quarter it touches."""
    out: list[tuple[str, str]] = []
    for y in reversed(_years(db)):
        out.append((y["label"], f"{y['label']} учебный год"))
    quarters = set()
    for y in _years(db):
        for cal in range(int(y["start_date"][:4]), int(y["end_date"][:4]) + 1):
            for q in range(1, 5):
                s, e = _quarter_bounds(cal, q)
                if _overlap(s, e, y["start_date"], y["end_date"]):
                    quarters.add((cal, q))
    for cal, q in sorted(quarters, reverse=True):
        out.append((f"{cal}-Q{q}", f"{_QUARTER_ROMAN[q]} квартал {cal} года"))
    return out


# ---------------------------------------------------------------------------------------------
# What goes into data.json
# ---------------------------------------------------------------------------------------------
def choose_plan(db, period: Period) -> dict | None:
    """The plan covering the period's academic year (approved first, then the newest)."""
    start_year = int(period.year[:4])
    plans = store.rows(db, "SELECT * FROM plan ORDER BY approved DESC, id DESC")
    for p in plans:
        lo, hi = p["year_from"], p["year_to"]
        if (lo is None or lo <= start_year) and (hi is None or start_year <= hi):
            return p
    return plans[0] if plans else None


def collect_plan(db, period: Period, *, include_evidence: bool = False) -> tuple[dict | None, dict]:
    """The plan with execution and evidence list; returns (plan, {arcname: bytes}).

    Which items belong to the period, their state and the counts are those of the execution
    report (reports.execution.collect), so data.json and execution.pdf always agree."""
    plan = choose_plan(db, period)
    if plan is None:
        return None, {}
    from .plan import plan_tree
    from .reports.execution import collect as execution_data

    report = execution_data(db, period=period.value, plan_id=plan["id"])
    in_period = {it["id"]: it for sec in report["sections"] for it in sec["items"]}
    evidence, blobs = _evidence(db, plan["id"], include_evidence)
    execs: dict[int, list] = {}
    for e in store.rows(db, "SELECT item_id, date, note FROM execution ORDER BY date, id"):
        execs.setdefault(e["item_id"], []).append({"date": e["date"], "note": e["note"]})
    sections = []
    for n, sec in enumerate(plan_tree(db, plan["id"]), 1):
        items = []
        for it in sec["items"]:
            state = in_period.get(it["id"])
            items.append({
                "number": it["number"].rstrip("."), "task": it["task"], "measure": it["measure"],
                "deadline_text": it["deadline_text"], "deadline_start": it["deadline_start"],
                "deadline_end": it["deadline_end"], "responsible": it["responsible"],
                "expected_result": it["expected_result"], "status": it["status"],
                "done_date": it["done_date"], "note": it["note"], "in_period": state is not None,
                "state_in_period": state["state"] if state else None,
                "overdue": bool(state["state_overdue"] if state else it["overdue"]),
                "executions": execs.get(it["id"], []), "evidence": evidence.get(it["id"], [])})
        sections.append({"number": n, "title": sec["title"], "items": items})
    c = report["counts"]
    due = c["total"] - c["cancelled"]
    summary = {"items_in_period": c["total"], "done": c["done"], "in_progress": c["in_progress"],
               "planned": c["planned"], "cancelled": c["cancelled"], "overdue": c["overdue"],
               "completion_percent": round(100.0 * c["done"] / due, 1) if due > 0 else None}
    keys = ("title", "kind", "year_from", "year_to", "order_number", "order_date",
            "approver_position", "approver_name")
    return {**{k: plan[k] for k in keys}, "approved": bool(plan["approved"]),
            "sections": sections, "summary": summary}, blobs


def _evidence(db, plan_id: int, include: bool) -> tuple[dict[int, list], dict[str, bytes]]:
    """Evidence of the plan's items listed by name, size and hash; the files themselves if asked."""
    rows = store.rows(db, "SELECT ev.id, ev.item_id, ev.file_name, ev.mime, ev.size, ev.sha256, "
                          "e.date AS execution_date" + (", ev.data" if include else "") + " "
                          "FROM evidence ev JOIN plan_item i ON i.id = ev.item_id "
                          "JOIN plan_section s ON s.id = i.section_id "
                          "LEFT JOIN execution e ON e.id = ev.execution_id "
                          "WHERE s.plan_id = ? ORDER BY ev.id", [plan_id])
    listed: dict[int, list] = {}
    blobs: dict[str, bytes] = {}
    for ev in rows:
        path = None
        if include:
            ext = re.sub(r"[^A-Za-z0-9]", "", Path(ev["file_name"]).suffix)[:8].lower()
            path = f"evidence/{ev['id']}-{ev['sha256'][:12]}{'.' + ext if ext else ''}"
            blobs[path] = bytes(ev["data"])
        listed.setdefault(ev["item_id"], []).append({
            "name": ev["file_name"], "mime": ev["mime"], "size": ev["size"], "sha256": ev["sha256"],
            "execution_date": ev["execution_date"], "path": path})
    return listed, blobs


def evidence_totals(db, period: str | None = None) -> tuple[int, int]:
    """(number, total bytes) of evidence files attached to the plan the packet would carry."""
    plan = choose_plan(db, resolve_period(db, period))
    if plan is None:
        return 0, 0
    n, size = db.execute("SELECT count(*), coalesce(sum(ev.size), 0) FROM evidence ev JOIN plan_item i "
                         "ON i.id = ev.item_id JOIN plan_section s ON s.id = i.section_id "
                         "WHERE s.plan_id = ?", [plan["id"]]).fetchone()
    return int(n), int(size)


def collect_procedures(db, year_id: int) -> tuple[list[dict], dict, dict]:
    """Procedures of the year, their results (columnar, anonymous codes) and rechecks."""
    procs = store.rows(db, """
        SELECT p.id, p.kind, s.name AS subject, p.grade, p.date, p.max_score, p.checked_by,
               p.observers_present, p.video, p.title,
               (SELECT count(*) FROM result r WHERE r.procedure_id = p.id AND r.absent = 0) AS participants,
               (SELECT count(*) FROM result r WHERE r.procedure_id = p.id AND r.absent = 1) AS absent
        FROM procedure p JOIN subject s ON s.id = p.subject_id
        WHERE p.year_id = ? ORDER BY p.kind, p.grade, s.name""", [year_id])
    tasks = store.rows(db, "SELECT t.id, t.procedure_id, t.number, t.max_score, t.level FROM task t "
                           "JOIN procedure p ON p.id = t.procedure_id WHERE p.year_id = ? "
                           "ORDER BY t.procedure_id, t.position, t.id", [year_id])
    kinds = store.rows(db, "SELECT o.procedure_id, o.kind, o.organisation FROM observer o JOIN procedure p "
                           "ON p.id = o.procedure_id WHERE p.year_id = ? ORDER BY o.id", [year_id])
    task_pos: dict[int, int] = {}
    for p in procs:
        p["observers_present"], p["video"] = bool(p["observers_present"]), bool(p["video"])
        p["tasks"] = []
        p["observers"] = [{"kind": k["kind"], "organisation": k["organisation"]}
                          for k in kinds if k["procedure_id"] == p["id"]]
    by_id = {p["id"]: p for p in procs}
    for t in tasks:
        lst = by_id[t["procedure_id"]]["tasks"]
        task_pos[t["id"]] = len(lst)
        lst.append({"number": t["number"], "max_score": t["max_score"], "level": t["level"]})
    return procs, _results(db, year_id, by_id, task_pos), _rechecks(db, year_id)


RESULT_COLUMNS = ["procedure", "student", "class", "variant", "primary_score", "mark", "test_score",
                  "journal_mark", "absent", "tasks"]
RECHECK_COLUMNS = ["procedure", "student", "score_before", "score_after", "criteria_changed",
                   "checked_by", "date"]


def _results(db, year_id: int, procs: dict[int, dict], task_pos: dict[int, int]) -> dict:
    """Every result of the year under the pupil's code, with task scores in task order."""
    res = store.rows(db, """
        SELECT r.id, r.procedure_id, st.code, cg.label AS class, r.variant, r.primary_score, r.mark,
               r.test_score, r.journal_mark, r.absent
        FROM result r JOIN procedure p ON p.id = r.procedure_id JOIN student st ON st.id = r.student_id
        LEFT JOIN class_group cg ON cg.id = r.class_id
        WHERE p.year_id = ? ORDER BY r.procedure_id, st.code""", [year_id])
    scores: dict[int, list] = {r["id"]: [None] * len(procs[r["procedure_id"]]["tasks"]) for r in res}
    for rid, tid, score in db.execute(
            "SELECT ts.result_id, ts.task_id, ts.score FROM task_score ts JOIN result r ON r.id = ts.result_id "
            "JOIN procedure p ON p.id = r.procedure_id WHERE p.year_id = ?", [year_id]).fetchall():
        if rid in scores and tid in task_pos:
            scores[rid][task_pos[tid]] = score
    return {"columns": RESULT_COLUMNS,
            "rows": [[r["procedure_id"], r["code"], r["class"], r["variant"], r["primary_score"], r["mark"],
                      r["test_score"], r["journal_mark"], bool(r["absent"]), scores[r["id"]]] for r in res]}


def _rechecks(db, year_id: int) -> dict:
    rows = db.execute("""
        SELECT r.procedure_id, st.code, rc.score_before, rc.score_after, rc.criteria_changed,
               rc.checked_by, rc.date
        FROM recheck rc JOIN result r ON r.id = rc.result_id JOIN procedure p ON p.id = r.procedure_id
        JOIN student st ON st.id = r.student_id WHERE p.year_id = ? ORDER BY r.procedure_id, st.code""",
                      [year_id]).fetchall()
    return {"columns": RECHECK_COLUMNS, "rows": [list(r) for r in rows]}


# ---------------------------------------------------------------------------------------------
# Key indicators (seed Table 2 vocabulary) — what the district summary reads; every share is a
# percent computed by the analysis (analysis.indicator_defs): this module only copies it.
# ---------------------------------------------------------------------------------------------
SCHEDULE_KINDS = ("vpr", "rdr", "niko", "msi", "internal")
_SCHEDULE_WORDS = re.compile(r"график\w*\s+(проведения\s+)?оценочн", re.IGNORECASE)


def schedule_present(procs: list[dict], plan: dict | None) -> tuple[bool, str]:
    """Наличие графика оценочных процедур: the year's school-run procedures all carry dates, or
    the plan has a done measure about the schedule. Returns (present, how it was decided)."""
    own = [p for p in procs if p["kind"] in SCHEDULE_KINDS]
    if own and all(p["date"] for p in own):
        return True, f"даты проведения указаны у всех процедур года ({len(own)})"
    for sec in (plan or {}).get("sections", []):
        for it in sec["items"]:
            if it["status"] == "done" and _SCHEDULE_WORDS.search(f"{it['task']} {it['measure']}"):
                return True, f"пункт плана {it['number']} выполнен"
    if own:
        undated = sum(1 for p in own if not p["date"])
        return False, f"у {undated} из {len(own)} процедур года нет даты проведения"
    return False, "в пакете нет процедур года с датами и нет выполненного пункта плана о графике"


def collect_schedule(db, year_id: int) -> dict | None:
    """The year's schedule of assessment procedures and its check (no pupil is named in it):
    «Наличие графика ОП» means an approved schedule that covers the school year."""
    from . import schedule as sch

    st = sch.status(db, year_id)
    if st["check"] is None:
        return None
    meta = st["meta"]
    keys = ("class_label", "grade", "subject", "date", "lesson", "duration", "level", "form")
    return {"year": st["year"], "present": st["present"], "basis": st["basis"], "approved": bool(meta["approved"]),
            "order_number": meta["order_number"], "order_date": meta["order_date"],
            "period_start": meta["period_start"], "period_end": meta["period_end"],
            "published_url": meta["published_url"],
            "items": [{k: i[k] for k in keys} for i in sch.list_items(db, year_id)],
            "check": {"procedures": st["check"]["procedures"],
                      "violations": [{k: v[k] for k in ("rule", "class", "subject", "dates", "reason")}
                                     for v in st["check"]["violations"]]}}


def key_indicators(analysis: dict, procs: list[dict], plan: dict | None, rechecks: dict,
                   schedule: dict | None = None) -> dict:
    """The indicators the district summary compares, taken from the analysis (so the summary shows
    exactly what «Анализ» shows: the indices of non-objectivity and of medalists are computed there
    only, flags are counted by ``indicator_defs.count_flags``); rechecks and observers fall back to the
    packet's own rows for an analysis without them. Every share is a percent. `schedule` (collect_schedule) decides «Наличие графика ОП»; without it the older inference from
    procedure dates and the plan is used."""
    from .analysis.engine import objectivity_value
    from .analysis.indicator_defs import count_flags

    ind = analysis.get("indicators") or {}
    flags = analysis.get("flags") or []
    if schedule is not None:
        schedule_flag, how = schedule["present"], schedule["basis"]
    else:
        schedule_flag, how = schedule_present(procs, plan)
    summary = (plan or {}).get("summary", {})
    counts = count_flags(flags)
    index_rows = ind.get("objectivity_index") or []
    return {
        "plan_completion": summary.get("completion_percent"),
        "plan_overdue": summary.get("overdue"),
        "vpr_index": objectivity_value(index_rows, "vpr"),
        "oge_index": objectivity_value(index_rows, "oge"),
        "medal_unconfirmed_index": ind.get("medal_unconfirmed_index"),
        "recheck_unchanged": _recheck_share(ind, rechecks),
        "rechecks": _recheck_total(ind, rechecks),
        "schedule": schedule_flag,
        "schedule_basis": how,
        "schedule_violations": len(schedule["check"]["violations"]) if schedule is not None else None,
        "observers_share": _observer_share(ind, procs, "observers_pct", "with_observers"),
        "video_share": _observer_share(ind, procs, "video_pct", "with_video"),
        "flags_risk": counts["risk"],
        "flags_attention": counts["attention"],
    }


def _recheck_share(ind: dict, rechecks: dict) -> float | None:
    """Доля перепроверок без изменений (same score, no criterion changed), all procedures of the year."""
    rows = (ind.get("rechecks") or {}).get("years")
    if rows is not None:
        return percent(sum(r["unchanged"] for r in rows), sum(r["total"] for r in rows))
    same = [r for r in rechecks["rows"] if r[2] == r[3] and r[4] == 0]
    return percent(len(same), len(rechecks["rows"]))


def _recheck_total(ind: dict, rechecks: dict) -> int:
    rows = (ind.get("rechecks") or {}).get("years")
    return sum(r["total"] for r in rows) if rows is not None else len(rechecks["rows"])


def _observer_share(ind: dict, procs: list[dict], pct_key: str, count_key: str) -> float | None:
    """Share of the year's procedures with public observers (or with video)."""
    rows = (ind.get("observers") or {}).get("summary")
    if rows is not None:
        return percent(sum(r[count_key] for r in rows), sum(r["procedures"] for r in rows))
    field_ = "video" if count_key == "with_video" else "observers_present"
    return percent(sum(1 for p in procs if p[field_] or (field_ != "video" and p["observers"])), len(procs))


# ---------------------------------------------------------------------------------------------
# Anonymity: free text typed by the school may name a pupil; such names are replaced (app.core.redact)
# ---------------------------------------------------------------------------------------------
def school_info(db) -> dict:
    s = store.school_row(db)
    return {"name": s.get("full_name") or s.get("short_name") or "", "code": s.get("code") or "",
            "municipality": s.get("municipality") or "", "region": s.get("region") or ""}


# Free-text columns that documents may print; pupils' names typed into them are replaced.
REDACT_COLUMNS = {
    "plan": ("title",), "plan_section": ("title",),
    "plan_item": ("task", "measure", "deadline_text", "responsible", "expected_result", "note"),
    "execution": ("note",), "evidence": ("file_name",), "procedure": ("title",),
    "import_batch": ("file_name",),
}


@contextlib.contextmanager
def anonymised_copy(db, *, keep_evidence: bool = False) -> Iterator[tuple[object, Redactor]]:
    """A copy of the school DB with no pupil names in it, held in memory only: names removed from
    the roster, replaced in free text, the analysis set to show codes. Every document of the packet
    is made from this copy, so none can print a name, whatever module writes it.

    The copy is built row by row with the names already taken out, so no page holding a name is
    ever written, not even to a temporary file. Evidence files are left out (their sizes and hashes
    stay) unless `keep_evidence`, when the packet carries them anyway."""
    redactor = Redactor.for_db(db)
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        _copy_redacted(db, conn, redactor, keep_evidence)
        copy = store.sqlite_utils.Database(conn, execute_plugins=False)
        conn.execute("PRAGMA foreign_keys = ON")
        set_setting(copy, STUDENT_DISPLAY, "codes")         # the copy shows pupils by code only
        yield copy, redactor
    finally:
        conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_redacted(src, dst: sqlite3.Connection, redactor: Redactor, keep_evidence: bool) -> None:
    """Schema and rows of `src` into the empty `dst`, free text redacted on the way."""
    objects = src.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    tables = [(name, sql) for kind, name, sql in objects if kind == "table"]
    dst.execute("PRAGMA foreign_keys = OFF")
    dst.execute("PRAGMA ignore_check_constraints = ON")   # evidence rows without their bytes
    for _, sql in tables:
        dst.execute(sql)
    with dst:
        for table, _ in tables:
            cols = [r[1] for r in src.execute(f"PRAGMA table_info({_quote(table)})").fetchall()]
            picks = []
            for c in cols:
                if (table, c) == ("student", "full_name"):
                    picks.append("NULL")
                elif (table, c) == ("evidence", "data") and not keep_evidence:
                    picks.append("X''")
                else:
                    picks.append(_quote(c))
            free = [i for i, c in enumerate(cols) if c in REDACT_COLUMNS.get(table, ())]
            cur = src.execute(f"SELECT {', '.join(picks)} FROM {_quote(table)}")
            insert = (f"INSERT INTO {_quote(table)} ({', '.join(map(_quote, cols))}) "
                      f"VALUES ({', '.join('?' * len(cols))})")
            while batch := cur.fetchmany(2000):
                if free:
                    batch = [tuple(redactor.text(v) if k in free and isinstance(v, str) else v
                                   for k, v in enumerate(row)) for row in batch]
                dst.executemany(insert, batch)
    for kind, _, sql in objects:
        if kind != "table":
            dst.execute(sql)
    for pragma in ("user_version", "application_id"):
        dst.execute(f"PRAGMA {pragma} = {int(src.execute(f'PRAGMA {pragma}').fetchone()[0])}")
    dst.execute("PRAGMA ignore_check_constraints = OFF")


def collect_data(db, period: Period, *, analysis: dict | None = None, include_evidence: bool = False,
                 redactor: Redactor | None = None) -> tuple[dict, dict[str, bytes]]:
    """data.json as a dict, plus evidence files {arcname: bytes} when asked to include them."""
    if analysis is None:
        from .analysis import analyze

        analysis = analyze(db, year=period.year)
    plan, blobs = collect_plan(db, period, include_evidence=include_evidence)
    procs, results, rechecks = collect_procedures(db, period.year_id)
    short = store.school_row(db).get("short_name") or ""
    data = {
        "format": DATA_FORMAT, "schema_version": SCHEMA_VERSION,
        "school": {**school_info(db), "short_name": short},
        "period": period.as_json(),
        "plan": plan,
        "procedures": procs,
        "results": results,
        "rechecks": rechecks,
        "analysis": {k: analysis.get(k) for k in ("comparisons", "flags", "indicators")},
        "schedule": collect_schedule(db, period.year_id),
    }
    data["indicators"] = key_indicators(analysis, procs, plan, rechecks, data["schedule"])
    redactor = redactor or Redactor.for_db(db)
    # the school's own name and codes are not free text; everything else is searched for names
    return {k: (v if k in ("format", "school", "period") else redactor.walk(v)) for k, v in data.items()}, blobs


# ---------------------------------------------------------------------------------------------
# Before writing: warnings, never blockers
# ---------------------------------------------------------------------------------------------
def preflight(db, period: str | None = None) -> list[str]:
    """What the deputy should know before sending the packet (Russian sentences)."""
    per = resolve_period(db, period)
    out: list[str] = []
    school = school_info(db)
    if not school["code"]:
        out.append("Не указан код школы: имя файла пакета будет без кода, а в сводке района школу "
                   "будет трудно опознать. Код задаётся в сведениях о школе.")
    plan, _ = collect_plan(db, per)
    if plan is None:
        out.append("В базе нет плана мероприятий: пакет будет без плана и отчёта об исполнении.")
    else:
        if not plan["approved"]:
            out.append(f"План «{plan['title']}» не отмечен как утверждённый (нет реквизитов приказа).")
        late = [it for s in plan["sections"] for it in s["items"] if it["in_period"] and it["overdue"]]
        if late:
            sample = "; ".join(f"{it['number']} «{_short(it['measure'])}» (срок "
                               f"{it['deadline_text'] or it['deadline_end']})" for it in late[:3])
            out.append(f"{_overdue_line(db, per, len(late))}. Например: {sample}.")
        out += _names_in_plan(db, plan)
    out += _missing_journal(db, per)
    if not db.execute("SELECT 1 FROM procedure WHERE year_id = ? LIMIT 1", [per.year_id]).fetchone():
        out.append(f"За {per.year} учебный год в базе нет оценочных процедур: раздел результатов "
                   "пакета будет пустым.")
    return out


def _overdue_line(db, per: Period, n: int) -> str:
    """The packet's overdue count with its scope (the period, as of its end) and, when the whole
    plan as of today counts otherwise, that figure too — the one rule is plan_status."""
    from . import plan_status

    scope = plan_status.Scope.period(_dt.date.fromisoformat(per.start), _dt.date.fromisoformat(per.end), per.label)
    plan = choose_plan(db, per)
    whole = plan_status.plan_status(db, plan["id"])["counts"]["overdue"] if plan else None
    return plan_status.overdue_text(n, scope, whole)


def _names_in_plan(db, plan: dict) -> list[str]:
    """Items whose text names a pupil: the packet replaces each mention, the deputy should know."""
    redactor = Redactor.for_db(db)
    fields = ("task", "measure", "deadline_text", "responsible", "expected_result", "note")
    hits, total = [], 0
    for sec in plan["sections"]:
        for it in sec["items"]:
            texts = [it[f] or "" for f in fields] + [e["note"] or "" for e in it["executions"]]
            texts += [ev["name"] or "" for ev in it["evidence"]]
            found = sum(redactor.mentions(t) for t in texts)
            if found:
                hits.append(it["number"])
                total += found
    if not hits:
        return []
    more = f" и ещё {len(hits) - 10}" if len(hits) > 10 else ""
    return [f"В тексте плана названы обучающиеся (пункты {', '.join(hits[:10])}{more}): "
            f"{_mentions_text(total)}. В пакете каждое будет заменено на «{REDACTED}»; "
            "лучше исправить текст плана."]


def _mentions_text(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = "упоминание"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "упоминания"
    else:
        word = "упоминаний"
    return f"{n} {word} имён"


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _missing_journal(db, per: Period) -> list[str]:
    """Procedures of the year with results but no journal marks to compare them with."""
    found = store.rows(db, """
        SELECT p.kind, s.name AS subject, p.grade
        FROM procedure p JOIN subject s ON s.id = p.subject_id
        WHERE p.year_id = ? AND p.kind IN ('vpr', 'oge', 'rdr', 'niko', 'msi', 'internal')
          AND EXISTS (SELECT 1 FROM result r WHERE r.procedure_id = p.id AND r.absent = 0)
          AND NOT EXISTS (
            SELECT 1 FROM result r WHERE r.procedure_id = p.id AND r.absent = 0 AND (
              r.journal_mark IS NOT NULL OR EXISTS (
                SELECT 1 FROM journal_mark jm JOIN period pe ON pe.id = jm.period_id
                JOIN academic_year ay ON ay.id = pe.year_id
                WHERE jm.student_id = r.student_id AND jm.subject_id = p.subject_id
                  AND ay.start_date <= (SELECT start_date FROM academic_year WHERE id = p.year_id))))
        ORDER BY p.kind, p.grade, s.name""", [per.year_id])
    if not found:
        return []
    from .domain import PROCEDURE_LABELS

    names = ", ".join(f"{PROCEDURE_LABELS.get(r['kind'], r['kind'])} {r['subject']} "
                      f"{r['grade']} кл." for r in found[:5])
    more = f" и ещё {len(found) - 5}" if len(found) > 5 else ""
    return [f"Нет отметок по журналу для сравнения с результатами процедур: {names}{more}. "
            "Для них индекс необъективности не рассчитывается."]
