"""Thresholds of the indicators and flags (DESIGN §5): defaults, load and save in the school DB.

Every number a flag rule compares with lives here, is editable in «Настройки» and is printed in every
analysis report. Values are stored as one JSON object under the settings key ``analysis.thresholds``;
unknown keys are ignored and missing keys take the defaults, so old files keep working.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from app.core.errors import UserError
from app.core.settings import ANALYSIS_THRESHOLDS, STUDENT_DISPLAY, get_setting, set_setting

SETTINGS_KEY = ANALYSIS_THRESHOLDS
DISPLAY_KEY = STUDENT_DISPLAY   # 'codes' | 'names'


@dataclass(frozen=True)
class Thresholds:
    min_n: int = 10                          # least pupils in a class for class-level flags
    journal_inflation_pct: float = 30.0      # lowered ≥ … % → journal_inflation
    journal_inflation_risk_pct: float = 50.0
    external_inflation_pct: float = 20.0     # raised ≥ … % → external_inflation
    external_inflation_risk_pct: float = 35.0
    index_attention_pct: float = 25.0        # индекс необъективности ≥ … % is marked «внимание» (no flag)
    index_risk_pct: float = 40.0             # … and «риск»
    bunching_min_total: int = 8              # a + b ≥ …
    bunching_p: float = 0.01                 # one-sided binomial P < … → flag
    bunching_risk_p: float = 0.001
    high_results_pp: float = 20.0            # share of «4» and «5» above the reference by ≥ … p.p.
    high_results_risk_pp: float = 30.0
    cohort_drop_pp: float = 25.0             # drop of the share of «4» and «5» a year later
    cohort_drop_mean_pp: float = 20.0        # or drop of the mean % of the maximum
    cohort_drop_risk_pp: float = 40.0
    oge_gap: int = 2                         # |ОГЭ − annual| ≥ … counts as a gap
    medal1_russian: int = 70
    medal1_other: int = 70
    medal2_russian: int = 60
    medal2_other: int = 60
    medal_base_math_mark: int = 5            # «5» in base mathematics replaces the second subject
    medal2_base_math: bool = True            # … for the II degree too
    recheck_unchanged_pct: float = 80.0      # share of rechecks without changes below … → flag
    recheck_risk_pct: float = 60.0
    recheck_min: int = 5                     # least rechecks for the flag
    task_basic_below_pp: float = 5.0         # basic tasks below the reference by ≥ … p.p.
    task_advanced_above_pp: float = 5.0      # and advanced/high tasks above it by ≥ … p.p.
    task_risk_pp: float = 15.0               # risk when both gaps reach …

    def as_json(self) -> dict:
        return asdict(self)


DEFAULTS = Thresholds()

# (field, Russian label, unit) in the order the settings dialog and the reports show them.
DESCRIPTIONS: list[tuple[str, str, str]] = [
    ("min_n", "Наименьшее число учащихся в классе для признака", "чел."),
    ("journal_inflation_pct", "Завышение отметок в журнале: доля «понизили» не менее", "%"),
    ("journal_inflation_risk_pct", "… уровень «риск»: доля «понизили» не менее", "%"),
    ("external_inflation_pct", "Завышение результатов процедуры: доля «повысили» не менее", "%"),
    ("external_inflation_risk_pct", "… уровень «риск»: доля «повысили» не менее", "%"),
    ("index_attention_pct", "Индекс необъективности выделяется («внимание») от", "%"),
    ("index_risk_pct", "… уровень «риск»: индекс необъективности от", "%"),
    ("bunching_min_total", "Скопление у границы отметки: работ у границы (a + b) не менее", "шт."),
    ("bunching_p", "… вероятность случайного скопления P менее", ""),
    ("bunching_risk_p", "… уровень «риск»: P менее", ""),
    ("high_results_pp", "Высокие результаты: доля «4» и «5» выше эталона не менее чем на", "п. п."),
    ("high_results_risk_pp", "… уровень «риск»: выше эталона не менее чем на", "п. п."),
    ("cohort_drop_pp", "Падение в когорте: доля «4» и «5» ниже прошлогодней не менее чем на", "п. п."),
    ("cohort_drop_mean_pp", "… или средний процент выполнения ниже не менее чем на", "п. п."),
    ("cohort_drop_risk_pp", "… уровень «риск»: падение доли «4» и «5» не менее", "п. п."),
    ("oge_gap", "ОГЭ и годовая отметка: расхождение, которое учитывается, не менее", "балл"),
    ("medal1_russian", "Медаль I степени: ЕГЭ по русскому языку не менее", "балл"),
    ("medal1_other", "Медаль I степени: ЕГЭ по второму предмету не менее", "балл"),
    ("medal2_russian", "Медаль II степени: ЕГЭ по русскому языку не менее", "балл"),
    ("medal2_other", "Медаль II степени: ЕГЭ по второму предмету не менее", "балл"),
    ("medal_base_math_mark", "Отметка по базовой математике, заменяющая второй предмет", ""),
    ("medal2_base_math", "Базовая математика засчитывается и для II степени", ""),
    ("recheck_unchanged_pct", "Перепроверки: доля работ без изменений менее", "%"),
    ("recheck_risk_pct", "… уровень «риск»: доля без изменений менее", "%"),
    ("recheck_min", "Перепроверки: наименьшее число перепроверенных работ", "шт."),
    ("task_basic_below_pp", "Профиль заданий: базовые задания ниже эталона не менее чем на", "п. п."),
    ("task_advanced_above_pp", "… и задания повышенного уровня выше эталона не менее чем на", "п. п."),
    ("task_risk_pp", "… уровень «риск»: оба расхождения не менее", "п. п."),
]


def _coerce(name: str, value: Any) -> Any:
    kind = type(getattr(DEFAULTS, name))
    try:
        if kind is bool:
            if isinstance(value, str):
                return value.strip().lower() in ("1", "true", "да", "yes")
            return bool(value)
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        return float(value)
    except (TypeError, ValueError):
        label = next(d[1] for d in DESCRIPTIONS if d[0] == name)
        raise UserError(f"Порог «{label}»: значение «{value}» не является числом.") from None


def validate(t: Thresholds) -> Thresholds:
    """Refuse values that make no sense (negative counts, percents above 100, P outside 0…1)."""
    problems = []
    for name, label, unit in DESCRIPTIONS:
        value = getattr(t, name)
        if isinstance(value, bool):
            continue
        if value < 0:
            problems.append(f"«{label}» не может быть отрицательным")
        elif unit in ("%", "п. п.") and value > 100:
            problems.append(f"«{label}» не может быть больше 100")
        elif name.startswith("bunching_p") or name == "bunching_risk_p":
            if not 0 < value < 1:
                problems.append(f"«{label}» должна быть между 0 и 1")
        elif name.startswith("medal") and name != "medal_base_math_mark" and value > 100:
            problems.append(f"«{label}» не может быть больше 100 баллов")
    if not 2 <= t.medal_base_math_mark <= 5:
        problems.append("Отметка по базовой математике должна быть от 2 до 5")
    if t.min_n < 1:
        problems.append("Наименьшее число учащихся должно быть не меньше 1")
    if problems:
        raise UserError("Пороги не сохранены: " + "; ".join(problems) + ".")
    return t


def from_mapping(values: dict | None) -> Thresholds:
    """Build thresholds from a (partial) mapping; unknown keys are ignored."""
    known = {f.name for f in fields(Thresholds)}
    clean = {k: _coerce(k, v) for k, v in (values or {}).items() if k in known}
    return validate(replace(DEFAULTS, **clean))


def load_thresholds(db) -> Thresholds:
    stored = get_setting(db, SETTINGS_KEY) if db is not None else {}
    try:
        return from_mapping(stored if isinstance(stored, dict) else {})
    except UserError:
        return DEFAULTS   # a damaged setting never stops the analysis


def save_thresholds(db, thresholds: Thresholds | dict) -> Thresholds:
    t = thresholds if isinstance(thresholds, Thresholds) else from_mapping(thresholds)
    validate(t)
    set_setting(db, SETTINGS_KEY, t.as_json())
    return t


def load_student_display(db) -> str:
    value = get_setting(db, DISPLAY_KEY) if db is not None else "codes"
    return value if value in ("codes", "names") else "codes"


def save_student_display(db, value: str) -> None:
    if value not in ("codes", "names"):
        raise UserError("Способ показа учащихся: «codes» (коды) или «names» (фамилии и имена).")
    set_setting(db, DISPLAY_KEY, value)


def format_value(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        text = f"{value:g}".replace(".", ",")
    else:
        text = str(value)
    unit = next((d[2] for d in DESCRIPTIONS if d[0] == name), "")
    if unit == "балл" and isinstance(value, int):
        from .fmt import plural

        unit = plural(value, "балл", "балла", "баллов")
    return f"{text} {unit}".strip()


def describe(t: Thresholds) -> list[tuple[str, str]]:
    """(Russian label, value with unit) for every threshold, for reports and the help page."""
    return [(label, format_value(name, getattr(t, name))) for name, label, _unit in DESCRIPTIONS]
