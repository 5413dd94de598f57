"""Reading the plan into the page: plans, header, tree, filters, the selected item and its execution."""
from __future__ import annotations

from app.core import plan as core
from app.core import plan_exec as execs
from app.core.deadlines import PlanYears, format_date, quarter_label, quarters_between
from app.ui.qt import QtCore, QtWidgets

Qt = QtCore.Qt


class PlanLoading:
    """Part of PlanPage (see app.ui.pages.plan.page)."""

    # ------------------------------------------------------------------ loading
    def _is_busy(self) -> bool:
        return self._busy

    def _reset_for_new_db(self) -> None:
        self.plan_id, self._known_max = None, None

    def _on_changed(self, topic: str) -> None:
        """Undo / redo of a plan edit shows its result at once (not on the next event loop turn),
        so the tree, the header and the editor never show a state the file no longer holds."""
        if topic == "plan" and self.isVisible() and not self._busy and self.ctx.db is not None:
            self.refresh()
            return
        super()._on_changed(topic)

    def refresh(self) -> None:
        self._dirty = False
        db = self.ctx.db
        plans = core.list_plans(db) if db is not None else []
        newest = plans[0]["id"] if plans else None
        if self.plan_id not in {p["id"] for p in plans} or (newest or 0) > (self._known_max or 0):
            self.plan_id = newest
        self._known_max = newest
        self._fill_plan_combo(plans)
        self.empty.setVisible(self.plan_id is None)
        self.body.setVisible(self.plan_id is not None)
        self.delete_plan_button.setEnabled(self.plan_id is not None)
        self.new_button.setEnabled(db is not None)
        self.import_button.setEnabled(db is not None)
        if self.plan_id is None:
            self.tree.remove_all()
            return
        self._load_header()
        self._load_tree()

    def _fill_plan_combo(self, plans: list[dict]) -> None:
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for p in plans:
            label = p["title"] if len(p["title"]) < 70 else p["title"][:67] + "…"
            self.plan_combo.addItem(label, p["id"])
        self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(self.plan_id)))
        self.plan_combo.setVisible(len(plans) > 1)
        self.plan_combo.blockSignals(False)

    def _plan_chosen(self, index: int) -> None:
        self.plan_id = self.plan_combo.itemData(index)
        self.refresh()

    def _load_header(self) -> None:
        plan = core.get_plan(self.ctx.db, self.plan_id)
        widgets = [self.h_title, self.h_from, self.h_to, self.h_number, self.h_date, self.h_position, self.h_name]
        for w in widgets:
            w.blockSignals(True)
        self.h_title.setText(plan["title"])
        self.h_from.setValue(plan["year_from"] or self.h_from.minimum())
        self.h_to.setValue(plan["year_to"] or self.h_to.minimum())
        self.h_number.setText(plan["order_number"])
        self.h_date.setText(format_date(plan["order_date"]))
        self.h_position.setText(plan["approver_position"])
        self.h_name.setText(plan["approver_name"])
        for w in widgets:
            w.blockSignals(False)
        self._years = PlanYears(plan["year_from"], plan["year_to"])
        self.header_box.set_summary(header_summary(plan))

    def _load_tree(self) -> None:
        keep = self.tree.selected()
        self._tree_data = core.plan_tree(self.ctx.db, self.plan_id)
        self._items = {i["id"]: i for s in self._tree_data for i in s["items"]}
        self._fill_filter_choices()
        self.tree.blockSignals(True)
        self.tree.fill(self._tree_data, self._visible_ids())
        self.tree.blockSignals(False)
        self._update_counts()
        self._select(*(keep or ("", 0)))

    def _select(self, kind: str, ident: int) -> None:
        node = self.tree.find(kind, ident) if kind else None
        self.tree.setCurrentItem(node)
        self._show_selection()

    def _fill_filter_choices(self) -> None:
        names = execs.responsible_choices(self.ctx.db, self.plan_id)
        self.editor.set_choices(names)
        text = self.f_responsible.currentText()
        self.f_responsible.blockSignals(True)
        self.f_responsible.clear()
        self.f_responsible.addItem("")
        self.f_responsible.addItems(names)
        self.f_responsible.setEditText(text)
        self.f_responsible.blockSignals(False)
        span = self._years.span()
        keys = quarters_between(*span) if span else []
        current = self.f_quarter.currentData()
        self.f_quarter.blockSignals(True)
        self.f_quarter.clear()
        self.f_quarter.addItem("Все кварталы", "")
        for key in keys:
            self.f_quarter.addItem(quarter_label(key), key)
        self.f_quarter.setCurrentIndex(max(0, self.f_quarter.findData(current)))
        self.f_quarter.blockSignals(False)

    # ------------------------------------------------------------------ filters
    def filters(self) -> dict:
        return {"status": self.f_status.currentData() or None,
                "responsible": self.f_responsible.currentText().strip() or None,
                "quarter": self.f_quarter.currentData() or None}

    def filtering(self) -> bool:
        return any(self.filters().values())

    def _visible_ids(self) -> set[int] | None:
        if not self.filtering():
            return None
        return {i["id"] for i in execs.filter_items(self.ctx.db, self.plan_id, **self.filters())}

    def _apply_filters(self) -> None:
        if self.plan_id is not None and self.ctx.db is not None:
            self._load_tree()

    def clear_filters(self) -> None:
        for w in (self.f_status, self.f_quarter):
            w.blockSignals(True)
            w.setCurrentIndex(0)
            w.blockSignals(False)
        self.f_responsible.setEditText("")
        self._apply_filters()

    def _update_counts(self) -> None:
        c = execs.status_counts(list(self._items.values()))
        shown = ""
        if self.filtering():
            shown = f"Показано: {sum(n.childCount() for n in self._top_nodes())}. "
        self.counts.setText(f"{shown}{execs.status_line(c)}"
                            + (" · перемещение строк отключено, пока включён фильтр" if shown else ""))
        self.tree.setDragEnabled(not self.filtering())

    def _top_nodes(self):
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]

    # ------------------------------------------------------------------ selection and editor
    def _show_selection(self) -> None:
        sel = self.tree.selected()
        movable = sel is not None and not self.filtering()
        for b in (self.delete_button, self.up_button, self.down_button):
            b.setEnabled(movable if b is not self.delete_button else sel is not None)
        self.edit_button.setEnabled(sel is not None)
        if sel is None:
            self.editor_stack.setCurrentIndex(0)
        elif sel[0] == "section":
            sec = next(s for s in self._tree_data if s["id"] == sel[1])
            if self.section_title.text() != sec["title"]:
                self.section_title.setText(sec["title"])
            self.editor_stack.setCurrentIndex(1)
        else:
            self.editor_window.setWindowTitle(f"Мероприятие {self._items[sel[1]]['number']} — план мероприятий")
            self.editor.show_item(self._items[sel[1]], self._years)
            self._load_execution(sel[1])
            self.editor_stack.setCurrentIndex(2)

    def _load_execution(self, item_id: int) -> None:
        e = self.editor
        e.executions.clear()
        for row in execs.executions(self.ctx.db, item_id):
            it = QtWidgets.QListWidgetItem(f"{format_date(row['date'])} — {row['note'] or 'без комментария'}")
            it.setData(Qt.ItemDataRole.UserRole, row["id"])
            e.executions.addItem(it)
        e.evidence.clear()
        for row in execs.evidence_list(self.ctx.db, item_id):
            it = QtWidgets.QListWidgetItem(f"{row['file_name']} — {execs.evidence_size(row)}")
            it.setData(Qt.ItemDataRole.UserRole, row["id"])
            it.setToolTip(f"SHA-256: {row['sha256']}")
            e.evidence.addItem(it)

    def selected_item_id(self) -> int | None:
        sel = self.tree.selected()
        return sel[1] if sel and sel[0] == "item" else None

    def selected_section_id(self) -> int | None:
        sel = self.tree.selected()
        if sel is None:
            return self._tree_data[-1]["id"] if self._tree_data else None
        if sel[0] == "section":
            return sel[1]
        return self._items[sel[1]]["section_id"]


def header_summary(plan: dict) -> str:
    """The folded header in one line: title, years, order and approver."""
    parts = [plan["title"] or "без названия"]
    if plan["year_from"]:
        parts.append(f"{plan['year_from']}–{plan['year_to']}" if plan["year_to"] else str(plan["year_from"]))
    order = f"приказ № {plan['order_number']}" if plan["order_number"] else "приказ не указан"
    if plan["order_date"]:
        order += f" от {format_date(plan['order_date'])}"
    parts.append(order)
    who = " ".join(x for x in (plan["approver_position"], plan["approver_name"]) if x)
    if who:
        parts.append(f"утверждает: {who}")
    return " · ".join(parts)
