"""Reading the tables schools already have: spreadsheets (xlsx, xlsm, xlsb, xls, ods) through
python-calamine, and csv / text tables.

Everything an importer needs to stand on: the file's real format checked by its first bytes
(a PDF renamed to .xlsx is named as such), shared strings and cached formula values as the office
suite saved them, merged cells expanded so every cell of a merged range carries its value, hidden
sheets marked, formulas saved without values found when a needed cell is empty, text encodings and
csv delimiters sniffed, size limits, and header rows located by keywords, never by fixed cells.
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

from . import limits
from .base import RowProblem

MAX_ROWS = 100_000
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
SPREADSHEET_FORMATS = ("xlsx", "xlsm", "xlsb", "xls", "ods")
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_CANCEL_EVERY = 2000


@dataclass
class Sheet:
    """One sheet (or the single table of a csv file): rows of cell values, row i is sheet row i + 1."""

    name: str
    rows: list[list[Any]]
    _formulas: list[tuple[int, int]] | None = None   # (row, col), 1-based; found on first use
    is_csv: bool = False
    hidden: bool = False
    _probe: Callable[[], list[tuple[int, int]]] | None = field(default=None, repr=False)
    _norm: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @property
    def formula_cells(self) -> list[tuple[int, int]]:
        """Formula cells saved without a value (read from the sheet's XML the first time it is asked)."""
        if self._formulas is None:
            self._formulas = sorted(self._probe()) if self._probe is not None else []
        return self._formulas

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

    def formula_message(self, first_row: int, cols: list[int] | None = None) -> str | None:
        """A Russian reason if a formula without a saved value stands below 0-based `first_row`.

        With `cols` (0-based columns an importer needs) the sheet's XML is read only when one of
        those cells is empty in a row that has other data: a formula never calculated reads as empty.
        """
        if cols is not None and not self._needed_cell_empty(first_row, cols):
            return None
        wanted = None if cols is None else {c + 1 for c in cols}
        for r, c in self.formula_cells:
            if r > first_row + 1 and (wanted is None or c in wanted):
                return (f"лист «{self.name}», строка {r} (ячейка {col_letter(c)}{r}): вместо значения записана "
                        "формула без сохранённого результата. Откройте файл в Excel или LibreOffice Calc, "
                        "дайте формулам пересчитаться, сохраните и загрузите снова.")
        return None

    def _needed_cell_empty(self, first_row: int, cols: list[int]) -> bool:
        if self._probe is None:
            return False
        for row in self.rows[first_row + 1:]:
            if row and any(c >= len(row) or row[c] is None for c in cols):
                return True
        return False

    def problem(self, path: Path, r: int, reason: str) -> RowProblem:
        """A rejected row (0-based index `r`) with file, sheet (not for csv) and row number."""
        return RowProblem(Path(path).name, None if self.is_csv else self.name, r + 1, reason)


@dataclass
class Book:
    path: Path
    format: str                    # 'xlsx' | 'xlsm' | 'xlsb' | 'xls' | 'ods' | 'csv'
    sheets: list[Sheet]
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def visible_sheets(self) -> list[Sheet]:
        return [s for s in self.sheets if not s.hidden]

    def sheet(self, name: str) -> Sheet | None:
        """A sheet by name, case and spaces aside (hidden ones too: «Классы», «Служебный»)."""
        want = norm(name)
        return next((s for s in self.sheets if norm(s.name) == want), None)


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
    """'xlsx', 'xlsb', 'ods', 'docx', 'zip', 'pdf', 'xls', 'text', 'binary' or 'empty' — by the
    first bytes (and, for a zip, its members)."""
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
                mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
        except NotImplementedError:
            return "zip-unsupported"     # a zip feature Python cannot read («version needed» above 6.3)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
            return "zip"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


def check_readable(path: Path) -> str:
    """Refuse what cannot be a table (naming what it is); return the spreadsheet format or 'csv'."""
    name = path.name
    limits.check_regular(path)          # no pipe, device or folder is ever opened; size bounded
    kind = sniff_format(path)
    suffix = path.suffix.lower()
    if kind == "empty":
        raise UserError(f"Файл «{name}» пуст (0 байт): в нём нет данных.")
    if kind == "pdf":
        raise UserError(f"Файл «{name}» — это документ PDF, хотя имя оканчивается на «{suffix}». "
                        "Из PDF данные не читаются: выгрузите результаты в Excel (.xlsx, .xls) или CSV.")
    if kind == "docx":
        raise UserError(f"Файл «{name}» — документ Word, а не таблица Excel или CSV.")
    if kind == "zip-unsupported":
        raise UserError(f"Файл «{name}» сжат способом, который программа не поддерживает (архив более новой "
                        "версии или особого формата). Откройте его в Excel или LibreOffice Calc, сохраните "
                        "как .xlsx и загрузите снова. В базе ничего не изменено.")
    if kind == "xlsx":
        return "xlsm" if suffix == ".xlsm" else "xlsx"
    if kind in ("xlsb", "ods", "xls"):
        return kind
    if kind == "zip" or suffix in SPREADSHEET_SUFFIXES:
        raise _corrupt(path, "ods" if suffix == ".ods" else "xls" if suffix == ".xls" else "xlsx")
    if kind == "binary":
        raise UserError(f"Файл «{name}» не похож ни на таблицу Excel, ни на текстовый файл CSV.")
    return "csv"


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
    if fmt in SPREADSHEET_FORMATS:
        if fmt == "ods":
            limits.check_ods(path)
        elif fmt == "xls":
            limits.check_xls(path)
        else:
            limits.check_xlsx(path, fmt)     # before calamine allocates what the sheets claim
        book = _read_spreadsheet(path, fmt, max_rows=max_rows, head=head, cancel=cancel)
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


_FORMAT_NAMES = {"xlsx": "книгу Excel (.xlsx)", "xlsm": "книгу Excel с макросами (.xlsm)",
                 "xlsb": "двоичную книгу Excel (.xlsb)", "xls": "книгу Excel 97–2003 (.xls)",
                 "ods": "таблицу OpenDocument (.ods)"}


def _corrupt(path: Path, fmt: str = "xlsx") -> UserError:
    """A file that is not a readable book. No advice to re-save: a sound file saved again is the
    same file; the sender is asked for a fresh copy instead."""
    return UserError(f"Файл «{path.name}» повреждён или обрезан: его не удаётся прочитать как "
                     f"{_FORMAT_NAMES.get(fmt, 'книгу Excel')}. Возможно, файл скопирован не полностью: "
                     "возьмите его заново из источника (флешка, почта, выгрузка из системы). "
                     "В базе ничего не изменено.")


def _read_spreadsheet(path: Path, fmt: str, *, max_rows: int, head: int | None, cancel) -> Book:
    """Every worksheet of an xlsx / xlsm / xlsb / xls / ods book through calamine: shared strings,
    cached formula values, dates, merged ranges and sheet visibility as the office suite saved them."""
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise UserError(f"Файл «{path.name}» защищён паролем: программа не может его открыть. Снимите "
                        "пароль в Excel или LibreOffice Calc (или выгрузите файл заново без пароля).") from None
    except BaseException as exc:  # noqa: BLE001 - any parser failure (a Rust panic too) means a broken file
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _corrupt(path, fmt) from exc
    sheets = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue                      # chart and dialog sheets carry no cells
            check_cancel(cancel)
            ws = wb.get_sheet_by_name(meta.name)
            _check_size(path, meta.name, ws)
            raw = ws.to_python(skip_empty_area=False, nrows=head) if ws.height else []
            rows = _clean_rows(raw, path, meta.name, max_rows, cancel)
            _expand_merges(rows, [(a + 1, b + 1, c + 1, d + 1) for (a, b), (c, d)
                                  in (ws.merged_cell_ranges or [])[:MAX_MERGES]])
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            probe = _FormulaProbe(path, meta.name) if fmt in ("xlsx", "xlsm") else None
            sheets.append(Sheet(meta.name, rows, hidden=hidden, _probe=probe))
    except (UserError, Cancelled, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - truncated members, broken XML, a panic of the Rust parser
        raise _corrupt(path, fmt) from exc
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001 - closing a book that failed half-way
            pass
    if not sheets:
        raise UserError(f"Файл «{path.name}»: в книге нет листов с таблицами.")
    return Book(path, fmt, sheets)


# Limits checked again once calamine has loaded a sheet (the .xls and .xlsb formats are bounded by
# their size only before that): see limits.py for the checks made before.
MAX_COLUMNS = limits.MAX_COLUMNS
MAX_MERGES = limits.MAX_MERGES
MAX_CELLS = limits.MAX_CELLS


def _check_size(path: Path, sheet: str, ws) -> None:
    height, width = ws.height, ws.width
    if width > MAX_COLUMNS or height * max(width, 1) > MAX_CELLS:
        raise UserError(f"Файл «{path.name}», лист «{sheet}»: таблица заявлена размером {height} строк "
                        f"на {width} столбцов — это не выгрузка одной школы. Проверьте, тот ли это файл.")


def _clean_rows(raw: list[list[Any]], path: Path, sheet: str, max_rows: int, cancel) -> list[list[Any]]:
    """calamine's rows → ours: '' becomes None, whole floats become int, trailing blanks dropped."""
    rows: list[list[Any]] = []
    filled = 0
    for i, row in enumerate(raw):
        if i % _CANCEL_EVERY == 0 and i:
            check_cancel(cancel)
        end = len(row)
        while end and (row[end - 1] == "" or row[end - 1] is None):
            end -= 1
        out = row[:end]
        for c, v in enumerate(out):
            t = type(v)
            if t is float:
                if v.is_integer() and abs(v) < 1e15:
                    out[c] = int(v)
            elif t is str:
                if v == "":
                    out[c] = None
                elif len(v) > limits.MAX_CELL_CHARS:
                    raise limits.refuse(path.name, f"на листе «{sheet}» в строке {i + 1} ячейка длиной "
                                                   f"{len(v)} знаков (в Excel не больше {limits.MAX_CELL_CHARS}).")
        if out:
            filled += 1
            if filled > max_rows:
                raise _too_many(path, sheet, max_rows)
        rows.append(out)
    while rows and not rows[-1]:
        rows.pop()
    return rows


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z]\w{0,20}:)?f[\s>/]")


class _FormulaProbe:
    """Finds formula cells saved without a value by reading the sheet's XML — only when asked, that
    is when an importer finds a cell it needs empty (calamine reads such a cell as empty)."""

    def __init__(self, path: Path, sheet: str):
        self.path, self.sheet = path, sheet

    def __call__(self) -> list[tuple[int, int]]:
        from xml.parsers import expat

        try:
            with zipfile.ZipFile(self.path) as zf:
                member = _sheet_member(zf, self.sheet)
                if member is None:
                    return []
                found: list[tuple[int, int]] = []
                state = {"row": 0, "col": 0, "f": False, "v": False, "text": []}

                def start(name, attrs):
                    name = name.rsplit(":", 1)[-1]
                    if name == "row":
                        state["row"] = int(attrs.get("r") or state["row"] + 1)
                        state["col"] = 0
                    elif name == "c":
                        ref = attrs.get("r")
                        state["col"] = _ref_col(ref) if ref else state["col"] + 1
                        state["f"] = state["v"] = False
                        state["type"] = attrs.get("t")
                        state["text"] = []
                    elif name == "f":
                        state["f"] = True
                    elif name == "v":
                        state["v"] = state["in_v"] = True

                def data(text):
                    if state.get("in_v"):
                        state["text"].append(text)

                def end(name):
                    name = name.rsplit(":", 1)[-1]
                    if name == "v":
                        state["in_v"] = False
                    elif name == "c" and state["f"]:
                        value = "".join(state["text"]).strip()
                        if not state["v"] or (not value and state.get("type") != "str"):
                            found.append((state["row"], state["col"]))

                parser = expat.ParserCreate()
                parser.StartElementHandler, parser.EndElementHandler = start, end
                parser.CharacterDataHandler = data
                with zf.open(member) as fh:
                    xml = fh.read()            # its size was bounded before the book was opened
                if not _FORMULA_TAG.search(xml):
                    return []                  # no formula at all: nothing to parse
                parser.Parse(xml, True)
                return found
        except Exception:  # noqa: BLE001 - the probe only explains; a broken file was refused already
            return []


def _sheet_member(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of a worksheet by its name, through workbook.xml and its relationships."""
    import defusedxml.ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = None
    for el in wb.iter(f"{ns_main}sheet"):
        if el.get("name") == sheet:
            rid = el.get(f"{ns_rel}id")
    if rid is None:
        return None
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for el in rels:
        if el.get("Id") == rid:
            target = el.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _ref_col(ref: str) -> int:
    n = 0
    for ch in ref:
        if ch <= "9":
            break
        n = n * 26 + ord(ch) - 64
    return n


def _expand_merges(rows: list[list[Any]], merges) -> None:
    """Copy the value of each merged range's top-left cell into every cell of the range (1-based).
    The cells filled are bounded in all (MAX_CELLS), whatever the ranges claim."""
    budget = MAX_CELLS
    for r1, c1, r2, c2 in merges:
        area = (r2 - r1 + 1) * (c2 - c1 + 1)
        if r1 > len(rows) or area > 20000 or c2 > MAX_COLUMNS or area > budget:
            continue
        budget -= area
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
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError:
            data = data[3:]          # a UTF-8 mark before a Windows-1251 body: judge the body itself
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
    _check_field_sizes(text, path)
    try:
        delim = sniff_delimiter(text)
    except csv.Error:
        delim = ";"
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
        raise UserError(f"Файл «{path.name}», строка {reader.line_num}: текст таблицы нарушен (например, "
                        "непарная кавычка или нулевой символ). Сохраните таблицу заново как CSV.") from exc
    while rows and not rows[-1]:
        rows.pop()
    return Book(path, "csv", [Sheet(path.stem, rows, is_csv=True)], encoding=encoding, delimiter=delim)


def _check_field_sizes(text: str, path: Path) -> None:
    """A field longer than the csv module takes (131 072 characters) is named, not a traceback.
    A plain scan: no field can be longer than the longest stretch between two line breaks unless a
    quote spans lines, so only then is the text looked at closely."""
    limit = limits.MAX_CSV_FIELD
    if len(text) <= limit:
        return
    longest = max(map(len, text.splitlines() or [""]))
    if longest <= limit and '"' not in text:
        return
    if longest > limit or _longest_quoted(text) > limit:
        number = f"{limit:,}".replace(",", " ")
        raise UserError(f"Файл «{path.name}»: в таблице есть значение длиннее {number} знаков — такого не "
                        "бывает в выгрузке отметок или результатов (возможно, в файле непарная кавычка "
                        "или это не таблица). Проверьте файл. В базе ничего не изменено.")


def _longest_quoted(text: str) -> int:
    """The longest stretch between two double quotes (a plain scan)."""
    best, start = 0, text.find('"')
    while start != -1:
        end = text.find('"', start + 1)
        if end == -1:
            return max(best, len(text) - start)
        best = max(best, end - start)
        start = text.find('"', end + 1)
    return best


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
