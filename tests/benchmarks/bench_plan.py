"""Benchmark of the plan as a signed appendix (run on purpose, not collected by pytest).

    python tests/benchmarks/bench_plan.py [--items 150] [--repeat 5] [--keep DIR]

1. baseline, measured in the same run: reportlab alone laying out a plain table of the very
   same text (the same cells as wrapped Paragraphs, the same column widths, header repeated,
   SimpleDocTemplate, no approval block, no section rows, no page numbers);
2. the plan PDF of N items with long texts (write_plan_pdf: read from the DB, column fitting,
   approval block, section rows, «Страница N из M», temporary file and rename).
Both are the best of --repeat runs; the plan figure is also given as a ratio to the baseline.
Budget: the plan PDF of 150 items in at most 1 s. Exit code 1 if the budget is exceeded.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUDGET = 1.0
DEADLINES = ["до 15.05.2026", "октябрь – декабрь", "ежегодно, апрель", "в течение учебного года"]
POSTS = ["заместитель директора по УВР", "руководители ШМО", "педагог-психолог", "классные руководители"]


def long_sections(n_items: int) -> list[dict]:
    """Five sections of long, realistic-looking items (the words of a school plan, repeated)."""
    words = ("провести анализ результатов всероссийских проверочных работ сопоставить отметки по журналу "
             "с результатами внешней оценки выявить классы и предметы с расхождением более порога "
             "обсудить выводы на заседании методического объединения и наметить меры").split()
    sections = []
    per = n_items // 5
    for s in range(5):
        items = []
        for k in range(per if s < 4 else n_items - 4 * per):
            n = s * per + k
            measure = " ".join(words[(n + j) % len(words)] for j in range(40 + n % 25))
            result = " ".join(words[(n * 3 + j) % len(words)] for j in range(12 + n % 9))
            items.append({"measure": measure.capitalize(), "deadline": DEADLINES[n % 4],
                          "responsible": f"{POSTS[n % 4][:1].upper()}{POSTS[n % 4][1:]}, {POSTS[(n + 1) % 4]}",
                          "expected_result": result.capitalize()})
        sections.append({"title": f"Раздел {s + 1}. Меры по обеспечению объективности оценивания", "items": items})
    return sections


def make_db(folder: Path, n_items: int):
    from app.core import plan, store

    path = folder / "bench.db"
    store.create_db(path, school_name="МБОУ «Средняя школа № 1»").close()
    db = store.open_db(path)
    header = {"title": f"План мероприятий на {n_items} пунктов", "year_from": 2025, "year_to": 2026,
              "order_number": "245-о", "order_date": "2025-08-29", "approver_position": "Директор",
              "approver_name": "Н.П. Иванова"}
    plan_id = plan.create_plan(db, header, sections=long_sections(n_items))
    return db, plan_id


def plain_table_pdf(db, plan_id: int, out: Path) -> None:
    """reportlab alone: the same cell texts as Paragraphs in one Table, the same widths."""
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from app.core.plan import get_plan, plan_tree
    from app.core.reports.common import GRID_COLOR, MARGINS, esc, pdf_styles
    from app.core.reports.plan_pdf import column_layout

    st = pdf_styles()
    tree = plan_tree(db, plan_id)
    pagesize, columns, widths = column_layout(get_plan(db, plan_id), tree)
    data = [[Paragraph(esc(h), st["header_cell"]) for _, h, _ in columns]]
    for sec in tree:
        for item in sec["items"]:
            data.append([Paragraph(esc(item[key] or ""), st["cell"]) for key, _, _ in columns])
    doc = SimpleDocTemplate(str(out), pagesize=pagesize, leftMargin=MARGINS["left"],
                            rightMargin=MARGINS["right"], topMargin=MARGINS["top"],
                            bottomMargin=MARGINS["bottom"])
    doc.build([Table(data, colWidths=widths, repeatRows=1,
                     style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))])


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def pages(path: Path) -> int:
    """Page objects in a PDF reportlab wrote (uncompressed object headers)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=150)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="keep the PDFs in this folder")
    args = ap.parse_args(argv)
    from app.core.reports.plan_pdf import write_plan_pdf

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db, plan_id = make_db(Path(tmp), args.items)
        try:
            plain, ours = folder / "plain-table.pdf", folder / "plan.pdf"
            write_plan_pdf(db, ours, plan_id=plan_id)  # warm-up: fonts registered, modules loaded
            plain_table_pdf(db, plan_id, plain)
            t_plain = best_of(args.repeat, lambda: plain_table_pdf(db, plan_id, plain))
            t_plan = best_of(args.repeat, lambda: write_plan_pdf(db, ours, plan_id=plan_id))
        finally:
            db.close()
        print(f"items: {args.items}, best of {args.repeat}")
        print(f"baseline  reportlab plain table of the same text: {t_plain:.3f} s, {pages(plain)} pages")
        print(f"plan PDF  write_plan_pdf (signed appendix):        {t_plan:.3f} s, {pages(ours)} pages")
        print(f"ratio plan / baseline: {t_plan / t_plain:.2f}")
        ok = t_plan <= BUDGET
        print(f"budget {BUDGET:.1f} s: {'OK' if ok else 'EXCEEDED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
