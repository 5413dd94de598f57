"""What each chart shows, for the screens and the PDF alike, and the pupils behind a bar or a cell.

Functions take an :class:`~app.core.analysis.engine.Analysis` and :class:`Filters` and return plain
data; the widgets only draw it. No Qt and no SQL here.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from app.core import palette
from app.core.domain import PROCEDURE_LABELS

from . import comparison as cmp
from .engine import Analysis, class_sort_key

# The colours live in app.core.palette (one palette for the screens and the PDF); these names stay for callers.
CATEGORY_COLORS = palette.CATEGORY_COLORS
CATEGORY_SHORT = {"lowered": "Понизили", "confirmed": "Подтвердили", "raised": "Повысили"}
SCHOOL_COLOR = palette.SCHOOL
REFERENCE_COLORS = palette.REFERENCE_COLORS
HIST_COLOR, BUNCH_ABOVE, BUNCH_BELOW = palette.HISTOGRAM, palette.BUNCH_ABOVE, palette.BUNCH_BELOW
LINE_COLORS = palette.SERIES


def bunching_legend(flagged: bool) -> list[tuple[str, str]]:
    """The histogram's legend, the same on screen and in the PDF: (colour, caption)."""
    legend = [(HIST_COLOR, "Число работ с этим баллом")]
    if flagged:
        legend += [(BUNCH_ABOVE, "Скопление: балл на границе и на 1 выше"),
                   (BUNCH_BELOW, "Для сравнения: 1–2 балла ниже границы")]
    return legend


def share_text(count: int, total: int) -> str:
    """A share for a chart label: «31 %», and «< 1 %» rather than a misleading «0 %»."""
    share = 100 * count / total if total else 0
    return "< 1 %" if 0 < share < 0.5 else f"{round(share)} %"


@dataclass(frozen=True)
class Filters:
    year: str | None = None
    kind: str | None = None          # procedure kind code: 'vpr', 'oge' …
    subject: str | None = None
    grade: int | None = None
    class_label: str | None = None

    def matches(self, row: dict, *, with_class: bool = True) -> bool:
        if self.year and row.get("year") != self.year:
            return False
        if self.kind and row.get("procedure_kind") != self.kind:
            return False
        if self.subject and row.get("subject") != self.subject:
            return False
        if self.grade and row.get("grade") != self.grade:
            return False
        if with_class and self.class_label and row.get("class") != self.class_label:
            return False
        return True

    @classmethod
    def from_flag(cls, flag: dict) -> "Filters":
        return cls(year=flag.get("year") or None, kind=flag.get("procedure_kind") or None,
                   subject=flag.get("subject") or None, grade=flag.get("grade") or None,
                   class_label=flag.get("class") or None)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def filter_options(analysis: Analysis) -> dict:
    """Values for the filter boxes: years, kinds (code, label), subjects, grades, classes."""
    procs = [p for p in analysis.procedures.values() if p.id in analysis.works]
    classes = {w.class_label for pid in analysis.works for w in analysis.works[pid] if w.class_label}
    return {
        "years": sorted({p.year for p in procs}),
        "kinds": [(k, PROCEDURE_LABELS.get(k, k)) for k in PROCEDURE_LABELS if any(p.kind == k for p in procs)],
        "subjects": sorted({p.subject for p in procs}),
        "grades": sorted({p.grade for p in procs}),
        "classes": sorted(classes, key=class_sort_key),
    }


def class_options(analysis: Analysis, f: Filters) -> list[str]:
    """Classes that have works in the procedures the other filters select."""
    labels = {w.class_label for p in selected_procedures(analysis, f) for w in analysis.works[p.id] if w.class_label}
    return sorted(labels, key=class_sort_key)


def default_filters(analysis: Analysis) -> Filters:
    """The latest year with comparisons, ВПР if there is one, the subject with the most classes."""
    rows = analysis.comparisons
    if not rows:
        return Filters()
    year = max(r["year"] for r in rows)
    kinds = [r["procedure_kind"] for r in rows if r["year"] == year]
    kind = "vpr" if "vpr" in kinds else kinds[0]
    counts: dict[str, int] = {}
    for r in rows:
        if r["year"] == year and r["procedure_kind"] == kind:
            counts[r["subject"]] = counts.get(r["subject"], 0) + 1
    subject = min(counts, key=lambda s: (-counts[s], s))     # the subject with the most classes
    return Filters(year=year, kind=kind, subject=subject)


def _label(row: dict, f: Filters) -> str:
    parts = [row["class"]]
    if not f.subject:
        parts.append(row["subject"])
    if not f.kind:
        parts.append(row["procedure"])
    if not f.year:
        parts.append(row["year"])
    return " · ".join(parts)


def comparison_bars(analysis: Analysis, f: Filters) -> list[dict]:
    """One stacked bar per class and procedure: lowered / confirmed / raised, counts and percents."""
    rows = [r for r in analysis.comparisons if f.matches(r)]
    rows.sort(key=lambda r: (r["year"], r["procedure_kind"], r["subject"], class_sort_key(r["class"])))
    flagged = {(fl["procedure_id"], fl["class"]) for fl in analysis.flags
               if fl["code"] in ("journal_inflation", "external_inflation")}
    return [{**r, "label": _label(r, f), "flagged": (r["procedure_id"], r["class"]) in flagged} for r in rows]


def crosstab(analysis: Analysis, f: Filters) -> dict:
    """The cross-tab pooled over the comparisons the filters select."""
    rows = [r for r in analysis.comparisons if f.matches(r)]
    table = cmp.add_crosstabs(r["crosstab"] for r in rows)
    return {"table": table, **cmp.summarize(table), "procedure_ids": sorted({r["procedure_id"] for r in rows})}


def selected_procedures(analysis: Analysis, f: Filters) -> list:
    return [p for p in analysis.procedures.values()
            if p.id in analysis.works and f.matches({"year": p.year, "procedure_kind": p.kind,
                                                     "subject": p.subject, "grade": p.grade}, with_class=False)]


def histogram(analysis: Analysis, f: Filters) -> dict | None:
    """Primary scores of one procedure (the filters must name one), its thresholds and bunching."""
    procs = [p for p in selected_procedures(analysis, f) if any(w.primary is not None for w in analysis.works[p.id])]
    if len(procs) != 1:
        return None
    proc = procs[0]
    hist = next((h for h in analysis.indicators.get("histograms", []) if h["procedure_id"] == proc.id), None)
    if hist is None:
        return None
    scope = f.class_label or ""
    scores_ = [w.primary for w in analysis.works[proc.id]
               if w.primary is not None and (not scope or w.class_label == scope)]
    counts = [0] * len(hist["counts"])
    for s in scores_:
        counts[s] += 1
    bunch = [b for b in analysis.indicators["bunching"] if b["procedure_id"] == proc.id and b["class"] == scope]
    flagged = {fl["values"].get("threshold") for fl in analysis.flags
               if fl["code"] == "boundary_bunching" and fl["procedure_id"] == proc.id
               and (not scope or fl["class"] == scope)}
    return {**hist, "counts": counts, "class": scope, "n": len(scores_), "bunching": bunch,
            "flagged_thresholds": sorted(t for t in flagged if t is not None)}


def cohort_lines(analysis: Analysis, f: Filters) -> list[dict]:
    lines = [ln for ln in analysis.indicators.get("cohort_lines", []) if f.matches(ln)]
    flagged = {(fl["procedure_id"], fl["class"]) for fl in analysis.flags if fl["code"] == "cohort_drop"}
    return [{**ln, "flagged": (ln["procedure_id"], ln["class"]) in flagged} for ln in lines]


def reference_bars(analysis: Analysis, f: Filters) -> list[dict]:
    """Share of «4» and «5» of the school (or the chosen class) against each reference level."""
    scope = f.class_label or ""
    out = []
    for h in analysis.indicators.get("high_results", []):
        if h["class"] != scope or not f.matches(h, with_class=False) or h["share45"] is None:
            continue
        refs = {lv: v["share45"] for lv, v in h["references"].items() if v.get("share45") is not None}
        label = f"{h['subject']}, {h['grade']} кл." if not f.subject else f"{h['grade']} класс"
        if not f.year:
            label += f", {h['year']}"
        out.append({**h, "label": label, "refs": refs})
    return out


# ----------------------------------------------------------------------------- pupils behind a chart

def _pupil(analysis: Analysis, proc, w) -> dict:
    s = analysis.students.get(w.student_id)
    return {"student_id": w.student_id, "code": s.code if s else "", "name": s.name if s else "",
            "class": w.class_label, "subject": proc.subject, "procedure": proc.label, "year": proc.year,
            "journal": w.journal, "mark": w.mark, "primary": w.primary, "test": w.test}


def students(analysis: Analysis, procedure_ids, *, class_label: str | None = None, category: str | None = None,
             cell: tuple[int, int] | None = None, score: int | None = None, marks=None,
             student_ids=None) -> list[dict]:
    """The pupils behind a bar, a cell or a point, sorted by class and code.

    ``category``: lowered / confirmed / raised; ``cell``: (journal mark, external mark); ``score``: a
    primary score; ``marks``: external marks wanted; ``student_ids``: limit to these pupils.
    """
    wanted = set(student_ids) if student_ids is not None else None
    out = []
    for pid in procedure_ids:
        proc = analysis.procedures[pid]
        for w in analysis.works.get(pid, ()):
            if class_label and w.class_label != class_label:
                continue
            if wanted is not None and w.student_id not in wanted:
                continue
            if (category or cell) and (w.mark is None or w.journal is None):
                continue
            if category and cmp.category(w.journal, w.mark) != category:
                continue
            if cell and (w.journal, w.mark) != tuple(cell):
                continue
            if score is not None and w.primary != score:
                continue
            if marks is not None and w.mark not in marks:
                continue
            out.append(_pupil(analysis, proc, w))
    out.sort(key=lambda r: (class_sort_key(r["class"]), r["code"]))
    return out


def cohort_students(analysis: Analysis, line: dict, point_procedure_id: int) -> list[dict]:
    """Pupils of a cohort line (its class in its last procedure) as they did in one earlier procedure."""
    ids = {w.student_id for w in analysis.works.get(line["procedure_id"], ())
           if w.class_label == line["class"] and w.mark is not None}
    return students(analysis, [point_procedure_id], student_ids=ids)
