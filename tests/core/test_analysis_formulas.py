"""Every formula of the analysis on small data written out here, against hand computations."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from app.core.analysis import cohort, comparison as cmp, fmt, gia, process, scores
from app.core.analysis.thresholds import DEFAULTS, describe, from_mapping
from app.core.errors import UserError


@dataclass
class M:   # a journal mark as data.JournalMark gives it
    end: str
    mark: int
    label: str


# ------------------------------------------------------------------ comparison

def test_resolve_journal_mark():
    marks = [M("2024-10-27", 5, "1 ч"), M("2024-12-28", 4, "2 ч"), M("2025-03-22", 3, "3 ч")]
    assert cmp.resolve_journal_mark(2, marks, "2025-04-15") == (2, "file")
    assert cmp.resolve_journal_mark(None, marks, "2025-04-15") == (3, "3 ч")
    assert cmp.resolve_journal_mark(None, marks, "2025-03-22") == (4, "2 ч")   # must END BEFORE the date
    assert cmp.resolve_journal_mark(None, marks, "2024-09-20") == (None, None)
    assert cmp.resolve_journal_mark(None, [], "2025-04-15") == (None, None)
    assert cmp.resolve_journal_mark(None, marks, None) == (None, None)


def test_category_and_crosstab_counts():
    assert [cmp.category(4, 3), cmp.category(4, 4), cmp.category(3, 5)] == ["lowered", "confirmed", "raised"]
    table = cmp.crosstab([(5, 4), (5, 4), (4, 3), (4, 4), (4, 4), (3, 3), (3, 3), (5, 5), (3, 4), (3, 4)])
    assert table == [[0, 0, 0, 0], [0, 2, 2, 0], [0, 1, 2, 0], [0, 0, 2, 1]]
    assert cmp.counts(table) == {"n": 10, "lowered": 3, "confirmed": 5, "raised": 2}
    assert cmp.add_crosstabs([table, table])[3] == [0, 0, 4, 2]


def test_weighted_kappa_by_hand():
    # Rows (journal) 3: [0,2,2,0], 4: [0,1,2,0], 5: [0,0,2,1]; weights (i−j)²/9.
    # Σ w·O = (2 + 1 + 2)/9 = 5/9. Row totals 0,4,3,3; column totals 0,3,6,1; E = r·c/10:
    # row 3: 2.4·1/9 + 0.4·4/9 = 4/9; row 4: (0.9 + 0.3)/9 = 1.2/9; row 5: (0.9·4 + 1.8)/9 = 5.4/9.
    # κ = 1 − (5/9)/(10.6/9) = 1 − 5/10.6.
    table = [[0, 0, 0, 0], [0, 2, 2, 0], [0, 1, 2, 0], [0, 0, 2, 1]]
    assert cmp.weighted_kappa(table) == pytest.approx(1 - 5 / 10.6)
    assert cmp.mean_difference(table) == pytest.approx(-0.1)   # (−3 + 2) / 10


def test_weighted_kappa_edges():
    perfect = [[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]
    assert cmp.weighted_kappa(perfect) == pytest.approx(1.0)
    assert cmp.weighted_kappa(cmp.empty_crosstab()) is None
    one_cell = cmp.empty_crosstab()
    one_cell[2][2] = 7          # everyone «4» in both: agreement by chance alone, κ undefined
    assert cmp.weighted_kappa(one_cell) is None
    # Complete disagreement 2↔5: O all at weight 1, E half at weight 1 → κ = 1 − 1/0.5 = −1.
    opposite = cmp.empty_crosstab()
    opposite[0][3] = opposite[3][0] = 5
    assert cmp.weighted_kappa(opposite) == pytest.approx(-1.0)


def test_summarize_percents():
    s = cmp.summarize(cmp.crosstab([(4, 3), (4, 4), (4, 5)]))
    assert (s["lowered_pct"], s["confirmed_pct"], s["raised_pct"]) == (33.3, 33.3, 33.3)
    assert s["mean_diff"] == 0.0


# ------------------------------------------------------------------ scores

def test_binomial_tail_by_hand():
    assert scores.binomial_tail(9, 10) == pytest.approx(11 / 1024)   # (C(10,9) + C(10,10)) / 2^10
    assert scores.binomial_tail(8, 8) == pytest.approx(1 / 256)
    assert scores.binomial_tail(0, 5) == 1.0 and scores.binomial_tail(6, 5) == 0.0
    assert scores.binomial_tail(5, 10) == pytest.approx(638 / 1024)  # Σ_{k≥5} C(10,k) = 638


def test_bunching_per_threshold():
    th = ((0, 2), (6, 3), (11, 4), (15, 5))
    data = [11] * 5 + [12] * 4 + [10] + [6, 7, 4] + [15, 16]
    rows = {r["threshold"]: r for r in scores.bunching(data, th, min_total=8, p_limit=0.01)}
    assert set(rows) == {6, 11, 15}                       # the 0 → «2» threshold is skipped
    r = rows[11]
    assert (r["above"], r["below"], r["mark"]) == (9, 1, 4)
    assert r["p"] == pytest.approx(11 / 1024) and not r["significant"]   # 0.0107 is not < 0.01
    assert (rows[6]["above"], rows[6]["below"]) == (2, 1) and not rows[6]["significant"]  # 4 and 5 → below
    tighter = scores.bunching(data[:-1] + [11], th, min_total=8, p_limit=0.02)
    assert next(x for x in tighter if x["threshold"] == 11)["significant"]


def test_bunching_needs_enough_works():
    rows = scores.bunching([11] * 7, ((11, 4),), min_total=8, p_limit=0.01)
    assert rows[0]["p"] == pytest.approx(1 / 128) and not rows[0]["significant"]   # a + b = 7 < 8


def test_histogram_and_inferred_thresholds():
    assert scores.histogram([0, 2, 2, 5], 5) == [1, 0, 2, 0, 0, 1]
    assert scores.histogram([7], 5) == [0] * 7 + [1]      # a score above a wrong maximum still counts
    assert scores.infer_thresholds([(3, 2), (6, 3), (9, 3), (11, 4), (15, 5), (12, 4)]) == \
        ((3, 2), (6, 3), (11, 4), (15, 5))
    assert scores.infer_thresholds([(6, 3), (5, 4)]) == ()   # overlapping: no consistent scale


def test_mark_stats_and_reference():
    s = scores.mark_stats([2, 3, 4, 4, 5], [2, 8, 13, 14, 19], 20)
    assert s == {"n": 5, "marks": [1, 1, 2, 1], "share45": 60.0, "share5": 20.0, "mean_percent": 56.0}

    @dataclass
    class R:
        level: str
        n: int
        shares: tuple
        mean_percent: float
        mean_test: float | None = None

    region = scores.reference_view(R("region", 900, (10.0, 40.0, 35.5, 14.5), 52.0))
    assert region["share45"] == 50.0
    muni_incomplete = scores.reference_view(R("municipality", 90, (None, None, None, None), 50.0))
    chosen = scores.nearest_reference({"municipality": muni_incomplete, "region": region})
    assert chosen["level"] == "region"


# ------------------------------------------------------------------ cohorts

@dataclass(frozen=True)
class P:
    id: int
    kind: str
    subject_id: int
    grade: int
    year_id: int
    year: str = ""
    label: str = "ВПР"


def test_previous_procedure_prefers_same_kind():
    later = P(10, "vpr", 1, 6, 2)
    cands = [P(1, "niko", 1, 5, 1), P(2, "vpr", 1, 5, 1), P(3, "vpr", 2, 5, 1), P(4, "vpr", 1, 6, 1)]
    assert cohort.previous_procedure(later, cands, 1).id == 2
    assert cohort.previous_procedure(P(11, "oge", 1, 9, 2), [P(5, "vpr", 1, 8, 1)], 1).id == 5
    assert cohort.previous_procedure(later, cands, None) is None
    assert cohort.previous_procedure(P(12, "ege", 1, 11, 2), cands, 1) is None


def test_cohort_compare_common_pupils_only():
    before = {1: (5, 90.0), 2: (4, 70.0), 3: (4, 65.0), 4: (3, 40.0), 9: (5, 95.0)}
    after = {1: (4, 70.0), 2: (3, 50.0), 3: (3, 45.0), 4: (3, 35.0), 7: (5, 99.0)}
    r = cohort.compare(before, after)
    assert r["n"] == 4 and r["students"] == [1, 2, 3, 4]
    assert (r["share45_before"], r["share45_after"], r["drop_pp"]) == (75.0, 25.0, 50.0)
    assert (r["mean_before"], r["mean_after"], r["mean_drop_pp"]) == (66.2, 50.0, 16.2)   # 66.25 rounds to 66.2
    assert cohort.compare({1: (5, None)}, {2: (5, None)}) is None


# ------------------------------------------------------------------ ГИА

def test_oge_gaps():
    s = gia.oge_gap_stats([(3, 5), (5, 3), (4, 4), (4, 3)], 2)
    assert (s["below"], s["equal"], s["above"], s["wide"], s["wide_pct"], s["mean_gap"]) == (1, 1, 2, 2, 50.0, 0.25)


@pytest.mark.parametrize("russian, other, base, expected", [
    (70, 70, None, 1), (70, 69, None, 2), (70, None, 5, 1), (69, 90, 5, 2), (60, 60, None, 2),
    (60, None, 5, 2), (60, None, 4, 0), (59, 99, 5, 0), (None, 90, 5, 0),
])
def test_degree_met(russian, other, base, expected):
    assert gia.degree_met(russian, other, base, DEFAULTS) == expected


def test_base_math_for_the_second_degree_is_a_setting():
    strict = replace(DEFAULTS, medal2_base_math=False)
    assert gia.degree_met(65, None, 5, strict) == 0 and gia.degree_met(65, None, 5, DEFAULTS) == 2


def test_medal_check_and_summary():
    ege = {"Русский язык": {"test": 72, "mark": None}, "Химия": {"test": 66, "mark": None},
           "Математика (базовый уровень)": {"test": None, "mark": 4}}
    c = gia.medal_check(1, ege, DEFAULTS)
    assert (c["russian"], c["best_other"], c["best_other_subject"], c["base_math"]) == (72, 66, "Химия", 4)
    assert (c["degree_met"], c["status"]) == (2, "unconfirmed")
    assert gia.medal_check(2, ege, DEFAULTS)["status"] == "confirmed"
    assert gia.medal_check(1, {}, DEFAULTS)["status"] == "no_data"
    summ = gia.medal_summary([c, gia.medal_check(2, ege, DEFAULTS), gia.medal_check(1, {}, DEFAULTS)])
    assert (summ["candidates"], summ["with_results"], summ["unconfirmed"], summ["index"]) == (3, 2, 1, 50.0)


# ------------------------------------------------------------------ process

@dataclass
class Rc:
    before: int
    after: int
    criteria_changed: int


def test_recheck_and_observer_stats():
    s = process.recheck_stats([Rc(5, 5, 0), Rc(5, 5, 1), Rc(5, 3, 1), Rc(4, 6, 2)])
    assert (s["total"], s["unchanged"], s["score_lowered"], s["score_raised"], s["unchanged_pct"]) == \
        (4, 1, 1, 1, 25.0)

    @dataclass
    class Pr:
        observers: bool
        video: bool

    o = process.observer_stats([Pr(True, True), Pr(True, False), Pr(False, False)])
    assert (o["with_observers"], o["observers_pct"], o["with_video"], o["video_pct"]) == (2, 66.7, 1, 33.3)


@dataclass
class T:
    level: str | None
    max_score: int
    total: int
    count: int
    reference: dict


def test_task_profile_gaps():
    stats = [T("basic", 1, 5, 10, {"region": 70.0, "russia": 60.0}),     # 50 % vs 70 → −20
             T("basic", 2, 16, 10, {"region": 70.0}),                       # 80 % vs 70 → +10
             T("advanced", 2, 12, 10, {"region": 40.0}),                    # 60 % vs 40 → +20
             T(None, 1, 10, 10, {})]                                        # no level: ignored
    prof = process.task_profile(stats, ("municipality", "region", "russia"))
    assert (prof["reference"], prof["basic_gap"], prof["advanced_gap"]) == ("region", -5.0, 20.0)
    assert process.task_profile(stats[:2], ("region",)) is None            # no advanced task


# ------------------------------------------------------------------ thresholds and wording

def test_thresholds_mapping_and_description():
    t = from_mapping({"min_n": "12", "bunching_p": 0.05, "unknown": 1, "medal2_base_math": "нет"})
    assert (t.min_n, t.bunching_p, t.medal2_base_math) == (12, 0.05, False)
    text = dict(describe(t))
    assert text["Наименьшее число учащихся в классе для признака"] == "12 чел."
    with pytest.raises(UserError):
        from_mapping({"bunching_p": 2})
    with pytest.raises(UserError):
        from_mapping({"min_n": "много"})


def test_russian_wording():
    assert [fmt.plural(n, "работа", "работы", "работ") for n in (1, 2, 5, 11, 21, 22, 112)] == \
        ["работа", "работы", "работ", "работ", "работа", "работы", "работ"]
    assert fmt.num(12.5) == "12,5" and fmt.num(30.0) == "30" and fmt.pct(None) == "—"
    assert fmt.pvalue(0.001953) == "0,002" and fmt.pvalue(0.00001) == "менее 0,0001"
    assert fmt.date_ru("2025-04-15") == "15.04.2025"
