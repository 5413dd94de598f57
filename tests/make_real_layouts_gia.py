"""Build the ГИА fixtures of real layouts (DESIGN §9), re-saved through LibreOffice.

    python tests/make_real_layouts_gia.py [OUT_DIR]      # default: tests/data/real-layouts

Three layouts, described from the files ЦОИ sends schools (every person, code and region is invented):

* An ОГЭ protocol «NN_YYYY.MM.DD.xls» with two exams one under another on one sheet: above each
  block its own line «02 - Математика 2026.06.02» (subject code, subject, date), then the header
  «№ | Код ОО | Класс | Код ППЭ | Аудитория | Код МСУ | Фамилия | Имя | Отчество | Задания с
  кратким ответом | Задания с развёрнутым ответом | Первичный балл | Оценка», the pupils, and a row
  «Средние» with averages. The second block gives the class as a letter only («А»). Only the first
  block has «Протокол проверки результатов» and the region line above it.
* An ЕГЭ protocol .xls with «Ответы в краткой форме», «Ответы в развернутой форме», «Первичный
  балл», «Тестовый балл», «Оценка».
* An appeal protocol .xlsx: «Экзамен» per row («Математика(2026.06.02)»), a two-row header with
  «Прежние» and «Текущие» merged above «Первичный балл» / «Оценка»; the pupils are those of the
  ОГЭ protocol, so importing both shows the appeal changing the results.

Deterministic: every answer string, primary score and mark is written out below, so the tests'
numbers can be counted by hand. The re-saved files are committed; CI never runs this.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter as L

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resave import resave  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "real-layouts"

OGE_NAME = "gia_02_2026.06.02.xls"
EGE_NAME = "gia_04_2026.06.08.xls"
APPEAL_NAME = "gia_Протокол апелляций.xlsx"

REGION = "88 - Приозёрный край"
SCHOOL, PPE, MSU = "880412", "8821", "04"

HEADER = ["№", "Код ОО", "Класс", "Код ППЭ", "Аудитория", "Код МСУ", "Фамилия", "Имя", "Отчество",
          "Задания с кратким ответом", "Задания с развёрнутым ответом", "Первичный балл", "Оценка"]

# -- ОГЭ: two exams on one sheet ---------------------------------------------------------------------

# (surname name patronymic, class, short answers, long answers, primary, mark); None: «неявка»
OGE_MATH = [   # 19 short answers, 6 long ones out of 2; marks: 0–7 → 2, 8–14 → 3, 15–21 → 4, 22–31 → 5
    ("Белозёров Артём Ильич", "9А", "++-+1-+0++++-++1+-+", "2(2)1(2)0(2)2(2)0(2)1(2)", 20, 4),
    ("Гончарова Василиса Олеговна", "9А", "+-+-0-+0+-++--+0+--", "1(2)0(2)0(2)0(2)0(2)0(2)", 9, 3),
    ("Дроздов Мирон Павлович", "9А", "+++++++1+++++++++++", "2(2)2(2)2(2)1(2)2(2)2(2)", 30, 5),
    ("Ершова Ульяна Денисовна", "9А", "+-+-+-+-+-+-+-+-+-+", "0(2)1(2)0(2)0(2)0(2)0(2)", 11, 3),
    ("Жуков Святослав Андреевич", "9Б", "--+-0-+0--+---+0---", "0(2)0(2)0(2)0(2)0(2)0(2)", 4, 2),
    ("Зимина Полина Игоревна", "9Б", None, None, None, None),
    ("Карпов Лев Тимурович", "9Б", "++++1+++-+++++-++++", "2(2)2(2)1(2)0(2)1(2)0(2)", 23, 5),
]
# 11 short answers, 12 criteria of the long ones (3+2+1+1+3+2+2+3+2+2+3+2 = 26; 37 in all); the class
# is a letter only; marks: 0–14 → 2, 15–25 → 3, 26–32 → 4, 33–37 → 5
RUS_LONG_MAX = [3, 2, 1, 1, 3, 2, 2, 3, 2, 2, 3, 2]
OGE_RUS = [
    ("Белозёров Артём Ильич", "А", "++-+++1++-+", [3, 2, 1, 1, 2, 1, 2, 1, 2, 2, 1, 1], 28, 4),
    ("Гончарова Василиса Олеговна", "А", "+-+-0++-+-+", [2, 1, 1, 0, 2, 0, 1, 1, 1, 2, 1, 0], 18, 3),
    ("Дроздов Мирон Павлович", "А", "+++++++++++", [3, 2, 1, 1, 3, 1, 2, 2, 2, 2, 2, 1], 33, 5),
    ("Ершова Ульяна Денисовна", "А", "+-+++-++-++", [2, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1], 25, 3),
    ("Жуков Святослав Андреевич", "Б", "+--+0-+--+-", [1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0], 11, 2),
    ("Зимина Полина Игоревна", "Б", "++++-++++++", [3, 1, 1, 1, 2, 1, 2, 2, 2, 1, 2, 1], 29, 4),
    ("Лаптева Алиса Романовна", "Б", "+++-++-++++", [2, 2, 1, 1, 2, 1, 1, 2, 1, 2, 1, 0], 25, 3),
]

# -- ЕГЭ: physics with test scores ---------------------------------------------------------------------

# 20 short answers (a digit: the points of a two-point task), 6 long answers; test scores invented
EGE_PHYS = [
    ("Мельников Егор Сергеевич", "11А", "++2+-+1+2++-+2+++-++", "1(2)2(3)0(3)3(3)1(3)2(3)", 29, 72, 5),
    ("Никитина Варвара Алексеевна", "11А", "+-1+-+0+1-+-+1+-+-+-", "0(2)1(3)0(3)1(3)0(3)0(3)", 14, 46, 3),
    ("Орехов Даниил Маркович", "11А", "++2+++2+2++++2++++++", "2(2)3(3)3(3)2(3)3(3)2(3)", 39, 89, 5),
    ("Петрова Злата Викторовна", "11Б", "+-0+--1+0-+--0+-+---", "0(2)0(3)0(3)0(3)0(3)0(3)", 7, 31, 2),
    ("Рябов Фёдор Константинович", "11Б", "++1++-2+1+-++1+-++-+", "1(2)1(3)2(3)0(3)1(3)1(3)", 23, 60, 4),
    ("Соколова Ева Григорьевна", "11Б", "+++++-2+2++++2+-++++", "2(2)2(3)1(3)2(3)2(3)1(3)", 31, 76, 5),
]

# -- the appeal protocol: (name, class, exam, old primary, old mark, current primary, current mark) ----

APPEALS = [
    ("Гончарова Василиса Олеговна", "9А", "Математика(2026.06.02)", 9, 3, 11, 3),
    ("Жуков Святослав Андреевич", "9Б", "Математика(2026.06.02)", 4, 2, 8, 3),
    ("Дроздов Мирон Павлович", "9А", "Русский язык(2026.06.05)", 33, 5, 33, 5),
    ("Лаптева Алиса Романовна", "9Б", "Русский язык(2026.06.05)", 25, 3, 27, 4),
]


def short_points(short: str) -> int:
    return sum(1 if ch == "+" else int(ch) if ch.isdigit() else 0 for ch in short)


def long_points(text: str) -> int:
    return sum(int(part.split("(")[0]) for part in text.rstrip(")").split(")"))


def _check(rows, long_max=None) -> None:
    """The written primary scores add up (the builder refuses a slip of the pen)."""
    for name, _cls, short, long, primary, *_ in rows:
        if short is None:
            continue
        total = short_points(short) + (sum(long) if long_max else long_points(long))
        assert total == primary, (name, total, primary)
        if long_max:
            assert all(s <= m for s, m in zip(long, long_max)), name


def _mark_oge(primary: int, bounds: tuple[int, int, int]) -> int:
    return 2 + sum(primary >= b for b in bounds)


def _title(ws, row: int, text: str, width: int) -> None:
    ws.cell(row=row, column=1, value=text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _averages(ws, rows: list[list]) -> None:
    """The row «Средние»: the label merged across the pupil columns, then averages."""
    r = ws.max_row + 1
    _title(ws, r, "Средние", 9)
    present = [x for x in rows if x[11] not in (None, "")]
    for c in (11, 12):
        values = [x[c] for x in present if isinstance(x[c], int)]
        ws.cell(row=r, column=c + 1, value=round(sum(values) / len(values), 2))
    extra = [x[13] for x in present if len(x) > 13 and isinstance(x[13], int)]
    if extra:
        ws.cell(row=r, column=14, value=round(sum(extra) / len(extra), 2))


def _save(wb, path: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (path.stem.replace(".", "_") + ".xlsx")
        wb.save(src)
        return resave(src, path)


def build_oge(path: Path) -> Path:
    _check(OGE_MATH)
    _check(OGE_RUS, RUS_LONG_MAX)
    for *_x, primary, mark in OGE_MATH:
        assert primary is None or mark == _mark_oge(primary, (8, 15, 22))
    for *_x, primary, mark in OGE_RUS:
        assert mark == _mark_oge(primary, (15, 26, 33))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Лист1"
    width = len(HEADER)
    _title(ws, 1, "Протокол проверки результатов", width)
    _title(ws, 2, REGION, width)
    _title(ws, 3, "02 - Математика 2026.06.02", width)
    ws.append(HEADER)
    rows = []
    for i, (name, cls, short, long, primary, mark) in enumerate(OGE_MATH, 1):
        surname, first, patr = name.split()
        if short is None:
            row = [i, SCHOOL, cls, PPE, "0007", MSU, surname, first, patr, "", "", "", "неявка"]
        else:
            row = [i, SCHOOL, cls, PPE, "0007" if i < 5 else "0008", MSU, surname, first, patr, short, long,
                   primary, mark]
        rows.append(row)
        ws.append(row)
    _averages(ws, rows)
    ws.append([])
    _title(ws, ws.max_row + 1, "01 - Русский язык 2026.06.05", width)
    ws.append(HEADER)
    rows = []
    for i, (name, letter, short, long, primary, mark) in enumerate(OGE_RUS, 1):
        surname, first, patr = name.split()
        text = "".join(f"{s}({m})" for s, m in zip(long, RUS_LONG_MAX))
        row = [i, SCHOOL, letter, PPE, "0011", MSU, surname, first, patr, short, text, primary, mark]
        rows.append(row)
        ws.append(row)
    _averages(ws, rows)
    for c, w in enumerate([5, 9, 7, 9, 10, 9, 16, 12, 16, 24, 40, 10, 8], 1):
        ws.column_dimensions[L(c)].width = w
    return _save(wb, path)


def build_ege(path: Path) -> Path:
    _check(EGE_PHYS)
    header = HEADER[:9] + ["Ответы в краткой форме", "Ответы в развернутой форме", "Первичный балл",
                           "Тестовый балл", "Оценка"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Лист1"
    _title(ws, 1, "Протокол проверки результатов", len(header))
    _title(ws, 2, REGION, len(header))
    _title(ws, 3, "03 - Физика 2026.06.08", len(header))
    ws.append(header)
    rows = []
    for i, (name, cls, short, long, primary, test, mark) in enumerate(EGE_PHYS, 1):
        surname, first, patr = name.split()
        row = [i, SCHOOL, cls, "8830", "0104", MSU, surname, first, patr, short, long, primary, test, mark]
        rows.append(row)
        ws.append(row)
    _averages(ws, rows)
    for c, w in enumerate([5, 9, 7, 9, 10, 9, 16, 12, 18, 26, 30, 10, 10, 8], 1):
        ws.column_dimensions[L(c)].width = w
    return _save(wb, path)


def build_appeal(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Апелляции"
    top = ["№", "Код ОО", "Класс", "Фамилия", "Имя", "Отчество", "Экзамен", "Прежние", None, "Текущие", None]
    width = len(top)
    _title(ws, 1, "Протокол рассмотрения апелляций о несогласии с выставленными баллами", width)
    _title(ws, 2, REGION, width)
    ws.append([])
    ws.append(top)
    ws.append([None] * 7 + ["Первичный балл", "Оценка", "Первичный балл", "Оценка"])
    for c in range(1, 8):                          # the pupil's columns merged down both header rows
        ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    ws.merge_cells("H4:I4")
    ws.merge_cells("J4:K4")
    for i, (name, cls, exam, old_p, old_m, new_p, new_m) in enumerate(APPEALS, 1):
        surname, first, patr = name.split()
        ws.append([i, SCHOOL, cls, surname, first, patr, exam, old_p, old_m, new_p, new_m])
    for c, w in enumerate([5, 9, 7, 16, 12, 16, 26, 10, 8, 10, 8], 1):
        ws.column_dimensions[L(c)].width = w
    return _save(wb, path)


def main(out: Path = OUT) -> None:
    build_oge(out / OGE_NAME)
    build_ege(out / EGE_NAME)
    build_appeal(out / APPEAL_NAME)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
