"""Build the ВПР fixtures of real layouts (tests/data/real-layouts/vpr_*), as schools have them.

Each layout is described in the real-files issue; the people and codes here are invented. Every
workbook is written with openpyxl and then re-saved through LibreOffice (``resave.py``), so it keeps
its text in shared strings and its formulas with cached values, as Excel, LibreOffice and ФИС ОКО
write them. The results are committed: the tests read them and never need an office suite.

    .venv/bin/python tests/make_real_layouts_vpr.py

The data are fixed (no randomness), so a rebuild gives the same cells; the numbers the tests assert
are computed from the tables below (see ``expected()``).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resave import resave  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "real-layouts"
ABSENT = "отсутствовал"

# -- 1. ФИС ОКО «Форма сбора результатов» 2025, with a sheet «Классы» ------------------------------

FORM25_NAME = "vpr_Форма сбора результатов Русский язык 5 класс ВПР 2025.xlsx"
FORM25_TASKS = ["1К1 (4б)", "1К2 (3б)", "2 (2б)", "4К1 (3б)", "5.1 (1б)", "5.2 (1б)", "11.3 k1 (2б)"]
FORM25_NUMBERS = ["1К1", "1К2", "2", "4К1", "5.1", "5.2", "11.3К1"]
FORM25_MAX = [4, 3, 2, 3, 1, 1, 2]
# code, class ordinal, sex, variant (or an absence), scores («X»: not done), journal mark
FORM25_ROWS = [
    ("50101", 1, "Ж", 1, [4, 3, 2, 3, 1, 1, 2], 5),
    ("50102", 1, "М", 2, [2, 1, 1, 2, 0, 1, 1], 3),
    ("50103", 1, "Ж", 1, [3, 2, 2, 2, 1, 0, 2], 4),
    ("50104", 1, "М", ABSENT, None, 4),
    ("50105", 1, "М", 1, [1, 1, 0, 1, 0, 0, "X"], 2),
    ("50106", 1, "Ж", 2, [4, 2, 2, 3, 1, 1, 1], "нет отметки"),
    ("50201", 2, "Ж", 2, [3, 3, 1, 2, 1, 1, 2], 4),
    ("50202", 2, "М", 1, [2, 2, 1, 1, 1, 0, 0], 3),
    ("50203", 2, "Ж", "отсутсвовал", None, 5),      # the misspelling of real forms
    ("50204", 2, "М", 1, [4, 3, 2, 3, 0, 1, 2], 5),
    ("50205", 2, "Ж", 2, [0, 1, 1, 0, 0, 0, 0], 3),
    ("50206", 2, "М", 2, [3, 2, "X", 2, 1, 1, 1], 4),
]
FORM25_CLASSES = [(1, "5А"), (2, "5Б")]


def _service_sheet(wb: openpyxl.Workbook) -> None:
    """The hidden sheet «Служебный» with the drop-down lists of the form."""
    ws = wb.create_sheet("Служебный")
    lists = [["отсутствовал", "X"], ["М", "Ж"], ["нет отметки", 2, 3, 4, 5], [1, 2, 3, 4, 5, 6]]
    for c, values in enumerate(lists, start=1):
        for r, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    ws.sheet_state = "hidden"


def _total_formulas(ws, first_row: int, last_row: int, total_col: int, first_task: int, last_task: int) -> None:
    """«Итого баллов» as the form has it: a formula pre-filled far below the last pupil (0 there)."""
    a, b = get_column_letter(first_task), get_column_letter(last_task)
    for r in range(first_row, last_row + 1):
        ws.cell(row=r, column=total_col, value=f"=SUM({a}{r}:{b}{r})")


def form_2025(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Протокол"
    head = ["№", "Код участника", 'Класс № (список формируется из листа "Классы")', "Пол", "Вариант",
            *FORM25_TASKS, "Отметка за предыдущий триместр/ четверть/полугодие", "Итого баллов"]
    ws.append(head)
    n_tasks = len(FORM25_TASKS)
    for i, (code, ordinal, sex, variant, scores, journal) in enumerate(FORM25_ROWS):
        ws.append([i + 1, code, ordinal, sex, variant, *(scores or [None] * n_tasks), journal])
    _total_formulas(ws, 2, 300, len(head), 6, 5 + n_tasks)
    classes = wb.create_sheet("Классы")
    classes.append(["№", "Класс"])
    for number, label in FORM25_CLASSES:
        classes.append([number, label])
    _service_sheet(wb)
    return _finish(wb, path)


# -- 2. ФИС ОКО form 2026: a two-part work, ordinals only, «Итого» to row 1500 ---------------------

FORM26_NAME = "vpr_Форма сбора результатов Русский язык 4 класс ВПР 2026.xlsx"
RUS4_MAX = [2, 1, 2, 3, 2, 1, 1, 2, 3, 3, 1, 3]       # the 2026 demo version, 24 in all
RUS4_LEVELS = ["Б", "Б", "Б", "Б", "Б", "Б", "Б", "Б", "П", "П", "Б", "П"]
RUS4_THRESHOLDS = [10, 16, 21]                        # «ВПР 2026, русский язык, 4 класс»
# code, ordinal, sex, variant part 1, variant part 2, scores, journal mark
FORM26_ROWS = [
    ("40101", 1, "Ж", 1, 1, [2, 1, 2, 3, 2, 1, 1, 2, 3, 3, 1, 3], 5),
    ("40102", 1, "М", 2, 2, [1, 1, 1, 2, 1, 0, 1, 1, 1, 2, 0, 1], 4),
    ("40103", 1, "Ж", 1, 1, [2, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0], 3),
    ("40104", 1, "М", ABSENT, None, None, 3),
    ("40105", 1, "М", 2, 2, [0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, "X"], 2),
    ("40106", 1, "Ж", 1, 2, [2, 1, 2, 3, 2, 1, 1, 2, 2, 3, 1, 2], 5),
    ("40107", 1, "Ж", 2, 2, [2, 1, 1, 2, 2, 1, 1, 1, 2, 1, 1, 2], 4),
    ("40201", 2, "М", 1, 1, [1, 1, 2, 2, 1, 1, 0, 2, 1, 1, 1, 1], 4),
    ("40202", 2, "Ж", 2, 2, [2, 1, 2, 3, 2, 1, 1, 2, 3, 2, 1, 3], 5),
    ("40203", 2, "М", 1, 1, [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1], 3),
    ("40204", 2, "Ж", 2, 2, [2, 1, 1, 2, 2, 0, 1, 2, 2, 2, 1, 1], "нет отметки"),
    ("40205", 2, "М", 1, 1, [0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1], 3),
    ("40206", 2, "Ж", 2, 2, [2, 1, 2, 2, 2, 1, 1, 2, 3, 3, 1, 2], 5),
    ("40207", 2, "М", 1, 1, [1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 0, 2], 4),
]


def form_2026(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Протокол"
    tasks = [f"{i + 1} ({m}б)" for i, m in enumerate(RUS4_MAX)]
    head = ["№", "Код", "Порядковый номер класса", "Вариант (часть 1)", "Вариант (часть 2)", *tasks, "Пол",
            "Отметка за предыдущий триместр/ четверть/полугодие", "Итого баллов"]
    ws.append(head)
    n_tasks = len(RUS4_MAX)
    for i, (code, ordinal, sex, v1, v2, scores, journal) in enumerate(FORM26_ROWS):
        ws.append([i + 1, code, ordinal, v1, v2, *(scores or [None] * n_tasks), sex, journal])
    _total_formulas(ws, 2, 1500, len(head), 6, 5 + n_tasks)
    _service_sheet(wb)
    return _finish(wb, path)


# -- 3. ФИС ОКО «Индивидуальные результаты» (Ф1) of the same work --------------------------------

F1_NAME = "vpr_Ф1 Индивидуальные результаты ВПР 2026 Русский язык 4 класс.xlsx"
SCHOOL = ("edu563412", "Энский муниципальный район", "МБОУ «Энская средняя школа № 7»")


def mark_of(total: int, thresholds: list[int]) -> int:
    return 2 + sum(total >= t for t in thresholds)


def _total(scores) -> int:
    return sum(s for s in scores if isinstance(s, int))


def f1(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Индивидуальные результаты"
    ws.append(["ВПР 2026 Русский язык 4 класс"])
    ws.append(["Предмет:", "Русский язык"])
    ws.append(["Максимальный первичный балл:", sum(RUS4_MAX)])
    ws.append(["Дата:", "15.04.2026"])
    ws.append([])
    ws.append(["ОО", "Муниципалитет", "Название ОО", "Код участника", "Класс", "Вариант",
               *[str(i + 1) for i in range(len(RUS4_MAX))], "Первичный балл", "Отметка", "Отметка по журналу"])
    ws.append(["Уровень сложности задания", "", "", "", "", "", *RUS4_LEVELS])
    present = [r for r in FORM26_ROWS if r[5] is not None]
    ws.append([f"{SCHOOL[2]} ({SCHOOL[0]})", f"Кол-во участников: {len(present)}"])
    for code, ordinal, _sex, v1, _v2, scores, journal in present:
        total = _total(scores)
        ws.append([*SCHOOL, code, ordinal, v1, *scores, total, mark_of(total, RUS4_THRESHOLDS), journal])
    return _finish(wb, path)


# -- 4. An older regional table (.xls): «Ф.И.», «Класс» 5 with «Наименование класса» «А» -----------

REGIONAL_NAME = "vpr_Результаты ВПР История 5 класс 2024 (район).xls"
HIST5_MAX = [2, 1, 2, 3, 1, 2, 2, 2]                  # 15; thresholds of «ВПР 2024, история, 5 класс»
HIST5_THRESHOLDS = [4, 8, 12]
LOGIN = "sch563412"
# code, pupil, sex, grade, letter, textbook, variant, scores, journal
REGIONAL_ROWS = [
    ("51001", "Абрамова Дарья", "Ж", 5, "А", "Вигасин А. А.", 1, [2, 1, 2, 3, 1, 2, 1, 2], 5),
    ("51002", "Белов Тимур", "М", 5, "А", "Вигасин А. А.", 2, [1, 0, 1, 1, 0, 1, 1, 0], 3),
    ("51003", "Гусева Полина", "Ж", 5, "А", "Вигасин А. А.", 1, [2, 1, 1, 2, 1, 1, 2, 1], 4),
    ("51004", "Ершов Кирилл", "М", 5, "А", "Вигасин А. А.", 2, [0, 0, 1, 0, 0, 1, 0, 0], 2),
    ("51005", "Жукова Алиса", "Ж", 5, "А", "Вигасин А. А.", "не присутствовал", None, 4),
    ("51006", "Зайцев Матвей", "М", 5, "А", "Вигасин А. А.", 1, [2, 1, 2, 2, 1, 2, 2, 1], 5),
    ("51101", "Ильина Вера", "Ж", 5, "Б", "Уколова В. И.", 2, [1, 1, 1, 2, 1, 1, 1, 1], 4),
    ("51102", "Комаров Артём", "М", 5, "Б", "Уколова В. И.", 1, [2, 0, 2, 1, 0, 1, 1, 2], 4),
    ("51103", "Лебедева Ксения", "Ж", 5, "Б", "Уколова В. И.", 2, [0, 1, 0, 1, 1, 0, 1, 0], 3),
    ("51104", "Медведев Глеб", "М", 5, "Б", "Уколова В. И.", 1, [2, 1, 2, 3, 1, 2, 2, 2], 5),
    ("51105", "Никитина Ева", "Ж", 5, "Б", "Уколова В. И.", 2, [1, 1, 1, 1, 0, 1, 0, 1], 3),
    ("51106", "Орлов Савелий", "М", 5, "Б", "Уколова В. И.", 1, [2, 1, 1, 2, 1, 1, 2, "X"], 4),
]


def regional(path_xls: Path, tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ВПР"
    ws.append(["Результаты Всероссийских проверочных работ. История, 5 класс"])
    ws.append(["Дата проведения: 18.04.2024"])
    ws.append([])
    ws.append(["№ п/п", "Пользователь", "Код", "Ф.И.", "Пол", "Класс", "Наименование класса", "Учебник",
               "Вариант", *[str(i + 1) for i in range(len(HIST5_MAX))], "Первичный балл", "Отметка",
               "Отметка по журналу"])
    for i, (code, name, sex, grade, letter, book, variant, scores, journal) in enumerate(REGIONAL_ROWS):
        if scores is None:
            ws.append([i + 1, LOGIN, code, name, sex, grade, letter, book, variant,
                       *[None] * len(HIST5_MAX), None, None, journal])
            continue
        total = _total(scores)
        ws.append([i + 1, LOGIN, code, name, sex, grade, letter, book, variant, *scores, total,
                   mark_of(total, HIST5_THRESHOLDS), journal])
    src = tmp / (path_xls.stem + ".xlsx")
    wb.save(src)
    return resave(src, path_xls)


# -- 5. School-made tables, one per class: «Участник» П01 … beside the names -------------------------

SCHOOL_7A_NAME = "vpr_ВПР История 7А 16.04.2026.xlsx"
SCHOOL_7B_NAME = "vpr_ВПР История 7Б 16.04.2026.xlsx"
HIST7_MAX = [2, 1, 2, 1, 2, 3, 1, 2]                  # 14
HIST7_THRESHOLDS = [5, 9, 12]
SCHOOL_7A_ROWS = [
    ("Васильева Мария Андреевна", 1, [2, 1, 2, 1, 2, 3, 1, 2]),
    ("Григорьев Лев Сергеевич", 2, [1, 0, 1, 1, 1, 1, 0, 1]),
    ("Дмитриева Софья Олеговна", 1, [2, 1, 1, 1, 2, 2, 1, 1]),
    ("Егоров Никита Павлович", 2, [0, 0, 1, 0, 1, 0, 0, 1]),
    ("Захарова Анна Игоревна", 1, [2, 1, 2, 1, 1, 2, 1, 2]),
    ("Исаев Марк Викторович", 2, [1, 1, 1, 0, 1, 1, 1, 0]),
    ("Киселёва Ульяна Денисовна", 1, [2, 0, 2, 1, 2, 3, 1, 1]),
    ("Лаптев Фёдор Ильич", 2, [1, 1, 0, 1, 0, 1, 0, 1]),
]
SCHOOL_7B_ROWS = [
    ("Макарова Злата Романовна", 2, [2, 1, 1, 1, 2, 2, 1, 2]),
    ("Новиков Арсений Львович", 1, [1, 0, 1, 0, 1, 1, 0, 0]),
    ("Осипова Таисия Максимовна", 2, [2, 1, 2, 1, 2, 3, 1, 2]),
    ("Павлов Егор Антонович", 1, None),
    ("Родионова Мирослава Ивановна", 2, [1, 1, 1, 1, 1, 2, 1, 1]),
    ("Соколов Даниил Артёмович", 1, [0, 1, 0, 0, 1, 1, 0, 1]),
    ("Тихонова Василиса Петровна", 2, [2, 1, 2, 0, 2, 2, 1, 2]),
]


def school_made(path: Path, cls: str, rows, *, name_header: str, with_maxima: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Лист1"
    ws.append(["Результаты ВПР по истории"])                # the class and the date: in the file name only
    n = len(HIST7_MAX)
    ws.append(["№", "Участник", name_header, "Вариант", "Баллы за задания", *[None] * (n - 1),
               "Итоговый балл", "Оценка за работу"])
    ws.append([None, None, None, None, *range(1, n + 1), None, None])
    ws.merge_cells(start_row=2, start_column=5, end_row=2, end_column=4 + n)
    for col in (1, 2, 3, 4, 5 + n, 6 + n):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    if with_maxima:
        ws.append(["Максимальный балл", None, None, None, *HIST7_MAX, sum(HIST7_MAX), None])
    for i, (name, variant, scores) in enumerate(rows):
        label = f"П{i + 1:02d}"
        if scores is None:
            ws.append([i + 1, label, name, "отсутствовал"])
            continue
        total = _total(scores)
        ws.append([i + 1, label, name, variant, *scores, total, mark_of(total, HIST7_THRESHOLDS)])
    ws.append([])
    ws.append(["Учитель истории", None, "Семёнова О. В."])
    return _finish(wb, path)


# -- building --------------------------------------------------------------------------------------

_TMP: Path | None = None


def _finish(wb: openpyxl.Workbook, path: Path) -> Path:
    """Save with openpyxl to a temporary file and re-save through LibreOffice to `path`."""
    assert _TMP is not None
    src = _TMP / (path.stem + ".src.xlsx")
    wb.save(src)
    return resave(src, path)


def make_all(out: Path = OUT) -> list[Path]:
    global _TMP
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        _TMP = Path(tmp)
        made = [
            form_2025(out / FORM25_NAME),
            form_2026(out / FORM26_NAME),
            f1(out / F1_NAME),
            regional(out / REGIONAL_NAME, _TMP),
            school_made(out / SCHOOL_7A_NAME, "7А", SCHOOL_7A_ROWS, name_header="ФИО учащегося",
                        with_maxima=True),
            school_made(out / SCHOOL_7B_NAME, "7Б", SCHOOL_7B_ROWS, name_header="ФИО обучающегося",
                        with_maxima=False),
        ]
        _TMP = None
    return made


def expected() -> dict:
    """The numbers the tests assert, computed from the tables above (printed by ``--expected``)."""
    def totals(rows, idx):
        return [_total(r[idx]) for r in rows if r[idx] is not None]
    return {
        "form25_totals": totals(FORM25_ROWS, 4),
        "form26_totals": totals(FORM26_ROWS, 5),
        "form26_marks": [mark_of(t, RUS4_THRESHOLDS) for t in totals(FORM26_ROWS, 5)],
        "regional_totals": totals(REGIONAL_ROWS, 7),
        "school7a_totals": totals(SCHOOL_7A_ROWS, 2),
        "school7b_totals": totals(SCHOOL_7B_ROWS, 2),
    }


if __name__ == "__main__":
    if "--expected" in sys.argv:
        for key, value in expected().items():
            print(key, value, sum(value))
    else:
        for p in make_all():
            print(p.relative_to(Path.cwd()) if p.is_relative_to(Path.cwd()) else p)
