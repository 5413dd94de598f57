"""The analysis report of the demo school: XLSX and PDF written, read back and checked."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.core import store
from app.core.analysis.thresholds import DEFAULTS, describe, save_thresholds
from app.core.errors import Cancelled, UserError
from app.core.reports.analysis_report import _plain, write_analysis_report

ROOT = Path(__file__).resolve().parents[2]
YEAR = "2025/2026"


@pytest.fixture(scope="module")
def demo(demo_template):
    db = store.open_db(demo_template)
    yield db
    db.close()


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _fill(cell) -> str | None:
    return cell.fill.fgColor.rgb[-6:].upper() if cell.fill is not None and cell.fill.fill_type else None


def test_xlsx_sheets_flags_highlighted_and_native_numbers(demo, tmp_path):
    steps = []
    out = write_analysis_report(demo, tmp_path / "анализ.xlsx", year=YEAR, progress=lambda d, t: steps.append((d, t)))
    assert out.exists() and not list(tmp_path.glob("*.tmp*"))
    assert steps and steps[-1][0] == steps[-1][1] and [d for d, _ in steps] == sorted(d for d, _ in steps)
    wb = load_workbook(out)
    for name in ("Сводка", "Индексы", "Признаки", "По классам", "Границы отметок", "Эталон", "Когорты",
                 "ОГЭ и годовые", "Медалисты", "Перепроверки", "Охват наблюдением", "Пороги"):
        assert name in wb.sheetnames, name
    ws = wb["По классам"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Год")
    headers = [c.value for c in ws[header_row]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    flagged, clean = set(), set()
    for r in range(header_row + 1, ws.max_row + 1):
        key = (ws.cell(r, col["Класс"]).value, ws.cell(r, col["Предмет"]).value, ws.cell(r, col["Процедура"]).value)
        assert ws.cell(r, col["Год"]).value == YEAR
        n = ws.cell(r, col["Участников с обеими отметками"]).value
        assert isinstance(n, int) and ws.cell(r, col["Понизили, %"]).number_format == "0.0"
        (flagged if _fill(ws.cell(r, 1)) == "FDE3E1" else clean).add(key)
    assert flagged == {("6Б", "Математика", "ВПР"), ("7А", "Русский язык", "ВПР")}
    assert len(clean) > 30
    # every flag with its reason, every threshold with its value
    reasons = {ws.cell(r, c).value for ws in [wb["Признаки"]] for r in range(1, ws.max_row + 1)
               for c in range(1, ws.max_column + 1)}
    assert sum(1 for v in reasons if isinstance(v, str) and "порог" in v) >= 3
    values = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for ws in [wb["Пороги"]] for r in range(1, ws.max_row + 1)]
    for label, value in describe(DEFAULTS):
        assert (_plain(label), value) in values, label          # the report writes no formulas in brackets


def test_pdf_has_charts_tables_flags_and_thresholds(demo, tmp_path):
    steps = []
    out = write_analysis_report(demo, tmp_path / "анализ.pdf", year=YEAR, progress=lambda d, t: steps.append((d, t)))
    assert out.read_bytes().startswith(b"%PDF") and steps[-1][0] == steps[-1][1]
    text = _pdf_text(out)
    flat = " ".join(text.split())
    assert "АНАЛИЗ ОБЪЕКТИВНОСТИ ОЦЕНОЧНЫХ ПРОЦЕДУР" in flat and f"Учебный год: {YEAR}" in flat
    for heading in ("Признаки необъективности", "Сравнение отметок за процедуры с отметками по журналу",
                    "Таблицы сопряжённости отметок", "Результаты и эталон", "Те же учащиеся год спустя",
                    "Медалисты и результаты ЕГЭ", "Правило сравнения и пороги признаков"):
        assert heading in flat, heading
    for fragment in ("7А класс, Русский язык, ВПР 2025/2026", "6Б класс, Математика, ВПР 2025/2026",
                     "5В класс, Русский язык", "кандидат на медаль I степени (код 35611)"):
        assert fragment in flat, fragment
    assert "8Б класс, Математика, ВПР 2024/2025" not in flat          # another year
    for label, value in describe(DEFAULTS)[:5]:
        assert label in flat and value in flat
    assert "Понизили" in flat and "Повысили" in flat                  # chart legends are text in the PDF


def test_pdf_of_all_years_shows_the_bunching_histogram(demo, tmp_path):
    out = write_analysis_report(demo, tmp_path / "all.pdf")
    flat = " ".join(_pdf_text(out).split())
    assert "Скопление первичных баллов у границ отметок" in flat
    assert "ВПР 2024/2025, Математика, 8 класс, класс 8Б" in flat
    assert "«4» — от 12 б." in flat and "Скопление: балл на границе и на 1 выше" in flat


def test_thresholds_chosen_by_the_school_are_printed(demo_db, tmp_path):
    save_thresholds(demo_db, {"journal_inflation_pct": 44.0})
    out = write_analysis_report(demo_db, tmp_path / "t.xlsx", year=YEAR)
    ws = load_workbook(out)["Пороги"]
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert values["Завышение отметок в журнале: доля «понизили» не менее"] == "44 %"
    flags = load_workbook(out)["Признаки"]
    text = " ".join(str(c.value) for row in flags.iter_rows() for c in row if c.value)
    assert "6Б" in text and "порог — 44 %" in text


def test_cancel_and_wrong_suffix_leave_no_file(demo, tmp_path):
    with pytest.raises(Cancelled):
        write_analysis_report(demo, tmp_path / "x.pdf", cancel=lambda: True)
    with pytest.raises(UserError):
        write_analysis_report(demo, tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_the_report(demo_db_path, tmp_path):
    out = tmp_path / "отчёт.xlsx"
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(demo_db_path), "analysis-report", str(out),
                           "--year", YEAR], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out) and load_workbook(out)["Сводка"]


def test_chart_labels_keep_words_whole():
    from app.core.analysis.views import share_text
    from app.core.reports.charts_pdf import _wrap_label

    assert _wrap_label("Русский язык, 5 кл.", 200, 6.5) == ["Русский язык", "5 кл."]
    assert _wrap_label("Окружающий мир, 4 кл.", 48, 6.5) == ["Окружающий", "мир", "4 кл."]
    # too long for three lines: the grade stays, the subject is shortened visibly
    assert _wrap_label("Математика (базовый уровень), 11 кл.", 48, 6.5) == ["Математика", "(базовый…", "11 кл."]
    long = _wrap_label("Естественнонаучная грамотность, 8 кл.", 20, 6.5)
    assert len(long) == 3 and long[0].endswith("…") and long[-1] == "8 кл."
    assert [share_text(3, 715), share_text(4, 715), share_text(0, 9), share_text(219, 715)] == ["< 1 %", "1 %", "0 %", "31 %"]
