"""Journal mark against external mark: the comparison rule, the cross-tab and agreement measures.

Everything here is a pure function of plain numbers. The cross-tab (rows: journal mark 2…5, columns:
external mark 2…5) is the sufficient statistic: n, lowered / confirmed / raised, the quadratic-weighted
kappa and the mean difference are all computed from it, so roll-ups just add cross-tabs.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

MARKS = (2, 3, 4, 5)
CATEGORIES = ("lowered", "confirmed", "raised")

COMPARISON_RULE = (
    "Отметка по журналу для сравнения берётся из файла результатов, если он её содержит "
    "(«Отметка по журналу», «Отметка за предыдущий период»), — именно её сравнивает федеральный "
    "портал. Если в файле её нет, берётся последняя отметка за период по тому же предмету из "
    "электронного журнала, период которой закончился до даты проведения процедуры; при равных "
    "датах окончания — отметка за более длинный период. Для ВПР, проводимых осенью, это годовая "
    "отметка прошлого учебного года. Если дата процедуры не указана, используется дата окончания "
    "учебного года. Учитываются только участники, у которых есть обе отметки."
)


def resolve_journal_mark(file_mark: int | None, marks: Sequence | None, date: str | None):
    """The journal mark the comparison uses and where it came from.

    ``marks``: journal marks of the pupil in the subject, each with ``end`` (ISO date), ``mark`` and
    ``label``, sorted by end date (ties: the longer period last). Returns (mark, source) where source
    is 'file', the period label, or (None, None) when there is nothing to compare with.
    """
    if file_mark is not None:
        return file_mark, "file"
    if not marks or not date:
        return None, None
    for m in reversed(marks):
        if m.end < date:
            return m.mark, m.label
    return None, None


def category(journal: int, external: int) -> str:
    if external < journal:
        return "lowered"
    if external > journal:
        return "raised"
    return "confirmed"


def empty_crosstab() -> list[list[int]]:
    return [[0] * 4 for _ in MARKS]


def crosstab(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """4×4 counts: rows journal mark 2…5, columns external mark 2…5."""
    table = empty_crosstab()
    for journal, external in pairs:
        table[journal - 2][external - 2] += 1
    return table


def add_crosstabs(tables: Iterable[Sequence[Sequence[int]]]) -> list[list[int]]:
    total = empty_crosstab()
    for t in tables:
        for i in range(4):
            row, trow = total[i], t[i]
            for j in range(4):
                row[j] += trow[j]
    return total


def counts(table: Sequence[Sequence[int]]) -> dict[str, int]:
    lowered = confirmed = raised = 0
    for i in range(4):
        for j in range(4):
            c = table[i][j]
            if j < i:
                lowered += c
            elif j > i:
                raised += c
            else:
                confirmed += c
    return {"n": lowered + confirmed + raised, "lowered": lowered, "confirmed": confirmed, "raised": raised}


def weighted_kappa(table: Sequence[Sequence[int]]) -> float | None:
    """Cohen's kappa with quadratic weights w_ij = (i − j)² / (k − 1)²; None when undefined.

    κ = 1 − Σ w·O / Σ w·E, with O the observed counts and E = row total × column total / n.
    Undefined when n = 0 or when both raters put everyone in one and the same mark (Σ w·E = 0).
    """
    n = sum(sum(r) for r in table)
    if n == 0:
        return None
    k = len(table)
    rows_ = [sum(r) for r in table]
    cols = [sum(table[i][j] for i in range(k)) for j in range(k)]
    observed = expected = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            observed += w * table[i][j]
            expected += w * rows_[i] * cols[j] / n
    if expected == 0:
        return None
    return 1.0 - observed / expected


def mean_difference(table: Sequence[Sequence[int]]) -> float | None:
    """Mean of (external − journal) over the pupils of the table; positive: external higher."""
    n = sum(sum(r) for r in table)
    if n == 0:
        return None
    return sum((j - i) * table[i][j] for i in range(4) for j in range(4)) / n


def pct(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def summarize(table: Sequence[Sequence[int]]) -> dict:
    """n, lowered / confirmed / raised with percents, kappa, mean difference and the table itself."""
    c = counts(table)
    n = c["n"]
    kappa = weighted_kappa(table)
    diff = mean_difference(table)
    return {
        **c,
        "lowered_pct": pct(c["lowered"], n), "confirmed_pct": pct(c["confirmed"], n),
        "raised_pct": pct(c["raised"], n),
        "kappa": None if kappa is None else round(kappa, 3),
        "mean_diff": None if diff is None else round(diff, 3),
        "crosstab": [list(r) for r in table],
    }
