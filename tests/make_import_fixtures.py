"""Make the import fixtures: ВПР forms, journal exports, ГИА protocols and broken files.

    python tests/make_import_fixtures.py [OUT_DIR]      # default: tests/data/imports

Real forms differ from year to year, so the ВПР fixtures differ on purpose: merged two-row headers,
a row of Б / П letters, a row of maximum scores or maxima in the headers, codes or names, task
columns «1», «3.1», «3(1)», «1К1», «Задание 5», notes below, extra sheets. The small files are
committed; the big ones (a 600-row form, a 1 MB journal, 100 001 rows) are made on the fly by the
tests and benchmarks with the functions below. Everything is deterministic (fixed seeds); the
names are invented.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

OUT = Path(__file__).resolve().parent / "data" / "imports"

SURNAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов",
            "Новиков", "Морозов", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов",
            "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов", "Беляев", "Тарасов"]
FIRST_M = ["Александр", "Дмитрий", "Максим", "Иван", "Артём", "Никита", "Михаил", "Егор", "Илья", "Кирилл"]
FIRST_F = ["Анна", "Мария", "Елена", "Дарья", "Алина", "Ксения", "Полина", "Виктория", "Софья", "Ульяна"]
PATR_M = ["Александрович", "Дмитриевич", "Сергеевич", "Андреевич", "Игоревич", "Олегович"]
PATR_F = ["Александровна", "Дмитриевна", "Сергеевна", "Андреевна", "Игоревна", "Олеговна"]


def pupils(n: int, seed: int) -> list[str]:
    """n distinct invented full names."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        if rng.random() < 0.5:
            name = f"{rng.choice(SURNAMES)} {rng.choice(FIRST_M)} {rng.choice(PATR_M)}"
        else:
            name = f"{rng.choice(SURNAMES)}а {rng.choice(FIRST_F)} {rng.choice(PATR_F)}"
        if name not in out:
            out.append(name)
    return out


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.properties.creator = "Объектив (тестовые данные)"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _scores(rng: random.Random, maxima: list[int], skill: float) -> list[int]:
    return [min(m, max(0, round(rng.gauss(skill * m, 0.6)))) for m in maxima]


def _mark(total: int, thresholds: list[int]) -> int:
    return 2 + sum(total >= t for t in thresholds)


# -- ВПР ----------------------------------------------------------------------------------------------

MATH5_TASKS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11.1", "11.2", "12", "13"]
MATH5_MAX = [1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 1, 1, 2, 3]          # 20; thresholds 3: 7, 4: 11, 5: 15


def vpr_simple(path: Path, *, seed: int = 1, n: int = 14, codes_start: int = 50101) -> Path:
    """One header row, a row of maxima, meta rows, an absent pupil, an «X», notes, an extra sheet."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Результаты"
    ws.append(["Форма сбора результатов ВПР 2025"])
    ws.append(["Предмет:", "Математика"])
    ws.append(["Класс:", "5А"])
    ws.append(["Дата:", "17.04.2025"])
    ws.append([])
    ws.append(["№", "Код участника", "ФИО", "Вариант", *MATH5_TASKS, "Первичный балл", "Отметка",
               "Отметка по журналу"])
    ws.append(["", "", "Макс. балл", "", *MATH5_MAX, sum(MATH5_MAX), "", ""])
    for i, name in enumerate(pupils(n, seed)):
        code = codes_start + i
        if i == 3:
            ws.append([i + 1, code, name, "", "не присутствовал", *[""] * len(MATH5_TASKS), "", 4])
            continue
        sc = _scores(rng, MATH5_MAX, rng.uniform(0.35, 0.95))
        cells: list = list(sc)
        if i == 5:
            cells[12] = "X"
            sc[12] = 0
        total = sum(sc)
        ws.append([i + 1, code, name, 1 + i % 2, *cells, total, _mark(total, [7, 11, 15]), rng.choice([3, 4, 5])])
    ws.append([])
    ws.append(["Примечание: «X» — задание не выполнялось."])
    ws.append(["Учитель", "", "Петрова Н. С."])
    wb.create_sheet("Инструкция").append(["Заполните таблицу по результатам проверки работ."])
    return _save(wb, path)


RUS_TASKS = ["1К1", "1К2", "1К3", "2", "3", "4(1)", "4(2)", "5", "6", "7"]
RUS_MAX = [4, 3, 2, 3, 2, 1, 2, 2, 2, 3]
RUS_LEVEL = ["Б", "Б", "Б", "Б", "Б", "Б", "П", "Б", "П", "П"]


def vpr_merged(path: Path, *, seed: int = 2) -> Path:
    """Two-row header with merged cells, a row of Б / П above it, a class column with two classes,
    a date as a real date cell, «Задание N» headers, maxima in no row at all but in the headers."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    wb.active.title = "Сведения"
    wb.active.append(["Сведения об образовательной организации: МБОУ СОШ № 5 г. Энска"])
    ws = wb.create_sheet("Русский язык")
    ws["A1"] = "Всероссийские проверочные работы. Русский язык, 6 класс"
    ws.merge_cells("A1:P1")
    ws["A2"], ws["C2"] = "Дата проведения", dt.datetime(2025, 4, 15)
    ws.append([])
    n_tasks = len(RUS_TASKS)
    ws.append(["", "", "", *RUS_LEVEL])                                     # row 4: difficulty
    ws.append(["Код", "Класс", "Вариант", "Баллы за задания", *[""] * (n_tasks - 1), "Сумма баллов",
               "Отметка", "Отметка за предыдущий период (четверть/триместр/полугодие)"])
    ws.append(["", "", "", *[f"Задание {t} ({m}б)" for t, m in zip(RUS_TASKS, RUS_MAX)]])
    for col in ("A", "B", "C"):
        ws.merge_cells(f"{col}5:{col}6")
    last = openpyxl.utils.get_column_letter(3 + n_tasks)
    ws.merge_cells(f"D5:{last}5")
    for off in range(3):
        letter = openpyxl.utils.get_column_letter(4 + n_tasks + off)
        ws.merge_cells(f"{letter}5:{letter}6")
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for i in range(18):
        cls = "6А" if i < 9 else "6Б"
        code = 60201 + i
        if i == 7:
            ws.append([code, cls, "", "отсутствовал"])
            continue
        sc = _scores(rng, RUS_MAX, rng.uniform(0.3, 0.95))
        total = sum(sc)
        ws.append([code, cls, 2 - i % 2, *sc, total, _mark(total, [8, 14, 19]), rng.choice([3, 4, 4, 5])])
    ws.append([])
    ws.append(["Всего участников", "", "", 17])
    return _save(wb, path)


HIST_TASKS = ["1", "2", "3", "4", "5", "6", "7", "8(1)", "8(2)", "9", "10"]
HIST_MAX = [2, 1, 1, 2, 1, 2, 1, 2, 2, 1, 3]


def vpr_portal(path: Path, *, seed: int = 3) -> Path:
    """A portal-like export: codes only, «Индивидуальные результаты», numbers as numbers,
    the Б / П row, the maximum score row below the header, task headers written as numbers."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Индивидуальные результаты"
    ws.append(["Индивидуальные результаты участников"])
    ws.append(["Предмет: История"])
    ws.append(["Класс: 7"])
    ws.append(["Дата: 2025-04-22"])
    ws.append(["Максимальный первичный балл: 18"])
    ws.append(["", "", "", *["Б" if m == 1 else "П" for m in HIST_MAX]])
    heads = [int(t) if t.isdigit() else t for t in HIST_TASKS]
    ws.append(["Код участника", "Класс", "Вариант", *heads, "Первичный балл", "Отметка",
               "Отметка по журналу"])
    ws.append(["Максимальный балл", "", "", *HIST_MAX, 18, "", ""])
    for i in range(16):
        sc = _scores(rng, HIST_MAX, rng.uniform(0.3, 0.95))
        total = sum(sc)
        ws.append([70301 + i, "7В", 1, *sc, total, _mark(total, [5, 10, 14]), rng.choice([3, 4, 5])])
    wb.create_sheet("Справочник").append(["Б — базовый уровень", "П — повышенный уровень"])
    return _save(wb, path)


MATH4_MAX = [1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]                  # 20, the 2024 grade-4 maths


def vpr_names(path: Path, *, seed: int = 4, n: int = 12) -> Path:
    """Names instead of codes, headers «1 (2б)», no row of maxima, no mark column (the DB scale
    gives the marks), class and year only in the file name and the title."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Лист1"
    ws.append(["Результаты ВПР по математике, 2023/2024 учебный год"])
    ws.append(["Фамилия, имя обучающегося", *[f"{i + 1} ({m}б)" for i, m in enumerate(MATH4_MAX)],
               "Итого баллов"])
    for name in pupils(n, seed):
        sc = _scores(rng, MATH4_MAX, rng.uniform(0.3, 0.95))
        ws.append([" ".join(name.split()[:2]), *sc, sum(sc)])
    return _save(wb, path)


def vpr_csv_reform(path: Path, *, seed: int = 5) -> Path:
    """A 2025-style form as CSV (Windows-1251, «;»): «№1» headers, «отсутствовал», names and codes."""
    rng = random.Random(seed)
    maxima = [2, 2, 1, 3, 2, 2, 3]
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["ВПР по биологии, 5 класс, 5Б"])
    w.writerow(["Дата проведения: 24.04.2025"])
    w.writerow(["Код", "ФИО", *[f"№{i + 1}" for i in range(len(maxima))], "Балл", "Отметка"])
    w.writerow(["", "максимальный балл", *maxima, sum(maxima), ""])
    for i, name in enumerate(pupils(10, seed)):
        if i == 2:
            w.writerow([80401 + i, name, "отсутствовал"])
            continue
        sc = _scores(rng, maxima, rng.uniform(0.3, 0.95))
        w.writerow([80401 + i, name, *sc, sum(sc), _mark(sum(sc), [5, 9, 12])])
    path.write_bytes(out.getvalue().encode("cp1251"))
    return path


PHYS8_TASKS = ["1", "2", "3.1", "3.2", "Задание 4", "5(1)", "5(2)"]
PHYS8_MAX = [1, 2, 1, 2, 2, 1, 3]


def vpr_sheets_per_class(path: Path, *, seed: int = 6) -> Path:
    """A sheet per class, the class only in the sheet's title; a «Максимум» row written in the code
    column, a row of averages under the pupils, a variant column, and a sheet of totals with no table."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, cls in enumerate(("8А", "8Б")):
        ws = wb.create_sheet(cls)
        ws.append([f"ВПР. Физика. {cls} класс. Дата проведения 10.04.2025"])
        ws.append(["№", "Код", "Вариант", *PHYS8_TASKS, "Первичный балл", "Отметка"])
        ws.append(["", "Максимум", "", *PHYS8_MAX, sum(PHYS8_MAX), ""])
        totals = []
        for i in range(5):
            sc = _scores(rng, PHYS8_MAX, rng.uniform(0.3, 0.95))
            totals.append(sum(sc))
            ws.append([i + 1, 81001 + 100 * k + i, 1 + i % 2, *sc, sum(sc), _mark(sum(sc), [4, 7, 10])])
        ws.append(["Среднее", "", "", *[""] * len(PHYS8_TASKS), round(sum(totals) / len(totals), 1), ""])
    wb.create_sheet("Итоги").append(["Средний первичный балл по параллели указан на листах классов."])
    return _save(wb, path)


def vpr_no_year(path: Path) -> Path:
    """A form with no date and no year anywhere: the year must be given (--year)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Форма"
    ws.append(["Предмет", "Окружающий мир"])
    ws.append(["Код участника", "Класс", "1 (1б)", "2 (2б)", "3 (2б)", "Первичный балл", "Отметка"])
    for i in range(5):
        ws.append([40101 + i, "4А", 1, 2, i % 3, 3 + i % 3, 3 + i % 3 // 2])
    return _save(wb, path)


def vpr_big(path: Path, rows: int = 600, *, seed: int = 7) -> Path:
    """A 600-row form of one grade (several classes) for the benchmark."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Результаты"
    ws.append(["Предмет: Математика"])
    ws.append(["Дата: 17.04.2025"])
    ws.append(["Код участника", "ФИО", "Класс", "Вариант", *MATH5_TASKS, "Первичный балл", "Отметка",
               "Отметка по журналу"])
    ws.append(["Максимальный балл", "", "", "", *MATH5_MAX, 20, "", ""])
    letters = "АБВГДЕЖИКЛМНПРСТУФ"
    for i in range(rows):
        sc = _scores(rng, MATH5_MAX, rng.uniform(0.3, 0.95))
        total = sum(sc)
        ws.append([10001 + i, "", f"5{letters[i // 30 % len(letters)]}", 1 + i % 2, *sc, total,
                   _mark(total, [7, 11, 15]), rng.choice([3, 4, 5])])
    return _save(wb, path)


# -- broken files ---------------------------------------------------------------------------------------

def bad_files(out: Path) -> None:
    good = vpr_simple(out / "_tmp_good.xlsx")
    data = good.read_bytes()
    (out / "bad_truncated.xlsx").write_bytes(data[: len(data) // 2])
    good.unlink()
    (out / "bad_pdf_renamed.xlsx").write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages "
        b"/Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    wb = openpyxl.Workbook()
    wb.active.title = "Лист1"
    _save(wb, out / "bad_empty_sheet.xlsx")
    text = "Класс;Ученик;Предмет;Период;Отметка\r\n5А;Иванов Иван;Математика;1 четверть;5\r\n" \
           "5А;Петрова Анна;Русский язык;1 четверть;4\r\n5А;Сидоров Пётр;Литература;1 четверть;3\r\n"
    (out / "bad_encoding.csv").write_bytes(text.encode("koi8_r"))
    _bad_values(out)


def _bad_values(out: Path) -> None:
    wb = openpyxl.load_workbook(vpr_simple(out / "bad_mark7.xlsx"))
    ws = wb["Результаты"]
    ws.cell(row=10, column=4 + len(MATH5_TASKS) + 2).value = 7          # «Отметка» of the 3rd pupil
    _save(wb, out / "bad_mark7.xlsx")
    wb = openpyxl.load_workbook(vpr_simple(out / "bad_score_above_max.xlsx"))
    ws = wb["Результаты"]
    ws.cell(row=12, column=5).value = 3                                   # task 1, maximum 1
    _save(wb, out / "bad_score_above_max.xlsx")
    wb = openpyxl.load_workbook(vpr_simple(out / "bad_formulas.xlsx"))
    ws = wb["Результаты"]
    first, last = openpyxl.utils.get_column_letter(5), openpyxl.utils.get_column_letter(4 + len(MATH5_TASKS))
    for r in range(8, 8 + 14):
        ws.cell(row=r, column=5 + len(MATH5_TASKS)).value = f"=SUM({first}{r}:{last}{r})"
    _save(wb, out / "bad_formulas.xlsx")
    (out / "bad_journal_mark7.csv").write_text(
        "Класс;ФИО;Предмет;Период;Отметка\n5А;Орлов Олег Олегович;Математика;1 четверть;5\n"
        "5А;Орлов Олег Олегович;Русский язык;1 четверть;7\n", encoding="utf-8")


# -- journal exports ------------------------------------------------------------------------------------

JOURNAL_SUBJECTS = ["Русский язык", "Литература", "Математика", "История", "Английский язык"]


def _marks(rng: random.Random) -> int:
    return rng.choices([2, 3, 4, 5], weights=[1, 6, 10, 6])[0]


def journal_long(path: Path, *, encoding: str, delimiter: str, header: list[str], seed: int = 11,
                 classes=("5А", "5Б"), per_class: int = 6, periods=("1 четверть", "2 четверть"),
                 code_start: int | None = None) -> Path:
    rng = random.Random(seed)
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    names = pupils(per_class * len(classes), seed)
    for ci, cls in enumerate(classes):
        for k in range(per_class):
            i = ci * per_class + k
            for subject in JOURNAL_SUBJECTS:
                for period in periods:
                    row = {"Класс": cls, "ФИО": names[i], "Ученик": names[i], "Обучающийся": names[i],
                           "Предмет": subject, "Период": period, "Четверть": period,
                           "Отметка": _marks(rng), "Оценка": _marks(rng), "Итоговая отметка": _marks(rng),
                           "Код": (code_start or 0) + i}
                    w.writerow([row[h] for h in header])
    data = out.getvalue()
    path.write_bytes(("\ufeff" if encoding == "utf-8-sig" else "").encode() + data.encode(
        "utf-8" if encoding == "utf-8-sig" else encoding))
    return path


def journal_wide_subjects(path: Path, *, seed: int = 12) -> Path:
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "5А"
    ws["A1"] = "Итоговые отметки обучающихся 5А класса за 2 четверть 2024/2025 учебного года"
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(["№", "Фамилия, имя", *JOURNAL_SUBJECTS, "Пропущено уроков"])
    for i, name in enumerate(pupils(8, seed)):
        marks: list = [_marks(rng) for _ in JOURNAL_SUBJECTS]
        if i == 2:
            marks[3] = "н/а"
        ws.append([i + 1, " ".join(name.split()[:2]), *marks, rng.randint(0, 20)])
    ws.append([])
    ws.append(["Классный руководитель", "", "Сергеева О. И."])
    return _save(wb, path)


def journal_wide_periods(path: Path, *, seed: int = 13) -> Path:
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names = pupils(7, seed)
    for subject in ("Математика", "Русский язык"):
        ws = wb.create_sheet(subject)
        ws.append([f"Ведомость итоговых отметок, 2024/2025 учебный год. {subject}"])
        ws.append(["Ученик", "Класс", "I четв.", "II четв.", "III четв.", "IV четв.", "Год"])
        for name in names:
            ws.append([name, "6В", *[_marks(rng) for _ in range(5)]])
    return _save(wb, path)


def journal_big_csv(path: Path, size: int = 1_000_000, *, seed: int = 21) -> Path:
    """A long journal export of about `size` bytes (Windows-1251, «;»): a whole school's year."""
    rng = random.Random(seed)
    subjects = JOURNAL_SUBJECTS + ["Биология", "География", "Обществознание", "Физика", "Химия",
                                   "Информатика", "Алгебра", "Геометрия"]
    periods = ["1 четверть", "2 четверть", "3 четверть", "4 четверть", "Год"]
    lines = ["Учебный год;Класс;ФИО;Предмет;Период;Отметка"]
    total = len(lines[0]) + 2
    names = pupils(600, seed)
    i = 0
    while total < size:
        cls = f"{5 + i // 150 % 7}{'АБВГД'[i // 30 % 5]}"
        name = names[i % len(names)]
        for subject in subjects:
            for period in periods:
                line = f"2024/2025;{cls};{name};{subject};{period};{_marks(rng)}"
                lines.append(line)
                total += len(line.encode("cp1251")) + 2
        i += 1
    path.write_bytes("\r\n".join(lines).encode("cp1251") + b"\r\n")
    return path


def huge_csv(path: Path, rows: int = 100_001) -> Path:
    """More rows than any school's export: the reader must refuse it with a clear message."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("Класс;ФИО;Предмет;Период;Отметка\n")
        line = "5А;Иванов Иван Иванович;Математика;1 четверть;4\n"
        fh.write(line * rows)
    return path


# -- ГИА protocols ------------------------------------------------------------------------------------

def gia_oge(path: Path, *, seed: int = 31, names: list[str] | None = None, cls: str = "9А") -> Path:
    """An ОГЭ protocol (maths): names, codes of the municipality, school and exam point, answer strings."""
    rng = random.Random(seed)
    names = names or pupils(10, seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Протокол"
    ws.append(["Протокол результатов ОГЭ по математике"])
    ws.append(["Дата экзамена: 03.06.2025"])
    ws.append(["№", "Код МСУ", "Код ОО", "Код ППЭ", "Аудитория", "Фамилия", "Имя", "Отчество", "Класс",
               "Вариант", "Задания с кратким ответом", "Задания с развёрнутым ответом", "Первичный балл",
               "Отметка"])
    for i, full in enumerate(names):
        surname, first, patr = full.split()
        if i == 4:
            ws.append([i + 1, "01", "010005", "0107", "12", surname, first, patr, cls, "", "", "", "",
                       "неявка"])
            continue
        short = "".join(rng.choice("++-") for _ in range(19))
        long_scores = [(rng.randint(0, 2), 2) for _ in range(6)]
        long_text = "".join(f"{s}({m})" for s, m in long_scores)
        primary = short.count("+") + sum(s for s, _ in long_scores)
        mark = 2 + (primary >= 8) + (primary >= 15) + (primary >= 22)
        ws.append([i + 1, "01", "010005", "0107", "12", surname, first, patr, cls, 310 + i % 3, short,
                   long_text, primary, mark])
    return _save(wb, path)


def gia_ege(path: Path, *, seed: int = 32, names: list[str] | None = None) -> Path:
    """An ЕГЭ protocol (Russian) as CSV, Windows-1251, «;»: test scores, «2» in the short answers."""
    rng = random.Random(seed)
    names = names or pupils(8, seed)
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Результаты ЕГЭ по русскому языку"])
    w.writerow(["Фамилия", "Имя", "Отчество", "Класс", "Код ОО", "Код ППЭ", "Ответы на задания с кратким ответом",
                "Ответы на задания с развёрнутым ответом", "Первичный балл", "Тестовый балл"])
    for i, full in enumerate(names):
        surname, first, patr = full.split()
        short = "".join(rng.choice("+-+2") for _ in range(26))
        long_scores = [(rng.randint(0, 3), 3) for _ in range(3)] + [(rng.randint(0, 6), 6)]
        primary = sum(2 if ch == "2" else ch == "+" for ch in short) + sum(s for s, _ in long_scores)
        w.writerow([surname, first, patr, "11А", "010005", "0107", short,
                    "".join(f"{s}({m})" for s, m in long_scores), primary, min(100, 20 + primary * 2)])
    path.write_bytes(out.getvalue().encode("cp1251"))
    return path


# -- all ------------------------------------------------------------------------------------------------

# -- one class seen three ways: journal (names), ВПР form (codes), the school's list of codes ---------------

LINK_CLASS, LINK_SEED, LINK_CODE0, LINK_N = "5В", 41, 40501, 12


def link_pupils() -> list[tuple[str, str]]:
    """(code, full name) of the class the three link fixtures describe."""
    return [(str(LINK_CODE0 + i), name) for i, name in enumerate(pupils(LINK_N, LINK_SEED))]


def link_codes_list(path: Path) -> Path:
    """The school's own list «код участника ↔ ФИО ↔ класс» (what the deputy keeps on paper)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Коды участников"
    ws.append(["Список кодов участников ВПР, 2024/2025 учебный год"])
    ws.append([])
    ws.append(["№", "Код участника", "ФИО", "Класс"])
    for i, (code, name) in enumerate(link_pupils()):
        ws.append([i + 1, int(code), name, LINK_CLASS])
    ws.append([])
    ws.append(["Список хранится в образовательной организации и никому не передаётся."])
    return _save(wb, path)


def link_journal(path: Path) -> Path:
    """The journal of the same class: names only, maths for three quarters (UTF-8, «;»)."""
    rng = random.Random(LINK_SEED + 1)
    lines = ["Класс;ФИО;Предмет;Период;Отметка"]
    for _code, name in link_pupils():
        for period in ("1 четверть", "2 четверть", "3 четверть"):
            lines.append(f"{LINK_CLASS};{name};Математика;{period};{_marks(rng)}")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def link_vpr(path: Path) -> Path:
    """The ВПР form of the same class: codes only, no names and no journal mark (as the portal has it)."""
    rng = random.Random(LINK_SEED + 2)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Результаты"
    ws.append(["Форма сбора результатов ВПР 2025"])
    ws.append(["Предмет:", "Математика"])
    ws.append(["Класс:", LINK_CLASS])
    ws.append(["Дата:", "17.04.2025"])
    ws.append([])
    ws.append(["№", "Код участника", "Вариант", *MATH5_TASKS, "Первичный балл", "Отметка"])
    ws.append(["", "Макс. балл", "", *MATH5_MAX, sum(MATH5_MAX), ""])
    for i, (code, _name) in enumerate(link_pupils()):
        if i == 2:
            ws.append([i + 1, int(code), "", "отсутствовал"])
            continue
        sc = _scores(rng, MATH5_MAX, rng.uniform(0.3, 0.95))
        ws.append([i + 1, int(code), 1 + i % 2, *sc, sum(sc), _mark(sum(sc), [7, 11, 15])])
    return _save(wb, path)


def make_all(out: Path = OUT, *, office: bool = False) -> list[Path]:
    """Every import fixture; `office` re-saves the workbooks through LibreOffice (for the committed copies)."""
    out.mkdir(parents=True, exist_ok=True)
    made = [
        vpr_simple(out / "vpr_simple_math5.xlsx"),
        vpr_merged(out / "vpr_merged_rus6.xlsx"),
        vpr_portal(out / "vpr_portal_hist7.xlsx"),
        vpr_names(out / "vpr_names_math_4Б.xlsx"),
        vpr_csv_reform(out / "vpr_bio5_2025.csv"),
        vpr_no_year(out / "vpr_no_year.xlsx"),
        vpr_sheets_per_class(out / "vpr_sheets_per_class_phys8.xlsx"),
        journal_long(out / "journal_long_2024-2025_cp1251.csv", encoding="cp1251", delimiter=";",
                     header=["Класс", "ФИО", "Предмет", "Период", "Отметка"]),
        journal_long(out / "journal_long_bom_comma.csv", encoding="utf-8-sig", delimiter=",",
                     header=["Ученик", "Класс", "Предмет", "Четверть", "Оценка"], seed=14, classes=("7А",)),
        journal_long(out / "journal_long_tab_2024-2025.csv", encoding="utf-8", delimiter="\t",
                     header=["Код", "Обучающийся", "Класс", "Предмет", "Период", "Итоговая отметка"],
                     seed=15, classes=("8Б",), periods=("1 полугодие", "Год"), code_start=30001),
        journal_wide_subjects(out / "journal_wide_subjects.xlsx"),
        journal_wide_periods(out / "journal_wide_periods.xlsx"),
        gia_oge(out / "gia_oge_math_2025.xlsx"),
        gia_ege(out / "gia_ege_rus_2025.csv"),
        link_codes_list(out / "codes_list_5В_2024-2025.xlsx"),
        link_journal(out / "journal_5В_2024-2025.csv"),
        link_vpr(out / "vpr_codes_math5В_2025.xlsx"),
    ]
    if office:
        _office_saved([p for p in made if p.suffix == ".xlsx"])
    bad_files(out)                      # the damaged files stay as they are made (formulas without values …)
    made += sorted(out.glob("bad_*"))
    return made


def _office_saved(paths: list[Path]) -> None:
    """Re-save the committed workbooks through LibreOffice Calc, as schools' files are saved (shared
    strings, cached values); without an office suite they stay as openpyxl wrote them."""
    try:
        from resave import resave, soffice
        soffice()
    except (ImportError, SystemExit):
        return
    for path in paths:
        resave(path, path)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for p in make_all(target, office=True):
        print(p.relative_to(target.parent) if p.is_relative_to(target.parent) else p)
