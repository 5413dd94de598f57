"""ВПР results forms (ФИС ОКО collection forms and portal exports), xlsx or csv.

Layouts change every year, so nothing is read from fixed cells: on every sheet the header row is
the one with a pupil column («Код участника», «ФИО») and task columns («1», «3.1», «3(1)», «1К1»,
«Задание 5», «1 (2б)»); merged header cells are already expanded by the table reader. Around the
header: a row of Б / П / В difficulty letters, a row of maximum scores, meta rows («Предмет»,
«Класс», «Дата», «Максимальный первичный балл») and notes below. Subject, grade, class, date and
year come from the sheet, its name, the file name, or the options. Absent pupils («не
присутствовал», «отсутствовал») get an absent result; «X» is a task not done (NULL score). With
no mark column the mark is computed from the DB scale of that kind, subject, grade and year.

Writing to the DB (``commit``) lives in ``writer``, shared with the ГИА importer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.core.domain import parse_class_label
from app.core.scales import mark_for

from .base import Preview
from .students import (Match, Matcher, ambiguity_text, class_in_text, clean_class_label,
                       clean_name, code_text, date_in_text, grade_in_text, known_subjects, subject_in_text,
                       bare_year_in_text, year_in_text, year_of_date)
from .table_reader import Sheet, find_header, meta_lines, norm, peek, read_book, to_int
from .writer import commit  # noqa: F401 - the commit side, shared with the ГИА importer

KIND = "vpr"

ROLES = [
    ("journal", re.compile(r"отметка (по журналу|за предыдущ|за (\d )?(четверт|триместр|полугод))|журнал")),
    ("mark", re.compile(r"^(отметка|оценка)\b|^итоговая отметка|^отметка по пятибалл")),
    ("total", re.compile(r"первичн\w* балл|сумма( баллов)?|^итого( баллов)?$|^всего баллов|^общий балл|"
                         r"^балл(ы)?( за работу)?$")),
    ("variant", re.compile(r"^(№ )?вариант")),
    ("code", re.compile(r"^код\b|код (участника|ученика|обучающегося)|^(№|номер) участника|^логин")),
    ("name", re.compile(r"^фио|^ф\.? ?и\.? ?о|фамилия|^ученик|^обучающ|^участник$")),
    ("class", re.compile(r"^класс|^литера")),
    ("absent", re.compile(r"присутств|отсутств|^явка")),
]
_TASK_RE = re.compile(r"^(?:задание|зад\.?|з\.|№)?\s*(\d{1,2}(?:\s*[.,]\s*\d{1,2}|\s*\(\s*\d{1,2}\s*\)|\s*к\s*\d{1,2})?)"
                      r"\s*(?:\(\s*(?:макс\w*\.?\s*)?(\d{1,2})\s*(?:б|балл)\w*\.?\s*\))?$")
_ABSENT_RE = re.compile(r"не\s*присутств|отсутств|не\s*явил|неявка|^н/я$|не был")
_NOT_DONE = {"x", "х", "-", "—", "–"}
_TOTALS = re.compile(r"итог|всего|средн|сумма|максим|процент|количеств|выполнени|медиан|^%")
_LEVELS = {"б": "basic", "базовый": "basic", "п": "advanced", "повышенный": "advanced",
           "в": "high", "высокий": "high"}
_SHOW_ID = {"code": "код", "name": "ФИО"}


def role_of(label: str) -> str | None:
    for role, rx in ROLES:
        if rx.search(label):
            return role
    return None


def task_of(label: str) -> tuple[str, int | None] | None:
    """'3.1' → ('3.1', None); 'задание 5' → ('5', None); '1 (2б)' → ('1', 2); '1к1' → ('1К1', None)."""
    m = _TASK_RE.match(label)
    if not m or not label:
        return None
    number = re.sub(r"\s+", "", m.group(1)).replace(",", ".").replace("к", "К")
    return number, (int(m.group(2)) if m.group(2) else None)


_PUPIL_RES = [rx for role, rx in ROLES if role in ("code", "name")]


def _header_score(labels: list[str]) -> float:
    if not any(t and rx.search(t) for t in labels for rx in _PUPIL_RES):
        return 0                                  # no pupil column: a data row, a title or a note
    roles = {role_of(t) for t in labels if t}
    tasks = sum(1 for t in labels if t and task_of(t))
    if tasks < 2 or not roles & {"code", "name"}:
        return 0
    return tasks + 3 * len(roles - {None})


def _borrow(label: str) -> bool:
    return role_of(label) is not None


def detect(path: Path) -> float:
    book = peek(path)
    text = norm(path.stem) + " " + " ".join(
        " ".join(meta_lines(s, 8)) for s in book.sheets).lower()
    best = 0.0
    for sheet in book.sheets:
        header = find_header(sheet, _header_score, borrow=_borrow)
        if header is not None:
            best = max(best, 0.55 + min(_header_score(header.labels), 30) / 150)
    if best and re.search(r"впр|проверочн", text):
        best += 0.25
    if re.search(r"огэ|егэ|гиа|ппэ", text):
        best -= 0.3
    return max(0.0, min(best, 1.0))


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


@dataclass
class Layout:
    header: int
    cols: dict[str, int]                    # role → column
    tasks: list[tuple[int, str, int | None]]  # (column, number, max from the header)
    skip: set[int]                          # rows that are not pupils (max scores, levels)
    levels: dict[int, str]
    maxima: dict[int, int]                  # column → maximum from a row of maxima (-1: the total)
    task_max: list[tuple[str, int | None]] = field(default_factory=list)   # (number, maximum) per task


# -- preview ---------------------------------------------------------------------------------------

def preview(db, path: Path, options: dict, *, progress=None, cancel=None) -> Preview:
    path = Path(path)
    pv = Preview(kind=KIND, file=path)
    book = read_book(path, cancel=cancel)
    found = [(s, _layout(s)) for s in book.sheets]
    found = [(s, lay) for s, lay in found if lay is not None]
    if not found:
        pv.fatal = ("не найдена таблица результатов: нет строки заголовка со столбцом «Код участника» "
                    "или «ФИО» и номерами заданий («1», «2», «3.1» …).")
        return pv
    known = known_subjects(db)
    blocks = []
    for n, (sheet, lay) in enumerate(found):
        ctx = sheet_context(sheet, lay.header, path, options, known)
        block = _read_sheet(db, sheet, lay, ctx, pv, options, cancel)
        if block is not None:
            blocks.append(block)
        if progress:
            progress(n + 1, len(found))
    if not blocks and not pv.fatal and not pv.missing_options:
        pv.fatal = pv.fatal or "в таблице нет ни одной строки с результатами учащихся."
    pv.payload = blocks
    count_students(pv, blocks)
    return pv


def _layout(sheet: Sheet) -> Layout | None:
    header = find_header(sheet, _header_score, borrow=_borrow)
    if header is None:
        return None
    cols: dict[str, int] = {}
    tasks = []
    for c, label in enumerate(header.labels):
        role = role_of(label) if label else None
        if role and role not in cols:
            cols[role] = c
        elif role is None and label and (t := task_of(label)):
            tasks.append((c, t[0], t[1]))
    lay = Layout(header.row, cols, tasks, set(), {}, {})
    _special_rows(sheet, lay)
    lay.task_max = [(num, lay.maxima.get(c) or mx) for c, num, mx in tasks]
    return lay


def _special_rows(sheet: Sheet, lay: Layout) -> None:
    """Find the rows of difficulty letters and of maximum scores near the header."""
    task_cols = [c for c, _, _ in lay.tasks]
    id_cols = [lay.cols[r] for r in ("code", "name") if r in lay.cols]
    for r in [*range(max(lay.header - 3, 0), lay.header), *range(lay.header + 1, lay.header + 4)]:
        texts = [norm(sheet.value(r, c)) for c in task_cols]
        filled = [t for t in texts if t]
        if not filled:
            continue
        if sum(t in _LEVELS for t in filled) >= 0.5 * len(task_cols):
            lay.skip.add(r)
            lay.levels = {c: _LEVELS[t] for c, t in zip(task_cols, texts) if t in _LEVELS}
            continue
        row_text = " ".join(norm(v) for v in (sheet.rows[r] if r < len(sheet.rows) else []))
        ids = [sheet.text(r, c) for c in id_cols]
        numbers = [to_int(sheet.value(r, c)) for c in task_cols]
        positive = [v for v in numbers if v and v > 0]
        if r > lay.header and len(positive) >= 0.5 * len(task_cols) and (
                "макс" in row_text or (not any(ids) and len(positive) == len(filled))):
            lay.skip.add(r)
            lay.maxima = {c: v for c, v in zip(task_cols, numbers) if v and v > 0}
            if "total" in lay.cols and (t := to_int(sheet.value(r, lay.cols["total"]))):
                lay.maxima[-1] = t


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
    by_date = (f"{int(date[:4]) - 1}/{date[:4]}" if exam else year_of_date(date)) if date else None
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


def _read_sheet(db, sheet: Sheet, lay: Layout, ctx: SheetContext, pv: Preview, options, cancel):
    from app.core.errors import check_cancel

    if ctx.grade is None and "class" in lay.cols:
        ctx.grade = grade_of_column(sheet, lay.header, lay.cols["class"])
    needed = [c for c, _, _ in lay.tasks] + [lay.cols[k] for k in ("total", "mark") if k in lay.cols]
    pv.fatal = pv.fatal or sheet.formula_message(lay.header, needed)
    if pv.fatal or ask_missing(pv, ctx, need_class="class" not in lay.cols):
        return None
    matcher = Matcher(db, ctx.year, options.get("students"))
    results, seen = [], {}
    for r in range(lay.header + 1, len(sheet.rows)):
        if r % 500 == 0:
            check_cancel(cancel)
        if r in lay.skip or not sheet.rows[r]:
            continue
        row = _parse_row(sheet, lay, r, ctx, matcher, pv)
        if row is None:
            continue
        if (dup := seen.get(row.match.key)) is not None:
            pv.problems.append(sheet.problem(pv.file, r, f"тот же учащийся уже встречался в строке {dup}."))
            continue
        seen[row.match.key] = r + 1
        results.append(row)
    pv.summary.extend(ctx.notes)
    if not results:
        return None
    block = Block(KIND, sheet.name, ctx.subject, ctx.grade, ctx.year, ctx.date, ctx.max_score,
                  [TaskSpec(num, i + 1, lay.maxima.get(c) or mx, lay.levels.get(c))
                   for i, (c, num, mx) in enumerate(lay.tasks)], results)
    _finish_block(db, block, lay, pv, sheet)
    return block


def grade_of_column(sheet: Sheet, header: int, col: int) -> int | None:
    """The most common grade among the class labels of a class column."""
    grades = [parse_class_label(c)[0] for r in range(header + 1, len(sheet.rows))
              if (c := clean_class_label(sheet.value(r, col)))]
    return max(set(grades), key=grades.count) if grades else None


def _parse_row(sheet: Sheet, lay: Layout, r: int, ctx: SheetContext, matcher: Matcher, pv: Preview):
    """One pupil's row → ResultRow; None for notes, totals and empty rows (problems recorded)."""
    row = sheet.rows[r]
    width, cols = len(row), lay.cols

    def val(role: str):
        c = cols.get(role)
        return row[c] if c is not None and c < width else None

    code = code_text(val("code"))
    name = clean_name(val("name")) or (clean_name(val("code")) if code is None else None)
    cells = [row[c] if c < width else None for c, _, _ in lay.tasks]
    has_data = any(v is not None and v != "" for v in cells) or val("total") not in (None, "") or \
        val("mark") not in (None, "")
    if not code and not name:
        raw = " ".join(sheet.text(r, cols[k]) for k in ("code", "name") if k in cols).strip()
        totals = any(_TOTALS.search(v.lower()) for v in row if type(v) is str)
        if has_data and not raw and not totals:
            pv.problems.append(sheet.problem(pv.file, r, "нет ни кода участника, ни ФИО."))
        return None
    pv.rows_total += 1
    raw_class = val("class")
    cls = _class_label(raw_class) if raw_class not in (None, "") else ctx.class_label
    reasons: list[str] = []
    if raw_class not in (None, "") and cls is None:
        reasons.append(f"«{sheet.text(r, cols['class'])}» — не класс.")
    if cls and ctx.grade and _grade(cls) != ctx.grade:
        reasons.append(f"класс {cls} не относится к {ctx.grade} классам этой работы.")
    res = ResultRow(r + 1, matcher.match(code, name, cls), cls)
    res.absent = any(_ABSENT_RE.search(v.lower()) for v in row if type(v) is str) or \
        norm(val("absent")) in ("нет", "0", "н")
    res.variant = (sheet.text(r, lay.cols["variant"]) or None) if "variant" in lay.cols else None
    res.journal_mark = parse_mark(val("journal"), "отметка по журналу", reasons, allow_text=True)
    if not res.absent:
        res.scores = [_score(v, num, mx, reasons) for v, (num, mx) in zip(cells, lay.task_max)]
        res.primary = _score(val("total"), None, ctx.max_score or lay.maxima.get(-1), reasons)
        res.mark = parse_mark(val("mark"), "отметка", reasons)
        if res.primary is None and all(s is None for s in res.scores) and res.mark is None:
            pv.rows_total -= 1
            return None
    if reasons:
        pv.problems.append(sheet.problem(pv.file, r, " ".join(reasons)))
        return None
    pv.rows_ok += 1
    return res


@lru_cache(maxsize=512)
def _class_label(value) -> str | None:
    return clean_class_label(value)


@lru_cache(maxsize=512)
def _grade(label: str) -> int:
    return parse_class_label(label)[0]


def _score(value, task: str | None, maximum: int | None, reasons: list[str]) -> int | None:
    if type(value) is int and value >= 0 and (maximum is None or value <= maximum):
        return value                               # the usual case, without any text work
    text = norm(value)
    if text == "" or text in _NOT_DONE:
        return None
    what = f"за задание {task}" if task else "первичный балл"
    number = to_int(value)
    if number is None or number < 0:
        reasons.append(f"{what}: «{text}» — не балл (ожидается целое число{' или X' if task else ''}).")
        return None
    if maximum is not None and number > maximum:
        reasons.append(f"{what}: {number} больше максимального ({maximum}).")
        return None
    return number


def parse_mark(value, what: str, reasons: list[str], *, allow_text: bool = False) -> int | None:
    if type(value) is int and 2 <= value <= 5:
        return value
    text = norm(value)
    if text in ("", "-", "—", "н/а", "на", "н/а.", "нет", "x", "х"):
        return None
    number = to_int(value)
    if number is None:
        if allow_text and not re.search(r"\d", text):
            return None
        reasons.append(f"{what} «{text}» — не отметка (допустимо 2, 3, 4, 5).")
        return None
    if not 2 <= number <= 5:
        reasons.append(f"{what} {number} вне допустимого диапазона 2–5.")
        return None
    return number


def _finish_block(db, block: Block, lay: Layout, pv: Preview, sheet: Sheet) -> None:
    """Task maxima, the procedure maximum, primary scores and marks that the file leaves out."""
    existing = {n: m for n, m in db.execute(
        "SELECT t.number, t.max_score FROM task t JOIN procedure p ON p.id = t.procedure_id "
        "JOIN subject s ON s.id = p.subject_id JOIN academic_year y ON y.id = p.year_id "
        "WHERE p.kind = ? AND s.name = ? AND p.grade = ? AND y.label = ?",
        [block.kind, block.subject, block.grade, block.year])}
    guessed = []
    for i, t in enumerate(block.tasks):
        if t.max_score is None:
            seen = max((r.scores[i] or 0 for r in block.results if r.scores), default=0)
            t.max_score = max(existing.get(t.number) or 0, seen, 1)
            if t.number not in existing:
                guessed.append(t.number)
    if guessed:
        pv.summary.append("Максимальные баллы заданий в файле не указаны: приняты наибольшие набранные "
                          f"(задания {', '.join(guessed[:12])}{'…' if len(guessed) > 12 else ''}).")
    if block.max_score is None and block.tasks and not guessed:
        block.max_score = sum(t.max_score for t in block.tasks)
    fill_scores(block, pv)
    apply_scale(db, block, pv, has_mark_column="mark" in lay.cols)
    where_ = "" if sheet.is_csv else f"Лист «{sheet.name}»: "
    pv.summary.append(f"{where_}{block.subject}, {block.grade} класс, {block.year}"
                      + (f", дата {block.date[8:]}.{block.date[5:7]}.{block.date[:4]}" if block.date else "")
                      + f"; заданий {len(block.tasks)}, результатов {len(block.results)}"
                      + f", отсутствовали {sum(r.absent for r in block.results)}.")


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

