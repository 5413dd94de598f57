"""Reading the tables schools already have: xlsx (openpyxl, read-only, cached values) and csv.

Everything an importer needs to stand on: the file's real format checked by its first bytes
(a PDF or an old .xls renamed to .xlsx is named as such), merged cells expanded so every cell of
a merged range carries its value, formulas saved without values found, text encodings and csv
delimiters sniffed, a row limit, and header rows located by keywords, never by fixed cells.
Problems are UserError with a Russian message naming the file, the sheet and the row.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from app.core.errors import Cancelled, UserError, check_cancel

from .base import RowProblem

MAX_ROWS = 100_000
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_CANCEL_EVERY = 2000


@dataclass
class Sheet:
    """One sheet (or the single table of a csv file): rows of cell values, row i is sheet row i + 1."""

    name: str
    rows: list[list[Any]]
    formula_cells: list[tuple[int, int]] = field(default_factory=list)   # (row, col), 1-based
    is_csv: bool = False
    _norm: dict[int, list[str]] = field(default_factory=dict, repr=False)

    def norm_row(self, r: int) -> list[str]:
        """Row `r` (0-based) as normalised texts (remembered: header searches look at it often)."""
        found = self._norm.get(r)
        if found is None:
            found = self._norm[r] = [norm(v) for v in self.rows[r]] if r < len(self.rows) else []
        return found

    def text(self, r: int, c: int) -> str:
        """Cell (0-based row, col) as display text ('' when empty or outside)."""
        if r < len(self.rows) and c < len(self.rows[r]):
            return cell_text(self.rows[r][c])
        return ""

    def value(self, r: int, c: int) -> Any:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def formula_message(self, first_row: int) -> str | None:
        """A Russian reason if a formula without a saved value stands at or below 0-based `first_row`."""
        for r, c in self.formula_cells:
            if r > first_row:
                return (f"лист «{self.name}», строка {r} (ячейка {col_letter(c)}{r}): вместо значения записана "
                        "формула без сохранённого результата. Откройте файл в Excel или LibreOffice Calc, "
                        "дайте формулам пересчитаться, сохраните и загрузите снова.")
        return None

    def problem(self, path: Path, r: int, reason: str) -> RowProblem:
        """A rejected row (0-based index `r`) with file, sheet (not for csv) and row number."""
        return RowProblem(Path(path).name, None if self.is_csv else self.name, r + 1, reason)


@dataclass
class Book:
    path: Path
    format: str                    # 'xlsx' | 'csv'
    sheets: list[Sheet]
    encoding: str | None = None
    delimiter: str | None = None


# -- small text helpers ---------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """A cell as text: 5.0 → '5', dates → '15.04.2025', strings stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, _dt.datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, _dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).replace("\xa0", " ").strip()


def norm(value: Any) -> str:
    """Text for matching: lower case, ё → е, one space between words."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    text = value if isinstance(value, str) else cell_text(value)
    return " ".join(text.lower().replace("ё", "е").split())


def col_letter(col: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


# -- format by content ------------------------------------------------------------------------

def sniff_format(path: Path) -> str:
    """'xlsx', 'docx', 'zip', 'pdf', 'xls', 'text', 'binary' or 'empty' — by the first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head:
        return "empty"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


def check_readable(path: Path) -> str:
    """Refuse what cannot be a table (naming what it is); return 'xlsx' or 'csv'."""
    name = path.name
    if not path.exists():
        raise UserError(f"Файл «{name}» не найден. Проверьте путь к файлу.")
    if path.is_dir():
        raise UserError(f"«{name}» — это папка, а не файл. Укажите файлы с таблицами.")
    kind = sniff_format(path)
    suffix = path.suffix.lower()
    if kind == "empty":
        raise UserError(f"Файл «{name}» пуст (0 байт): в нём нет данных.")
    if kind == "pdf":
        raise UserError(f"Файл «{name}» — это документ PDF, хотя имя оканчивается на «{suffix}». "
                        "Из PDF данные не читаются: выгрузите результаты в Excel (.xlsx) или CSV.")
    if kind == "xls":
        raise UserError(f"Файл «{name}» сохранён в старом формате Excel 97–2003 (.xls). "
                        "Откройте его в Excel или LibreOffice Calc и сохраните как книгу .xlsx.")
    if kind == "docx":
        raise UserError(f"Файл «{name}» — документ Word, а не таблица Excel или CSV.")
    if kind == "zip" or (suffix in XLSX_SUFFIXES and kind != "xlsx"):
        raise UserError(f"Файл «{name}» повреждён или обрезан: его не удаётся прочитать как книгу "
                        "Excel (.xlsx). Откройте файл в Excel или LibreOffice Calc и сохраните заново, "
                        "либо выгрузите его ещё раз.")
    if kind == "binary":
        raise UserError(f"Файл «{name}» не похож ни на таблицу Excel, ни на текстовый файл CSV.")
    return "xlsx" if kind == "xlsx" else "csv"


# -- reading ---------------------------------------------------------------------------------

_CACHE: dict[tuple, Book | UserError] = {}


def read_book(path: Path, *, max_rows: int = MAX_ROWS, head: int | None = None,
              cancel: Callable[[], bool] | None = None) -> Book:
    """Read every sheet of an xlsx file, or the one table of a csv file.

    `head` reads only the first rows of each sheet. Raises UserError with a Russian message for
    anything that is not a readable table. Whole files are cached by path, size and modification
    time, so recognising a file and previewing it read it once.
    """
    path = Path(path)
    key = None
    if head is None and max_rows == MAX_ROWS and path.exists():
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        found = _CACHE.get(key)
        if isinstance(found, UserError):
            raise found
        if found is not None:
            return found
    try:
        book = _read_book(path, max_rows=max_rows, head=head, cancel=cancel)
    except UserError as exc:
        if key:
            _remember(key, exc)
        raise
    if key:
        _remember(key, book)
    return book


def _remember(key: tuple, value) -> None:
    while len(_CACHE) >= 3:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = value


def _read_book(path: Path, *, max_rows: int, head: int | None, cancel) -> Book:
    fmt = check_readable(path)
    if fmt == "xlsx":
        book = _read_xlsx(path, max_rows=max_rows, head=head, cancel=cancel)
    else:
        book = _read_csv(path, max_rows=max_rows, head=head, cancel=cancel)
    if not any(_non_empty(row) for sheet in book.sheets for row in sheet.rows):
        where = f"лист «{book.sheets[0].name}» пуст" if len(book.sheets) == 1 else "все листы пусты"
        if fmt == "csv":
            where = "в нём нет ни одной заполненной строки"
        raise UserError(f"Файл «{path.name}»: {where} — загружать нечего.")
    return book


def _non_empty(row) -> bool:
    return any(v is not None and v != "" for v in row)


def _too_many(path: Path, sheet: str | None, max_rows: int) -> UserError:
    where = f"Файл «{path.name}»" + (f", лист «{sheet}»" if sheet else "")
    return UserError(f"{where}: больше {max_rows:,} строк — столько не бывает в выгрузке одной школы. "
                     "Проверьте, тот ли это файл, или разделите его на части.".replace(",", " "))


def _corrupt(path: Path, detail: str = "") -> UserError:
    extra = f" ({detail})" if detail else ""
    return UserError(f"Файл «{path.name}» повреждён или обрезан: его не удаётся прочитать как книгу "
                     f"Excel (.xlsx){extra}. Откройте файл в Excel или LibreOffice Calc и сохраните "
                     "заново, либо выгрузите его ещё раз.")


def _read_xlsx(path: Path, *, max_rows: int, head: int | None, cancel) -> Book:
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (UserError, Cancelled):
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        raise _corrupt(path) from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            if not isinstance(ws, ReadOnlyWorksheet):
                continue                      # chart sheets carry no cells
            reader = _SheetXml(wb, ws.title, head=head, max_rows=max_rows, cancel=cancel, path=path)
            with wb._archive.open(ws._worksheet_path) as fh:   # noqa: SLF001 - openpyxl keeps the zip open
                reader.parse(fh)
            _expand_merges(reader.rows, reader.merges)
            sheets.append(Sheet(ws.title, reader.rows, sorted(reader.formulas)))
    except (UserError, Cancelled):
        raise
    except Exception as exc:  # noqa: BLE001 - truncated members, broken XML
        raise _corrupt(path) from exc
    finally:
        wb.close()
    if not sheets:
        raise UserError(f"Файл «{path.name}»: в книге нет листов с таблицами.")
    return Book(path, "xlsx", sheets)


class _Enough(Exception):
    """Stop parsing: the first rows were all that was asked for."""


class _SheetXml:
    """One pass of expat over a sheet's XML: cell values as openpyxl gives them with data_only (the
    workbook's shared strings, date styles and epoch), merged ranges, and formula cells whose value
    was never saved. About three times faster than openpyxl's own row iterator, which matters for
    the benchmark of a 600-row form."""

    def __init__(self, wb, title: str, *, head, max_rows: int, cancel, path: Path):
        self.shared = wb.shared_strings
        self.dates = wb._date_formats              # noqa: SLF001 - style ids with a date format
        self.epoch = wb.epoch
        self.title, self.head, self.max_rows, self.cancel, self.path = title, head, max_rows, cancel, path
        self.rows: list[list[Any]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.formulas: list[tuple[int, int]] = []
        self.row: list[Any] = []
        self.filled = 0
        self.col = 0
        self.ctype = self.cstyle = None
        self.text: list[str] = []
        self.capture = self.formula = self.has_value = False
        self.in_phonetic = False

    def parse(self, fh) -> None:
        from xml.parsers import expat

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.data
        try:
            while chunk := fh.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Enough:
            pass
        while self.rows and not self.rows[-1]:
            self.rows.pop()

    def start(self, name: str, attrs: dict) -> None:
        if ":" in name:
            name = name.split(":", 1)[1]
        if name == "c":
            ref = attrs.get("r")
            self.col = _ref_col(ref) if ref else self.col + 1
            self.ctype, self.cstyle = attrs.get("t"), attrs.get("s")
            self.text, self.formula, self.has_value = [], False, False
        elif name == "v" or (name == "t" and not self.in_phonetic):
            self.capture = self.has_value = True
        elif name == "f":
            self.formula = True
        elif name == "row":
            self._start_row(attrs.get("r"))
        elif name == "rPh":
            self.in_phonetic = True
        elif name == "mergeCell" and (ref := attrs.get("ref")) and ":" in ref:
            a, b = ref.split(":")
            self.merges.append((_ref_row(a), _ref_col(a), _ref_row(b), _ref_col(b)))

    def _start_row(self, number: str | None) -> None:
        index = int(number) if number else len(self.rows) + 1
        if self.head is not None and index > self.head:
            raise _Enough()
        if index % _CANCEL_EVERY == 0:
            check_cancel(self.cancel)
        while len(self.rows) < index - 1:
            self.rows.append([])
        self.row = []
        self.rows.append(self.row)
        self.col = 0

    def data(self, text: str) -> None:
        if self.capture:
            self.text.append(text)

    def end(self, name: str) -> None:
        if ":" in name:
            name = name.split(":", 1)[1]
        if name == "v" or name == "t":
            self.capture = False
        elif name == "c":
            self._store()
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "row":
            row = self.row
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
            if row:
                self.filled += 1
                if self.filled > self.max_rows:
                    raise _too_many(self.path, self.title, self.max_rows)

    def _store(self) -> None:
        text = "".join(self.text)
        # A formula never calculated has no value, or an empty one in a numeric cell (openpyxl writes
        # «<v></v>»); an empty text result is legitimate only in a text cell.
        if self.formula and (not self.has_value or (not text and self.ctype != "str")):
            self.formulas.append((len(self.rows), self.col))
            return
        if not text and self.ctype != "inlineStr":
            return
        value = self._value(text)
        row = self.row
        if len(row) < self.col:
            row.extend([None] * (self.col - len(row)))
        row[self.col - 1] = value

    def _value(self, text: str) -> Any:
        t = self.ctype
        if t is None or t == "n":
            number = int(text) if text.lstrip("-").isdigit() else float(text)
            if self.cstyle and int(self.cstyle) in self.dates:
                from openpyxl.utils.datetime import from_excel

                try:
                    return from_excel(number, self.epoch)
                except (OverflowError, ValueError):
                    return number
            return number
        if t == "s":
            return self.shared[int(text)]
        if t == "b":
            return text == "1"
        if t == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        return text                                   # inlineStr, str (a formula's text), e (an error)


def _ref_col(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch <= "9":
            break
        n = n * 26 + ord(ch) - 64
    return n


def _ref_row(ref: str) -> int:
    return int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ$").replace("$", "") or 0)


def _expand_merges(rows: list[list[Any]], merges) -> None:
    """Copy the value of each merged range's top-left cell into every cell of the range."""
    for r1, c1, r2, c2 in merges:
        if r1 > len(rows) or (r2 - r1 + 1) * (c2 - c1 + 1) > 20000:
            continue
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        if value is None or value == "":
            continue
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                if row[c - 1] is None or row[c - 1] == "":
                    row[c - 1] = value


# -- csv ----------------------------------------------------------------------------------------

_CP1251_ODD = set("ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—™љ›њќћџЎўЈ¤Ґ¦§©Є¬®Ї°±Ііґµ¶·№є»јЅѕї")
_CYR = re.compile(r"[А-Яа-яЁё]{3,}")


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Bytes of a text table → (text, encoding): UTF-8 (with or without BOM), UTF-16 or Windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, enc = data.decode("cp1251"), "cp1251"
        except UnicodeDecodeError:
            raise _bad_encoding(name) from None
    if not _plausible(text):
        raise _bad_encoding(name)
    return text, enc


def _bad_encoding(name: str) -> UserError:
    return UserError(f"Файл «{name}»: не удаётся определить кодировку — русские буквы читаются как "
                     "бессмыслица. Сохраните таблицу в кодировке UTF-8 или Windows-1251 (в Excel: "
                     "«Сохранить как» → «CSV UTF-8») и загрузите снова.")


def _plausible(text: str) -> bool:
    """Russian text decoded right: no control characters, few cp1251 symbols, words of sane case."""
    sample = text[:200_000]
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in sample[:20000]):
        return False
    letters = sum(1 for ch in sample if "А" <= ch <= "я" or ch in "Ёё")
    odd = sum(1 for ch in sample if ch in _CP1251_ODD)
    if odd > 20 and odd > letters * 0.2:
        return False
    words = _CYR.findall(sample)
    if len(words) < 5:
        return True
    sane = sum(1 for w in words if w.islower() or w.isupper() or (w[0].isupper() and w[1:].islower()))
    return sane >= 0.8 * len(words)


def sniff_delimiter(text: str) -> str:
    """';', ',' or tab: the one that splits the first lines into the most consistent columns."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best, best_score = ";", -1.0
    for delim in (";", "\t", ","):
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * mode / len(lines)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(path: Path, *, max_rows: int, head: int | None, cancel) -> Book:
    data = path.read_bytes() if head is None else _read_head(path)
    text, encoding = decode_text(data, path.name)
    delim = sniff_delimiter(text)
    rows: list[list[Any]] = []
    filled = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        for i, row in enumerate(reader):
            if head is not None and i >= head:
                break
            if i % _CANCEL_EVERY == 0:
                check_cancel(cancel)
            while row and not row[-1].strip():
                row.pop()
            if row:
                filled += 1
                if filled > max_rows:
                    raise _too_many(path, None, max_rows)
            rows.append([v.strip() for v in row])
    except csv.Error as exc:
        raise UserError(f"Файл «{path.name}», строка {reader.line_num}: текст таблицы нарушен "
                        f"({exc}). Сохраните таблицу заново как CSV.") from exc
    while rows and not rows[-1]:
        rows.pop()
    return Book(path, "csv", [Sheet(path.stem, rows, is_csv=True)], encoding=encoding, delimiter=delim)


def _read_head(path: Path, size: int = 65536) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read(size)
    # do not cut a UTF-8 character or a line in half
    cut = data.rfind(b"\n")
    return data[:cut] if cut > 0 and len(data) == size else data


def peek(path: Path) -> Book:
    """The file as read for recognising it (the same cached read the preview uses)."""
    return read_book(Path(path))


# -- header rows ----------------------------------------------------------------------------------

@dataclass
class Header:
    row: int                       # 0-based index in sheet.rows
    labels: list[str]              # normalised labels per column
    raw: list[str]                 # labels as written


def find_header(sheet: Sheet, score: Callable[[list[str]], float], *, scan: int = 60,
                borrow: Callable[[str], bool] | None = None) -> Header | None:
    """The row within the first `scan` rows that `score` likes best (score > 0), or None.

    `borrow` accepts a label from the row above for columns left empty in the header row — a
    two-row header without merged cells («Код» above, task numbers below).
    """
    best: tuple[float, int] | None = None
    for i, row in enumerate(sheet.rows[:scan]):
        if not row:
            continue
        s = score(sheet.norm_row(i))
        if s > 0 and (best is None or s > best[0]):
            best = (s, i)
    if best is None:
        return None
    i = best[1]
    raw = [cell_text(v) for v in sheet.rows[i]]
    if borrow is not None and i > 0:
        above = sheet.rows[i - 1]
        for c, text in enumerate(raw):
            if not text and c < len(above) and borrow(norm(above[c])):
                raw[c] = cell_text(above[c])
        for c in range(len(raw), len(above)):
            if borrow(norm(above[c])):
                raw.extend([""] * (c - len(raw)) + [cell_text(above[c])])
    return Header(i, [norm(t) for t in raw], raw)


def meta_lines(sheet: Sheet, upto: int) -> list[str]:
    """Rows above the header as lines of text (repeated merged values said once)."""
    lines = []
    for row in sheet.rows[:upto]:
        parts: list[str] = []
        for v in row:
            t = cell_text(v)
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        if parts:
            lines.append(" ".join(parts))
    return lines


def to_int(value: Any) -> int | None:
    """5, 5.0, '5', ' 5 ' → 5; anything else → None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace(",", ".")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.0+", text):
        return int(float(text))
    return None
