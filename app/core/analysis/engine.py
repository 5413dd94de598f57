"""Assemble the analysis from loaded data: comparisons, indicators, flags (no SQL here).

``compute(data, thresholds, year)`` returns an :class:`Analysis`; its ``as_json()`` is what
``analyze()`` and the CLI print. The object also keeps every pupil's work so charts can list the
pupils behind a bar or a cell (see ``views``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from app.core.domain import normalise_year_label
from app.core.errors import UserError

from . import comparison as cmp
from . import scores
from .data import AnalysisData, Procedure, Student
from .indicator_defs import percent
from .thresholds import Thresholds


@dataclass(frozen=True, slots=True)
class Work:
    """One pupil's work in one procedure, with the journal mark the comparison uses."""

    student_id: int
    class_label: str
    primary: int | None
    mark: int | None
    test: int | None
    journal: int | None
    source: str | None          # 'file', a period label, or None
    percent: float | None       # primary score as % of the maximum


@dataclass
class Analysis:
    year: str | None
    thresholds: Thresholds
    procedures: dict[int, Procedure]
    students: dict[int, Student]
    works: dict[int, list[Work]]
    comparisons: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    indicators: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"comparisons": self.comparisons, "flags": self.flags, "indicators": self.indicators}


def ident(proc: Procedure, class_label: str = "") -> dict:
    """The fields that name a row: procedure label and id, subject, grade, year, class."""
    return {"procedure": proc.label, "procedure_kind": proc.kind, "procedure_id": proc.id,
            "subject": proc.subject, "grade": proc.grade, "year": proc.year, "class": class_label}


def resolve_year(data: AnalysisData, year: str | None) -> str | None:
    if year is None or str(year).strip() == "":
        return None
    try:
        label = normalise_year_label(str(year))
    except ValueError:
        raise UserError(f"Учебный год «{year}» записан неверно; укажите его так: 2024/2025.") from None
    if data.year_by_label(label) is None:
        known = ", ".join(y.label for y in data.years) or "нет ни одного"
        raise UserError(f"Учебного года {label} нет в базе школы. Есть: {known}.")
    return label


def build_works(data: AnalysisData) -> dict[int, list[Work]]:
    """Every present pupil's work per procedure, the journal mark resolved by the comparison rule."""
    works: dict[int, list[Work]] = defaultdict(list)
    procs = data.procedures
    year_end = {y.id: y.end for y in data.years}
    for r in data.results:
        proc = procs[r.procedure_id]
        journal = source = None
        if r.mark is not None:
            marks = data.journal.get((r.student_id, proc.subject_id))
            journal, source = cmp.resolve_journal_mark(
                r.file_journal, marks, proc.date or year_end.get(proc.year_id))
        percent = None
        if r.primary is not None and proc.max_score:
            percent = 100.0 * r.primary / proc.max_score
        works[r.procedure_id].append(Work(r.student_id, r.class_label, r.primary, r.mark, r.test,
                                          journal, source, percent))
    return dict(works)


def by_class(items: list[Work]) -> dict[str, list[Work]]:
    groups: dict[str, list[Work]] = defaultdict(list)
    for w in items:
        groups[w.class_label].append(w)
    return dict(sorted(groups.items(), key=lambda kv: class_sort_key(kv[0])))


def class_sort_key(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 99, label)


def comparison_rows(proc: Procedure, items: list[Work]) -> tuple[list[dict], list[list[int]]]:
    """Per class of one procedure: n, lowered / confirmed / raised, kappa …; and the pooled table."""
    rows, tables = [], []
    for label, group in by_class(items).items():
        pairs = [(w.journal, w.mark) for w in group if w.mark is not None and w.journal is not None]
        if not pairs:
            continue
        table = cmp.crosstab(pairs)
        tables.append(table)
        from_file = sum(1 for w in group if w.source == "file" and w.mark is not None)
        rows.append({**ident(proc, label), **cmp.summarize(table),
                     "participants": len(group), "from_file": from_file})
    return rows, cmp.add_crosstabs(tables)


def _rollup(groups: dict[tuple, list[list[int]]], make_ident) -> list[dict]:
    return [{**make_ident(key), **cmp.summarize(cmp.add_crosstabs(tables))}
            for key, tables in groups.items()]


def rollups(procs: list[Procedure], tables: dict[int, list[list[int]]]) -> dict[str, list[dict]]:
    """The comparison rolled up by procedure (whole school), subject, grade, year and school."""
    by_subject, by_grade, by_year, school = (defaultdict(list) for _ in range(4))
    per_proc = []
    for p in procs:
        t = tables.get(p.id)
        if t is None or not cmp.counts(t)["n"]:
            continue
        per_proc.append({**ident(p), **cmp.summarize(t)})
        by_subject[(p.kind, p.label, p.year, p.subject)].append(t)
        by_grade[(p.kind, p.label, p.year, p.grade)].append(t)
        by_year[(p.kind, p.label, p.year)].append(t)
        school[(p.kind, p.label)].append(t)

    def base(kind, label, year=None, subject=None, grade=None):
        return {"procedure": label, "procedure_kind": kind, "year": year, "subject": subject,
                "grade": grade, "class": ""}

    return {
        "procedure": per_proc,
        "subject": _rollup(by_subject, lambda k: base(k[0], k[1], k[2], subject=k[3])),
        "grade": _rollup(by_grade, lambda k: base(k[0], k[1], k[2], grade=k[3])),
        "year": _rollup(by_year, lambda k: base(*k)),
        "school": _rollup(school, lambda k: base(*k)),
    }


def objectivity_index(year_rows: list[dict]) -> list[dict]:
    """Индекс необъективности of a kind over the school and year: share of works whose mark differs.

    The one computation of the index: the screens, the reports, the packet and the district summary
    all read these rows (or :func:`objectivity_value`, which pools them). Percent, as every share.
    """
    out = []
    for r in year_rows:
        differ = r["lowered"] + r["raised"]
        out.append({"procedure": r["procedure"], "procedure_kind": r["procedure_kind"], "year": r["year"],
                    "n": r["n"], "differ": differ, "index": percent(differ, r["n"]),
                    "lowered": r["lowered"], "raised": r["raised"],
                    "lowered_pct": r["lowered_pct"], "raised_pct": r["raised_pct"],
                    "name": f"Индекс необъективности {r['procedure']}"})
    return out


def objectivity_pooled(index_rows: list[dict], kind: str, year: str | None = None) -> dict | None:
    """The index of one kind (``vpr``, ``oge``) for one year, or pooled over every year of the rows:
    {"n", "differ", "index", "lowered_pct", "raised_pct"}; None when there is no such work."""
    rows = [r for r in index_rows if r.get("procedure_kind") == kind and (year is None or r.get("year") == year)]
    n = sum(r["n"] for r in rows)
    if not n:
        return None
    lowered = sum(r.get("lowered", round(r["lowered_pct"] * r["n"] / 100)) for r in rows)
    raised = sum(r.get("raised", round(r["raised_pct"] * r["n"] / 100)) for r in rows)
    return {"n": n, "differ": lowered + raised, "index": percent(lowered + raised, n),
            "lowered_pct": percent(lowered, n), "raised_pct": percent(raised, n)}


def objectivity_value(index_rows: list[dict], kind: str, year: str | None = None) -> float | None:
    """The index of one kind for one year (or pooled), in percent; None when there is no such work."""
    pooled = objectivity_pooled(index_rows, kind, year)
    return None if pooled is None else pooled["index"]


def medal_index_value(summary: list[dict], year: str | None = None) -> float | None:
    """Индекс неподтверждения медалистов for one year, or pooled over the years of ``summary``."""
    rows = [m for m in summary if year is None or m["year"] == year]
    return percent(sum(m["unconfirmed"] for m in rows), sum(m["with_results"] for m in rows))


def procedure_thresholds(proc: Procedure, items: list[Work]) -> tuple[tuple, str | None]:
    if proc.thresholds:
        return proc.thresholds, "scale"
    inferred = scores.infer_thresholds([(w.primary, w.mark) for w in items
                                        if w.primary is not None and w.mark is not None])
    return (inferred, "inferred") if len(inferred) >= 2 else ((), None)


def score_rows(proc: Procedure, items: list[Work], refs: dict, t: Thresholds) -> dict:
    """Histogram, bunching per threshold and high results, for the school and for every class."""
    marks_t, source = procedure_thresholds(proc, items)
    ref_views = {lv: scores.reference_view(r) for lv, r in refs.items()}
    nearest = scores.nearest_reference(ref_views)
    out = {"histogram": None, "bunching": [], "high": []}
    groups = [("", items), *by_class(items).items()]
    for label, group in groups:
        prim = [w.primary for w in group if w.primary is not None]
        if label == "":
            out["histogram"] = {**ident(proc), "max_score": proc.max_score, "thresholds_source": source,
                                "thresholds": [list(x) for x in marks_t],
                                "counts": scores.histogram(prim, proc.max_score)}
        for b in scores.bunching(prim, marks_t, min_total=t.bunching_min_total, p_limit=t.bunching_p):
            out["bunching"].append({**ident(proc, label), **b, "n": len(prim), "p": round(b["p"], 6)})
        out["high"].append(high_row(proc, label, group, ref_views, nearest))
    return out


def high_row(proc: Procedure, label: str, group: list[Work], ref_views: dict, nearest: dict | None) -> dict:
    marked = [w for w in group if w.mark is not None]
    stats = scores.mark_stats([w.mark for w in marked], [w.primary for w in marked if w.primary is not None],
                              proc.max_score)
    tests = [w.test for w in group if w.test is not None]
    stats["mean_test"] = round(sum(tests) / len(tests), 1) if tests else None
    # works counted: those with a mark, or (ЕГЭ) with a test score — never «0 works» beside a mean score
    stats["n"] = sum(1 for w in group if w.mark is not None or w.test is not None)
    diff = None
    if nearest is not None and stats["share45"] is not None:
        diff = round(stats["share45"] - nearest["share45"], 1)
    return {**ident(proc, label), **stats, "references": ref_views,
            "reference_level": nearest["level"] if nearest else None,
            "reference_share45": nearest["share45"] if nearest else None, "diff_pp": diff}
