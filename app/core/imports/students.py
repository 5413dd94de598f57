"""Who, where and what an import is about: years, classes, subjects and students.

Preview side (read-only): recognise subjects, years and classes in free text and match students —
by code, then by name and class (a pupil of last year's class one grade lower counts as the same
class); two candidates, or a namesake in another class, are asked, never guessed.
Commit side (`Resolver`): find or create the year, class, subject, student and enrolment, every
new or changed row written through the import's change log so the import can be undone.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from app.core import schoolyear
from app.core.domain import class_label as make_class_label
from app.core.domain import normalise_year_label, parse_class_label
from app.core.roster import PERIOD_LAYOUTS, _LAST_CODE_KEY, _RETIRED_KEY, next_student_code
from app.core.settings import get_setting

from .table_reader import norm

# -- subjects -----------------------------------------------------------------------------------

SUBJECTS: list[tuple[str, tuple[str, ...]]] = [
    # «математика … профильный» within one «;»-part; anchored and atomic so a long cell is one pass
    ("Математика (профильный уровень)", (r"(?:^|;)(?>[^;]*?математ)[^;]*?профил",
                                         r"профильн\w* (уров\w* )?математ")),
    ("Математика (базовый уровень)", (r"(?:^|;)(?>[^;]*?математ)[^;]*?базов", r"базов\w* (уров\w* )?математ")),
    ("Русский язык", (r"русск\w* язык", r"^рус\.?( ?яз\.?)?$", r"\bрус\. ?яз")),
    ("Литературное чтение", (r"литературн\w* чтени", r"^лит\.? ?чт")),
    ("Литература", (r"литератур", r"^лит\.?$")),
    ("Окружающий мир", (r"окружающ", r"^окр\.? ?мир")),
    ("Вероятность и статистика", (r"вероятност", r"статистик")),
    ("Алгебра", (r"\bалгебр",)),
    ("Геометрия", (r"\bгеометр",)),
    ("Математика", (r"\bматемат", r"^мат\.?$", r"^матем\.?$")),
    ("Обществознание", (r"обществозн",)),
    ("История", (r"\bистори",)),
    ("География", (r"\bгеограф",)),
    ("Биология", (r"\bбиолог",)),
    ("Физическая культура", (r"физическ\w* культур", r"физкульт", r"^физ\.? ?к")),
    ("Физика", (r"\bфизик",)),
    ("Химия", (r"\bхими",)),
    ("Информатика", (r"информатик",)),
    ("Английский язык", (r"английск", r"^англ\.?( ?яз\.?)?$")),
    ("Немецкий язык", (r"немецк",)),
    ("Французский язык", (r"французск",)),
    ("Иностранный язык", (r"иностранн",)),
    ("Изобразительное искусство", (r"изобразительн", r"^изо$")),
    ("Музыка", (r"^музык",)),
    ("Технология", (r"^технолог", r"^труд")),
    ("Основы безопасности и защиты Родины", (r"основ\w* безопасн", r"^обж$", r"^обзр$")),
]
_SUBJECT_RES = [(name, [re.compile(p) for p in pats]) for name, pats in SUBJECTS]
_HAS_LETTERS = re.compile(r"[а-яa-z]{2}")


def subject_in_text(text: str, *, known: dict[str, str] | None = None) -> str | None:
    """The subject a header, title or file name speaks of: a subject of the DB (`known`: normalised
    name or short name → name) written exactly, else one of SUBJECTS by its stem; None if none."""
    t = norm(text).replace("_", " ")
    if not t or not _HAS_LETTERS.search(t):
        return None
    if known and t in known:
        return known[t]
    for name, pats in _SUBJECT_RES:
        if any(p.search(t) for p in pats):
            if known and norm(name) in known:
                return known[norm(name)]
            return name
    return None


def known_subjects(db) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, short in db.execute("SELECT name, short_name FROM subject"):
        out[norm(name)] = name
        if short:
            out.setdefault(norm(short), name)
    return out


# -- years, dates, classes in text ----------------------------------------------------------------

_YEAR_PAIR = re.compile(r"(20\d\d)\s*[/\-–—_]\s*(20\d\d|\d\d)(?!\d)")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](20\d\d|\d\d)(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")
_BARE_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_CLASS_IN_TEXT = re.compile(r"(?<![\wА-Яа-яЁё])(1[01]|[1-9])\s*[-–]?\s*[«\"]?([А-Яа-яЁё])[»\"]?(?![А-Яа-яЁёA-Za-z])")
_GRADE_IN_TEXT = re.compile(r"(?<!\d)(1[01]|[1-9])\s*+[-–]?\s*+(?:го|ый|ой|х)?\s*+класс|(?<![^\W\d_])класс[^\W\d]*+\s*+[:\-]?\s*+(1[01]|[1-9])(?!\d)")


def year_in_text(text: str) -> str | None:
    """«2024/2025», «2024-25», «2024–2025 учебный год» → '2024/2025'."""
    for m in _YEAR_PAIR.finditer(text):
        try:
            return normalise_year_label(f"{m.group(1)}/{m.group(2)}")
        except ValueError:
            continue
    return None


def date_in_text(text: str) -> str | None:
    """The first date in text as ISO 'YYYY-MM-DD' (dd.mm.yyyy, dd.mm.yy or ISO)."""
    m = _ISO_DATE.search(text)
    candidates = []
    if m:
        candidates.append((m.start(), int(m.group(1)), int(m.group(2)), int(m.group(3))))
    m = _DATE.search(text)
    if m:
        y = int(m.group(3))
        candidates.append((m.start(), y + 2000 if y < 100 else y, int(m.group(2)), int(m.group(1))))
    for _, y, mo, d in sorted(candidates):
        try:
            return _dt.date(y, mo, d).isoformat()
        except ValueError:
            continue
    return None


def bare_year_in_text(text: str) -> int | None:
    m = _BARE_YEAR.search(text)
    return int(m.group(1)) if m else None


def class_in_text(text: str) -> str | None:
    """«5А», «5 «Б»», «класс 7-В» in a title or file name → '5А'; None if no class with a letter."""
    for m in _CLASS_IN_TEXT.finditer(text.replace("_", " ")):
        parsed = parse_class_label(m.group(1) + m.group(2))
        if parsed:
            return make_class_label(*parsed)
    return None


def grade_in_text(text: str) -> int | None:
    """«5 класс», «класс: 7», «в 4-х классах» → the grade."""
    m = _GRADE_IN_TEXT.search(norm(text).replace("_", " "))
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def clean_class_label(value) -> str | None:
    """A class cell ('5А', '5 а', 5) → '5А' / '5'; None if it is not a class."""
    text = str(value or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0)?", text):
        text = text.split(".")[0]
    parsed = parse_class_label(text)
    return make_class_label(*parsed) if parsed else None


# -- student names ------------------------------------------------------------------------------

_NOT_A_NAME = re.compile(r"итог|всего|средн\w* (балл|отмет|знач)|^среднее|примечан|максимальн|^макс\b|"
                         r"процент|количеств|выполнени|подпись|^учитель|классный руковод|директор|"
                         r"ответствен|^%|^№$|^\d+$")


def clean_name(value) -> str | None:
    """A pupil's name as written (spaces tidied); None for totals, notes and numbers."""
    text = " ".join(str(value or "").replace("\xa0", " ").split())
    if not text or not re.search(r"[А-Яа-яЁёA-Za-z]", text) or _NOT_A_NAME.search(text.lower()):
        return None
    return text


def name_key(name: str | None) -> tuple[str, ...]:
    return tuple(norm(name).replace("-", " ").replace(".", " ").split()) if name else ()


def code_text(value) -> str | None:
    """A participant or student code cell → '10001' (digits, possibly with letters and dashes)."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    if re.fullmatch(r"[0-9A-Za-zА-Яа-я\-]{2,20}", text) and re.search(r"\d", text):
        return text
    return None


# -- matching ---------------------------------------------------------------------------------------

@dataclass
class Match:
    status: str                      # 'code' | 'name' | 'new' | 'ambiguous'
    key: str                         # stable key of this pupil in the file (for the user's choice)
    student_id: int | None = None
    code: str | None = None          # for a new student: the code from the file
    name: str | None = None
    class_label: str | None = None
    candidates: list[tuple[int, str]] = field(default_factory=list)   # (student id, description)


class Matcher:
    """Match the pupils of one file against the DB for one academic year."""

    def __init__(self, db, year_label: str | None, choices: dict | None = None):
        self.choices = {str(k): v for k, v in (choices or {}).items()}
        self.by_code = {c: i for i, c in db.execute("SELECT id, code FROM student")}
        self.retired = set(get_setting(db, _RETIRED_KEY))
        self.year: list[tuple[int, tuple, str]] = []     # (student id, name key, class label)
        self.prev: list[tuple[int, tuple, str]] = []
        self.names: dict[int, str] = {}
        if year_label:
            start = int(year_label[:4])
            self.year = self._enrolled(db, year_label)
            self.prev = self._enrolled(db, f"{start - 1}/{start}")
        self._cache: dict[tuple, Match] = {}
        self._raw: dict[tuple, Match] = {}

    def _enrolled(self, db, label: str) -> list[tuple[int, tuple, str]]:
        out = []
        for sid, name, cls in db.execute(
                "SELECT s.id, s.full_name, c.label FROM enrolment e JOIN student s ON s.id = e.student_id "
                "JOIN class_group c ON c.id = e.class_id JOIN academic_year y ON y.id = e.year_id "
                "WHERE y.label = ? AND s.full_name IS NOT NULL AND s.full_name <> ''", [label]):
            out.append((sid, name_key(name), cls))
            self.names[sid] = name
        return out

    def match(self, code: str | None, name: str | None, class_label: str | None, *,
              by_code: bool = True) -> Match:
        """The pupil of a file row; `by_code=False` looks at name and class only (a code list that
        links a code to a named pupil), the choice key staying the same."""
        raw = (code, name, class_label, by_code)
        found = self._raw.get(raw)
        if found is None:
            ck = (code, name_key(name), class_label, by_code)
            found = self._cache.get(ck)
            if found is None:
                found = self._cache[ck] = self._match(code, name, class_label, by_code)
            self._raw[raw] = found
        return found

    def _match(self, code, name, cls, by_code: bool = True) -> Match:
        key = f"{code or ''}|{' '.join(name_key(name))}|{cls or ''}"
        if code in self.retired:   # a retired code is never issued again: the pupil gets a new one
            code = None
        if by_code and code and code in self.by_code:
            return Match("code", key, self.by_code[code], code, name, cls)
        nk = name_key(name)
        if not nk:
            return Match("new", key, None, code, name, cls)
        same = self._same_name(nk, self.year)
        here = [sid for sid, c in same if c == cls] if cls else [sid for sid, _ in same]
        if not here and cls:
            here = [sid for sid, c in self._same_name(nk, self.prev) if _promoted(c, cls)]
        candidates = here if here else [sid for sid, _ in same]
        choice = self.choices.get(key)
        if choice is not None:
            if choice == "new":
                return Match("new", key, None, code, name, cls)
            return Match("name", key, int(choice), code, name, cls)
        if len(here) == 1:
            return Match("name", key, here[0], code, name, cls)
        if not candidates:
            return Match("new", key, None, code, name, cls)
        described = [(sid, self._describe(sid, same)) for sid in candidates]
        return Match("ambiguous", key, None, code, name, cls, described)

    @staticmethod
    def _same_name(nk: tuple, pool) -> list[tuple[int, str]]:
        exact = [(sid, c) for sid, k, c in pool if k == nk]
        if exact:
            return exact
        if len(nk) >= 2:   # «Иванов Иван» against «Иванов Иван Петрович» (and back)
            return [(sid, c) for sid, k, c in pool if len(k) >= 2 and k[:2] == nk[:2]
                    and (len(k) == 2 or len(nk) == 2)]
        return []

    def _describe(self, sid: int, same) -> str:
        cls = next((c for s, c in same if s == sid), None)
        where_ = f", {cls}" if cls else ""
        code = next((c for c, i in self.by_code.items() if i == sid), "?")
        return f"{self.names.get(sid, '')}{where_} (код {code})"


def _promoted(old_label: str, new_label: str) -> bool:
    """'4А' last year → '5А' this year."""
    a, b = parse_class_label(old_label), parse_class_label(new_label)
    return bool(a and b and a[0] + 1 == b[0] and a[1] == b[1])


def ambiguity_text(m: Match) -> str:
    who = m.name or m.code or "?"
    cls = f" ({m.class_label})" if m.class_label else ""
    options = "; ".join(d for _, d in m.candidates)
    return (f"«{who}»{cls}: в базе несколько подходящих учащихся или однофамилец в другом классе — "
            f"{options}. Выберите, кто это, или отметьте как нового учащегося.")


# -- commit side --------------------------------------------------------------------------------------

class Resolver:
    """Find-or-create of years, periods, classes, subjects, students and enrolments at commit."""

    def __init__(self, db, log):
        self.db, self.log = db, log
        self._years: dict[str, int] = {}
        self._classes: dict[tuple[int, str], int] = {}
        self._subjects = {norm(n): i for i, n in db.execute("SELECT id, name FROM subject")}
        self._students: dict[str, int] = {}             # match key → id, within this commit
        self._enrolled: dict[int, set[int]] = {}          # year id → enrolled student ids
        self._periods: dict[tuple[int, str, int], int] = {}
        self._code_ids: dict[str, int] | None = None
        self._by_name: dict[str, dict] = {}
        self._next_code: int | None = None
        self._last_code: int | None = None
        self._retired: set[str] = set()
        self._bump = False

    def year_id(self, label: str) -> int:
        if label not in self._years:
            row = self.db.execute("SELECT id FROM academic_year WHERE label = ?", [label]).fetchone()
            if row:
                self._years[label] = row[0]
            else:
                first, last = schoolyear.bounds_iso(label)
                self._years[label] = self.log.insert("academic_year", {
                    "label": label, "start_date": first, "end_date": last})
        return self._years[label]

    def period_id(self, year_label: str, kind: str, number: int) -> int:
        year_id = self.year_id(year_label)
        key = (year_id, kind, number)
        if key not in self._periods:
            row = self.db.execute("SELECT id FROM period WHERE year_id = ? AND kind = ? AND number = ?",
                                  [year_id, kind, number]).fetchone()
            self._periods[key] = row[0] if row else self.log.insert(
                "period", period_row(year_id, year_label, kind, number))
        return self._periods[key]

    def class_id(self, year_label: str, label: str) -> int:
        year_id = self.year_id(year_label)
        key = (year_id, label)
        if key not in self._classes:
            row = self.db.execute("SELECT id FROM class_group WHERE year_id = ? AND label = ?",
                                  [year_id, label]).fetchone()
            if row:
                self._classes[key] = row[0]
            else:
                grade, letter = parse_class_label(label)
                self._classes[key] = self.log.insert("class_group", {
                    "year_id": year_id, "grade": grade, "letter": letter, "label": label})
        return self._classes[key]

    def subject_id(self, name: str) -> int:
        k = norm(name)
        if k not in self._subjects:
            self._subjects[k] = self.log.insert("subject", {"name": name, "short_name": ""})
        return self._subjects[k]

    def student_id(self, m: Match, year_label: str | None, class_label: str | None) -> int:
        """The matched student, or a new one (found again if an earlier file of this commit made it)."""
        sid = m.student_id or self._students.get(m.key) or self._existing(m, year_label, class_label)
        if sid is None:
            code = self._code_for(m)
            sid = self.log.insert("student", {"code": code, "full_name": m.name or None})
            self._codes[code] = sid
            if year_label and class_label:
                self._names(year_label).setdefault((class_label, name_key(m.name)), sid)
        self._students[m.key] = sid
        if year_label and class_label:
            self.enrol(sid, year_label, class_label)
        return sid

    def student_ids(self, items: list[tuple[Match, str | None, str | None]]) -> list[int]:
        """`student_id` for many pupils at once (match, year, class): the new pupils and enrolments
        are written in bulk, which is what makes a 600-row form quick to commit."""
        out: list[int | None] = [None] * len(items)
        fresh: list[tuple[int, str, str | None]] = []          # (item index, code, name)
        pending: dict[object, int] = {}                         # key, code or (year, class, name) → fresh index
        for i, (m, year_label, class_label) in enumerate(items):
            sid = m.student_id or self._students.get(m.key) or self._existing(m, year_label, class_label)
            if sid is not None:
                out[i] = sid
                continue
            named = (year_label, class_label, name_key(m.name)) if m.name and year_label and class_label else None
            found = next((pending[k] for k in (m.key, m.code, named) if k is not None and k in pending), None)
            if found is None:
                found = len(fresh)
                fresh.append((i, self._code_for(m), m.name or None))
            for k in (m.key, m.code, named):
                if k is not None:
                    pending.setdefault(k, found)
            out[i] = -1 - found                                   # resolved after the insert
        ids = self.log.insert_many("student", ["code", "full_name"], [(c, n) for _, c, n in fresh])
        for (i, code, _name), sid in zip(fresh, ids):
            self._codes[code] = sid
            m, year_label, class_label = items[i]
            if year_label and class_label:
                self._names(year_label).setdefault((class_label, name_key(m.name)), sid)
        result = [ids[-1 - v] if v < 0 else v for v in out]
        enrol_rows = []
        for (m, year_label, class_label), sid in zip(items, result):
            self._students[m.key] = sid
            if year_label and class_label and not self._is_enrolled(sid, year_label):
                year_id = self.year_id(year_label)
                enrol_rows.append((sid, year_id, self.class_id(year_label, class_label)))
                self._enrolled[year_id].add(sid)
        self.log.insert_many("enrolment", ["student_id", "year_id", "class_id"], enrol_rows)
        return result

    def _is_enrolled(self, sid: int, year_label: str) -> bool:
        year_id = self.year_id(year_label)
        if year_id not in self._enrolled:
            self._enrolled[year_id] = {s for (s,) in self.db.execute(
                "SELECT student_id FROM enrolment WHERE year_id = ?", [year_id])}
        return sid in self._enrolled[year_id]

    @property
    def _codes(self) -> dict[str, int]:
        if self._code_ids is None:
            self._code_ids = {c: i for i, c in self.db.execute("SELECT id, code FROM student")}
        return self._code_ids

    def _names(self, year_label: str) -> dict[tuple[str, tuple], int]:
        """(class label, name key) → student id for the named pupils enrolled in a year."""
        if year_label not in self._by_name:
            self._by_name[year_label] = {
                (cls, name_key(name)): sid for sid, name, cls in self.db.execute(
                    "SELECT s.id, s.full_name, c.label FROM enrolment e JOIN student s ON s.id = e.student_id "
                    "JOIN class_group c ON c.id = e.class_id WHERE e.year_id = ? AND s.full_name IS NOT NULL",
                    [self.year_id(year_label)])}
        return self._by_name[year_label]

    def _existing(self, m: Match, year_label, class_label) -> int | None:
        if m.code and m.code in self._codes:
            return self._codes[m.code]
        if m.name and year_label and class_label:
            return self._names(year_label).get((class_label, name_key(m.name)))
        return None

    def _code_for(self, m: Match) -> str:
        if self._last_code is None:
            self._last_code = int(get_setting(self.db, _LAST_CODE_KEY) or 0)
        if m.code:
            code = m.code
        else:
            if self._next_code is None:
                self._next_code = int(next_student_code(self.db))
                self._retired = set(get_setting(self.db, _RETIRED_KEY))
            while f"{self._next_code:05d}" in self._codes or f"{self._next_code:05d}" in self._retired:
                self._next_code += 1
            code = f"{self._next_code:05d}"
            self._next_code += 1
        if code.isdigit() and len(code) == 5 and int(code) > self._last_code:
            self._last_code, self._bump = int(code), True
        return code

    def finish(self) -> None:
        """Remember the highest code issued. Deliberately outside the change log: undoing an import
        never lets a code be issued twice."""
        if self._bump:
            self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                            "SET value = excluded.value", [_LAST_CODE_KEY, str(self._last_code)])
            self._bump = False

    def forget_student(self, sid: int) -> None:
        """A record merged into another: drop what this resolver remembers of enrolments and codes."""
        self._enrolled.clear()
        self._by_name.clear()
        if self._code_ids is not None:
            self._code_ids = {c: i for c, i in self._code_ids.items() if i != sid}
        self._students = {k: i for k, i in self._students.items() if i != sid}

    def remember_code(self, code: str, sid: int) -> None:
        """`sid` now holds `code` (a code list gave it)."""
        if self._code_ids is not None:
            self._code_ids = {c: i for c, i in self._code_ids.items() if i != sid}
            self._code_ids[code] = sid
        if code.isdigit() and len(code) == 5:
            if self._last_code is None:
                self._last_code = int(get_setting(self.db, _LAST_CODE_KEY) or 0)
            if int(code) > self._last_code:
                self._last_code, self._bump = int(code), True

    def enrol(self, sid: int, year_label: str, class_label: str) -> None:
        year_id = self.year_id(year_label)
        if not self._is_enrolled(sid, year_label):
            self.log.insert("enrolment", {"student_id": sid, "year_id": year_id,
                                          "class_id": self.class_id(year_label, class_label)})
            self._enrolled[year_id].add(sid)


def period_row(year_id: int, year_label: str, kind: str, number: int) -> dict:
    """A period with the usual dates of its kind (as the roster creates them)."""
    start = int(year_label[:4])
    if kind == "year":
        return {"year_id": year_id, "kind": "year", "number": 1, "label": "Год",
                "start_date": f"{start}-09-01", "end_date": f"{start + 1}-05-31"}
    for n, label, (m1, d1), (m2, d2) in PERIOD_LAYOUTS[kind]:
        if n == number:
            y1 = schoolyear.calendar_year_of_month(m1, start)
            y2 = schoolyear.calendar_year_of_month(m2, start)
            return {"year_id": year_id, "kind": kind, "number": number, "label": label,
                    "start_date": f"{y1}-{m1:02d}-{d1:02d}", "end_date": f"{y2}-{m2:02d}-{d2:02d}"}
    raise ValueError(f"{kind} {number}")


def classes_of_codes(db, year_label: str | None, codes) -> dict[str, str]:
    """Code → class label of the pupils with these codes enrolled in the year (a code list or a
    journal linked them earlier); codes unknown or not enrolled that year are left out."""
    wanted = {c for c in codes if c}
    if not year_label or not wanted:
        return {}
    return {code: label for code, label in db.execute(
        "SELECT s.code, c.label FROM enrolment e JOIN student s ON s.id = e.student_id "
        "JOIN class_group c ON c.id = e.class_id JOIN academic_year y ON y.id = e.year_id "
        "WHERE y.label = ?", [year_label]) if code in wanted}
