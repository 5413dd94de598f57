"""Bounds checked before a file is handed to a parser that would trust it.

A few kilobytes of XML can claim a cell at XFD1048576, a row numbered two hundred million, twenty
million shared strings or a table cell spanning a hundred million columns; python-calamine and
python-docx allocate what the file claims. Everything here reads the file's own bytes cheaply
(zip directory, a bytes scan of each worksheet, a streaming scan of odd layouts) and raises
UserError with a Russian message before anything large is allocated.

No regular expression here can backtrack on the file's text: every pattern is anchored on a tag
name and uses bounded or possessive repetition.
"""
from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from app.core.errors import UserError

MAX_FILE_BYTES = 64 * 1024 * 1024         # any file we import (a school's export is a few MB)
MAX_MEMBER_BYTES = 64 * 1024 * 1024       # one member of an xlsx / ods / docx, uncompressed
MAX_TOTAL_BYTES = 160 * 1024 * 1024       # all members together, uncompressed
MAX_RATIO = 400                           # uncompressed / compressed for members over 1 MB
MAX_MEMBERS = 2000
MAX_COLUMNS = 1024
MAX_ROW_NUMBER = 1_048_576
MAX_CELLS = 3_000_000                     # rows × columns of the area a sheet's values cover
MAX_SHARED_STRINGS = 1_000_000
MAX_MERGES = 10_000
MAX_CELL_CHARS = 32_767                   # Excel's own limit for one cell
MAX_CSV_FIELD = 131_072
MAX_DOCX_SPAN = 64                        # Word tables have at most 63 columns
MAX_DOCX_CELLS = 50_000


def refuse(name: str, what: str) -> UserError:
    return UserError(f"Файл «{name}» отклонён: {what} Так не выглядит выгрузка одной школы; проверьте, "
                     "тот ли это файл. В базе ничего не изменено.")


def check_regular(path: Path) -> None:
    """Refuse what is not a regular file (a pipe, a device such as /dev/zero, a folder) before it is
    opened, and anything larger than MAX_FILE_BYTES."""
    path = Path(path)
    name = path.name or str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise UserError(f"Файл «{name}» не найден. Проверьте путь к файлу.") from None
    except OSError as exc:
        raise UserError(f"Файл «{name}» не удаётся прочитать: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"«{name}» — это папка, а не файл. Укажите файл.")
    if not stat.S_ISREG(st.st_mode):
        raise UserError(f"«{name}» — не обычный файл (устройство или канал): данные из него прочитать нельзя.")
    if st.st_size > MAX_FILE_BYTES:
        raise refuse(name, f"его размер {st.st_size // (1024 * 1024)} МБ больше допустимых "
                           f"{MAX_FILE_BYTES // (1024 * 1024)} МБ.")


# -- zip containers ---------------------------------------------------------------------------------

def check_zip(zf: zipfile.ZipFile, name: str) -> None:
    """Member count, declared sizes, compression ratio and the zip features Python can read."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse(name, f"в архиве {len(infos)} частей.")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UserError(f"Файл «{name}» зашифрован (защищён паролем): программа не может его открыть. "
                            "Снимите пароль в Excel или LibreOffice Calc и загрузите файл снова.")
        if info.create_version > 63 or info.extract_version > 63 or info.compress_type not in (
                zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UserError(f"Файл «{name}» сжат способом, который программа не поддерживает (часть "
                            f"«{info.filename[:80]}»). Сохраните его заново в Excel или LibreOffice "
                            "(«Сохранить как» → .xlsx) и загрузите снова. В базе ничего не изменено.")
        if info.file_size > MAX_MEMBER_BYTES:
            raise refuse(name, f"часть «{info.filename[:80]}» после распаковки занимает "
                               f"{info.file_size // (1024 * 1024)} МБ.")
        if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise refuse(name, f"часть «{info.filename[:80]}» сжата в {info.file_size // max(info.compress_size, 1)} "
                               "раз — так сжимаются только специально составленные файлы.")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise refuse(name, f"после распаковки он занял бы {total // (1024 * 1024)} МБ.")


def read_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    """A member's bytes, never more than its declared size (which check_zip has bounded)."""
    info = zf.getinfo(member)
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise refuse(name, f"часть «{member[:80]}» длиннее, чем заявлено в архиве.")
    return data


# -- xlsx -------------------------------------------------------------------------------------------

# The common layout (Excel, LibreOffice, openpyxl): <c r="B7" ...> with the address first. Anything
# else (a prefixed tag, other white space, cells without an address) is counted exactly instead.
_WIDE_COL = re.compile(rb'<c r="([A-Z]{3,}+)')
_TWO_LETTER_COL = re.compile(rb'<c r="([A-Z]{2})[0-9]')
_FAR_ROW = re.compile(rb'<c r="[A-Z]{1,3}+([0-9]{6,}+)"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}+([0-9]{1,7}+)"')
_ODD_CELL = (re.compile(rb"<c[\t\r\n]"), re.compile(rb":c[\s>]"))     # two searches: each keeps its
# literal start, which the regex engine finds fast (one pattern with «|» would test every byte)
_MERGE = re.compile(rb"mergeCell[\s/>]")
_SST_COUNT = re.compile(rb"\b(?:count|uniqueCount)=\"([0-9]{1,12}+)\"")


def col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n


def check_xlsx(path: Path, fmt: str = "xlsx") -> None:
    """Bounds of an xlsx / xlsm / xlsb book read before calamine loads any sheet."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, name)
            names = zf.namelist()
            if fmt == "xlsb":
                return                                      # binary records: sizes above are the bound
            for member in names:
                low = member.lower()
                if low.startswith("xl/worksheets/") and low.endswith(".xml"):
                    check_sheet_xml(read_member(zf, member, name), name)
                elif low == "xl/sharedstrings.xml":
                    check_shared_strings(read_member(zf, member, name), name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError, RuntimeError,
            NotImplementedError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
            raise UserError(f"Файл «{name}» не удаётся прочитать: {exc.strerror or exc}.") from None
        return                                              # not a sound zip: calamine names it broken


def check_shared_strings(data: bytes, name: str) -> None:
    head = data[:4096]
    for m in _SST_COUNT.finditer(head):
        if int(m.group(1)) > MAX_SHARED_STRINGS:
            raise refuse(name, f"в книге заявлено {int(m.group(1))} различных строк текста.")
    items = sum(data.count(tag) for tag in (b"<si>", b"<si ", b":si>", b":si "))
    if items > MAX_SHARED_STRINGS:
        raise refuse(name, f"в книге {items} различных строк текста.")


def check_sheet_xml(data: bytes, name: str) -> None:
    """The area a worksheet's values cover (what calamine allocates), its merged ranges."""
    merges = len(_MERGE.findall(data))
    if merges > MAX_MERGES:
        raise refuse(name, f"на листе {merges} объединённых диапазонов ячеек.")
    cells = data.count(b"<c ") + data.count(b"<c>")
    if data.count(b'<c r="') != cells or any(p.search(data) for p in _ODD_CELL):
        _check_sheet_exact(data, name)                      # cells without addresses: count them one by one
        return
    if not cells:
        return
    # Bounds from the rare addresses only (each scan is one pass in C with few matches): columns of
    # three letters, else of two, else at most Z; rows of six digits or more, else below 100 000.
    wide = _WIDE_COL.findall(data)
    if wide:
        top_col = max(map(col_number, set(wide)))
    else:
        two = set(_TWO_LETTER_COL.findall(data))
        top_col = max(map(col_number, two)) if two else 26
    far = _FAR_ROW.findall(data)
    top_row = max(map(int, set(far))) if far else 99_999
    if top_col <= MAX_COLUMNS and top_row <= MAX_ROW_NUMBER and top_row * top_col <= MAX_CELLS:
        return
    if not far:                                             # the row bound was a guess: take the real one
        top_row = max(map(int, set(_CELL_ROW.findall(data))))
    try:
        _check_area(name, top_row, top_col)
    except UserError:
        _check_sheet_exact(data, name)   # the quick bound counts empty formatted cells too: decide exactly


def _check_area(name: str, top_row: int, top_col: int) -> None:
    if top_col > MAX_COLUMNS:
        raise refuse(name, f"значение записано в столбце № {top_col} (больше {MAX_COLUMNS}).")
    if top_row > MAX_ROW_NUMBER:
        raise refuse(name, f"значение записано в строке № {top_row}.")
    if top_row * top_col > MAX_CELLS:
        raise refuse(name, f"значения занимают область {top_row} строк на {top_col} столбцов.")


def _check_sheet_exact(data: bytes, name: str) -> None:
    """Row and column of every cell as a reader counts them (a cell without an address follows the
    one before it; a row without a number follows the row before it)."""
    from xml.parsers import expat

    state = {"row": 0, "col": 0, "open": False, "value": False, "top_row": 0, "top_col": 0}

    def start(tag, attrs):
        tag = tag.rsplit(":", 1)[-1]
        if tag == "row":
            r = attrs.get("r")
            state["row"] = _int(r, name) if r else state["row"] + 1
            state["col"] = 0
        elif tag == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                digits = ref[len(letters):]
                if not letters.isalpha() or not letters.isascii() or len(letters) > 3 or not digits:
                    raise refuse(name, f"адрес ячейки «{ref[:20]}» записан неверно.")
                state["col"], state["row"] = col_number(letters.upper()), _int(digits, name)
            else:
                state["col"] += 1
            state["open"], state["value"] = True, False
        elif tag in ("v", "is") and state["open"]:
            state["value"] = True

    def end(tag):
        if tag.rsplit(":", 1)[-1] == "c" and state["open"]:
            state["open"] = False
            if state["value"]:
                state["top_row"] = max(state["top_row"], state["row"])
                state["top_col"] = max(state["top_col"], state["col"])
                _check_area(name, state["top_row"], state["top_col"])

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = lambda *a: _raise(refuse(name, "в разметке листа есть объявление DOCTYPE."))
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return                                              # broken XML: calamine names the file broken


def _int(text: str, name: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise refuse(name, f"номер строки «{text[:20]}» записан неверно.")
    return int(text)


def _raise(exc: Exception):
    raise exc


# -- ods --------------------------------------------------------------------------------------------

def check_ods(path: Path) -> None:
    """content.xml of an OpenDocument table: repeated rows and columns that carry values."""
    from xml.parsers import expat

    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, name)
            if "content.xml" not in zf.namelist():
                return
            data = read_member(zf, "content.xml", name)
    except (zipfile.BadZipFile, EOFError, ValueError, KeyError, RuntimeError, NotImplementedError):
        return
    state = {"row": 0, "rep": 1, "col": 0, "cell_rep": 1, "cell_value": False, "row_top_col": 0,
             "top_row": 0, "top_col": 0, "in_cell": False}

    def start(tag, attrs):
        tag = tag.rsplit(":", 1)[-1] if ":" in tag else tag
        if tag == "table":
            state["row"] = 0
        elif tag == "table-row":
            state["rep"] = _rep(attrs, "number-rows-repeated", name)
            state["col"], state["row_top_col"] = 0, 0
        elif tag in ("table-cell", "covered-table-cell"):
            state["cell_rep"] = _rep(attrs, "number-columns-repeated", name)
            state["cell_value"] = any(k.endswith("value-type") for k in attrs)
            state["in_cell"] = True
        elif tag == "p" and state["in_cell"]:
            state["cell_value"] = True

    def end(tag):
        tag = tag.rsplit(":", 1)[-1] if ":" in tag else tag
        if tag in ("table-cell", "covered-table-cell"):
            state["col"] += state["cell_rep"]
            if state["cell_value"]:
                state["row_top_col"] = state["col"]
            state["in_cell"] = False
        elif tag == "table-row":
            state["row"] += state["rep"]
            if state["row_top_col"]:
                state["top_row"] = max(state["top_row"], state["row"])
                state["top_col"] = max(state["top_col"], state["row_top_col"])
                _check_area(name, state["top_row"], state["top_col"])

    parser = expat.ParserCreate(namespace_separator=":")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = lambda *a: _raise(refuse(name, "в разметке есть объявление DOCTYPE."))
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return


def _rep(attrs: dict, key: str, name: str) -> int:
    for k, v in attrs.items():
        if k.endswith(key):
            if not v.isdigit() or len(v) > 9:
                raise refuse(name, f"число повторов «{v[:20]}» записано неверно.")
            return max(int(v), 1)
    return 1


# -- docx -------------------------------------------------------------------------------------------

_PREFIX = rb"<(?:[A-Za-z_][\w.-]{0,20}:)?"
_GRID_SPAN = re.compile(_PREFIX + rb"gridSpan\s[^>]*?\bval=\"([^\"]{0,30}+)\"")
_TABLE_CELL = re.compile(_PREFIX + rb"tc[\s>]")
_GRID_COL = re.compile(_PREFIX + rb"gridCol[\s/>]")


def check_docx(path: Path) -> None:
    """A Word document's tables: column spans and cell counts python-docx would expand."""
    name = path.name
    check_regular(path)
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, name)
            if "word/document.xml" not in zf.namelist():
                return
            data = read_member(zf, "word/document.xml", name)
    except (zipfile.BadZipFile, EOFError, ValueError, KeyError, RuntimeError, NotImplementedError):
        raise UserError(f"Файл «{name}» повреждён или обрезан: его не удаётся прочитать как документ Word "
                        "(.docx). Возьмите файл заново из источника. В базе ничего не изменено.") from None
    for m in _GRID_SPAN.finditer(data):
        value = m.group(1)
        if not value.isdigit() or int(value) > MAX_DOCX_SPAN:
            raise refuse(name, f"ячейка таблицы объединяет «{value[:20].decode('ascii', 'replace')}» "
                               f"столбцов (в таблице Word их не больше {MAX_DOCX_SPAN - 1}).")
    cols = len(_GRID_COL.findall(data))
    if cols > MAX_DOCX_SPAN * 16:
        raise refuse(name, f"в таблицах документа {cols} столбцов.")
    cells = len(_TABLE_CELL.findall(data))
    if cells > MAX_DOCX_CELLS:
        raise refuse(name, f"в таблицах документа {cells} ячеек.")


# -- xls (BIFF inside an OLE2 compound file) --------------------------------------------------------

_BIFF_CELLS = {0x0006, 0x00BD, 0x00BE, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0206, 0x0406}
_BIFF_BOF = {0x0809, 0x0409, 0x0209, 0x0009}


def check_xls(path: Path) -> None:
    """Records of the workbook stream a reader sizes its tables by: the shared-string count, each
    sheet's dimensions, and the rows and columns its cells stand in."""
    import olefile

    name = path.name
    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = next((s for s in ("Workbook", "Book", "WORKBOOK", "BOOK") if ole.exists(s)), None)
            if stream is None:
                return
            if ole.get_size(stream) > MAX_MEMBER_BYTES:
                raise refuse(name, "рабочая книга внутри файла больше допустимого размера.")
            data = ole.openstream(stream).read()
    except UserError:
        raise
    except Exception:  # noqa: BLE001 - not a sound compound file: the reader names it broken
        return
    _check_biff(data, name)


def _check_biff(data: bytes, name: str) -> None:
    import struct

    pos, end = 0, len(data)
    top_row = top_col = 0
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", data, pos)
        body = pos + 4
        pos = body + size
        if pos > end:
            break
        if kind in _BIFF_BOF:
            top_row = top_col = 0
        elif kind == 0x00FC and size >= 8:                   # SST: total and unique strings
            total, unique = struct.unpack_from("<II", data, body)
            if max(total, unique) > MAX_SHARED_STRINGS:
                raise refuse(name, f"в книге заявлено {max(total, unique)} различных строк текста.")
        elif kind == 0x0200 and size >= 12:                  # DIMENSIONS (BIFF8)
            first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", data, body)
            rows, cols = max(last_row - first_row, 0), max(last_col - first_col, 0)
            if cols > MAX_COLUMNS or rows * cols > MAX_CELLS:
                raise refuse(name, f"лист заявлен размером {rows} строк на {cols} столбцов.")
        elif kind in _BIFF_CELLS and size >= 4:
            row, col = struct.unpack_from("<HH", data, body)
            if kind in (0x00BD, 0x00BE) and size >= 6:        # MULRK / MULBLANK: the last column at the end
                col = max(col, struct.unpack_from("<H", data, pos - 2)[0])
            top_row, top_col = max(top_row, row + 1), max(top_col, col + 1)
            if top_col > MAX_COLUMNS or top_row * top_col > MAX_CELLS:
                _check_area(name, top_row, top_col)
