"""Builds the schedule and curriculum fixtures of this folder: written with openpyxl, then re-saved
through LibreOffice Calc (tests/resave.py) so they carry shared strings like the files schools send.

Run from the project root: python tests/data/schedule/make_fixtures.py
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.resave import resave  # noqa: E402

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def long_form(ws) -> None:
    ws.append(["График оценочных процедур на 2025/2026 учебный год"])
    ws.append([])
    ws.append(["№", "Класс", "Предмет", "Дата", "Урок", "Вид работы", "Уровень", "Длительность"])
    ws.append([1, "5А", "Математика", "24.09.2025", 2, "контрольная работа", "школьный", 1])
    ws.append([2, "5Б", "математика", dt.datetime(2025, 9, 24), 3, "контрольная работа", "школьный", 1])
    ws.append([3, "5А, 5Б", "Русский язык", dt.datetime(2025, 10, 1), "2-3", "диагностическая работа", "", ""])
    ws.append([4, "5А", "История", "15.04.2026", "", "ВПР", "федеральный", 1])
    ws.append([5, "5А", "История", "22.04.2026", 4, "контрольная работа", "школьный", 1])
    ws.append([6, "пятый", "Биология", "10.11.2025", 2, "контрольная работа", "школьный", 1])
    ws.append([7, "5Б", "Биология", "в ноябре", 2, "контрольная работа", "школьный", 1])
    ws.append([])
    ws.append(["Заместитель директора по УВР", "", "", "", "", "Петрова А. В."])


def wide_form(ws) -> None:
    ws.append(["График оценочных процедур МБОУ «СОШ № 3» на 2025/2026 учебный год"])
    ws.append(["Условные обозначения: рус. — русский язык, мат. — математика, ВПР — всероссийская проверочная работа"])
    ws.append([])
    ws.append(["Сентябрь 2025"])
    days = [dt.date(2025, 9, d) for d in range(1, 31) if dt.date(2025, 9, d).isoweekday() <= 5]
    ws.append(["Класс", *[f"{d.day}\n{WEEKDAYS[d.weekday()]}" for d in days]])
    row_5a = {15: "рус.", 24: "мат"}
    row_5b = {16: "мат.", 25: "рус\nЛит"}
    for label, cells in (("5А", row_5a), ("5Б", row_5b)):
        ws.append([label, *[cells.get(d.day, None) for d in days]])
    ws.append([])
    ws.append(["Октябрь"])
    oct_days = [dt.datetime(2025, 10, d) for d in (6, 7, 8, 9, 10)]
    ws.append(["Класс", *oct_days])
    ws.append(["5А", None, "ВПР мат", None, None, None])
    ws.append(["5Б", None, None, "хзв", None, None])


def weeks_form(ws) -> None:
    ws.append(["График контрольных работ, 2025/2026 учебный год"])
    ws.append(["Класс", "01.09–05.09", "08.09–12.09", "15.09–19.09"])
    ws.append(["7А", None, "алг ср", "рус (пт)"])
    ws.append(["7Б", "физ 03.09", None, "гео"])


def curriculum_long(ws) -> None:
    ws.append(["Параллель", "Предмет", "Часов в неделю"])
    for grade, subject, hours in ((5, "Русский язык", 5), (5, "Математика", 5), (5, "История", 2),
                                  (5, "Музыка", 1), (6, "Русский язык", 6), (6, "Биология", "1")):
        ws.append([f"{grade}", subject, hours])
    ws.append(["5А", "Математика", "5,5"])
    ws.append(["шестой", "Физика", 2])


def curriculum_wide(ws) -> None:
    ws.append(["Недельный учебный план основного общего образования на 2025/2026 учебный год"])
    ws.append([])
    ws.append(["Предметные области", "Учебные предметы", "V", "VI", "VII", "VIII", "IX"])
    ws.append(["Обязательная часть", None, None, None, None, None, None])
    ws.append(["Русский язык и литература", "Русский язык", 5, 6, 4, 3, 3])
    ws.append([None, "Литература", 3, 3, 2, 2, 3])
    ws.append(["Математика и информатика", "Математика", 5, 5, None, None, None])
    ws.append([None, "Алгебра", None, None, 3, 3, 3])
    ws.append([None, "Вероятность и статистика", None, None, 1, 1, 1])
    ws.append(["Естественнонаучные предметы", "Физика", None, None, 2, 2, 3])
    ws.append(["Итого", None, 29, 30, 32, 33, 33])


def build(name: str, fill) -> None:
    wb = Workbook()
    fill(wb.active)
    wb.active.title = "Лист1"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / name
        wb.save(src)
        resave(src, HERE / name)
    print(HERE / name)


if __name__ == "__main__":
    build("schedule_long_2025-2026.xlsx", long_form)
    build("schedule_wide_2025-2026.xlsx", wide_form)
    build("schedule_weeks.xlsx", weeks_form)
    build("curriculum_long.xlsx", curriculum_long)
    build("curriculum_wide_2025-2026.xlsx", curriculum_wide)
