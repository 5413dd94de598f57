"""Flags (признаки необъективности) of DESIGN §5: code, level and a reason a deputy can read aloud.

Class rows are checked first. A whole-parallel row (class '') is checked only where classes cannot be:
when the procedure has a class below the least size (``min_n``) or no class at all, and no class of the
procedure already got the same flag (for bunching: at the same threshold). So one anomaly never shows
twice, small schools are still covered, and a pooled test never outvotes the classes it is made of.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from app.core.domain import FLAG_LEVEL_LABELS, REFERENCE_LEVEL_LABELS, Flag

from . import fmt
from .thresholds import Thresholds

FLAG_TITLES = {
    "journal_inflation": "Отметки в журнале выше результатов процедуры",
    "external_inflation": "Результаты процедуры выше отметок в журнале",
    "boundary_bunching": "Скопление баллов у границы отметки",
    "high_results": "Результаты заметно выше эталона",
    "cohort_drop": "Резкое падение результатов тех же учащихся",
    "medal_unconfirmed": "Медалист не подтвердил отметки на ЕГЭ",
    "task_profile": "Базовые задания хуже, сложные — лучше эталона",
    "recheck_changes": "Перепроверка часто меняет результаты",
    "no_observers": "Процедура без общественных наблюдателей",
}

# Which chart opens a flag in «Анализ».
FLAG_CHARTS = {
    "journal_inflation": "comparison", "external_inflation": "comparison",
    "boundary_bunching": "histogram", "high_results": "reference", "cohort_drop": "cohort",
    "medal_unconfirmed": "medals", "task_profile": "reference", "recheck_changes": "rechecks",
    "no_observers": "observers",
}


def make_flag(code: str, level: str, reason: str, row: dict, **values) -> dict:
    flag = Flag(code=code, level=level, reason=reason, procedure=row.get("procedure") or "",
                subject=row.get("subject") or "", class_label=row.get("class") or "",
                year=row.get("year") or "", grade=row.get("grade"), procedure_id=row.get("procedure_id"))
    return {**flag.as_json(), "title": FLAG_TITLES[code], "level_label": FLAG_LEVEL_LABELS[level],
            "chart": FLAG_CHARTS[code], "procedure_kind": row.get("procedure_kind"), "values": values}


def _two_levels(rows: Iterable[dict], rule: Callable[[dict], dict | None], key: Callable[[dict], tuple],
                min_n: int):
    """Apply ``rule`` to class rows, then to the parallel rows the classes cannot stand for."""
    rows = list(rows)
    out, covered, with_class, small = [], set(), set(), set()
    for r in rows:
        if r.get("class"):
            with_class.add(r["procedure_id"])
            if r["n"] < min_n:
                small.add(r["procedure_id"])
            f = rule(r)
            if f is not None:
                out.append(f)
                covered.add(key(r))
    for r in rows:
        pid = r["procedure_id"]
        if r.get("class") or key(r) in covered or (pid in with_class and pid not in small):
            continue
        f = rule(r)
        if f is not None:
            out.append(f)
    return out


def _by_proc(r: dict) -> tuple:
    return (r["procedure_id"],)


def comparison_flags(rows: list[dict], t: Thresholds) -> list[dict]:
    def journal(r):
        if r["n"] < t.min_n or r["lowered"] * 100 < t.journal_inflation_pct * r["n"]:
            return None
        level = "risk" if r["lowered"] * 100 >= t.journal_inflation_risk_pct * r["n"] else "attention"
        reason = (f"{fmt.where(r)}: у {r['lowered']} из {fmt.count(r['n'], 'учащегося', 'учащихся', 'учащихся')} "
                  f"({fmt.pct(r['lowered_pct'])}) отметка за {r['procedure']} ниже отметки по журналу; "
                  f"порог — {fmt.pct(t.journal_inflation_pct)}. Отметки в журнале, по-видимому, завышены.")
        return make_flag("journal_inflation", level, reason, r, n=r["n"], count=r["lowered"],
                         percent=r["lowered_pct"], threshold=t.journal_inflation_pct)

    def external(r):
        if r["n"] < t.min_n or r["raised"] * 100 < t.external_inflation_pct * r["n"]:
            return None
        level = "risk" if r["raised"] * 100 >= t.external_inflation_risk_pct * r["n"] else "attention"
        reason = (f"{fmt.where(r)}: у {r['raised']} из {fmt.count(r['n'], 'учащегося', 'учащихся', 'учащихся')} "
                  f"({fmt.pct(r['raised_pct'])}) отметка за {r['procedure']} выше отметки по журналу; "
                  f"порог — {fmt.pct(t.external_inflation_pct)}. Результаты процедуры могут быть необъективными.")
        return make_flag("external_inflation", level, reason, r, n=r["n"], count=r["raised"],
                         percent=r["raised_pct"], threshold=t.external_inflation_pct)

    return _two_levels(rows, journal, _by_proc, t.min_n) + _two_levels(rows, external, _by_proc, t.min_n)


def bunching_flags(rows: list[dict], t: Thresholds) -> list[dict]:
    def rule(r):
        if not r["significant"] or (r["class"] and r["n"] < t.min_n):
            return None
        level = "risk" if r["p"] < t.bunching_risk_p else "attention"
        th = r["threshold"]
        below = "ни одной" if not r["below"] else fmt.count(r["below"], "работа", "работы", "работ")
        reason = (f"{fmt.where(r)}: у границы отметки «{r['mark']}» ({th} перв. б.) "
                  f"{fmt.count(r['above'], 'работа набрала', 'работы набрали', 'работ набрали')} {th}–{th + 1} "
                  f"б., а {max(th - 2, 0)}–{th - 1} б. — {below}; вероятность такого скопления "
                  f"при объективной проверке P = {fmt.pvalue(r['p'])} (порог — {fmt.pvalue(t.bunching_p)}).")
        return make_flag("boundary_bunching", level, reason, r, threshold=th, mark=r["mark"],
                         above=r["above"], below=r["below"], p=r["p"])

    return _two_levels(rows, rule, lambda r: (r["procedure_id"], r["threshold"]), t.min_n)


def high_result_flags(rows: list[dict], t: Thresholds) -> list[dict]:
    def rule(r):
        diff = r.get("diff_pp")
        if diff is None or r["n"] < t.min_n or diff < t.high_results_pp:
            return None
        level = "risk" if diff >= t.high_results_risk_pp else "attention"
        ref = REFERENCE_LEVEL_LABELS.get(r["reference_level"], r["reference_level"])
        reason = (f"{fmt.where(r)}: доля «4» и «5» — {fmt.pct(r['share45'])} "
                  f"({fmt.count(r['n'], 'работа', 'работы', 'работ')}), эталон ({ref}) — "
                  f"{fmt.pct(r['reference_share45'])}; выше на {fmt.pp(diff)} при пороге {fmt.pp(t.high_results_pp)}.")
        return make_flag("high_results", level, reason, r, share45=r["share45"],
                         reference=r["reference_share45"], reference_level=r["reference_level"], diff_pp=diff)

    return _two_levels(rows, rule, _by_proc, t.min_n)


def cohort_flags(rows: list[dict], t: Thresholds) -> list[dict]:
    def rule(r):
        drop, mdrop = r["drop_pp"], r["mean_drop_pp"]
        by_share = drop >= t.cohort_drop_pp
        by_mean = mdrop is not None and mdrop >= t.cohort_drop_mean_pp
        if r["n"] < t.min_n or not (by_share or by_mean):
            return None
        level = "risk" if drop >= t.cohort_drop_risk_pp else "attention"
        before = f"{r['class_before']}, " if r["class_before"] else ""
        reason = (f"{fmt.where(r)}: те же {fmt.count(r['n'], 'учащийся', 'учащихся', 'учащихся')} "
                  f"в {r['year_before']} ({before}{r['procedure_before']}, {r['grade_before']} класс) "
                  f"получили «4» и «5» в {fmt.pct(r['share45_before'])} работ, а в {r['year']} — "
                  f"в {fmt.pct(r['share45_after'])}: падение на {fmt.pp(drop)} (порог — {fmt.pp(t.cohort_drop_pp)}); "
                  f"средний процент выполнения — {fmt.pct(r['mean_before'])} и {fmt.pct(r['mean_after'])} "
                  f"(порог падения — {fmt.pp(t.cohort_drop_mean_pp)}). Прошлогодние результаты могли быть завышены.")
        return make_flag("cohort_drop", level, reason, r, n=r["n"], drop_pp=drop, mean_drop_pp=mdrop,
                         class_before=r["class_before"], year_before=r["year_before"],
                         procedure_before_id=r["procedure_before_id"])

    return _two_levels(rows, rule, _by_proc, t.min_n)


def _score(value, unit="балл") -> str:
    return "нет результата" if value is None else f"{value} {fmt.plural(value, unit, unit + 'а', unit + 'ов')}"


def _lower_first(name: str) -> str:
    """A subject inside a sentence: «Обществознание» → «обществознание»."""
    return name[:1].lower() + name[1:]


def medal_flags(students: list[dict], t: Thresholds) -> list[dict]:
    out = []
    roman = {1: "I", 2: "II"}
    for s in students:
        if s["status"] != "unconfirmed":
            continue
        deg = s["degree"]
        need_r, need_o = (t.medal1_russian, t.medal1_other) if deg == 1 else (t.medal2_russian, t.medal2_other)
        other = (f"{_lower_first(s['best_other_subject'])} — {_score(s['best_other'])}" if s["best_other_subject"]
                 else "другой предмет — нет результата")
        base = "нет результата" if s["base_math"] is None else f"отметка «{s['base_math']}»"
        met = (f"соответствуют медали {roman[s['degree_met']]} степени" if s["degree_met"]
               else "не соответствуют ни одной степени")
        reason = (f"{s['class']} класс, ЕГЭ {s['year']}: кандидат на медаль {roman[deg]} степени "
                  f"(код {s['code']}) — русский язык: {_score(s['russian'])} (нужно не менее {need_r}); "
                  f"{other} (нужно не менее {need_o}); базовая математика: {base}. "
                  f"Результаты ЕГЭ не подтверждают медаль {roman[deg]} степени и {met}.")
        row = {"procedure": "ЕГЭ", "procedure_kind": "ege", "subject": "", "class": s["class"],
               "year": s["year"], "grade": 11}
        level = "attention" if s["degree_met"] else "risk"
        out.append(make_flag("medal_unconfirmed", level, reason, row, student_code=s["code"],
                             student_id=s["student_id"], degree=deg, degree_met=s["degree_met"]))
    return out


def recheck_flags(recheck: dict, t: Thresholds) -> list[dict]:
    def rule(r):
        if r["total"] < t.recheck_min or r["unchanged"] * 100 >= t.recheck_unchanged_pct * r["total"]:
            return None
        level = "risk" if r["unchanged"] * 100 < t.recheck_risk_pct * r["total"] else "attention"
        head = fmt.where(r) if r.get("subject") else f"{r['procedure']} {r['year']}, все процедуры года"
        reason = (f"{head}: из {fmt.count(r['total'], 'перепроверенной работы', 'перепроверенных работ', 'перепроверенных работ')} "
                  f"без изменений осталось {r['unchanged']} ({fmt.pct(r['unchanged_pct'])}); порог — не менее "
                  f"{fmt.pct(t.recheck_unchanged_pct)}. Проверка в школе расходится с перепроверкой.")
        return make_flag("recheck_changes", level, reason, r, total=r["total"], unchanged=r["unchanged"],
                         percent=r["unchanged_pct"])

    out = [f for r in recheck["procedures"] if (f := rule(r))]
    covered = {(f["procedure_kind"], f["year"]) for f in out}
    out += [f for r in recheck["years"] if (r["procedure_kind"], r["year"]) not in covered and (f := rule(r))]
    return out


def observer_flags(listing: list[dict]) -> list[dict]:
    out = []
    for p in listing:
        if p["procedure_kind"] not in ("vpr", "oge") or p["observers"]:
            continue
        when = f" ({fmt.date_ru(p['date'])})" if p.get("date") else ""
        video = "видеозапись велась" if p["video"] else "видеозапись не велась"
        reason = (f"{fmt.where(p)}{when}: общественные наблюдатели на процедуре не отмечены, {video}. "
                  "Без наблюдателей объективность проведения нечем подтвердить.")
        out.append(make_flag("no_observers", "attention", reason, p, video=p["video"]))
    return out


def task_flags(rows: list[dict], t: Thresholds) -> list[dict]:
    def rule(r):
        if r["n"] < t.min_n or r["basic_gap"] > -t.task_basic_below_pp or r["advanced_gap"] < t.task_advanced_above_pp:
            return None
        risk = -r["basic_gap"] >= t.task_risk_pp and r["advanced_gap"] >= t.task_risk_pp
        ref = REFERENCE_LEVEL_LABELS.get(r["reference"], r["reference"])
        reason = (f"{fmt.where(r)}: задания базового уровня выполнены хуже эталона ({ref}) на "
                  f"{fmt.pp(-r['basic_gap'])}, а задания повышенного и высокого уровня — лучше на "
                  f"{fmt.pp(r['advanced_gap'])} (пороги — {fmt.pp(t.task_basic_below_pp)} и "
                  f"{fmt.pp(t.task_advanced_above_pp)}). Такой профиль характерен для известных заранее ответов.")
        return make_flag("task_profile", "risk" if risk else "attention", reason, r,
                         basic_gap=r["basic_gap"], advanced_gap=r["advanced_gap"])

    return _two_levels(rows, rule, _by_proc, t.min_n)


_LEVEL_ORDER = {"risk": 0, "attention": 1}
CODES = list(FLAG_TITLES)


def sort_flags(flags: list[dict]) -> list[dict]:
    from .engine import class_sort_key

    return sorted(flags, key=lambda f: (_LEVEL_ORDER[f["level"]], -int((f["year"] or "0")[:4]),
                                        CODES.index(f["code"]),
                                        f["subject"], class_sort_key(f["class"] or "")))
