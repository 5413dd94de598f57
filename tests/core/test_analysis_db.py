"""The analysis on tiny schools written out here, row by row, with hand-computed expectations."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import store
from app.core.analysis import analyze, format_text, run
from app.core.analysis.thresholds import DEFAULTS, load_thresholds, save_thresholds
from app.core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]

# Quarter and year periods of an academic year starting in `y` (end dates are what the rule uses).
_PERIODS = [("quarter", 1, "1 четверть", "{y}-09-01", "{y}-10-27"),
            ("quarter", 2, "2 четверть", "{y}-11-05", "{y}-12-28"),
            ("quarter", 3, "3 четверть", "{z}-01-09", "{z}-03-22"),
            ("quarter", 4, "4 четверть", "{z}-04-01", "{z}-05-26"),
            ("year", 1, "Год", "{y}-09-01", "{z}-05-26")]
SCALE = [[0, 2], [6, 3], [11, 4], [15, 5]]   # max 20


class Mini:
    """A school built with plain SQL inserts: years, classes, pupils, procedures, results, marks."""

    def __init__(self, db):
        self.db = db
        self.ids: dict = {}

    def _id(self, sql: str, params) -> int:
        with self.db.atomic():
            return self.db.execute(sql, params).lastrowid

    def year(self, label: str) -> int:
        if ("year", label) not in self.ids:
            y, z = label.split("/")
            yid = self._id("INSERT INTO academic_year (label, start_date, end_date) VALUES (?, ?, ?)",
                           [label, f"{y}-09-01", f"{z}-05-31"])
            for kind, num, name, start, end in _PERIODS:
                pid = self._id("INSERT INTO period (year_id, kind, number, label, start_date, end_date) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               [yid, kind, num, name, start.format(y=y, z=z), end.format(y=y, z=z)])
                self.ids[("period", label, kind, num)] = pid
            self.ids[("year", label)] = yid
        return self.ids[("year", label)]

    def klass(self, year: str, label: str) -> int:
        key = ("class", year, label)
        if key not in self.ids:
            self.ids[key] = self._id("INSERT INTO class_group (year_id, grade, letter, label) VALUES (?, ?, ?, ?)",
                                     [self.year(year), int(label[:-1]), label[-1], label])
        return self.ids[key]

    def subject(self, name: str) -> int:
        if ("subject", name) not in self.ids:
            self.ids[("subject", name)] = self._id("INSERT INTO subject (name) VALUES (?)", [name])
        return self.ids[("subject", name)]

    def pupil(self, code: str, year: str, class_label: str, *, name: str | None = None,
              medal: int | None = None) -> int:
        if ("student", code) not in self.ids:
            self.ids[("student", code)] = self._id("INSERT INTO student (code, full_name) VALUES (?, ?)",
                                                   [code, name or f"Ученик {code}"])
        sid = self.ids[("student", code)]
        self._id("INSERT INTO enrolment (student_id, class_id, year_id, medal_degree) VALUES (?, ?, ?, ?)",
                 [sid, self.klass(year, class_label), self.year(year), medal])
        return sid

    def proc(self, kind: str, subject: str, grade: int, year: str, *, date: str | None = None,
             max_score: int | None = 20, scale=SCALE, observers: int = 1, video: int = 0) -> int:
        scale_id = None
        if scale:
            scale_id = self._id("INSERT INTO scale (name, kind, max_score, rules) VALUES (?, 'marks', ?, ?)",
                                [f"{kind}-{subject}-{grade}-{year}", max_score, json.dumps({"thresholds": scale})])
        return self._id(
            "INSERT INTO procedure (kind, subject_id, grade, year_id, date, scale_id, max_score, "
            "observers_present, video) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [kind, self.subject(subject), grade, self.year(year), date, scale_id, max_score, observers, video])

    def result(self, proc: int, sid: int, *, mark=None, primary=None, journal=None, test=None,
               absent: int = 0) -> int:
        return self._id("INSERT INTO result (procedure_id, student_id, mark, primary_score, journal_mark, "
                        "test_score, absent) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [proc, sid, mark, primary, journal, test, absent])

    def mark(self, sid: int, subject: str, year: str, kind: str, number: int, mark: int) -> None:
        self.year(year)
        self._id("INSERT INTO journal_mark (student_id, subject_id, period_id, mark) VALUES (?, ?, ?, ?)",
                 [sid, self.subject(subject), self.ids[("period", year, kind, number)], mark])

    def class_results(self, proc: int, year: str, class_label: str, rows, *, prefix: str) -> list[int]:
        """rows: (journal mark carried by the file, external mark, primary score) per pupil."""
        ids = []
        for i, (journal, mark, primary) in enumerate(rows):
            sid = self.pupil(f"{prefix}{i:02d}", year, class_label)
            self.result(proc, sid, mark=mark, primary=primary, journal=journal)
            ids.append(sid)
        return ids


@pytest.fixture
def mini(empty_db):
    return Mini(empty_db)


def _codes(result) -> list[tuple[str, str, str]]:
    return sorted((f["code"], f["class"], f["level"]) for f in result["flags"])


def _primary(mark: int) -> int:
    """A primary score well inside the band of a mark (no bunching at any threshold)."""
    return {2: 3, 3: 8, 4: 13, 5: 18}[mark]


# ----------------------------------------------------------------------------- comparison rule

def test_comparison_rule_file_mark_then_last_period_before_date(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    a = mini.pupil("A", "2024/2025", "5А")
    b = mini.pupil("B", "2024/2025", "5А")
    c = mini.pupil("C", "2024/2025", "5А")
    mini.result(p, a, mark=4, primary=13, journal=5)          # the file's own journal mark wins
    mini.mark(a, "Математика", "2024/2025", "quarter", 3, 3)
    mini.result(p, b, mark=4, primary=13)                      # Q3 ended 22.03 < 15.04; Q4 did not
    mini.mark(b, "Математика", "2024/2025", "quarter", 2, 5)
    mini.mark(b, "Математика", "2024/2025", "quarter", 3, 3)
    mini.mark(b, "Математика", "2024/2025", "quarter", 4, 2)
    mini.result(p, c, mark=4, primary=13)                      # no journal mark at all: left out
    run_ = run(mini.db)
    works = {w.student_id: w for w in run_.works[p]}
    assert (works[a].journal, works[a].source) == (5, "file")
    assert (works[b].journal, works[b].source) == (3, "3 четверть")
    assert works[c].journal is None
    row = analyze(mini.db)["comparisons"][0]
    assert (row["n"], row["lowered"], row["confirmed"], row["raised"]) == (2, 1, 0, 1)
    assert row["from_file"] == 1 and row["participants"] == 3


def test_autumn_vpr_uses_last_years_annual_mark(mini):
    p = mini.proc("vpr", "Русский язык", 6, "2024/2025", date="2024-09-20")
    s = mini.pupil("S", "2023/2024", "5А")
    mini.pupil("S", "2024/2025", "6А")
    mini.mark(s, "Русский язык", "2023/2024", "quarter", 4, 3)   # ends 26.05 — same day as the year
    mini.mark(s, "Русский язык", "2023/2024", "year", 1, 4)      # the longer period wins the tie
    mini.result(p, s, mark=4, primary=13)
    w = run(mini.db).works[p][0]
    assert (w.journal, w.source) == (4, "Год")


def test_procedure_without_date_uses_the_end_of_its_year(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date=None)
    s = mini.pupil("S", "2024/2025", "5А")
    mini.mark(s, "Математика", "2024/2025", "quarter", 4, 5)
    mini.mark(s, "Математика", "2024/2025", "year", 1, 4)
    mini.result(p, s, mark=4, primary=13)
    assert run(mini.db).works[p][0].journal == 4


# ----------------------------------------------------------------------------- counts, kappa, flags

# 10 pupils: 3 lowered (5→4, 5→4, 4→3), 5 confirmed, 2 raised (3→4, 3→4).
TEN = [(5, 4), (5, 4), (4, 3), (4, 4), (4, 4), (3, 3), (3, 3), (5, 5), (3, 4), (3, 4)]


def test_class_comparison_kappa_and_both_inflation_flags(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    mini.class_results(p, "2024/2025", "5А", [(j, e, _primary(e)) for j, e in TEN], prefix="a")
    res = analyze(mini.db)
    row = res["comparisons"][0]
    assert row | {} == row and (row["procedure"], row["class"], row["year"], row["grade"]) == \
        ("ВПР", "5А", "2024/2025", 5)
    assert (row["n"], row["lowered"], row["confirmed"], row["raised"]) == (10, 3, 5, 2)
    assert (row["lowered_pct"], row["confirmed_pct"], row["raised_pct"]) == (30.0, 50.0, 20.0)
    # Hand computation in test_analysis_formulas: κ = 1 − (5/9) / (10.6/9) = 0.528302…
    assert row["kappa"] == pytest.approx(0.528, abs=0.001)
    assert row["mean_diff"] == pytest.approx(-0.1)
    assert row["crosstab"] == [[0, 0, 0, 0], [0, 2, 2, 0], [0, 1, 2, 0], [0, 0, 2, 1]]
    # 30 % lowered reaches the 30 % threshold, 20 % raised reaches 20 %: both at «внимание».
    # The parallel has only this class, so it is covered by the class flags, not repeated.
    assert _codes(res) == [("external_inflation", "5А", "attention"), ("journal_inflation", "5А", "attention")]
    reason = next(f["reason"] for f in res["flags"] if f["code"] == "journal_inflation")
    assert "5А" in reason and "Математика" in reason and "3 из 10" in reason and "30 %" in reason


def test_small_classes_are_flagged_for_the_parallel_only(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    rows = [(5, 4, 13)] * 3 + [(4, 4, 13)] * 3        # 6 pupils: 50 % lowered, below min_n
    mini.class_results(p, "2024/2025", "5А", rows, prefix="a")
    mini.class_results(p, "2024/2025", "5Б", rows, prefix="b")
    res = analyze(mini.db)
    assert _codes(res) == [("journal_inflation", "", "risk")]   # 6 of 12 = 50 % → «риск»
    assert "параллель 5-х классов" in res["flags"][0]["reason"]
    school = res["indicators"]["rollups"]["procedure"][0]
    assert (school["n"], school["lowered"], school["class"]) == (12, 6, "")


def test_below_thresholds_nothing_is_flagged(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    rows = [(5, 4, 13)] * 2 + [(4, 4, 13)] * 7 + [(3, 4, 13)]   # 20 % lowered, 10 % raised
    mini.class_results(p, "2024/2025", "5А", rows, prefix="a")
    assert analyze(mini.db)["flags"] == []


def test_thresholds_are_settings_and_change_flags(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    rows = [(5, 4, 13)] * 2 + [(4, 4, 13)] * 8                  # 20 % lowered
    mini.class_results(p, "2024/2025", "5А", rows, prefix="a")
    assert analyze(mini.db)["flags"] == []
    save_thresholds(mini.db, {"journal_inflation_pct": 20})
    assert load_thresholds(mini.db).journal_inflation_pct == 20.0
    res = analyze(mini.db)
    assert _codes(res) == [("journal_inflation", "5А", "attention")]
    assert res["indicators"]["thresholds"]["journal_inflation_pct"] == 20.0
    assert analyze(mini.db, settings=DEFAULTS)["flags"] == []
    with pytest.raises(UserError):
        save_thresholds(mini.db, {"journal_inflation_pct": 130})


# ----------------------------------------------------------------------------- scores

def test_boundary_bunching_in_one_class(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    # 9 works at 11–12 (just enough for «4»), none at 9–10: P = (½)^9 = 0.00195 → «внимание».
    rows = [(4, 4, 11)] * 5 + [(4, 4, 12)] * 4 + [(3, 3, 7)] * 2 + [(5, 5, 17)]
    mini.class_results(p, "2024/2025", "5А", rows, prefix="a")
    res = analyze(mini.db)
    assert _codes(res) == [("boundary_bunching", "5А", "attention")]
    flag = res["flags"][0]
    assert flag["values"]["threshold"] == 11 and flag["values"]["above"] == 9 and flag["values"]["below"] == 0
    assert flag["values"]["p"] == pytest.approx(1 / 512, rel=1e-3)
    hist = res["indicators"]["histograms"][0]
    assert hist["counts"][11] == 5 and hist["counts"][12] == 4 and len(hist["counts"]) == 21
    assert hist["thresholds"] == SCALE and hist["thresholds_source"] == "scale"


def test_high_results_against_the_nearest_reference(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    rows = [(4, 4, 13)] * 6 + [(5, 5, 18)] * 2 + [(3, 3, 8)] * 2      # 80 % «4»+«5»
    mini.class_results(p, "2024/2025", "5А", rows, prefix="a")
    with mini.db.atomic():
        mini.db.execute("INSERT INTO reference_result (procedure_id, level, share_2, share_3, share_4, share_5, "
                        "mean_percent) VALUES (?, 'municipality', 10, 35, 40, 15, 55), "
                        "(?, 'russia', 20, 50, 25, 5, 45)", [p, p])
    res = analyze(mini.db)
    high = next(h for h in res["indicators"]["high_results"] if h["class"] == "5А")
    assert (high["share45"], high["share5"], high["reference_level"], high["reference_share45"]) == \
        (80.0, 20.0, "municipality", 55.0)
    assert high["diff_pp"] == 25.0 and high["mean_percent"] == pytest.approx(65.0)   # (6·13 + 2·18 + 2·8) / 200
    assert _codes(res) == [("high_results", "5А", "attention")]   # 25 p.p. ≥ 20, < 30


# ----------------------------------------------------------------------------- cohorts

def test_cohort_drop_same_pupils_a_year_later(mini):
    before = mini.proc("vpr", "Математика", 5, "2023/2024", date="2024-04-10")
    after = mini.proc("vpr", "Математика", 6, "2024/2025", date="2025-04-10")
    for i in range(10):
        sid = mini.pupil(f"c{i}", "2023/2024", "5А")
        mini.pupil(f"c{i}", "2024/2025", "6А")
        good_then, good_now = i < 8, i < 3                      # 80 % → 30 %: a drop of 50 p.p.
        mini.result(before, sid, mark=4 if good_then else 3, primary=13 if good_then else 8)
        mini.result(after, sid, mark=4 if good_now else 3, primary=13 if good_now else 8)
    res = analyze(mini.db, year="2024/2025")
    row = next(c for c in res["indicators"]["cohorts"] if c["class"] == "6А")
    assert (row["n"], row["share45_before"], row["share45_after"], row["drop_pp"]) == (10, 80.0, 30.0, 50.0)
    assert row["class_before"] == "5А" and row["year_before"] == "2023/2024"
    assert row["mean_before"] == pytest.approx(60.0) and row["mean_after"] == pytest.approx(47.5)
    assert _codes(res) == [("cohort_drop", "6А", "risk")]
    line = next(x for x in res["indicators"]["cohort_lines"] if x["class"] == "6А")
    assert [(p["year"], p["share45"]) for p in line["points"]] == [("2023/2024", 80.0), ("2024/2025", 30.0)]


# ----------------------------------------------------------------------------- ГИА

def test_medalists_and_index(mini):
    rus = mini.proc("ege", "Русский язык", 11, "2024/2025", scale=None, max_score=None)
    phys = mini.proc("ege", "Физика", 11, "2024/2025", scale=None, max_score=None)
    base = mini.proc("ege", "Математика (базовый уровень)", 11, "2024/2025", scale=None, max_score=5)
    cases = {  # code: (medal degree, russian, physics, base mark) → expected status, degree met
        "m1": (1, 85, 72, None),   # I: both ≥ 70 → confirmed
        "m2": (1, 75, None, 5),    # I: Russian ≥ 70 and base «5» → confirmed
        "m3": (1, 64, 72, 5),      # Russian 64 < 70 but ≥ 60 → only II: unconfirmed, «внимание»
        "m4": (2, 58, 90, 5),      # II: Russian below 60 → unconfirmed, «риск»
    }
    for code, (deg, r, f, b) in cases.items():
        sid = mini.pupil(code, "2024/2025", "11А", medal=deg)
        mini.result(rus, sid, test=r)
        if f is not None:
            mini.result(phys, sid, test=f)
        if b is not None:
            mini.result(base, sid, mark=b)
    mini.pupil("m5", "2024/2025", "11А", medal=2)   # no ЕГЭ yet: «нет данных», not in the index
    res = analyze(mini.db)
    status = {s["code"]: (s["status"], s["degree_met"]) for s in res["indicators"]["medalists"]["students"]}
    assert status == {"m1": ("confirmed", 1), "m2": ("confirmed", 1), "m3": ("unconfirmed", 2),
                      "m4": ("unconfirmed", 0), "m5": ("no_data", 0)}
    summary = res["indicators"]["medalists"]["summary"][0]
    assert (summary["candidates"], summary["with_results"], summary["unconfirmed"], summary["index"]) == \
        (5, 4, 2, 50.0)                                    # a share is a percent everywhere
    assert res["indicators"]["medal_unconfirmed_index"] == 50.0
    assert _codes(res) == [("medal_unconfirmed", "11А", "attention"), ("medal_unconfirmed", "11А", "risk")]
    reason = next(f["reason"] for f in res["flags"] if f["level"] == "attention")
    assert "m3" in reason and "64" in reason and "II степени" in reason


def test_oge_against_annual_mark(mini):
    p = mini.proc("oge", "Математика", 9, "2024/2025", date="2025-06-03")
    pairs = [(3, 5), (3, 5), (4, 5), (4, 4), (5, 3)]   # gaps −2, −2, −1, 0, +2
    for i, (oge, annual) in enumerate(pairs):
        sid = mini.pupil(f"o{i}", "2024/2025", "9А")
        mini.mark(sid, "Математика", "2024/2025", "year", 1, annual)
        mini.result(p, sid, mark=oge, primary=_primary(oge))
    rows = analyze(mini.db)["indicators"]["oge_vs_annual"]
    school = next(r for r in rows if r["class"] == "")
    assert (school["n"], school["below"], school["equal"], school["above"]) == (5, 3, 1, 1)
    assert (school["wide"], school["wide_pct"], school["mean_gap"]) == (3, 60.0, -0.6)
    assert school["gaps"]["-2"] == 2 and school["gaps"]["2"] == 1


# ----------------------------------------------------------------------------- process

def test_rechecks_and_observers(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15", observers=0, video=1)
    q = mini.proc("vpr", "Русский язык", 5, "2024/2025", date="2025-04-17", observers=1, video=0)
    changes = [(10, 10, 0), (12, 12, 0), (9, 7, 1), (14, 12, 2), (8, 8, 1), (11, 9, 1)]
    for i, (before, after, crit) in enumerate(changes):
        sid = mini.pupil(f"r{i}", "2024/2025", "5А")
        rid = mini.result(p, sid, mark=3, primary=before)
        mini.result(q, sid, mark=3, primary=8)
        with mini.db.atomic():
            mini.db.execute("INSERT INTO recheck (result_id, score_before, score_after, criteria_changed) "
                            "VALUES (?, ?, ?, ?)", [rid, before, after, crit])
    res = analyze(mini.db)
    rc = res["indicators"]["rechecks"]["procedures"][0]
    # unchanged: same score AND no criterion changed → only the first two (8→8 changed a criterion)
    assert (rc["total"], rc["unchanged"], rc["unchanged_pct"]) == (6, 2, 33.3)
    obs = res["indicators"]["observers"]["summary"][0]
    assert (obs["procedures"], obs["with_observers"], obs["observers_pct"], obs["video_pct"]) == (2, 1, 50.0, 50.0)
    assert _codes(res) == [("no_observers", "", "attention"), ("recheck_changes", "", "risk")]
    flag = next(f for f in res["flags"] if f["code"] == "no_observers")
    assert flag["subject"] == "Математика" and "видеозапись велась" in flag["reason"]


def test_task_profile(mini):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    with mini.db.atomic():
        t1 = mini.db.execute("INSERT INTO task (procedure_id, number, position, max_score, level) "
                             "VALUES (?, '1', 1, 1, 'basic')", [p]).lastrowid
        t2 = mini.db.execute("INSERT INTO task (procedure_id, number, position, max_score, level) "
                             "VALUES (?, '2', 2, 2, 'advanced')", [p]).lastrowid
        for tid, pct in ((t1, 80.0), (t2, 30.0)):
            mini.db.execute("INSERT INTO reference_task (task_id, level, percent) VALUES (?, 'region', ?)",
                            [tid, pct])
    for i in range(10):
        sid = mini.pupil(f"t{i}", "2024/2025", "5А")
        rid = mini.result(p, sid, mark=4, primary=13, journal=4)
        with mini.db.atomic():   # basic task: 6 of 10 done (60 % vs 80 %); advanced: 10 of 20 (50 % vs 30 %)
            mini.db.execute("INSERT INTO task_score (result_id, task_id, score) VALUES (?, ?, ?)",
                            [rid, t1, 1 if i < 6 else 0])
            mini.db.execute("INSERT INTO task_score (result_id, task_id, score) VALUES (?, ?, ?)",
                            [rid, t2, 1])
    res = analyze(mini.db)
    row = next(r for r in res["indicators"]["task_profile"] if r["class"] == "5А")
    assert (row["reference"], row["basic_gap"], row["advanced_gap"]) == ("region", -20.0, 20.0)
    assert _codes(res) == [("task_profile", "5А", "risk")]


# ----------------------------------------------------------------------------- year, text, CLI

def test_year_filter_and_unknown_year(mini):
    a = mini.proc("vpr", "Математика", 5, "2023/2024", date="2024-04-15")
    b = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    mini.class_results(a, "2023/2024", "5А", [(4, 4, 13)] * 3, prefix="x")
    mini.class_results(b, "2024/2025", "5А", [(4, 4, 13)] * 4, prefix="y")
    assert {c["year"] for c in analyze(mini.db)["comparisons"]} == {"2023/2024", "2024/2025"}
    only = analyze(mini.db, year="2024-25")
    assert [(c["year"], c["n"]) for c in only["comparisons"]] == [("2024/2025", 4)]
    assert only["indicators"]["year"] == "2024/2025"
    with pytest.raises(UserError, match="2030/2031"):
        analyze(mini.db, year="2030/2031")
    with pytest.raises(UserError, match="записан неверно"):
        analyze(mini.db, year="позапрошлый")


def test_empty_school_and_text_summary(empty_db):
    res = analyze(empty_db)
    assert set(res) == {"comparisons", "flags", "indicators"}
    assert res["comparisons"] == [] and res["flags"] == []
    assert "Признаков необъективности не найдено" in format_text(res)
    json.dumps(res)


def test_cli_analyze_json_and_text(mini, empty_db_path):
    p = mini.proc("vpr", "Математика", 5, "2024/2025", date="2025-04-15")
    mini.class_results(p, "2024/2025", "5А", [(j, e, _primary(e)) for j, e in TEN], prefix="a")
    mini.db.close()
    base = [sys.executable, "-m", "app", "--db", str(empty_db_path), "analyze"]
    out = subprocess.run(base + ["--json"], cwd=ROOT, capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert set(data) == {"comparisons", "flags", "indicators"}
    assert {f["code"] for f in data["flags"]} == {"journal_inflation", "external_inflation"}
    text = subprocess.run(base + ["--year", "2024/2025"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "Индекс необъективности ВПР" in text.stdout and "5А" in text.stdout
    bad = subprocess.run(base + ["--year", "1999/2000"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "1999/2000" in bad.stderr and "Traceback" not in bad.stderr
