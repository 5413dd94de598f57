"""Import a plan of measures from a DOCX table (python-docx) or an XLSX sheet.

The header row is found by keywords (мероприятие, срок, ответственные, задачи, показатели …),
never by fixed cells, in any column order. Below it: section rows (one text across the table,
or a single-level number with a title and no deadline), item rows («1.1.», «2», or none),
repeated header rows and rows of column numbers (skipped). Road maps keep a task for the items
under it (merged cells or blank continuations). The title, the order number and date and the
plan's years are taken from the text above the table. Commit creates a NEW plan; importing the
same file again (same SHA-256) changes nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .. import store
from ..deadlines import MONTH_GENITIVE
from ..errors import UserError, check_cancel
from ..fsutil import sha256_file
from ..plan import create_plan
from .base import Preview, RowProblem
from .limits import check_regular
from .table_reader import sniff_format

KIND = "plan"
DEFAULT_TITLE = "Импортированный план"
FIELDS_ORDER = ("number", "measure", "deadline", "responsible", "task", "expected_result", "note")
_KEYWORDS = {
    "number": re.compile(r"^\s*(№|n\s*п/п|номер|п/п)", re.I),
    "measure": re.compile(r"мероприят|содержание (деятельности|работы)|наименование|вид работ", re.I),
    "deadline": re.compile(r"срок|дата|период исполн|время", re.I),
    "responsible": re.compile(r"ответствен|исполнител", re.I),
    "task": re.compile(r"задач", re.I),
    "expected_result": re.compile(r"результат|показател|индикатор", re.I),
    "note": re.compile(r"примечан", re.I),
}
_SECTION_NUMBER = re.compile(r"^\s*(?:раздел\s+)?([0-9]{1,2}|[IVX]{1,5})\s*[.)]?\s*$", re.I)
_SECTION_PREFIX = re.compile(r"^\s*(?:раздел\s+)?(?:[0-9]{1,2}|[IVX]{1,5})\s*[.)]?\s+(?=\S)", re.I)
_TWO_LEVEL = re.compile(r"^\s*\d+\.\d+")
_TITLE_START = re.compile(r"^\s*(план|дорожная карта|программа|перечень|комплекс мер)", re.I)
_ORDER_RE = re.compile(r"от\s+(?P<date>\d{1,2}\s*\.\s*\d{1,2}\s*\.\s*\d{2,4}|\d{1,2}\s+[а-яё]+\s+\d{4})"
                       r"\s*(?:года|г\.?)?\s*№\s*(?P<num>[0-9A-Za-zА-Яа-яЁё\-–/]+)", re.I)
_YEARS_RE = re.compile(r"(20\d\d)\s*(?:[-–—/]|\s+по\s+)\s*(20\d\d|\d\d)(?!\d)")
_YEAR_RE = re.compile(r"(?:на|в)\s+(20\d\d)\s*(?:год|г\.)")


# ---------------------------------------------------------------- reading files

def _clean(text) -> str:
    if text is None:
        return ""
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in str(text).replace("\r", "\n").split("\n")]
    return "\n".join(ln for ln in lines if ln).replace("**", "").strip()


def _docx_blocks(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """Paragraph texts above the first table, and every table as a grid of cell texts.
    A horizontally merged cell gives its text to the first column only; a vertically merged
    one repeats its text down (python-docx reports the cell above)."""
    import docx

    from .limits import check_docx

    check_docx(path)              # spans and cell counts bounded before python-docx expands them
    document = docx.Document(str(path))
    body = document.element.body
    above: list[str] = []
    tables: list[list[list[str]]] = []
    table_map = {t._tbl: t for t in document.tables}
    for child in body.iterchildren():
        if child in table_map:
            tables.append(_docx_grid(table_map[child]))
        elif child.tag.endswith("}p") and not tables:
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            above.append(_clean(text))
    return above, tables


def _docx_grid(table) -> list[list[str]]:
    grid = []
    for row in table.rows:
        values, prev = [], None
        for cell in row.cells:
            values.append("" if prev is not None and cell._tc is prev else _clean(cell.text))
            prev = cell._tc
        grid.append(values)
    return grid


def _xlsx_blocks(path: Path) -> list[tuple[str, list[list[str]]]]:
    """Every sheet as (name, grid); vertically merged cells repeat their text down."""
    from openpyxl import load_workbook

    from .limits import check_xlsx

    check_xlsx(path)              # openpyxl iterates every row and column a sheet claims
    wb = load_workbook(str(path), data_only=True)
    out = []
    for ws in wb.worksheets:
        grid = [[_clean(_xlsx_value(v)) for v in row] for row in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(grid) else ""
            for r in range(rng.min_row + 1, rng.max_row + 1):
                if r - 1 < len(grid) and rng.min_col - 1 < len(grid[r - 1]):
                    grid[r - 1][rng.min_col - 1] = top
        out.append((ws.title, grid))
    return out


def _xlsx_value(v) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%d.%m.%Y")
    if isinstance(v, dt.date):
        return v.strftime("%d.%m.%Y")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


# ---------------------------------------------------------------- header and rows

def find_header(grid: list[list[str]], limit: int = 40) -> tuple[int, dict[str, int]] | None:
    """(row index, field → column) of the first row that names a measure and a deadline or
    the responsible; None when the grid has no such row."""
    for r, row in enumerate(grid[:limit]):
        cols = _header_columns(row)
        if "measure" in cols and ("deadline" in cols or "responsible" in cols):
            return r, cols
    return None


def _header_columns(row: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for c, text in enumerate(row):
        if not text or len(text) > 80:
            continue
        for field in FIELDS_ORDER:
            if field not in cols and _KEYWORDS[field].search(text):
                cols[field] = c
                break
    return cols


def _cell(row: list[str], cols: dict[str, int], field: str) -> str:
    c = cols.get(field)
    return row[c] if c is not None and c < len(row) else ""


def _norm_row(row: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", t).casefold() for t in row]


def _is_column_numbers(row: list[str]) -> bool:
    vals = [v for v in row if v]
    return len(vals) >= 3 and all(v.isdigit() for v in vals) and [int(v) for v in vals] == list(
        range(int(vals[0]), int(vals[0]) + len(vals)))


def _section_title(text: str) -> str:
    return _SECTION_PREFIX.sub("", text.replace("\n", " ")).strip()


def parse_rows(grid, header_row, cols, *, file: str, sheet: str | None, two_level: bool,
               cancel=None) -> tuple[list[dict], list[RowProblem], int]:
    """Sections with items from the rows below the header; problems; data rows seen."""
    header_texts = _norm_row(grid[header_row])
    sections: list[dict] = [{"title": "", "items": []}]
    problems: list[RowProblem] = []
    seen = 0
    last_task = ""
    for r in range(header_row + 1, len(grid)):
        check_cancel(cancel)
        row = grid[r]
        values = [v for v in row if v]
        if not values or _is_column_numbers(row) or _norm_row(row) == header_texts:
            continue  # blank, «1 2 3 4» under the header, or the header repeated on a new page
        seen += 1
        f = {k: _cell(row, cols, k) for k in FIELDS_ORDER}
        kind = _row_kind(values, f, two_level)
        if kind == "section":
            text = f["measure"] if len(set(values)) > 1 and f["measure"] else values[0]
            sections.append({"title": _section_title(text), "items": []})
            last_task = ""
            continue
        if not f["measure"]:
            problems.append(RowProblem(file, sheet, r + 1, "в строке нет текста мероприятия; строка пропущена"))
            continue
        if "task" in cols:
            if f["task"]:
                last_task = f["task"]
            elif not f["number"]:
                f["task"] = last_task
        sections[-1]["items"].append(_item(f))
    return [s for s in sections if s["items"]], problems, seen


def _row_kind(values: list[str], f: dict[str, str], two_level: bool) -> str:
    others = any(f[k] for k in ("deadline", "responsible", "expected_result"))
    if len(set(values)) == 1 and not others and not _SECTION_NUMBER.match(values[0]):
        return "section"
    if f["measure"] and not others and not f["task"]:
        if not f["number"] or (two_level and _SECTION_NUMBER.match(f["number"])):
            return "section"
    return "item"


def _item(f: dict[str, str]) -> dict:
    return {"task": f["task"], "measure": f["measure"], "deadline": f["deadline"].replace("\n", " "),
            "responsible": ", ".join(p.strip(" ,;") for p in f["responsible"].split("\n") if p.strip(" ,;")),
            "expected_result": f["expected_result"], "note": f["note"]}


# ---------------------------------------------------------------- header of the plan

def plan_header(lines: list[str], options: dict | None = None) -> dict:
    """Title, order number and date, years from the text above the table (and options)."""
    text = "\n".join(lines)
    header: dict = {"title": _title(lines) or DEFAULT_TITLE}
    m = _ORDER_RE.search(text.replace("\n", " "))
    if m:
        header["order_number"] = m.group("num").strip(".,")
        header["order_date"] = _order_date(m.group("date"))
    years = _years(header["title"]) or _years(text) or _years((options or {}).get("year") or "")
    if years:
        header["year_from"], header["year_to"] = years
    return header


def _title(lines: list[str]) -> str:
    for i, line in enumerate(lines):
        if _TITLE_START.match(line):
            parts = [line]
            for nxt in lines[i + 1:i + 5]:
                if not nxt or re.match(r"^(цель|задачи|ожидаем|№|утвержд)", nxt, re.I):
                    break
                parts.append(nxt)
            return re.sub(r"\s+", " ", " ".join(parts)).strip(" ,")
    return ""


def _order_date(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text.strip())
    m = re.match(r"(\d{1,2}) ?\. ?(\d{1,2}) ?\. ?(\d{2,4})$", text)
    try:
        if m:
            year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
            return dt.date(year, int(m.group(2)), int(m.group(1))).isoformat()
        day, month, year = text.split(" ")
        return dt.date(int(year), MONTH_GENITIVE.index(month.lower()) + 1, int(day)).isoformat()
    except ValueError:
        return None


def _years(text: str) -> tuple[int, int] | None:
    m = _YEARS_RE.search(text)
    if m:
        a, b = int(m.group(1)), m.group(2)
        b = int(b) if len(b) == 4 else (a // 100) * 100 + int(b)
        if a <= b <= a + 10:
            return a, b
    m = _YEAR_RE.search(text)
    if m:
        return int(m.group(1)), int(m.group(1))
    return None


# ---------------------------------------------------------------- the module protocol

def detect(path) -> float:
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            return 0.9 if any(find_header(g) for g in _docx_blocks(path)[1]) else 0.3
        if suffix in (".xlsx", ".xlsm"):
            return 0.85 if any(find_header(g) for _, g in _xlsx_blocks(path)) else 0.0
    except Exception:  # noqa: BLE001 - an unreadable file is simply not ours
        return 0.0
    return 0.0


def _candidates(path: Path) -> tuple[list[str], list[tuple[str | None, list[list[str]]]]]:
    if path.suffix.lower() == ".docx":
        above, tables = _docx_blocks(path)
        return above, [(None, g) for g in tables]
    sheets = _xlsx_blocks(path)
    return [], [(name, g) for name, g in sheets]


def _not_a_plan_file(path: Path) -> str | None:
    """Why the file cannot hold a plan table, judged by its content (None if it may)."""
    kind = sniff_format(path) if path.exists() else "missing"
    expected = "docx" if path.suffix.lower() == ".docx" else "xlsx"
    what = "документ Word (.docx)" if expected == "docx" else "книга Excel (.xlsx)"
    if kind == expected:
        return None
    if kind == "missing":
        return f"Файл «{path.name}» не найден. Проверьте путь к файлу."
    if kind == "zip-unsupported":
        return (f"Файл «{path.name}» сжат способом, который программа не поддерживает. Откройте его в Word, "
                "Excel или LibreOffice, сохраните заново и загрузите снова.")
    if kind == "empty":
        return f"Файл «{path.name}» пуст (0 байт): в нём нет данных."
    if kind == "pdf":
        return (f"Файл «{path.name}» — это документ PDF, хотя имя оканчивается на «{path.suffix}». "
                "План загружается из таблицы документа Word (.docx) или книги Excel (.xlsx).")
    return (f"Не удалось прочитать файл «{path.name}»: он повреждён или это не {what}, хотя имя "
            f"оканчивается на «{path.suffix}». Откройте его в Word, Excel или LibreOffice и сохраните заново.")


def preview(db, path, options=None, *, progress=None, cancel=None) -> Preview:
    path = Path(path)
    pv = Preview(kind=KIND, file=path)
    if path.suffix.lower() not in (".docx", ".xlsx", ".xlsm"):
        pv.fatal = (f"Файл «{path.name}» не подходит для импорта плана: план загружается из таблицы "
                    "документа Word (DOCX) или книги Excel (XLSX).")
        return pv
    try:
        check_regular(path)      # a pipe or a device is never opened
    except UserError as exc:
        pv.fatal = str(exc)
        return pv
    pv.fatal = _not_a_plan_file(path)
    if pv.fatal:
        return pv
    try:
        pv.sha256 = sha256_file(path)
        above, grids = _candidates(path)
    except UserError as exc:     # a bound of limits.py: its own reason
        pv.fatal = str(exc)
        return pv
    except Exception:  # noqa: BLE001 - damaged inside although it looks right: refuse with a reason
        pv.fatal = (f"Не удалось прочитать файл «{path.name}»: он повреждён или обрезан. Откройте его в "
                    "Word (Excel) или LibreOffice и сохраните заново.")
        return pv
    sections, header, seen = _parse_grids(path, above, grids, pv, options, cancel)
    if progress:
        progress(1, 1)
    if sections is None:
        pv.fatal = (f"В файле «{path.name}» не найдена таблица плана мероприятий: нет строки заголовка "
                    "со столбцом «Мероприятие» и столбцом «Срок» или «Ответственные». "
                    "Ничего не загружено.")
        return pv
    items = sum(len(s["items"]) for s in sections)
    pv.rows_total, pv.rows_ok = seen, items
    if not items:
        pv.fatal = f"В таблице плана в файле «{path.name}» нет ни одного мероприятия. Ничего не загружено."
        return pv
    pv.payload = {"header": header, "sections": sections, "file_name": path.name}
    pv.summary = _summary(header, sections, pv)
    return pv


def _parse_grids(path, above, grids, pv, options, cancel):
    """Every grid with a plan header: its rows (tables continued on the next page join in)."""
    found = False
    sections: list[dict] = []
    seen = 0
    kind = "sections"
    lines = list(above)
    for sheet, grid in grids:
        hit = find_header(grid)
        if hit is None:
            continue
        r, cols = hit
        if not found and sheet is not None:
            lines = [" ".join(v for v in row if v) for row in grid[:r]]
        found = True
        kind = "roadmap" if "task" in cols or kind == "roadmap" else kind
        two_level = any(_TWO_LEVEL.match(_cell(row, cols, "number")) for row in grid[r + 1:])
        secs, problems, n = parse_rows(grid, r, cols, file=path.name, sheet=sheet, two_level=two_level,
                                       cancel=cancel)
        pv.problems.extend(problems)
        seen += n
        if sections and secs and not secs[0]["title"]:
            sections[-1]["items"].extend(secs.pop(0)["items"])
        sections.extend(secs)
    if not found:
        return None, {}, 0
    header = plan_header(lines, options)
    header["kind"] = kind
    return sections, header, seen


def _summary(header: dict, sections: list[dict], pv: Preview) -> list[str]:
    titled = [s for s in sections if s["title"]]
    items = sum(len(s["items"]) for s in sections)
    counts = (f"Разделов: {len(titled)}, мероприятий: {items}" if titled
              else f"Мероприятий: {items} (перечень без разделов)")
    lines = [f"Будет создан новый план «{header['title']}».",
             counts + (" — дорожная карта с задачами." if header.get("kind") == "roadmap" else ".")]
    if header.get("order_number") or header.get("order_date"):
        date = dt.date.fromisoformat(header["order_date"]).strftime("%d.%m.%Y") if header.get("order_date") else "—"
        lines.append(f"Приказ: от {date} № {header.get('order_number') or '—'}.")
    if header.get("year_from"):
        lines.append(f"Годы плана: {header['year_from']}–{header['year_to']}.")
    else:
        lines.append("Годы плана в файле не указаны: сроки без года не будут отслеживаться, "
                     "пока годы не заданы в заголовке плана.")
    for s in titled[:12]:
        lines.append(f"  • {s['title']} — {len(s['items'])}")
    if pv.problems:
        lines.append(f"Пропущено строк: {len(pv.problems)}.")
    return lines


def _already_imported(db, sha: str, batch_id: int) -> bool:
    rows = store.rows(db, "SELECT c.row_id FROM import_batch b JOIN import_change c ON c.batch_id = b.id "
                          "WHERE b.kind = 'plan' AND b.sha256 = ? AND b.status = 'applied' AND b.id != ? "
                          "AND c.table_name = 'plan'", [sha, batch_id])
    return any(db.execute("SELECT 1 FROM plan WHERE id = ?", [r["row_id"]]).fetchone() for r in rows)


def commit(db, preview: Preview, batch_id: int) -> tuple[int, int]:
    """Create a new plan from the preview; nothing when this file's plan is already in the DB."""
    if preview.payload is None or not preview.ok:
        return 0, 0
    if preview.sha256 and _already_imported(db, preview.sha256, batch_id):
        return 0, 0
    payload = preview.payload
    with db.atomic():
        plan_id = create_plan(db, payload["header"], sections=payload["sections"])
        changes = [("plan", plan_id)]
        changes += [("plan_section", r[0]) for r in db.execute(
            "SELECT id FROM plan_section WHERE plan_id = ? ORDER BY position", [plan_id])]
        changes += [("plan_item", r[0]) for r in db.execute(
            "SELECT i.id FROM plan_item i JOIN plan_section s ON s.id = i.section_id WHERE s.plan_id = ?",
            [plan_id])]
        for table, row_id in changes:
            db.execute("INSERT INTO import_change (batch_id, table_name, row_id, action) VALUES (?, ?, ?, 'insert')",
                       [batch_id, table, row_id])
    return sum(len(s["items"]) for s in payload["sections"]), 0
