"""Build the electronic-journal fixtures of real layouts (DESIGN §9), re-saved through LibreOffice.

    python tests/make_real_layouts_journal.py [OUT_DIR]      # default: tests/data/real-layouts

Three layouts, described from files schools send (every person is invented):

* Сетевой город «Табель успеваемости учащегося (весь класс)», .xls: one block per pupil
  («Учебный год: …», «Класс: …», «Ученик: …»), a three-row merged header «Предмет | Учебные
  периоды → 1 Четверть … 4 Четверть → Средний балл | Ср. взв. балл | Итог | Год. оценка | Экз.
  оценка | Гос. экз. оценка | Итог. оценка»; period marks are the text «Итог», averages are numbers.
* Сетевой город «Отчёт об успеваемости и посещаемости ученика (весь класс)», .xlsx: one block
  per pupil with daily marks by date and attendance letters (Н, Б, У, О; «2/3», «О 2», «5 Н»).
* A final-marks list «ФИО/ПРЕДМЕТ» with subjects as columns (native-language subjects among them),
  names with trailing and doubled spaces, «осв» and «зач» cells.

Deterministic: the marks follow fixed formulas (see `tabel_mark`, `final_mark`, `DAILY`), so the
tests' numbers can be counted by hand. The re-saved files are committed; CI never runs this.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter as L

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resave import resave  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "real-layouts"

TABEL_NAME = "journal_Табель успеваемости учащегося (весь класс).xls"
REPORT_NAME = "journal_Отчёт об успеваемости и посещаемости ученика (весь класс).xlsx"
FINAL_NAME = "journal_Итоговые отметки 9А 2024-2025.xlsx"

# -- «Табель успеваемости учащегося (весь класс)» ------------------------------------------------

TABEL_PUPILS = ["Арсеньев Глеб Викторович", "Белоусова Таисия Романовна", "Гаврилин Остап Ильич",
                "Дорофеева Злата Евгеньевна", "Ермолин Савва Петрович", "Жаркова Нелли Олеговна",
                "Зотов Тимур Германович", "Ильина Вера Станиславовна"]
TABEL_SUBJECTS = ["Русский язык", "Литература", "Алгебра", "Геометрия", "История", "Биология", "Физика",
                  "Химия", "Английский язык", "Физическая культура"]
TABEL_EMPTY = ["Разговоры о важном", "Россия — мои горизонты"]     # no marks at all: skipped quietly


def tabel_mark(pupil: int, subject: int, quarter: int) -> int:
    """The quarter mark (1…4) of a pupil in a subject: 3, 4 or 5."""
    return 3 + (pupil + subject + quarter) % 3


def tabel_year(pupil: int, subject: int) -> int:
    """The annual mark: the rounded mean of the four quarters."""
    marks = [tabel_mark(pupil, subject, q) for q in range(1, 5)]
    return int(sum(marks) / 4 + 0.5)


def tabel_exception(pupil: int, subject: str, quarter: int | None) -> str | None:
    """Cells that are not marks: «н/а» for Гаврилин's chemistry in the 1st quarter, «осв» for
    Ермолин's physical education every quarter and the year (quarter None = the year)."""
    if pupil == 2 and subject == "Химия" and quarter == 1:
        return "н/а"
    if pupil == 4 and subject == "Физическая культура":
        return "осв"
    return None


def build_tabel(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Табель"
    width = 1 + 12 + 4                         # Предмет, 4 × 3 period columns, 4 final columns
    last = L(width)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append(["Табель успеваемости учащегося (весь класс)"])
    ws.merge_cells(f"A1:{last}1")
    ws.append(["МБОУ «Заречненская средняя общеобразовательная школа»"])
    ws.merge_cells(f"A2:{last}2")
    for p, name in enumerate(TABEL_PUPILS):
        ws.append([])
        for line in ("Учебный год: 2024/2025", "Класс: 8А", f"Ученик: {name}"):
            ws.append([line])
            ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        top = ws.max_row + 1
        ws.append(["Предмет", "Учебные периоды", *[None] * 11, "Год. оценка", "Экз. оценка",
                   "Гос. экз. оценка", "Итог. оценка"])
        ws.append([None, *[x for q in range(1, 5) for x in (f"{q} Четверть", None, None)]])
        ws.append([None, *["Средний балл", "Ср. взв. балл", "Итог"] * 4])
        ws.merge_cells(f"A{top}:A{top + 2}")
        ws.merge_cells(f"B{top}:M{top}")
        for q in range(4):
            ws.merge_cells(f"{L(2 + 3 * q)}{top + 1}:{L(4 + 3 * q)}{top + 1}")
        for c in range(14, 18):
            ws.merge_cells(f"{L(c)}{top}:{L(c)}{top + 2}")
        for r in range(top, top + 3):
            for cell in ws[r]:
                cell.font, cell.alignment = bold, center
        for s, subject in enumerate(TABEL_SUBJECTS):
            row: list = [subject]
            for q in range(1, 5):
                odd = tabel_exception(p, subject, q)
                mark = tabel_mark(p, s, q)
                if odd == "осв":
                    row += [None, None, "осв"]
                elif odd:
                    row += [2.5, 2.5, odd]
                else:
                    # averages at or a little below the mark: 4.6, 4.8, sometimes a whole number
                    avg = round(mark - 0.4 + 0.2 * ((p + s + q) % 3), 2)
                    row += [avg, round(avg - 0.05, 2), str(mark)]   # «Итог» is text, as exported
            odd = tabel_exception(p, subject, None)
            row += [odd or str(tabel_year(p, s)), None, None, None]
            ws.append(row)
        for subject in TABEL_EMPTY:
            ws.append([subject])
    ws.column_dimensions["A"].width = 28
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "tabel.xlsx"
        wb.save(src)
        return resave(src, path)


# -- «Отчёт об успеваемости и посещаемости ученика (весь класс)» -----------------------------------

REPORT_PUPILS = ["Кречетов Лев Андреевич", "Лужина Ева Матвеевна", "Миронов Фрол Степанович",
                 "Нестерова Ада Кирилловна", "Огарёв Марк Денисович", "Прядкина Лада Юрьевна"]
REPORT_SUBJECTS = ["Русский язык", "Алгебра", "История", "Английский язык"]
REPORT_DATES = [("Сентябрь", [3, 10, 17, 24]), ("Октябрь", [1, 8, 15, 22])]
# Eight kinds of cell; over the eight dates of a row each comes once, so every row holds
# 1 + 2 + 0 + 2 + 1 + 1 + 0 + 0 = 7 daily marks.
DAILY = ["5", "4 5", "Н", "2/3", "О 2", "5 Н", "У", "О"]


def build_report(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Отчёт"
    days = [d for _, ds in REPORT_DATES for d in ds]
    width = 1 + len(days) + 1
    last = L(width)
    for p, name in enumerate(REPORT_PUPILS):
        if p:
            ws.append([])
        for line in ("Отчёт об успеваемости и посещаемости ученика", "Учебный год: 2024/2025", "Класс: 7Б",
                     f"Ученик: {name}", "Период: с 02.09.2024 по 27.10.2024"):
            ws.append([line])
            ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        top = ws.max_row + 1
        head: list = ["Предмет"]
        for month, ds in REPORT_DATES:
            head += [month] + [None] * (len(ds) - 1)
        ws.append(head + ["Средняя оценка"])
        ws.append([None, *days])
        ws.merge_cells(f"A{top}:A{top + 1}")
        ws.merge_cells(f"{last}{top}:{last}{top + 1}")
        col = 2
        for _, ds in REPORT_DATES:
            ws.merge_cells(f"{L(col)}{top}:{L(col + len(ds) - 1)}{top}")
            col += len(ds)
        for s, subject in enumerate(REPORT_SUBJECTS):
            cells = [DAILY[(p + s + d) % len(DAILY)] for d in range(len(days))]
            ws.append([subject, *cells, 4.17])
        ws.append(["Разговоры о важном", "Б", None, None, "Н"])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.xlsx"
        wb.save(src)
        return resave(src, path)


# -- «ФИО/ПРЕДМЕТ»: final marks with subjects as columns -------------------------------------------

FINAL_PUPILS = ["Савельева Мария  ", "Тихонов  Яков Борисович", " Уварова Инна", "Фролов Роман Ильич ",
                "Хромова  Юлия  Петровна", "Цветков Антон", "Чижова Алла Львовна", "Шубин Егор",
                "Щеглова Нина Сергеевна"]
FINAL_SUBJECTS = ["Русский язык", "Литература", "Родной язык (русский)", "Родная литература (русская)",
                  "Математика", "Иностранный язык (английский)", "История", "Обществознание", "Физика",
                  "Биология", "Физическая культура"]


def final_mark(pupil: int, subject: int) -> int:
    return 3 + (2 * pupil + subject) % 3


def build_final(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Лист1"
    ws.append(["ФИО/ПРЕДМЕТ", *FINAL_SUBJECTS, "Индивидуальный проект"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(text_rotation=90, wrap_text=True)
    for p, name in enumerate(FINAL_PUPILS):
        row: list = [name]
        for s, subject in enumerate(FINAL_SUBJECTS):
            if p == 3 and subject == "Физическая культура":
                row.append("осв")
            else:
                row.append(final_mark(p, s))
        row.append("зач")
        ws.append(row)
    ws.append([])
    ws.append(["Классный руководитель", None, None, "Ковалёва Т. Н."])
    ws.column_dimensions["A"].width = 32
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "final.xlsx"
        wb.save(src)
        return resave(src, path)


def main(out: Path = OUT) -> None:
    build_tabel(out / TABEL_NAME)
    build_report(out / REPORT_NAME)
    build_final(out / FINAL_NAME)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
