"""The demo school: every planted anomaly is flagged and nothing else is (docs/demo-school.md)."""
from __future__ import annotations

import pytest

from app.core import demo
from app.core.analysis import analyze, run

# (code, level, class, subject, procedure, year) of every flag the demo school must raise — no more.
EXPECTED = {
    ("external_inflation", "risk", "7А", "Русский язык", "ВПР", "2025/2026"),
    ("cohort_drop", "risk", "5В", "Русский язык", "ВПР", "2025/2026"),
    ("boundary_bunching", "risk", "8Б", "Математика", "ВПР", "2024/2025"),
    ("journal_inflation", "attention", "6Б", "Математика", "ВПР", "2025/2026"),
    ("medal_unconfirmed", "attention", "11Б", "", "ЕГЭ", "2025/2026"),
}


def _keys(flags):
    return {(f["code"], f["level"], f["class"], f["subject"], f["procedure"], f["year"]) for f in flags}


@pytest.fixture(scope="module")
def demo_analysis(demo_template):
    from app.core import store

    db = store.open_db(demo_template)
    try:
        yield run(db), {y: analyze(db, year=y) for y in ("2023/2024", "2024/2025", "2025/2026")}
    finally:
        db.close()


def test_exactly_the_planted_flags(demo_analysis):
    analysis, _ = demo_analysis
    assert _keys(analysis.flags) == EXPECTED
    assert len(analysis.flags) == len(EXPECTED)          # no duplicate of a planted anomaly either


def test_planted_keys_match_the_demo_constants(demo_analysis):
    analysis, _ = demo_analysis
    by_code = {f["code"]: f for f in analysis.flags}
    for code, (year, label, subject) in (("journal_inflation", demo.JOURNAL_INFLATION),
                                         ("external_inflation", demo.EXTERNAL_INFLATION),
                                         ("boundary_bunching", demo.BOUNDARY_BUNCHING)):
        assert (by_code[code]["year"], by_code[code]["class"], by_code[code]["subject"]) == (year, label, subject)
    subject, (year_before, before), (year_after, after) = demo.COHORT_DROP
    drop = by_code["cohort_drop"]
    assert (drop["subject"], drop["year"], drop["class"]) == (subject, year_after, after)
    assert (drop["values"]["year_before"], drop["values"]["class_before"]) == (year_before, before)
    assert by_code["medal_unconfirmed"]["year"] == demo.MEDAL_UNCONFIRMED_YEAR
    assert by_code["boundary_bunching"]["values"]["mark"] == 4


def test_every_reason_names_class_numbers_and_threshold(demo_analysis):
    analysis, _ = demo_analysis
    for f in analysis.flags:
        reason = f["reason"]
        assert f["class"] in reason and f["year"] in reason, reason
        assert any(ch.isdigit() for ch in reason.replace(f["year"], "").replace(f["class"], ""))
        if f["code"] != "medal_unconfirmed":
            assert f["subject"] in reason and "порог" in reason, reason
        else:
            assert "не менее 70" in reason and "35611" in reason


def test_year_filter_keeps_each_flag_in_its_year(demo_analysis):
    _, per_year = demo_analysis
    assert per_year["2023/2024"]["flags"] == []
    assert _keys(per_year["2024/2025"]["flags"]) == {k for k in EXPECTED if k[5] == "2024/2025"}
    assert _keys(per_year["2025/2026"]["flags"]) == {k for k in EXPECTED if k[5] == "2025/2026"}


def test_clean_classes_stay_below_every_threshold(demo_analysis):
    """No clean class comes close enough to a threshold that a small change of data would flag it."""
    analysis, _ = demo_analysis
    t = analysis.thresholds
    planted = {(k[5], k[2], k[3]) for k in EXPECTED if k[0] in ("journal_inflation", "external_inflation")}
    for r in analysis.comparisons:
        if (r["year"], r["class"], r["subject"]) in planted or r["n"] < t.min_n:
            continue
        assert r["lowered_pct"] < t.journal_inflation_pct and r["raised_pct"] < t.external_inflation_pct, r
    for c in analysis.indicators["cohorts"]:
        if c["class"] != "5В" or c["subject"] != "Русский язык":
            assert c["drop_pp"] < t.cohort_drop_pp, c
