"""The shared table reader: formats by content, encodings, delimiters, merged cells, formulas, limits."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from app.core.errors import UserError
from app.core.imports import table_reader as tr

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402


TEXT = "Класс;Ученик;Предмет;Период;Отметка\n5А;Иванов Иван;Математика;1 четверть;5\n" \
       "5А;Петрова Анна;Русский язык;1 четверть;4\n5Б;Сидоров Пётр;Литература;2 четверть;3\n"


@pytest.mark.parametrize("encoding, prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1251", b""),
                                              ("utf-16", b"")])
def test_csv_encodings_are_recognised(tmp_path, encoding, prefix):
    path = tmp_path / "a.csv"
    path.write_bytes(prefix + TEXT.encode(encoding))
    book = tr.read_book(path)
    rows = book.sheets[0].rows
    assert rows[0] == ["Класс", "Ученик", "Предмет", "Период", "Отметка"]
    assert rows[3][1] == "Сидоров Пётр"
    assert book.delimiter == ";"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiters_are_sniffed(tmp_path, delimiter):
    path = tmp_path / "a.csv"
    path.write_text(TEXT.replace(";", delimiter), encoding="utf-8")
    book = tr.read_book(path)
    assert book.delimiter == delimiter
    assert book.sheets[0].rows[1] == ["5А", "Иванов Иван", "Математика", "1 четверть", "5"]


def test_decimal_commas_do_not_fool_the_sniffer():
    text = "ФИО;Балл;Процент\nИванов;12;45,5\nПетров;15;57,7\nСидоров;9;33,3\n"
    assert tr.sniff_delimiter(text) == ";"


def test_wrong_encoding_is_refused_with_a_clear_message():
    with pytest.raises(UserError) as err:
        tr.read_book(DATA / "bad_encoding.csv")
    text = str(err.value)
    assert "bad_encoding.csv" in text and "кодировк" in text and "UTF-8" in text


@pytest.mark.parametrize("name, words", [
    ("bad_pdf_renamed.xlsx", ["PDF", "bad_pdf_renamed.xlsx"]),
    ("bad_truncated.xlsx", ["повреждён или обрезан", "bad_truncated.xlsx"]),
    ("bad_empty_sheet.xlsx", ["пуст", "Лист1"]),
])
def test_broken_files_get_russian_messages(name, words):
    with pytest.raises(UserError) as err:
        tr.read_book(DATA / name)
    for word in words:
        assert word in str(err.value)


def test_old_xls_and_missing_files(tmp_path):
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(UserError, match="Excel 97"):
        tr.read_book(old)
    with pytest.raises(UserError, match="не найден"):
        tr.read_book(tmp_path / "nope.csv")


def test_merged_cells_are_expanded_and_formulas_found():
    book = tr.read_book(DATA / "vpr_merged_rus6.xlsx")
    sheet = next(s for s in book.sheets if s.name == "Русский язык")
    # «Код» is merged over two header rows, «Баллы за задания» over the task columns
    assert sheet.rows[5][0] == "Код" and sheet.rows[4][0] == "Код"
    assert sheet.rows[4][3] == sheet.rows[4][12] == "Баллы за задания"
    formulas = tr.read_book(DATA / "bad_formulas.xlsx").sheets[0]
    assert formulas.formula_cells and formulas.formula_cells[0][0] == 8
    message = formulas.formula_message(5)
    assert "строка 8" in message and "формула" in message


def test_formulas_with_saved_values_are_read_as_values(tmp_path):
    path = tmp_path / "saved.xlsx"
    shutil.copy(DATA / "vpr_simple_math5.xlsx", path)
    book = tr.read_book(path)
    assert not book.sheets[0].formula_cells      # values only: nothing to complain about


def test_dates_numbers_and_inline_strings(tmp_path):
    path = tmp_path / "types.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Дата", fixtures.dt.datetime(2025, 4, 17), 3.5, 7, True, "  текст "])
    wb.save(path)
    row = tr.read_book(path).sheets[0].rows[0]
    assert row[1].year == 2025 and row[2] == 3.5 and row[3] == 7 and row[4] is True
    assert tr.cell_text(row[1]) == "17.04.2025" and tr.norm(row[5]) == "текст"


def test_row_limit_is_enforced_for_csv_and_xlsx(tmp_path):
    big = fixtures.huge_csv(tmp_path / "huge.csv")
    with pytest.raises(UserError) as err:
        tr.read_book(big)
    assert "100 000" in str(err.value) and "huge.csv" in str(err.value)
    path = tmp_path / "rows.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Длинный")
    for i in range(60):
        ws.append([i, "x"])
    wb.save(path)
    with pytest.raises(UserError, match="Длинный"):
        tr.read_book(path, max_rows=50)


def test_header_is_found_by_keywords_not_position():
    sheet = tr.Sheet("Лист", [["Отчёт"], [], ["№", "ФИО", "Отметка"], [1, "Иванов", 5]])

    def score(labels):
        return sum(t in ("фио", "отметка") for t in labels)
    header = tr.find_header(sheet, score)
    assert header.row == 2 and header.labels == ["№", "фио", "отметка"]
    assert tr.find_header(tr.Sheet("Пусто", [["a"], ["b"]]), score) is None
