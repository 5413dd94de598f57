"""Pupils' names out of free text that leaves the school (the packet for the municipality).

A deputy types notes such as «беседа с родителями Одинцова Платона», «ОДИНЦОВ ПЛАТОН»,
«Одинцов П.Ю.», «ученик Одинцов» or «с Шараповой Кирой». Every pupil the school has is looked for
in every case, number, letter case and with initials, and each mention is replaced by one
placeholder, ``REDACTED``.

How a mention is recognised:
- the word forms of each pupil's surname, first name and patronymic come from libraries made for
  Russian names: ``petrovich`` declines them by the rules of Russian names (any surname, known or
  not) and ``pymorphy3`` adds the forms its dictionary knows (both genders and the plural of a
  surname: «Одинцова», «Одинцовых»);
- a surname form written with a capital letter (or in capitals) is a person; written in lower case
  it is a person when it is no ordinary Russian word («одинцов») or when a word such as «ученик»,
  «родители», «с», «у» stands just before it («орлов» alone is the genitive plural of «орёл»);
- a name and patronymic of one pupil written together («Платон Юрьевич») are a person;
- initials and name parts next to a surname («Одинцов П.Ю.», «П. Ю. Одинцов», «Кира Шарапова»)
  are replaced together with it;
- adults are left alone when the text names them unambiguously: a member of staff, an observer,
  the director or the deputy whose surname a pupil shares is kept when the initials or the name
  beside the surname are the adult's and no pupil's («Кречетова Н.Ю.»); «им.» / «имени» before a
  surname marks the name a school bears, not a pupil.
A first name alone («Кира») is not a mention: it names no one in a school of hundreds.

Text is split into words by one linear scan; no pattern with backtracking ever runs on user text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

REDACTED = "[обучающийся]"

_WORD = re.compile(r"[^\W\d_]+")          # runs of letters: a linear scan, nothing to backtrack
_NAME_TAGS = ("Surn", "Name", "Patr")
# Words after which a lower-case surname form is a person: «ученик одинцов», «у соловья».
_CUE_LEMMAS = frozenset({
    "ученик", "ученица", "учащийся", "учащаяся", "обучающийся", "обучающаяся", "учиться", "обучаться",
    "школьник", "школьница", "выпускник", "выпускница", "воспитанник", "воспитанница", "родитель",
    "мать", "отец", "мама", "папа", "бабушка", "дедушка", "опекун", "ребенок", "сын", "дочь", "брат",
    "сестра", "семья", "мальчик", "девочка", "медалист", "медалистка", "участник", "участница",
    "с", "со", "у", "для", "о", "об",
})
_NAMED_AFTER = frozenset({"им", "имени"})
_GAP_CHARS = frozenset(" \t\u00a0")
_SHORT_CAPS = 4                           # «КИМ», «ЛИ», «ЮН»: capitals this short may be an abbreviation


def _key(word: str) -> str:
    return word.lower().replace("ё", "е")


# ---------------------------------------------------------------------------------------------
# Word forms of names (petrovich + pymorphy3)
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _morph():
    """The pymorphy3 analyser, or None where it cannot load (then rules alone decide, and every
    lower-case surname form counts as a person: more is replaced, nothing leaks)."""
    try:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="ru")
    except Exception:  # noqa: BLE001 - a missing dictionary must not stop the packet
        return None


@lru_cache(maxsize=1)
def _petrovich():
    try:
        from petrovich.main import Petrovich

        return Petrovich()
    except Exception:  # noqa: BLE001
        return None


_PETROVICH_CASES = range(5)   # genitive, dative, accusative, instrumental, prepositional
_PETROVICH_PART = {"Surn": "lastname", "Name": "firstname", "Patr": "middlename"}


@lru_cache(maxsize=8192)
def _forms(word: str, part: str, gender: str) -> frozenset[str]:
    """Every form of one name part (keys: lower case, ё as е). `part` is Surn / Name / Patr;
    `gender` 'male', 'female' or '' (both)."""
    out = {_key(word)}
    pet = _petrovich()
    if pet is not None:
        method = getattr(pet, _PETROVICH_PART[part])
        for g in ((gender,) if gender else ("male", "female")):
            for case in _PETROVICH_CASES:
                try:
                    out.add(_key(method(word, case, g)))
                except Exception:  # noqa: BLE001 - a rule table gap only loses one form
                    continue
    morph = _morph()
    if morph is not None:
        base = _key(word)
        for p in morph.parse(word.lower()):
            # a surname or patronymic parse brings its whole lexeme (both genders, the plural);
            # a first name only when it is this name's own lexeme
            if part in p.tag and (part != "Name" or _key(p.normal_form) == base):
                out.update(_key(f.word) for f in p.lexeme)
        if part == "Surn" and not any("Surn" in p.tag for p in morph.parse(word.lower())):
            # a surname that is an ordinary noun («Соловей»): its singular forms («Соловья»)
            for p in morph.parse(word.lower()):
                if p.tag.POS == "NOUN" and _key(p.normal_form) == base:
                    out.update(_key(f.word) for f in p.lexeme if "sing" in f.tag)
    return frozenset(f for f in out if f)


def _gender(sex: str | None, patronymic: str) -> str:
    if sex in ("м", "male"):
        return "male"
    if sex in ("ж", "female"):
        return "female"
    p = _key(patronymic)
    if p.endswith(("вна", "чна", "кызы")):
        return "female"
    if p.endswith(("вич", "ич", "оглы")):
        return "male"
    return ""


@dataclass
class _Person:
    surname: str
    name: str
    patronymic: str
    initials: tuple[str, ...]


def _split(full_name: str) -> tuple[str, str, str] | None:
    parts = (full_name or "").split()
    if not parts:
        return None
    return parts[0], (parts[1] if len(parts) > 1 else ""), " ".join(parts[2:3])


@dataclass
class _Index:
    """form → ids of people, for each name part."""
    people: list[_Person] = field(default_factory=list)
    surn: dict[str, set[int]] = field(default_factory=dict)
    name: dict[str, set[int]] = field(default_factory=dict)
    patr: dict[str, set[int]] = field(default_factory=dict)

    def add(self, full_name: str, sex: str | None = None) -> None:
        parts = _split(full_name)
        if parts is None:
            return
        surname, name, patronymic = parts
        gender = _gender(sex, patronymic)
        pid = len(self.people)
        self.people.append(_Person(surname, name, patronymic,
                                   tuple(_key(p[0]) for p in (name, patronymic) if p)))
        # a double surname «Петрова-Водкина»: each half is looked for
        for piece in surname.split("-"):
            if len(piece) > 1:
                for f in _forms(piece, "Surn", ""):      # both genders: a surname names a family
                    self.surn.setdefault(f, set()).add(pid)
        if name:
            for f in _forms(name, "Name", gender):
                self.name.setdefault(f, set()).add(pid)
        if patronymic:
            for f in _forms(patronymic, "Patr", gender):
                self.patr.setdefault(f, set()).add(pid)


@lru_cache(maxsize=65536)
def _analysis(key: str) -> tuple[bool, bool, str]:
    """(an ordinary dictionary word, a name part per the dictionary, lemma) for a lower-case word."""
    morph = _morph()
    if morph is None:
        return False, False, key
    parses = morph.parse(key)
    common = name_like = False
    for p in parses:
        from_dict = type(p.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"
        if not from_dict:
            continue
        if any(t in p.tag for t in _NAME_TAGS):
            name_like = True
        elif "Abbr" not in p.tag and "Init" not in p.tag:
            common = True
    lemma = _key(parses[0].normal_form) if parses else key
    return common, name_like, lemma


# ---------------------------------------------------------------------------------------------
# The redactor
# ---------------------------------------------------------------------------------------------
class Redactor:
    """Replaces every mention of the school's pupils in text with ``REDACTED``; counts them."""

    def __init__(self, pupils: list, adults: list[str] = ()):
        """`pupils`: full names («Фамилия Имя Отчество») or (full name, sex) pairs; `adults`: full
        names of staff, observers, the director — kept where the text names them unambiguously."""
        self.pupils = _Index()
        self.adults = _Index()
        for p in pupils:
            full, sex = (p, None) if isinstance(p, str) or p is None else (p[0], p[1])
            if full:
                self.pupils.add(full, sex)
        for a in adults:
            if a:
                self.adults.add(a)
        self.count = 0            # mentions replaced so far

    # -- public ------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        if not value or not self.pupils.people:
            return value
        spans = self._spans(value)
        if not spans:
            return value
        self.count += len(spans)
        out, pos = [], 0
        for a, b in spans:
            out.append(value[pos:a])
            out.append(REDACTED)
            pos = b
        out.append(value[pos:])
        return "".join(out)

    def mentions(self, value: str) -> int:
        """How many mentions `value` holds (the counter is not changed)."""
        return len(self._spans(value)) if value and self.pupils.people else 0

    def walk(self, obj):
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, list):
            return [self.walk(v) for v in obj]
        if isinstance(obj, dict):
            return {k: self.walk(v) for k, v in obj.items()}
        return obj

    @classmethod
    def for_db(cls, db) -> "Redactor":
        pupils = db.execute("SELECT full_name, sex FROM student WHERE full_name IS NOT NULL "
                            "AND full_name <> ''").fetchall()
        adults = [r[0] for r in db.execute("SELECT full_name FROM staff UNION SELECT full_name FROM observer")]
        school = db.execute("SELECT director, deputy FROM school WHERE id = 1").fetchone()
        adults += list(school or ())
        adults += [r[0] for r in db.execute("SELECT approver_name FROM plan WHERE approver_name IS NOT NULL")]
        return cls([(r[0], r[1]) for r in pupils], [a for a in adults if a])

    # -- finding mentions --------------------------------------------------------------------
    def _spans(self, text: str) -> list[tuple[int, int]]:
        toks = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        spans: list[tuple[int, int]] = []
        last = -1                    # index of the last token already inside a span
        i = 0
        while i < len(toks):
            kind = self._anchor(text, toks, i)
            if kind is None:
                i += 1
                continue
            lo, hi = self._expand(text, toks, i, last, kind)
            if not self._adult(text, toks, lo, hi, i, kind):
                end = toks[hi][1]
                if self._initial(text, toks[hi]):
                    end += 1                                  # the initial's dot goes too
                spans.append((toks[lo][0], end))
            last = hi
            i = hi + 1
        return spans

    def _anchor(self, text: str, toks, i: int) -> str | None:
        """'surname' / 'name' when token i starts a mention of a pupil, else None."""
        word = toks[i][2]
        key = _key(word)
        if len(word) > 1 and key in self.pupils.surn:
            if word.isupper() and len(word) <= _SHORT_CAPS:
                # «КИМ», «ЛИ»: in capitals a short word is an abbreviation («КИМ ОГЭ») unless a
                # name, initials or a word such as «ученик» stands beside it
                if self._cue_before(text, toks, i) or self._name_beside(text, toks, i):
                    return "surname"
                return None
            if word[0].isupper():
                return "surname"
            common, _, _ = _analysis(key)
            if not common or self._cue_before(text, toks, i):
                return "surname"
        if word[0].isupper() and key in self.pupils.name and i + 1 < len(toks):
            nxt = toks[i + 1][2]
            if nxt[0].isupper() and self._adjacent(text, toks[i], toks[i + 1]):
                both = self.pupils.name[key] & self.pupils.patr.get(_key(nxt), set())
                if both:
                    return "name"
        return None

    def _name_beside(self, text: str, toks, i: int) -> bool:
        """An initial or a pupil's first name or patronymic right before or after token i."""
        for j, pair in ((i - 1, (i - 1, i)), (i + 1, (i, i + 1))):
            if 0 <= j < len(toks) and self._adjacent(text, toks[pair[0]], toks[pair[1]]):
                key = _key(toks[j][2])
                if self._initial(text, toks[j]) or key in self.pupils.name or key in self.pupils.patr:
                    return True
        return False

    def _cue_before(self, text: str, toks, i: int) -> bool:
        if i == 0 or not self._adjacent(text, toks[i - 1], toks[i]):
            return False
        key = _key(toks[i - 1][2])
        return key in _CUE_LEMMAS or _analysis(key)[2] in _CUE_LEMMAS

    @staticmethod
    def _initial(text: str, tok) -> bool:
        start, end, word = tok
        return len(word) == 1 and word.isupper() and text[end:end + 1] == "."

    def _adjacent(self, text: str, left, right) -> bool:
        """Only spaces (after an initial: its dot and spaces) between two tokens."""
        gap = text[left[1]:right[0]]
        if self._initial(text, left):
            gap = gap[1:]
        return len(gap) <= 2 and all(c in _GAP_CHARS for c in gap) and (gap != "" or
                                                                           self._initial(text, left))

    def _part_of_name(self, text: str, tok) -> bool:
        """An initial or a capitalised name part that may stand beside a surname."""
        if self._initial(text, tok):
            return True
        word = tok[2]
        if len(word) < 2 or not word[0].isupper():
            return False
        key = _key(word)
        for index in (self.pupils, self.adults):
            if key in index.name or key in index.patr or key in index.surn:
                return True
        return _analysis(key)[1]

    def _expand(self, text: str, toks, i: int, last: int, kind: str) -> tuple[int, int]:
        lo = i
        while lo - 1 > last and i - lo < 2 and self._adjacent(text, toks[lo - 1], toks[lo]) \
                and self._part_of_name(text, toks[lo - 1]):
            lo -= 1
        hi = i + 1 if kind == "name" else i
        while hi + 1 < len(toks) and hi - i < 2 + (kind == "name") \
                and self._adjacent(text, toks[hi], toks[hi + 1]) and self._part_of_name(text, toks[hi + 1]):
            hi += 1
        return lo, hi

    def _adult(self, text: str, toks, lo: int, hi: int, anchor: int, kind: str) -> bool:
        """True when the span names an adult (or the person a school is named after)."""
        if lo > 0:
            prev = _key(toks[lo - 1][2])
            if prev in _NAMED_AFTER and text[toks[lo - 1][1]:toks[lo][0]].strip(" .\u00a0") == "":
                return True
        if not self.adults.people:
            return False
        rest = [toks[k] for k in range(lo, hi + 1) if k != anchor]
        if kind == "name":
            if (lo, hi) != (anchor, anchor + 1):
                return False                 # more than a name and patronymic: a surname beside
            key, nxt = _key(toks[anchor][2]), _key(toks[anchor + 1][2])
            return bool(self.adults.name.get(key, set()) & self.adults.patr.get(nxt, set()))
        if not rest:
            return False                     # a surname alone: a pupil's if any pupil bears it
        key = _key(toks[anchor][2])
        return (self._fits(self.adults, self.adults.surn.get(key, set()), text, rest)
                and not self._fits(self.pupils, self.pupils.surn.get(key, set()), text, rest))

    def _fits(self, index: _Index, ids: set[int], text: str, rest) -> bool:
        """Some person among `ids` agrees with every initial and name part of `rest`."""
        for pid in ids:
            person = index.people[pid]
            ok = True
            for tok in rest:
                key = _key(tok[2])
                if self._initial(text, tok):
                    ok = key in person.initials
                else:
                    ok = pid in index.name.get(key, ()) or pid in index.patr.get(key, ())
                if not ok:
                    break
            if ok:
                return True
        return False
