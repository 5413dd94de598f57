"""Cohort consistency: the same pupils (by code) in the same subject a year later.

A work is described by (mark, percent of the maximum score or None). Pure functions.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

MARK_KINDS = ("vpr", "oge", "rdr", "niko", "msi", "internal")
_KIND_PREFERENCE = {"vpr": 0, "oge": 1}


def previous_procedure(later, candidates: Iterable, previous_year_id: int | None):
    """The procedure a year earlier in the same subject and the grade below, or None.

    Among several (e.g. ВПР and НИКО) the same kind is preferred, then ВПР, then ОГЭ, then any.
    """
    if previous_year_id is None or later.kind not in MARK_KINDS:
        return None
    found = [p for p in candidates
             if p.year_id == previous_year_id and p.subject_id == later.subject_id
             and p.grade == later.grade - 1 and p.kind in MARK_KINDS]
    if not found:
        return None
    found.sort(key=lambda p: (p.kind != later.kind, _KIND_PREFERENCE.get(p.kind, 9), p.id))
    return found[0]


def group_stats(works: Sequence[tuple[int, float | None]]) -> dict:
    """n, share of «4» and «5» (%), mean percent of the maximum (None when no scores)."""
    n = len(works)
    good = sum(1 for mark, _ in works if mark >= 4)
    pcts = [p for _, p in works if p is not None]
    return {
        "n": n,
        "share45": None if not n else round(100.0 * good / n, 1),
        "mean_percent": None if not pcts else round(sum(pcts) / len(pcts), 1),
    }


def compare(before: dict[int, tuple[int, float | None]],
            after: dict[int, tuple[int, float | None]]) -> dict | None:
    """Compare two years for the pupils present in both (keys are student ids).

    Returns n, the two shares of «4»+«5», their drop (before − after, p.p.), the two mean percents and
    their drop; None when no pupil is in both.
    """
    common = sorted(set(before) & set(after))
    if not common:
        return None
    b = group_stats([before[s] for s in common])
    a = group_stats([after[s] for s in common])
    drop = round(b["share45"] - a["share45"], 1)
    mean_drop = None
    if b["mean_percent"] is not None and a["mean_percent"] is not None:
        mean_drop = round(b["mean_percent"] - a["mean_percent"], 1)
    return {"n": len(common), "share45_before": b["share45"], "share45_after": a["share45"],
            "drop_pp": drop, "mean_before": b["mean_percent"], "mean_after": a["mean_percent"],
            "mean_drop_pp": mean_drop, "students": common}


def line_points(students: Iterable[int], chain: Sequence[tuple[object, dict]]) -> list[dict]:
    """Points of a cohort line: for each procedure of the chain, the stats of those pupils in it.

    ``chain``: (procedure, {student id: (mark, percent)}) from the earliest year to the latest.
    """
    wanted = set(students)
    points = []
    for proc, works in chain:
        mine = [works[s] for s in wanted if s in works]
        if not mine:
            continue
        points.append({"year": proc.year, "grade": proc.grade, "procedure": proc.label,
                       "procedure_id": proc.id, **group_stats(mine)})
    return points
