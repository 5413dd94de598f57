"""Parts of the demo school (app.core.demo): score helpers, ЕГЭ, ВПР tasks, observers, rechecks,
reference results and the school plan with its execution and evidence files.

Functions here take the demo builder ``b`` (app.core.demo._Builder) and add rows through
``b.add(table, **values)``; all randomness comes from ``b.rng``.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import random
import zlib

from . import demo_data as D
from . import fmt

DEMO_TODAY = "2026-10-30"
Z_CUTS = (-2.054, -0.385, 0.842)     # level cut points: 2 % «2», 33 % «3», 45 % «4», 20 % «5»
_Z_LO, _Z_HI = -3.2, 2.6
_BUNCH_TARGET = 13                   # planted: pupils with a score of t or t + 1


# --- score helpers -----------------------------------------------------------------------

def mark_from_z(z: float) -> int:
    return 2 + sum(z >= c for c in Z_CUTS)


def score_from_z(z: float, scale) -> int:
    """Primary score for a level z: a monotone cubic (PCHIP) through the scale's thresholds at
    the level cut points, so the score density has no step at any threshold."""
    top = scale[0]
    xs, ys, slopes = _curve(tuple(scale))
    if z <= xs[0]:
        return 0
    for i in range(len(xs) - 1):
        if z < xs[i + 1]:
            h = xs[i + 1] - xs[i]
            t = (z - xs[i]) / h
            y = ((2 * t ** 3 - 3 * t ** 2 + 1) * ys[i] + (t ** 3 - 2 * t ** 2 + t) * h * slopes[i]
                 + (3 * t ** 2 - 2 * t ** 3) * ys[i + 1] + (t ** 3 - t ** 2) * h * slopes[i + 1])
            return max(0, min(top, int(y)))
    return top


@functools.lru_cache(maxsize=None)
def _curve(scale: tuple) -> tuple[tuple, tuple, tuple]:
    top, t3, t4, t5 = scale
    xs = (_Z_LO, *Z_CUTS, _Z_HI)
    ys = (0, t3, t4, t5, top + 1)
    h = [b - a for a, b in zip(xs, xs[1:])]
    m = [(b - a) / w for a, b, w in zip(ys, ys[1:], h)]
    d = [0.0] * len(xs)
    for k in range(1, len(xs) - 1):            # Fritsch–Carlson weighted harmonic mean
        if m[k - 1] * m[k] > 0:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            d[k] = (w1 + w2) / (w1 / m[k - 1] + w2 / m[k])
    d[0] = _end_slope(h[0], h[1], m[0], m[1])
    d[-1] = _end_slope(h[-1], h[-2], m[-1], m[-2])
    return xs, ys, tuple(d)


def _end_slope(h0: float, h1: float, m0: float, m1: float) -> float:
    d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    if d * m0 <= 0:
        return 0.0
    if m0 * m1 <= 0 and abs(d) > abs(3 * m0):
        return 3 * m0
    return d


def mark_from_score(score: int, scale) -> int:
    return 2 + sum(score >= t for t in scale[1:])


def bunching_p(a: int, b: int) -> float:
    """One-sided binomial P(X ≥ a | n = a + b, p = ½)."""
    n = a + b
    return sum(math.comb(n, k) for k in range(a, n + 1)) / 2 ** n if n else 1.0


def share45(marks) -> float:
    marks = list(marks)
    return sum(m >= 4 for m in marks) / len(marks) if marks else 0.0


def bunch_scores(scores: dict[int, int], scale, rng: random.Random) -> dict[int, int]:
    """Plant boundary bunching at the «4» threshold t: many scores at t, t+1, at most one at
    t−2, t−1. Pupils are taken from the «4» band first, then «5», so marks barely change."""
    _top, t3, t, t5 = scale
    s = dict(scores)
    order = sorted(s, key=lambda k: (s[k], k))
    below = [k for k in order if t - 2 <= s[k] < t]
    for i, k in enumerate(below[1:]):           # one stays below; one is lifted; the rest drop
        s[k] = t if i == 0 else max(t3, t - 3 - i % 2)
    pool = ([k for k in order if t + 2 <= s[k] < t5] + [k for k in order if s[k] >= t5]
            + [k for k in reversed(order) if s[k] < t - 2 and k not in below[:1]])
    slot = rng.randint(0, 1)
    for k in pool:
        if sum(t <= v <= t + 1 for v in s.values()) >= _BUNCH_TARGET:
            break
        s[k] = t + slot % 2
        slot += 1
    return s


# --- ВПР tasks ---------------------------------------------------------------------------

def add_tasks(b, pid: int, subject: str, grade: int, yi: int, total: int) -> list[tuple]:
    """Tasks of a ВПР (the same structure for every seed); returns [(task id, max, level)]."""
    r = random.Random(zlib.crc32(f"{subject}|{grade}|{yi > 0}".encode()))
    n = max(8, min(15, round(total / 2.4)))
    maxes = [1] * n
    for _ in range(total - n):                  # later (harder) tasks tend to be worth more
        free = [i for i in range(n) if maxes[i] < 4]
        maxes[r.choices(free, weights=[1 + i for i in free])[0]] += 1
    advanced = n - max(2, n // 4)
    pairs = {2, n - 4}
    names, number, i = [], 0, 0
    while i < n:
        number += 1
        if i in pairs and i + 1 < n:
            names += [f"{number}.1", f"{number}.2"]
            i += 2
        else:
            names.append(str(number))
            i += 1
    out = []
    for pos, (name, m) in enumerate(zip(names, maxes), start=1):
        level = "advanced" if pos > advanced else "basic"
        tid = b.add("task", procedure_id=pid, number=name, position=pos, max_score=m, level=level)
        out.append((tid, m, level))
    return out


def add_task_scores(b, rid: int, tasks: list[tuple], total: int) -> None:
    """Spread a primary score over the tasks: basic tasks fill first, advanced ones later."""
    rng = b.rng
    caps = [m for _tid, m, _lvl in tasks]
    q = total / sum(caps)
    want = [m * q ** (0.75 if lvl == "basic" else 1.6) * rng.uniform(0.75, 1.25)
            for _tid, m, lvl in tasks]
    scale = total / sum(want) if sum(want) else 0.0
    want = [w * scale for w in want]
    got = [min(c, int(w)) for c, w in zip(caps, want)]
    rest = total - sum(got)                     # ≥ 0: every task got at most what it wanted
    order = sorted(range(len(got)), key=lambda i: got[i] - want[i])
    while rest > 0:
        for i in order:
            if rest and got[i] < caps[i]:
                got[i] += 1
                rest -= 1
    for (tid, _m, _lvl), score in zip(tasks, got):
        value = None if score == 0 and rng.random() < 0.12 else score   # «X»: not attempted
        b.add("task_score", result_id=rid, task_id=tid, score=value)


# --- ЕГЭ ---------------------------------------------------------------------------------

def _medalists(b, yi: int, pupils: list[int]) -> dict[int, int]:
    rng = b.rng
    ranked = sorted(pupils, key=lambda s: -b.general[s])
    chosen = ranked[:rng.randint(4, 6)]
    first = rng.randint(2, 3)
    medal = {s: 1 if i < first else 2 for i, s in enumerate(chosen)}
    for s, degree in medal.items():
        b.enrolment[(s, yi)]["medal_degree"] = degree
        b.medal[(s, yi)] = degree
        b.medal[(s, yi - 1)] = degree        # grade 10: straight «5» as well
    return medal


def ege_year(b, yi: int) -> None:
    from .demo import MEDAL_BY_BASE_MATH_YEAR, MEDAL_UNCONFIRMED_YEAR

    rng = b.rng
    year = D.YEAR_LABELS[yi]
    classes = b.grade_classes(yi, 11)
    pupils = [s for c in classes for s in c["pupils"]]
    medal = _medalists(b, yi, pupils)
    first_degree = [s for s, d in medal.items() if d == 1]
    unconfirmed = first_degree[-1] if year == MEDAL_UNCONFIRMED_YEAR else None
    by_base = first_degree[-1] if year == MEDAL_BY_BASE_MATH_YEAR else None
    ranked = sorted(pupils, key=lambda s: -b.level(s, "Математика", yi))
    profile = set(ranked[:round(0.45 * len(pupils))]) | (set(medal) - {by_base})
    profile.discard(by_base)
    takes = {
        "Русский язык": set(pupils), "Математика": profile,
        "Обществознание": {s for s in pupils if rng.random() < 0.55} | {unconfirmed, by_base},
        "Физика": {s for s in pupils if s in profile and rng.random() < 0.45},
    }
    takes["Обществознание"].discard(None)
    takes["Физика"] -= {unconfirmed, by_base}
    tests = {}
    for subject, (maxp, _min, mean, spread) in D.EGE_TEST.items():
        tests[subject] = {s: max(5, min(100, round(mean + spread * b.level(s, subject, yi))))
                          for s in pupils if s in takes[subject]}
    _force_medal_scores(b, medal, tests, unconfirmed, by_base)
    _ege_procedures(b, yi, classes, tests, set(pupils) - profile, medal)


def _force_medal_scores(b, medal, tests, unconfirmed, by_base) -> None:
    rng = b.rng
    for s, degree in medal.items():
        if s == unconfirmed:                      # planted: Russian 64, nothing else ≥ 70
            tests["Русский язык"][s] = 64
            tests["Математика"][s] = 58
            tests["Обществознание"][s] = 66
            continue
        lo = 70 if degree == 1 else 60
        tests["Русский язык"][s] = max(tests["Русский язык"][s], rng.randint(lo + 4, lo + 22))
        if s == by_base:                          # confirmed by «5» in base maths
            tests["Обществознание"][s] = min(tests["Обществознание"][s], rng.randint(55, 66))
            continue
        own = [subj for subj in ("Математика", "Обществознание", "Физика") if s in tests[subj]]
        best = max(own, key=lambda subj: tests[subj][s])
        tests[best][s] = max(tests[best][s], rng.randint(lo + 2, lo + 20))


def _ege_procedures(b, yi, classes, tests, base_takers, medal) -> None:
    spring = int(D.YEAR_LABELS[yi][:4]) + 1
    cls_of = {s: c for c in classes for s in c["pupils"]}
    for subject, (maxp, minimum, _mean, _spread) in D.EGE_TEST.items():
        date = next_weekday(spring, *D.EGE_DAYS[subject])
        rules = json.dumps({"min": minimum, "high": 70})
        pid = b.add_procedure("ege", subject, 11, yi, date, (maxp, 0, 0, 0), "test", rules)
        for s, test in tests[subject].items():
            b.add("result", procedure_id=pid, student_id=s, class_id=cls_of[s]["id"],
                  variant=str(300 + b.rng.randint(1, 40)), primary_score=round(test * maxp / 100),
                  mark=None, test_score=test, journal_mark=None, absent=0)
    subject = "Математика (базовый уровень)"
    date = next_weekday(spring, *D.EGE_DAYS[subject])
    pid = b.add_procedure("ege", subject, 11, yi, date, D.EGE_BASE_SCALE)
    keep = {s: b.rng.randint(17, 21) for s in medal if s in base_takers}
    for cls in classes:
        pupils = [s for s in cls["pupils"] if s in base_takers]
        b.marks_class("ege", pid, cls, subject, "Математика", yi, D.EGE_BASE_SCALE, pupils,
                      None, keep={s: v for s, v in keep.items() if s in pupils})


# --- observers, rechecks, reference results ---------------------------------------------

def add_checks_and_references(b) -> None:
    rng = b.rng
    procedures = b.rows["procedure"]
    for proc in procedures:
        for name, org in rng.sample(D.OBSERVERS, 1 + (rng.random() < 0.5)):
            b.add("observer", procedure_id=proc["id"], full_name=name, organisation=org,
                  kind="public")
    results, tasks, got = {}, {}, {}
    for r in b.rows["result"]:
        results.setdefault(r["procedure_id"], []).append(r)
    for t in b.rows["task"]:
        tasks.setdefault(t["procedure_id"], []).append(t)
    for ts in b.rows["task_score"]:
        got[ts["task_id"]] = got.get(ts["task_id"], 0) + (ts["score"] or 0)
    _rechecks(b, procedures, results)
    for proc in procedures:
        rows = [r for r in results.get(proc["id"], []) if not r["absent"]]
        if not rows:
            continue
        if rows[0]["mark"] is None:
            _reference_test(b, proc, rows)
        else:
            _reference_marks(b, proc, rows)
            if proc["kind"] == "vpr":
                _reference_tasks(b, tasks[proc["id"]], got, len(rows))


def _rechecks(b, procedures, results) -> None:
    rng = b.rng
    plan = {0: (("vpr", 2), ("oge", 2), ("ege", 2)), 1: (("vpr", 2), ("oge", 3), ("ege", 2)),
            2: (("vpr", 2), ("oge", 3), ("ege", 2))}
    for yi, parts in plan.items():
        for kind, count in parts:
            procs = [p for p in procedures if p["kind"] == kind and p["year_id"] == yi + 1]
            for k in range(count):
                proc = rng.choice(procs)
                scale = b.proc_scale[proc["id"]]
                changed = yi > 0 and kind == "oge" and k == 0
                pool = [r for r in results[proc["id"]] if not r["absent"] and r["primary_score"]
                        and not any(x["result_id"] == r["id"] for x in b.rows.get("recheck", []))
                        and (not changed or mark_from_score(r["primary_score"] - 1, scale)
                             == mark_from_score(r["primary_score"], scale))]
                r = rng.choice(pool)
                date = _dt.date.fromisoformat(proc["date"]) + _dt.timedelta(days=rng.randint(12, 25))
                b.add("recheck", result_id=r["id"], score_before=r["primary_score"] - changed,
                      score_after=r["primary_score"], criteria_changed=int(changed),
                      checked_by=D.RECHECKERS[kind], date=date.isoformat())


def _shares(marks) -> list[float]:
    n = len(marks)
    return [100.0 * sum(m == k for m in marks) / n for k in (2, 3, 4, 5)]


def _reference_marks(b, proc, rows) -> None:
    """Reference shares near the school's own, never 20 p.p. below any class's share of 4 and 5."""
    rng = b.rng
    marks = [r["mark"] for r in rows]
    by_class = {}
    for r in rows:
        by_class.setdefault(r["class_id"], []).append(r["mark"])
    best45 = max((100 * share45(m) for m in by_class.values() if len(m) >= 5), default=0.0)
    mean_pct = 100.0 * sum(r["primary_score"] for r in rows) / (len(rows) * proc["max_score"])
    levels = ("municipality", "region", "russia") if proc["kind"] == "vpr" else (
        "municipality", "region")
    for level in levels:
        s = [max(0.0, v + rng.uniform(-3, 3)) for v in _shares(marks)]
        total = sum(s)
        s = [100 * v / total for v in s]
        need = best45 - 12 - (s[2] + s[3])
        if need > 0:                            # move pupils from «2»/«3» to «4»
            take3 = min(need, s[1])
            s[1] -= take3
            s[0] -= need - take3
            s[2] += need
        s = [round(v, 1) for v in s]
        s[1] = round(100 - s[0] - s[2] - s[3], 1)
        size = {"municipality": rng.randint(600, 1400), "region": rng.randint(15000, 30000),
                "russia": rng.randint(1_100_000, 1_500_000)}[level]
        b.add("reference_result", procedure_id=proc["id"], level=level, n=size, share_2=s[0],
              share_3=s[1], share_4=s[2], share_5=s[3],
              mean_percent=round(min(100.0, max(0.0, mean_pct + rng.uniform(-3, 3))), 1),
              mean_test=None)


def _reference_tasks(b, tasks, got, n) -> None:
    """Per-task reference: basic tasks a little below the school, advanced ones a little above."""
    rng = b.rng
    for t in tasks:
        pct = 100.0 * got.get(t["id"], 0) / (n * t["max_score"])
        for level in ("municipality", "region", "russia"):
            shift = rng.uniform(2, 6) * (-1 if t["level"] == "basic" else 1)
            b.add("reference_task", task_id=t["id"], level=level,
                  percent=round(min(100.0, max(0.0, pct + shift)), 1))


def _reference_test(b, proc, rows) -> None:
    rng = b.rng
    mean = sum(r["test_score"] for r in rows) / len(rows)
    for level, size in (("region", rng.randint(4000, 9000)), ("russia", rng.randint(300_000,
                                                                                      700_000))):
        b.add("reference_result", procedure_id=proc["id"], level=level, n=size, share_2=None,
              share_3=None, share_4=None, share_5=None, mean_percent=None,
              mean_test=round(min(100.0, max(0.0, mean + rng.uniform(-4, 4))), 1))


# --- plan --------------------------------------------------------------------------------

def add_plan(b) -> None:
    names = {key: short for key, (_full, short) in b.staff.items()}
    director = b.staff["dir"][0].split()
    plan_id = b.add(
        "plan", title=D.PLAN_TITLE, kind="sections", year_from=2025, year_to=2027,
        order_number=D.PLAN_ORDER_NUMBER, order_date=D.PLAN_ORDER_DATE,
        approver_position="Директор",
        approver_name=f"{director[1][0]}.{director[2][0]}. {director[0]}", approved=1,
        created_at=D.PLAN_CREATED_AT)
    items = {}
    for s_pos, (title, task, entries) in enumerate(D.PLAN_SECTIONS, start=1):
        sec_id = b.add("plan_section", plan_id=plan_id, position=s_pos, title=title)
        for i_pos, entry in enumerate(entries, start=1):
            measure, text, start, end, resp, expected, status, done, notes = entry
            item_id = b.add(
                "plan_item", section_id=sec_id, position=i_pos, task=task, measure=measure,
                deadline_text=text, deadline_start=start, deadline_end=end,
                responsible=resp.format(**names), expected_result=expected,
                status={"D": "done", "P": "in_progress", "N": "planned"}[status],
                done_date=done, note="")
            last = None
            for date, note in notes:
                last = b.add("execution", item_id=item_id, date=date, note=note)
            items[(s_pos, i_pos)] = (item_id, last, notes[-1][0] if notes else DEMO_TODAY)
    for (key, name, mime, data) in evidence_files(b):
        item_id, exec_id, date = items[key]
        b.add("evidence", item_id=item_id, execution_id=exec_id, file_name=name, mime=mime,
              size=len(data), sha256=_sha256(data), data=data, added_at=f"{date} 16:20:00")


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def next_weekday(year: int, month: int, day: int) -> str:
    d = _dt.date(year, month, day)
    while d.weekday() >= 5:
        d += _dt.timedelta(days=1)
    return d.isoformat()


# --- evidence files ----------------------------------------------------------------------

def evidence_files(b) -> list[tuple[tuple[int, int], str, str, bytes]]:
    """Small documents attached to plan items: (section, item), file name, MIME type, bytes."""
    marks = {}
    for j in b.rows["journal_mark"]:
        marks[(j["student_id"], j["subject_id"], j["period_id"])] = j["mark"]
    order_name, order_mime, order_data = _observers_order(b)
    return [
        ((1, 1), "Справка_ВПР_2025_сопоставление_с_отметками.txt", "text/plain",
         _vpr_note(b, marks)),
        ((2, 4), "Выборочная_перепроверка_ВПР_2026.csv", "text/csv", _recheck_csv(b)),
        ((4, 1), "График_ВПР_весна_2026.csv", "text/csv", _schedule_csv(b)),
        ((4, 2), order_name, order_mime, order_data),
        ((4, 4), "Протокол_проверки_ВПР_математика_6_классы_2026.txt", "text/plain",
         _protocol(b)),
    ]


def _vpr(b, yi: int) -> list[dict]:
    return [p for p in b.rows["procedure"] if p["kind"] == "vpr" and p["year_id"] == yi + 1]


def _subject_name(b, subject_id: int) -> str:
    return next(n for n, i in b.subject.items() if i == subject_id)


def _class_label(b, class_id: int) -> str:
    return b.rows["class_group"][class_id - 1]["label"]


def _vpr_note(b, marks) -> bytes:
    q3 = b.period[(1, "quarter", 3)]
    lines, worst = [], [0.0, 0.0]
    for proc in _vpr(b, 1):
        groups = {}
        for r in b.rows["result"]:
            if r["procedure_id"] == proc["id"] and not r["absent"]:
                j = marks[(r["student_id"], proc["subject_id"], q3)]
                groups.setdefault(r["class_id"], []).append((r["mark"] > j) - (r["mark"] < j))
        for cid, diffs in groups.items():
            n = len(diffs)
            low, high = 100 * diffs.count(-1) / n, 100 * diffs.count(1) / n
            worst = [max(worst[0], low), max(worst[1], high)]
            lines.append(f"{_class_label(b, cid):<5} {_subject_name(b, proc['subject_id']):<16} "
                         f"{n:>5} {low:>10.1f} {100 - low - high:>12.1f} {high:>10.1f}")
    verdict = ("Ни в одном классе доля понизивших отметку не достигает 25 %, доля повысивших — "
               "15 %." if worst[0] < 25 and worst[1] < 15 else
               "В отдельных классах расхождение превышает принятые пороги (см. таблицу).")
    text = "\n".join([
        b.school["short_name"], "", "АНАЛИТИЧЕСКАЯ СПРАВКА",
        "о сопоставлении результатов ВПР весны 2025 года с отметками за III четверть "
        "2024/2025 учебного года", "",
        "Для каждого участника отметка за работу сравнивалась с его отметкой за третью четверть "
        "по тому же предмету. Отсутствовавшие на работе в расчёт не включены.", "",
        "Класс Предмет          Участ. Понизили,% Подтвердили,% Повысили,%", *lines, "",
        f"Выводы. {verdict} Распределение первичных баллов по математике в 8Б классе требует "
        "отдельного рассмотрения: заметная часть работ набрала ровно 12–13 баллов, то есть "
        "находится у нижней границы отметки «4».", "",
        f"Заместитель директора по УВР ______________ {_sign(b, 'uvr')}", "10.10.2025", ""])
    return text.encode("utf-8")


def _recheck_csv(b) -> bytes:
    rng = b.rng
    pool = [r for p in _vpr(b, 2) for r in b.rows["result"]
            if r["procedure_id"] == p["id"] and not r["absent"]]
    chosen = sorted(rng.sample(pool, 58), key=lambda r: (r["procedure_id"], r["class_id"]))
    movable = [r["id"] for r in chosen if r["primary_score"] and mark_from_score(
        r["primary_score"] - 1, b.proc_scale[r["procedure_id"]]) == r["mark"]]
    changed = set(rng.sample(movable, 3))      # one point added after the recheck, same mark
    out = ["Класс;Предмет;Код участника;Балл школьной комиссии;Балл после перепроверки;Отметка"]
    for r in chosen:
        proc = b.rows["procedure"][r["procedure_id"] - 1]
        code = b.rows["student"][r["student_id"] - 1]["code"]
        before = r["primary_score"] - (r["id"] in changed)
        out.append(f"{_class_label(b, r['class_id'])};{_subject_name(b, proc['subject_id'])};"
                   f"{code};{before};{r['primary_score']};{r['mark']}")
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


def _schedule_csv(b) -> bytes:
    rng = b.rng
    observers = {}
    for o in b.rows["observer"]:
        observers.setdefault(o["procedure_id"], []).append(o["full_name"])
    staff = [full for key, (full, _short) in b.staff.items() if key not in ("dir", "uvr")]
    out = ["Дата;Класс;Предмет;Организатор в аудитории;Общественный наблюдатель"]
    for proc in sorted(_vpr(b, 2), key=lambda p: (p["date"], p["grade"])):
        for cls in b.grade_classes(2, proc["grade"]):
            out.append(f"{_ru_date(proc['date'])};{cls['label']};"
                       f"{_subject_name(b, proc['subject_id'])};{rng.choice(staff)};"
                       f"{observers[proc['id']][0]}")
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


def _protocol(b) -> bytes:
    proc = next(p for p in _vpr(b, 2) if p["grade"] == 6
                and _subject_name(b, p["subject_id"]) == "Математика")
    tasks = [t for t in b.rows["task"] if t["procedure_id"] == proc["id"]]
    per_result = {}
    for ts in b.rows["task_score"]:
        per_result.setdefault(ts["result_id"], {})[ts["task_id"]] = ts["score"]
    head = "Класс Код    " + " ".join(f"{t['number']:>4}" for t in tasks) + "  Сумма Отметка"
    lines = []
    for r in b.rows["result"]:
        if r["procedure_id"] != proc["id"] or r["absent"]:
            continue
        cells = " ".join(f"{'X' if per_result[r['id']][t['id']] is None else per_result[r['id']][t['id']]:>4}"
                         for t in tasks)
        code = b.rows["student"][r["student_id"] - 1]["code"]
        lines.append(f"{_class_label(b, r['class_id']):<5} {code}  {cells}  "
                     f"{r['primary_score']:>5} {r['mark']:>7}")
    text = "\n".join([
        b.school["short_name"], "", "ПРОТОКОЛ",
        f"проверки работ ВПР по математике, 6 классы, {_ru_date(proc['date'])}", "",
        "Проверку провела школьная комиссия из учителей, не преподающих в 6 классах. "
        f"Максимальный первичный балл — {proc['max_score']}. «X» — задание не выполнялось.", "",
        head, *lines, "",
        f"Председатель комиссии ______________ {_sign(b, 'mat')}",
        f"Член комиссии ______________ {_sign(b, 'mat2')}", ""])
    return text.encode("utf-8")


def _observers_order(b) -> tuple[str, str, bytes]:
    names = []
    for o in b.rows["observer"]:
        proc = b.rows["procedure"][o["procedure_id"] - 1]
        if proc["kind"] == "vpr" and proc["year_id"] == 3 and o["full_name"] not in names:
            names.append(o["full_name"])
    paragraphs = [
        ("c", b.school["full_name"]), ("cb", "ПРИКАЗ"), ("c", "27.03.2026                    № 57"),
        ("b", "О привлечении общественных наблюдателей к проведению всероссийских проверочных "
              "работ"),
        ("", "В целях обеспечения объективности проведения ВПР весной 2026 года приказываю:"),
        ("", "1. Допустить к присутствию на ВПР в качестве общественных наблюдателей:"),
        *[("i", f"1.{i}. {n}") for i, n in enumerate(names, start=1)],
        ("", f"2. Заместителю директора по УВР {b.staff['uvr'][1]} ознакомить наблюдателей с "
             "порядком проведения работ и выдать им памятки."),
        ("", "3. Контроль за исполнением приказа оставляю за собой."),
        ("", f"Директор ______________ {_sign(b, 'dir')}"),
    ]
    try:
        return "Приказ_о_наблюдателях_ВПР_2026.pdf", "application/pdf", _pdf(paragraphs)
    except Exception:          # no Cyrillic font on this machine: keep the text version
        data = ("\n".join(text for _style, text in paragraphs) + "\n").encode("utf-8")
        return "Приказ_о_наблюдателях_ВПР_2026.txt", "text/plain", data


def _sign(b, key: str) -> str:
    """«И.О. Фамилия», as under a signature."""
    surname, first, patronymic = b.staff[key][0].split()
    return f"{first[0]}.{patronymic[0]}. {surname}"


def _pdf(paragraphs: list[tuple[str, str]]) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from .fonts import register_reportlab_fonts

    regular, bold = register_reportlab_fonts()
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    pdf.setTitle("Приказ о привлечении общественных наблюдателей")
    y, prev = A4[1] - 72, ""
    for style, text in paragraphs:
        y -= 6 if prev == "i" and style != "i" else 0
        prev = style
        font = bold if "b" in style else regular
        pdf.setFont(font, 12)
        for line in _wrap(text, 80):
            if "c" in style:
                pdf.drawCentredString(A4[0] / 2, y, line)
            else:
                pdf.drawString(100 if style == "i" else 72, y, line)
            y -= 17
        y -= 6 if style != "i" else 0
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def _ru_date(iso: str) -> str:
    return fmt.date(iso)
