"""How procedures were run: rechecks, public observers, video; task profile. Pure functions."""
from __future__ import annotations

from collections.abc import Iterable, Sequence


def recheck_stats(rechecks: Iterable) -> dict:
    """Share of rechecked works with no change: same score and no criterion changed."""
    items = list(rechecks)
    unchanged = sum(1 for r in items if r.before == r.after and r.criteria_changed == 0)
    total = len(items)
    raised = sum(1 for r in items if r.after > r.before)
    lowered = sum(1 for r in items if r.after < r.before)
    return {"total": total, "unchanged": unchanged, "changed": total - unchanged,
            "score_lowered": lowered, "score_raised": raised,
            "unchanged_pct": None if not total else round(100.0 * unchanged / total, 1)}


def observer_stats(procedures: Sequence) -> dict:
    """Share of procedures with public observers, and with video recording."""
    n = len(procedures)
    obs = sum(1 for p in procedures if p.observers)
    video = sum(1 for p in procedures if p.video)
    return {"procedures": n, "with_observers": obs, "with_video": video,
            "observers_pct": None if not n else round(100.0 * obs / n, 1),
            "video_pct": None if not n else round(100.0 * video / n, 1)}


BASIC = ("basic",)
ADVANCED = ("advanced", "high")


def task_profile(stats: Sequence, level_order: Sequence[str]) -> dict | None:
    """Basic tasks against advanced ones, each compared with the reference of the same tasks.

    ``stats``: per task (level, max_score, total, count, reference {level: percent}). The class percent
    of a task is total / (count × max) × 100. The reference level used is the first of
    ``level_order`` present for every task with a level. The gap of a group is the mean over its tasks
    of (class percent − reference percent). None when a group has no task or there is no reference.
    """
    tasks = [s for s in stats if s.level and s.count]
    level = next((lv for lv in level_order if tasks and all(lv in s.reference for s in tasks)), None)
    if level is None:
        return None
    gaps: dict[str, list[float]] = {"basic": [], "advanced": []}
    for s in tasks:
        mine = 100.0 * s.total / (s.count * s.max_score)
        group = "basic" if s.level in BASIC else "advanced"
        gaps[group].append(mine - s.reference[level])
    if not gaps["basic"] or not gaps["advanced"]:
        return None
    return {"reference": level, "basic_tasks": len(gaps["basic"]), "advanced_tasks": len(gaps["advanced"]),
            "basic_gap": round(sum(gaps["basic"]) / len(gaps["basic"]), 1),
            "advanced_gap": round(sum(gaps["advanced"]) / len(gaps["advanced"]), 1),
            "n": max(s.count for s in tasks)}
