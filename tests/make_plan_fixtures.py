"""Make the DOCX/XLSX fixtures of plan import (tests/data/plan/*).

Run: .venv/bin/python tests/make_plan_fixtures.py  — the files are committed and can be remade.
Shapes follow the plans schools receive: numbered sections merged across the table, a flat
numbered list with names on separate lines, a road map with tasks merged down, a table with a
row of column numbers and «1 | раздел» rows; and two files without any plan table.
The wording is our own.
"""
from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "plan"

SECTIONS = [
    ("1. Аналитическая работа", [
        ("1.1.", "Сравнение отметок по журналу с результатами ВПР у одних и тех же обучающихся", "Заместитель директора по УВР", "октябрь"),
        ("1.2.", "Разбор итогов ГИА на заседаниях методических объединений", "Руководители ШМО", "август – сентябрь"),
        ("1.3.", "Подготовка справки о подтверждении отметок медалистов результатами ЕГЭ", "Заместитель директора по УВР", "до 15 июля"),
    ]),
    ("2. Выявление причин необъективных результатов", [
        ("2.1.", "Собеседование с учителями классов, где доля понизивших отметку выше 30 %", "Директор\nЗаместитель директора по УВР", "ноябрь"),
        ("2.2.", "Проверка накопляемости отметок в электронном журнале", "Заместитель директора по УВР", "ежегодно, декабрь"),
    ]),
    ("3. Повышение компетентности педагогов в оценивании", [
        ("3.1.", "Семинар о критериях проверки развёрнутых ответов", "Руководители ШМО", "январь"),
        ("3.2.", "Курсы повышения квалификации по оцениванию для учителей начальных классов", "Заместитель директора по УВР", "по графику курсов"),
        ("3.3.", "Взаимопосещение уроков с обсуждением выставленных отметок", "Руководители ШМО", "в течение года"),
    ]),
]

FLAT = [
    ("1.", "Рассказ родителям на собраниях о порядке и сроках проведения ВПР", "февраль – март 2026", "Классные руководители"),
    ("2", "Публикация графика проверочных работ на сайте школы", "февраль 2026", "А.С. Морозова"),
    ("3", "Приглашение общественных наблюдателей без конфликта интересов", "март – апрель 2026", "К.Л. Белова\nЕ.Н. Титов"),
    ("4", "Назначение организаторов в аудиториях приказом директора", "до 10.03.2026", "Е.Н. Титов"),
    ("5", "Совещание с учителями о единых подходах к проверке работ", "12.03.2026", "А.С. Морозова\nК.Л. Белова\nРуководители ШМО"),
    ("6", "Проверка работ школьной комиссией по критериям", "20.04-30.04.2026", "Руководители ШМО"),
    ("7", "Анализ итогов и корректировка рабочих программ", "июнь 2026", "А.С. Морозова"),
]

ROADMAP = [
    ("Качество подготовки обучающихся", [
        ("1.", "Объективная внутренняя оценка в каждом классе", [
            ("Утверждение графика оценочных процедур", "до 15.09.2025", "График на сайте школы", "Морозова А.С."),
            ("Совещания по итогам каждой процедуры", "1 раз в четверть", "Протоколы совещаний", "Титов Е.Н."),
        ]),
        ("2.", "Подготовка к ГИА на уровне требований стандарта", [
            ("Тренировочные работы в форме ОГЭ и ЕГЭ", "декабрь, март", "Доля работ на «3» и выше", "Белова К.Л."),
            ("Занятия с обучающимися группы риска", "январь – май", "Маршрутные карты", "Учителя-предметники"),
            ("Контроль аттестации претендентов на медаль", "декабрь – май", "Справки по итогам контроля", "Морозова А.С."),
        ]),
    ]),
    ("Объективность оценивания", [
        ("1.", "Честное проведение ВПР", [
            ("Наблюдатели и видеозапись во всех аудиториях", "по графику ВПР", "Доля аудиторий с наблюдателями", "Титов Е.Н."),
            ("Перепроверка части работ школьной комиссией", "май", "Доля перепроверок без изменений", "Руководители ШМО"),
        ]),
    ]),
]

NUMBERED = [
    ("1", "Нормативное обеспечение оценки качества", [
        ("1.1", "Обновление положения о системе оценивания", "ежегодно", "Директор"),
        ("1.2", "Приказ о графике оценочных процедур", "сентябрь", "Заместитель директора по УВР"),
    ]),
    ("2", "Работа с родителями по вопросам оценки качества", [
        ("2.1", "Онлайн-встреча родителей с администрацией о ВПР и ГИА", "по отдельному графику", "Заместитель директора по УВР"),
        ("2.2", "Страница о проверочных работах на сайте школы", "постоянно", "Ответственный за сайт"),
    ]),
    ("3", "Анализ и использование результатов", [
        ("3.1", "Заседания методических объединений по итогам процедур", "ежеквартально", "Руководители ШМО"),
        ("3.2", "Круглый стол об опыте учителей с устойчивыми результатами", "апрель", "Руководители ШМО"),
    ]),
]


def _docx_header(doc, lines: list[str], title: str, after: list[str] = ()) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for line in lines:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("")
    p = doc.add_paragraph()
    p.add_run(title).bold = True
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in after:
        doc.add_paragraph(line)


def _set_cell(cell, text: str) -> None:
    parts = text.split("\n")
    cell.text = parts[0]
    for part in parts[1:]:
        cell.add_paragraph(part)


def make_sections_docx(path: Path) -> None:
    import docx

    doc = docx.Document()
    _docx_header(doc, ["Приложение", "к приказу МБОУ «Лицей № 3»", "от 28 августа 2025 года № 214-о"],
                 "План мероприятий, направленных на обеспечение объективности оценочных процедур "
                 "в МБОУ «Лицей № 3» на 2025–2027 годы")
    head = ["№ п/п", "Мероприятия", "Ответственные исполнители", "Сроки реализации"]
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    for s_index, (title, items) in enumerate(SECTIONS):
        if s_index == 2:  # the header repeated where a page would break
            for cell, text in zip(table.add_row().cells, head):
                cell.text = text
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[3])
        merged.text = title
        for number, measure, who, when in items:
            cells = table.add_row().cells
            for cell, text in zip(cells, (number, measure, who, when)):
                _set_cell(cell, text)
    doc.add_paragraph("")
    doc.add_paragraph("Исполнитель: заместитель директора по УВР")
    doc.save(path)


def make_flat_docx(path: Path) -> None:
    import docx

    doc = docx.Document()
    _docx_header(doc, ["Приложение 1", "к приказу директора", "от 02.02.2026 № 41"],
                 "План мер по обеспечению объективности проведения ВПР в 2026 году",
                 ["", "Цель: честные и сопоставимые результаты проверочных работ.",
                  "Основные задачи:", "1. Исключить подсказки и списывание во время работ.",
                  "2. Проверять работы по единым критериям."])
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["№ п/п", "Название мероприятия", "Сроки проведения",
                                                 "Ответственные"]):
        cell.text = text
    for row in FLAT:
        for cell, text in zip(table.add_row().cells, row):
            _set_cell(cell, text)
    doc.save(path)


def make_roadmap_docx(path: Path) -> None:
    import docx

    doc = docx.Document()
    _docx_header(doc, ["Приложение", "к программе, утверждённой приказом", "от 10.12.2025 № 12/98"],
                 "Дорожная карта повышения качества образования на 2025/2026 учебный год")
    head = ["№ п/п", "Задачи", "Мероприятия", "Дата реализации", "Показатели", "Ответственные"]
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head):
        cell.text = text
    for section, tasks in ROADMAP:
        row = table.add_row()
        row.cells[0].merge(row.cells[5]).text = section
        for number, task, measures in tasks:
            first = len(table.rows)
            for measure, when, indicator, who in measures:
                cells = table.add_row().cells
                for cell, text in zip(cells[2:], (measure, when, indicator, who)):
                    cell.text = text
            last = len(table.rows) - 1
            table.cell(first, 0).merge(table.cell(last, 0)).text = number
            table.cell(first, 1).merge(table.cell(last, 1)).text = task
    doc.save(path)


def _xlsx_row(ws, row: int, values, bold=False) -> None:
    from openpyxl.styles import Alignment, Font

    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)


def make_roadmap_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Дорожная карта"
    ws["D1"] = "Приложение к приказу от 10.12.2025 № 12/98"
    ws["A3"] = "Дорожная карта повышения качества образования на 2025/2026 учебный год"
    ws.merge_cells("A3:F3")
    _xlsx_row(ws, 5, ["№ п/п", "Задачи", "Мероприятия", "Дата реализации", "Показатели", "Ответственные"], bold=True)
    row = 6
    for section, tasks in ROADMAP:
        _xlsx_row(ws, row, [section], bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1
        for number, task, measures in tasks:
            first = row
            for measure, when, indicator, who in measures:
                _xlsx_row(ws, row, [number if row == first else None, task if row == first else None,
                                    measure, when, indicator, who])
                row += 1
            if row - 1 > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=row - 1, end_column=2)
    wb.create_sheet("Примечания")["A1"] = "Сроки уточняются по графику муниципалитета."
    wb.save(path)


def make_numbered_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Лист1"
    ws["A1"] = "Перечень мероприятий школьной системы оценки качества на 2026 год"
    _xlsx_row(ws, 3, ["№", "Мероприятие (содержание деятельности)", "Сроки исполнения", "Ответственный"], bold=True)
    _xlsx_row(ws, 4, [1, 2, 3, 4])
    row = 5
    for number, title, items in NUMBERED:
        _xlsx_row(ws, row, [number, title, None, None], bold=True)
        row += 1
        for item in items:
            _xlsx_row(ws, row, list(item))
            row += 1
    _xlsx_row(ws, row + 1, ["Составил: заместитель директора по УВР"])
    wb.save(path)


def make_no_table_docx(path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Служебная записка")
    doc.add_paragraph("Прошу выделить кабинет 12 для заседания методического объединения.")
    table = doc.add_table(rows=3, cols=3)
    for r, values in enumerate([("ФИО", "Должность", "Телефон"), ("Титов Е.Н.", "учитель", "12-34"),
                                ("Белова К.Л.", "учитель", "56-78")]):
        for c, text in enumerate(values):
            table.cell(r, c).text = text
    doc.save(path)


def make_no_table_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r, values in enumerate([("Код участника", "Класс", "Первичный балл"), ("10001", "5А", 12),
                                ("10002", "5А", 15)], start=1):
        _xlsx_row(ws, r, values)
    wb.save(path)


MAKERS = {
    "sections_000.docx": make_sections_docx,
    "flat_001.docx": make_flat_docx,
    "roadmap_003.docx": make_roadmap_docx,
    "roadmap_003.xlsx": make_roadmap_xlsx,
    "numbered_004.xlsx": make_numbered_xlsx,
    "no_plan_table.docx": make_no_table_docx,
    "no_plan_table.xlsx": make_no_table_xlsx,
}


def make_all(out: Path = OUT, *, office: bool = False) -> list[Path]:
    """Every plan fixture; `office` re-saves the workbooks through LibreOffice (for the committed copies)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, maker in MAKERS.items():
        maker(out / name)
        paths.append(out / name)
    if office:
        from make_import_fixtures import _office_saved     # workbooks as an office suite saves them

        _office_saved([p for p in paths if p.suffix == ".xlsx"])
    return paths


if __name__ == "__main__":
    for p in make_all(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT, office=True):
        print(p)
