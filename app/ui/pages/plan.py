"""«План»: the school plan of measures — header, sections and items, execution and evidence.

Every edit is written to the school file at once and can be undone (Правка → Отменить). The tree
shows the numbering 1., 1.1. …; rows are moved with the buttons or by dragging; overdue items are
red and bold. Filters by state, responsible and quarter narrow the tree (moving is off while a
filter is on). Exports: the plan as a signed appendix (PDF, XLSX), the execution report, print.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from app.core import plan as core
from app.core import plan_edits as edits
from app.core import plan_exec as execs
from app.core.deadlines import PlanYears, format_date, parse_user_date, quarter_label, quarters_between
from app.core.errors import UserError
from app.ui import undo
from app.ui import qt as qt_module
from app.ui.common import CollapsibleBox, LazyRefresh
from app.ui.plan_widgets import (EditorWindow, ExecutionDialog, ItemEditor, NewPlanDialog, PlanPrintPreview, PlanTree,
                                 render_pdf_pages, render_text_document, setup_printer, style_item_row)
from app.ui.qt import QtCore, QtGui, QtPrintSupport, QtWidgets
from app.ui.style import fit_subtitle, page_header
from app.ui.widgets.page import Page

Qt = QtCore.Qt
STATUS_FILTERS = [("", "Все состояния"), ("planned", "Запланировано"), ("in_progress", "Выполняется"),
                  ("done", "Выполнено"), ("cancelled", "Отменено"), ("overdue", "Просрочено")]
DOCK_FROM = 1300   # a page at least this wide keeps the editor beside the tree; a narrower one opens it
                   # in a window of its own, so the tree shows every column and whole measure names


class PlanPage(LazyRefresh, Page):
    title = "План"
    TOPICS = {"plan", "roster"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id: int | None = None
        self._known_max: int | None = None
        self._tree_data: list[dict] = []
        self._items: dict[int, dict] = {}
        self._busy = False
        self._temp_dir = tempfile.TemporaryDirectory(prefix="objektiv-plan-")
        self._build()
        self.init_lazy(ctx)

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setSpacing(6)
        top = QtWidgets.QHBoxLayout()
        self.header = page_header("План мероприятий",
                                  "План школы по обеспечению объективности оценивания и отметки о его исполнении. "
                                  "Изменения сохраняются сразу.")
        top.addWidget(self.header, 1)
        self.plan_combo = QtWidgets.QComboBox(minimumWidth=220)
        self.plan_combo.activated.connect(self._plan_chosen)
        top.addWidget(self.plan_combo, 0, Qt.AlignmentFlag.AlignTop)
        self.new_button = self._button(top, "Новый план…", self.new_plan_dialog)
        self.import_button = self._button(top, "Импорт из файла…", self.import_plan_file)
        self.delete_plan_button = self._button(top, "Удалить план", self.delete_current_plan)
        for b in (self.new_button, self.import_button, self.delete_plan_button):
            top.setAlignment(b, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(top)
        self.empty = QtWidgets.QLabel("В базе школы ещё нет плана мероприятий. Создайте его по шаблону "
                                      "или загрузите из документа Word / Excel.", wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("pageSubtitle")
        lay.addWidget(self.empty)
        self.body = QtWidgets.QWidget()
        body = QtWidgets.QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        # the header of the order is filled once: folded to one line, it leaves the room to the tree
        self.header_box = CollapsibleBox("Заголовок плана", self._header_box(), expanded=False)
        body.addWidget(self.header_box)
        body.addLayout(self._toolbar())
        body.addLayout(self._filters())
        body.addWidget(self._splitter(), 1)
        self.counts = QtWidgets.QLabel(objectName="pageSubtitle", wordWrap=True)  # a long line wraps on a netbook
        body.addWidget(self.counts)
        lay.addWidget(self.body, 1)

    def _button(self, layout, text, slot, primary=False) -> QtWidgets.QPushButton:
        b = QtWidgets.QPushButton(text)
        if primary:
            b.setProperty("primary", True)
        b.clicked.connect(lambda _checked=False: slot())
        layout.addWidget(b)
        return b

    def _header_box(self) -> QtWidgets.QWidget:
        box = QtWidgets.QFrame(objectName="card")
        box.setToolTip("Заголовок плана для приложения к приказу")
        grid = QtWidgets.QGridLayout(box)
        grid.setContentsMargins(10, 6, 10, 6)
        self.h_title = QtWidgets.QLineEdit()
        self.h_from, self.h_to = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        for spin in (self.h_from, self.h_to):
            spin.setRange(1999, 2100)
            spin.setSpecialValueText("—")
            spin.setKeyboardTracking(False)
        self.h_number = QtWidgets.QLineEdit(placeholderText="№ приказа")
        self.h_date = QtWidgets.QLineEdit(placeholderText="ДД.ММ.ГГГГ")
        self.h_position = QtWidgets.QLineEdit(placeholderText="Директор МБОУ …")
        self.h_name = QtWidgets.QLineEdit(placeholderText="И.О. Фамилия")
        self.h_number.setMaximumWidth(90)
        self.h_date.setMaximumWidth(110)
        grid.addWidget(QtWidgets.QLabel("Название:"), 0, 0)
        grid.addWidget(self.h_title, 0, 1)
        line = QtWidgets.QHBoxLayout()
        for label, widget in (("", self.h_from), ("—", self.h_to), ("   Приказ №", self.h_number),
                              ("от", self.h_date)):
            if label:
                line.addWidget(QtWidgets.QLabel(label))
            line.addWidget(widget)
        line.addStretch(1)
        grid.addWidget(QtWidgets.QLabel("Годы:"), 1, 0)
        grid.addLayout(line, 1, 1)
        # the approver on a line of its own: on a 1024-pixel screen it was squeezed to a few letters
        approver = QtWidgets.QHBoxLayout()
        approver.addWidget(self.h_position, 2)
        approver.addWidget(self.h_name, 1)
        grid.addWidget(QtWidgets.QLabel("Утверждает:"), 2, 0)
        grid.addLayout(approver, 2, 1)
        for key, edit in (("title", self.h_title), ("order_number", self.h_number),
                          ("approver_position", self.h_position), ("approver_name", self.h_name)):
            edit.editingFinished.connect(lambda k=key, e=edit: self._header_edited(k, e.text()))
        self.h_date.editingFinished.connect(self._order_date_edited)
        self.h_from.valueChanged.connect(lambda v: self._header_edited("year_from", v or None))
        self.h_to.valueChanged.connect(lambda v: self._header_edited("year_to", v or None))
        return box

    def _toolbar(self) -> QtWidgets.QHBoxLayout:
        row = QtWidgets.QHBoxLayout()
        self.add_section_button = self._button(row, "+ Раздел", self.add_section)
        self.add_item_button = self._button(row, "+ Мероприятие", self.add_item, primary=True)
        self.delete_button = self._button(row, "Удалить", self.delete_selected)
        self.up_button = self._button(row, "▲", lambda: self.move_selected(-1))
        self.up_button.setToolTip("Переместить выше")
        self.down_button = self._button(row, "▼", lambda: self.move_selected(1))
        self.down_button.setToolTip("Переместить ниже")
        self.edit_button = self._button(row, "Открыть…", self.open_editor)
        self.edit_button.setToolTip("Открыть выбранное мероприятие в отдельном окне (или двойной щелчок, Enter)")
        row.addStretch(1)
        # the files made from the plan under one button: the row fits a 1024-pixel screen
        self.export_button = QtWidgets.QPushButton("Сохранить как")
        menu = QtWidgets.QMenu(self.export_button)
        self.pdf_action = menu.addAction("План в PDF (приложение к приказу)…")
        self.xlsx_action = menu.addAction("План в XLSX…")
        menu.addSeparator()
        self.report_action = menu.addAction("Отчёт об исполнении плана (PDF или XLSX)…")
        self.pdf_action.triggered.connect(lambda: self.export_pdf())
        self.xlsx_action.triggered.connect(lambda: self.export_xlsx())
        self.report_action.triggered.connect(lambda: self.export_report())
        self.export_button.setMenu(menu)
        row.addWidget(self.export_button)
        self.print_button = self._button(row, "Печать…", self.print_document)
        for b in (self.up_button, self.down_button):
            b.setFixedWidth(b.fontMetrics().horizontalAdvance("▲") + 28)
        return row

    def _filters(self) -> QtWidgets.QHBoxLayout:
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("Показать:"))
        self.f_status = QtWidgets.QComboBox()
        for code, label in STATUS_FILTERS:
            self.f_status.addItem(label, code)
        self.f_status.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.f_responsible = QtWidgets.QComboBox(editable=True, minimumWidth=200)
        self.f_responsible.lineEdit().setPlaceholderText("Все ответственные")
        self.f_quarter = QtWidgets.QComboBox(minimumWidth=150)
        self.f_quarter.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        for w in (self.f_status, self.f_responsible, self.f_quarter):
            row.addWidget(w)
        self.f_status.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.f_quarter.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.f_responsible.currentTextChanged.connect(lambda _t: self._apply_filters())
        self._button(row, "Сбросить", self.clear_filters)
        row.addStretch(1)
        return row

    def _splitter(self) -> QtWidgets.QSplitter:
        self.split = split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.tree = PlanTree()
        self.tree.currentItemChanged.connect(lambda *_: self._show_selection())
        self.tree.moveRequested.connect(self._move_requested)
        self.tree.itemActivated.connect(lambda *_: self.open_editor())      # double-click or Enter
        split.addWidget(self.tree)
        self.editor_stack = QtWidgets.QStackedWidget()
        hint = QtWidgets.QLabel("Выберите раздел или мероприятие в плане.", wordWrap=True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.editor_stack.addWidget(hint)
        section_box = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(section_box)
        self.section_title = QtWidgets.QLineEdit()
        self.section_title.editingFinished.connect(self._section_renamed)
        form.addRow("Название раздела:", self.section_title)
        self.editor_stack.addWidget(section_box)
        self.editor = ItemEditor()
        self.editor.fieldEdited.connect(self._field_edited)
        self._connect_execution_buttons()
        scroll = QtWidgets.QScrollArea(widgetResizable=True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        scroll.setWidget(self.editor)
        self.editor_stack.addWidget(scroll)
        # the editor pane: beside the tree on a wide page, in a window of its own on a narrow one
        self.editor_pane = QtWidgets.QWidget()
        pane = QtWidgets.QVBoxLayout(self.editor_pane)
        pane.setContentsMargins(6, 0, 0, 0)
        pane_head = QtWidgets.QHBoxLayout()
        pane_head.addWidget(QtWidgets.QLabel("Мероприятие", objectName="sectionTitle"), 1)
        self.detach_button = QtWidgets.QToolButton(text="В отдельном окне")
        self.detach_button.setToolTip("Открепить редактор: план займёт всю ширину страницы")
        self.detach_button.clicked.connect(lambda: self.set_editor_mode("window", show=True))
        pane_head.addWidget(self.detach_button)
        pane.addLayout(pane_head)
        pane.addWidget(self.editor_stack, 1)
        split.addWidget(self.editor_pane)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.editor_window = EditorWindow(self)
        self.editor_window.dock_button.clicked.connect(lambda: self.set_editor_mode("docked"))
        self.editor_mode = "auto"         # "docked" or "window" once the user chose
        self._docked: bool | None = None
        self._place_editor(True)
        return split

    # ------------------------------------------------------------------ where the editor lives
    def editor_docked(self) -> bool:
        return bool(self._docked)

    def set_editor_mode(self, mode: str, show: bool = False) -> None:
        """"docked" (beside the tree), "window" (its own window) or "auto" (by the page width)."""
        self.editor_mode = mode
        self._place_editor(self._want_docked())
        if show and not self._docked:
            self.open_editor()

    def _want_docked(self) -> bool:
        if self.editor_mode == "auto":
            return self.width() >= DOCK_FROM
        return self.editor_mode == "docked"

    def _place_editor(self, docked: bool) -> None:
        if docked == self._docked:
            return
        self._docked = docked
        if docked:
            self.editor_window.hide()
            self.editor_pane.layout().addWidget(self.editor_stack, 1)
            self.editor_pane.show()
            width = max(self.split.width(), 900)
            self.split.setSizes([width * 62 // 100, width * 38 // 100])
        else:
            self.editor_window.holder.addWidget(self.editor_stack, 1)
            self.editor_stack.show()
            self.editor_pane.hide()
        self.edit_button.setVisible(not docked)

    def open_editor(self) -> None:
        """Show the editor of the selected row: in its window when the page is narrow."""
        if self._docked:
            return
        w = self.editor_window
        if not w.isVisible():
            w.fit_to_screen()
            w.show()
        w.raise_()
        w.activateWindow()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        fit_subtitle(self.header, self.height())
        self._place_editor(self._want_docked())

    def _connect_execution_buttons(self) -> None:
        e = self.editor
        e.mark_done_button.clicked.connect(lambda: self.execution_dialog(mark_done=True))
        e.add_execution_button.clicked.connect(lambda: self.execution_dialog(mark_done=False))
        e.delete_execution_button.clicked.connect(self.delete_selected_execution)
        e.add_evidence_button.clicked.connect(self.attach_dialog)
        e.open_evidence_button.clicked.connect(lambda: self.open_evidence())
        e.save_evidence_button.clicked.connect(self.save_evidence_dialog)
        e.delete_evidence_button.clicked.connect(self.delete_selected_evidence)
        e.evidence.itemDoubleClicked.connect(lambda _it: self.open_evidence())

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

    # ------------------------------------------------------------------ documents
    def _ask_path(self, caption: str, name: str, filters: str) -> str:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, caption, str(Path.home() / name), filters)
        return path

    def export_pdf(self, path: str | None = None) -> None:
        from app.core.reports.plan_pdf import write_plan_pdf

        path = path or self._ask_path("План — PDF", "План мероприятий.pdf", "PDF (*.pdf)")
        if path:
            pid = self.plan_id
            self.ctx.run_task(lambda db, progress, cancel: write_plan_pdf(db, path, plan_id=pid, progress=progress,
                                                                         cancel=cancel),
                              title="Формирование PDF плана…", on_done=self._saved, parent=self)

    def export_xlsx(self, path: str | None = None) -> None:
        from app.core.reports.plan_xlsx import write_plan_xlsx

        path = path or self._ask_path("План — XLSX", "План мероприятий.xlsx", "Книга Excel (*.xlsx)")
        if path:
            pid = self.plan_id
            self.ctx.run_task(lambda db, progress, cancel: write_plan_xlsx(db, path, plan_id=pid),
                              title="Формирование XLSX плана…", on_done=self._saved, parent=self)

    def export_report(self, path: str | None = None, period: str | None = "ask") -> None:
        from app.core.reports.execution import write_execution_report

        if period == "ask":
            choices = [("", "Весь план")] + [(self.f_quarter.itemData(i), self.f_quarter.itemText(i))
                                             for i in range(1, self.f_quarter.count())]
            label, ok = QtWidgets.QInputDialog.getItem(self, "Отчёт об исполнении", "Период:",
                                                       [c[1] for c in choices], 0, False)
            if not ok:
                return
            period = dict((b, a) for a, b in choices)[label] or None
        path = path or self._ask_path("Отчёт об исполнении", "Отчёт об исполнении плана.pdf",
                                      "PDF (*.pdf);;Книга Excel (*.xlsx)")
        if path:
            pid = self.plan_id
            self.ctx.run_task(lambda db, progress, cancel: write_execution_report(db, path, period=period,
                                                                                 plan_id=pid),
                              title="Формирование отчёта…", on_done=self._saved, parent=self)

    def _saved(self, path) -> None:
        self._status_message(f"Файл сохранён: {path}")
        self.last_saved = Path(path)

    def _status_message(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QtWidgets.QMainWindow):
            window.statusBar().showMessage(text, 8000)

    # ------------------------------------------------------------------ print
    def print_document(self) -> None:
        """Файл → Печать…: a print preview of the signed appendix."""
        dialog = self.make_print_preview()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def make_print_preview(self) -> QtPrintSupport.QPrintPreviewDialog | None:
        if self.ctx.db is None or self.plan_id is None:
            QtWidgets.QMessageBox.information(self, "Объектив", "Нет плана для печати.")
            return None
        from app.core.reports.plan_pdf import write_plan_pdf

        pdf = Path(self._temp_dir.name) / "plan-print.pdf"
        write_plan_pdf(self.ctx.db, pdf, plan_id=self.plan_id)
        from app.core.reports.plan_pdf import is_roadmap

        printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
        setup_printer(printer, is_roadmap(core.get_plan(self.ctx.db, self.plan_id), self._tree_data))
        dialog = PlanPrintPreview(printer, self)
        self._printer = printer  # the dialog does not own its printer: a freed one crashed the preview
        dialog.setWindowTitle("Печать плана мероприятий")
        dialog.paintRequested.connect(lambda p: self.render_pages(p, pdf))
        return dialog

    def render_pages(self, printer, pdf: Path) -> int:
        """Draw the pages of the plan PDF on a printer (QtPdf), or the table as a text document."""
        qtpdf = getattr(qt_module, "QtPdf", None)
        if qtpdf is not None:
            return render_pdf_pages(qtpdf, printer, pdf)
        return render_text_document(printer, core.get_plan(self.ctx.db, self.plan_id), self._tree_data)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._temp_dir.cleanup()
        super().closeEvent(event)


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
