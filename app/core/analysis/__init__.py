"""Comparisons, indicators and flags — pure functions over plain data.

``analyze(db, year=None, settings=None)`` loads the school (``data``), computes everything
(``engine``, ``indicators``), applies the flag rules (``flags``) and returns a JSON-ready dict with
exactly the keys "comparisons", "flags" and "indicators" (DESIGN §6). ``run()`` returns the richer
:class:`Analysis` the screens and reports use (it keeps every pupil's work for drill-down).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager

from . import comparison as cmp
from . import flags as fl
from . import indicators as ind
from .data import AnalysisData, load
from .engine import (Analysis, build_works, comparison_rows, medal_index_value, objectivity_index, resolve_year,
                     rollups, score_rows)
from .text import format_text
from .thresholds import Thresholds, describe, from_mapping, load_thresholds

__all__ = ["Analysis", "analyze", "compute", "format_text", "run", "Thresholds"]


def _thresholds(db, settings) -> Thresholds:
    if settings is None:
        return load_thresholds(db)
    if isinstance(settings, Thresholds):
        return settings
    return from_mapping(settings)


@contextmanager
def _without_gc():
    """Pause the cyclic garbage collector while hundreds of thousands of small objects are built.

    The analysis makes no reference cycles, so nothing is lost; without the pause, full collections
    walk an ever larger heap and a school ten times bigger takes more than ten times longer.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run(db, *, year: str | None = None, settings=None) -> Analysis:
    """Load the school from ``db`` and analyse it (all years, or one academic year)."""
    with _without_gc():
        return compute(load(db), _thresholds(db, settings), year=year)


def analyze(db, *, year: str | None = None, settings=None) -> dict:
    """The analysis as JSON-ready data: {"comparisons": [...], "flags": [...], "indicators": {...}}."""
    return run(db, year=year, settings=settings).as_json()


def compute(data: AnalysisData, t: Thresholds, *, year: str | None = None) -> Analysis:
    """Everything from loaded data; ``year`` (label) limits the procedures analysed to one year."""
    year = resolve_year(data, year)
    works = build_works(data)
    scope = [p for p in data.procedures.values() if year is None or p.year == year]
    result = Analysis(year=year, thresholds=t, procedures=data.procedures, students=data.students,
                      works=works)
    tables, score_parts = {}, []
    for proc in scope:
        items = works.get(proc.id, [])
        if not items:
            continue
        rows, tables[proc.id] = comparison_rows(proc, items)
        result.comparisons.extend(rows)
        score_parts.append(score_rows(proc, items, data.references.get(proc.id, {}), t))
    result.indicators = _indicators(data, works, scope, tables, score_parts, t, year)
    result.flags = _flags(result.comparisons, result.indicators, t)
    return result


def _indicators(data, works, scope, tables, score_parts, t, year) -> dict:
    year_ids = {y.id for y in data.years if year is None or y.label == year}
    roll = rollups(scope, tables)
    medals = ind.medalists(data, works, year_ids, t)
    return {
        "year": year,
        "years": [y.label for y in data.years if y.id in year_ids],
        "school": {k: data.school.get(k, "") for k in ("full_name", "short_name", "code", "municipality", "region")},
        "comparison_rule": cmp.COMPARISON_RULE,
        "thresholds": t.as_json(),
        "thresholds_text": [list(x) for x in describe(t)],
        "rollups": roll,
        "objectivity_index": objectivity_index(roll["year"]),
        "histograms": [p["histogram"] for p in score_parts],
        "bunching": [b for p in score_parts for b in p["bunching"]],
        "high_results": [h for p in score_parts for h in p["high"]],
        "cohorts": ind.cohorts(data, works, scope),
        "cohort_lines": ind.cohort_lines(data, works, scope),
        "oge_vs_annual": ind.oge_vs_annual(data, works, scope, t.oge_gap),
        "medalists": medals,
        "medal_unconfirmed_index": _medal_index(medals),
        "rechecks": ind.rechecks(data, scope),
        "observers": ind.observers(scope),
        "task_profile": ind.task_profiles(data, scope),
    }


def _medal_index(medals: dict) -> float | None:
    """Индекс неподтверждения медалистов over the years in scope, in percent (``indicator_defs``)."""
    return medal_index_value(medals["summary"])


def _flags(comparisons: list[dict], ix: dict, t: Thresholds) -> list[dict]:
    rows = comparisons + ix["rollups"]["procedure"]
    out = (fl.comparison_flags(rows, t) + fl.bunching_flags(ix["bunching"], t)
           + fl.high_result_flags(ix["high_results"], t) + fl.cohort_flags(ix["cohorts"], t)
           + fl.medal_flags(ix["medalists"]["students"], t) + fl.task_flags(ix["task_profile"], t)
           + fl.recheck_flags(ix["rechecks"], t) + fl.observer_flags(ix["observers"]["procedures"]))
    return fl.sort_flags(out)
