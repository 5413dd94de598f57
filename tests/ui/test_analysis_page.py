"""«Анализ» on the demo school: charts, drill-down to pupils, filters, PNG export, flags opening charts."""
from __future__ import annotations

import pytest

from app.core.analysis import views
from app.core.analysis.flags import FLAG_CHARTS
from app.core.analysis.thresholds import save_student_display
from app.ui.pages.analysis import TAB_KEYS, AnalysisPage
from app.ui.qt import QtCore, QtGui, pg

Qt = QtCore.Qt
YEAR = "2025/2026"


@pytest.fixture
def page(ctx, qtbot, demo_db_path):
    ctx.open_db(demo_db_path)
    p = AnalysisPage(ctx)
    qtbot.addWidget(p)
    p.resize(1280, 760)
    p.show()
    qtbot.waitUntil(lambda: p.loaded, timeout=10000)
    return p


def _choose(page, key: str, value) -> None:
    box = page.filter_boxes[key]
    index = box.findData(value)
    assert index >= 0, (key, value)
    box.setCurrentIndex(index)          # the signal the page listens to


def _table(panel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_default_view_shows_every_chart_and_the_cards(page):
    f = page.filters()
    assert (f.year, f.kind, f.subject) == (YEAR, "vpr", "Математика")
    bars = page.charts["comparison"]
    assert len(bars.rows) == 11 and not bars.plot.isHidden()
    assert any(isinstance(i, pg.BarGraphItem) for i in bars.plot.getPlotItem().items)
    assert [r["label"] for r in bars.rows if r["flagged"]] == ["6Б"]
    assert page.charts["crosstab"].data["n"] == sum(r["n"] for r in bars.rows)
    assert page.charts["reference"].rows and page.charts["cohort"].lines
    # one work is needed for a histogram: a hint instead of a chart
    assert page.charts["histogram"].plot.isHidden()
    assert "выберите" in page.charts["histogram"].message.text().lower()
    value, note = page.card_values["vpr"]
    assert value.text() == "21,7 %" and "понизили 13,8 %" in note.text()
    assert note.text().startswith("за 2025/2026 учебный год")   # every card says its scope
    assert page.card_values["flags"][0].text() == "4"          # flags of the chosen year, and it says so
    assert page.card_values["flags"][1].text().startswith("за 2025/2026 учебный год")
    assert page.card_values["medals"][0].text() == "25 %"      # a share is a percent everywhere


def test_click_on_a_bar_lists_the_pupils_behind_it(page):
    bars = page.charts["comparison"]
    i = next(k for k, r in enumerate(bars.rows) if r["class"] == "6Б")
    row = bars.rows[i]
    payload = bars.click_at(2.0, i)                       # the red (lowered) segment starts at 0 %
    assert payload["category"] == "lowered"
    rows = _table(page.students)
    assert len(rows) == row["lowered"] == 10
    assert all(r[1] == "6Б" and r[2] == "Математика" and int(r[3]) > int(r[4]) for r in rows)
    assert "6Б" in page.students.title.text() and "10 чел." in page.students.title.text()
    assert all(r[0].isdigit() and len(r[0]) == 5 for r in rows)          # codes by default
    assert bars.click_at(99.9, i)["category"] == "raised"
    assert len(_table(page.students)) == row["raised"]
    assert bars.click_at(50, i + 0.5) is None                            # between two bars


def test_click_on_a_crosstab_cell_lists_its_pupils(page):
    chart = page.charts["crosstab"]
    page.tabs.setCurrentIndex(TAB_KEYS.index("crosstab"))
    count = chart.data["table"][4 - 2][3 - 2]
    assert count > 0
    chart.click_at(3.1, 3.9)                              # external «3», journal «4»
    rows = _table(page.students)
    assert len(rows) == count and all((r[3], r[4]) == ("4", "3") for r in rows)


def test_names_instead_of_codes_when_the_school_chooses_so(page, ctx, qtbot):
    save_student_display(ctx.db, "names")
    ctx.notify("settings")
    qtbot.waitUntil(lambda: page.display == "names" and page.loaded, timeout=10000)
    bars = page.charts["comparison"]
    i = next(k for k, r in enumerate(bars.rows) if r["class"] == "6Б")
    bars.click_at(2.0, i)
    rows = _table(page.students)
    assert rows and all("(" in r[0] and r[0].rstrip(")")[-5:].isdigit() for r in rows)


def test_histogram_of_the_bunching_class_and_a_score_click(page):
    page.set_filters(views.Filters(year="2024/2025", kind="vpr", subject="Математика", grade=8, class_label="8Б"))
    chart = page.charts["histogram"]
    assert not chart.plot.isHidden() and chart.data["flagged_thresholds"] == [12]
    assert "Скопление: балл на границе и на 1 выше" in chart.legend.text().replace("&nbsp;", " ")
    n12 = chart.data["counts"][12]
    chart.click_at(12, 0.5)
    rows = _table(page.students)
    assert len(rows) == n12 > 0 and all(r[1] == "8Б" and r[5] == "12" for r in rows)


def test_filters_narrow_every_chart(page):
    _choose(page, "class_label", "7А")
    assert [r["class"] for r in page.charts["comparison"].rows] == ["7А"]
    assert page.charts["crosstab"].data["n"] == page.charts["comparison"].rows[0]["n"]
    _choose(page, "subject", "Русский язык")
    assert [r["label"] for r in page.charts["comparison"].rows if r["flagged"]] == ["7А"]
    _choose(page, "class_label", None)
    _choose(page, "grade", 5)
    assert {r["class"] for r in page.charts["comparison"].rows} == {"5А", "5Б", "5В"}
    assert not page.charts["histogram"].plot.isHidden()                     # one work now: the histogram
    assert {ln["class"] for ln in page.charts["cohort"].lines} == {"5А", "5Б", "5В"}
    assert [ln["class"] for ln in page.charts["cohort"].lines if ln["flagged"]] == ["5В"]
    _choose(page, "year", "2024/2025")
    assert all(r["year"] == "2024/2025" for r in page.charts["comparison"].rows)
    assert [f["code"] for f in page.flags_view.model.items] == ["boundary_bunching"]
    _choose(page, "year", None)
    assert page.flags_view.model.rowCount() == 5


def test_every_chart_exports_as_png(page, tmp_path):
    for key, chart in page.charts.items():
        page.tabs.setCurrentIndex(TAB_KEYS.index(key))
        path = chart.export_png(tmp_path / f"{key}.png")
        image = QtGui.QImage(str(path))
        assert not image.isNull() and image.width() >= 2 * chart.width() - 2, key
        small = image.scaled(60, 40, Qt.AspectRatioMode.IgnoreAspectRatio,   # averaged: thin text counts
                             Qt.TransformationMode.SmoothTransformation)
        colours = {small.pixel(x, y) for x in range(60) for y in range(40)}
        assert len(colours) > 5, key                         # a drawing, not a blank page
    assert not list(tmp_path.glob("*.tmp*"))


def test_flags_list_sorts_and_each_flag_opens_its_chart(page, ctx):
    _choose(page, "year", None)
    view = page.flags_view
    assert view.model.rowCount() == 5
    header = view.table.horizontalHeader()
    assert header.sectionSize(6) > 300                           # «Причина» has the room
    view.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)      # «Класс»
    classes = [view.flag_at(r)["class"] for r in range(5)]
    assert classes == sorted(classes, key=str.lower)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)      # «Уровень»: «риск» first
    assert [view.flag_at(r)["level"] for r in range(5)] == ["risk"] * 3 + ["attention"] * 2
    for r in range(5):
        flag = view.flag_at(r)
        view.open_row(r)                                         # what a double-click does
        chart = FLAG_CHARTS[flag["code"]]
        f = page.filters()
        assert f.year == flag["year"], flag["code"]
        if chart in ("medals", "rechecks", "observers"):
            assert TAB_KEYS[page.tabs.currentIndex()] == "tables"
            assert page.indicator_tables.choice.currentData() == "medals"
            highlighted = [i for i, fl in enumerate(page.indicator_tables.tables[page.indicator_tables.choice.currentIndex()].flagged) if fl]
            assert highlighted
        else:
            assert TAB_KEYS[page.tabs.currentIndex()] == chart
            assert (f.subject, f.grade) == (flag["subject"], flag["grade"])
        if chart == "comparison":
            assert f.class_label == flag["class"]
            assert [r_["flagged"] for r_ in page.charts["comparison"].rows] == [True]
        if chart == "histogram":
            assert page.charts["histogram"].data["flagged_thresholds"] == [flag["values"]["threshold"]]
        if chart == "cohort":
            assert any(ln["flagged"] and ln["class"] == flag["class"] for ln in page.charts["cohort"].lines)
        _choose(page, "year", None)


def test_flag_rows_are_as_tall_as_their_reasons(page, qtbot):
    _choose(page, "year", None)
    table = page.flags_view.table
    qtbot.waitUntil(lambda: table.rowHeight(0) >= table.sizeHintForRow(0) - 1, timeout=2000)
    page.resize(1000, 760)
    qtbot.waitUntil(lambda: all(table.rowHeight(r) >= table.sizeHintForRow(r) - 1 for r in range(5)), timeout=2000)
    assert table.rowHeight(1) < 140                              # measured at the real width, not a sliver
    # on a narrow screen year, procedure, subject and class give way to the reason (which names them)
    assert not table.isColumnHidden(2)
    page.resize(800, 760)
    qtbot.waitUntil(lambda: table.isColumnHidden(2) and table.isColumnHidden(5), timeout=2000)
    assert table.horizontalHeader().sectionSize(6) > 350
    page.resize(1280, 760)
    qtbot.waitUntil(lambda: not table.isColumnHidden(2), timeout=2000)


def test_settings_change_the_flags(page, ctx, qtbot):
    from app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx, page)
    qtbot.addWidget(dialog)
    dialog.editors["journal_inflation_pct"].setValue(50.0)      # 6Б has 45,5 %
    dialog.accept()
    qtbot.waitUntil(lambda: page.loaded and len(page.analysis.flags) == 4, timeout=10000)
    assert "journal_inflation" not in {f["code"] for f in page.analysis.flags}
    assert page.card_values["flags"][0].text() == "3"


def test_report_is_built_from_the_page(page, tmp_path):
    done = []
    page.build_report(tmp_path / "анализ.xlsx", on_done=done.append)
    assert done and done[0].exists() and done[0].stat().st_size > 5000


def test_cohort_point_and_reference_bar_list_their_pupils(page):
    page.set_filters(views.Filters(year=YEAR, kind="vpr", subject="Русский язык", grade=5))
    cohort = page.charts["cohort"]
    line = next(ln for ln in cohort.lines if ln["class"] == "5В")
    first = line["points"][0]
    payload = cohort.click_at(cohort.years.index(first["year"]), first["share45"])
    assert payload["kind"] == "cohort" and payload["line"]["class"] == "5В"
    rows = _table(page.students)
    assert len(rows) == first["n"] and all(r[1] == "4В" for r in rows)          # the same pupils, a year earlier
    good = sum(1 for r in rows if r[4] in ("4", "5"))
    assert round(100 * good / len(rows), 1) == first["share45"]
    reference = page.charts["reference"]
    row = reference.rows[0]
    width = 0.8 / 4
    reference.click_at(-0.4 + width / 2, row["share45"] / 2)
    rows = _table(page.students)
    assert len(rows) == round(row["share45"] * row["n"] / 100) and {r[4] for r in rows} <= {"4", "5"}


def test_help_explains_every_indicator_and_the_index_links_to_it(ctx, qtbot):
    from app.ui.pages.help import HelpPage, help_topics

    titles = [t for t, _p, _s in help_topics()]
    assert titles[0] == "Как работать с программой" and "Показатели и признаки необъективности" in titles
    help_page = HelpPage(ctx)
    qtbot.addWidget(help_page)
    help_page.resize(1000, 700)
    help_page.show()
    assert help_page.path.name == "index.md"
    help_page._follow(QtCore.QUrl("indicators.md"))                  # the link in «С чего начать»
    assert help_page.path.name == "indicators.md"
    text = help_page.browser.toPlainText()
    for phrase in ("Индекс необъективности ВПР (ОГЭ) = (понизили + повысили) ÷ n × 100 %",
                   "P = P(X ≥ a)", "Индекс неподтверждения медалистов = число не подтвердивших",
                   "Пороги по умолчанию"):
        assert phrase in text, phrase
    help_page.open_topic(help_page.path, "Скопление баллов у границы отметки")
    assert help_page.browser.verticalScrollBar().value() > 0
