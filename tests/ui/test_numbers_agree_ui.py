"""The pages show the demo school's indicators as the core computes them (issue 13): «Обзор»'s flags,
the «Анализ» cards, flags list and «Показатели», and «Район» on the demo packet — each count with its
scope, each share in percent, each tint from the core's level. tests/core/test_numbers_agree.py reads
the same quantities from the reports, ``analyze --json`` and the packet."""
from __future__ import annotations

import shutil

import pytest

from app.core import packet as P
from app.core import store
from app.core.analysis import analyze, indicator_defs as defs
from app.core.analysis.engine import objectivity_value
from app.ui.pages.analysis import TAB_KEYS, AnalysisPage
from app.ui.pages.district import DistrictPage
from app.ui.pages.overview import OverviewPage
from app.ui.qt import QtCore

YEAR = "2025/2026"


@pytest.fixture(scope="module")
def school(demo_template, tmp_path_factory):
    """A copy of the demo school, its analysis over all years, and its packet (written once)."""
    root = tmp_path_factory.mktemp("agree-ui")
    path = root / "demo.db"
    shutil.copyfile(demo_template, path)
    db = store.open_db(path)
    try:
        full = analyze(db)
        packet = P.write_packet(db, root / "usb")
    finally:
        db.close()
    return path, full, packet


def _choose(page, key: str, value) -> None:
    box = page.filter_boxes[key]
    box.setCurrentIndex(box.findData(value))


def _grid(table) -> dict[str, list[str]]:
    grid = table.grid
    heads = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
    return {h: [grid.item(r, c).text() if grid.item(r, c) else "" for r in range(grid.rowCount())]
            for c, h in enumerate(heads)}


def test_overview_and_analysis_show_the_same_flags_with_their_scope(ctx, qtbot, school):
    path, full, _ = school
    ctx.open_db(shutil.copyfile(path, path.with_name("overview.db")))
    overview = OverviewPage(ctx)
    qtbot.addWidget(overview)
    overview.show()
    qtbot.waitUntil(lambda: overview.flags is not None, timeout=10000)
    everything, this_year = defs.count_flags(full["flags"]), defs.count_flags(full["flags"], YEAR)
    assert overview.flags_status.text() == defs.flags_sentence(everything)
    assert "за все годы" in overview.flags_status.text()
    assert overview.flags_view.model.rowCount() == everything["total"] == 5

    page = AnalysisPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 900)
    page.show()
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    assert page.filters().year == YEAR                     # the page opens on the latest year …
    value, note = page.card_values["flags"]
    assert value.text() == str(this_year["total"]) == "4"
    assert note.text() == f"за {YEAR} учебный год: «риск» — 2, «внимание» — 2"   # … and says so
    assert page.flags_view.model.rowCount() == this_year["total"]
    assert page.flags_view.caption.text().startswith(defs.flags_sentence(this_year))
    _choose(page, "year", None)                           # «Все годы»: the same count as «Обзор»
    assert value.text() == str(everything["total"]) and note.text().startswith("за все годы")
    assert page.flags_view.caption.text().startswith(defs.flags_sentence(everything))


def test_analysis_cards_and_tables_show_indices_in_one_unit(ctx, qtbot, school):
    path, full, _ = school
    ctx.open_db(shutil.copyfile(path, path.with_name("analysis.db")))
    page = AnalysisPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 900)
    page.show()
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    ix = full["indicators"]
    for kind in ("vpr", "oge"):
        value = objectivity_value(ix["objectivity_index"], kind, YEAR)
        assert page.card_values[kind][0].text() == defs.text(value)
        assert page.card_values[kind][1].text().startswith(f"за {YEAR} учебный год")
    medal = next(m for m in ix["medalists"]["summary"] if m["year"] == YEAR)
    assert page.card_values["medals"][0].text() == defs.text(medal["index"]) == "25 %"
    assert "не подтвердили 1 из 4" in page.card_values["medals"][1].text()
    # «Показатели»: the index table writes the same numbers, the unit in the header
    page.tabs.setCurrentIndex(TAB_KEYS.index("tables"))
    page.indicator_tables.select("index")
    grid = _grid(page.indicator_tables)
    rows = list(zip(grid["Показатель"], grid["Год"], grid["Индекс, %"]))
    assert ("Индекс неподтверждения медалистов", YEAR, "25") in rows
    vpr = objectivity_value(ix["objectivity_index"], "vpr", YEAR)
    assert ("Индекс необъективности ВПР", YEAR, defs.cell(vpr)) in rows
    # the comparison columns carry the federal portal's labels
    page.indicator_tables.select("comparison")
    header = page.indicator_tables.grid
    tips = {header.horizontalHeaderItem(c).text(): header.horizontalHeaderItem(c).toolTip()
            for c in range(header.columnCount())}
    assert tips["Понизили"] == "Понизили (Отметка < Отметка по журналу)"
    assert tips["Подтвердили, %"] == "Подтвердили (Отметка = Отметка по журналу)"


def test_district_page_on_the_demo_packet_shows_the_packet_year_in_one_unit(ctx, qtbot, school):
    _, full, packet = school
    page = DistrictPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.add_paths([packet])
    t = page.summary_table
    assert t.rowCount() == 1
    cells = {t.horizontalHeaderItem(c).text(): t.item(0, c) for c in range(t.columnCount())}
    counts = defs.count_flags(full["flags"], YEAR)
    assert cells["Риск"].text() == str(counts["risk"]) and cells["Внимание"].text() == str(counts["attention"])
    ix = full["indicators"]
    assert cells["Индекс ВПР, %"].text() == defs.cell(objectivity_value(ix["objectivity_index"], "vpr", YEAR))
    assert cells["Индекс ОГЭ, %"].text() == defs.cell(objectivity_value(ix["objectivity_index"], "oge", YEAR))
    assert cells["Медалисты без подтв., %"].text() == "25"
    # the tooltip gives the full label and scope; the tints are the core's levels
    assert t.horizontalHeaderItem(list(cells).index("Риск")).toolTip() == "Признаков «риск» за учебный год"
    school_row = page.result.schools[0]
    role = QtCore.Qt.ItemDataRole.UserRole
    for ind in defs.DISTRICT:
        item = cells[ind.short]
        assert item.data(role) == school_row.level(ind.key, page.result.thresholds), ind.key
    assert cells["Риск"].data(role) == "risk" and cells["Медалисты без подтв., %"].data(role) == "attention"
    assert cells["Риск"].background().color().name() == defs.TINTS["risk"]
