"""Journal reports with one block per pupil (Сетевой город and journals like it).

«Табель успеваемости учащегося (весь класс)»: for every pupil the lines «Учебный год: 2024/2025»,
«Класс: 8А», «Ученик: Фамилия Имя Отчество», then a table «Предмет | Учебные периоды → 1 Четверть …
4 Четверть → Средний балл | Ср. взв. балл | Итог | Год. оценка | Экз. оценка | Гос. экз. оценка |
Итог. оценка» (a header of up to three merged rows). The period mark is «Итог» under each period
(often stored as text); «Средний балл» and «Ср. взв. балл» are averages and never marks; «Год.
оценка» is the annual mark. Exam and final (certificate) marks have no place in the database: they
are counted in the preview, not loaded. Subjects without marks are passed over quietly.

«Отчёт об успеваемости и посещаемости ученика (весь класс)»: the same blocks with daily marks by
date («5», «4 5», «2/3», «О 2», «5 Н») and attendance letters (Н, Б, У, О). The database keeps marks
for periods and the year only, so daily marks are read and counted but not stored; a block's own
period mark (a column «Итог» / «Отметка за период» with the period named in the block) is loaded,
and a report holding daily marks only is refused with the report to export instead.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .base import Preview
from .journal import KIND, MarkRow, Payload, _count, _mark, _period_in_text, period_label, period_of, subject_name
from .students import Matcher, class_in_text, clean_class_label, clean_name, known_subjects, year_in_text
from .table_reader import Book, Sheet, cell_text, norm, read_book

_META = re.compile(r"^\s*(учебный год|класс|ученик|учащийся|обучающийся|период)\s*:\s*(.*?)\s*$", re.I)
_PUPIL_KEYS = ("ученик", "учащийся", "обучающийся")
_TITLE = re.compile(r"табел|отч[её]т|ведомост|успеваемост")
_SUBJECT_HEAD = re.compile(r"^(учебный )?предмет\w*$|^наименование (учебного )?предмета|^дисциплин")
_MONTHS = re.compile(r"^(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)")
_AVERAGE = re.compile(r"средн|^ср\.|взвеш")
_EXAM = re.compile(r"экз")
_OTHER = re.compile(r"пропущ|пропуск|посещ|всего|количеств|уроков|опоздан")
_YEAR_HEAD = re.compile(r"^год\w*\.?( (оценка|отметка))?$|^годов\w*")
_FINAL_HEAD = re.compile(r"^итог\w*\.?( (оценка|отметка))?$|^(оценка|отметка) за период$|^за период$")
_DAILY_MARK = re.compile(r"^[1-5][+-]?$")
_ATTENDANCE = {"н", "б", "у", "о", "п", "ув", "бол", "оп", "нп"}


@dataclass
class Column:
    col: int
    role: str                      # 'mark' | 'average' | 'exam' | 'final' | 'daily' | 'other'
    period: tuple[str, int] | None = None
    label: str = ""


@dataclass
class Block:
    sheet: Sheet
    pupil_row: int                 # 0-based
    name_raw: str
    year_raw: str | None
    class_raw: str | None
    period_raw: str | None
    title: str | None
    subject_col: int
    columns: list[Column] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)      # 0-based data rows


def _distinct(row, limit: int | None = None) -> list[str]:
    """The row's different texts in order; with `limit`, no more than that many (a wide data row is
    told from a line of text after its third text, not after reading all of it)."""
    out: list[str] = []
    for v in row:
        if v is None:
            continue
        t = cell_text(v)
        if t and t not in out:
            out.append(t)
            if limit is not None and len(out) >= limit:
                break
    return out


def _line(row) -> str | None:
    """A row that is one line of text (a merged range or a label and its value), else None."""
    parts = _distinct(row, 3)
    if not parts or len(parts) > 2:
        return None
    return " ".join(parts)


def _meta(row) -> tuple[str, str] | None:
    """('ученик', 'Арсеньев Глеб Викторович') for a line «Ученик: …», None otherwise."""
    text = _line(row)
    m = _META.match(text) if text else None
    if not m:
        return None
    return norm(m.group(1)), m.group(2)


def _is_title(row) -> bool:
    parts = _distinct(row, 2)
    return len(parts) == 1 and bool(_TITLE.search(norm(parts[0])))


def find_blocks(sheet: Sheet) -> list[Block]:
    """Every pupil block of a sheet with its header columns and data rows."""
    blocks: list[Block] = []
    state: dict[str, str | None] = {"учебный год": None, "класс": None, "период": None, "title": None}
    stops: list[int] = []            # rows that end a block's table (meta lines and titles)
    rows = sheet.rows
    for r, row in enumerate(rows):
        if not row:
            continue
        meta = _meta(row)
        if meta is None and _is_title(row):
            state["title"] = _distinct(row)[0]
            stops.append(r)
            continue
        if meta is None:
            continue
        stops.append(r)
        key, value = meta
        if key not in _PUPIL_KEYS:
            state[key] = value
            continue
        block = _block_at(sheet, r, value, state)
        if block is not None:
            blocks.append(block)
    for block in blocks:
        end = next((s for s in stops if s > block.rows[0]), len(rows)) if block.rows else 0
        block.rows = [r for r in block.rows if r < end and _subject_text(block, r)]
    return blocks


def _block_at(sheet: Sheet, r: int, name: str, state: dict) -> Block | None:
    rows = sheet.rows
    for h in range(r + 1, min(r + 10, len(rows))):
        if _meta(rows[h]) and _meta(rows[h])[0] in _PUPIL_KEYS:
            return None
        if (_meta(rows[h]) or [None])[0] == "период":
            state["период"] = _meta(rows[h])[1]
        labels = sheet.norm_row(h)
        subject_col = next((c for c, t in enumerate(labels) if _SUBJECT_HEAD.search(t)), None)
        if subject_col is None:
            continue
        head_text = labels[subject_col]
        header = [h]
        for nxt in range(h + 1, min(h + 5, len(rows))):
            cells = sheet.norm_row(nxt)
            first = cells[subject_col] if subject_col < len(cells) else ""
            if first == head_text or (not first and any(cells)):
                header.append(nxt)
            else:
                break
        block = Block(sheet, r, name, state["учебный год"], state["класс"], state["период"], state["title"],
                      subject_col)
        width = max(len(rows[x]) for x in header)
        for c in range(width):
            if c != subject_col:
                block.columns.append(_column(sheet, header, c))
        block.rows = list(range(header[-1] + 1, len(rows)))
        return block
    return None


def _column(sheet: Sheet, header: list[int], c: int) -> Column:
    levels: list[str] = []
    raw: list[str] = []
    for h in header:
        value = sheet.value(h, c)
        t = norm(value)
        if t and (not levels or levels[-1] != t):
            levels.append(t)
            raw.append(cell_text(value))
    label = " / ".join(raw)
    if not levels:
        return Column(c, "other", label=label)
    if any(_AVERAGE.search(t) for t in levels):
        return Column(c, "average", label=label)
    if any(_OTHER.search(t) for t in levels):
        return Column(c, "other", label=label)
    if any(_EXAM.search(t) for t in levels):
        return Column(c, "exam", label=label)
    if any(_YEAR_HEAD.search(t) for t in levels):
        return Column(c, "mark", ("year", 1), label)
    for i, t in enumerate(levels):
        p = period_of(t)
        if p is not None:
            below = levels[i + 1:]
            if not below or re.search(r"^итог|^отметка|^оценка", below[-1]):
                return Column(c, "mark", p, label)
            return Column(c, "other", label=label)
    if any(_FINAL_HEAD.search(t) for t in levels):
        return Column(c, "final", label=label)
    if any(_MONTHS.search(t) or _day(sheet.value(h, c)) for t in levels for h in header):
        return Column(c, "daily", label=label)
    return Column(c, "other", label=label)


def _day(value) -> bool:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return True
    if type(value) is int:
        return 1 <= value <= 31
    return bool(re.fullmatch(r"\d{1,2}([./]\d{1,2}([./]\d{2,4})?)?", cell_text(value)))


def _subject_text(block: Block, r: int) -> str:
    return cell_text(block.sheet.value(r, block.subject_col))


def _cell(block: Block, r: int, c: int):
    """A data cell; a value spilled from a row merged across (the subject's own text) is empty."""
    value = block.sheet.value(r, c)
    if value is not None and cell_text(value) == _subject_text(block, r):
        return None
    return value


def daily_marks(value) -> int:
    """How many marks a daily cell holds: «5» 1, «4 5» 2, «2/3» 2, «О 2» 1, «5 Н» 1, «Н» 0."""
    text = norm(value)
    if not text:
        return 0
    return sum(1 for t in re.split(r"[\s/,;]+", text) if _DAILY_MARK.match(t))


# -- recognising ---------------------------------------------------------------------------------

def detect_book(book: Book) -> float:
    """0.95 for a book of pupil blocks with a subject table, else 0."""
    for sheet in book.sheets:
        blocks = find_blocks(sheet)
        if any(b.rows and any(c.role in ("mark", "daily", "final") for c in b.columns) for b in blocks):
            return 0.95
    return 0.0


def block_sheets(book: Book) -> list[tuple[Sheet, list[Block]]]:
    found = []
    for sheet in book.sheets:
        blocks = [b for b in find_blocks(sheet) if b.rows]
        if blocks:
            found.append((sheet, blocks))
    return found


# -- preview ---------------------------------------------------------------------------------------

def preview(db, path: Path, options: dict, *, progress=None, cancel=None,
            found: list[tuple[Sheet, list[Block]]] | None = None) -> Preview:
    from app.core.domain import normalise_year_label
    from app.core.errors import check_cancel

    path = Path(path)
    pv = Preview(kind=KIND, file=path)
    if found is None:
        found = block_sheets(read_book(path, cancel=cancel))
    known = known_subjects(db)
    payload = pv.payload = Payload()
    matchers: dict[str, Matcher] = {}
    stats = {"pupils": 0, "daily": 0, "set_aside": 0, "daily_rows": 0}
    option_period = period_of(str(options["period"])) if options.get("period") else None
    blocks = [b for _, bs in found for b in bs]
    for n, block in enumerate(blocks):
        check_cancel(cancel)
        sheet = block.sheet
        marks_cols = [c for c in block.columns if c.role == "mark"]
        finals = [c for c in block.columns if c.role == "final"]
        daily = [c for c in block.columns if c.role == "daily"]
        set_aside = [c for c in block.columns if c.role == "exam"]
        if not marks_cols and finals:
            # a report by dates with its own period mark: the period is named in the block
            period = (_period_in_text(block.period_raw or "") or _period_in_text(block.title or "")
                      or option_period)
            if period is None:
                pv.missing_options["period"] = ("Не указано, за какой период итоговые отметки отчёта "
                                                "(например, «1 четверть» или «год»).")
                continue
            marks_cols = [Column(c.col, "mark", period, c.label) for c in finals]
        else:
            set_aside += finals
        stats["pupils"] += 1
        for r in block.rows:
            stats["daily"] += sum(daily_marks(_cell(block, r, c.col)) for c in daily)
            stats["set_aside"] += sum(1 for c in set_aside if _mark(_cell(block, r, c.col), []) is not None)
        if not marks_cols:
            continue
        name = clean_name(block.name_raw)
        # the block's own lines first, then the report's title and the file name, then the options
        around = [block.title or "", path.stem.replace("_", " ")]
        year = (year_in_text(block.year_raw or "") or next((y for t in around if (y := year_in_text(t))), None)
                or options.get("year"))
        cls = (_class(block.class_raw) or next((c for t in around if (c := class_in_text(t))), None)
               or (clean_class_label(options["class_label"]) if options.get("class_label") else None))
        if year is None:
            pv.missing_options["year"] = ("Учебный год не указан ни в строке «Учебный год:», ни в заголовке, "
                                          "ни в имени файла.")
            continue
        try:
            year = normalise_year_label(str(year))
        except ValueError:
            pv.missing_options["year"] = f"«{year}» — не учебный год; укажите его в виде 2024/2025."
            continue
        if cls is None:
            pv.missing_options["class_label"] = ("Класс не указан ни в строке «Класс:», ни в заголовке, "
                                                 "ни в имени файла.")
            continue
        if name is None:
            pv.problems.append(sheet.problem(path, block.pupil_row,
                                             f"«{block.name_raw}» — не фамилия и имя учащегося."))
            continue
        if year not in matchers:
            matchers[year] = Matcher(db, year, options.get("students"))
        match = matchers[year].match(None, name, cls)
        for r in block.rows:
            raw_subject = _subject_text(block, r)
            cells = [(c, _cell(block, r, c.col)) for c in marks_cols]
            if not any(v not in (None, "") for _, v in cells):
                continue                                  # «Разговоры о важном»: nothing to load
            subject = subject_name(raw_subject, known)
            reasons: list[str] = []
            got = []
            for c, value in cells:
                mark = _mark(value, reasons, where=f"«{raw_subject}», {period_label(*c.period)}")
                if mark is not None:
                    got.append((c.period, mark))
            pv.rows_total += 1
            if reasons:
                pv.problems.append(sheet.problem(path, r, f"{block.name_raw}: " + " ".join(reasons)))
                continue
            pv.rows_ok += 1
            for (kind, number), mark in got:
                payload.marks.append(MarkRow(r + 1, match, cls, year, subject, kind, number, mark))
        if progress:
            progress(n + 1, len(blocks))
    _explain(pv, found, stats)
    _count(pv)
    return pv


def _class(text: str | None) -> str | None:
    if not text:
        return None
    return clean_class_label(text.strip()) or class_in_text(text)


def _explain(pv: Preview, found, stats: dict) -> None:
    title = next((b.title for _, bs in found for b in bs if b.title), None)
    what = f"«{title}»" if title else "отчёт электронного журнала по учащимся"
    if pv.missing_options or pv.fatal:
        return
    if not pv.payload.marks and not pv.problems:
        if stats["daily"]:
            pv.fatal = (f"{what} содержит текущие отметки по датам уроков и пропуски (Н, Б, У, О): "
                        f"учащихся — {stats['pupils']}, текущих отметок — {stats['daily']}. Программа хранит "
                        "отметки за четверти (триместры, полугодия) и год, а текущие отметки и средний балл "
                        "не загружает. Выгрузите из электронного журнала отчёт «Табель успеваемости "
                        "учащегося (весь класс)» (отметки за периоды и годовые) и загрузите его. "
                        "В базе ничего не изменено.")
        else:
            pv.fatal = (f"{what}: у учащихся нет ни одной отметки за четверть, триместр, полугодие или год "
                        "(от 2 до 5). В базе ничего не изменено.")
        return
    pv.summary.append(f"{what[0].upper()}{what[1:]}: учащихся — {stats['pupils']}.")
    if stats["daily"]:
        pv.summary.append(f"Текущие отметки по датам ({stats['daily']}) не загружаются: программа хранит "
                          "отметки за периоды и год.")
    if stats["set_aside"]:
        pv.summary.append(f"Экзаменационные и итоговые отметки ({stats['set_aside']}) не загружаются: "
                          "программа хранит отметки за периоды и год.")


__all__ = ["find_blocks", "detect_book", "block_sheets", "preview", "daily_marks"]
