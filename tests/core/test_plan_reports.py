"""The plan as a signed appendix (PDF, XLSX) and the execution report, read back: the text of
the PDF (pdftotext) holds the header, every item's full text and the page numbers; nothing is
clipped or overlapping; the XLSX has its styles, widths, frozen header and print setup."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import main as cli_main
from app.core import plan, plan_exec, store
from app.core.reports.common import MARGINS
from app.core.reports.execution import collect, column_widths, write_execution_report
from app.core.reports.plan_pdf import column_layout, write_plan_pdf
from app.core.reports.plan_xlsx import write_plan_xlsx

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

HEADER = {"year_from": 2025, "year_to": 2026, "order_number": "245-о", "order_date": "2025-08-29",
          "approver_position": "Директор МБОУ «Тестовая школа»", "approver_name": "Н.П. Иванова"}
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_words(path: Path) -> list[dict]:
    """Every word with its page and box (points, origin top left), from pdftotext -bbox."""
    import html

    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    words, page, size = [], 0, (0.0, 0.0)
    for chunk in re.split(r"(?=<page )", out):
        m = _PAGE.search(chunk)
        if not m:
            continue
        page += 1
        size = (float(m.group(1)), float(m.group(2)))
        for w in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(w.group(i)) for i in range(1, 5))
            words.append({"page": page, "x0": x0, "y0": y0, "x1": x1, "y1": y1,
                          "text": html.unescape(w.group(5)), "size": size})
    return words


def column_streams(words: list[dict], widths: list[float]) -> list[str]:
    """The text of each table column, top to bottom, page after page."""
    edges = [MARGINS["left"]]
    for w in widths:
        edges.append(edges[-1] + w)
    cols: list[list[dict]] = [[] for _ in widths]
    for w in words:
        for c in range(len(widths)):
            if edges[c] - 0.5 <= w["x0"] < edges[c + 1] - 0.5:
                cols[c].append(w)
                break
    return [" ".join(w["text"] for w in sorted(col, key=lambda w: (w["page"], round(w["y0"], 1), w["x0"])))
            for col in cols]


def norm(text: str) -> str:
    return " ".join(text.split())


def assert_nothing_overlaps(words: list[dict]) -> None:
    """No word leaves the page, and no two words on one line overlap (an overflowing cell would)."""
    lines: dict[tuple[int, float], list[dict]] = {}
    for w in words:
        width, height = w["size"]
        assert 0 <= w["x0"] < w["x1"] <= width and 0 <= w["y0"] < w["y1"] <= height, w
        lines.setdefault((w["page"], round(w["y0"])), []).append(w)
    for line in lines.values():
        line.sort(key=lambda w: w["x0"])
        for a, b in zip(line, line[1:]):
            assert a["x1"] <= b["x0"] + 0.5, (a, b)


def _long_plan(db, n_items: int = 150) -> int:
    """A plan of n items with long texts made of numbered words, so order and completeness show."""
    sections = []
    for s in range(5):
        items = []
        for k in range(n_items // 5):
            n = s * (n_items // 5) + k
            items.append({
                "measure": " ".join(f"мера{n:03d}с{j:02d}" for j in range(40 + n % 25)),
                "deadline": ["до 15.05.2026", "октябрь – декабрь", "ежегодно, апрель", "в течение года"][n % 4],
                "responsible": f"Ответственный{n:03d} Исполнитель{n:03d}",
                "expected_result": " ".join(f"итог{n:03d}р{j:02d}" for j in range(12 + n % 9))})
        sections.append({"title": f"Раздел номер {s + 1} с длинным названием для проверки переноса строк",
                         "items": items})
    return plan.create_plan(db, {"title": "План на 150 мероприятий", **HEADER}, sections=sections)


@pytest.fixture
def tpl_db(empty_db):
    pid = plan.create_from_template(empty_db, "objectivity_five_sections", HEADER)
    return empty_db, pid


def test_appendix_header_items_and_page_numbers(tpl_db, tmp_path):
    db, pid = tpl_db
    out = write_plan_pdf(db, tmp_path / "план.pdf")
    text = pdf_text(out)
    assert "Приложение к приказу от 29.08.2025 № 245-о" in text
    assert "УТВЕРЖДАЮ" in text and "Директор МБОУ «Тестовая школа»" in text
    assert "Н.П. Иванова" in text and "«29» августа 2025 г." in text and "(подпись)" in text
    assert "План мероприятий по обеспечению объективности" in norm(text)
    pages = int(re.search(r"Страница 1 из (\d+)", text).group(1))
    assert pages >= 2
    for i in range(1, pages + 1):
        assert f"Страница {i} из {pages}" in text
    assert text.count("Мероприятие") >= pages  # the header row on every page
    tree = plan.plan_tree(db, pid)
    pagesize, columns, widths = column_layout(plan.get_plan(db, pid), tree)
    streams = dict(zip([c[0] for c in columns], column_streams(pdf_words(out), widths)))
    for sec in tree:
        assert norm(f"{sec['number']} {sec['title']}") in norm(text)
        for item in sec["items"]:
            for key in ("measure", "deadline_text", "responsible", "expected_result"):
                assert norm(item[key]) in streams[key], (key, item[key])
            assert item["number"] in streams["number"]


def test_blank_order_prints_lines_to_fill_by_hand(empty_db, tmp_path):
    pid = plan.create_plan(empty_db, {"title": "План без приказа"},
                           sections=[{"title": "", "items": [{"measure": "Единственная мера"}]}])
    text = pdf_text(write_plan_pdf(empty_db, tmp_path / "p.pdf", plan_id=pid))
    assert "Приложение к приказу от «___» ________ 20___ г. № ______" in text
    assert "УТВЕРЖДАЮ" in text and "«____» ______________ 20___ г." in text
    assert "1." in text and "Единственная мера" in text


def test_150_long_items_render_whole_and_unclipped(empty_db, tmp_path):
    pid = _long_plan(empty_db)
    calls = []
    out = write_plan_pdf(empty_db, tmp_path / "long.pdf", progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (1, 1) and len(calls) > 150
    words = pdf_words(out)
    assert_nothing_overlaps(words)
    tree = plan.plan_tree(empty_db, pid)
    _, columns, widths = column_layout(plan.get_plan(empty_db, pid), tree)
    streams = dict(zip([c[0] for c in columns], column_streams(words, widths)))
    items = [i for s in tree for i in s["items"]]
    assert len(items) == 150
    for item in items:
        assert norm(item["measure"]) in streams["measure"]
        assert norm(item["expected_result"]) in streams["expected_result"]
        assert norm(item["responsible"]) in streams["responsible"]
    n_pages = words[-1]["page"]
    text = pdf_text(out)
    assert all(f"Страница {i} из {n_pages}" in text for i in range(1, n_pages + 1))


def test_a_row_taller_than_a_page_is_split_not_cut(empty_db, tmp_path):
    giant = " ".join(f"длинное{k:04d}" for k in range(900))
    pid = plan.create_plan(empty_db, {"title": "План с огромной строкой", **HEADER}, sections=[
        {"title": "Раздел", "items": [{"measure": giant, "deadline": "май"}, {"measure": "Короткое"}]}])
    out = write_plan_pdf(empty_db, tmp_path / "giant.pdf", plan_id=pid)
    words = pdf_words(out)
    assert_nothing_overlaps(words)
    tokens = [w["text"] for w in words if w["text"].startswith("длинное")]
    assert tokens == giant.split()
    assert words[-1]["page"] >= 4
    first_page = [w["text"] for w in words if w["page"] == 1]
    assert first_page.count("Мероприятие") == 1  # the header is not repeated on the first page


def test_roadmap_layout_landscape_with_tasks_once_per_run(empty_db, tmp_path):
    pid = plan.create_from_template(empty_db, "quality_roadmap", HEADER)
    out = write_plan_pdf(empty_db, tmp_path / "карта.pdf", plan_id=pid)
    words = pdf_words(out)
    width, height = words[0]["size"]
    assert width > height
    text = norm(pdf_text(out))
    assert "Задачи" in text and "Показатели" in text and "Мероприятия" in text
    tree = plan.plan_tree(empty_db, pid)
    _, columns, widths = column_layout(plan.get_plan(empty_db, pid), tree)
    task_stream = column_streams(words, widths)[[c[0] for c in columns].index("task")]
    task = "Успешное прохождение ГИА"
    assert sum(1 for s in tree for i in s["items"] if i["task"] == task) == 3
    assert task_stream.count(task) - task_stream.count(f"{task} (продолжение)") == 1  # once per run (and page)


def test_a_task_running_onto_the_next_page_is_repeated_there(empty_db, tmp_path):
    """The «Задачи» cell is drawn once per run of items; when the run crosses a page break the
    next page repeats the task marked «(продолжение)», so no page has rows without their task."""
    task = "Обеспечить объективность текущего оценивания"
    items = [{"task": task, "measure": " ".join(f"действие{n:02d}шаг{j:02d}" for j in range(30)),
              "deadline": "ежегодно, май", "responsible": "Заместитель директора по УВР"} for n in range(24)]
    pid = plan.create_plan(empty_db, {"title": "Дорожная карта", "kind": "roadmap", **HEADER},
                           sections=[{"title": "Раздел", "items": items}])
    out = write_plan_pdf(empty_db, tmp_path / "карта.pdf", plan_id=pid)
    words = pdf_words(out)
    n_pages = words[-1]["page"]
    assert n_pages >= 3
    tree = plan.plan_tree(empty_db, pid)
    _, columns, widths = column_layout(plan.get_plan(empty_db, pid), tree)
    col = [c[0] for c in columns].index("task")
    left = MARGINS["left"] + sum(widths[:col])
    for page in range(1, n_pages + 1):
        cell = norm(" ".join(w["text"] for w in words if w["page"] == page and left - 0.5 <= w["x0"] < left + widths[col]
                             and w["text"] != "Задачи"))
        expected = task if page == 1 else f"{task} (продолжение)"
        assert cell == expected, (page, cell)
    assert_nothing_overlaps(words)


def test_plan_xlsx_read_back(tpl_db, tmp_path):
    db, pid = tpl_db
    out = write_plan_xlsx(db, tmp_path / "план.xlsx")
    ws = load_workbook(out)["План мероприятий"]
    cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row if c.value is not None}
    header_row = next(r for (r, col), c in cells.items() if c.value == "Мероприятие")
    assert [ws.cell(header_row, c).value for c in range(1, 6)] == [
        "№ п/п", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат"]
    top = " ".join(str(c.value) for (r, _), c in cells.items() if r < header_row)
    assert "Приложение к приказу от 29.08.2025 № 245-о" in top and "УТВЕРЖДАЮ" in top
    assert "Н.П. Иванова" in top and "«29» августа 2025 г." in top
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["B"].width >= 40
    tree = plan.plan_tree(db, pid)
    measures = [ws.cell(r, 2).value for r in range(header_row + 1, ws.max_row + 1)
                if ws.cell(r, 2).value]
    assert measures == [i["measure"] for s in tree for i in s["items"]]
    numbers = [ws.cell(r, 1).value for r in range(header_row + 1, ws.max_row + 1)]
    assert "1. Аналитическая работа" in numbers and "5.6." in numbers
    merged = {str(m) for m in ws.merged_cells.ranges}
    sec_row = numbers.index("1. Аналитическая работа") + header_row + 1
    assert f"A{sec_row}:E{sec_row}" in merged
    item_row = numbers.index("1.1.") + header_row + 1
    cell = ws.cell(item_row, 2)
    assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    assert ws.row_dimensions[item_row].height >= 30


def test_roadmap_xlsx_merges_tasks(empty_db, tmp_path):
    pid = plan.create_from_template(empty_db, "quality_roadmap", HEADER)
    ws = load_workbook(write_plan_xlsx(empty_db, tmp_path / "к.xlsx", plan_id=pid)).active
    header_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "Задачи")
    task_col = 2
    runs = [str(m) for m in ws.merged_cells.ranges if m.min_col == task_col == m.max_col and m.min_row > header_row]
    assert len(runs) >= 5
    assert ws.cell(header_row, 5).value == "Показатели"


def test_execution_report_pdf_and_xlsx(tpl_db, tmp_path):
    db, pid = tpl_db
    tree = plan.plan_tree(db, pid)
    first, second = tree[0]["items"][0], tree[1]["items"][0]     # «октябрь, июнь», «ноябрь»
    doc = tmp_path / "справка о сопоставлении.pdf"
    doc.write_bytes(b"%PDF-1.4 spravka" * 50)
    token = plan_exec.mark_done(db, first["id"], "2025-10-20", "Справка рассмотрена на совещании")
    plan_exec.add_evidence(db, first["id"], doc, execution_id=token["execution_id"])
    plan_exec.set_status(db, second["id"], "in_progress")
    data = collect(db, period="2025-Q4", today=dt.date(2026, 1, 15))
    c = data["counts"]
    assert c["done"] == 1 and c["in_progress"] == 1 and c["total"] == c["done"] + c["in_progress"] + c["planned"]
    assert c["overdue"] >= 1   # «ноябрь» in progress at the end of December
    pdf = write_execution_report(db, tmp_path / "отчёт.pdf", period="2025-Q4")
    text = norm(pdf_text(pdf))
    assert "Отчёт об исполнении плана мероприятий" in text and "IV квартал 2025 года" in text
    words = pdf_words(pdf)
    assert_nothing_overlaps(words)
    cols = column_streams([w for w in words if w["y0"] > 150 or w["page"] > 1], column_widths(data))
    assert "20.10.2025: Справка рассмотрена на совещании" in cols[6]
    assert "справка о сопоставлении.pdf" in cols[7] and "Страница 1 из" in text
    assert "запланировано, просрочено" in cols[4] and "выполняется, просрочено" in cols[4]
    assert not re.search(r"запланирован\s+о\b|выполняетс\s+я\b", cols[4])  # the bold state is not broken up
    assert "Классные часы о назначении" not in text    # a March item is not in Q4
    xlsx = write_execution_report(db, tmp_path / "отчёт.xlsx", period="2025-Q4")
    wb = load_workbook(xlsx)
    ws = wb["Исполнение"]
    assert ws.freeze_panes and ws.page_setup.orientation == "landscape"
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Выполнено" in values and "выполнено" in values
    docs = wb["Документы"]
    assert docs.cell(2, 3).value == "справка о сопоставлении.pdf" and len(docs.cell(2, 6).value) == 64
    whole = collect(db)
    assert whole["counts"]["total"] == sum(len(s["items"]) for s in tree)


def test_done_after_the_period_is_not_done_in_it(tpl_db):
    db, pid = tpl_db
    item = plan.plan_tree(db, pid)[1]["items"][0]                # «ноябрь»
    plan_exec.mark_done(db, item["id"], "2026-01-20")
    data = collect(db, period="2025-Q4", today=dt.date(2026, 2, 1))
    row = next(i for s in data["sections"] for i in s["items"] if i["id"] == item["id"])
    assert row["state"] == "planned" and row["state_overdue"]


def test_cli_documents(tpl_db, empty_db_path, tmp_path, capsys):
    db, _ = tpl_db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for args, name in ((["plan-pdf"], "p.pdf"), (["plan-xlsx"], "p.xlsx"), (["report"], "r.pdf"),
                       (["report", "--period", "2025-Q4"], "r.xlsx")):
        out = tmp_path / name
        assert cli_main(["--db", str(empty_db_path), args[0], str(out), *args[1:]]) == 0
        assert out.stat().st_size > 1000
    assert cli_main(["--db", str(empty_db_path), "report", str(tmp_path / "r.doc")]) == 1
    assert "PDF или XLSX" in capsys.readouterr().err


def test_cli_without_plan_refuses(tmp_path, capsys):
    path = tmp_path / "empty.db"
    store.create_db(path).close()
    assert cli_main(["--db", str(path), "plan-pdf", str(tmp_path / "x.pdf")]) == 1
    assert "ещё нет плана" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_no_cyrillic_font_is_a_clear_message_and_no_file(tpl_db, empty_db_path, tmp_path, monkeypatch, capsys):
    from app.core import fonts
    from app.core.errors import UserError
    from app.core.reports import common

    db, _ = tpl_db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (tmp_path / "fonts").mkdir()
    (tmp_path / "out").mkdir()

    def clear():
        for fn in (fonts.find_cyrillic_font, fonts.register_reportlab_fonts, common.pdf_styles):
            fn.cache_clear()

    monkeypatch.setattr(fonts, "_font_dirs", lambda: [tmp_path / "fonts"])
    clear()
    try:
        with pytest.raises(UserError, match="Не найден шрифт с кириллицей для PDF"):
            write_plan_pdf(db, tmp_path / "out" / "план.pdf")
        assert cli_main(["--db", str(empty_db_path), "plan-pdf", str(tmp_path / "out" / "п.pdf")]) == 1
        err = capsys.readouterr().err
        assert "Не найден шрифт с кириллицей" in err and "fonts-liberation" in err
        assert list((tmp_path / "out").iterdir()) == []          # no file, no temporary left behind
    finally:
        monkeypatch.undo()
        clear()
    assert write_plan_pdf(db, tmp_path / "out" / "план.pdf").stat().st_size > 1000
