"""ГИА protocols (ОГЭ / ЕГЭ results per pupil), xlsx or csv.

A row per pupil: surname, name, patronymic (or one «ФИО» column), class, codes of the municipality,
school and exam point, the short-answer string («+-+2…»: «+» one point, «-» none, a digit that
many points), the long-answer string («1(2)0(3)…»: score and maximum per task), primary score,
and a test score (ЕГЭ) or a mark (ОГЭ). Pupils are matched by name and class. The exam (ОГЭ or
ЕГЭ), subject and year come from the title, the sheet, the file name or the options; the short
and long answers become the procedure's tasks, numbered on from the short ones.
"""
from __future__ import annotations

import re
from pathlib import Path

from app.core.domain import parse_class_label

from .base import Preview
from .students import Matcher, clean_class_label, clean_name, known_subjects, subject_in_text
from .table_reader import Header, Sheet, find_header, meta_lines, norm, peek, read_book, to_int
from .vpr import (Block, ResultRow, SheetContext, TaskSpec, apply_scale, ask_missing, count_students,
                  fill_scores, parse_mark, sheet_context)
from .writer import commit

KIND = "gia"
ROLES = [
    ("test", r"тестов\w* балл|^тб$|стобалльн"),
    ("short", r"кратк\w* ответ|^часть 1|^ответы части 1|тестов\w* част"),
    ("long", r"развернут\w* ответ|развeрнут|^часть 2|^критери"),
    ("primary", r"первичн\w* балл|^сумма( баллов)?$|^балл$"),
    ("mark", r"^отметка|^оценка|балл \(отметка\)|пятибалл"),
    ("name", r"^фио|^ф\.? ?и\.? ?о|фамилия,? имя|^участник$"),
    ("surname", r"^фамилия$"), ("first_name", r"^имя$"), ("patronymic", r"^отчество$"),
    ("class", r"^класс"), ("subject", r"^предмет|^учебный предмет"), ("variant", r"^вариант"),
    ("school", r"код (оо|образовательн|школы)"), ("ppe", r"ппэ|пункт\w* проведения"),
]
ROLES = [(r, re.compile(p)) for r, p in ROLES]
_ABSENT = re.compile(r"неявк|не явил|отсутств|удален|не заверш")
_LONG = re.compile(r"(\d{1,2}|[xх-])\s*\(\s*(\d{1,2})\s*\)", re.I)


def role_of(label: str) -> str | None:
    return next((r for r, rx in ROLES if label and rx.search(label.replace("ё", "е"))), None)


def _score(labels: list[str]) -> float:
    roles = {role_of(t) for t in labels if t}
    if not roles & {"name", "surname"} or not roles & {"primary", "test", "short", "long"}:
        return 0
    return len(roles - {None}) + 3 * len(roles & {"short", "long", "test", "ppe"})


def detect(path: Path) -> float:
    book = peek(path)
    best = 0.0
    for sheet in book.sheets:
        h = find_header(sheet, _score)
        if h is not None:
            best = max(best, 0.5 + min(_score(h.labels), 20) / 50)
    text = norm(path.stem) + " " + " ".join(" ".join(meta_lines(s, 6)) for s in book.sheets).lower()
    if best and re.search(r"огэ|егэ|гиа|гвэ|ппэ|протокол|экзамен", text):
        best += 0.2
    return min(best, 1.0)


def exam_kind(text: str, roles: set, grades: list[int], option: str | None) -> str | None:
    t = norm(text)
    if re.search(r"\bегэ\b|единого государственного|единый государственный", t):
        return "ege"
    if re.search(r"\bогэ\b|основного государственного|основной государственный", t):
        return "oge"
    if option in ("oge", "ege"):
        return option
    if "test" in roles:
        return "ege"
    if grades:
        common = max(set(grades), key=grades.count)
        return {9: "oge", 11: "ege"}.get(common)
    return None


# -- preview ------------------------------------------------------------------------------------------

def preview(db, path: Path, options: dict, *, progress=None, cancel=None) -> Preview:
    path = Path(path)
    pv = Preview(kind=KIND, file=path)
    book = read_book(path, cancel=cancel)
    known = known_subjects(db)
    blocks: list[Block] = []
    found = [(s, h) for s in book.sheets if (h := find_header(s, _score)) is not None]
    if not found:
        pv.fatal = ("не найдена таблица протокола: нужна строка заголовка с фамилией (или ФИО) участника и "
                    "первичным или тестовым баллом, ответами с кратким или развёрнутым ответом.")
    for n, (sheet, header) in enumerate(found):
        blocks += _read_sheet(db, sheet, header, path, options, known, pv, cancel)
        if progress:
            progress(n + 1, len(found))
    if found and not blocks and not pv.fatal and not pv.missing_options and not pv.problems:
        pv.fatal = "в протоколе нет ни одной строки с результатами участников."
    pv.payload = blocks
    count_students(pv, blocks)
    return pv


def _read_sheet(db, sheet: Sheet, header: Header, path: Path, options, known, pv: Preview, cancel) -> list[Block]:
    cols: dict[str, int] = {}
    for c, label in enumerate(header.labels):
        role = role_of(label)
        if role and role not in cols:
            cols[role] = c
    ctx = sheet_context(sheet, header.row, path, options, known, exam=True)
    grades = [parse_class_label(c)[0] for r in range(header.row + 1, len(sheet.rows))
              if "class" in cols and (c := clean_class_label(sheet.value(r, cols["class"])))]
    text = " ".join(meta_lines(sheet, header.row) + [sheet.name, path.stem.replace("_", " ")])
    kind = exam_kind(text, set(cols), grades, options.get("exam"))
    if kind is None:
        pv.missing_options["exam"] = "Не указано, ОГЭ это или ЕГЭ."
    if ctx.grade is None or (grades and ctx.grade not in grades):
        ctx.grade = max(set(grades), key=grades.count) if grades else {"oge": 9, "ege": 11}.get(kind)
    if "subject" in cols:
        ctx.subject = ctx.subject or "—"          # per row
    needed = [c for role, c in cols.items() if role in ("test", "short", "long", "primary", "mark")]
    pv.fatal = pv.fatal or sheet.formula_message(header.row, needed)
    if pv.fatal:
        return []
    missing = ask_missing(pv, ctx, need_class=False)        # everything open is asked at once
    if kind is None:
        pv.missing_options.pop("grade", None)                 # the exam answers it
    if kind is None or missing:
        return []
    rows = _rows(db, sheet, header, cols, ctx, kind, options, known, pv, cancel)
    return _blocks(db, rows, sheet, ctx, kind, cols, pv)


def _rows(db, sheet, header, cols, ctx: SheetContext, kind, options, known, pv, cancel) -> list[tuple]:
    from app.core.errors import check_cancel

    matcher = Matcher(db, ctx.year, options.get("students"))
    out, seen = [], {}
    for r in range(header.row + 1, len(sheet.rows)):
        if r % 500 == 0:
            check_cancel(cancel)
        if not sheet.rows[r]:
            continue
        parsed = _row(sheet, r, cols, ctx, kind, matcher, known, pv)
        if parsed is None:
            continue
        subject, res = parsed
        key = (subject, res.match.key)
        if key in seen:
            pv.problems.append(sheet.problem(pv.file, r, f"тот же участник уже встречался в строке {seen[key]}."))
            pv.rows_ok -= 1
            continue
        seen[key] = r + 1
        out.append(parsed)
    return out


def _row(sheet: Sheet, r: int, cols: dict, ctx: SheetContext, kind: str, matcher: Matcher, known, pv):
    val = lambda role: sheet.value(r, cols[role]) if role in cols else None  # noqa: E731
    if "name" in cols:
        name = clean_name(val("name"))
    else:
        name = clean_name(" ".join(str(v).strip() for v in (val("surname"), val("first_name"), val("patronymic"))
                                   if v not in (None, "")))
    if not name:
        return None
    pv.rows_total += 1
    reasons: list[str] = []
    cls = clean_class_label(val("class")) if val("class") not in (None, "") else ctx.class_label
    subject = ctx.subject
    if "subject" in cols:
        subject = subject_in_text(sheet.text(r, cols["subject"]), known=known) or sheet.text(r, cols["subject"])
        if not subject:
            reasons.append("не указан предмет.")
    res = ResultRow(r + 1, matcher.match(None, name, cls), cls)
    res.variant = (sheet.text(r, cols["variant"]) or None) if "variant" in cols else None
    res.absent = any(_ABSENT.search(norm(v)) for v in sheet.rows[r] if isinstance(v, str))
    if not res.absent:
        res.scores = _answers(norm(val("short")), norm(val("long")), reasons)
        res.primary = _number(val("primary"), "первичный балл", 0, None, reasons)
        res.test_score = _number(val("test"), "тестовый балл", 0, 100, reasons)
        res.mark = parse_mark(val("mark"), "отметка", reasons)
        if res.primary is None and res.test_score is None and res.mark is None and not res.scores:
            pv.rows_total -= 1
            return None
    if reasons:
        pv.problems.append(sheet.problem(pv.file, r, " ".join(reasons)))
        return None
    pv.rows_ok += 1
    return subject, res


def _number(value, what: str, low: int, high: int | None, reasons: list[str]) -> int | None:
    text = norm(value)
    if text in ("", "-", "—"):
        return None
    number = to_int(value)
    if number is None or number < low or (high is not None and number > high):
        limit = f"от {low} до {high}" if high is not None else f"целое число от {low}"
        reasons.append(f"{what} «{text}» недопустим (ожидается {limit}).")
        return None
    return number


def _answers(short: str, long: str, reasons: list[str]) -> list[tuple[int | None, int]]:
    """Task (score, max) pairs: the short answers first, then the long ones."""
    out: list[tuple[int | None, int]] = []
    for ch in short.replace(" ", ""):
        if ch == "+":
            out.append((1, 1))
        elif ch == "-":
            out.append((0, 1))
        elif ch.isdigit():
            out.append((int(ch), max(int(ch), 1)))
        else:
            out.append((None, 1))
    for score, maximum in _LONG.findall(long):
        mx = int(maximum)
        value = int(score) if score.isdigit() else None
        if value is not None and value > mx:
            reasons.append(f"развёрнутый ответ: {value} баллов из {mx} — больше максимума.")
        out.append((value, mx))
    if long and not _LONG.search(long):
        reasons.append(f"строка развёрнутых ответов «{long[:30]}» не читается (ожидается вида «1(2)0(3)»).")
    return out


def _blocks(db, rows: list[tuple], sheet: Sheet, ctx: SheetContext, kind: str, cols: dict, pv: Preview) -> list[Block]:
    by_subject: dict[str, list[ResultRow]] = {}
    for subject, res in rows:
        by_subject.setdefault(_exam_subject(subject, kind, cols), []).append(res)
    blocks = []
    for subject, results in by_subject.items():
        width = max((len(r.scores) for r in results), default=0)
        maxima = [max((r.scores[i][1] for r in results if i < len(r.scores)), default=1) for i in range(width)]
        for r in results:
            if not r.absent:
                r.scores = [r.scores[i][0] if i < len(r.scores) else None for i in range(width)]
        tasks = [TaskSpec(str(i + 1), i + 1, m) for i, m in enumerate(maxima)]
        block = Block(kind, sheet.name, subject, ctx.grade, ctx.year, ctx.date, ctx.max_score, tasks, results)
        fill_scores(block, pv)
        apply_scale(db, block, pv, has_mark_column="mark" in cols or kind == "ege")
        label = "ОГЭ" if kind == "oge" else "ЕГЭ"
        pv.summary.append(f"{label}: {subject}, {ctx.grade} класс, {ctx.year}; участников {len(results)}, "
                          f"не явились или не завершили {sum(r.absent for r in results)}.")
        blocks.append(block)
    return blocks


def _exam_subject(subject: str, kind: str, cols: dict) -> str:
    """ЕГЭ maths is two exams: with a test score it is the profile level, with a mark the base one."""
    if kind == "ege" and subject == "Математика":
        return "Математика (профильный уровень)" if "test" in cols else "Математика (базовый уровень)"
    return subject


__all__ = ["KIND", "detect", "preview", "commit"]
