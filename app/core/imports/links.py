"""The school's list «код участника ↔ ФИО ↔ класс»: linking anonymous codes to named pupils.

ВПР forms know pupils by code only, the electronic journal by name only. A list (or a journal export)
that carries both links them. For each row of such a list, the preview decides one action:

- ``same``   the code already belongs to this pupil: nothing to do;
- ``code``   a named pupil of that class has no record under this code: the pupil takes the code;
- ``merge``  a record known only by this code (made by a ВПР form) and a named pupil of that class
             are one pupil: the two records become one (``roster.merge_students``) — results, marks
             and enrolments move to the named pupil, who takes the code;
- ``name``   the code is known, no named pupil matches: the code's record gets the name and class;
- ``new``    neither is known: a new pupil with code, name and class (the list came first).

A pupil matching several named pupils (or a namesake in another class) is asked in the preview like
every ambiguous match, never guessed. A code already held by a pupil with another name, or a merge
the data forbid, rejects the row with the reason. Everything is written through the import change
log, so «Отменить этот импорт» separates merged records again.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.core.roster import merge_conflicts

from .students import Match, Matcher, Resolver, name_key

ACTION_LABELS = {"code": "код присвоен учащемуся из базы", "merge": "будет объединено записей",
                 "name": "записи по коду получат ФИО", "new": "новых учащихся",
                 "same": "уже связаны"}


@dataclass
class LinkRow:
    row: int                      # 1-based row of the sheet
    sheet: str
    code: str
    name: str
    class_label: str
    year: str


@dataclass
class Link:
    src: LinkRow
    action: str                   # 'same' | 'code' | 'merge' | 'name' | 'new' | 'ambiguous'
    match: Match                  # the named pupil's match (by name and class)
    code_id: int | None = None    # the record holding the code now
    named_id: int | None = None   # the named pupil


class LinkPlanner:
    """Decides the action of each code-list row against the DB (read-only)."""

    def __init__(self, db, choices: dict | None = None):
        self.db, self.choices = db, choices
        self.by_code = {c: (i, n) for i, c, n in db.execute("SELECT id, code, full_name FROM student")}
        self.matchers: dict[str, Matcher] = {}
        self.seen_codes: dict[str, int] = {}
        self.seen_pupils: dict[int, str] = {}

    def plan(self, src: LinkRow) -> tuple[Link | None, str | None]:
        """(link, None) or (None, the Russian reason the row is rejected)."""
        if src.code in self.seen_codes:
            return None, f"код {src.code} уже встречается в строке {self.seen_codes[src.code]}."
        self.seen_codes[src.code] = src.row
        if src.year not in self.matchers:
            self.matchers[src.year] = Matcher(self.db, src.year, self.choices)
        matcher = self.matchers[src.year]
        if src.code in matcher.retired:
            return None, f"код {src.code} принадлежал выбывшему учащемуся и повторно не выдаётся."
        m = matcher.match(src.code, src.name, src.class_label, by_code=False)
        holder = self.by_code.get(src.code)
        code_id, code_name = holder if holder else (None, None)
        if code_name:                                   # the code belongs to a named pupil
            if not _same_person(code_name, src.name):
                return None, (f"код {src.code} в базе принадлежит учащемуся «{code_name}», а в списке указан "
                              f"«{src.name}». Проверьте список.")
            return Link(src, "same", m, code_id, code_id), None
        if m.status == "ambiguous":
            return Link(src, "ambiguous", m, code_id), None
        named = m.student_id if m.status == "name" else None
        if named is not None and named in self.seen_pupils:
            return None, (f"учащийся «{src.name}» ({src.class_label}) уже получил код "
                          f"{self.seen_pupils[named]} в другой строке списка.")
        if named is not None:
            self.seen_pupils[named] = src.code
        if code_id is None:
            return Link(src, "code" if named else "new", m, None, named), None
        if named is None:
            return Link(src, "name", m, code_id, None), None
        problems = merge_conflicts(self.db, named, code_id)
        if problems:
            return None, (f"запись с кодом {src.code} и учащегося «{src.name}» нельзя объединить: "
                          + "; ".join(problems) + ".")
        return Link(src, "merge", m, code_id, named), None


def _same_person(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    return len(ka) >= 2 and len(kb) >= 2 and ka[:2] == kb[:2] and (len(ka) == 2 or len(kb) == 2)


def summary(links: list[Link]) -> str | None:
    """«Список кодов: …» for the preview; None when the file links nothing."""
    if not links:
        return None
    counts = {a: sum(1 for x in links if x.action == a) for a in ACTION_LABELS}
    parts = [f"{ACTION_LABELS[a]}: {n}" for a, n in counts.items() if n]
    asked = sum(1 for x in links if x.action == "ambiguous")
    if asked:
        parts.append(f"нужно выбрать учащегося: {asked}")
    return f"Коды участников: строк {len(links)}; " + "; ".join(parts) + "."


def apply(db, log, res: Resolver, links: list[Link]) -> dict[str, int]:
    """Write the links (inside the import's transaction); returns code → the pupil's id now."""
    from app.core.roster import merge_students

    out: dict[str, int] = {}
    for link in links:
        src, m = link.src, link.match
        action, named = link.action, link.named_id
        if action == "ambiguous":                      # answered in the dialog (else no commit)
            continue
        if action == "same":
            sid = link.code_id
        elif action == "new":
            sid = res.student_id(Match("new", m.key, None, src.code, src.name, src.class_label),
                                 src.year, src.class_label)
        elif action == "name":
            sid = link.code_id
            log.update("student", sid, {"full_name": src.name}, {"full_name": None})
        elif action == "code":
            sid = named
            old = db.execute("SELECT code FROM student WHERE id = ?", [sid]).fetchone()[0]
            log.update("student", sid, {"code": src.code}, {"code": old})
        else:                                          # merge
            sid = named
            merge_students(db, named, link.code_id, log=log)
            res.forget_student(link.code_id)
        res.enrol(sid, src.year, src.class_label)
        res.remember_code(src.code, sid)
        out[src.code] = sid
    return out


__all__ = ["LinkRow", "Link", "LinkPlanner", "summary", "apply", "ACTION_LABELS"]
