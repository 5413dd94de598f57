"""The page's edits: header, sections, items, plans, execution and evidence — each an undoable core edit."""
from __future__ import annotations

import tempfile
from pathlib import Path

from app.core import plan as core
from app.core import plan_edits as edits
from app.core import plan_exec as execs
from app.core.deadlines import parse_user_date
from app.core.errors import UserError
from app.ui import undo
from app.ui.plan_widgets import ExecutionDialog, NewPlanDialog, style_item_row
from app.ui.qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt


class PlanWriting:
    """Part of PlanPage (see app.ui.pages.plan.page)."""

    # ------------------------------------------------------------------ writing
    def _do(self, fn, *args, **kwargs):
        """Run an undoable edit; a UserError is shown and changes nothing."""
        self._busy = True
        try:
            return undo.push(self.ctx, fn(*args, **kwargs))
        except UserError as exc:
            QtWidgets.QMessageBox.warning(self, "Объектив", str(exc))
            return None
        finally:
            self._busy = False

    def _header_edited(self, key: str, value) -> None:
        if self.plan_id is not None and self._do(edits.update_plan, self.plan_id, **{key: value}):
            if key in ("year_from", "year_to"):
                self.refresh()
            else:
                self._fill_plan_combo(core.list_plans(self.ctx.db))
        elif self.plan_id is not None:
            self._load_header()

    def _order_date_edited(self) -> None:
        try:
            value = parse_user_date(self.h_date.text())
        except ValueError:
            QtWidgets.QMessageBox.warning(self, "Объектив", f"Дата приказа «{self.h_date.text()}» не распознана: "
                                          "нужна дата вида ДД.ММ.ГГГГ.")
            self._load_header()
            return
        self._header_edited("order_date", value)

    def _field_edited(self, field: str, value) -> None:
        item_id = self.selected_item_id()
        if item_id is None:
            return
        if self._do(edits.update_item, item_id, **{field: value}) and field in ("status", "done_date"):
            self._load_tree()
            return
        self._refresh_row(item_id)

    def _refresh_row(self, item_id: int) -> None:
        """Update one tree row after its fields changed (the editor keeps focus and cursor)."""
        row = core.get_item(self.ctx.db, item_id)
        old = self._items.get(item_id)
        if row is None or old is None:
            return
        item = {**row, "number": old["number"], "overdue": execs.is_overdue(row)}
        self._items[item_id] = item
        node = self.tree.find("item", item_id)
        if node is not None:
            for col, text in enumerate([item["number"], " ".join(item["measure"].split()), item["deadline_text"],
                                        item["responsible"], "просрочено" if item["overdue"] else
                                        self.editor.status.itemText(self.editor.status.findData(item["status"]))]):
                node.setText(col, text)
                node.setForeground(col, QtGui.QBrush())
                node.setFont(col, self.tree.font())
            bold = QtGui.QFont(self.tree.font())
            bold.setBold(True)
            style_item_row(node, item, bold)
        self._update_counts()

    def _section_renamed(self) -> None:
        sel = self.tree.selected()
        if sel and sel[0] == "section" and self._do(edits.rename_section, sel[1], self.section_title.text()):
            self._load_tree()

    def add_section(self, title: str = "Новый раздел") -> int | None:
        if self.plan_id is None:
            return None
        sel = self.selected_section_id()
        index = next((i + 1 for i, s in enumerate(self._tree_data) if s["id"] == sel), None)
        section_id = self._do(edits.add_section, self.plan_id, title, index)
        if section_id:
            self._load_tree()
            self._select("section", section_id)
            self.open_editor()
            self.section_title.setFocus()
            self.section_title.selectAll()
        return section_id

    def add_item(self, fields: dict | None = None) -> int | None:
        section_id = self.selected_section_id()
        if section_id is None:
            section_id = self._do(edits.add_section, self.plan_id, "")
        item_id = self.selected_item_id()
        index = None
        if item_id is not None:
            index = core.item_place(self.ctx.db, item_id)[1] + 1
        new_id = self._do(edits.add_item, section_id, fields or {}, index)
        if new_id:
            self._load_tree()
            self._select("item", new_id)
            self.open_editor()
            self.editor.measure.setFocus()
        return new_id

    def delete_selected(self) -> None:
        sel = self.tree.selected()
        if sel is None:
            return
        self._do(edits.delete_section if sel[0] == "section" else edits.delete_item, sel[1])
        self._load_tree()
        self._status_message("Удалено. Вернуть: Правка → Отменить (Ctrl+Z).")

    def move_selected(self, step: int) -> None:
        sel = self.tree.selected()
        if sel is None or self.filtering():
            return
        if sel[0] == "section":
            index = next(i for i, s in enumerate(self._tree_data) if s["id"] == sel[1]) + step
            if 0 <= index < len(self._tree_data):
                self._do(edits.move_section, sel[1], index)
        else:
            target = core.step_target(self.ctx.db, sel[1], step)
            if target is not None:
                self._do(edits.move_item, sel[1], *target)
        self._load_tree()

    def _move_requested(self, kind: str, ident: int, section_id: int, index: int) -> None:
        if self.filtering():
            return
        if kind == "section":
            self._do(edits.move_section, ident, index)
        else:
            self._do(edits.move_item, ident, section_id, index)
        self._load_tree()
        self._select(kind, ident)

    # ------------------------------------------------------------------ plans
    def new_plan_dialog(self) -> None:
        if self.ctx.db is None:
            return
        dialog = NewPlanDialog(self.ctx.db, self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.create_plan(*dialog.values())

    def create_plan(self, template_key: str | None, header: dict) -> int | None:
        plan_id = self._do(edits.create_plan, template_key, header)
        if plan_id:
            self.plan_id = plan_id
            self.refresh()
        return plan_id

    def delete_current_plan(self, confirm: bool = True) -> None:
        if self.plan_id is None:
            return
        if confirm and QtWidgets.QMessageBox.question(
                self, "Объектив", "Удалить план со всеми мероприятиями, отметками и документами? "
                "Удаление можно отменить: Правка → Отменить.") != QtWidgets.QMessageBox.StandardButton.Yes:
            return
        self._do(edits.delete_plan, self.plan_id)
        self.plan_id = None
        self.refresh()

    def import_plan_file(self) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Импорт плана", str(Path.home()), "Документы и таблицы (*.docx *.xlsx);;Все файлы (*)")
        if paths:
            self.ctx.import_requested.emit(paths)

    # ------------------------------------------------------------------ execution and evidence
    def execution_dialog(self, mark_done: bool) -> None:
        item_id = self.selected_item_id()
        if item_id is None:
            return
        dialog = ExecutionDialog(self._items[item_id]["measure"], mark_done=mark_done, parent=self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            v = dialog.values()
            self.record_execution(item_id, v["date"], v["note"], v["files"], done=v["done"])

    def record_execution(self, item_id: int, date: str, note: str, files=(), *, done: bool = True) -> None:
        """A mark of execution (and «выполнено» when done) with files, as one undo step."""
        stack = self.ctx.undo_stack
        stack.beginMacro("Отметка о выполнении" if done else "Отметка об исполнении")
        try:
            fn = edits.mark_done if done else edits.add_execution
            execution_id = self._do(fn, item_id, date, note)
            for path in files if execution_id else ():
                self._do(edits.add_evidence, item_id, path, execution_id)
        finally:
            stack.endMacro()
        self._load_tree()

    def attach_dialog(self) -> None:
        item_id = self.selected_item_id()
        if item_id is not None:
            paths, _ = QtWidgets.QFileDialog.getOpenFileNames(self, "Подтверждающие документы", str(Path.home()))
            self.attach_files(item_id, paths)

    def attach_files(self, item_id: int, paths) -> None:
        for path in paths:
            self._do(edits.add_evidence, item_id, path)
        self._load_execution(item_id)

    def _selected_id(self, widget: QtWidgets.QListWidget) -> int | None:
        it = widget.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it else None

    def delete_selected_execution(self) -> None:
        ident = self._selected_id(self.editor.executions)
        if ident is not None:
            self._do(edits.delete_execution, ident)
            self._load_tree()

    def delete_selected_evidence(self) -> None:
        ident = self._selected_id(self.editor.evidence)
        if ident is not None:
            self._do(edits.delete_evidence, ident)
            self._load_tree()

    def open_evidence(self, evidence_id: int | None = None, *, launch: bool = True) -> Path | None:
        """Save a copy to a temporary folder and open it with the system's program."""
        evidence_id = evidence_id or self._selected_id(self.editor.evidence)
        if evidence_id is None:
            return None
        try:
            folder = Path(tempfile.mkdtemp(dir=self._temp_dir.name))
            path = execs.save_evidence(self.ctx.db, evidence_id, folder)
        except UserError as exc:
            QtWidgets.QMessageBox.warning(self, "Объектив", str(exc))
            return None
        if launch:
            QtGui.QDesktopServices.openUrl(QtCore.QUrl.fromLocalFile(str(path)))
        return path

    def save_evidence_dialog(self) -> None:
        ident = self._selected_id(self.editor.evidence)
        if ident is None:
            return
        name = self.editor.evidence.currentItem().text().split(" — ")[0]
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Сохранить документ", str(Path.home() / name))
        if path:
            try:
                execs.save_evidence(self.ctx.db, ident, path)
                self._status_message(f"Документ сохранён: {path}")
            except UserError as exc:
                QtWidgets.QMessageBox.warning(self, "Объектив", str(exc))
