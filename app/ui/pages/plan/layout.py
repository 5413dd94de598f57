"""How the «План» page is built: header, toolbar, filters, the tree and the item editor beside it or in a window of its own."""
from __future__ import annotations

from app.ui.common import CollapsibleBox
from app.ui.plan_widgets import EditorWindow, ItemEditor, PlanTree
from app.ui.qt import QtCore, QtWidgets
from app.ui.style import fit_subtitle, page_header

Qt = QtCore.Qt
STATUS_FILTERS = [("", "Все состояния"), ("planned", "Запланировано"), ("in_progress", "Выполняется"),
                  ("done", "Выполнено"), ("cancelled", "Отменено"), ("overdue", "Просрочено")]
DOCK_FROM = 1300   # a page at least this wide keeps the editor beside the tree; a narrower one opens it
                   # in a window of its own, so the tree shows every column and whole measure names


class PlanLayout:
    """Part of PlanPage (see app.ui.pages.plan.page)."""

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
