"""«График ОП» on the demo school: the month grid, the violations and the jump to a cell, add / move /
copy / delete with undo and redo, and the page at 1024×600 and 1366×768."""
from __future__ import annotations

import os

import pytest

from app.core import schedule as sch


@pytest.fixture
def page(ctx, qtbot, demo_db_path):
    from app.ui.pages.schedule import SchedulePage

    ctx.open_db(demo_db_path)
    widget = SchedulePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1090, 700)
    widget.show()
    return widget


def _own(ctx):
    year = sch.resolve_year(ctx.db)
    return {(i["class_label"], i["subject"], i["date"]) for i in sch.list_items(ctx.db, year["id"]) if i["editable"]}


def test_grid_and_violations_with_a_jump_to_the_cell(page):
    assert page.year_box.currentText() == "2025/2026"
    assert page.violations.count() >= 2
    texts = [page.violations.item(i).text() for i in range(page.violations.count())]
    assert any("7Б" in t and "24.12.2025" in t for t in texts)
    assert "Наличие графика ОП: есть" in page.approval.text()
    page.jump_to(page.violations.item(1))                   # 7Б, too frequent, December
    assert page.month_box.currentText() == "Декабрь 2025"
    row, col = page.grid.currentRow(), page.grid.currentColumn()
    assert page.grid.classes[row] == "7Б" and page.grid.days[col].isoformat() == "2025-12-15"
    assert page.grid.item(row, col).text() == "мат."
    assert page.grid.item(row, col).background().color().name() == "#f3b1ab"


def test_move_fixes_a_violation_and_undo_puts_it_back(ctx, page):
    before = _own(ctx)
    page.show_cell("7Б", "2025-12-24")
    keys = page.grid.keys_at(*page.grid.cell_of("7Б", "2025-12-24"))
    page.move_items(keys, "7Б", "2026-01-14")                # what a drop does
    rules = [v["rule"] for v in page.result["violations"]]
    assert rules == ["one_per_day"]
    assert ("7Б", "Математика", "2026-01-14") in _own(ctx)
    ctx.undo_stack.undo()
    page.refresh()
    assert _own(ctx) == before and len(page.result["violations"]) == 2
    ctx.undo_stack.redo()
    assert ("7Б", "Математика", "2026-01-14") in _own(ctx)


def test_copy_to_parallel_delete_and_undo(ctx, page):
    page.show_cell("5А", "2026-04-07")
    year_id = page.year["id"]
    literature = next(i for i in sch.list_items(ctx.db, year_id) if i["subject"] == "Литература"
                      and i["date"] == "2026-04-07")
    page.grid.setCurrentCell(*page.grid.cell_of("5А", "2026-04-07"))
    page.copy_to_parallel()
    copies = {i["class_label"] for i in sch.list_items(ctx.db, year_id) if i["subject"] == "Литература"
              and i["date"] == "2026-04-07"}
    assert copies == {"5А", "5Б", "5В"}
    assert sum(v["rule"] == "one_per_day" for v in page.result["violations"]) == 3
    ctx.undo_stack.undo()
    page.refresh()
    page.tabs.setCurrentWidget(page.list)
    row = next(r for r in range(page.list.rowCount()) if page._list_key(r) == literature["key"])
    page.list.selectRow(row)
    page.delete_selected()
    assert sch.get_item(ctx.db, literature["id"]) is None
    assert [v["rule"] for v in page.result["violations"]] == ["too_frequent"]
    ctx.undo_stack.undo()
    assert sch.get_item(ctx.db, literature["id"]) is not None


def test_dialogs_write_what_they_show(ctx, page, qtbot):
    from app.ui.schedule_widgets import ApprovalDialog, ItemDialog, LoadDialog

    dialog = ItemDialog(["5А"], ["Математика"], {"class_label": "5А", "subject": "Математика",
                                                 "date": "2026-02-04", "lesson": 3})
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.values["date"] == "2026-02-04" and dialog.values["lesson"] == 3 and dialog.values["level"] == "school"
    approval = ApprovalDialog(ctx.db, page.year["id"])
    qtbot.addWidget(approval)
    approval.order_number.setText("")
    approval.accept()
    assert "номер и дату приказа" in approval.error.text()      # refused, nothing lost
    assert sch.get_meta(ctx.db, page.year["id"])["order_number"] == "97"
    load = LoadDialog(ctx.db, page.year["id"])
    qtbot.addWidget(load)
    load.weeks["5"].setValue(35)
    load.accept()
    assert sch.school_weeks(ctx.db)["5"] == 35


@pytest.mark.parametrize("size", [(1024 - 190, 560), (1366 - 190, 700)])
def test_fits_small_and_usual_screens(page, qtbot, size):
    page.resize(*size)
    qtbot.wait(20)
    assert page.grid.height() > 200 and page.violations.width() > 150
    shots = os.environ.get("SCHEDULE_SHOTS")
    if shots:
        page.grab().save(os.path.join(shots, f"schedule_{size[0]}x{size[1]}.png"))


def test_thresholds_in_settings_change_the_check(ctx, page, qtbot):
    from app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.schedule_editors["min_gap_days"].value() == 17
    dialog.schedule_editors["min_gap_days"].setValue(9)
    dialog.accept()
    assert sch.load_thresholds(ctx.db).min_gap_days == 9
    assert [v["rule"] for v in sch.check(ctx.db)["violations"]] == ["one_per_day"]     # 9 days apart is now enough
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.restore_defaults()
    assert dialog.schedule_editors["min_gap_days"].value() == 17
    if os.environ.get("SCHEDULE_SHOTS"):
        dialog.resize(820, 560)
        dialog.grab().save(os.path.join(os.environ["SCHEDULE_SHOTS"], "settings.png"))
