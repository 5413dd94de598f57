"""Electronic-journal exports: period and annual marks, xlsx or csv, long or wide.

Long: a row per pupil, subject and period («Класс; ФИО; Предмет; Период; Отметка»). Wide: a row
per pupil with subjects as columns (the period in the title, the sheet or the file name) or periods
as columns («I четв. … Год», the subject in a column, the sheet name or the title). Every column
gets a role; the guess is shown in the preview, the user may change it, and the confirmed mapping
is remembered for files whose header looks the same (settings, keyed by a signature of the header).
Marks other than 2–5 are refused; «н/а», «осв», «зач» and empty cells are not marks and are skipped.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.core.domain import PERIOD_KIND_LABELS
from app.core.settings import JOURNAL_MAPPING
from app.core.markcell import mark_or_reason

from . import ChangeLog
from .base import Preview
from . import links as _links
from .links import Link, LinkRow
from .students import (Match, Matcher, Resolver, ambiguity_text, class_in_text, clean_class_label,
                       clean_name, code_text, known_subjects, name_key, subject_in_text, year_in_text)
from .table_reader import Header, Sheet, cell_text, find_header, meta_lines, norm, peek, read_book

KIND = "journal"
MAPPING_KEY = JOURNAL_MAPPING

BASE_ROLES = {
    "ignore": "— не загружать —", "code": "Код учащегося", "name": "ФИО учащегося", "surname": "Фамилия",
    "first_name": "Имя", "patronymic": "Отчество", "class": "Класс", "subject": "Предмет",
    "period": "Период", "mark": "Отметка", "year": "Учебный год",
}
_ROLE_RES = [
    ("year", r"учебн\w* год"),
    ("code", r"^код\b|^логин|^идентификатор"),
    ("name", r"^фио|^ф\.? ?и\.? ?о|^ученик|^обучающ|^учащ|фамилия,? имя|^ребенок"),
    ("surname", r"^фамилия$"), ("first_name", r"^имя$"), ("patronymic", r"^отчество$"),
    ("class", r"^класс"),
    ("subject", r"^предмет|^дисц|^учебный предмет"),
    ("period", r"^период|^учебный период|^аттестационный период|^четверть$|^триместр$|^полугодие$"),
    ("mark", r"^отметка|^оценка|^итог|^балл$"),
]
_ROLE_RES = [(r, re.compile(p)) for r, p in _ROLE_RES]
_KIND_WORDS = [("quarter", r"четв|^ч\.?$"), ("trimester", r"трим"), ("half", r"полуг|^п/г")]
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "і": 1, "іі": 2, "ііі": 3, "іv": 4}
_NUMBER = r"(\d|iv|i{1,3}|і{1,3}|іv)"


def period_of(text: str, default_kind: str | None = None) -> tuple[str, int] | None:
    """'2 четверть', 'II четв.', '1 полугодие', 'Год', 'годовая' → (kind, number); None if not a period."""
    t = norm(text).replace("-я", "").replace("-й", "")
    if not t:
        return None
    if re.fullmatch(r"(за )?(учебный )?год\.?|годовая( отметка)?|итоговая( за год)?|год\s*\(итог\w*\)", t):
        return "year", 1
    kind = next((k for k, rx in _KIND_WORDS if re.search(rx, t)), None)
    m = re.search(rf"(?<![\w]){_NUMBER}(?![\w])", t.replace(".", " "))
    if m is None:
        return None
    number = int(m.group(1)) if m.group(1).isdigit() else _ROMAN[m.group(1)]
    kind = kind or default_kind
    if kind is None:
        return None
    limit = {"quarter": 4, "trimester": 3, "half": 2}[kind]
    if not 1 <= number <= limit:
        return None
    rest = re.sub(rf"{_NUMBER}|четверт\w*|четв\.?|триместр\w*|трим\.?|полугоди\w*|полуг\.?|ч\.?|п/г|\s|\.|,",
                  "", t.replace(".", " "))
    return (kind, number) if len(rest) <= 12 else None


def period_label(kind: str, number: int) -> str:
    return "год" if kind == "year" else f"{number} {PERIOD_KIND_LABELS[kind]}"


def role_label(role: str) -> str:
    if role.startswith("subject:"):
        return f"Отметка по предмету «{role[8:]}»"
    if role.startswith("period:"):
        _, kind, n = role.split(":")
        return f"Отметка за {period_label(kind, int(n))}"
    return BASE_ROLES.get(role, role)


_NATIVE = re.compile(r"^родн\w* (язык|литератур|речь)")
# columns of a «ФИО/ПРЕДМЕТ» list that are not subjects
_NOT_A_SUBJECT = re.compile(r"средн|пропущ|пропуск|всего|итог|балл|количеств|процент|примечан|^№|п/п|качеств|"
                            r"успеваем|^дата|подпись|^класс")


def subject_name(raw: str, known: dict[str, str] | None = None) -> str:
    """The subject a column header or a row of a report names. «Родной язык (русский)» and «Родная
    литература (русская)» are subjects of their own (never «Русский язык» or «Литература»); a name
    not among the known subjects is kept as written."""
    text = " ".join(str(raw or "").replace("\xa0", " ").split())
    if known and norm(text) in known:
        return known[norm(text)]
    if not _NATIVE.match(norm(text)):
        found = subject_in_text(text, known=known)
        if found:
            return found
    return text[:1].upper() + text[1:]


def guess_roles(labels: list[str], known: dict[str, str], raw: list[str] | None = None) -> list[str]:
    """A role for every header label; `raw` (the labels as written) names subjects kept as written:
    native-language subjects and, under a «ФИО/ПРЕДМЕТ» corner cell, every other column."""
    raw = raw if raw is not None and len(raw) == len(labels) else labels
    across = any(label and "предмет" in label and re.search(r"^фио|^ф\.? ?и\.? ?о|^учени|^учащ|^обучающ", label)
                 for label in labels)
    roles = []
    for label, written in zip(labels, raw):
        role = next((r for r, rx in _ROLE_RES if label and rx.search(label)), None)
        if role is None and label and _NATIVE.match(label):
            role = f"subject:{subject_name(written, known)}"
        if role is None and (p := period_of(label)):
            role = f"period:{p[0]}:{p[1]}"
        if role is None and label and (s := subject_in_text(label, known=known)):
            role = f"subject:{s}"
        if (role is None and across and re.search(r"[а-яa-z]{3}", label or "")
                and not _NOT_A_SUBJECT.search(label)):
            role = f"subject:{subject_name(written, known)}"
        roles.append(role or "ignore")
    # two columns read as one subject («Математика» and «Математика (углубл.)»): the later one keeps
    # its own name, so neither column's marks overwrite the other's
    seen: set[str] = set()
    for i, role in enumerate(roles):
        if role.startswith("subject:"):
            if role in seen and (own := subject_name(raw[i], None)) and norm(own) != norm(role[8:]):
                roles[i] = role = f"subject:{own}"
            seen.add(role)
    return _bare_numerals(labels, roles)


def _bare_numerals(labels: list[str], roles: list[str]) -> list[str]:
    """Columns «I», «II», «III», «IV» beside «Год»: quarters (four), trimesters (three), halves (two)."""
    bare = [i for i, t in enumerate(labels) if roles[i] == "ignore" and re.fullmatch(_NUMBER + r"\.?", t or "")]
    has_year = any(r == "period:year:1" for r in roles)
    if 2 <= len(bare) <= 4 or (len(bare) == 1 and has_year):
        kind = {4: "quarter", 3: "trimester", 2: "half"}.get(len(bare), "quarter")
        for i in bare:
            p = period_of(labels[i], kind)
            if p:
                roles[i] = f"period:{p[0]}:{p[1]}"
    return roles


_PUPIL_RES = [rx for r, rx in _ROLE_RES if r in ("name", "code", "surname")]


def _score(labels: list[str]) -> float:
    if not any(label and rx.search(label) for label in labels for rx in _PUPIL_RES):
        return 0                                  # no pupil column: not a header (most rows are data)
    roles = guess_roles(labels, {})
    base = {r for r in roles if ":" not in r} - {"ignore"}
    wide = sum(1 for r in roles if ":" in r)
    if not base & {"name", "code", "surname"}:
        return 0
    if not ("mark" in base or wide >= 2):
        # a list «код ↔ ФИО ↔ класс» without marks: it links codes to named pupils
        return 2 * len(base) if _is_code_list(base) else 0
    return 2 * len(base) + wide


def _is_code_list(roles) -> bool:
    return "code" in roles and bool({"name", "surname"} & set(roles))


def signature(labels: list[str]) -> str:
    return hashlib.sha1("|".join(labels).encode("utf-8")).hexdigest()[:16]


def detect(path: Path) -> float:
    from .journal_blocks import detect_book

    book = peek(path)
    best = detect_book(book)
    if best:
        return best                               # a «Табель» or a report with a block per pupil
    for sheet in book.sheets:
        h = find_header(sheet, _score)
        if h is not None:
            score = 0.5 + min(_score(h.labels), 16) / 80
            if any(re.search(r"первичн|вариант|тестов\w* балл|кратк|развернут", t) for t in h.labels):
                score -= 0.3                      # a results form, not a journal
            best = max(best, score)
    text = norm(path.stem) + " " + " ".join(" ".join(meta_lines(s, 5)) for s in book.sheets).lower()
    if best and re.search(r"журнал|отметк|успеваем|ведомост|четверт|триместр|полугод|список|код\w* участник",
                          text):
        best += 0.15
    return min(best, 1.0)


# -- parsed data --------------------------------------------------------------------------------------

@dataclass
class Layout:
    sheet: str
    signature: str
    labels: list[str]            # as written, for the mapping editor
    roles: list[str]
    source: str                  # 'auto' | 'saved' | 'user'
    samples: list[str] = field(default_factory=list)   # a value of each column, to show what it holds


@dataclass
class MarkRow:
    row: int
    match: Match
    class_label: str
    year: str
    subject: str
    kind: str
    number: int
    mark: int


@dataclass
class Payload:
    layouts: list[Layout] = field(default_factory=list)
    marks: list[MarkRow] = field(default_factory=list)
    link_rows: list[LinkRow] = field(default_factory=list)   # rows with both a code and a name
    links: list[Link] = field(default_factory=list)          # what each of them will do


@dataclass
class _Ctx:
    year: str | None
    class_label: str | None
    subject: str | None
    period: tuple[str, int] | None
    period_kind: str = "quarter"          # for bare numbers in a «Четверть» / «Триместр» column


# -- preview --------------------------------------------------------------------------------------------

def preview(db, path: Path, options: dict, *, progress=None, cancel=None) -> Preview:
    from app.core.settings import get_setting

    path = Path(path)
    pv = Preview(kind=KIND, file=path)
    book = read_book(path, cancel=cancel)
    from . import journal_blocks

    if found := journal_blocks.block_sheets(book):     # one block per pupil: «Табель», «Отчёт об успеваемости»
        return journal_blocks.preview(db, path, options, progress=progress, cancel=cancel, found=found)
    known = known_subjects(db)
    payload = pv.payload = Payload()
    chosen = options.get("mappings") or {}
    headers = [(sheet, find_header(sheet, _score)) for sheet in book.sheets]
    if not any(h for _, h in headers):
        # Nothing looks like a journal header: offer the first filled row for the user to map.
        headers = [next(((s, _first_row(s)) for s in book.sheets if _first_row(s)), (book.sheets[0], None))]
    for n, (sheet, header) in enumerate(headers):
        if header is None:
            continue
        sig = signature(header.labels)
        saved = get_setting(db, MAPPING_KEY + sig)
        if sig in chosen:
            roles, source = list(chosen[sig]), "user"
        elif saved and len(saved.get("roles", [])) == len(header.labels):
            roles, source = saved["roles"], "saved"
        else:
            roles, source = guess_roles(header.labels, known, header.raw), "auto"
        payload.layouts.append(Layout(sheet.name, sig, header.raw, roles, source, _samples(sheet, header)))
        _read_sheet(db, sheet, header, roles, path, options, known, pv, cancel)
        if progress:
            progress(n + 1, len(headers))
    _plan_links(db, pv, options)
    if not payload.layouts:
        pv.fatal = ("не найдена таблица отметок: нужна строка заголовка со столбцом учащихся («ФИО», «Ученик» "
                    "или «Код») и столбцами отметок, предметов или периодов.")
    elif not payload.marks and not payload.links and not pv.problems and not pv.missing_options and not pv.fatal:
        pv.fatal = "в таблице нет ни одной отметки от 2 до 5."
    _count(pv)
    return pv


def _samples(sheet: Sheet, header: Header, depth: int = 30) -> list[str]:
    """The first value under each header cell (within `depth` rows)."""
    out = []
    for c in range(len(header.raw)):
        out.append(next((t for r in range(header.row + 1, min(header.row + 1 + depth, len(sheet.rows)))
                         if (t := sheet.text(r, c))), ""))
    return out


def _first_row(sheet: Sheet) -> Header | None:
    for i, row in enumerate(sheet.rows[:60]):
        if sum(1 for v in row if v not in (None, "")) >= 2:
            return Header(i, sheet.norm_row(i), [cell_text(v) for v in row])
    return None


def _context(sheet: Sheet, header: Header, path: Path, options: dict, known) -> _Ctx:
    sources = meta_lines(sheet, header.row) + [sheet.name, path.stem.replace("_", " ")]
    year = next((y for s in sources if (y := year_in_text(s))), None) or options.get("year")
    cls = next((c for s in sources if (c := class_in_text(s))), None) or (
        clean_class_label(options["class_label"]) if options.get("class_label") else None)
    subject = next((x for s in sources if (x := subject_in_text(s, known=known))), None) or options.get("subject")
    period = next((p for s in sources for p in [_period_in_text(s)] if p), None)
    if period is None and options.get("period"):
        period = period_of(str(options["period"]))
    return _Ctx(year, cls, subject, period)


def _period_in_text(text: str) -> tuple[str, int] | None:
    t = norm(text)
    m = re.search(rf"(?<!\w){_NUMBER}\s*-?[яй]?\s*(четверт\w*|триместр\w*|полугоди\w*)", t)
    if m:
        return period_of(m.group(0))
    if re.search(r"годов\w* (отмет|оцен)|за (учебный )?год\b|итогов\w* за год|итогов\w* (отмет|оцен)", t):
        return "year", 1
    return None


def _read_sheet(db, sheet: Sheet, header: Header, roles: list[str], path: Path, options: dict, known,
                pv: Preview, cancel) -> None:
    from app.core.domain import normalise_year_label
    from app.core.errors import check_cancel

    ctx = _context(sheet, header, path, options, known)
    col = {r: i for i, r in reversed(list(enumerate(roles))) if ":" not in r}
    wide = [(i, r) for i, r in enumerate(roles) if ":" in r]
    if _ask(pv, ctx, col, wide, sheet):
        return
    needed = [i for i, _ in wide] + [c for r, c in col.items() if r in ("mark", "marks")]
    pv.fatal = pv.fatal or sheet.formula_message(header.row, needed)
    if pv.fatal:
        return
    try:
        ctx.year = normalise_year_label(str(ctx.year)) if ctx.year else None
    except ValueError:
        pv.missing_options["year"] = f"«{ctx.year}» — не учебный год; укажите его в виде 2024/2025."
        return
    if "period" in col:
        head = header.labels[col["period"]]
        ctx.period_kind = next((k for k, rx in _KIND_WORDS if re.search(rx, head)), "quarter")
    reader = _Rows(db, sheet, col, wide, ctx, options, known, pv)
    # a journal's own logins or internal ids mean nothing outside that journal (and a login often
    # spells the surname, which must never reach a packet): pupils are matched by name and class, and
    # the column never becomes, or replaces, a participant code
    reader.link_codes = "code" in col and not re.search(r"логин|идентификатор|\bid\b",
                                                        str(header.labels[col["code"]]).lower())
    for r in range(header.row + 1, len(sheet.rows)):
        if r % 2000 == 0:
            check_cancel(cancel)
        if sheet.rows[r]:
            reader.read(r)


def _ask(pv: Preview, ctx: _Ctx, col: dict, wide: list, sheet: Sheet) -> bool:
    """Record what neither the table nor the file tells; True if something is missing."""
    missing = {}
    if not col.keys() & {"name", "code", "surname"}:
        pv.fatal = f"лист «{sheet.name}»: ни один столбец не назначен учащимся (ФИО, фамилия или код)."
        return True
    if "year" not in col and not ctx.year:
        missing["year"] = "Учебный год не указан ни в таблице, ни в заголовке, ни в имени файла."
    if "class" not in col and not ctx.class_label:
        missing["class_label"] = "Класс не указан ни в таблице, ни в заголовке, ни в имени файла."
    wide_subjects = any(r.startswith("subject:") for _, r in wide)
    wide_periods = any(r.startswith("period:") for _, r in wide)
    code_list = not wide and "mark" not in col and _is_code_list(col)
    if code_list:                         # a list of codes and names: no subject, period or marks
        pv.missing_options.update(missing)
        return bool(missing)
    if "subject" not in col and not wide_subjects and not ctx.subject:
        missing["subject"] = "Предмет не указан ни в таблице, ни в названии листа или файла."
    if "period" not in col and not wide_periods and not ctx.period:
        missing["period"] = "Не указано, за какой период отметки (например, «2 четверть» или «год»)."
    if not wide and "mark" not in col:
        pv.fatal = f"лист «{sheet.name}»: ни один столбец не назначен отметкам."
        return True
    pv.missing_options.update(missing)
    return bool(missing)


_MISSING = object()


class _Rows:
    """Reads the pupils' rows of one sheet; every distinct cell text is parsed once (a long export
    repeats the same subjects, periods, classes and names thousands of times)."""

    def __init__(self, db, sheet: Sheet, col: dict, wide: list, ctx: _Ctx, options: dict, known, pv: Preview):
        self.db, self.sheet, self.col, self.wide, self.ctx = db, sheet, col, wide, ctx
        self.options, self.known, self.pv = options, known, pv
        self.matchers: dict[str | None, Matcher] = {}
        self.memo: dict[tuple[str, object], object] = {}
        self.wide_labels = [(c, role, role_label(role)) for c, role in wide]
        self.at = {role: col.get(role, -1) for role in BASE_ROLES}
        self.link_codes = True

    def cached(self, kind: str, value, parse):
        key = (kind, value)
        found = self.memo.get(key, _MISSING)
        if found is _MISSING:
            found = self.memo[key] = parse(value)
        return found

    def read(self, r: int) -> None:
        row, at = self.sheet.rows[r], self.at
        width = len(row)
        get = lambda role: row[at[role]] if 0 <= at[role] < width else None  # noqa: E731
        code = self.cached("code", get("code"), code_text) if at["code"] >= 0 and self.link_codes else None
        if at["name"] >= 0:
            name = self.cached("name", get("name"), clean_name)
        else:
            name = clean_name(" ".join(str(v) for v in (get("surname"), get("first_name"), get("patronymic")) if v))
        if not code and not name:
            return                                    # notes, signatures, totals
        reasons: list[str] = []
        raw_class = get("class")
        cls = self.cached("class", raw_class, clean_class_label) if raw_class not in (None, "") else self.ctx.class_label
        if raw_class not in (None, "") and cls is None:
            reasons.append(f"«{raw_class}» — не класс.")
        year = self.ctx.year if get("year") in (None, "") else self.cached("year", get("year"), _year_text)
        if year is None:
            reasons.append(f"«{get('year') or ''}» — не учебный год." if get("year") else "не указан учебный год.")
        cells = self.cells(row, get, reasons)
        self.pv.rows_total += 1
        if reasons:
            self.pv.problems.append(self.sheet.problem(self.pv.file, r, " ".join(reasons)))
            return
        if year not in self.matchers:
            self.matchers[year] = Matcher(self.db, year, self.options.get("students"))
        match = self.matchers[year].match(code, name, cls)
        self.pv.rows_ok += 1
        if code and name and cls:
            self.pv.payload.link_rows.append(LinkRow(r + 1, self.sheet.name, code, name, cls, year))
        for subject, (kind, number), mark in cells:
            self.pv.payload.marks.append(MarkRow(r + 1, match, cls, year, subject, kind, number, mark))

    def cells(self, row, get, reasons: list[str]) -> list[tuple]:
        """(subject, period, mark) for every mark in the row."""
        out = []
        if "mark" in self.col:
            mark = _mark(get("mark"), reasons)
            subject, period = self.subject(get, reasons), self.period(get, reasons)
            if mark is not None and subject and period:
                out.append((subject, period, mark))
        for c, role, label in self.wide_labels:
            mark = _mark(row[c] if c < len(row) else None, reasons, where=label)
            if mark is None:
                continue
            if role.startswith("subject:"):
                if period := self.period(get, reasons):
                    out.append((role[8:], period, mark))
            else:
                _, kind, n = role.split(":")
                if subject := self.subject(get, reasons):
                    out.append((subject, (kind, int(n)), mark))
        return out

    def subject(self, get, reasons: list[str]) -> str | None:
        if "subject" not in self.col:
            return self.ctx.subject
        text = cell_text(get("subject"))
        found = self.cached("subject", text, lambda t: subject_in_text(t, known=self.known) or (t or None))
        if found is None:
            reasons.append("не указан предмет.")
        return found

    def period(self, get, reasons: list[str]) -> tuple[str, int] | None:
        if "period" not in self.col:
            return self.ctx.period
        text = cell_text(get("period"))
        found = self.cached("period", text, lambda t: period_of(t, self.ctx.period_kind))
        if found is None:
            reasons.append(f"«{text}» — не период (ожидается, например, «1 четверть», «2 полугодие», «год»).")
        return found


def _year_text(value) -> str | None:
    return year_in_text(str(value))


def _mark(value, reasons: list[str], *, where: str = "отметка") -> int | None:
    """A journal cell read as every importer reads it (markcell); a non-mark is a row problem."""
    return mark_or_reason(value, reasons, where)


def _plan_links(db, pv: Preview, options: dict) -> None:
    """Decide what every row with a code and a name does (see links.py); reject the rows that cannot."""
    from .base import RowProblem

    planner = _links.LinkPlanner(db, options.get("students"))
    groups: dict[str, list[LinkRow]] = {}
    for src in pv.payload.link_rows:       # a long export repeats the pupil on every row
        groups.setdefault(src.code, []).append(src)
    same = lambda r: (name_key(r.name), r.class_label, r.year)  # noqa: E731
    for code, group in groups.items():
        first = group[0]
        clash = next((r for r in group[1:] if same(r) != same(first)), None)
        if clash is not None:
            at, link = clash, None
            reason = (f"код {code} в строке {first.row} указан у «{first.name}» ({first.class_label}), "
                      f"а здесь — у «{clash.name}» ({clash.class_label}).")
        else:
            at = first
            link, reason = planner.plan(first)
        if link is not None:
            pv.payload.links.append(link)
            continue
        # every row of this code is held back: its marks must not go to whoever holds the code now
        rows = {m.row for m in pv.payload.marks if m.match.code == code} | {r.row for r in group}
        also = f" Не загружаются и другие строки с этим кодом ({len(rows) - 1})." if len(rows) > 1 else ""
        pv.problems.append(RowProblem(pv.file.name, at.sheet, at.row, reason + also))
        pv.rows_ok -= len(rows)
        pv.payload.marks = [m for m in pv.payload.marks if m.match.code != code]


def _count(pv: Preview) -> None:
    pupils: dict[str, Match] = {}
    for m in pv.payload.marks:
        pupils.setdefault(m.match.key, m.match)
    links = pv.payload.links
    linked = {x.match.key for x in links}
    asked = [x.match for x in links if x.action == "ambiguous"]
    asked += [m for k, m in pupils.items() if m.status == "ambiguous" and k not in linked]
    pv.ambiguous = [ambiguity_text(m) for m in asked]
    pupils = {k: m for k, m in pupils.items() if k not in linked}
    pv.students_matched = sum(1 for m in pupils.values() if m.status in ("code", "name")) + sum(
        1 for x in links if x.action in ("same", "code", "merge", "name"))
    pv.students_new = sum(1 for m in pupils.values() if m.status == "new") + sum(
        1 for x in links if x.action == "new")
    if line := _links.summary(links):
        pv.summary.append(line)
    marks = pv.payload.marks
    if marks:
        subjects = sorted({m.subject for m in marks})
        periods = sorted({(m.kind, m.number) for m in marks}, key=lambda p: (p[0] == "year", p))
        classes = sorted({m.class_label for m in marks}, key=lambda c: (len(c), c))
        pv.summary.append(f"Отметок: {len(marks)}; классы: {', '.join(classes[:15])}"
                          f"{'…' if len(classes) > 15 else ''}; учебный год {', '.join(sorted({m.year for m in marks}))}.")
        pv.summary.append(f"Предметы: {', '.join(subjects[:12])}{'…' if len(subjects) > 12 else ''}; "
                          f"периоды: {', '.join(period_label(*p) for p in periods)}.")
        if native := [s for s in subjects if _NATIVE.match(norm(s))]:
            pv.summary.append(f"Отдельными предметами загружаются: {', '.join(native)}.")


def ambiguous_matches(pv: Preview) -> list[Match]:
    seen: dict[str, Match] = {}
    for link in pv.payload.links if pv.payload else []:
        if link.action == "ambiguous":
            seen.setdefault(link.match.key, link.match)
    for m in pv.payload.marks if pv.payload else []:
        if m.match.status == "ambiguous":
            seen.setdefault(m.match.key, m.match)
    return list(seen.values())


def role_choices(layout: Layout, known: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Roles a column may take in the mapping editor, with Russian labels."""
    roles = list(BASE_ROLES)
    subjects = sorted({*(known or {}).values(), *(r[8:] for r in layout.roles if r.startswith("subject:"))})
    roles += [f"subject:{s}" for s in subjects]
    for kind, count in (("quarter", 4), ("trimester", 3), ("half", 2)):
        roles += [f"period:{kind}:{n}" for n in range(1, count + 1)]
    roles.append("period:year:1")
    return [(r, role_label(r)) for r in roles]


# -- commit ----------------------------------------------------------------------------------------------

def commit(db, preview: Preview, batch_id: int, *, cancel=None) -> tuple[int, int]:
    from app.core.errors import check_cancel

    log = ChangeLog(db, batch_id)
    res = Resolver(db, log)
    payload: Payload = preview.payload
    _remember(db, log, payload.layouts)
    linked = _links.apply(db, log, res, payload.links)    # codes ↔ named pupils first
    wanted: dict[tuple[int, int, int], int] = {}          # (student, subject, period) → mark; last wins
    for n, m in enumerate(payload.marks):
        if n % 2000 == 0:
            check_cancel(cancel)
        sid = linked.get(m.match.code) if m.match.code else None
        if sid is None:
            sid = res.student_id(m.match, m.year, m.class_label)
        key = (sid, res.subject_id(m.subject),
               res.period_id(m.year, m.kind, m.number))
        wanted[key] = m.mark
    existing = {}
    for subj, period in {(k[1], k[2]) for k in wanted}:
        existing.update({(s, subj, period): (i, mk, b) for i, s, mk, b in db.execute(
            "SELECT id, student_id, mark, batch_id FROM journal_mark WHERE subject_id = ? AND period_id = ?",
            [subj, period])})
    fresh = []
    for key, mark in wanted.items():
        old = existing.get(key)
        if old is None:
            fresh.append((*key, mark, batch_id))
        elif old[1] != mark:
            log.update("journal_mark", old[0], {"mark": mark, "batch_id": batch_id},
                       {"mark": old[1], "batch_id": old[2]})
    log.insert_many("journal_mark", ["student_id", "subject_id", "period_id", "mark", "batch_id"], fresh)
    res.finish()
    log.flush()
    return log.added, log.changed


def _remember(db, log: ChangeLog, layouts: list[Layout]) -> None:
    """Keep the confirmed column mapping for files of the same shape (through the undo log)."""
    for lay in layouts:
        if lay.source != "user":
            continue
        key = MAPPING_KEY + lay.signature
        value = json.dumps({"roles": lay.roles, "labels": lay.labels}, ensure_ascii=False)
        row = db.execute("SELECT rowid, value FROM settings WHERE key = ?", [key]).fetchone()
        if row is None:
            log.insert("settings", {"key": key, "value": value})
        else:
            log.update("settings", row[0], {"value": value}, {"value": row[1]})


__all__ = ["KIND", "detect", "preview", "commit", "period_of", "guess_roles", "role_choices", "role_label",
           "signature", "name_key", "subject_name"]
