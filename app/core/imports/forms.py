"""The shapes shared by the results importers (ВПР forms and ГИА protocols) and what they do alike.

A sheet is read into ``Block``s — one procedure each, with its ``TaskSpec``s and ``ResultRow``s —
after ``sheet_context`` has found the subject, grade, class, date and year around the header and
``ask_missing`` has recorded what the file leaves open. Then ``fill_scores`` sums task scores into
primary scores, ``apply_scale`` finds the grading scale (and computes marks when the file has
none), ``count_students`` counts the pupils for the preview; ``writer.commit`` writes the blocks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.core import schoolyear
from app.core.domain import parse_class_label
from app.core.markcell import read_mark
from app.core.scales import mark_for

from .base import Preview
from .students import (Match, ambiguity_text, bare_year_in_text, class_in_text, clean_class_label,
                       date_in_text, grade_in_text, subject_in_text, year_in_text)
from .table_reader import Sheet, meta_lines, norm


# -- parsed data -----------------------------------------------------------------------------------

@dataclass
class TaskSpec:
    number: str
    position: int
    max_score: int | None
    level: str | None = None


@dataclass
class ResultRow:
    row: int
    match: Match
    class_label: str | None
    variant: str | None = None
    primary: int | None = None
    mark: int | None = None
    test_score: int | None = None
    journal_mark: int | None = None
    absent: bool = False
    scores: list[int | None] = field(default_factory=list)   # aligned with the block's tasks


@dataclass
class Block:
    """One procedure's results read from one sheet."""

    kind: str
    sheet: str
    subject: str
    grade: int
    year: str
    date: str | None
    max_score: int | None
    tasks: list[TaskSpec]
    results: list[ResultRow]
    scale_id: int | None = None


# -- what the file says around the table ------------------------------------------------------

@dataclass
class SheetContext:
    subject: str | None
    grade: int | None
    class_label: str | None
    year: str | None
    date: str | None
    max_score: int | None
    notes: list[str] = field(default_factory=list)


def sheet_context(sheet: Sheet, header_row: int, path: Path, options: dict, known: dict,
                  *, exam: bool = False) -> SheetContext:
    """Subject, grade, class, date and year from meta rows, the sheet name, the file name, options.

    `exam`: ГИА dates (May–September, retakes included) belong to the year that ends that summer."""
    lines = meta_lines(sheet, header_row)
    sources = lines + [sheet.name, path.stem]
    labelled = lambda *words: [ln for ln in lines if any(w in norm(ln) for w in words)]  # noqa: E731
    # Labelled lines first, then titles, the sheet name and the file name: an organisation's name
    # («СОШ № 5 г. …», «гимназия … математики») must not pass for a class or a subject.
    subject = _first(subject_in_text(_after(ln, "предмет"), known=known) for ln in labelled("предмет"))
    titles = labelled("впр", "проверочн", "результат", "огэ", "егэ", "гиа", "протокол", "экзамен")
    subject = subject or _first(subject_in_text(s, known=known) for s in titles + [sheet.name, path.stem])
    subject = subject or (subject_in_text(str(options["subject"]), known=known) or str(options["subject"])
                          if options.get("subject") else None)
    classy = labelled("класс") + [sheet.name, path.stem]
    class_label = _first(class_in_text(s) for s in classy) or (
        clean_class_label(options["class_label"]) if options.get("class_label") else None)
    grade = _first(grade_in_text(s) for s in classy) or (
        parse_class_label(class_label)[0] if class_label else None) or _int(options.get("grade"))
    date = _first(date_in_text(ln) for ln in labelled("дата")) or _first(date_in_text(s) for s in sources)
    ctx = SheetContext(subject, grade, class_label, None, date, None)
    by_date = (schoolyear.exam_year_label(date) if exam else schoolyear.label_of(date)) if date else None
    ctx.year = _first(year_in_text(s) for s in sources) or by_date
    if ctx.year is None and options.get("year"):
        ctx.year = str(options["year"])
    if ctx.year is None and (bare := _first(bare_year_in_text(s) for s in sources)):
        ctx.year = f"{bare - 1}/{bare}"
        if not exam:
            ctx.notes.append(f"Учебный год {ctx.year} определён по году «{bare}» в названии "
                             "(весенняя работа); если это не так, укажите год явно.")
    ctx.max_score = _first(_last_int(ln) for ln in lines if "максимальн" in norm(ln) and "балл" in norm(ln))
    return ctx


def _after(line: str, word: str) -> str:
    low = norm(line)
    return low[low.index(word) + len(word):] if word in low else line


def _first(values):
    return next((v for v in values if v), None)


def _last_int(text: str) -> int | None:
    found = re.findall(r"\d+", text)
    return int(found[-1]) if found else None


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def ask_missing(pv: Preview, ctx: SheetContext, *, need_class: bool = True) -> bool:
    """Record what the file leaves open; True if something is missing."""
    from app.core.domain import normalise_year_label

    if ctx.year:
        try:
            ctx.year = normalise_year_label(ctx.year)
        except ValueError:
            pv.missing_options["year"] = f"«{ctx.year}» — не учебный год; укажите его в виде 2024/2025."
    if not ctx.year:
        pv.missing_options["year"] = "Учебный год не указан в файле (ни даты, ни года в заголовках и имени)."
    if not ctx.subject:
        pv.missing_options["subject"] = "Предмет не указан в файле."
    if not ctx.grade:
        pv.missing_options["grade"] = "Параллель (класс) работы не указана в файле."
    if need_class and not ctx.class_label:
        pv.missing_options["class_label"] = "Класс не указан ни в таблице, ни в заголовке, ни в имени файла."
    return bool(pv.missing_options)


# -- cells, scores, scales -------------------------------------------------------------------------

def parse_mark(value, what: str, reasons: list[str], *, allow_text: bool = False) -> int | None:
    """A mark cell read as every importer reads it (markcell). allow_text: a column the form fills
    with words of its own («Отметка по журналу»: «не аттестован по болезни») — a text without
    digits is no mark there, not an error."""
    cell = read_mark(value)
    if cell.invalid:
        if allow_text and not re.search(r"\d", str(value)):
            return None
        # a number reads «отметка 7 — вне …», a text «отметка «пять» — не отметка …»
        shown = str(value).strip()
        text = shown if re.fullmatch(r"-?\d+", shown) else f"«{shown}»"
        reasons.append(f"{what} {text} — {cell.problem}.")
    return cell.mark


def fill_scores(block: Block, pv: Preview) -> None:
    mismatched = 0
    for r in block.results:
        if r.absent or not r.scores:
            continue
        total = sum(s for s in r.scores if s is not None)
        if r.primary is None:
            r.primary = total
        elif r.primary != total:
            mismatched += 1
    if mismatched:
        pv.summary.append(f"У {mismatched} учащихся первичный балл не равен сумме баллов за задания; "
                          "взят первичный балл из файла.")
    top = max((r.primary or 0 for r in block.results), default=0)
    if block.max_score is not None and top > block.max_score:
        pv.summary.append(f"Наибольший первичный балл {top} больше максимального {block.max_score}: "
                          "максимум процедуры принят равным сумме максимумов заданий.")
        block.max_score = max(sum(t.max_score for t in block.tasks), top)


def apply_scale(db, block: Block, pv: Preview, *, has_mark_column: bool) -> None:
    """With no mark column, marks come from the DB scale of this kind, subject, grade and year."""
    scale = find_scale(db, block.kind, block.subject, block.grade, block.year, block.max_score)
    if scale is None and block.max_score is None and block.tasks:
        # the file names no maximum (a ГИА protocol): an earlier year's scale fits when its maximum
        # equals the sum of the task maxima read from the answer strings
        scale = find_scale(db, block.kind, block.subject, block.grade, block.year,
                           sum(t.max_score or 0 for t in block.tasks))
    if scale:
        block.scale_id = scale["id"]
        top = max((r.primary or 0 for r in block.results), default=0)
        if block.max_score is None and scale["max_score"] and top <= scale["max_score"]:
            block.max_score = scale["max_score"]
            pv.summary.append(f"Максимальный первичный балл ({scale['max_score']}) взят из шкалы «{scale['name']}».")
    if has_mark_column:
        return
    if scale is None:
        pv.summary.append(f"Отметок в файле нет, и шкалы перевода ({block.subject}, {block.grade} класс, "
                          f"{block.year}) в базе нет: отметки не рассчитаны.")
        return
    for r in block.results:
        if not r.absent and r.mark is None:
            r.mark = mark_for(scale["rules"], r.primary)
    pv.summary.append(f"Отметки рассчитаны по шкале «{scale['name']}».")


def find_scale(db, kind: str, subject: str, grade: int, year: str, max_score: int | None) -> dict | None:
    """A 'marks' scale of this kind, subject and grade: this year's (or one without a year); an
    earlier year's only if its maximum matches."""
    found = db.execute(
        "SELECT sc.id, sc.name, sc.rules, sc.max_score, sc.year_label FROM scale sc "
        "LEFT JOIN subject s ON s.id = sc.subject_id WHERE sc.kind = 'marks' AND sc.procedure_kind = ? "
        "AND sc.grade = ? AND (s.name = ? OR json_extract(sc.rules, '$.subject') = ?) "
        "ORDER BY coalesce(sc.year_label, '') DESC, sc.builtin, sc.id DESC",
        [kind, grade, subject, subject]).fetchall()
    for sid, name, rules, mx, label in found:
        fits = max_score is None or mx is None or mx == max_score
        if label in (year, None) or (label < year and fits and max_score is not None):
            return {"id": sid, "name": name, "rules": rules, "max_score": mx}
    return None


def count_students(pv: Preview, blocks) -> None:
    """Distinct pupils found in the DB, new, and to be chosen by the user."""
    pupils: dict[str, Match] = {}
    for b in blocks:
        for r in b.results:
            pupils.setdefault(r.match.key, r.match)
    pv.ambiguous = [ambiguity_text(m) for m in pupils.values() if m.status == "ambiguous"]
    pv.students_matched = sum(1 for m in pupils.values() if m.status in ("code", "name"))
    pv.students_new = sum(1 for m in pupils.values() if m.status == "new")


def ambiguous_matches(pv: Preview) -> list[Match]:
    """The pupils the user must choose for (one per key), for the import dialog."""
    out, seen = [], set()
    for b in pv.payload or []:
        for r in getattr(b, "results", []):
            if r.match.status == "ambiguous" and r.match.key not in seen:
                seen.add(r.match.key)
                out.append(r.match)
    return out
