"""Documents a school official signs without corrections: the demo school's PDFs and XLSX files are
written, read back (pdfinfo, pdftotext, openpyxl) and checked — metadata, the school's name, the
signature beside the last rows, the newest year first, plain headers that never break inside a
word, one way of writing percents, axis titles, row heights and print setup, a palette that keeps
twelve classes apart."""
from __future__ import annotations

import copy
import getpass
import itertools
import re
import socket
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.platypus import Table

from app.core import palette, store
from app.core.analysis import run
from app.core.district import COLUMNS, HEADER_ROW, SchoolSummary, SummaryResult, write_summary_xlsx
from app.core.reports import analysis_report, charts_pdf, execution
from app.core.reports.analysis_report import write_analysis_report
from app.core.reports.common import LANDSCAPE, FlowTable, build_pdf, header_word_chars, school_name, text_lines
from app.core.reports.execution import write_execution_report
from app.core.reports.plan_pdf import write_plan_pdf
from app.core.reports.plan_xlsx import write_plan_xlsx
from app.core.schedule_reports import write_schedule_pdf

SIGNATURE = "Заместитель директора по учебно-воспитательной работе"


@pytest.fixture(scope="module")
def demo(demo_template):
    db = store.open_db(demo_template)
    yield db
    db.close()


@pytest.fixture(scope="module")
def school(demo):
    return store.school_row(demo)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="module")
def analysis_pdf(demo, out) -> Path:
    return write_analysis_report(demo, out / "analysis.pdf")


@pytest.fixture(scope="module")
def analysis_xlsx(demo, out):
    return load_workbook(write_analysis_report(demo, out / "analysis.xlsx"))


def _info(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in text.splitlines())}


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


# ---------------------------------------------------------------- PDF metadata


def test_every_pdf_says_what_it_is_and_whose_it_is(demo, school, out, analysis_pdf):
    made = {
        "План мероприятий": write_plan_pdf(demo, out / "plan.pdf"),
        "Отчёт об исполнении плана мероприятий": write_execution_report(demo, out / "report.pdf"),
        "Анализ объективности оценочных процедур": analysis_pdf,
        "График оценочных процедур": write_schedule_pdf(demo, out / "schedule.pdf"),
    }
    names = {school.get("full_name"), school.get("short_name")} - {None, ""}
    strangers = {"Объектив", getpass.getuser(), socket.gethostname()}
    for kind, path in made.items():
        info = _info(path)
        assert info["Title"].startswith(kind), (path.name, info["Title"])
        assert info["Author"] in names, (path.name, info["Author"])
        assert not any(s and s in info["Author"] for s in strangers), (path.name, info["Author"])
    assert _info(made["Отчёт об исполнении плана мероприятий"])["Title"] != "Отчёт об исполнении плана мероприятий"


# ---------------------------------------------------------------- execution report


def test_execution_report_names_the_school_and_signs_beside_its_rows(demo, school, out):
    pages = _pages(write_execution_report(demo, out / "report2.pdf"))
    assert " ".join(school["full_name"].split()) in " ".join(pages[0].split())
    last = pages[-1]
    assert SIGNATURE in last and re.search(r"^\s*\d+\.\d+\.", last, re.M), "the signature stands alone"
    wb = load_workbook(write_execution_report(demo, out / "report.xlsx"))
    assert wb["Исполнение"].cell(1, 1).value == school["full_name"]
    assert wb.properties.creator == school_name(school)


def test_the_signature_never_stands_alone_whatever_the_length(demo, out):
    """Reports of 1…13 items (the table ends at every height of the first and second page): the
    page with the signature always holds rows of the table too."""
    data = execution.collect(demo)
    alone = []
    for k in range(1, 14):
        cut, left = [], k
        for sec in data["sections"]:
            if left <= 0:
                break
            cut.append({**sec, "items": sec["items"][:left]})
            left -= len(cut[-1]["items"])
        part = {**copy.copy(data), "sections": cut, "counts": {**data["counts"], "total": k}}
        path = build_pdf(out / "sweep.pdf", execution._pdf_story(part), pagesize=LANDSCAPE)
        last = _pages(path)[-1]
        assert SIGNATURE in last
        if not re.search(r"^\s*\d+\.\d+\.", last, re.M):
            alone.append(k)
    assert alone == []


def test_flow_table_carries_its_last_rows_to_the_signature():
    from app.core.reports.common import para

    rows = [[para("№"), para("Текст")]] + [[para(f"{i}."), para("строка " * 20)] for i in range(1, 40)]
    table = FlowTable(rows, colWidths=[40, 300], repeatRows=1, frame_height=500, tail_height=120)
    parts = table.split(340, 480)
    assert len(parts) == 2 and parts[0].tail_height == 0 and parts[1].tail_height == 120
    # the table fits, the tail does not: the last rows go over with it
    short = FlowTable(rows[:6], colWidths=[40, 300], repeatRows=1, frame_height=500, tail_height=120)
    _, height = short.wrap(340, 1000)
    parts = short.split(340, height + 60)
    assert len(parts) == 2 and len(parts[1]._cellvalues) == 1 + FlowTable.KEEP_ROWS


# ---------------------------------------------------------------- plan


def test_plan_xlsx_carries_the_school_line_like_the_pdf(demo, school, out):
    ws = load_workbook(write_plan_xlsx(demo, out / "plan.xlsx")).active
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "№ п/п")
    above = [ws.cell(r, 1).value for r in range(1, header)]
    assert school["full_name"] in above
    first_page = _pages(write_plan_pdf(demo, out / "plan-school.pdf"))[0]
    assert " ".join(school["full_name"].split()) in " ".join(first_page.split())


# ---------------------------------------------------------------- analysis report


def _years(text: str) -> list[str]:
    return re.findall(r"\b20\d\d/20\d\d\b", text)


def test_analysis_report_puts_the_newest_year_first(analysis_pdf, analysis_xlsx):
    pages = _pages(analysis_pdf)
    first = pages[0]
    scope = re.search(r"Учебный год: ([^.]*)\.", first).group(1)
    years = _years(scope)
    assert len(years) >= 2 and years == sorted(years, reverse=True)
    body = first[first.index("Показатель"):first.index(" · анализ объективности")]
    rows = _years(body)
    assert rows == sorted(rows, reverse=True)
    headings = [m.group(1) for p in pages for m in re.finditer(r"(?:ВПР|ОГЭ|ЕГЭ) (20\d\d/20\d\d), [^:\n]+: понизили", p)]
    assert len(headings) > 3 and headings == sorted(headings, reverse=True)
    ws = analysis_xlsx["По классам"]
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Год")
    col = [ws.cell(r, 1).value for r in range(header + 1, ws.max_row + 1)]
    assert col == sorted(col, reverse=True)


def test_analysis_report_speaks_plain_russian_and_writes_percents_one_way(analysis_pdf):
    # plain text, not -layout: the layout mode may close up a gap to line up columns
    text = subprocess.run(["pdftotext", str(analysis_pdf), "-"], capture_output=True, text=True, check=True).stdout
    for formula in ("(t, t+1)", "t+1", "(t−2", "(a + b)", "a + b"):
        assert formula not in text, formula
    assert not re.search(r"^\s*%", text, re.M), "a percent sign alone at a line start"
    words = re.findall(r">([^<]*)</word>", subprocess.run(["pdftotext", "-bbox", str(analysis_pdf), "-"],
                                                         capture_output=True, text=True, check=True).stdout)
    assert "%" in words and not [w for w in words if re.search(r"\d%", w)], "a percent without its space"
    assert analysis_report._nb("у 9 из 21 (42,9 %)") == "у 9 из 21 (42,9\u00a0%)"
    assert charts_pdf._pct(25) == "25\u00a0%"


def test_no_header_word_breaks_inside_a_word(demo, tmp_path):
    """Every header of every table in the analysis PDF, laid out: each word stays whole on one line."""
    result_analysis = run(demo)
    pdf = analysis_report._Pdf(result_analysis, result_analysis.as_json(), None, None)
    story = pdf.make_story()
    build_pdf(tmp_path / "headers.pdf", list(story), pagesize=LANDSCAPE)      # build() consumes its list
    checked = 0
    for table in _tables(story):
        for value in table._cellvalues[0]:
            cell = value[0] if isinstance(value, (list, tuple)) and value else value    # laid out: a tuple
            if getattr(getattr(cell, "style", None), "name", "") != "header_cell":
                continue
            words = [w for w in cell.text.replace("\n", " ").split(" ") if w]
            laid = [w if isinstance(w, str) else w.text for line in cell.blPara.lines
                    for w in (line[1] if isinstance(line, tuple) else line.words)]
            assert words == [w for w in laid if w], (cell.text, laid)
            checked += 1
    assert checked > 50


def _tables(flowables):
    for f in flowables:
        if isinstance(f, Table):
            yield f
        for attr in ("_content", "_flowables"):
            if hasattr(f, attr):
                yield from _tables(getattr(f, attr))


def _strings(node) -> list[str]:
    if isinstance(node, String):
        return [node.text]
    return [t for child in getattr(node, "contents", []) for t in _strings(child)]


def test_every_chart_axis_has_a_title(demo):
    from app.core.analysis import views

    a = run(demo)
    c = a.as_json()["comparisons"][0]
    bars = charts_pdf.comparison_bars(views.comparison_bars(a, views.Filters(
        year=c["year"], kind=c["procedure_kind"], subject=c["subject"])), 700)
    assert {"Класс (n — участников)", "Доля участников класса, %"} <= set(_strings(bars))
    heat = charts_pdf.heatmap([[1, 2, 0, 0], [0, 3, 1, 0], [0, 1, 4, 1], [0, 0, 1, 2]], 700)
    assert {"Отметка за процедуру", "Отметка по журналу"} <= set(_strings(heat))
    hist = charts_pdf.histogram({"counts": [0, 1, 3, 2, 5], "thresholds": [(2, 3), (4, 4)],
                                 "flagged_thresholds": []}, 700)
    assert {"Первичный балл", "Число работ"} <= set(_strings(hist))
    lines = charts_pdf.cohort_lines([{"class": "5А", "flagged": False, "points": [
        {"year": "2024/2025", "share45": 60.0}, {"year": "2025/2026", "share45": 50.0}]}], 700)
    assert "Учебный год" in _strings(lines) and any("Доля «4» и «5»" in s for s in _strings(lines))
    ref = charts_pdf.reference_bars([{"label": "Математика, 5 кл.", "share45": 60.0,
                                      "refs": {"region": 55.0}}], 700)
    assert {"Доля «4» и «5», %", "Работа: предмет и параллель"} <= set(_strings(ref))


# ---------------------------------------------------------------- XLSX print layout


def _wrapped_rows_have_heights(ws, first_row: int) -> int:
    """Every row with a wrapped cell whose text needs more than one line has an explicit height
    tall enough for it; returns how many such rows were seen."""
    from openpyxl.utils import get_column_letter

    seen = 0
    merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            span = merged.get((cell.row, cell.column))
            cols = range(span.min_col, span.max_col + 1) if span else [cell.column]
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in cols)
            lines = text_lines(cell.value, width * (0.95 if span else 1.0))
            if lines > 1:
                seen += 1
                rows = range(span.min_row, span.max_row + 1) if span else [cell.row]
                heights = [ws.row_dimensions[r].height for r in rows]
                assert None not in heights[-1:], (ws.title, cell.coordinate)
                height = sum(h or 15 for h in heights)
                assert height >= lines * 12, (ws.title, cell.coordinate, height, lines)
    return seen


def test_xlsx_wrapped_rows_have_heights_and_header_words_fit(demo, out, analysis_xlsx):
    books = [analysis_xlsx,
             load_workbook(write_execution_report(demo, out / "r.xlsx")),
             load_workbook(write_plan_xlsx(demo, out / "p.xlsx"))]
    seen = 0
    for wb in books:
        for ws in wb.worksheets:
            seen += _wrapped_rows_have_heights(ws, 1)
    assert seen > 20
    from openpyxl.utils import get_column_letter

    for ws in books[0].worksheets[1:]:
        header = next(r for r in range(1, 8) if ws.cell(r, 1).border.top.style)
        for c in range(1, ws.max_column + 1):
            width = ws.column_dimensions[get_column_letter(c)].width
            for word in str(ws.cell(header, c).value or "").split(" "):
                assert header_word_chars(word) <= width + 0.01, (ws.title, word, width)
        # the title and the note are merged within the table: they never widen the printed area
        area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
        assert area.replace("$", "").split("!")[-1].startswith(f"A1:{get_column_letter(ws.max_column)}")
        assert all(r.max_col <= ws.max_column for r in ws.merged_cells.ranges)


def _summary(tmp: Path) -> Path:
    schools = [SchoolSummary(name=f"Муниципальное бюджетное общеобразовательное учреждение «Средняя "
                                  f"общеобразовательная школа № {k}» городского округа", short_name="",
                             code=f"{k:03d}", municipality="Район", period="2025/2026 учебный год",
                             academic_year="2025/2026", created_at="2026-06-01T10:00:00", source=tmp / f"{k}.zip",
                             indicators={"vpr_index": 20.0 + k, "oge_index": 10.0, "plan_completion": 50.0,
                                         "flags_risk": k % 3, "flags_attention": 1},
                             flags=[{"level": "risk", "code": "journal_inflation", "title": "Отметки выше",
                                     "procedure": "ВПР", "subject": "Математика", "class": "5А",
                                     "reason": "Длинное основание признака, которое занимает несколько строк " * 3}])
               for k in range(1, 16)]
    result = SummaryResult(schools=schools, notes=["Примечание, достаточно длинное, чтобы не поместиться в одну "
                                                   "клетку и не раздвинуть область печати шире таблицы. " * 3])
    return write_summary_xlsx(result, tmp / "summary.xlsx")


def test_district_summary_has_a_print_setup(tmp_path):
    wb = load_workbook(_summary(tmp_path))
    ws = wb["Сводка"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    from openpyxl.utils import get_column_letter

    last_col = get_column_letter(len(COLUMNS))
    area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
    assert area.replace("$", "").split("!")[-1].startswith("A1:" + last_col)
    notes = [r for r in ws.merged_cells.ranges if r.min_row > HEADER_ROW + 15]
    assert notes and all(r.min_col == 1 and r.max_col == len(COLUMNS) for r in notes)
    assert _wrapped_rows_have_heights(ws, HEADER_ROW) >= 15
    for name in ("Признаки", "Пакеты"):
        other = wb[name]
        assert other.page_setup.orientation == "landscape" and other.print_title_rows.replace("$", "") == "1:1"
    assert _wrapped_rows_have_heights(wb["Признаки"], 2) >= 15


# ---------------------------------------------------------------- palette


def test_palette_keeps_twelve_classes_and_the_school_apart():
    classes = [palette.series_color(k) for k in range(12)]
    assert len(set(classes)) == 12
    for a, b in itertools.combinations(classes + [palette.SCHOOL], 2):
        assert palette.distance(a, b) >= palette.MIN_SERIES_DISTANCE, (a, b)
    for c in classes:
        assert palette.distance(c, "#ffffff") >= 40, c          # a line stays visible on white
    assert palette.distance("#000000", "#ffffff") > 99


def test_charts_take_the_one_palette():
    from app.core.analysis import views

    assert views.SCHOOL_COLOR == palette.SCHOOL and views.LINE_COLORS == palette.SERIES
    lines = [{"class": f"{g}{letter}", "flagged": False,
              "points": [{"year": "2024/2025", "share45": 50.0}, {"year": "2025/2026", "share45": 40.0}]}
             for g, letter in itertools.product((5, 6, 7, 8), "АБВ")]
    drawing = charts_pdf.cohort_lines(lines, 700)
    colours = {_hex(s.fillColor) for s in _flat(drawing) if isinstance(s, String) and s.text in
               {ln["class"] for ln in lines}}
    assert len(colours) == 12
    ref = charts_pdf.reference_bars([{"label": "Математика, 5 кл.", "share45": 60.0, "refs": {"region": 55.0}}], 700)
    assert _hex(palette.SCHOOL) in {_hex(getattr(s, "fillColor", None)) for s in _flat(ref)}


def _flat(node) -> list:
    if isinstance(node, (Drawing, Group)):
        return [x for child in node.contents for x in _flat(child)]
    return [node]


def _hex(color) -> str:
    if color is None:
        return ""
    if isinstance(color, str):
        return color.lower()
    return "#" + color.hexval()[2:].lower()
