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

from app.core import fmt
from app.core.domain import parse_class_label

from .base import Preview
from .forms import ambiguous_matches  # noqa: F401 - the import dialog and review ask the ВПР importer
from .forms import (Block, ResultRow, SheetContext, TaskSpec, _int, apply_scale, ask_missing, count_students,
                    fill_scores, parse_mark, sheet_context)
from .students import Matcher, classes_of_codes, clean_class_label, clean_name, code_text, known_subjects
from .table_reader import Sheet, cell_text, find_header, meta_lines, norm, peek, read_book, to_int
from .writer import commit  # noqa: F401 - the commit side, shared with the ГИА importer

KIND = "vpr"

ROLES = [
    ("journal", re.compile(r"отметка (по журналу|за предыдущ|за (\d )?(четверт|триместр|полугод))|журнал")),
    ("mark", re.compile(r"^(отметка|оценка)\b|^итоговая отметка|^отметка по пятибалл")),
    ("total", re.compile(r"первичн\w* балл|сумма( баллов)?|^итого( баллов)?$|^всего баллов|^общий балл|"
                         r"^итоговый балл|^балл(ы)?( за работу)?$")),
    ("variant2", re.compile(r"^(№ )?вариант\W*\(?\s*част\w* (2|ii)\b")),
    ("variant", re.compile(r"^(№ )?вариант")),
    ("login", re.compile(r"^пользовател")),          # the school's login on the portal: never a pupil
    ("code", re.compile(r"^код\b|код (участника|ученика|обучающегося)|^(№|номер) участника|^логин")),
    ("name", re.compile(r"^фио|^ф\.? ?и\.? ?о|^ф\.? ?и\.?$|фамилия|^ученик|^обучающ")),
    ("participant", re.compile(r"^участник$")),     # a name, or a local label (П01) beside the names
    ("ordinal", re.compile(r"^класс №|^класс n\b|порядков\w* номер класса|^(№|номер) класса")),
    ("letter", re.compile(r"наименование класса|^литера|^буква( класса)?$")),
    ("class", re.compile(r"^класс")),
    ("absent", re.compile(r"присутств|отсутств|^явка")),
    ("other", re.compile(r"^пол$|^учебник|^оо$|^муниципал|^название оо|^наименование оо")),
]
_TASK_RE = re.compile(r"^(?:задание|зад\.?|з\.|№)?\s*((?:\d{1,2}(?:\s*[.,]\s*\d{1,2}|\s*\(\s*\d{1,2}\s*\))?"
                      r"(?:\s*[кk]\s*\d{1,2})?)|[кk]\s*\d{1,2})"
                      r"\s*(?:\(\s*(?:макс\w*\.?\s*)?(\d{1,2})\s*(?:б|балл)\w*\.?\s*\))?$")
# «отсутствовал», and the misspelling «отсутсвовал» of real forms
_ABSENT_RE = re.compile(r"не\s*присутств|отсутс|не\s*явил|неявка|^н/я$|не был")
_NOT_DONE = {"x", "х", "-", "—", "–"}
_TOTALS = re.compile(r"итог|всего|средн|сумма|максим|процент|количеств|выполнени|медиан|^%")
_LEVELS = {"б": "basic", "базовый": "basic", "п": "advanced", "повышенный": "advanced",
           "в": "high", "высокий": "high"}
_SHOW_ID = {"code": "код", "name": "ФИО"}
# «Макс. балл», «Максимальный балл», «максимум» — not a patronymic («Максимовна») of a pupil's row
_MAX_WORD = re.compile(r"(?<!\w)макс(?:\.|имальн\w*|имум\w*|(?!\w))")


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
    number = re.sub(r"\s+", "", m.group(1)).replace(",", ".").replace("к", "К").replace("k", "К")
    return number, (int(m.group(2)) if m.group(2) else None)


_PUPIL_RES = [rx for role, rx in ROLES if role in ("code", "name", "participant")]
_ID_ROLES = {"code", "name", "participant"}


def _header_score(labels: list[str]) -> float:
    if not any(t and rx.search(t) for t in labels for rx in _PUPIL_RES):
        return 0                                  # no pupil column: a data row, a title or a note
    roles = {role_of(t) for t in labels if t}
    tasks = sum(1 for t in labels if t and task_of(t))
    if tasks < 2 or not roles & _ID_ROLES:
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
class Layout:
    header: int
    cols: dict[str, int]                    # role → column
    tasks: list[tuple[int, str, int | None]]  # (column, number, max from the header)
    skip: set[int]                          # rows that are not pupils (max scores, levels)
    levels: dict[int, str]
    maxima: dict[int, int]                  # column → maximum from a row of maxima (-1: the total)
    task_max: list[tuple[str, int | None]] = field(default_factory=list)   # (number, maximum) per task
    ordinal: int | None = None              # column of ФИС ОКО class ordinals («Класс №»: 1, 2 …)
    class_map: dict[str, str] = field(default_factory=dict)                # ordinal → class label


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
        block = _read_sheet(db, sheet, lay, ctx, pv, options, cancel, book)
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
    if "participant" in cols:
        # «Участник» beside «ФИО обучающегося» is a local label (П01, П02 … in every class's file):
        # the pupil is named by the name column. Alone, «Участник» is the name column itself.
        label_col = cols.pop("participant")
        cols.setdefault("name", label_col)
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
                _MAX_WORD.search(row_text) or (not any(ids) and len(positive) == len(filled))):
            lay.skip.add(r)
            lay.maxima = {c: v for c, v in zip(task_cols, numbers) if v and v > 0}
            if "total" in lay.cols and (t := to_int(sheet.value(r, lay.cols["total"]))):
                lay.maxima[-1] = t


def _read_sheet(db, sheet: Sheet, lay: Layout, ctx: SheetContext, pv: Preview, options, cancel, book=None):
    from app.core.errors import check_cancel

    _find_ordinals(sheet, lay, ctx)
    if ctx.grade is None and "class" in lay.cols:
        ctx.grade = grade_of_column(sheet, lay.header, lay.cols["class"])
    needed = [c for c, _, _ in lay.tasks] + [lay.cols[k] for k in ("total", "mark") if k in lay.cols]
    pv.fatal = pv.fatal or sheet.formula_message(lay.header, needed)
    has_class = "class" in lay.cols or "letter" in lay.cols or lay.ordinal is not None
    if pv.fatal or ask_missing(pv, ctx, need_class=not has_class):
        return None
    classes_ok = lay.ordinal is None or _resolve_ordinals(db, book, sheet, lay, ctx, options, pv)
    maxima_ok = _resolve_maxima(db, lay, ctx, options, pv)
    if not (classes_ok and maxima_ok):
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
                  [TaskSpec(num, i + 1, mx, lay.levels.get(c))
                   for i, ((c, _num, _hmx), (num, mx)) in enumerate(zip(lay.tasks, lay.task_max))], results)
    _finish_block(db, block, lay, pv, sheet)
    return block


# -- classes given as ordinal numbers (ФИС ОКО) ---------------------------------------------------

def _bare_int(value) -> int | None:
    """1, 1.0, '1', ' 2 ' → the number (1…99); anything else (a class label, a text) → None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 0 < value < 100 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 < value < 100 else None
    text = str(value).strip()
    return int(text) if re.fullmatch(r"\d{1,2}", text) and int(text) > 0 else None


def _find_ordinals(sheet: Sheet, lay: Layout, ctx: SheetContext) -> None:
    """The ФИС ОКО forms give the class as an ordinal of the school's list of classes: a column
    «Класс № …» / «Порядковый номер класса», or a plain «Класс» of bare numbers that are not the
    grade of the work (Ф1 «Индивидуальные результаты»: «Класс» 1, 2 in a 4th-grade work)."""
    cols = lay.cols
    if "ordinal" in cols:
        col = cols.pop("ordinal")
        if "class" not in cols:
            lay.ordinal = col
        return
    if "class" not in cols or "letter" in cols:
        return
    c = cols["class"]
    values = [v for r in range(lay.header + 1, len(sheet.rows)) if r not in lay.skip
              and (v := sheet.value(r, c)) not in (None, "")]
    numbers = [_bare_int(v) for v in values]
    if not numbers or any(n is None for n in numbers):
        return
    if len(set(numbers)) > 1 or (ctx.grade and numbers[0] != ctx.grade):
        lay.ordinal = cols.pop("class")


def _ordinal_label(value, grade: int | None, *, need_letter: bool = False) -> str | None:
    """A class named for an ordinal: «4А», «4 а», or a letter «А» of the work's grade."""
    text = cell_text(value).strip()
    if re.fullmatch(r"[А-Яа-яЁё]", text) and grade:
        return f"{grade}{text.upper()}"
    parsed = parse_class_label(text)
    if not parsed or (need_letter and not parsed[1]):
        return None
    return clean_class_label(text)


def classes_sheet(book, grade: int | None) -> dict[str, str]:
    """Ordinal → class label from the form's sheet «Классы» (rows «1 | 4А», or a bare list of
    classes numbered in order); {} when the book has no such sheet."""
    sheet = book.sheet("Классы") if book is not None else None
    if sheet is None:
        return {}
    numbered: dict[str, str] = {}
    listed: list[str] = []
    for row in sheet.rows:
        cells = [v for v in row if v not in (None, "")]
        if not cells:
            continue
        number = _bare_int(cells[0]) if len(cells) >= 2 else None
        label = _ordinal_label(cells[1] if number is not None else cells[0], grade, need_letter=True)
        if label is None:
            continue
        if number is not None:
            numbered.setdefault(str(number), label)
        else:
            listed.append(label)
    return numbered or {str(i + 1): label for i, label in enumerate(listed)}


_CLASS_MAP_WORDS = "порядковыми номерами"


def class_map_ordinals(question: str) -> list[str]:
    """The ordinals a ``missing_options["class_map"]`` question asks about (for the import dialog)."""
    m = re.search(_CLASS_MAP_WORDS + r"[^:]*:\s*([\d ,]+)", question or "")
    return re.findall(r"\d+", m.group(1)) if m else []


def _resolve_ordinals(db, book, sheet: Sheet, lay: Layout, ctx: SheetContext, options: dict,
                      pv: Preview) -> bool:
    """Which class each ordinal is: the user's answer (class_map), the sheet «Классы», or the class
    the codes of that ordinal already belong to; else ask once per ordinal. False when asked."""
    codes: dict[str, set[str]] = {}
    code_col, name_col = lay.cols.get("code"), lay.cols.get("name")
    for r in range(lay.header + 1, len(sheet.rows)):
        if r in lay.skip:
            continue
        number = _bare_int(sheet.value(r, lay.ordinal))
        code = code_text(sheet.value(r, code_col)) if code_col is not None else None
        if number is None or not (code or (name_col is not None and clean_name(sheet.value(r, name_col)))):
            continue                        # an ordinal filled in ahead on a row with no pupil
        found = codes.setdefault(str(number), set())
        if code:
            found.add(code)
    mapping: dict[str, tuple[str, str]] = {}           # ordinal → (class, where it comes from)
    wrong = []
    for key, value in (options.get("class_map") or {}).items():
        number = _bare_int(key)
        label = _ordinal_label(value, ctx.grade)
        if number is None or label is None:
            wrong.append(f"«{key}={value}»")
        else:
            mapping[str(number)] = (label, "указан при загрузке")
    listed = classes_sheet(book, ctx.grade)
    for key in codes:
        if key not in mapping and key in listed:
            mapping[key] = (listed[key], "лист «Классы»")
    open_ = [k for k in codes if k not in mapping]
    if open_:
        known = classes_of_codes(db, ctx.year, {c for k in open_ for c in codes[k]})
        for key in open_:
            labels = {known[c] for c in codes[key] if c in known}
            if len(labels) == 1:
                label = labels.pop()
                if ctx.grade is None or _grade(label) == ctx.grade:
                    mapping[key] = (label, "по кодам участников")
    open_ = sorted((k for k in codes if k not in mapping), key=int)
    if open_ or wrong:
        where = "ни на листе «Классы»" if listed else "листа «Классы» в файле нет"
        text = (f"Классы в файле указаны {_CLASS_MAP_WORDS}: {', '.join(open_)}. "
                f"Какой класс под каждым номером, не указано ({where}), и по кодам участников, "
                "уже связанным с учащимися, класс не определяется. Укажите класс для каждого номера.")
        if wrong:
            text += f" Не распознано соответствие {', '.join(wrong)}: укажите номер и класс, например 1=4А."
        pv.missing_options["class_map"] = text
        return False
    lay.class_map = {k: label for k, (label, _src) in mapping.items()}
    used = sorted(codes, key=int)
    pv.summary.append("Классы по порядковым номерам: " + "; ".join(
        f"{k} — {mapping[k][0]} ({mapping[k][1]})" for k in used) + ".")
    return True


# -- task maxima ---------------------------------------------------------------------------------

def task_key(number) -> str:
    """A task number as the importer writes it: '1к1', '1k1', '3,1' → '1К1', '1К1', '3.1'."""
    return re.sub(r"\s+", "", str(number)).replace(",", ".").upper().replace("K", "К")


_TASK_MAX_WORDS = "задания"


def task_max_numbers(question: str) -> list[str]:
    """The tasks a ``missing_options["task_max"]`` question asks about (for the import dialog)."""
    m = re.search(r": " + _TASK_MAX_WORDS + r" (.*?)\. Укажите", question or "")
    return [t for t in m.group(1).split(", ") if t] if m else []


def _builtin_task_maxima(kind: str, subject: str, grade: int, year: str) -> dict[str, int]:
    from app.core import scales

    finder = getattr(scales, "builtin_task_maxima", None)
    if finder is None:
        return {}
    try:
        found = finder(kind, subject, grade, year) or {}
    except Exception:  # noqa: BLE001 - a missing or unreadable built-in list only means «unknown»
        return {}
    return {task_key(k): int(v) for k, v in found.items()}


def _stored_task_maxima(db, kind: str, subject: str, grade: int, year: str) -> dict[str, int]:
    return {task_key(n): m for n, m in db.execute(
        "SELECT t.number, t.max_score FROM task t JOIN procedure p ON p.id = t.procedure_id "
        "JOIN subject s ON s.id = p.subject_id JOIN academic_year y ON y.id = p.year_id "
        "WHERE p.kind = ? AND s.name = ? AND p.grade = ? AND y.label = ?", [kind, subject, grade, year])
        if m}


def _resolve_maxima(db, lay: Layout, ctx: SheetContext, options: dict, pv: Preview) -> bool:
    """Task maxima the file leaves out: the user's answer (task_max), the known scale of that year,
    the tasks already stored for the same work — never the best score in the file. False when asked."""
    if all(mx for _num, mx in lay.task_max):
        return True
    given = {task_key(k): int(v) for k, v in (options.get("task_max") or {}).items() if _int(v)}
    sources = [("указаны при загрузке", given),
               (f"взяты из встроенной шкалы ВПР ({ctx.subject}, {ctx.grade} класс, {ctx.year})",
                _builtin_task_maxima(KIND, ctx.subject, ctx.grade, ctx.year)),
               ("взяты из заданий этой работы, загруженных ранее",
                _stored_task_maxima(db, KIND, ctx.subject, ctx.grade, ctx.year))]
    used: dict[str, list[str]] = {}
    out, missing = [], []
    for num, mx in lay.task_max:
        if not mx:
            for where, found in sources:
                if found.get(task_key(num)):
                    mx = found[task_key(num)]
                    used.setdefault(where, []).append(num)
                    break
            else:
                missing.append(num)
        out.append((num, mx))
    if missing:
        pv.missing_options["task_max"] = (
            "Максимальные баллы заданий не указаны ни в файле (в заголовке вида «1 (2б)» или строкой "
            f"максимальных баллов), ни в известной шкале ({ctx.subject}, {ctx.grade} класс, {ctx.year}): "
            f"{_TASK_MAX_WORDS} {', '.join(missing)}. Укажите максимальный балл каждого задания.")
        return False
    lay.task_max = out
    for where, numbers in used.items():
        pv.summary.append(f"Максимальные баллы заданий {', '.join(numbers[:12])}"
                          f"{'…' if len(numbers) > 12 else ''} {where}.")
    return True


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
    variant = " ".join(cell_text(val(k)) for k in ("variant", "variant2") if val(k) not in (None, "")).strip()
    has_data = any(v is not None and v != "" for v in cells) or bool(variant)
    if not code and not name:
        # Rows with neither a pupil, a variant nor a task score are no rows, whatever a formula
        # column («Итого баллов» filled with 0 down to row 1500) says.
        raw = " ".join(sheet.text(r, cols[k]) for k in ("code", "name") if k in cols).strip()
        totals = any(_TOTALS.search(v.lower()) for v in row if type(v) is str)
        if has_data and not raw and not totals:
            pv.problems.append(sheet.problem(pv.file, r, "нет ни кода участника, ни ФИО."))
        return None
    pv.rows_total += 1
    reasons: list[str] = []
    cls = _row_class(row, lay, ctx, reasons)
    if cls and ctx.grade and _grade(cls) != ctx.grade:
        reasons.append(f"класс {cls} не относится к {ctx.grade} классам этой работы.")
    res = ResultRow(r + 1, matcher.match(code, name, cls), cls)
    res.absent = any(_ABSENT_RE.search(v.lower()) for v in row if type(v) is str) or \
        norm(val("absent")) in ("нет", "0", "н")
    res.variant = _variant(val("variant"), val("variant2"))
    res.journal_mark = parse_mark(val("journal"), "отметка по журналу", reasons, allow_text=True)
    if not res.absent:
        res.scores = [_score(v, num, mx, reasons) for v, (num, mx) in zip(cells, lay.task_max)]
        res.primary = _score(val("total"), None, ctx.max_score or lay.maxima.get(-1), reasons)
        res.mark = parse_mark(val("mark"), "отметка", reasons)
        nothing = all(s is None for s in res.scores) and res.mark is None and not res.variant
        if nothing and (res.primary is None or (res.primary == 0 and not reasons)):
            pv.rows_total -= 1                 # a code written in advance, no work: not a result
            return None
    if reasons:
        pv.problems.append(sheet.problem(pv.file, r, " ".join(reasons)))
        return None
    pv.rows_ok += 1
    return res


def _row_class(row: list, lay: Layout, ctx: SheetContext, reasons: list[str]) -> str | None:
    """The class of a row: a class column («5А»), a grade and a letter column («5» + «А»), an
    ordinal of the form's list of classes, or the class of the whole sheet."""
    width, cols = len(row), lay.cols

    def val(c):
        return row[c] if c is not None and c < width else None

    if lay.ordinal is not None:
        raw = val(lay.ordinal)
        if raw in (None, ""):
            return ctx.class_label
        number = _bare_int(raw)
        if number is None:
            found = _class_label(raw)
            if found is None:
                reasons.append(f"«{cell_text(raw)}» — не класс.")
            return found
        found = lay.class_map.get(str(number))
        if found is None:
            reasons.append(f"класс № {number} не сопоставлен ни одному классу.")
        return found
    raw = val(cols.get("class"))
    letter = cell_text(val(cols.get("letter"))) if "letter" in cols else ""
    if letter:
        if re.fullmatch(r"[А-Яа-яЁёA-Za-z]", letter):
            grade = cell_text(raw) or (str(ctx.grade) if ctx.grade else "")
            raw = f"{grade}{letter}"
        else:
            raw = letter
    if raw in (None, ""):
        return ctx.class_label
    found = _class_label(raw)
    if found is None:
        reasons.append(f"«{cell_text(raw)}» — не класс.")
    return found


def _variant(first, second) -> str | None:
    """The variant («3»), or both parts of a two-part work («3/5»); «отсутствовал» is no variant."""
    parts = [cell_text(v) for v in (first, second) if v not in (None, "")]
    parts = [p for p in parts if p and not _ABSENT_RE.search(p.lower())]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return "/".join(parts) or None


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


def _finish_block(db, block: Block, lay: Layout, pv: Preview, sheet: Sheet) -> None:
    """Task maxima, the procedure maximum, primary scores and marks that the file leaves out."""
    # every task maximum is known here (_resolve_maxima asked for the ones the file leaves out)
    if block.max_score is None and block.tasks and all(t.max_score for t in block.tasks):
        block.max_score = sum(t.max_score for t in block.tasks)
    fill_scores(block, pv)
    apply_scale(db, block, pv, has_mark_column="mark" in lay.cols)
    where_ = "" if sheet.is_csv else f"Лист «{sheet.name}»: "
    pv.summary.append(f"{where_}{block.subject}, {block.grade} класс, {block.year}"
                      + (f", дата {fmt.date(block.date)}" if block.date else "")
                      + f"; заданий {len(block.tasks)}, результатов {len(block.results)}"
                      + f", отсутствовали {sum(r.absent for r in block.results)}.")



