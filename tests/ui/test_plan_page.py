"""The «План» page with real widgets (pytest-qt, offscreen) over a real school file: edits are on
disk at once and undo / redo through Правка → Отменить / Повторить put them back."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from app.core import plan, plan_exec, store
from app.ui.qt import QtCore, QtGui, QtPrintSupport

Qt = QtCore.Qt
HEADER = {"title": "", "year_from": 2025, "year_to": 2026, "order_number": "245-о",
          "order_date": "2025-08-29", "approver_position": "Директор", "approver_name": "Н.П. Иванова"}


@pytest.fixture
def window(open_window, empty_db_path):
    win = open_window(empty_db_path)
    page = win.show_page("plan")
    page.refresh()
    return win, page


def _disk(path):
    """What a second connection reads from the file: the edit is saved, not just shown."""
    db = store.open_db(path)
    try:
        return [(s["title"], [(i["id"], i["measure"], i["status"]) for i in s["items"]])
                for s in plan.plan_tree(db, plan.current_plan_id(db))] if plan.current_plan_id(db) else []
    finally:
        db.close()


def _type(widget, text):
    """Type text key by key with QKeyEvents (qtbot.keyClicks aborts Python on non-ASCII text)."""
    from app.ui.qt import QtWidgets

    for ch in text:
        key = Qt.Key.Key_Space if ch == " " else Qt.Key.Key_unknown
        for kind in (QtCore.QEvent.Type.KeyPress, QtCore.QEvent.Type.KeyRelease):
            QtWidgets.QApplication.sendEvent(widget, QtGui.QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def _new_plan(page):
    pid = page.create_plan("objectivity_five_sections", dict(HEADER))
    assert pid
    return pid


def test_empty_then_new_plan_undo_redo(window, ctx, empty_db_path):
    win, page = window
    assert page.empty.isVisible() and not page.body.isVisible()
    pid = _new_plan(page)
    assert page.body.isVisible() and page.tree.topLevelItemCount() == 5
    assert sum(page.tree.topLevelItem(i).childCount() for i in range(5)) == 31
    assert len(_disk(empty_db_path)) == 5
    win.undo_action.trigger()
    assert _disk(empty_db_path) == [] and page.empty.isVisible()
    win.redo_action.trigger()
    assert plan.current_plan_id(ctx.db) == pid and page.tree.topLevelItemCount() == 5


def test_typing_is_saved_at_once_and_undone_in_one_step(window, ctx, empty_db_path, qtbot):
    win, page = window
    _new_plan(page)
    first = page.tree.topLevelItem(0).child(0)
    page.tree.setCurrentItem(first)
    item_id = page.selected_item_id()
    original = plan.get_item(ctx.db, item_id)["measure"]
    before = ctx.undo_stack.count()
    page.editor.measure.setFocus()
    page.editor.measure.moveCursor(page.editor.measure.textCursor().MoveOperation.End)
    _type(page.editor.measure, " и 9 классов")
    assert _disk(empty_db_path)[0][1][0][1] == original + " и 9 классов"
    assert ctx.undo_stack.count() == before + 1          # the typing merged into one step
    assert first.text(1).endswith("и 9 классов")
    win.undo_action.trigger()
    assert plan.get_item(ctx.db, item_id)["measure"] == original
    assert page.editor.measure.toPlainText() == original
    win.redo_action.trigger()
    assert _disk(empty_db_path)[0][1][0][1] == original + " и 9 классов"


def test_deadline_hint_status_and_overdue_style(window, ctx):
    win, page = window
    _new_plan(page)
    page.tree.setCurrentItem(page.tree.topLevelItem(1).child(0))   # «ноябрь» — long overdue by now
    node_id = page.selected_item_id()
    node = page.tree.find("item", node_id)
    assert node.text(4) == "просрочено" and node.font(1).bold()
    page.editor.deadline.setText("до 15.05.2099")
    page.editor.deadline.textEdited.emit("до 15.05.2099")
    assert plan.get_item(ctx.db, node_id)["deadline_end"] == "2099-05-15"
    assert "до 15.05.2099" in page.editor.deadline_hint.text()
    assert not page.tree.find("item", node_id).font(1).bold()
    page.editor.status.setCurrentIndex(page.editor.status.findData("done"))
    page.editor.status.activated.emit(page.editor.status.currentIndex())
    assert plan.get_item(ctx.db, node_id)["status"] == "done"
    assert plan.get_item(ctx.db, node_id)["done_date"]
    win.undo_action.trigger()
    assert plan.get_item(ctx.db, node_id)["status"] == "planned"
    assert plan.get_item(ctx.db, node_id)["done_date"] is None


def test_move_buttons_and_drop_then_undo(window, ctx, empty_db_path, qtbot):
    win, page = window
    _new_plan(page)
    before = _disk(empty_db_path)
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(5))    # the last item of section 1
    moved = page.selected_item_id()
    qtbot.mouseClick(page.down_button, Qt.MouseButton.LeftButton)
    after = _disk(empty_db_path)
    assert len(after[0][1]) == 5 and after[1][1][0][0] == moved      # into the next section
    assert page.tree.topLevelItem(1).child(0).text(0) == "2.1."
    win.undo_action.trigger()
    assert _disk(empty_db_path) == before
    source = page.tree.topLevelItem(0).child(0)
    target = page.tree.topLevelItem(2).child(1)
    move = page.tree.drop_target(source, target, "below")
    assert move[0] == "item" and move[2] == page.tree.topLevelItem(2).data(0, Qt.ItemDataRole.UserRole + 1)
    assert move[3] == 2
    page._move_requested(*move)
    assert _disk(empty_db_path)[2][1][2][0] == source_id if (source_id := move[1]) else False
    section = page.tree.topLevelItem(4)
    smove = page.tree.drop_target(section, page.tree.topLevelItem(0), "above")
    assert smove[:2] == ("section", section.data(0, Qt.ItemDataRole.UserRole + 1)) and smove[3] == 0
    page._move_requested(*smove)
    assert _disk(empty_db_path)[0][0].startswith("Формирование позитивного отношения")
    win.undo_action.trigger()
    win.undo_action.trigger()
    assert _disk(empty_db_path) == before


def test_add_and_delete_rows(window, ctx, empty_db_path):
    win, page = window
    _new_plan(page)
    page.tree.setCurrentItem(page.tree.topLevelItem(0).child(1))
    new_id = page.add_item()
    assert page.selected_item_id() == new_id and plan.item_place(ctx.db, new_id)[1] == 2
    sid = page.add_section("Дополнительные меры")
    assert page.tree.topLevelItem(1).text(0) == "2. Дополнительные меры"
    page.delete_selected()
    assert sid not in [s["id"] for s in plan.sections(ctx.db, plan.current_plan_id(ctx.db))]
    win.undo_action.trigger()
    assert page.tree.topLevelItem(1).text(0) == "2. Дополнительные меры"


def test_execution_with_evidence_is_one_undo_step(window, ctx, tmp_path):
    win, page = window
    _new_plan(page)
    page.tree.setCurrentItem(page.tree.topLevelItem(2).child(1))
    item_id = page.selected_item_id()
    doc = tmp_path / "протокол семинара.docx"
    doc.write_bytes(b"PK protocol " * 200)
    count = ctx.undo_stack.count()
    page.record_execution(item_id, "2025-11-14", "Семинар проведён, 18 участников", [doc])
    assert ctx.undo_stack.count() == count + 1
    assert plan.get_item(ctx.db, item_id)["status"] == "done"
    assert page.editor.evidence.count() == 1 and "протокол семинара.docx" in page.editor.evidence.item(0).text()
    assert "14.11.2025 — Семинар проведён" in page.editor.executions.item(0).text()
    page.editor.evidence.setCurrentRow(0)
    opened = page.open_evidence(launch=False)
    assert opened.name == "протокол семинара.docx" and opened.read_bytes() == doc.read_bytes()
    win.undo_action.trigger()
    assert plan.get_item(ctx.db, item_id)["status"] == "planned"
    assert plan_exec.evidence_list(ctx.db, item_id) == [] and plan_exec.executions(ctx.db, item_id) == []


def test_filters(window, ctx):
    win, page = window
    _new_plan(page)
    page.f_responsible.setEditText("психолог")
    shown = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    visible = [n.child(j) for n in shown if not n.isHidden() for j in range(n.childCount())]
    assert [n.text(3) for n in visible] == ["Педагог-психолог"]
    assert not page.tree.dragEnabled()
    page.tree.setCurrentItem(visible[0])
    assert page.selected_item_id() is not None and not page.up_button.isEnabled()
    assert not page.down_button.isEnabled() and page.delete_button.isEnabled()
    page.clear_filters()
    done_id = page.tree.topLevelItem(2).child(0).data(0, Qt.ItemDataRole.UserRole + 1)
    page.record_execution(done_id, "2025-10-01", "Проведено", [])
    page.f_status.setCurrentIndex(page.f_status.findData("done"))
    assert [page.tree.find("item", done_id)] == _visible_items(page)
    page.f_status.setCurrentIndex(page.f_status.findData("overdue"))
    late = _visible_items(page)
    assert late and done_id not in [n.data(0, Qt.ItemDataRole.UserRole + 1) for n in late]
    assert all(n.text(4) == "просрочено" and n.font(1).bold() for n in late)
    assert f"Показано: {len(late)}." in page.counts.text()
    page.clear_filters()
    page.f_quarter.setCurrentIndex(page.f_quarter.findData("2026-Q1"))
    texts = [page.tree.topLevelItem(i).child(j).text(2) for i in range(5)
             for j in range(page.tree.topLevelItem(i).childCount())]
    assert "март" in texts and "ноябрь" not in texts
    assert "Показано:" in page.counts.text()
    page.clear_filters()
    assert page.tree.dragEnabled()


def _visible_items(page):
    tops = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    return [n.child(j) for n in tops if not n.isHidden() for j in range(n.childCount())]


def test_header_edit_and_undo(window, ctx):
    win, page = window
    pid = _new_plan(page)
    page.h_number.setText("301-о")
    page.h_number.editingFinished.emit()
    assert plan.get_plan(ctx.db, pid)["order_number"] == "301-о"
    page.h_from.setValue(2026)
    page.h_to.setValue(2027)
    assert (plan.get_plan(ctx.db, pid)["year_from"], plan.get_plan(ctx.db, pid)["year_to"]) == (2026, 2027)
    win.undo_action.trigger()
    win.undo_action.trigger()
    win.undo_action.trigger()
    p = plan.get_plan(ctx.db, pid)
    assert (p["order_number"], p["year_from"], p["year_to"]) == ("245-о", 2025, 2026)
    assert page.h_number.text() == "245-о"


def test_new_plan_dialog(ctx, empty_db_path, qtbot):
    from app.ui.plan_widgets import NewPlanDialog

    ctx.open_db(empty_db_path)
    dialog = NewPlanDialog(ctx.db)
    qtbot.addWidget(dialog)
    dialog.templates.setCurrentRow(2)
    dialog.year_from.setValue(2026)
    dialog.year_to.setValue(2027)
    key, header = dialog.values()
    assert key == "quality_roadmap" and header["title"].endswith("на 2026/2027 учебный год")
    assert header["approver_position"] == "Директор МБОУ «Тестовая школа»"
    dialog.order_date.setText("31.02.2026")
    dialog.accept()
    assert "не распознана" in dialog.error.text() and dialog.isVisible() is False or dialog.result() == 0


def test_exports_and_print(window, ctx, tmp_path):
    win, page = window
    _new_plan(page)
    page.export_pdf(str(tmp_path / "план.pdf"))
    page.export_xlsx(str(tmp_path / "план.xlsx"))
    page.export_report(str(tmp_path / "отчёт.pdf"), period="2025-Q4")
    assert page.last_saved == tmp_path / "отчёт.pdf"
    assert all((tmp_path / n).stat().st_size > 1000 for n in ("план.pdf", "план.xlsx", "отчёт.pdf"))
    dialog = page.make_print_preview()
    assert isinstance(dialog, QtPrintSupport.QPrintPreviewDialog)
    dialog.deleteLater()
    printer = QtPrintSupport.QPrinter()
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "печать.pdf"))
    pages = page.render_pages(printer, tmp_path / "план.pdf")
    assert pages >= 1 and (tmp_path / "печать.pdf").stat().st_size > 1000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "план.pdf"), "-"], capture_output=True,
                              text=True).stdout
        assert "УТВЕРЖДАЮ" in text


def test_print_renders_every_pdf_page(window, tmp_path):
    QtPdf = pytest.importorskip("PySide6.QtPdf")
    from app.ui.plan_widgets import render_pdf_pages, setup_printer

    win, page = window
    _new_plan(page)
    page.export_pdf(str(tmp_path / "план.pdf"))
    printer = QtPrintSupport.QPrinter()
    printer.setOutputFormat(QtPrintSupport.QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "печать.pdf"))
    setup_printer(printer, landscape=False)
    n = render_pdf_pages(QtPdf, printer, tmp_path / "план.pdf")
    assert n >= 2
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "печать.pdf")], capture_output=True, text=True).stdout
        assert f"Pages:           {n}" in info


def test_print_preview_shows_the_pages(window, qtbot):
    """Файл → Печать… opens a preview that draws the appendix (the dialog does not own its
    printer: the page keeps it, or the preview reads freed memory and crashes)."""
    import gc

    win, page = window
    _new_plan(page)
    painted = []
    dialog = page.make_print_preview()
    dialog.paintRequested.connect(lambda printer: painted.append(printer.pageLayout().orientation()))
    gc.collect()
    dialog.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=5000)
    assert painted[0] == QtGui.QPageLayout.Orientation.Portrait      # the five-section plan
    assert dialog.windowTitle() == "Печать плана мероприятий"
    dialog.close()
    dialog.deleteLater()
    assert any(a.text() == "Печать…" for m in win.menuBar().actions() for a in m.menu().actions())


@pytest.mark.parametrize("name, sections", [("sections_000.docx", 3), ("roadmap_003.xlsx", 2)])
def test_import_a_plan_with_preview_then_commit(window, ctx, empty_db_path, qtbot, name, sections):
    """A plan table from Word / Excel: the preview changes nothing, the import adds the plan and
    the page shows it at once; a file without a plan table is refused and changes nothing."""
    from pathlib import Path

    from app.ui.import_dialog import ImportDialog

    data = Path(__file__).resolve().parents[1] / "data" / "plan"
    win, page = window
    dialog = ImportDialog(ctx, [data / name, data / "no_plan_table.docx"], parent=win)
    dialog.show()
    assert _disk(empty_db_path) == [] and page.empty.isVisible()      # the preview wrote nothing
    texts = [dialog.file_list.item(i).text() for i in range(dialog.file_list.count())]
    assert len(texts) == 2 and "no_plan_table.docx" in texts[1]
    dialog.run_import()                                                # refused: one file has no plan
    assert not dialog.committed and _disk(empty_db_path) == []
    assert "нельзя загрузить" in dialog.status.text()
    dialog.remove_file(data / "no_plan_table.docx")
    dialog.run_import()
    assert dialog.committed, dialog.status.text()
    disk = _disk(empty_db_path)
    assert len(disk) == sections and all(items for _, items in disk)
    qtbot.waitUntil(lambda: page.body.isVisible(), timeout=3000)      # refreshed on the next turn
    assert page.tree.topLevelItemCount() == sections
    dialog.close()


def test_print_resolution_keeps_the_preview_within_memory():
    from app.ui.plan_widgets import PRINT_MEMORY, print_dpi

    a4 = (595.3, 841.9)
    assert print_dpi(3, a4) == 200                        # an ordinary plan prints sharp
    long = print_dpi(34, a4)
    assert 120 <= long < 200
    assert 34 * (a4[0] * long / 72) * (a4[1] * long / 72) * 4 <= PRINT_MEMORY
    assert print_dpi(500, a4) == 120                      # never below a readable resolution
