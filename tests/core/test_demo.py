"""The demo school: determinism, size, the five planted anomalies with their numbers, and every
other class clean for each rule of DESIGN §5 (computed here straight from SQL)."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections import defaultdict

import pytest

from app.core import store
from app.core.demo import bunching_p, build_demo, create_demo
from app.core.errors import UserError

SEED, OTHER_SEED = 2025, 2026
TIMESTAMP_COLUMNS = {"created_at", "added_at"}


def _build(path, seed):
    start = time.perf_counter()
    db = create_demo(path, seed=seed)
    return db, time.perf_counter() - start


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db, elapsed = _build(tmp_path_factory.mktemp("demo") / "demo.db", SEED)
    print(f"\ncreate_demo(seed={SEED}): {elapsed:.2f} s")
    db.elapsed = elapsed
    yield db
    db.close()


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    db, elapsed = _build(tmp_path_factory.mktemp("demo2") / "demo.db", OTHER_SEED)
    print(f"\ncreate_demo(seed={OTHER_SEED}): {elapsed:.2f} s")
    yield db
    db.close()


@pytest.fixture(params=["demo", "other"])
def any_demo(request):
    return request.getfixturevalue(request.param)


def rows(db, sql, params=()):
    return store.rows(db, sql, params)


def dump(db) -> dict[str, list[tuple]]:
    out = {}
    for table in store.DATA_TABLES:
        cols = [r["name"] for r in rows(db, f"PRAGMA table_info({table})")]
        keep = [c for c in cols if c not in TIMESTAMP_COLUMNS]
        out[table] = db.execute(f"SELECT {', '.join(keep)} FROM {table} ORDER BY rowid").fetchall()
    return out


# --- the rules, computed from SQL --------------------------------------------------------

JOURNAL_SUBJECT = {"Математика (базовый уровень)": "Математика"}


def journal_index(db):
    """(student, subject name, year id) → [(period end, kind, mark)]."""
    index = defaultdict(list)
    for r in rows(db, "SELECT jm.student_id, s.name, pe.year_id, pe.end_date, pe.kind, jm.mark "
                      "FROM journal_mark jm JOIN period pe ON pe.id = jm.period_id "
                      "JOIN subject s ON s.id = jm.subject_id"):
        index[(r["student_id"], r["name"], r["year_id"])].append(
            (r["end_date"], r["kind"] == "year", r["mark"]))
    return index


def external_marks(db):
    return rows(db, """
        SELECT r.id, r.procedure_id AS pid, p.kind, p.grade, p.date, p.year_id, y.label AS year,
               c.label AS class, s.name AS subject, r.student_id AS sid, st.code, r.mark,
               r.journal_mark, r.primary_score AS score, p.max_score
        FROM result r JOIN procedure p ON p.id = r.procedure_id
        JOIN academic_year y ON y.id = p.year_id JOIN class_group c ON c.id = r.class_id
        JOIN subject s ON s.id = p.subject_id JOIN student st ON st.id = r.student_id
        WHERE r.absent = 0 AND r.mark IS NOT NULL""")


def comparisons(db):
    """Per procedure × class: n, lowered, raised, and the largest |external − journal|."""
    index = journal_index(db)
    groups = defaultdict(lambda: {"n": 0, "lowered": 0, "raised": 0, "gap": 0})
    for r in external_marks(db):
        journal = r["journal_mark"]
        if journal is None:
            subject = JOURNAL_SUBJECT.get(r["subject"], r["subject"])
            before = [m for m in index[(r["sid"], subject, r["year_id"])] if m[0] < r["date"]]
            journal = max(before)[2]
        g = groups[(r["year"], r["kind"], r["subject"], r["class"])]
        g["n"] += 1
        g["lowered"] += r["mark"] < journal
        g["raised"] += r["mark"] > journal
        g["gap"] = max(g["gap"], abs(r["mark"] - journal))
    return groups


def thresholds(db):
    out = {}
    for r in rows(db, "SELECT p.id, sc.rules FROM procedure p JOIN scale sc ON sc.id = p.scale_id "
                      "WHERE sc.kind = 'marks'"):
        out[r["id"]] = [t for t, _mark in json.loads(r["rules"])["thresholds"][1:]]
    return out


def bunching(db):
    """Every (procedure × class, or × whole school) and threshold: (a, b, P)."""
    limits = thresholds(db)
    scores = defaultdict(list)
    for r in external_marks(db):
        key = (r["year"], r["kind"], r["subject"], r["grade"], r["pid"])
        scores[key + (r["class"],)].append(r["score"])
        scores[key + ("школа",)].append(r["score"])
    out = {}
    for key, values in scores.items():
        for t in limits[key[4]]:
            a = sum(t <= v <= t + 1 for v in values)
            b = sum(t - 2 <= v <= t - 1 for v in values)
            out[key + (t,)] = (a, b, bunching_p(a, b))
    return out


def flagged_bunching(db):
    return {k: v for k, v in bunching(db).items() if v[0] + v[1] >= 8 and v[2] < 0.01}


def cohorts(db):
    """Per procedure × class: the same pupils' marks in the same subject a year before."""
    marks = external_marks(db)
    last = {(r["sid"], r["subject"], r["year_id"]): r for r in marks}
    groups = defaultdict(list)
    for r in marks:
        prev = last.get((r["sid"], r["subject"], r["year_id"] - 1))
        if prev:
            groups[(r["year"], r["kind"], r["subject"], r["class"], prev["class"])].append((prev, r))
    out = {}
    for key, pairs in groups.items():
        n = len(pairs)
        before = 100 * sum(p["mark"] >= 4 for p, _ in pairs) / n
        after = 100 * sum(r["mark"] >= 4 for _, r in pairs) / n
        pct_before = 100 * sum(p["score"] / p["max_score"] for p, _ in pairs) / n
        pct_after = 100 * sum(r["score"] / r["max_score"] for _, r in pairs) / n
        out[key] = {"n": n, "before": before, "after": after,
                    "pct_drop": pct_before - pct_after}
    return out


def class_shares(db):
    out = defaultdict(list)
    for r in external_marks(db):
        out[(r["pid"], r["year"], r["kind"], r["subject"], r["class"])].append(r["mark"])
    return {k: (len(v), 100 * sum(m >= 4 for m in v) / len(v)) for k, v in out.items()}


def medalists(db):
    out = []
    for m in rows(db, """SELECT e.student_id AS sid, e.medal_degree AS degree, y.label AS year,
                                c.label AS class, st.code
                         FROM enrolment e JOIN academic_year y ON y.id = e.year_id
                         JOIN class_group c ON c.id = e.class_id
                         JOIN student st ON st.id = e.student_id
                         WHERE e.medal_degree IS NOT NULL"""):
        res = rows(db, """SELECT s.name, r.test_score, r.mark FROM result r
                          JOIN procedure p ON p.id = r.procedure_id JOIN subject s ON s.id = p.subject_id
                          JOIN academic_year y ON y.id = p.year_id
                          WHERE p.kind = 'ege' AND r.student_id = ? AND y.label = ?""",
                   [m["sid"], m["year"]])
        tests = {r["name"]: r["test_score"] for r in res if r["test_score"] is not None}
        base = {r["name"]: r["mark"] for r in res if r["mark"] is not None}.get(
            "Математика (базовый уровень)")
        russian = tests.pop("Русский язык", 0)
        best = max(tests.values(), default=0)
        if m["degree"] == 1:
            ok = russian >= 70 and (best >= 70 or base == 5)
        else:
            ok = russian >= 60 and best >= 60
        out.append({**m, "russian": russian, "others": tests, "base": base, "confirmed": ok})
    return out


# --- determinism, size, speed ------------------------------------------------------------

def test_creation_is_fast(demo):
    print(f"\nmeasured creation time: {demo.elapsed:.2f} s (limit 3 s, asserted with slack)")
    assert demo.elapsed <= 6.0


def test_same_seed_same_data_other_seed_other_school(demo, other, tmp_path):
    again = store.create_db(tmp_path / "again.db")
    ticks = []
    try:
        build_demo(again, seed=SEED, progress=lambda done, total: ticks.append((done, total)))
        assert dump(again) == dump(demo)
        assert ticks[-1][0] == ticks[-1][1] and [t[0] for t in ticks] == sorted(t[0] for t in ticks)
    finally:
        again.close()
    a, b = store.school_row(demo), store.school_row(other)
    assert a["code"] != b["code"] and a["short_name"] != b["short_name"]
    # nobody takes the demo for a real school: its name, code and settings say what it is
    assert re.fullmatch(r"ДЕМО-\d{3}", a["code"]) and re.fullmatch(r"Демонстрационная школа № \d+", a["short_name"])
    from app.core.settings import is_demo
    assert is_demo(demo) and is_demo(other) and not is_demo(again)
    assert dump(other)["result"] != dump(demo)["result"]


def test_timestamps_are_fixed(demo):
    assert rows(demo, "SELECT created_at FROM plan")[0]["created_at"] == "2025-08-29 10:00:00"
    assert all(r["added_at"].startswith("20") and r["added_at"] < "2026-11"
               for r in rows(demo, "SELECT added_at FROM evidence"))


def test_refuses_to_overwrite_and_non_empty_db(demo, tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    with pytest.raises(UserError):
        create_demo(path)
    assert path.read_bytes() == b""
    with pytest.raises(UserError, match="пуст"):
        build_demo(demo)


def test_counts_in_range(demo):
    counts = store.table_counts(demo)
    assert counts["academic_year"] == 3 and 13 <= counts["staff"] <= 17
    per_year = rows(demo, """SELECT y.label, count(DISTINCT c.id) AS classes, count(e.id) AS pupils,
                                    sum(e.medal_degree IS NOT NULL) AS medals
                             FROM academic_year y JOIN class_group c ON c.year_id = y.id
                             JOIN enrolment e ON e.class_id = c.id GROUP BY y.id""")
    assert [r["label"] for r in per_year] == ["2023/2024", "2024/2025", "2025/2026"]
    for r in per_year:
        assert 22 <= r["classes"] <= 24 and 470 <= r["pupils"] <= 560 and 4 <= r["medals"] <= 6
    kinds = {r["kind"]: r["n"] for r in rows(
        demo, "SELECT kind, count(*) AS n FROM procedure GROUP BY kind")}
    assert kinds == {"vpr": 45, "oge": 12, "ege": 15}
    periods = rows(demo, "SELECT kind, count(*) AS n FROM period WHERE year_id = 1 GROUP BY kind")
    assert {r["kind"]: r["n"] for r in periods} == {"quarter": 4, "half": 2, "year": 1}
    assert 10 <= counts["recheck"] <= 20 and 4 <= counts["evidence"] <= 6


def test_pupils_promoted_with_stable_codes(demo):
    students = rows(demo, "SELECT code FROM student")
    assert all(re.fullmatch(r"\d{5}", s["code"]) for s in students)
    assert len({s["code"] for s in students}) == len(students)
    moves = rows(demo, """SELECT c1.grade AS g1, c2.grade AS g2, c1.letter AS l1, c2.letter AS l2
                          FROM enrolment e1 JOIN enrolment e2
                               ON e2.student_id = e1.student_id AND e2.year_id = e1.year_id + 1
                          JOIN class_group c1 ON c1.id = e1.class_id
                          JOIN class_group c2 ON c2.id = e2.class_id""")
    assert moves and all(m["g2"] == m["g1"] + 1 and m["l1"] == m["l2"] for m in moves)
    assert not rows(demo, """SELECT 1 FROM enrolment e1 JOIN class_group c ON c.id = e1.class_id
                             JOIN enrolment e2 ON e2.student_id = e1.student_id
                                  AND e2.year_id > e1.year_id WHERE c.grade = 11""")
    first = rows(demo, """SELECT count(*) AS n FROM enrolment e JOIN class_group c
                          ON c.id = e.class_id WHERE c.grade = 1 AND e.year_id = 3""")[0]["n"]
    assert first >= 40


def test_journal_marks_distribution_and_periods(demo):
    dist = {r["mark"]: r["n"] for r in rows(
        demo, "SELECT mark, count(*) AS n FROM journal_mark GROUP BY mark")}
    total = sum(dist.values())
    share = {m: 100 * n / total for m, n in dist.items()}
    print("\njournal marks, %:", {m: round(v, 1) for m, v in sorted(share.items())})
    assert 1 <= share[2] <= 5 and 28 <= share[3] <= 38 and 40 <= share[4] <= 50
    assert 15 <= share[5] <= 25
    kinds = rows(demo, """SELECT DISTINCT c.grade, pe.kind FROM journal_mark jm
                          JOIN period pe ON pe.id = jm.period_id
                          JOIN enrolment e ON e.student_id = jm.student_id AND e.year_id = pe.year_id
                          JOIN class_group c ON c.id = e.class_id""")
    by_grade = defaultdict(set)
    for k in kinds:
        by_grade[k["grade"]].add(k["kind"])
    assert min(by_grade) == 2
    assert all(by_grade[g] == {"quarter", "year"} for g in range(2, 10))
    assert by_grade[10] == by_grade[11] == {"half", "year"}


def test_scores_tasks_and_scales_are_consistent(demo):
    bad = rows(demo, """SELECT r.id FROM result r JOIN task_score ts ON ts.result_id = r.id
                        GROUP BY r.id HAVING sum(coalesce(ts.score, 0)) != r.primary_score""")
    assert not bad
    assert not rows(demo, """SELECT p.id FROM procedure p JOIN task t ON t.procedure_id = p.id
                             GROUP BY p.id HAVING sum(t.max_score) != p.max_score""")
    assert not rows(demo, """SELECT r.id FROM result r JOIN procedure p ON p.id = r.procedure_id
                             WHERE p.kind = 'vpr' AND r.absent = 0 AND NOT EXISTS
                             (SELECT 1 FROM task_score ts WHERE ts.result_id = r.id)""")
    limits = thresholds(demo)
    for r in external_marks(demo):
        assert r["mark"] == 2 + sum(r["score"] >= t for t in limits[r["pid"]])
    absent = rows(demo, "SELECT count(*) AS n, sum(primary_score IS NULL AND mark IS NULL) AS e "
                        "FROM result WHERE absent = 1")[0]
    assert absent["n"] >= 20 and absent["n"] == absent["e"]
    ege = rows(demo, """SELECT sc.kind, count(*) AS n, sum(r.test_score IS NOT NULL) AS t
                        FROM result r JOIN procedure p ON p.id = r.procedure_id
                        JOIN scale sc ON sc.id = p.scale_id WHERE p.kind = 'ege' GROUP BY sc.kind""")
    assert {e["kind"]: e["n"] == e["t"] for e in ege} == {"test": True, "marks": False}
    numbers = {r["number"] for r in rows(demo, "SELECT number FROM task")}
    assert {"1", "2", "3.1", "3.2"} <= numbers
    assert {r["level"] for r in rows(demo, "SELECT DISTINCT level FROM task")} == {
        "basic", "advanced"}
    procs = rows(demo, "SELECT kind, checked_by, observers_present, video FROM procedure")
    assert all(p["checked_by"] == "municipal" for p in procs if p["kind"] != "vpr")
    assert all(p["video"] for p in procs if p["kind"] != "vpr")
    assert 0 < sum(p["video"] for p in procs if p["kind"] == "vpr") < 45


def test_vpr_dates_and_journal_mark_column(demo):
    vpr = rows(demo, "SELECT date FROM procedure WHERE kind = 'vpr'")
    assert all(re.fullmatch(r"20\d\d-04-\d\d", p["date"]) for p in vpr)
    carried = rows(demo, """SELECT y.label, count(*) AS n, sum(r.journal_mark IS NOT NULL) AS j
                            FROM result r JOIN procedure p ON p.id = r.procedure_id
                            JOIN academic_year y ON y.id = p.year_id
                            WHERE p.kind = 'vpr' GROUP BY y.label""")
    assert {c["label"]: c["j"] == c["n"] for c in carried} == {
        "2023/2024": False, "2024/2025": False, "2025/2026": True}
    assert sum(c["j"] for c in carried) == carried[-1]["n"]
    mismatch = rows(demo, """SELECT r.id FROM result r JOIN procedure p ON p.id = r.procedure_id
                             JOIN period pe ON pe.year_id = p.year_id AND pe.kind = 'quarter'
                                  AND pe.number = 3
                             JOIN journal_mark jm ON jm.student_id = r.student_id
                                  AND jm.subject_id = p.subject_id AND jm.period_id = pe.id
                             WHERE r.journal_mark IS NOT NULL AND r.journal_mark != jm.mark""")
    assert not mismatch


# --- planted anomalies -------------------------------------------------------------------

def test_planted_journal_and_external_inflation(any_demo):
    groups = comparisons(any_demo)
    a = groups[("2025/2026", "vpr", "Математика", "6Б")]
    b = groups[("2025/2026", "vpr", "Русский язык", "7А")]
    print(f"\n6Б математика: n={a['n']} lowered={a['lowered']} ({100 * a['lowered'] / a['n']:.1f} %)"
          f"; 7А русский: n={b['n']} raised={b['raised']} ({100 * b['raised'] / b['n']:.1f} %)")
    assert a["n"] >= 15 and a["lowered"] / a["n"] >= 0.40 and a["raised"] / a["n"] < 0.15
    assert b["n"] >= 15 and b["raised"] / b["n"] >= 0.35 and b["lowered"] / b["n"] < 0.25


def test_every_other_class_compares_cleanly(any_demo):
    planted = {("2025/2026", "vpr", "Математика", "6Б"), ("2025/2026", "vpr", "Русский язык", "7А")}
    groups = comparisons(any_demo)
    assert len(groups) > 110
    for key, g in groups.items():
        assert g["gap"] <= 1, key
        if key in planted or g["n"] < 10:
            continue
        assert g["lowered"] / g["n"] < 0.25 and g["raised"] / g["n"] < 0.15, (key, g)
    worst_low = max(g["lowered"] / g["n"] for k, g in groups.items()
                    if k not in planted and g["n"] >= 10)
    worst_high = max(g["raised"] / g["n"] for k, g in groups.items()
                     if k not in planted and g["n"] >= 10)
    print(f"\nclean classes: lowered ≤ {100 * worst_low:.1f} %, raised ≤ {100 * worst_high:.1f} %")


def test_planted_boundary_bunching_only(any_demo):
    flags = flagged_bunching(any_demo)
    by_class = {k: v for k, v in flags.items() if k[5] != "школа"}
    assert list(by_class) == [("2024/2025", "vpr", "Математика", 8, k[4], "8Б", 12)
                              for k in by_class]
    (key, (a, b, p)), = by_class.items()
    print(f"\n8Б математика 2024/2025, порог 12: a={a} b={b} P={p:.5f}")
    assert a >= 12 and b <= 1 and p < 0.01
    school = [k for k in flags if k[5] == "школа"]
    assert all(k[:5] == key[:5] for k in school)
    clean = [v[2] for k, v in bunching(any_demo).items()
             if k[:5] != key[:5] and v[0] + v[1] >= 8]
    print(f"smallest P elsewhere (a + b ≥ 8): {min(clean):.4f}")


def test_no_bunching_in_ege_test_scores(any_demo):
    limits = {r["id"]: json.loads(r["rules"]) for r in rows(
        any_demo, "SELECT p.id, sc.rules FROM procedure p JOIN scale sc ON sc.id = p.scale_id "
                  "WHERE sc.kind = 'test'")}
    assert len(limits) == 12
    groups = defaultdict(list)
    for r in rows(any_demo, "SELECT procedure_id AS pid, class_id, test_score FROM result "
                            "WHERE test_score IS NOT NULL"):
        groups[(r["pid"], r["class_id"])].append(r["test_score"])
        groups[(r["pid"], 0)].append(r["test_score"])
    for (pid, _cls), values in groups.items():
        for t in (limits[pid]["min"], limits[pid]["high"]):
            a = sum(t <= v <= t + 1 for v in values)
            b = sum(t - 2 <= v <= t - 1 for v in values)
            assert a + b < 8 or bunching_p(a, b) >= 0.01, (pid, t, a, b)


def test_planted_cohort_drop_only(any_demo):
    found = cohorts(any_demo)
    drops = {k: v for k, v in found.items()
             if v["n"] >= 10 and (v["before"] - v["after"] >= 25 or v["pct_drop"] >= 20)}
    assert list(drops) == [("2025/2026", "vpr", "Русский язык", "5В", "4В")]
    d = drops[("2025/2026", "vpr", "Русский язык", "5В", "4В")]
    print(f"\n4В → 5В русский: n={d['n']} {d['before']:.1f} % → {d['after']:.1f} % "
          f"(mean % drop {d['pct_drop']:.1f})")
    assert d["before"] - d["after"] >= 35
    for key, v in found.items():
        if key not in drops and v["n"] >= 10:
            assert abs(v["before"] - v["after"]) < 20 and v["pct_drop"] < 20, (key, v)
    assert len([v for v in found.values() if v["n"] >= 10]) > 50


def test_medalists_confirmed_except_one(any_demo):
    medals = medalists(any_demo)
    unconfirmed = [m for m in medals if not m["confirmed"]]
    assert len(unconfirmed) == 1
    (m,) = unconfirmed
    print(f"\nunconfirmed medalist: {m['year']} {m['class']} code {m['code']} russian "
          f"{m['russian']} others {m['others']} base {m['base']}")
    assert m["year"] == "2025/2026" and m["degree"] == 1 and m["russian"] == 64
    assert max(m["others"].values()) < 70 and m["base"] != 5
    by_base = [x for x in medals if x["degree"] == 1 and x["confirmed"]
               and max(x["others"].values(), default=0) < 70]
    assert [x["year"] for x in by_base] == ["2024/2025"] and by_base[0]["base"] == 5
    annual = rows(any_demo, """SELECT DISTINCT jm.mark FROM enrolment e
                               JOIN journal_mark jm ON jm.student_id = e.student_id
                               JOIN period pe ON pe.id = jm.period_id AND pe.year_id = e.year_id
                               WHERE e.medal_degree IS NOT NULL""")
    assert [a["mark"] for a in annual] == [5]


def test_no_high_results_against_any_reference(any_demo):
    refs = defaultdict(dict)
    for r in rows(any_demo, "SELECT * FROM reference_result"):
        refs[r["procedure_id"]][r["level"]] = r
    procs = rows(any_demo, "SELECT id, kind FROM procedure")
    for p in procs:
        levels = set(refs[p["id"]])
        expected = {"vpr": {"municipality", "region", "russia"},
                    "oge": {"municipality", "region"}}.get(p["kind"])
        assert expected is None or levels == expected
    worst = 0.0
    for (pid, *key), (n, share) in class_shares(any_demo).items():
        for ref in refs[pid].values():
            if ref["share_4"] is not None and n >= 5:
                worst = max(worst, share - ref["share_4"] - ref["share_5"])
                assert share - ref["share_4"] - ref["share_5"] < 20, (key, n, share, ref)
                assert abs(sum(ref[f"share_{k}"] for k in range(2, 6)) - 100) < 0.2
    print(f"\nlargest excess of a class over a reference share of 4+5: {worst:.1f} p.p.")


def test_no_task_profile_pattern(demo):
    ref = defaultdict(dict)
    for r in rows(demo, "SELECT task_id, level, percent FROM reference_task"):
        ref[r["task_id"]][r["level"]] = r["percent"]
    per = rows(demo, """SELECT r.procedure_id AS pid, r.class_id, t.id AS tid, t.level,
                               100.0 * sum(coalesce(ts.score, 0)) / (count(*) * t.max_score) AS pct
                        FROM task_score ts JOIN task t ON t.id = ts.task_id
                        JOIN result r ON r.id = ts.result_id
                        GROUP BY r.procedure_id, r.class_id, t.id""")
    diffs = defaultdict(lambda: defaultdict(list))
    for r in per:
        for level, value in ref[r["tid"]].items():
            diffs[(r["pid"], r["class_id"], level)][r["level"]].append(r["pct"] - value)
    assert len(diffs) > 100
    for key, d in diffs.items():
        basic = sum(d["basic"]) / len(d["basic"])
        advanced = sum(d["advanced"]) / len(d["advanced"])
        assert not (basic < -5 and advanced > 5), key


def test_rechecks_observers(demo):
    checks = rows(demo, """SELECT p.kind, p.year_id, k.* FROM recheck k
                           JOIN result r ON r.id = k.result_id
                           JOIN procedure p ON p.id = r.procedure_id""")
    same = [c for c in checks if c["criteria_changed"] == 0 and c["score_before"] == c["score_after"]]
    assert len(same) / len(checks) >= 0.85
    assert {c["kind"] for c in checks} == {"vpr", "oge", "ege"}
    for year in (1, 2, 3):
        mine = [c for c in checks if c["year_id"] == year]
        assert sum(c in same for c in mine) / len(mine) >= 0.8
    observed = rows(demo, """SELECT p.kind, p.observers_present AS present, count(o.id) AS n
                             FROM procedure p LEFT JOIN observer o ON o.procedure_id = p.id
                             GROUP BY p.id""")
    assert all(o["present"] == 1 and 1 <= o["n"] <= 2 for o in observed)


# --- plan and evidence -------------------------------------------------------------------

def test_plan_shape_and_statuses(demo):
    (plan,) = rows(demo, "SELECT * FROM plan")
    director = store.school_row(demo)["director"].split()
    assert plan["kind"] == "sections" and plan["approved"] == 1 and plan["order_date"] == "2025-08-29"
    assert plan["approver_name"] == f"{director[1][0]}.{director[2][0]}. {director[0]}"
    assert len(rows(demo, "SELECT id FROM plan_section")) >= 5
    items = rows(demo, "SELECT * FROM plan_item")
    assert len(items) >= 40
    status = defaultdict(int)
    for i in items:
        status[i["status"]] += 1
        assert i["task"] and i["measure"] and i["deadline_text"] and i["responsible"]
        assert i["expected_result"]
        for d in (i["deadline_start"], i["deadline_end"], i["done_date"]):
            assert d is None or re.fullmatch(r"202[5-7]-\d\d-\d\d", d)
        assert (i["status"] == "done") == (i["done_date"] is not None)
    share = {k: v / len(items) for k, v in status.items()}
    assert 0.38 <= share["done"] <= 0.5 and 0.2 <= share["in_progress"] <= 0.32
    overdue = [i for i in items if i["status"] != "done" and i["deadline_end"]
               and i["deadline_end"] < "2026-11-01"]
    assert 2 <= len(overdue) <= 5
    notes = rows(demo, "SELECT item_id, count(*) AS n FROM execution GROUP BY item_id")
    per_item = {n["item_id"]: n["n"] for n in notes}
    assert all(1 <= per_item.get(i["id"], 0) <= 2 for i in items if i["status"] == "done")
    assert sum(1 for i in items if i["deadline_start"] is None and i["deadline_end"] is None) >= 4
    responsible = " ".join(i["responsible"] for i in items)
    staff_short = {s["full_name"].split()[0] for s in rows(demo, "SELECT full_name FROM staff")}
    assert sum(name in responsible for name in staff_short) >= 8


def test_evidence_files_are_real(demo):
    files = rows(demo, "SELECT * FROM evidence")
    assert 4 <= len(files) <= 6
    for f in files:
        assert f["size"] == len(f["data"]) and f["sha256"] == hashlib.sha256(f["data"]).hexdigest()
        if f["mime"].startswith("text/"):
            text = f["data"].decode("utf-8")
            assert re.search("[А-Яа-я]", text)
        else:
            assert f["data"].startswith(b"%PDF-") and f["file_name"].endswith(".pdf")
    assert {f["mime"] for f in files} >= {"text/plain", "text/csv"}


# --- anonymisation -----------------------------------------------------------------------

def _all_other_text(db) -> str:
    parts = []
    for table in store.DATA_TABLES:
        if table in ("student", "evidence"):
            continue
        cols = [r["name"] for r in rows(db, f"PRAGMA table_info({table})")
                if r["type"].upper() == "TEXT"]
        for r in db.execute(f"SELECT {', '.join(cols) or 'NULL'} FROM {table}").fetchall():
            parts += [v for v in r if isinstance(v, str)]
    for f in rows(db, "SELECT file_name, mime, data FROM evidence"):
        parts.append(f["file_name"])
        if f["mime"].startswith("text/"):
            parts.append(f["data"].decode("utf-8"))
    return "\n".join(parts).lower()


def test_student_surnames_appear_nowhere_else(any_demo):
    surnames = {r["full_name"].split()[0] for r in rows(any_demo, "SELECT full_name FROM student")}
    assert all(len(s) >= 6 for s in surnames)
    text = _all_other_text(any_demo)
    assert len(text) > 10000
    hits = sorted(s for s in surnames if s.lower() in text)
    assert not hits
    staff = {r["full_name"].split()[0] for r in rows(any_demo, "SELECT full_name FROM staff")}
    assert not staff & surnames


def test_file_is_a_normal_school_db(demo, tmp_path):
    demo.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn = sqlite3.connect(demo.execute("PRAGMA database_list").fetchone()[2])
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
