"""«Район»: add packets, see their status, schools ordered by risk, a chart, save the XLSX."""
from __future__ import annotations

import openpyxl
import pytest

from app.ui.pages.district import DistrictPage
from app.ui.qt import QtGui, pg
from tests.core.test_packet import build_small_school, small_analysis, small_packet


@pytest.fixture(scope="module")
def packet_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("district-ui")
    db = build_small_school(root / "s.db")
    folder = root / "packets"
    small_packet(db, folder, code="200001", school_name="Лицей № 1",
                 analysis=small_analysis(lowered=1, raised=1, risk=0, attention=2))
    small_packet(db, folder, code="200002", school_name="Гимназия № 2",
                 analysis=small_analysis(lowered=4, raised=4, risk=3))
    small_packet(db, folder, code="200003", school_name="СОШ № 3",
                 analysis=small_analysis(lowered=0, raised=0, risk=0))
    db.close()
    (folder / "chuzhoy.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)   # an empty foreign archive
    return folder


@pytest.fixture
def page(ctx, qtbot):
    p = DistrictPage(ctx)
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.show()
    return p


def _column(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_packets_are_listed_with_status_and_schools_ordered_by_risk(page, packet_folder):
    page.add_paths([packet_folder])
    states = dict(zip(_column(page.packets_table, 0), _column(page.packets_table, 2)))
    assert states["chuzhoy.zip"].startswith("отклонён: ")
    assert sum(s == "принят" for s in states.values()) == 3
    assert _column(page.summary_table, 0) == ["Гимназия № 2", "Лицей № 1", "СОШ № 3"]
    risk_col = next(c for c in range(page.summary_table.columnCount())
                    if page.summary_table.horizontalHeaderItem(c).text() == "Риск")
    assert page.summary_table.item(0, risk_col).text() == "3"
    assert page.save_btn.isEnabled()
    assert "отклонено: 1" in page.status.text()


def test_chart_compares_schools_and_switches_indicator(page, packet_folder):
    assert page.chart_stack.currentWidget() is page.chart_empty      # no empty axes before packets
    page.add_paths([packet_folder])
    assert page.chart_stack.currentWidget() is page.chart_scroll
    header = page.summary_table.horizontalHeader()
    metrics = QtGui.QFontMetrics(header.font())
    for col in range(page.summary_table.columnCount()):              # every header readable
        text = page.summary_table.horizontalHeaderItem(col).text()
        assert page.summary_table.columnWidth(col) >= metrics.horizontalAdvance(text)
    bars = [i for i in page.plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 2                                            # ВПР and ОГЭ series
    assert list(bars[0].opts["width"]) == [round(100 * 8 / 12, 1), round(100 * 2 / 12, 1), 0.0]
    page.chart_combo.setCurrentIndex(2)
    bars = [i for i in page.plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert list(bars[0].opts["width"]) == [3.0, 0.0, 0.0]            # риск, stacked under внимание
    assert list(bars[1].opts["x0"]) == [3.0, 0.0, 0.0]


def test_selecting_a_school_shows_its_flags(page, packet_folder):
    page.add_paths([packet_folder])
    first = [page.flags_list.item(i).text() for i in range(page.flags_list.count())]
    assert len(first) == 3 and all(t.startswith("[риск]") for t in first)   # riskiest school at once
    page.summary_table.selectRow(1)
    texts = [page.flags_list.item(i).text() for i in range(page.flags_list.count())]
    assert len(texts) == 2 and all(t.startswith("[внимание]") for t in texts)


def test_save_summary_writes_the_workbook(page, packet_folder, tmp_path):
    page.add_paths([packet_folder])
    out = tmp_path / "svodka.xlsx"
    page.save_summary(out)
    assert page.saved_to == out and "Сводка сохранена" in page.status.text()
    ws = openpyxl.load_workbook(out)["Сводка"]
    assert ws.cell(row=5, column=2).value == "Гимназия № 2"


def test_only_bad_packets_leave_save_disabled_and_clear_empties(page, packet_folder, tmp_path):
    page.add_paths([packet_folder / "chuzhoy.zip"])
    assert page.summary_table.rowCount() == 0 and not page.save_btn.isEnabled()
    assert page.packets_table.rowCount() == 1
    page.clear()
    assert page.packets_table.rowCount() == 0 and page.paths == []


def test_flag_chart_counts_in_whole_numbers_and_many_schools_scroll(page, tmp_path):
    """The flags chart has whole-number ticks; with more than a dozen schools the chart grows a
    row per school inside a scroll area instead of squeezing the bars; the legend has room."""
    db = build_small_school(tmp_path / "s.db")
    folder = tmp_path / "many"
    for k in range(14):
        small_packet(db, folder, code=f"3000{k:02d}", school_name=f"СОШ № {k + 10}",
                     analysis=small_analysis(lowered=k % 5, raised=1, risk=k % 3, attention=k % 2))
    db.close()
    page.add_paths([folder])
    assert page.summary_table.rowCount() == 14
    assert page.plot.minimumHeight() >= 14 * 20 and page.chart_scroll.widget() is page.plot
    page.chart_combo.setCurrentIndex(2)
    axis = page.plot.getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(0, 3.75, 600) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)
    (x_lo, x_hi), _ = page.plot.getPlotItem().viewRange()
    assert x_hi >= 3 * 1.2                                     # 3 flags at most, legend room beyond
    page.chart_combo.setCurrentIndex(0)
    assert any(not float(v).is_integer() for _, vs in axis.tickValues(0, 3.75, 600) for v in vs)
