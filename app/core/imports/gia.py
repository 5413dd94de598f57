"""ГИА protocols (ОГЭ / ЕГЭ results per pupil): ЦОИ protocols (often .xls), appeal protocols, csv.

A row per pupil: surname, name, patronymic (or one «ФИО» column), class, codes of the municipality,
school and exam point, the short-answer string («++-+1-+0+»: «+» one point, «-» none, a digit that
many points), the long-answer string («2(2)1(2)0(3)»: score and maximum per task), primary score,
and a test score (ЕГЭ: «Тестовый балл», «Балл», «Итоговый балл») or a mark (ОГЭ: «Оценка»).
Pupils are matched by name and class; a class given as a bare letter («А») belongs to the exam's
grade (ОГЭ → 9А, ЕГЭ → 11А).

A ЦОИ sheet may hold several exams one under another: each block has its own lines above its own
header («02 - Математика 2026.06.02»: the subject code, the subject, the date) and usually ends
with a row of averages («Средние»); every block is read as its own procedure. An appeal protocol
names the exam per row («Экзамен»: «Математика(2026.06.02)») and has a two-row header where
«Текущие» stands above the scores now in force and «Прежние» above the old ones: the current
ones are taken. The exam (ОГЭ or ЕГЭ), subject, date and year come from the lines above the
header, the sheet, the file name («05_2026.05.27»), the columns or the options; the short and long
answers become the procedure's tasks, numbered on from the short ones.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from app.core import fmt
from app.core.domain import class_label as make_class_label
from app.core.domain import parse_class_label

from .base import Preview
from .students import (Matcher, clean_class_label, clean_name, date_in_text, known_subjects, subject_in_text,
                       year_in_text)
from .table_reader import Sheet, cell_text, meta_lines, norm, peek, read_book, to_int
from .forms import (Block, ResultRow, SheetContext, TaskSpec, apply_scale, ask_missing, count_students,
                    fill_scores, parse_mark, sheet_context)
from .writer import commit

KIND = "gia"
ROLES = [
    ("test", r"тестов\w* балл|^тб$|стобалльн|^итогов\w* балл"),
    ("short", r"кратк\w* (ответ|форм)|^часть 1|^ответы части 1|тестов\w* част"),
    ("long", r"развернут\w* (ответ|форм)|развeрнут|^часть 2|^критери"),
    ("primary", r"первичн\w* балл|^сумма( баллов)?$|^балл$"),
    ("mark", r"^отметка|^оценка|балл \(отметка\)|пятибалл"),
    ("name", r"^фио|^ф\.? ?и\.? ?о|фамилия,? имя|^участник$"),
    ("surname", r"^фамилия$"), ("first_name", r"^имя$"), ("patronymic", r"^отчество$"),
    ("class", r"^класс"), ("subject", r"^предмет|^учебный предмет|^экзамен$"), ("variant", r"^вариант"),
    ("school", r"код (оо|образовательн|школы)"), ("ppe", r"ппэ|пункт\w* проведения"),
]
ROLES = [(r, re.compile(p)) for r, p in ROLES]
_ABSENT = re.compile(r"неявк|не явил|отсутств|удален|не заверш")
_LONG = re.compile(r"(\d{1,2}|[xх-])\s*\(\s*(\d{1,2})\s*\)", re.I)
# the scores of an appeal protocol: «Прежние» (before the appeal) and «Текущие» (in force now)
_OLD = re.compile(r"прежн|до апелл|стары|первоначальн|было")
_NEW = re.compile(r"текущ|после апелл|новы|стало|измененн")
# header cells without a role of their own (a second header row may repeat them)
_OTHER_HEAD = re.compile(r"^№|^n$|^номер|^код|^аудитор|^дата|^примечан|^п/п")
_TOTALS = re.compile(r"^(средн|итого|всего)")
_EXAM_DATE = re.compile(r"(?<!\d)(20\d\d)[.\-/](\d\d)[.\-/](\d\d)(?!\d)")
_SUBJECT_LINE = re.compile(r"^\s*\d{1,3}\s*[-–—]\s*\S")       # «02 - Математика 2026.06.02»
_TITLE_WORDS = re.compile(r"предмет|огэ|егэ|гиа|гвэ|протокол|экзамен|результат")


def role_of(label: str) -> str | None:
    return next((r for r, rx in ROLES if label and rx.search(label.replace("ё", "е"))), None)


def _score(labels: list[str]) -> float:
    roles = {role_of(t) for t in labels if t}
    if not roles & {"name", "surname"} or not roles & {"primary", "test", "short", "long"}:
        return 0
    return len(roles - {None}) + 3 * len(roles & {"short", "long", "test", "ppe"})


# -- header rows ---------------------------------------------------------------------------------------

@dataclass
class Head:
    """A header: `row` is its last row (pupils follow), `top` its first (a row of «Текущие» / «Прежние»)."""

    row: int
    top: int
    labels: list[str]
    groups: list[str]                  # per column: 'old', 'new' or ''


def _maybe_header(row: list) -> bool:
    for v in row:
        if isinstance(v, str) and len(v) < 60:
            t = v.strip().lower()
            if t.startswith(("фамил", "фио", "ф.и.о", "ф. и. о", "ф и о")) or t == "участник":
                return True
    return False


def _second_row(upper: list[str], lower: list[str]) -> bool:
    """True when `lower` continues a header (scores under «Текущие»), not a pupil's row."""
    filled = [(c, t) for c, t in enumerate(lower) if t]
    return bool(filled) and all(
        (c < len(upper) and upper[c] == t) or role_of(t) or _OLD.search(t) or _NEW.search(t)
        or _OTHER_HEAD.search(t) for c, t in filled)


def _groups(sheet: Sheet, r: int, width: int) -> list[str]:
    above = sheet.norm_row(r) if 0 <= r < len(sheet.rows) else []
    out = []
    for c in range(width):
        t = above[c] if c < len(above) else ""
        out.append("old" if t and _OLD.search(t) else "new" if t and _NEW.search(t) else "")
    return out


def find_heads(sheet: Sheet, limit: int | None = None) -> list[Head]:
    """Every header row of the sheet (several exams may stand one under another), top to bottom."""
    heads: list[Head] = []
    end = len(sheet.rows) if limit is None else min(limit, len(sheet.rows))
    r = 0
    while r < end:
        if not sheet.rows[r] or not _maybe_header(sheet.rows[r]):
            r += 1
            continue
        labels = sheet.norm_row(r)
        head = None
        lower = sheet.norm_row(r + 1) if r + 1 < len(sheet.rows) else []
        if lower and _second_row(labels, lower):
            combined = [b or a for a, b in zip_longest(labels, lower, fillvalue="")]
            if _score(combined) > 0:
                head = Head(r + 1, r, combined, _groups(sheet, r, len(combined)))
        if head is None and _score(labels) > 0:
            groups = _groups(sheet, r - 1, len(labels))
            head = Head(r, r - 1 if any(groups) else r, list(labels), groups)
        if head is None:
            r += 1
            continue
        heads.append(head)
        r = head.row + 1
    return heads


def _columns(head: Head) -> dict[str, int]:
    """Role → column; the scores under «Прежние» are left out, those under «Текущие» preferred."""
    found: dict[str, list[int]] = {}
    for c, label in enumerate(head.labels):
        role = role_of(label) if label else None
        if role and head.groups[c] != "old":
            found.setdefault(role, []).append(c)
    cols = {}
    for role, cs in found.items():
        current = [c for c in cs if head.groups[c] == "new"]
        cols[role] = (current or cs)[0]
    primary = found.get("primary", [])
    if "test" not in cols and len(primary) > 1:        # «Первичный балл» … «Балл» (ЕГЭ): the test score
        bare = [c for c in primary if head.labels[c] == "балл"]
        if bare and len(bare) < len(primary):
            cols["test"] = bare[0]
            cols["primary"] = next(c for c in primary if c not in bare)
    return cols


def detect(path: Path) -> float:
    book = peek(path)
    best = 0.0
    for sheet in book.sheets:
        heads = find_heads(sheet, limit=60)
        if heads:
            best = max(best, 0.5 + min(max(_score(h.labels) for h in heads), 20) / 50)
    text = norm(path.stem) + " " + " ".join(" ".join(meta_lines(s, 6)) for s in book.sheets).lower()
    if best and re.search(r"огэ|егэ|гиа|гвэ|ппэ|протокол|экзамен|апелляц", text):
        best += 0.2
    return min(best, 1.0)


def exam_kind(text: str, roles: set, grades: list[int], option: str | None, *,
              above: str | None = None) -> str | None:
    """ОГЭ or ЕГЭ: the title, the option, a test-score column, the pupils' grades, the exam of the
    block above (`above`), and last a five-point mark without a test score (ОГЭ)."""
    t = norm(text)
    if re.search(r"\bегэ\b|единого государственного|единый государственный|\bгиа[- ]?11\b", t):
        return "ege"
    if re.search(r"\bогэ\b|основного государственного|основной государственный|\bгиа[- ]?9\b", t):
        return "oge"
    if option in ("oge", "ege"):
        return option
    if "test" in roles:
        return "ege"
    if grades:
        common = max(set(grades), key=grades.count)
        if common in (9, 11):
            return {9: "oge", 11: "ege"}[common]
    if above:
        return above
    if "mark" in roles:               # a five-point mark and no test score: ОГЭ
        return "oge"
    return None


def exam_date(text: str) -> str | None:
    """«2026.06.02» (as ЦОИ writes it), «02.06.2026» or ISO → '2026-06-02'."""
    import datetime as _dt

    for m in _EXAM_DATE.finditer(text or ""):
        try:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            continue
    return date_in_text(text or "")


# -- preview ------------------------------------------------------------------------------------------

@dataclass
class Part:
    """One exam block of a sheet: its header, pupils' rows and the lines above it."""

    head: Head
    first: int                      # first pupil row
    end: int                        # past the last pupil row
    lines: list[str]
    cols: dict[str, int] = field(default_factory=dict)
    ctx: SheetContext | None = None
    kind: str | None = None


@dataclass
class Parsed:
    kind: str
    subject: str
    date: str | None
    ctx: SheetContext
    has_mark: bool
    res: ResultRow


def preview(db, path: Path, options: dict, *, progress=None, cancel=None) -> Preview:
    path = Path(path)
    pv = Preview(kind=KIND, file=path)
    book = read_book(path, cancel=cancel)
    known = known_subjects(db)
    blocks: list[Block] = []
    found = [(s, heads) for s in book.sheets if (heads := find_heads(s))]
    if not found:
        pv.fatal = ("не найдена таблица протокола: нужна строка заголовка с фамилией (или ФИО) участника и "
                    "первичным или тестовым баллом, ответами с кратким или развёрнутым ответом.")
    for n, (sheet, heads) in enumerate(found):
        blocks += _read_sheet(db, sheet, heads, path, options, known, pv, cancel)
        if progress:
            progress(n + 1, len(found))
    if found and not blocks and not pv.fatal and not pv.missing_options and not pv.problems:
        pv.fatal = "в протоколе нет ни одной строки с результатами участников."
    pv.payload = blocks
    count_students(pv, blocks)
    return pv


def _is_totals(row: list) -> bool:
    """A row of averages or totals closing an exam block («Средние», «Итого»)."""
    for v in row[:10]:
        if isinstance(v, str) and v.strip():
            return bool(_TOTALS.match(norm(v)))
        if v not in (None, ""):
            return False
    return False


def _is_line(row: list) -> bool:
    """An empty row or a line of text above a header (one text, maybe repeated by a merged range)."""
    texts = {cell_text(v) for v in row if cell_text(v)}
    return len(texts) <= 1


def _parts(sheet: Sheet, heads: list[Head]) -> list[Part]:
    """Split the sheet at its headers: a block ends at its row of averages («Средние») or at the
    lines above the next header (the next exam's subject and date)."""
    parts = []
    lines = meta_lines(sheet, heads[0].top)
    for i, head in enumerate(heads):
        first = head.row + 1
        limit = heads[i + 1].top if i + 1 < len(heads) else len(sheet.rows)
        end = next((r for r in range(first, limit) if sheet.rows[r] and _is_totals(sheet.rows[r])), None)
        next_lines: list[str] = []
        if i + 1 < len(heads):
            if end is None:
                start = limit
                while start > first and _is_line(sheet.rows[start - 1]):
                    start -= 1
                end = start
            else:
                start = end + 1
            next_lines = meta_lines(Sheet(sheet.name, sheet.rows[start:limit]), limit - start)
        elif end is None:
            end = limit
        parts.append(Part(head, first, end, lines))
        lines = next_lines
    return parts


def _read_sheet(db, sheet: Sheet, heads: list[Head], path: Path, options, known, pv: Preview,
                cancel) -> list[Block]:
    parts = _parts(sheet, heads)
    title = meta_lines(sheet, heads[0].top)
    prev: Part | None = None
    asked = False
    for part in parts:
        part.cols = cols = _columns(part.head)
        ctx = part.ctx = _context(sheet, part, path, options, known, prev)
        grades = [parse_class_label(c)[0] for r in range(part.first, part.end)
                  if "class" in cols and (c := clean_class_label(sheet.value(r, cols["class"])))]
        text = " ".join(title + part.lines + [sheet.name, path.stem.replace("_", " ")])
        part.kind = kind = exam_kind(text, set(cols), grades, options.get("exam"),
                                          above=prev.kind if prev else None)
        if kind is None:
            pv.missing_options["exam"] = "Не указано, ОГЭ это или ЕГЭ."
        if ctx.grade is None or (grades and ctx.grade not in grades):
            ctx.grade = max(set(grades), key=grades.count) if grades else {"oge": 9, "ege": 11}.get(kind)
        if "subject" in cols:
            ctx.subject = ctx.subject or "—"          # per row
            if ctx.year is None and options.get("year") is None:
                dates = [d for r in range(part.first, part.end) if (d := exam_date(sheet.text(r, cols["subject"])))]
                if dates:
                    ctx.date = ctx.date or Counter(dates).most_common(1)[0][0]
                    ctx.year = f"{int(ctx.date[:4]) - 1}/{ctx.date[:4]}"
        needed = [c for role, c in cols.items() if role in ("test", "short", "long", "primary", "mark")]
        pv.fatal = pv.fatal or sheet.formula_message(part.head.row, needed)
        if pv.fatal:
            return []
        missing = ask_missing(pv, ctx, need_class=False)        # everything open is asked at once
        if kind is None:
            pv.missing_options.pop("grade", None)                 # the exam answers it
        asked = asked or kind is None or missing
        prev = part
    if asked:
        return []
    return _blocks(db, _rows(db, sheet, parts, options, known, pv, cancel), sheet, pv)


def _context(sheet: Sheet, part: Part, path: Path, options, known, prev: Part | None) -> SheetContext:
    """Subject, grade, date and year of one exam block: its own lines first («02 - Математика
    2026.06.02»), then (for a later block) the block above, then the sheet, the file name, options."""
    rows = [[ln] for ln in part.lines]
    ctx = sheet_context(Sheet(sheet.name, rows), len(rows), path, options, known, exam=True)
    own_subject = own_date = None
    for ln in part.lines:
        low = norm(ln)
        if own_subject is None and ("предмет" in low or _SUBJECT_LINE.match(low) or exam_date(ln)
                                    or _TITLE_WORDS.search(low)):
            after = low[low.index("предмет") + 7:] if "предмет" in low else low
            own_subject = subject_in_text(after, known=known)
        own_date = own_date or exam_date(ln)
    if prev is not None and prev.ctx is not None:
        own_subject = own_subject or prev.ctx.subject
        own_date = own_date or prev.ctx.date
    ctx.subject = own_subject or ctx.subject
    ctx.date = own_date or ctx.date or exam_date(path.stem.replace("_", " ")) or exam_date(sheet.name)
    explicit = next((y for s in part.lines + [sheet.name, path.stem] if (y := year_in_text(s))), None)
    if ctx.date and not explicit:
        ctx.year = f"{int(ctx.date[:4]) - 1}/{ctx.date[:4]}"
    return ctx


def _rows(db, sheet: Sheet, parts: list[Part], options, known, pv: Preview, cancel) -> list[Parsed]:
    from app.core.errors import check_cancel

    matchers: dict[str, Matcher] = {}
    out, seen = [], {}
    for part in parts:
        ctx = part.ctx
        if ctx.year not in matchers:
            matchers[ctx.year] = Matcher(db, ctx.year, options.get("students"))
        matcher = matchers[ctx.year]
        for r in range(part.first, part.end):
            if r % 500 == 0:
                check_cancel(cancel)
            if not sheet.rows[r]:
                continue
            parsed = _row(sheet, r, part, matcher, known, pv)
            if parsed is None:
                continue
            key = (parsed.kind, parsed.subject, parsed.ctx.year, parsed.res.match.key)
            if key in seen:
                pv.problems.append(sheet.problem(pv.file, r, f"тот же участник уже встречался в строке {seen[key]}."))
                pv.rows_ok -= 1
                continue
            seen[key] = r + 1
            out.append(parsed)
    return out


def _class(value, grade: int | None, reasons: list[str]) -> str | None:
    text = cell_text(value)
    if not text:
        return None
    cls = clean_class_label(text)
    if cls:
        return cls
    letter = text.strip("«»\"' ")
    if re.fullmatch(r"[А-Яа-яЁё]", letter) and grade:
        return make_class_label(grade, letter.upper())         # «А» in an ОГЭ protocol: 9А
    reasons.append(f"«{text}» — не класс.")
    return None


def _row(sheet: Sheet, r: int, part: Part, matcher: Matcher, known, pv) -> Parsed | None:
    cols, ctx = part.cols, part.ctx
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
    cls = _class(val("class"), ctx.grade, reasons) if val("class") not in (None, "") else ctx.class_label
    subject, date = ctx.subject, ctx.date
    if "subject" in cols:
        text = sheet.text(r, cols["subject"])
        subject = subject_in_text(re.sub(r"\(.*?\)", " ", text), known=known) or text
        date = exam_date(text) or date
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
    kind = part.kind
    return Parsed(kind, _exam_subject(subject, kind, cols), date, ctx, "mark" in cols, res)


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


def _blocks(db, rows: list[Parsed], sheet: Sheet, pv: Preview) -> list[Block]:
    groups: dict[tuple, list[Parsed]] = {}
    for p in rows:
        groups.setdefault((p.kind, p.subject, p.ctx.grade, p.ctx.year), []).append(p)
    blocks = []
    for (kind, subject, grade, year), parsed in groups.items():
        results = [p.res for p in parsed]
        dates = [p.date for p in parsed if p.date]
        date = Counter(dates).most_common(1)[0][0] if dates else None
        width = max((len(r.scores) for r in results), default=0)
        maxima = [max((r.scores[i][1] for r in results if i < len(r.scores)), default=1) for i in range(width)]
        for r in results:
            if not r.absent:
                r.scores = [r.scores[i][0] if i < len(r.scores) else None for i in range(width)]
        tasks = [TaskSpec(str(i + 1), i + 1, m) for i, m in enumerate(maxima)]
        block = Block(kind, sheet.name, subject, grade, year, date, parsed[0].ctx.max_score, tasks, results)
        fill_scores(block, pv)
        apply_scale(db, block, pv, has_mark_column=any(p.has_mark for p in parsed) or kind == "ege")
        label = "ОГЭ" if kind == "oge" else "ЕГЭ"
        when = f", экзамен {fmt.date(date)}" if date else ""
        pv.summary.append(f"{label}: {subject}, {grade} класс, {year}{when}; участников {len(results)}, "
                          f"не явились или не завершили {sum(r.absent for r in results)}.")
        blocks.append(block)
    return blocks


def _exam_subject(subject: str, kind: str, cols: dict) -> str:
    """ЕГЭ maths is two exams: with a test score it is the profile level, with a mark the base one."""
    if kind == "ege" and subject == "Математика":
        return "Математика (профильный уровень)" if "test" in cols else "Математика (базовый уровень)"
    return subject


__all__ = ["KIND", "detect", "preview", "commit", "find_heads", "exam_kind", "exam_date"]
