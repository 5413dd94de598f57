"""Primary scores and marks of one group of works: histogram, boundary bunching, high results.

Pure functions over lists of numbers.
"""
from __future__ import annotations

from collections.abc import Sequence
from math import comb

REFERENCE_ORDER = ("municipality", "region", "russia")


def binomial_tail(a: int, n: int, p: float = 0.5) -> float:
    """One-sided P(X ≥ a) for X ~ Binomial(n, p), computed exactly."""
    if a <= 0:
        return 1.0
    if a > n:
        return 0.0
    return min(1.0, sum(comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(a, n + 1)))


def histogram(scores: Sequence[int], max_score: int | None) -> list[int]:
    """Counts of works per primary score 0 … max (max taken from the data when unknown)."""
    top = max([max_score or 0, *scores]) if scores else (max_score or 0)
    counts = [0] * (top + 1)
    for s in scores:
        counts[s] += 1
    return counts


def infer_thresholds(pairs: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Mark thresholds read off the works themselves when the procedure has no scale.

    ``pairs``: (primary score, mark). The threshold of a mark is the least score that got it; the
    result is used only when it is consistent (every score maps to one mark, rising with the score).
    """
    least: dict[int, int] = {}
    most: dict[int, int] = {}
    for score, mark in pairs:
        least[mark] = min(score, least.get(mark, score))
        most[mark] = max(score, most.get(mark, score))
    marks = sorted(least)
    for lo, hi in zip(marks, marks[1:]):
        if most[lo] >= least[hi]:
            return ()
    return tuple((least[m], m) for m in marks)


def bunching(scores: Sequence[int], thresholds: Sequence[tuple[int, int]], *, min_total: int,
             p_limit: float) -> list[dict]:
    """Boundary bunching at every mark threshold t (the 0 → «2» threshold is skipped).

    a = works scored t or t + 1 (just enough for the mark), b = works scored t − 2 or t − 1 (just short
    of it). Under no bunching a work near the boundary is as likely to fall on either side, so
    P = P(X ≥ a | n = a + b, p = ½); flagged when a + b ≥ min_total and P < p_limit.
    """
    counts: dict[int, int] = {}
    for s in scores:
        counts[s] = counts.get(s, 0) + 1
    out = []
    for t, mark in thresholds:
        if t <= 0:
            continue
        a = counts.get(t, 0) + counts.get(t + 1, 0)
        b = counts.get(t - 1, 0) + counts.get(t - 2, 0)
        total = a + b
        p = binomial_tail(a, total) if total else 1.0
        out.append({"threshold": t, "mark": mark, "above": a, "below": b, "p": p,
                    "significant": total >= min_total and p < p_limit})
    return out


def mark_stats(marks: Sequence[int], primaries: Sequence[int], max_score: int | None) -> dict:
    """Share of «4»+«5», of «5», distribution of marks and mean % of the maximum score."""
    n = len(marks)
    dist = [sum(1 for m in marks if m == k) for k in (2, 3, 4, 5)]
    mean_pct = None
    if primaries and max_score:
        mean_pct = round(100.0 * sum(primaries) / (len(primaries) * max_score), 1)
    return {
        "n": n, "marks": dist,
        "share45": None if not n else round(100.0 * (dist[2] + dist[3]) / n, 1),
        "share5": None if not n else round(100.0 * dist[3] / n, 1),
        "mean_percent": mean_pct,
    }


def reference_view(ref) -> dict:
    """Shares of the reference population in the same shape as mark_stats()."""
    s2, s3, s4, s5 = ref.shares
    share45 = None if s4 is None or s5 is None else round(s4 + s5, 1)
    return {"level": ref.level, "n": ref.n, "shares": list(ref.shares), "share45": share45,
            "share5": s5, "mean_percent": ref.mean_percent, "mean_test": ref.mean_test}


def nearest_reference(refs: dict) -> dict | None:
    """The closest reference population available: municipality, then region, then Russia."""
    for level in REFERENCE_ORDER:
        ref = refs.get(level)
        if ref is not None and ref.get("share45") is not None:
            return ref
    return None
