"""The indicator tables, one definition for the «Показатели» tab, the XLSX sheets and the PDF tables.

Each table has Russian column headers, a cell format per column and a «flagged» mark per row (the row
carries a flag), built from the JSON-ready analysis dict.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.core.domain import COMPARISON_LABELS, FLAG_LEVEL_LABELS, REFERENCE_LEVEL_LABELS

from .thresholds import describe, from_mapping

# Column formats: text, int, pct (one decimal, «%» in the header), num (two decimals), p (probability).


# The federal portal's names of the three outcomes of a comparison, shown where the columns are.
COMPARISON_TIPS = {"Понизили": COMPARISON_LABELS["lowered"], "Понизили, %": COMPARISON_LABELS["lowered"],
                   "Подтвердили": COMPARISON_LABELS["confirmed"], "Подтвердили, %": COMPARISON_LABELS["confirmed"],
                   "Повысили": COMPARISON_LABELS["raised"], "Повысили, %": COMPARISON_LABELS["raised"]}


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, float, str]]          # (header, width in characters, format)
    rows: list[list] = field(default_factory=list)
    flagged: list[bool] = field(default_factory=list)
    note: str = ""
    tips: dict[str, str] = field(default_factory=dict)      # column header → what it means, in full

    def add(self, values: list, flagged: bool = False) -> None:
        self.rows.append(values)
        self.flagged.append(flagged)


_ID = [("Год", 10, "text"), ("Процедура", 10, "text"), ("Предмет", 22, "text"), ("Параллель", 9, "int"),
       ("Класс", 8, "text")]
_CMP = [("Участников с обеими отметками", 12, "int"), ("Понизили", 9, "int"), ("Понизили, %", 9, "pct"),
        ("Подтвердили", 11, "int"), ("Подтвердили, %", 11, "pct"), ("Повысили", 9, "int"),
        ("Повысили, %", 9, "pct"), ("Каппа Коэна", 10, "num"), ("Средняя разность", 10, "num")]


def _ident(r: dict) -> list:
    return [r.get("year") or "", r.get("procedure") or "", r.get("subject") or "", r.get("grade"),
            r.get("class") or ""]


def _cmp(r: dict) -> list:
    return [r["n"], r["lowered"], r["lowered_pct"], r["confirmed"], r["confirmed_pct"], r["raised"],
            r["raised_pct"], r["kappa"], r["mean_diff"]]


def _flag_keys(flags: list[dict], codes: tuple[str, ...]) -> set:
    return {(f.get("procedure_id"), f.get("class") or "") for f in flags if f["code"] in codes}


def comparison_tables(result: dict) -> list[Table]:
    flags, ix = result["flags"], result["indicators"]
    keys = _flag_keys(flags, ("journal_inflation", "external_inflation"))
    by_class = Table("comparison", "Сравнение по классам", _ID + _CMP,
                     note=ix.get("comparison_rule", ""), tips=dict(COMPARISON_TIPS))
    for r in result["comparisons"]:
        by_class.add(_ident(r) + _cmp(r), (r["procedure_id"], r["class"]) in keys)
    out = [by_class]
    titles = {"procedure": "Сравнение по параллелям (процедура в целом)", "subject": "Сравнение по предметам",
              "grade": "Сравнение по параллелям (все предметы)", "year": "Сравнение по годам",
              "school": "Сравнение по школе за все годы"}
    for level, title in titles.items():
        t = Table(f"rollup_{level}", title, _ID + _CMP, tips=dict(COMPARISON_TIPS))
        for r in ix["rollups"][level]:
            t.add(_ident(r) + _cmp(r), (r.get("procedure_id"), "") in keys)
        out.append(t)
    return out


def index_table(result: dict) -> Table:
    ix = result["indicators"]
    t = Table("index", "Индексы необъективности", [
        ("Показатель", 30, "text"), ("Год", 10, "text"), ("Работ", 8, "int"), ("Отметка не совпала", 11, "int"),
        ("Индекс, %", 9, "pct"), ("Понизили, %", 10, "pct"), ("Повысили, %", 10, "pct")],
        note="Индекс необъективности — доля работ, в которых отметка за процедуру не совпала с отметкой "
             "по журналу, по школе за учебный год. Индекс неподтверждения медалистов — доля кандидатов на "
             "медаль с результатами ЕГЭ, не подтвердивших её. Обе доли — в процентах.",
        tips={"Понизили, %": COMPARISON_LABELS["lowered"], "Повысили, %": COMPARISON_LABELS["raised"]})
    for r in ix["objectivity_index"]:
        t.add([r["name"], r["year"], r["n"], r["differ"], r["index"], r["lowered_pct"], r["raised_pct"]])
    for m in ix["medalists"]["summary"]:
        t.add(["Индекс неподтверждения медалистов", m["year"], m["with_results"], m["unconfirmed"],
               m["index"], None, None], bool(m["unconfirmed"]))
    return t


def bunching_table(result: dict, *, only_notable: bool = False) -> Table:
    ix = result["indicators"]
    keys = {(f["procedure_id"], f["class"], f["values"].get("threshold")) for f in result["flags"]
            if f["code"] == "boundary_bunching"}
    t = Table("bunching", "Скопление баллов у границ отметок", _ID + [
        ("Работ", 7, "int"), ("Граница: отметка", 9, "text"), ("Граница: перв. балл", 9, "int"),
        ("На границе или на 1 балл выше", 11, "int"), ("На 1–2 балла ниже границы", 11, "int"),
        ("Вероятность (P)", 11, "p")],
        note="Вероятность (P) — насколько вероятно столько работ над границей, если бы работа у границы "
             "с равными шансами попадала по обе её стороны; расчёт — в методике показателей.")
    for r in ix["bunching"]:
        flagged = (r["procedure_id"], r["class"], r["threshold"]) in keys
        if only_notable and not flagged:
            continue
        t.add(_ident(r) + [r["n"], f"«{r['mark']}»", r["threshold"], r["above"], r["below"], r["p"]], flagged)
    return t


def high_table(result: dict) -> Table:
    keys = _flag_keys(result["flags"], ("high_results",))
    t = Table("high", "Высокие результаты и эталон", _ID + [
        ("Работ", 7, "int"), ("«4» и «5», %", 9, "pct"), ("«5», %", 8, "pct"), ("Средний % выполнения", 10, "pct"),
        ("Средний тестовый балл", 10, "num"), ("Муниципалитет: «4» и «5», %", 12, "pct"),
        ("Регион: «4» и «5», %", 11, "pct"), ("Россия: «4» и «5», %", 11, "pct"), ("Эталон для признака", 13, "text"),
        ("Разница, п. п.", 9, "pct")])
    for r in result["indicators"]["high_results"]:
        refs = [r["references"].get(lv, {}).get("share45") for lv in ("municipality", "region", "russia")]
        level = REFERENCE_LEVEL_LABELS.get(r["reference_level"], "") if r["reference_level"] else ""
        t.add(_ident(r) + [r["n"], r["share45"], r["share5"], r["mean_percent"], r["mean_test"], *refs, level,
                           r["diff_pp"]], (r["procedure_id"], r["class"]) in keys)
    return t


def cohort_table(result: dict) -> Table:
    keys = _flag_keys(result["flags"], ("cohort_drop",))
    t = Table("cohorts", "Те же учащиеся год спустя", _ID + [
        ("Год ранее", 10, "text"), ("Процедура ранее", 10, "text"), ("Класс ранее", 8, "text"), ("Учащихся", 9, "int"),
        ("«4» и «5» ранее, %", 10, "pct"), ("«4» и «5» теперь, %", 10, "pct"), ("Падение, п. п.", 9, "pct"),
        ("Средний % ранее", 9, "pct"), ("Средний % теперь", 9, "pct"), ("Падение среднего, п. п.", 10, "pct")])
    for r in result["indicators"]["cohorts"]:
        t.add(_ident(r) + [r["year_before"], r["procedure_before"], r["class_before"], r["n"], r["share45_before"],
                           r["share45_after"], r["drop_pp"], r["mean_before"], r["mean_after"], r["mean_drop_pp"]],
              (r["procedure_id"], r["class"]) in keys)
    return t


def oge_table(result: dict) -> Table:
    t = Table("oge", "ОГЭ и годовая отметка", _ID + [
        ("Учащихся", 9, "int"), ("ОГЭ ниже годовой", 10, "int"), ("Совпали", 9, "int"), ("ОГЭ выше годовой", 10, "int"),
        ("Расхождение на 2 и более", 11, "int"), ("То же, %", 9, "pct"), ("Средняя разность", 10, "num")],
        note="Отметка в аттестате — среднее годовой и экзаменационной, поэтому важно расхождение на 2 балла и более.")
    for r in result["indicators"]["oge_vs_annual"]:
        t.add(_ident(r) + [r["n"], r["below"], r["equal"], r["above"], r["wide"], r["wide_pct"], r["mean_gap"]],
              bool(r["wide"]) and bool(r["class"]))
    return t


def medal_table(result: dict) -> Table:
    status = {"confirmed": "подтверждена", "unconfirmed": "не подтверждена", "no_data": "нет результатов ЕГЭ"}
    roman = {0: "нет", 1: "I", 2: "II"}
    t = Table("medals", "Медалисты и ЕГЭ", [
        ("Год", 10, "text"), ("Класс", 8, "text"), ("Код учащегося", 12, "text"), ("Степень медали", 9, "text"),
        ("Русский язык, балл", 10, "int"), ("Лучший другой предмет", 22, "text"), ("Балл", 7, "int"),
        ("Базовая математика", 10, "int"), ("Соответствует степени", 11, "text"), ("Итог", 18, "text")])
    for s in result["indicators"]["medalists"]["students"]:
        t.add([s["year"], s["class"], s["code"], roman[s["degree"]], s["russian"], s["best_other_subject"] or "",
               s["best_other"], s["base_math"], roman[s["degree_met"]], status[s["status"]]],
              s["status"] == "unconfirmed")
    return t


def process_tables(result: dict) -> list[Table]:
    ix = result["indicators"]
    flagged = {(f.get("procedure_id"), f["procedure_kind"], f["year"]) for f in result["flags"]
               if f["code"] == "recheck_changes"}
    rc = Table("rechecks", "Перепроверки", _ID + [
        ("Перепроверено", 10, "int"), ("Без изменений", 10, "int"), ("Без изменений, %", 10, "pct"),
        ("Балл снижен", 9, "int"), ("Балл повышен", 9, "int")],
        note="Без изменений — тот же балл и ни один критерий не изменён. Строки без предмета — итог года.")
    for r in ix["rechecks"]["procedures"] + ix["rechecks"]["years"]:
        key = (r.get("procedure_id"), r["procedure_kind"], r["year"])
        rc.add(_ident(r) + [r["total"], r["unchanged"], r["unchanged_pct"], r["score_lowered"], r["score_raised"]],
               key in flagged)
    obs = Table("observers", "Наблюдатели и видеозапись", _ID + [
        ("Дата", 11, "text"), ("Общественные наблюдатели", 13, "text"), ("Наблюдателей в списке", 11, "int"),
        ("Видеозапись", 11, "text"), ("Проверка", 14, "text")])
    no_obs = _flag_keys(result["flags"], ("no_observers",))
    for p in ix["observers"]["procedures"]:
        obs.add(_ident(p) + [p["date"] or "", "да" if p["observers"] else "нет", p["observer_count"],
                             "да" if p["video"] else "нет",
                             "муниципальная комиссия" if p["checked_by"] == "municipal" else "школа"],
                (p["procedure_id"], "") in no_obs)
    summary = Table("observers_summary", "Охват наблюдением", [
        ("Процедура", 12, "text"), ("Год", 10, "text"), ("Процедур", 9, "int"), ("С наблюдателями", 11, "int"),
        ("С наблюдателями, %", 11, "pct"), ("С видеозаписью", 11, "int"), ("С видеозаписью, %", 11, "pct")])
    for s in ix["observers"]["summary"]:
        summary.add([s["procedure"], s["year"], s["procedures"], s["with_observers"], s["observers_pct"],
                     s["with_video"], s["video_pct"]])
    return [rc, summary, obs]


def task_table(result: dict) -> Table:
    keys = _flag_keys(result["flags"], ("task_profile",))
    t = Table("tasks", "Профиль выполнения заданий", _ID + [
        ("Эталон", 12, "text"), ("Базовых заданий", 9, "int"), ("Сложных заданий", 9, "int"),
        ("Базовые: разница с эталоном, п. п.", 13, "pct"), ("Сложные: разница с эталоном, п. п.", 13, "pct")])
    for r in result["indicators"]["task_profile"]:
        t.add(_ident(r) + [REFERENCE_LEVEL_LABELS.get(r["reference"], r["reference"]), r["basic_tasks"],
                           r["advanced_tasks"], r["basic_gap"], r["advanced_gap"]], (r["procedure_id"], r["class"]) in keys)
    return t


def flags_table(result: dict) -> Table:
    t = Table("flags", "Признаки необъективности", [
        ("№", 5, "int"), ("Уровень", 10, "text"), ("Признак", 30, "text"), ("Год", 10, "text"),
        ("Процедура", 10, "text"), ("Предмет", 20, "text"), ("Класс", 8, "text"), ("Причина", 80, "text")])
    for i, f in enumerate(result["flags"], 1):
        t.add([i, FLAG_LEVEL_LABELS[f["level"]], f.get("title", f["code"]), f["year"], f["procedure"], f["subject"],
               f["class"] or "параллель / школа", f["reason"]], True)
    return t


def thresholds_table(result: dict) -> Table:
    t = Table("thresholds", "Пороги признаков", [("Порог", 70, "text"), ("Значение", 14, "text")],
              note="Пороги задаются в «Настройках» и действуют для всех отчётов школы.")
    for label, value in describe(from_mapping(result["indicators"]["thresholds"])):
        t.add([label, value])
    return t


def all_tables(result: dict) -> list[Table]:
    """Every indicator group, in the order of the report."""
    return [index_table(result), flags_table(result), *comparison_tables(result), bunching_table(result),
            high_table(result), cohort_table(result), oge_table(result), medal_table(result),
            *process_tables(result), task_table(result), thresholds_table(result)]
