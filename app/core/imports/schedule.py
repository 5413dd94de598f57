"""Schedules of assessment procedures (графики оценочных процедур) from the tables schools keep.

Two forms are read:
- long: one row a procedure, columns «Класс», «Предмет», «Дата» and any of «Урок», «Форма» /
  «Вид работы», «Уровень», «Длительность», «Примечание» (also the «Список» sheet «Объектив» writes);
  a class may be «5А», «5А, 5Б» or a whole parallel «5» / «5 классы»; «2-3» in «Урок» is a double lesson;
- wide, as schools publish it: classes down, dates across (real dates, or day numbers under a month row
  «Сентябрь 2025», or week ranges «01.09–05.09» with the day in the cell), subject abbreviations in the
  cells («рус.», «Мат», «ВПР мат»).
Where both are in one book, the long one is taken (the wide one repeats it). Dates without a year take
it from the academic year (--year, the title or the school's latest year).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from app.core import fmt, schoolyear
from app.core.domain import parse_class_label
from app.core.errors import check_cancel

from .base import Preview
from .table_reader import Sheet, cell_text, norm, peek, read_book

KIND = "schedule"
MONTHS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
          "декабр")
FORM_MARKERS = {"впр": ("ВПР", "federal"), "нико": ("НИКО", "federal"), "рдр": ("РДР", "regional"),
                "мси": ("МСИ", "regional"), "огэ": ("ОГЭ", "federal"), "егэ": ("ЕГЭ", "federal"),
                "кр": ("контрольная работа", "school"), "др": ("диагностическая работа", "school"),
                "пр": ("проверочная работа", "school"), "тест": ("тестирование", "school")}
SUBJECT_WORDS = {"рус": "Русский язык", "ря": "Русский язык", "мат": "Математика", "лит": "Литература",
                 "лч": "Литературное чтение", "литчт": "Литературное чтение", "ист": "История",
                 "общ": "Обществознание", "био": "Биология", "биол": "Биология", "физ": "Физика",
                 "хим": "Химия", "геогр": "География", "геог": "География", "гео": "Геометрия",
                 "геом": "Геометрия", "алг": "Алгебра", "вис": "Вероятность и статистика",
                 "англ": "Английский язык", "ия": "Иностранный язык", "ин": "Иностранный язык",
                 "нем": "Немецкий язык", "инф": "Информатика", "ом": "Окружающий мир", "окр": "Окружающий мир",
                 "окрмир": "Окружающий мир", "муз": "Музыка", "изо": "Изобразительное искусство",
                 "тех": "Технология", "труд": "Труд (технология)", "фк": "Физическая культура",
                 "физра": "Физическая культура", "обзр": "Основы безопасности и защиты Родины", "обж": "ОБЖ"}
_LEVELS = {"федеральн": "federal", "регион": "regional", "муницип": "regional", "школьн": "school",
           "внутришк": "school", "оо": "school", "внутрен": "school"}
_WEEKDAYS = {"пн": 1, "вт": 2, "ср": 3, "чт": 4, "пт": 5, "сб": 6}


# -- recognising ---------------------------------------------------------------------------------

def _long_header(labels: list[str]) -> dict[str, int] | None:
    roles: dict[str, int] = {}
    for c, text in enumerate(labels):
        if not text:
            continue
        if "класс" in text and "class" not in roles and "параллел" not in text:
            roles["class"] = c
        elif "параллел" in text and "class" not in roles:
            roles["class"] = c
        elif "предмет" in text and "subject" not in roles:
            roles["subject"] = c
        elif ("дата" in text or text in ("срок", "сроки проведения", "срок проведения")) and "date" not in roles:
            roles["date"] = c
        elif text.startswith("урок") or text.startswith("№ урока") or text == "номер урока":
            roles["lesson"] = c
        elif "длительн" in text or "продолжит" in text:
            roles["duration"] = c
        elif "уровень" in text:
            roles["level"] = c
        elif "форма" in text or "вид работ" in text or "вид оценочн" in text or text in ("вид", "тип", "работа",
                                                                                         "оценочная процедура"):
            roles["form"] = c
        elif "примечан" in text:
            roles["note"] = c
    if {"class", "subject", "date"} <= set(roles):
        return roles
    return None


def _is_title(sheet: Sheet) -> bool:
    for r in range(min(15, len(sheet.rows))):
        text = " ".join(sheet.norm_row(r))
        if "график" in text and ("оценочн" in text or "контрольн" in text or "проверочн" in text):
            return True
    return False


def _wide_header(sheet: Sheet, r: int) -> bool:
    labels = sheet.norm_row(r)
    return bool(labels) and labels[0] in ("класс", "классы", "класс / дата", "класс/дата") and \
        sum(1 for v in sheet.rows[r][1:] if _column_day(v) is not None) >= 3


def _long_sheets(book) -> list[tuple[Sheet, int, dict]]:
    found = []
    for sheet in book.visible_sheets:
        for r in range(min(40, len(sheet.rows))):
            roles = _long_header(sheet.norm_row(r))
            if roles and not any(w in " ".join(sheet.norm_row(r)) for w in ("отметк", "балл", "ученик", "фио")):
                found.append((sheet, r, roles))
                break
    return found


def detect(path) -> float:
    path = Path(path)
    if path.suffix.lower() == ".docx":
        return 0.0
    try:
        book = peek(path)
    except Exception:  # noqa: BLE001 - an unreadable file is simply not ours
        return 0.0
    for sheet, r, roles in _long_sheets(book):
        extra = len({"form", "lesson", "level", "duration"} & set(roles))
        if extra >= 2 or (extra and _is_title(sheet)):
            return 0.92            # above a plan's table, which a long schedule resembles
        if extra or _is_title(sheet):
            return 0.7
    for sheet in book.visible_sheets:
        if any(_wide_header(sheet, r) for r in range(min(40, len(sheet.rows)))):
            return 0.8 if _is_title(sheet) else 0.55
    return 0.0


# -- cells ---------------------------------------------------------------------------------------------

def _column_day(value):
    """A column header of the wide form: a date, a day number (1…31, maybe with «пн»), or a week range."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = norm(value)
    m = re.fullmatch(r"(\d{1,2})(?:[\s\n.,]*(пн|вт|ср|чт|пт|сб))?", text)
    if m and 1 <= int(m.group(1)) <= 31:
        return int(m.group(1))
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})(?:\.\d{2,4})?\s*[-–—]\s*(\d{1,2})\.(\d{1,2})(?:\.\d{2,4})?", text)
    if m:
        return ("week", int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)))
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?", text)
    if m:
        return ("date", int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
    return None


def parse_date(value, start_year: int | None) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = cell_text(value)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?", text)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?\s*(?:г\.?)?", text)
    if not m:
        return None
    day, month = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else (schoolyear.calendar_year_of_month(month, start_year) if start_year else None)
    if year is None:
        return None
    year += 2000 if year < 100 else 0
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def subject_lookup(db) -> dict[str, str]:
    """Normalised abbreviation or name → subject name (built-in words, then the school's subjects)."""
    out = dict(SUBJECT_WORDS)
    for name, short in db.execute("SELECT name, short_name FROM subject"):
        out[_key(name)] = name
        if short:
            out[_key(short)] = name
    from app.core.schedule_reports import ABBREVIATIONS

    for name, short in ABBREVIATIONS.items():
        out.setdefault(_key(short), name)
        out[_key(name)] = name
    return out


def _key(text: str) -> str:
    return re.sub(r"[\s.\-()]", "", str(text).lower().replace("ё", "е"))


def _level(text: str, form: str) -> str:
    t = norm(text)
    for word, level in _LEVELS.items():
        if t.startswith(word) or word in t.split():
            return level
    marker = FORM_MARKERS.get(norm(form))
    return marker[1] if marker else "school"


def _classes(db, year_id: int | None, text: str) -> list[str] | None:
    """«5А» → [5А]; «5А, 5Б» → both; «5» / «5 классы» → every class of the parallel (None if unknown)."""
    parts = [p for p in re.split(r"[,;/]+|\s+и\s+", cell_text(text)) if p.strip()]
    out: list[str] = []
    for part in parts:
        m = re.fullmatch(r"\s*(\d{1,2})\s*(?:-?е|-?ые)?\s*(?:класс\w*|паралл\w*)?\s*", part.lower())
        parsed = parse_class_label(part.strip())
        if parsed and parsed[1]:
            out.append(f"{parsed[0]}{parsed[1]}")
        elif m and 1 <= int(m.group(1)) <= 11:
            grade = int(m.group(1))
            found = [r[0] for r in db.execute("SELECT label FROM class_group WHERE year_id = ? AND grade = ?",
                                              [year_id, grade])] if year_id else []
            if not found:
                return None
            out += sorted(found)
        else:
            return None
    return out or None


def _start_year(db, options: dict, book) -> tuple[int | None, str | None]:
    label = options.get("year")
    if not label:
        for sheet in book.visible_sheets:
            for r in range(min(12, len(sheet.rows))):
                m = re.search(r"(20\d{2})\s*[/–-]\s*(20\d{2})", " ".join(sheet.norm_row(r)))
                if m and int(m.group(2)) == int(m.group(1)) + 1:
                    label = f"{m.group(1)}/{m.group(2)}"
                    break
            if label:
                break
    if not label:
        m = re.search(r"(20\d{2})\s*[_-]\s*(20\d{2})", Path(book.path).name)
        label = f"{m.group(1)}/{m.group(2)}" if m and int(m.group(2)) == int(m.group(1)) + 1 else None
    if not label:
        row = db.execute("SELECT label FROM academic_year ORDER BY label DESC LIMIT 1").fetchone()
        label = row[0] if row else None
    return (int(label[:4]), label) if label else (None, None)


# -- preview ---------------------------------------------------------------------------------------------

def preview(db, path, options=None, *, progress=None, cancel=None) -> Preview:
    path, options = Path(path), dict(options or {})
    pv = Preview(kind=KIND, file=path)
    book = read_book(path, cancel=cancel)
    start_year, label = _start_year(db, options, book)
    year_row = db.execute("SELECT id FROM academic_year WHERE label = ?", [label]).fetchone() if label else None
    year_id = year_row[0] if year_row else None
    lookup = subject_lookup(db)
    items: list[dict] = []
    longs = _long_sheets(book)
    if longs:
        for sheet, header, roles in longs:
            _read_long(db, pv, sheet, header, roles, start_year, year_id, items, cancel)
    else:
        for sheet in book.visible_sheets:
            _read_wide(db, pv, sheet, start_year, lookup, items, cancel)
    if not items and not pv.problems:
        pv.fatal = (f"В файле «{path.name}» не найден график оценочных процедур: нужна таблица со столбцами "
                    "«Класс», «Предмет», «Дата» или сетка «классы × даты» с сокращёнными названиями предметов.")
        return pv
    if label is None and items and any(i.get("undated") for i in items):
        pv.missing_options["year"] = "Какой учебный год у графика?"
    if label is None:
        dates = sorted(i["date"] for i in items if i.get("date"))
        if dates:
            label = schoolyear.label_of(dates[0])
    unique = {}
    for it in items:
        unique[(it["class_label"], it["subject"], it["date"], it["form"])] = it
    items = list(unique.values())
    pv.rows_ok = len(items)
    pv.rows_total = len(items) + len(pv.problems)
    classes = sorted({i["class_label"] for i in items})
    pv.summary = [f"График оценочных процедур на {label or 'неизвестный'} учебный год: работ {len(items)}, "
                  f"классов {len(classes)}."]
    if items:
        pv.summary.append(f"Даты: с {fmt.date(min(i['date'] for i in items))} по {fmt.date(max(i['date'] for i in items))}.")
    pv.payload = {"year": label, "items": items}
    return pv


def _read_long(db, pv, sheet, header, roles, start_year, year_id, items, cancel) -> None:
    for r in range(header + 1, len(sheet.rows)):
        if r % 500 == 0:
            check_cancel(cancel)
        row = sheet.rows[r]
        get = lambda role: row[roles[role]] if role in roles and roles[role] < len(row) else None  # noqa: E731
        if not any(cell_text(v) for v in row):
            continue
        cls_text, subject = cell_text(get("class")), " ".join(cell_text(get("subject")).split())
        if not cls_text and not subject:
            continue
        date = parse_date(get("date"), start_year)
        classes = _classes(db, year_id, cls_text)
        if not classes:
            pv.problems.append(sheet.problem(pv.file, r, f"«{cls_text}» — не класс (и не параллель, классы "
                                                         "которой есть в «Контингенте»)."))
            continue
        if not subject:
            pv.problems.append(sheet.problem(pv.file, r, "не указан предмет."))
            continue
        if date is None:
            pv.problems.append(sheet.problem(pv.file, r, f"«{cell_text(get('date'))}» — не дата."))
            continue
        lesson, duration = _lesson(cell_text(get("lesson")))
        if cell_text(get("duration")):
            m = re.match(r"\d+", cell_text(get("duration")))
            duration = int(m.group(0)) if m and 1 <= int(m.group(0)) <= 6 else duration
        form = " ".join(cell_text(get("form")).split()) or "контрольная работа"
        form = FORM_MARKERS.get(norm(form), (form,))[0]
        level = _level(cell_text(get("level")), form)
        for label in classes:
            items.append({"class_label": label, "grade": parse_class_label(label)[0],
                          "subject": subject[0].upper() + subject[1:], "date": date, "lesson": lesson,
                          "duration": duration, "level": level, "form": form, "note": cell_text(get("note"))})


def _lesson(text: str) -> tuple[int | None, int]:
    m = re.match(r"(\d{1,2})\s*(?:[-–,]\s*(\d{1,2}))?", text or "")
    if not m or not 1 <= int(m.group(1)) <= 10:
        return None, 1
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else first
    return first, max(1, min(6, last - first + 1))


def _read_wide(db, pv, sheet, start_year, lookup, items, cancel) -> None:
    month: tuple[int | None, int] | None = None
    columns: dict[int, object] = {}
    for r in range(len(sheet.rows)):
        if r % 500 == 0:
            check_cancel(cancel)
        labels = sheet.norm_row(r)
        first = next((t for t in labels if t), "")
        m = re.fullmatch(r"([а-я]+)\s*(\d{4})?(?:\s*г\.?)?", first)
        if m and any(m.group(1).startswith(w) for w in MONTHS) and len(m.group(1)) >= 3:
            number = next(i for i, w in enumerate(MONTHS, start=1) if m.group(1).startswith(w))
            month = (int(m.group(2)) if m.group(2) else None, number)
            continue
        if _wide_header(sheet, r):
            columns = {c: _column_day(v) for c, v in enumerate(sheet.rows[r]) if c and _column_day(v) is not None}
            continue
        if not columns or not labels:
            continue
        cls = parse_class_label(cell_text(sheet.rows[r][0])) if sheet.rows[r] else None
        if not cls or not cls[1]:
            continue
        label = f"{cls[0]}{cls[1]}"
        for c, head in columns.items():
            text = cell_text(sheet.rows[r][c]) if c < len(sheet.rows[r]) else ""
            for token in filter(None, (t.strip() for t in re.split(r"[\n,;/]+", text))):
                _wide_token(pv, sheet, r, label, cls[0], token, head, month, start_year, lookup, items)


def _wide_token(pv, sheet, r, label, grade, token, head, month, start_year, lookup, items) -> None:
    words = [w for w in re.split(r"[\s()]+", token) if w]
    form, level, rest, weekday, day_date = "контрольная работа", "school", [], None, None
    for w in words:
        k = norm(w).strip(".")
        if k in FORM_MARKERS:
            form, level = FORM_MARKERS[k]
        elif k in _WEEKDAYS:
            weekday = _WEEKDAYS[k]
        elif re.fullmatch(r"\d{1,2}\.\d{1,2}(\.\d{2,4})?", k):
            day_date = parse_date(k, start_year)
        else:
            rest.append(w)
    subject = lookup.get(_key(" ".join(rest))) if rest else (None if form != "ВПР" else None)
    if subject is None:
        pv.problems.append(sheet.problem(pv.file, r, f"{label}: «{token}» — сокращение предмета не распознано; "
                                                     "напишите название предмета полностью."))
        return
    date = _date_for(head, month, start_year, weekday, day_date)
    if date is None:
        pv.problems.append(sheet.problem(pv.file, r, f"{label}, {subject}: не удалось определить дату (в столбце "
                                                     "недели укажите день: «пн» … «сб» или дату)."))
        return
    items.append({"class_label": label, "grade": grade, "subject": subject, "date": date, "lesson": None,
                  "duration": 1, "level": level, "form": form, "note": ""})


def _date_for(head, month, start_year, weekday, day_date) -> str | None:
    if day_date:
        return day_date
    if isinstance(head, dt.date):
        return head.isoformat()
    if isinstance(head, int):
        if month is None or start_year is None:
            return None
        year = month[0] or schoolyear.calendar_year_of_month(month[1], start_year)
        try:
            return dt.date(year, month[1], head).isoformat()
        except ValueError:
            return None
    if isinstance(head, tuple) and head[0] == "date":
        _, d, m, y = head
        return parse_date(f"{d}.{m}" + (f".{y}" if y else ""), start_year)
    if isinstance(head, tuple) and head[0] == "week" and weekday and start_year:
        monday = parse_date(f"{head[1]}.{head[2]}", start_year)
        if monday:
            day = dt.date.fromisoformat(monday)
            return (day + dt.timedelta(days=(weekday - day.isoweekday()) % 7)).isoformat()
    return None


# -- commit ---------------------------------------------------------------------------------------------

def commit(db, preview: Preview, batch_id: int) -> tuple[int, int]:
    from . import ChangeLog

    payload = preview.payload
    if not payload or not payload["items"]:
        return 0, 0
    from .students import Resolver

    log = ChangeLog(db, batch_id)
    label = payload["year"]
    year_id = Resolver(db, log).year_id(label)                # found, or created with the year's dates
    for it in payload["items"]:
        cur = db.execute("SELECT * FROM schedule_item WHERE year_id = ? AND class_label = ? AND subject = ? AND date = ? "
                         "AND form = ?", [year_id, it["class_label"], it["subject"], it["date"], it["form"]])
        found = cur.fetchone()
        values = {k: it[k] for k in ("lesson", "duration", "level")}
        if found is None:
            log.insert("schedule_item", {"year_id": year_id, **it, "batch_id": batch_id})
        else:
            old = dict(zip([d[0] for d in cur.description], found))
            log.update("schedule_item", old["id"], {k: v for k, v in values.items() if v is not None}, old)
    log.flush()
    return log.added, log.changed
