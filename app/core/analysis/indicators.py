"""Indicator groups beyond the comparison: cohorts, ОГЭ vs annual, medalists, rechecks, observers, tasks.

Each builder takes loaded data, the works of ``engine.build_works`` and the procedures in scope, and
returns JSON-ready rows. No SQL here.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from . import cohort, gia, process
from .data import AnalysisData, Procedure
from .engine import Work, by_class, ident
from .scores import REFERENCE_ORDER


def _marked(items: list[Work]) -> dict[int, tuple[int, float | None]]:
    return {w.student_id: (w.mark, w.percent) for w in items if w.mark is not None}


def _previous_year(data: AnalysisData) -> dict[int, int | None]:
    ids = [y.id for y in data.years]
    return {yid: (ids[i - 1] if i else None) for i, yid in enumerate(ids)}


def cohorts(data: AnalysisData, works: dict[int, list[Work]], scope: list[Procedure]) -> list[dict]:
    """The same pupils a year later: per class of the later procedure, and for the whole parallel."""
    prev_year = _previous_year(data)
    all_procs = list(data.procedures.values())
    rows = []
    for later in scope:
        earlier = cohort.previous_procedure(later, all_procs, prev_year.get(later.year_id))
        if earlier is None or not works.get(later.id) or not works.get(earlier.id):
            continue
        before_items = works[earlier.id]
        before = _marked(before_items)
        class_before = {w.student_id: w.class_label for w in before_items}
        groups = [("", works[later.id]), *by_class(works[later.id]).items()]
        for label, group in groups:
            res = cohort.compare(before, _marked(group))
            if res is None:
                continue
            students = res.pop("students")
            old = Counter(class_before[s] for s in students).most_common(1)[0][0] if label else ""
            rows.append({**ident(later, label), **res, "procedure_before": earlier.label,
                         "procedure_before_id": earlier.id, "year_before": earlier.year,
                         "grade_before": earlier.grade, "class_before": old})
    return rows


def cohort_lines(data: AnalysisData, works: dict[int, list[Work]], scope: list[Procedure]) -> list[dict]:
    """For each class of each procedure, its pupils traced back through earlier years (≥ 2 points)."""
    prev_year = _previous_year(data)
    all_procs = list(data.procedures.values())
    lines = []
    for proc in scope:
        chain, p = [], proc
        while p is not None and works.get(p.id):
            chain.append((p, _marked(works[p.id])))
            p = cohort.previous_procedure(p, all_procs, prev_year.get(p.year_id))
        if len(chain) < 2:
            continue
        chain.reverse()
        for label, group in by_class(works[proc.id]).items():
            points = cohort.line_points([w.student_id for w in group if w.mark is not None], chain)
            if len(points) >= 2:
                lines.append({**ident(proc, label), "points": points})
    return lines


def oge_vs_annual(data: AnalysisData, works: dict[int, list[Work]], scope: list[Procedure],
                  min_gap: int) -> list[dict]:
    """ОГЭ mark against the annual mark of the same year, per class and for the school."""
    rows = []
    for proc in scope:
        if proc.kind != "oge" or not works.get(proc.id):
            continue
        for label, group in [("", works[proc.id]), *by_class(works[proc.id]).items()]:
            pairs = []
            for w in group:
                annual = _annual_mark(data, w.student_id, proc)
                if w.mark is not None and annual is not None:
                    pairs.append((w.mark, annual))
            if pairs:
                rows.append({**ident(proc, label), **gia.oge_gap_stats(pairs, min_gap)})
    return rows


def _annual_mark(data: AnalysisData, student_id: int, proc: Procedure) -> int | None:
    for m in data.journal.get((student_id, proc.subject_id), ()):
        if m.kind == "year" and m.year_id == proc.year_id:
            return m.mark
    return None


def medalists(data: AnalysisData, works: dict[int, list[Work]], year_ids: set[int], t) -> dict:
    """Every medal candidate of the years in scope checked against the ЕГЭ rule; summary per year."""
    ege: dict[tuple[int, int], dict[str, dict]] = defaultdict(dict)
    for proc in data.procedures.values():
        if proc.kind == "ege" and proc.year_id in year_ids:
            for w in works.get(proc.id, ()):
                ege[(w.student_id, proc.year_id)][proc.subject] = {"test": w.test, "mark": w.mark}
    year_label = {y.id: y.label for y in data.years}
    students, per_year = [], defaultdict(list)
    for (sid, yid), (degree, label) in sorted(data.medal.items(), key=lambda kv: (kv[0][1], kv[1][1])):
        if yid not in year_ids:
            continue
        check = gia.medal_check(degree, ege.get((sid, yid), {}), t)
        row = {"year": year_label[yid], "class": label, "student_id": sid,
               "code": data.students[sid].code, **check}
        students.append(row)
        per_year[row["year"]].append(check)
    summary = [{"year": y, **gia.medal_summary(checks)} for y, checks in per_year.items()]
    return {"summary": summary, "students": students}


def rechecks(data: AnalysisData, scope: list[Procedure]) -> dict:
    """Share of rechecks without changes: per procedure and per kind and year."""
    ids = {p.id for p in scope}
    per_proc: dict[int, list] = defaultdict(list)
    for r in data.rechecks:
        if r.procedure_id in ids:
            per_proc[r.procedure_id].append(r)
    rows, per_kind = [], defaultdict(list)
    for p in scope:
        items = per_proc.get(p.id)
        if items:
            rows.append({**ident(p), **process.recheck_stats(items)})
            per_kind[(p.kind, p.label, p.year)].extend(items)
    years = [{"procedure": label, "procedure_kind": kind, "year": year, "subject": None, "grade": None,
              "class": "", **process.recheck_stats(items)} for (kind, label, year), items in per_kind.items()]
    return {"procedures": rows, "years": years}


def observers(scope: list[Procedure]) -> dict:
    """Share of procedures with public observers and with video, per kind and year; the list."""
    groups = defaultdict(list)
    for p in scope:
        groups[(p.kind, p.label, p.year)].append(p)
    summary = [{"procedure": label, "procedure_kind": kind, "year": year, **process.observer_stats(items)}
               for (kind, label, year), items in groups.items()]
    listing = [{**ident(p), "date": p.date, "observers": p.observers, "observer_count": p.observer_count,
                "video": p.video, "checked_by": p.checked_by} for p in scope]
    return {"summary": summary, "procedures": listing}


def task_profiles(data: AnalysisData, scope: list[Procedure]) -> list[dict]:
    """Task profile per class and per procedure, where per-task reference results exist."""
    ids = {p.id: p for p in scope}
    grouped: dict[int, list] = defaultdict(list)
    for s in data.task_stats:
        if s.procedure_id in ids:
            grouped[s.procedure_id].append(s)
    rows = []
    for pid, stats in grouped.items():
        pooled: dict[int, object] = {}
        by_label: dict[str, list] = defaultdict(list)
        for s in stats:
            by_label[s.class_label].append(s)
            old = pooled.get(s.task_id)
            pooled[s.task_id] = s if old is None else replace(
                old, total=old.total + s.total, count=old.count + s.count)
        for label, items in [("", list(pooled.values())), *sorted(by_label.items())]:
            prof = process.task_profile(items, REFERENCE_ORDER)
            if prof is not None:
                rows.append({**ident(ids[pid], label), **prof})
    return rows
