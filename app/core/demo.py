"""The demo school: a fictional school with three years of data and five planted anomalies.

Everything comes from one ``random.Random(seed)``: the same seed gives the same file, row for row
(timestamps are fixed too). Different seeds give different schools (number, code, staff, pupils)
with the same planted anomalies, so many packets can be made for a district benchmark.

How the numbers are made (see docs/demo-school.md):
- every pupil has a latent level per subject; a year's level adds a little noise;
- an external result's primary score is a smooth, monotone function of that level whose knots sit
  on the mark thresholds of the scale, so score histograms have no steps at the thresholds;
- the journal mark used for the comparison (3rd quarter for spring ВПР, the annual and last period
  mark for ОГЭ / ЕГЭ) is the external mark moved by ±1 for a planned number of pupils per class
  (lowered 8–18 %, raised 3–10 %), so every clean class is clean by construction, not by luck;
- a class whose cohort history or score histogram would look odd by chance is redrawn.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import operator
import random
from pathlib import Path
from typing import Callable

import sqlite_utils

from . import demo_data as D
from . import demo_parts
from . import store
from .demo_parts import (Z_CUTS, bunching_p, mark_from_score, mark_from_z, score_from_z,
                         share45 as _share45)
from .errors import UserError

__all__ = ["create_demo", "build_demo", "DEMO_TODAY", "Z_CUTS", "bunching_p", "mark_from_score",
           "mark_from_z", "score_from_z"]

DEMO_TODAY = demo_parts.DEMO_TODAY  # the demo's «today»: plan statuses are set relative to it
_W_YEAR = 0.3                        # weight of the year-to-year noise in a pupil's level
_SUBJECT_LOAD = 0.75                 # how much a subject level follows the general level

# Planted anomalies (DESIGN §5), one class each; documented in docs/demo-school.md.
JOURNAL_INFLATION = ("2025/2026", "6Б", "Математика")
EXTERNAL_INFLATION = ("2025/2026", "7А", "Русский язык")
BOUNDARY_BUNCHING = ("2024/2025", "8Б", "Математика")         # at the «4» threshold
COHORT_DROP = ("Русский язык", ("2024/2025", "4В"), ("2025/2026", "5В"))
MEDAL_UNCONFIRMED_YEAR = "2025/2026"
MEDAL_BY_BASE_MATH_YEAR = "2024/2025"  # one I-degree medalist confirmed by «5» in base maths

# A period mark differs from the annual one now and then: (chance up, chance down) by mark.
_WOBBLE = {2: (0.35, 0.0), 3: (0.10, 0.03), 4: (0.05, 0.08), 5: (0.0, 0.13)}
_ABILITY_OF = {"Математика (базовый уровень)": "Математика"}

_TABLE_ORDER = (
    "academic_year", "period", "staff", "subject", "class_group", "student", "enrolment",
    "journal_mark", "scale", "procedure", "task", "result", "task_score", "recheck", "observer",
    "reference_result", "reference_task", "plan", "plan_section", "plan_item", "execution",
    "evidence", "settings",
)
_NO_ID = {"task_score", "settings"}
_STEPS = 7                           # progress ticks: roster, three years, journal, rest, writing
_EMPTY_CHECK = ("academic_year", "student", "procedure", "plan", "journal_mark")


def create_demo(path: str | Path, *, seed: int = 2025) -> sqlite_utils.Database:
    """Create the demo school in a new file (refuses to overwrite) and return the open DB."""
    # built under a temporary name beside `path` and put in place only when complete (store.create_db)
    return store.create_db(Path(path), fill=lambda db: build_demo(db, seed=seed))


def build_demo(db: sqlite_utils.Database, *, seed: int = 2025,
               progress: Callable[[int, int], None] | None = None) -> sqlite_utils.Database:
    """Fill an empty school DB with the demo school (one transaction)."""
    for table in _EMPTY_CHECK:
        if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
            raise UserError("Демонстрационную школу можно создать только в пустой базе: "
                            f"в таблице «{table}» уже есть данные. Создайте новый файл.")
    builder = _Builder(seed, progress)
    builder.build()
    with db.atomic():
        school = builder.school
        cols = list(school)
        db.execute(
            f"INSERT INTO school (id, {', '.join(cols)}) VALUES (1, {', '.join('?' * len(cols))}) "
            f"ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols)}",
            [school[c] for c in cols])
        from .settings import DEMO_KEY

        db.execute("INSERT INTO settings (key, value) VALUES (?, 'true') "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [DEMO_KEY])
        for table in _TABLE_ORDER:
            rows = builder.rows.get(table)
            if not rows:
                continue
            cols = list(rows[0])
            sql = (f"INSERT INTO {table} ({', '.join(cols)}) "
                   f"VALUES ({', '.join('?' * len(cols))})")
            db.conn.executemany(sql, map(operator.itemgetter(*cols), rows))
    from .schedule_demo import add_demo_schedule  # the schedule of the latest year, with two planted faults

    add_demo_schedule(db)
    builder.tick()
    return db


class _Builder:
    """Builds every row in memory; build_demo writes them in one transaction."""

    def __init__(self, seed: int, progress=None):
        self.seed = seed
        self.rng = random.Random(seed)
        self.progress = progress
        self.step = 0
        self.rows: dict[str, list[dict]] = {}
        self.school: dict = {}
        self.noise: dict[tuple, float] = {}
        self.ext: dict[tuple, tuple[int, float]] = {}    # (sid, subject, yi) → (mark, share of max)
        self.anchor: dict[tuple, tuple[int, tuple]] = {}  # (sid, subject, yi) → (mark, fixed period)
        self.medal: dict[tuple, int] = {}                 # (sid, yi) → degree
        self.enrolment: dict[tuple, dict] = {}            # (sid, yi) → enrolment row
        self.proc_scale: dict[int, tuple] = {}            # procedure id → (max, t3, t4, t5)
        self.proc_scores: dict[int, list[int]] = {}       # procedure id → scores so far

    # -- plumbing --
    def add(self, table: str, **values) -> int:
        rows = self.rows.setdefault(table, [])
        if table in _NO_ID:
            rows.append(values)
            return 0
        values["id"] = row_id = len(rows) + 1
        rows.append(values)
        return row_id

    def tick(self) -> None:
        self.step += 1
        if self.progress is not None:
            self.progress(min(self.step, _STEPS), _STEPS)

    def build(self) -> None:
        self._school_and_staff()
        self._calendar_and_subjects()
        self._roster()
        self.tick()
        for yi in range(3):
            self._vpr_year(yi)
            self._oge_year(yi)
            self._ege_year(yi)
            self.tick()
        self._journal()
        self.tick()
        demo_parts.add_checks_and_references(self)
        demo_parts.add_plan(self)
        self.add("settings", key="demo", value=json.dumps({"seed": self.seed, "today": DEMO_TODAY}))
        self.tick()

    # -- school, staff, calendar --
    def _school_and_staff(self) -> None:
        rng = self.rng
        number = self.seed % 150 + 1
        code = (self.seed * 7919 + 104729) % 900000 + 100000
        self.staff: dict[str, tuple[str, str]] = {}
        for key, position, names in D.STAFF_ROLES:
            name = rng.choice(names)
            surname, first, patr = name.split()
            self.staff[key] = (name, f"{surname} {first[0]}.{patr[0]}.")
            self.add("staff", full_name=name, position=position)
        # Named and coded so that nobody takes it (or a packet made from it) for a real school.
        self.school = {
            "full_name": (f"Демонстрационная школа № {number} (вымышленная школа для знакомства с "
                          "программой; все люди и сведения выдуманы)"),
            "short_name": f"Демонстрационная школа № {number}",
            "code": f"ДЕМО-{code % 1000:03d}", "municipality": D.MUNICIPALITY, "region": D.REGION,
            "director": self.staff["dir"][0], "deputy": self.staff["uvr"][0],
            "address": (f"{rng.randint(160000, 169999)}, {D.REGION}, {D.MUNICIPALITY}, "
                        f"{D.SETTLEMENT}, {rng.choice(D.STREETS)}, д. {rng.randint(1, 60)}"),
        }

    def _calendar_and_subjects(self) -> None:
        self.period: dict[tuple, int] = {}
        for yi, label in enumerate(D.YEAR_LABELS):
            q = D.QUARTERS[label]
            start_year = int(label[:4])
            self.add("academic_year", label=label, start_date=q[0][0],
                     end_date=f"{start_year + 1}-08-31")
            spans = [("quarter", i + 1, f"{i + 1} четверть", *q[i]) for i in range(4)]
            spans += [("half", 1, "1 полугодие", q[0][0], q[1][1]),
                      ("half", 2, "2 полугодие", q[2][0], q[3][1]),
                      ("year", 1, "Год", q[0][0], q[3][1])]
            for kind, number, plabel, start, end in spans:
                pid = self.add("period", year_id=yi + 1, kind=kind, number=number, label=plabel,
                               start_date=start, end_date=end)
                self.period[(yi, kind, number)] = pid
        self.subject = {name: self.add("subject", name=name, short_name=short)
                        for name, short in D.SUBJECTS}

    # -- pupils --
    def _new_student(self) -> int:
        rng = self.rng
        boy = rng.random() < 0.5
        surname = rng.choice(D.STUDENT_SURNAMES) + ("" if boy else "а")
        first = rng.choice(D.BOY_NAMES if boy else D.GIRL_NAMES)
        patronymic = rng.choice(D.PATRONYMICS)[0 if boy else 1]
        general = rng.gauss(0, 1)
        load = _SUBJECT_LOAD
        ability = {s: load * general + math.sqrt(1 - load * load) * rng.gauss(0, 1)
                   for s in D.JOURNAL_SUBJECTS}
        sid = self.add("student", code=str(next(self.codes)),
                       full_name=f"{surname} {first} {patronymic}", sex="м" if boy else "ж")
        self.general[sid] = general
        self.ability[sid] = ability
        return sid

    def _roster(self) -> None:
        rng = self.rng
        self.codes = iter(rng.sample(range(10000, 100000), 3000))
        self.general: dict[int, float] = {}
        self.ability: dict[int, dict[str, float]] = {}
        self.classes: list[list[dict]] = [[], [], []]
        members: dict[tuple[int, str], list[int]] = {}   # (cohort, letter) → pupils
        for yi in range(3):
            for cohort in range(13, 0, -1):             # cohort = grade in 2025/2026
                grade = cohort - 2 + yi
                if not 1 <= grade <= 11:
                    continue
                for letter in ("А", "Б", "В") if cohort == 5 else ("А", "Б"):
                    key = (cohort, letter)
                    if key not in members:
                        members[key] = [self._new_student() for _ in range(rng.randint(20, 25))]
                    else:
                        members[key] = self._promote(members[key], grade)
                    self._add_class(yi, grade, letter, members[key])

    def _promote(self, pupils: list[int], grade: int) -> list[int]:
        rng = self.rng
        leave, arrive = (rng.randint(3, 6), rng.randint(2, 5)) if grade == 10 else (
            rng.choice((0, 0, 1, 1, 2)), rng.choice((0, 1, 1, 2)))
        kept = list(pupils)
        for _ in range(min(leave, max(0, len(kept) - 18))):
            kept.pop(rng.randrange(len(kept)))
        kept += [self._new_student() for _ in range(min(arrive, max(0, 27 - len(kept))))]
        return kept

    def _add_class(self, yi: int, grade: int, letter: str, pupils: list[int]) -> None:
        label = f"{grade}{letter}"
        cid = self.add("class_group", year_id=yi + 1, grade=grade, letter=letter, label=label)
        self.classes[yi].append({"id": cid, "grade": grade, "label": label,
                                 "pupils": list(pupils)})
        for sid in pupils:
            self.add("enrolment", student_id=sid, class_id=cid, year_id=yi + 1, medal_degree=None)
            self.enrolment[(sid, yi)] = self.rows["enrolment"][-1]

    def grade_classes(self, yi: int, grade: int) -> list[dict]:
        return [c for c in self.classes[yi] if c["grade"] == grade]

    # -- levels --
    def level(self, sid: int, subject: str, yi: int, fresh: bool = False) -> float:
        key = (sid, subject, yi)
        if fresh or key not in self.noise:
            self.noise[key] = self.rng.gauss(0, 1)
        base = self.ability[sid][_ABILITY_OF.get(subject, subject)]
        return math.sqrt(1 - _W_YEAR ** 2) * base + _W_YEAR * self.noise[key]

    # -- procedures --
    def add_procedure(self, kind: str, subject: str, grade: int, yi: int, date: str,
                      scale: tuple, scale_kind: str = "marks", rules: str | None = None) -> int:
        year = D.YEAR_LABELS[yi]
        label = {"vpr": "ВПР", "oge": "ОГЭ", "ege": "ЕГЭ"}[kind]
        if rules is None:
            rules = '{"thresholds": [[0, 2], [%d, 3], [%d, 4], [%d, 5]]}' % scale[1:]
        scale_id = self.add("scale", name=f"{label} {year}: {subject}, {grade} класс",
                            kind=scale_kind, procedure_kind=kind, subject_id=self.subject[subject],
                            grade=grade, year_label=year, max_score=scale[0], rules=rules,
                            builtin=0)
        video = 1 if kind != "vpr" or grade == 8 or (yi == 2 and subject != "История"
                                                     and subject != "Биология") else 0
        pid = self.add(
            "procedure", kind=kind, subject_id=self.subject[subject], grade=grade, year_id=yi + 1,
            date=date, scale_id=scale_id, max_score=scale[0],
            checked_by="school" if kind == "vpr" else "municipal", observers_present=1,
            video=video, title=f"{label}, {subject}, {grade} класс, {year}")
        self.proc_scale[pid] = scale
        return pid

    def _vpr_year(self, yi: int) -> None:
        spring = int(D.YEAR_LABELS[yi][:4]) + 1
        days = [d for d in range(2, 27) if _dt.date(spring, 4, d).weekday() < 5]
        scales = D.VPR_SCALES_OLD if yi == 0 else D.VPR_SCALES_NEW
        for grade in range(4, 9):
            third = "Окружающий мир" if grade == 4 else (
                "История" if (grade + yi) % 2 else "Биология")
            for k, subject in enumerate(("Русский язык", "Математика", third)):
                date = f"{spring}-04-{days[((grade - 4) * 3 + k) % len(days)]:02d}"
                scale = scales[(subject, grade)]
                pid = self.add_procedure("vpr", subject, grade, yi, date, scale)
                tasks = demo_parts.add_tasks(self, pid, subject, grade, yi, scale[0])
                for cls in self.grade_classes(yi, grade):
                    self.marks_class("vpr", pid, cls, subject, subject, yi, scale,
                                      cls["pupils"], tasks)

    def _oge_year(self, yi: int) -> None:
        spring = int(D.YEAR_LABELS[yi][:4]) + 1
        rng = self.rng
        classes = self.grade_classes(yi, 9)
        takers = {"Русский язык": None, "Математика": None,
                  "Обществознание": 0.75, "Биология": 0.55}
        chosen = {s: {sid: share is None or rng.random() < share
                      for c in classes for sid in c["pupils"]} for s, share in takers.items()}
        for subject in takers:
            date = demo_parts.next_weekday(spring, *D.OGE_DAYS[subject])
            scale = D.OGE_SCALES[subject]
            pid = self.add_procedure("oge", subject, 9, yi, date, scale)
            for cls in classes:
                pupils = [s for s in cls["pupils"] if chosen[subject][s]]
                self.marks_class("oge", pid, cls, subject, subject, yi, scale, pupils, None)

    def _ege_year(self, yi: int) -> None:
        demo_parts.ege_year(self, yi)

    def plant_for(self, kind: str, yi: int, label: str, subject: str) -> str | None:
        key = (D.YEAR_LABELS[yi], label, subject)
        if kind != "vpr":
            return None
        if key == JOURNAL_INFLATION:
            return "journal_inflation"
        if key == EXTERNAL_INFLATION:
            return "external_inflation"
        if key == BOUNDARY_BUNCHING:
            return "bunching"
        if subject == COHORT_DROP[0] and key[:2] == COHORT_DROP[1]:
            return "cohort_high"
        if subject == COHORT_DROP[0] and key[:2] == COHORT_DROP[2]:
            return "cohort_low"
        return None

    def marks_class(self, kind, pid, cls, subject, journal_subject, yi, scale, pupils,
                    tasks, keep=None) -> None:
        """Results of one class in a procedure graded in marks, and the matching journal marks."""
        rng = self.rng
        plant = self.plant_for(kind, yi, cls["label"], subject)
        absent = [s for s in pupils if kind == "vpr" and rng.random() < 0.04]
        present = [s for s in pupils if s not in absent]
        others = self.proc_scores.setdefault(pid, [])
        scores = self.class_scores(present, subject, yi, scale, plant, keep or {}, others)
        others.extend(scores.values())
        marks = {s: mark_from_score(scores[s], scale) for s in present}
        for s in present:
            self.ext[(s, subject, yi)] = (marks[s], scores[s] / scale[0])
        journal = self.planned_journal(marks, plant, exclude=keep or {})
        fixed = ("quarter", 3) if kind == "vpr" else (
            ("quarter", 4) if cls["grade"] == 9 else ("half", 2))
        for s in absent:
            journal[s] = mark_from_z(self.level(s, journal_subject, yi))
        for s, j in journal.items():
            self.anchor[(s, journal_subject, yi)] = (j, fixed)
        carry = kind == "vpr" and yi == 2
        for i, s in enumerate(pupils):
            rid = self.add(
                "result", procedure_id=pid, student_id=s, class_id=cls["id"],
                variant=str(1 + i % 2) if kind == "vpr" else str(300 + rng.randint(1, 40)),
                primary_score=scores.get(s), mark=marks.get(s), test_score=None,
                journal_mark=journal[s] if carry else None, absent=int(s in absent))
            if tasks and s in scores:
                demo_parts.add_task_scores(self, rid, tasks, scores[s])

    def class_scores(self, present, subject, yi, scale, plant, keep, others) -> dict[int, int]:
        """Primary scores of one class; they are redrawn until the class (and the procedure so
        far) looks ordinary in every respect that is not planted."""
        best = None
        cohort_plant = plant in ("cohort_high", "cohort_low")
        for attempt in range(40):
            z = {s: self.level(s, subject, yi, fresh=attempt > 0) for s in present}
            if cohort_plant:
                z = self._shift_cohort(z, subject, yi, plant)
            scores = {s: keep.get(s) or score_from_z(z[s], scale) for s in present}
            if plant == "bunching":
                scores = demo_parts.bunch_scores(scores, scale, self.rng)
            bad = self._badness(scores, subject, yi, scale, others if plant != "bunching" else None,
                                check_cohort=not cohort_plant)
            if best is None or bad < best[0]:
                best = (bad, scores, {s: self.noise[(s, subject, yi)] for s in present})
            if bad == 0:
                break
        for s, value in best[2].items():
            self.noise[(s, subject, yi)] = value
        return best[1]

    def _shift_cohort(self, z: dict, subject: str, yi: int, plant: str) -> dict:
        prev = {s: self.ext[(s, subject, yi - 1)][0] for s in z if (s, subject, yi - 1) in self.ext}
        if plant == "cohort_high":
            common, target, step = list(z), 0.78, 0.05
        else:
            common, step = list(prev), -0.05
            target = _share45(prev.values()) - 0.42
        shift = 0.0
        for _ in range(80):
            share = _share45(mark_from_z(z[s] + shift) for s in common)
            if (step > 0 and share >= target) or (step < 0 and share <= target):
                break
            shift += step
        return {s: v + shift for s, v in z.items()}

    def _badness(self, scores, subject, yi, scale, others, check_cohort=True) -> float:
        bad = 0.0
        prev = [(self.ext[(s, subject, yi - 1)], scores[s]) for s in scores
                if (s, subject, yi - 1) in self.ext]
        if check_cohort and len(prev) >= 5:
            before = _share45(p[0][0] for p in prev)
            after = _share45(mark_from_score(p[1], scale) for p in prev)
            drop = (sum(p[0][1] for p in prev) - sum(p[1] / scale[0] for p in prev)) / len(prev)
            bad += max(0.0, abs(after - before) - 0.10) + max(0.0, drop - 0.12)
        if others is not None:
            values = list(scores.values())
            for group in (values, others + values) if others else (values,):
                for t in scale[1:]:
                    a = sum(t <= v <= t + 1 for v in group)
                    b = sum(t - 2 <= v <= t - 1 for v in group)
                    if a + b >= 6 and bunching_p(a, b) < 0.05:
                        bad += 1.0
        return bad

    def planned_journal(self, marks: dict[int, int], plant: str | None,
                        exclude=None) -> dict[int, int]:
        """Journal marks: the external mark moved by ±1 for a planned number of pupils."""
        rng = self.rng
        ids = [s for s in marks if s not in (exclude or {})]
        n = len(ids)
        if plant == "journal_inflation":
            n_low, n_high = math.ceil(0.45 * n), 1
        elif plant == "external_inflation":
            n_low, n_high = 1, math.ceil(0.40 * n)
        else:
            n_low = round(n * rng.uniform(0.08, 0.18))
            n_high = round(n * rng.uniform(0.03, 0.10))
        can_low = [s for s in ids if marks[s] <= 4]
        rng.shuffle(can_low)
        lowered = set(can_low[:n_low])
        can_high = [s for s in ids if marks[s] >= 4 and s not in lowered]
        rng.shuffle(can_high)
        threes = [s for s in ids if marks[s] == 3 and s not in lowered]
        rng.shuffle(threes)
        raised = set((can_high + threes)[:n_high])
        return {s: m + (s in lowered) - (s in raised) for s, m in marks.items()}

    # -- journal --
    def _journal(self) -> None:
        rng = self.rng
        for yi in range(3):
            for cls in self.classes[yi]:
                grade = cls["grade"]
                if grade < 2:
                    continue
                kinds = ([("quarter", q) for q in range(1, 5)] if grade <= 9
                         else [("half", 1), ("half", 2)])
                for subject, grades in D.JOURNAL_SUBJECTS.items():
                    if grade in grades:
                        sub_id = self.subject[subject]
                        for sid in cls["pupils"]:
                            self._journal_pupil(sid, subject, sub_id, yi, grade, kinds, rng)

    def _journal_pupil(self, sid, subject, sub_id, yi, grade, kinds, rng) -> None:
        mark, fixed = self.anchor.get((sid, subject, yi), (None, None))
        if mark is None:
            mark = mark_from_z(self.level(sid, subject, yi))
            fixed = ("quarter", 4) if grade == 9 else (("half", 2) if grade == 11 else None)
        if self.medal.get((sid, yi)):
            mark, fixed = 5, ("half", 2)
        steady = bool(self.medal.get((sid, yi)))
        up, down = _WOBBLE[mark]
        for kind in kinds:
            value = mark
            if kind != fixed and not steady:
                r = rng.random()
                value += (r < up) - (up <= r < up + down)
            self.add("journal_mark", student_id=sid, subject_id=sub_id,
                     period_id=self.period[(yi, *kind)], mark=value, batch_id=None)
        self.add("journal_mark", student_id=sid, subject_id=sub_id,
                 period_id=self.period[(yi, "year", 1)], mark=mark, batch_id=None)
