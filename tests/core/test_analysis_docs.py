"""The methodology (docs/methodology.md) and the in-app help page say what the code does."""
from __future__ import annotations

import re
from pathlib import Path

from app.core.analysis.comparison import COMPARISON_RULE
from app.core.analysis.flags import FLAG_TITLES
from app.core.analysis.thresholds import DEFAULTS, describe
from app.core.paths import resource_path

ROOT = Path(__file__).resolve().parents[2]
HELP = resource_path("help") / "indicators.md"
METHOD = ROOT / "docs" / "methodology.md"


def _sections(text: str) -> list[str]:
    return [line[3:].strip() for line in text.splitlines() if line.startswith("## ")]


def _table(text: str, heading: str) -> list[tuple[str, str]]:
    part = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in part.splitlines()
            if line.startswith("| ") and not line.startswith("| ---")]
    return [tuple(r) for r in rows[1:]]          # without the header row


def test_help_and_methodology_share_every_section():
    help_text, method = HELP.read_text(encoding="utf-8"), METHOD.read_text(encoding="utf-8")
    help_sections = _sections(help_text)
    assert len(help_sections) >= 14
    assert _sections(method)[:len(help_sections)] == help_sections
    for heading in help_sections:   # the same text under every heading
        body = help_text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0].strip()
        assert body in method, heading


def test_default_thresholds_table_matches_the_code():
    for text in (HELP.read_text(encoding="utf-8"), METHOD.read_text(encoding="utf-8")):
        assert _table(text, "Пороги по умолчанию") == describe(DEFAULTS)


def test_every_flag_code_and_title_is_explained():
    text = HELP.read_text(encoding="utf-8")
    for code, title in FLAG_TITLES.items():
        assert f"«{title}»** (`{code}`" in text, code


def test_comparison_rule_is_the_one_the_report_prints():
    text = HELP.read_text(encoding="utf-8")
    first = COMPARISON_RULE.split(". ")[0]
    assert first in text
    for sentence in COMPARISON_RULE.split(". ")[1:-1]:
        assert sentence in text, sentence


def test_formulas_name_their_default_thresholds():
    text = HELP.read_text(encoding="utf-8")
    t = DEFAULTS
    for phrase in (f"не менее {t.journal_inflation_pct:g} %", f"не менее {t.external_inflation_pct:g} %",
                   f"a + b не менее {t.bunching_min_total}", f"P < {t.bunching_p:g}".replace(".", ","),
                   f"не менее {t.high_results_pp:g} п. п.", f"не менее {t.cohort_drop_pp:g} п. п.",
                   f"не менее {t.medal1_russian} баллов", f"меньше {t.recheck_unchanged_pct:g} %",
                   "κ = 1 − Σ wᵢⱼ · Oᵢⱼ ÷ Σ wᵢⱼ · Eᵢⱼ", "(понизили + повысили) ÷ n × 100 %"):
        assert phrase in text, phrase


def test_index_links_the_indicators_page():
    index = (resource_path("help") / "index.md").read_text(encoding="utf-8")
    assert re.search(r"\]\(indicators\.md\)", index)
