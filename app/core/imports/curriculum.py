"""The school's curriculum (учебный план): lessons a week per subject, per parallel or class.

Read in two forms: long — columns «Класс» (or «Параллель»), «Предмет», «Часов в неделю»; wide, as the
curriculum is printed — subjects down, parallels or classes across («5», «V», «5А», «5 класс»), lessons a
week in the cells («4,5», «1/1» — the week's load, the second half a note — read as the first number).
The year comes from --year, the title («на 2025/2026 учебный год») or the school's latest year.
"""
from __future__ import annotations

import re
from pathlib import Path

from app.core.domain import parse_class_label
from app.core.errors import check_cancel

from .base import Preview
from .table_reader import cell_text, norm, peek, read_book

KIND = "curriculum"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10, "xi": 11}
_NOT_SUBJECT = re.compile(r"^(итого|всего|максимальн|предельн|недельн|часть|обязательн|формируем|учебн\w* "
                          r"предмет|предметн\w* област|внеурочн|допустим)")


def _class_head(value) -> tuple[int, str] | None:
    """A column header: «5», «V», «5А», «5 класс», «5 кл.» → (grade, letter or '')."""
    text = norm(value).replace("классы", "").replace("класс", "").replace("кл.", "").strip(" .")
    if text in ROMAN:
        return ROMAN[text], ""
    parsed = parse_class_label(text)
    return parsed if parsed else None


def _long_roles(labels: list[str]) -> dict[str, int] | None:
    roles = {}
    for c, t in enumerate(labels):
        if ("класс" in t or "параллел" in t) and "class" not in roles:
            roles["class"] = c
        elif "предмет" in t and "subject" not in roles:
            roles["subject"] = c
        elif ("час" in t or "в неделю" in t) and "hours" not in roles:
            roles["hours"] = c
    return roles if len(roles) == 3 else None


def _wide_header(labels: list[str], raw: list) -> dict[int, tuple[int, str]] | None:
    if not labels or not any("предмет" in t for t in labels[:3]):
        return None
    cols = {c: h for c, v in enumerate(raw) if c and (h := _class_head(v)) is not None}
    if len(cols) < 2:
        return None
    first = min(cols)
    for c in range(first, len(labels)):         # every other header after the classes is a total
        if c not in cols and labels[c] and not re.match(r"(итого|всего)", labels[c]):
            return None                          # day numbers and «Средняя оценка» of a journal report
    return cols


def _tables(book):
    for sheet in book.visible_sheets:
        for r in range(min(40, len(sheet.rows))):
            labels = sheet.norm_row(r)
            roles = _long_roles(labels)
            if roles:
                yield sheet, r, "long", roles
                break
            cols = _wide_header(labels, sheet.rows[r])
            if cols:
                yield sheet, r, "wide", cols
                break


def detect(path) -> float:
    path = Path(path)
    if path.suffix.lower() == ".docx":
        return 0.0
    try:
        book = peek(path)
    except Exception:  # noqa: BLE001 - an unreadable file is simply not ours
        return 0.0
    for sheet, r, form, _ in _tables(book):
        head = " ".join(sheet.norm_row(r))
        if any(w in head for w in ("отметк", "балл", "ученик", "фио", "дата")):
            continue
        title = " ".join(" ".join(sheet.norm_row(i)) for i in range(min(r, 10)))
        return 0.85 if form == "long" or "учебный план" in title or "недельн" in title else 0.6
    return 0.0


def _hours(value) -> float | None:
    text = cell_text(value).replace(",", ".")
    m = re.match(r"\s*(\d+(?:\.\d+)?)", text)
    if not m:
        return None
    h = float(m.group(1))
    return h if 0 <= h <= 20 else None


def _year(db, options: dict, book) -> str | None:
    if options.get("year"):
        return options["year"]
    for sheet in book.visible_sheets:
        for r in range(min(12, len(sheet.rows))):
            m = re.search(r"(20\d{2})\s*[/–-]\s*(20\d{2})", " ".join(sheet.norm_row(r)))
            if m and int(m.group(2)) == int(m.group(1)) + 1:
                return f"{m.group(1)}/{m.group(2)}"
    row = db.execute("SELECT label FROM academic_year ORDER BY label DESC LIMIT 1").fetchone()
    return row[0] if row else None


def preview(db, path, options=None, *, progress=None, cancel=None) -> Preview:
    path, options = Path(path), dict(options or {})
    pv = Preview(kind=KIND, file=path)
    book = read_book(path, cancel=cancel)
    found: dict[tuple[int, str, str], float] = {}
    for sheet, header, form, spec in _tables(book):
        for r in range(header + 1, len(sheet.rows)):
            if r % 500 == 0:
                check_cancel(cancel)
            row = sheet.rows[r]
            if not any(cell_text(v) for v in row):
                continue
            if form == "long":
                _long_row(pv, sheet, r, row, spec, found)
            else:
                _wide_row(sheet, row, spec, found)
    if not found:
        pv.fatal = (f"В файле «{path.name}» не найден учебный план: нужна таблица со столбцами «Класс» (или "
                    "«Параллель»), «Предмет», «Часов в неделю» или сетка «предметы × классы».")
        return pv
    year = _year(db, options, book)
    if year is None:
        pv.missing_options["year"] = "На какой учебный год этот учебный план?"
    pv.rows_ok = len(found)
    pv.rows_total = len(found) + len(pv.problems)
    grades = sorted({g for g, _, _ in found})
    pv.summary = [f"Учебный план на {year or '?'} учебный год: предметов {len({s for _, _, s in found})}, "
                  f"параллели {', '.join(map(str, grades))}; записей «часов в неделю» {len(found)}."]
    pv.payload = {"year": year, "rows": [{"grade": g, "class_label": c, "subject": s, "hours_per_week": h}
                                         for (g, c, s), h in sorted(found.items())]}
    return pv


def _long_row(pv, sheet, r, row, roles, found) -> None:
    get = lambda role: row[roles[role]] if roles[role] < len(row) else None  # noqa: E731
    head = _class_head(get("class"))
    subject = " ".join(cell_text(get("subject")).split())
    hours = _hours(get("hours"))
    if head is None:
        pv.problems.append(sheet.problem(pv.file, r, f"«{cell_text(get('class'))}» — не класс и не параллель."))
    elif not subject:
        pv.problems.append(sheet.problem(pv.file, r, "не указан предмет."))
    elif hours is None:
        pv.problems.append(sheet.problem(pv.file, r, f"«{cell_text(get('hours'))}» — не число часов в неделю "
                                                     "(от 0 до 20)."))
    else:
        label = f"{head[0]}{head[1]}" if head[1] else ""
        found[(head[0], label, subject[0].upper() + subject[1:])] = hours


def _wide_row(sheet, row, cols, found) -> None:
    names = [cell_text(v) for c, v in enumerate(row) if c not in cols and cell_text(v)]
    subject = " ".join((names[-1] if names else "").split())
    if not subject or _NOT_SUBJECT.match(subject.lower()) or re.fullmatch(r"[\d.,\s]+", subject):
        return
    for c, (grade, letter) in cols.items():
        hours = _hours(row[c]) if c < len(row) else None
        if hours is not None:
            found[(grade, f"{grade}{letter}" if letter else "", subject[0].upper() + subject[1:])] = hours


def commit(db, preview: Preview, batch_id: int) -> tuple[int, int]:
    from . import ChangeLog

    payload = preview.payload
    if not payload or not payload["rows"]:
        return 0, 0
    from .students import Resolver

    log = ChangeLog(db, batch_id)
    year_id = Resolver(db, log).year_id(payload["year"])     # found, or created with the year's dates
    for r in payload["rows"]:
        cur = db.execute("SELECT * FROM curriculum WHERE year_id = ? AND grade = ? AND class_label = ? AND subject = ?",
                         [year_id, r["grade"], r["class_label"], r["subject"]])
        old = cur.fetchone()
        if old is None:
            log.insert("curriculum", {"year_id": year_id, **r, "batch_id": batch_id})
        else:
            old = dict(zip([d[0] for d in cur.description], old))
            log.update("curriculum", old["id"], {"hours_per_week": r["hours_per_week"]}, old)
    log.flush()
    return log.added, log.changed
