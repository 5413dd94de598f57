"""ГИА: ОГЭ against the annual mark; ЕГЭ of medal candidates (order № 730 of 29.09.2023). Pure."""
from __future__ import annotations

from collections.abc import Sequence

GAPS = (-3, -2, -1, 0, 1, 2, 3)


def oge_gap_stats(pairs: Sequence[tuple[int, int]], min_gap: int) -> dict:
    """``pairs``: (ОГЭ mark, annual mark). Distribution of the gap ОГЭ − annual and its summary.

    The attestat mark is the rounded mean of the two, so a gap of ``min_gap`` (2) or more is what
    changes a certificate and what the indicator counts.
    """
    n = len(pairs)
    dist = {g: 0 for g in GAPS}
    for oge, annual in pairs:
        dist[oge - annual] += 1
    wide = sum(c for g, c in dist.items() if abs(g) >= min_gap)
    return {
        "n": n, "gaps": {str(g): c for g, c in dist.items()},
        "below": sum(c for g, c in dist.items() if g < 0),
        "equal": dist[0],
        "above": sum(c for g, c in dist.items() if g > 0),
        "wide": wide, "wide_pct": None if not n else round(100.0 * wide / n, 1),
        "mean_gap": None if not n else round(sum(g * c for g, c in dist.items()) / n, 2),
    }


def is_russian(subject: str) -> bool:
    return subject.strip().lower().startswith("русский")


def is_base_math(subject: str) -> bool:
    s = subject.lower()
    return "математ" in s and "базов" in s


def degree_met(russian: int | None, best_other: int | None, base_math: int | None, t) -> int:
    """The highest medal degree the ЕГЭ results support: 1, 2, or 0 for none.

    I степень: Russian ≥ medal1_russian and (another subject ≥ medal1_other or base mathematics
    mark ≥ medal_base_math_mark). II степень: Russian ≥ medal2_russian and (another subject ≥
    medal2_other, or base mathematics as above when medal2_base_math is set).
    """
    if russian is None:
        return 0
    base_ok = base_math is not None and base_math >= t.medal_base_math_mark
    other = best_other if best_other is not None else -1
    if russian >= t.medal1_russian and (other >= t.medal1_other or base_ok):
        return 1
    if russian >= t.medal2_russian and (other >= t.medal2_other or (t.medal2_base_math and base_ok)):
        return 2
    return 0


def medal_check(degree: int, ege: dict[str, dict], t) -> dict:
    """Check one medal candidate. ``ege``: subject → {"test": score or None, "mark": mark or None}.

    Returns russian, best other subject (name and score), base mathematics mark, the degree met,
    status 'confirmed' / 'unconfirmed' / 'no_data' (no ЕГЭ result at all).
    """
    russian = next((v.get("test") for s, v in ege.items() if is_russian(s)), None)
    base = next((v.get("mark") for s, v in ege.items() if is_base_math(s)), None)
    others = [(v["test"], s) for s, v in ege.items()
              if not is_russian(s) and not is_base_math(s) and v.get("test") is not None]
    best = max(others) if others else (None, None)
    met = degree_met(russian, best[0], base, t)
    if not ege:
        status = "no_data"
    elif met and met <= degree:
        status = "confirmed"
    else:
        status = "unconfirmed"
    return {"degree": degree, "russian": russian, "best_other": best[0], "best_other_subject": best[1],
            "base_math": base, "degree_met": met, "status": status}


def medal_summary(checks: Sequence[dict]) -> dict:
    """Counts and индекс неподтверждения медалистов = unconfirmed / candidates with ЕГЭ results, in
    percent like every share (``indicator_defs``)."""
    from .indicator_defs import percent

    with_data = [c for c in checks if c["status"] != "no_data"]
    bad = sum(1 for c in with_data if c["status"] == "unconfirmed")
    return {"candidates": len(checks), "with_results": len(with_data), "unconfirmed": bad,
            "confirmed": len(with_data) - bad, "index": percent(bad, len(with_data))}
