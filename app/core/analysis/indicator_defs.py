"""The school's key indicators, defined once: key, Russian label, unit, which way is worse, cut-offs, tint.

Unit rule: **every share is a percent from 0 to 100, rounded to one decimal** (22.2 means 22,2 %) — in
the analysis dict, ``analyze --json``, the packet's data.json, the district summary, the screens and
the reports alike. A label of a share ends in «, %»; a value is written by :func:`text` («25 %»,
«22,2 %») or, in a column whose header carries the «%», by :func:`cell` («25», «22,2»). Counts are
whole numbers; «есть / нет» is a boolean.

Cut-offs come from the analysis thresholds (``Thresholds``, editable in «Настройки»); nothing here is
a frozen number but the zero of «any at all». :func:`level` says whether a value is «риск»,
«внимание» or unremarkable; the district table on screen and in the XLSX tints its cells by it, and
«Анализ» tints its index cards the same way. Flags are counted by one function, :func:`count_flags`,
whose result names its scope («за 2025/2026 учебный год», «за все годы»).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.core import fmt as ru
from app.core.domain import FLAG_LEVEL_LABELS

from .thresholds import DEFAULTS, Thresholds

PERCENT, COUNT, YESNO = "pct", "count", "bool"

# Tints of a cell or a card by level: the same colours on screen and in the XLSX.
TINTS = {"risk": "#f4c7c3", "attention": "#fce8b2"}
TINT_TEXT = {"risk": "#9c0006", "attention": "#7a4b00"}


@dataclass(frozen=True)
class Indicator:
    key: str                    # key in the packet's data.json «indicators» and the district row
    label: str                  # full Russian name with the unit: «Индекс необъективности ВПР, %»
    short: str                  # a narrow column header on screen (the full label is its tooltip)
    kind: str                   # PERCENT | COUNT | YESNO
    worse: str | None           # 'higher' | 'lower' | None — which way a value is worse
    # (attention, risk) cut-offs from the thresholds; a value at or past a cut-off takes its level
    cuts: Callable[[Thresholds], tuple[float | None, float | None]] | None = None
    strict: bool = False        # the cut-off itself is still unremarkable («больше 0», «менее 80 %»)
    scope: str = ""             # what the value covers, said once beside it
    guard: Callable[[dict, Thresholds], bool] | None = None   # the level applies only if this holds
    xlsx_format: str = "General"   # General shows 25 and 22,2 just as the screens do
    width: int = 12                # column width in the XLSX, characters

    def level(self, values: dict, t: Thresholds = DEFAULTS) -> str | None:
        """'risk', 'attention' or None for this indicator's value in ``values`` (a district row)."""
        return level(self, values.get(self.key), t, values)


def _index_cuts(t: Thresholds):
    return t.index_attention_pct, t.index_risk_pct


def _recheck_cuts(t: Thresholds):
    return t.recheck_unchanged_pct, t.recheck_risk_pct


def _enough_rechecks(values: dict, t: Thresholds) -> bool:
    """The share of rechecks says something only from as many rechecks as the flag needs."""
    total = values.get("rechecks")
    return total is None or total >= t.recheck_min


def _any(_t: Thresholds):
    return 0, None


def _any_risk(_t: Thresholds):
    return None, 0


def _all(_t: Thresholds):
    return 100, None


YEAR_SCOPE = "за учебный год пакета"

# The district table: its columns in order (school name, code and period stand before them).
DISTRICT: list[Indicator] = [
    Indicator("plan_completion", "Выполнение плана, %", "План, %", PERCENT, "lower", width=12,
              scope="доля выполненных мероприятий периода без отменённых"),
    Indicator("vpr_index", "Индекс необъективности ВПР, %", "Индекс ВПР, %", PERCENT, "higher", _index_cuts,
              scope=YEAR_SCOPE, width=15),
    Indicator("oge_index", "Индекс необъективности ОГЭ, %", "Индекс ОГЭ, %", PERCENT, "higher", _index_cuts,
              scope=YEAR_SCOPE, width=15),
    Indicator("medal_unconfirmed_index", "Индекс неподтверждения медалистов, %", "Медалисты без подтв., %",
              PERCENT, "higher", _any, strict=True, scope=YEAR_SCOPE, width=16),
    Indicator("recheck_unchanged", "Доля перепроверок без изменений, %", "Перепроверки без изм., %", PERCENT,
              "lower", _recheck_cuts, strict=True, scope=YEAR_SCOPE, guard=_enough_rechecks, width=16),
    Indicator("schedule", "График оценочных процедур", "График", YESNO, "lower", width=12),
    Indicator("schedule_violations", "Нарушений в графике ОП", "Нарушений в графике", COUNT, "higher", _any,
              strict=True, xlsx_format="0", width=11),
    Indicator("observers_share", "Доля процедур с общественными наблюдателями, %", "Наблюдатели, %", PERCENT,
              "lower", _all, strict=True, scope=YEAR_SCOPE, width=18),
    # the label itself says the scope of these counts
    Indicator("flags_risk", "Признаков «риск» за учебный год", "Риск", COUNT, "higher", _any_risk,
              strict=True, xlsx_format="0", width=11),
    Indicator("flags_attention", "Признаков «внимание» за учебный год", "Внимание", COUNT, "higher", _any,
              strict=True, xlsx_format="0", width=12),
]
BY_KEY = {i.key: i for i in DISTRICT}


def level(ind: Indicator | str, value, t: Thresholds = DEFAULTS, values: dict | None = None) -> str | None:
    """The level of one value: 'risk', 'attention' or None (no value, no cut-off, or unremarkable)."""
    ind = BY_KEY[ind] if isinstance(ind, str) else ind
    if value is None:
        return None
    if ind.kind == YESNO:
        return "attention" if value is False else None
    if ind.cuts is None or (ind.guard is not None and not ind.guard(values or {}, t)):
        return None
    attention, risk = ind.cuts(t)
    for name, cut in (("risk", risk), ("attention", attention)):
        if cut is not None and _past(value, cut, ind.worse, ind.strict):
            return name
    return None


def _past(value: float, cut: float, worse: str | None, strict: bool) -> bool:
    if worse == "higher":
        return value > cut if strict else value >= cut
    if worse == "lower":
        return value < cut if strict else value <= cut
    return False


# ----------------------------------------------------------------------------------- formatting

def percent(part: float, whole: float) -> float | None:
    """A share in the one unit: percent 0…100 rounded to one decimal; None when there is no whole."""
    return None if not whole else round(100.0 * part / whole, 1)


def as_percent(value: float | None) -> float | None:
    """Round a share that is already in percent to the one decimal every place shows."""
    return None if value is None else round(float(value), 1)


def text(value, kind: str = PERCENT) -> str:
    """A value with its unit, the one way every screen and document writes it: «25 %», «22,2 %», «3», «есть»."""
    if value is None:
        return "—"
    if kind == YESNO:
        return "есть" if value else "нет"
    if kind == PERCENT:
        return ru.percent(value)
    return ru.number(value, 1, trim=True)


def cell(value, kind: str = PERCENT) -> str:
    """A value in a column whose header already names the unit: «25», «22,2», «есть»; «—» when absent."""
    if value is None:
        return "—"
    if kind == YESNO:
        return "есть" if value else "нет"
    return ru.number(value, 1, trim=True)


# ----------------------------------------------------------------------------------- flags counted

def scope_text(year: str | None) -> str:
    """«за 2025/2026 учебный год» or «за все годы»: said beside every count of flags."""
    return f"за {year} учебный год" if year else "за все годы"


def count_flags(flags: Iterable[dict], year: str | None = None) -> dict:
    """Flags of one academic year (or of all years when ``year`` is None), counted by level.

    Returns {"year", "scope", "total", "risk", "attention", "by_year": {year: {"risk", "attention"}}}.
    """
    chosen = [f for f in flags if year is None or (f.get("year") or "") == year]
    by_year: dict[str, dict[str, int]] = {}
    for f in chosen:
        row = by_year.setdefault(f.get("year") or "", {"risk": 0, "attention": 0})
        row[f["level"]] = row.get(f["level"], 0) + 1
    risk = sum(1 for f in chosen if f.get("level") == "risk")
    attention = sum(1 for f in chosen if f.get("level") == "attention")
    return {"year": year, "scope": scope_text(year), "total": len(chosen), "risk": risk,
            "attention": attention, "by_year": dict(sorted(by_year.items(), reverse=True))}


def flags_sentence(counts: dict) -> str:
    """«Признаков необъективности за 2025/2026 учебный год: 4, из них «риск» — 2, «внимание» — 2.»"""
    if not counts["total"]:
        return f"Признаков необъективности не найдено ({counts['scope']})."
    return (f"Признаков необъективности {counts['scope']}: {counts['total']}, из них "
            f"«{FLAG_LEVEL_LABELS['risk']}» — {counts['risk']}, "
            f"«{FLAG_LEVEL_LABELS['attention']}» — {counts['attention']}.")
