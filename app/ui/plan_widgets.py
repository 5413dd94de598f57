"""Widgets of the «План» page: the tree with drag and drop, the item editor, the dialogs.

They hold no SQL and no rules: the page reads the plan through app.core.plan and writes through
the undoable edits of app.core.plan_edits; these widgets only show values and say what the user asked for.
"""
from __future__ import annotations

import datetime as dt

from app.core import plan as core
from app.core.deadlines import describe, format_date, parse_deadline, parse_user_date
from app.core import schoolyear
from app.core.domain import PLAN_STATUS_LABELS
from app.core.errors import UserError

from .qt import QtCore, QtGui, QtWidgets, Signal
from .style import DANGER

Qt = QtCore.Qt
ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1
OVERDUE_LABEL = "просрочено"


# ---------------------------------------------------------------- the tree

class PlanTree(QtWidgets.QTreeWidget):
    """Sections (top level) and items. A drop never moves rows by itself: it asks for a move
    (moveRequested) and the page redraws the tree from the DB."""

    moveRequested = Signal(str, int, int, int)  # kind, id, target section id (-1: none), index
    HEADERS = ["№", "Мероприятие", "Срок", "Ответственные", "Состояние"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setColumnCount(len(self.HEADERS))
        self.setHeaderLabels(self.HEADERS)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAlternatingRowColors(True)
        self.setAllColumnsShowFocus(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.setIndentation(14)
        # «Состояние» fits «просрочено» in bold; the measure takes the rest of the width
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        state = QtGui.QFontMetrics(bold).horizontalAdvance("Выполняется") + 20
        for col, width in ((0, 74), (2, 116), (3, 150), (4, state)):
            self.setColumnWidth(col, width)
        header.setMinimumSectionSize(40)

    def fill(self, tree: list[dict], visible: set[int] | None = None) -> None:
        """Show the plan; `visible` limits the items shown (filters), None shows all."""
        self.remove_all()
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        for sec in tree:
            node = QtWidgets.QTreeWidgetItem(self, [f"{sec['number']} {sec['title']}".strip()
                                                     or "Мероприятия без раздела"])
            node.setData(0, ROLE_KIND, "section")
            node.setData(0, ROLE_ID, sec["id"])
            node.setFont(0, bold)
            node.setFirstColumnSpanned(True)
            node.setFlags(node.flags() | Qt.ItemFlag.ItemIsDropEnabled | Qt.ItemFlag.ItemIsDragEnabled)
            for item in sec["items"]:
                if visible is None or item["id"] in visible:
                    self._add_item(node, item, bold)
            node.setExpanded(True)
            if visible is not None and node.childCount() == 0:
                node.setHidden(True)

    def remove_all(self) -> None:
        """Empty the tree. Unlike clear(), taking the rows out hands them back to Python, so
        shiboken forgets every wrapper of a deleted row: clear() deletes them behind its back and a
        stale wrapper whose address a new row reuses crashed the next refill (after an undo)."""
        self.setCurrentItem(None)
        taken = self.invisibleRootItem().takeChildren()
        del taken

    def _add_item(self, parent, item: dict, bold: QtGui.QFont) -> None:
        status = OVERDUE_LABEL if item["overdue"] else PLAN_STATUS_LABELS[item["status"]]
        row = QtWidgets.QTreeWidgetItem(parent, [item["number"], _one_line(item["measure"]),
                                                 item["deadline_text"], item["responsible"], status])
        row.setData(0, ROLE_KIND, "item")
        row.setData(0, ROLE_ID, item["id"])
        row.setToolTip(1, item["measure"])
        row.setFlags((row.flags() | Qt.ItemFlag.ItemIsDragEnabled) & ~Qt.ItemFlag.ItemIsDropEnabled)
        style_item_row(row, item, bold)

    def find(self, kind: str, ident: int) -> QtWidgets.QTreeWidgetItem | None:
        it = QtWidgets.QTreeWidgetItemIterator(self)
        while it.value():
            node = it.value()
            if node.data(0, ROLE_KIND) == kind and node.data(0, ROLE_ID) == ident:
                return node
            it += 1
        return None

    def selected(self) -> tuple[str, int] | None:
        node = self.currentItem()
        if node is None:
            return None
        return node.data(0, ROLE_KIND), node.data(0, ROLE_ID)

    # -- drag and drop -----------------------------------------------------------------------
    def dropEvent(self, event: QtGui.QDropEvent) -> None:  # noqa: N802 - Qt API
        source = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        indicator = {
            QtWidgets.QAbstractItemView.DropIndicatorPosition.AboveItem: "above",
            QtWidgets.QAbstractItemView.DropIndicatorPosition.BelowItem: "below",
            QtWidgets.QAbstractItemView.DropIndicatorPosition.OnItem: "on",
        }.get(self.dropIndicatorPosition(), "viewport")
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if source is None or event.source() is not self:
            return
        move = self.drop_target(source, target, indicator)
        if move is not None:
            QtCore.QTimer.singleShot(0, lambda: self.moveRequested.emit(*move))

    def drop_target(self, source, target, indicator: str) -> tuple[str, int, int, int] | None:
        """Where a drop puts the dragged row: ('item', id, section id, index) or
        ('section', id, -1, index); indexes count without the dragged row itself."""
        kind, ident = source.data(0, ROLE_KIND), source.data(0, ROLE_ID)
        if kind == "section":
            return self._section_drop(source, ident, target, indicator)
        return self._item_drop(source, ident, target, indicator)

    def _section_drop(self, source, ident, target, indicator):
        old = self.indexOfTopLevelItem(source)
        if target is None:
            new = self.topLevelItemCount()
        else:
            sec = target if target.parent() is None else target.parent()
            new = self.indexOfTopLevelItem(sec)
            if not (indicator == "above" and target is sec):
                new += 1
        if old < new:
            new -= 1
        return None if new == old else ("section", ident, -1, new)

    def _item_drop(self, source, ident, target, indicator):
        parent = source.parent()
        old_section, old_index = parent.data(0, ROLE_ID), parent.indexOfChild(source)
        if target is None:
            sec = self.topLevelItem(self.topLevelItemCount() - 1)
            index = sec.childCount()
        elif target.parent() is None:  # onto a section
            sec, index = target, target.childCount() if indicator == "on" else 0
            if indicator == "above":
                prev = self.topLevelItem(self.indexOfTopLevelItem(target) - 1)
                if prev is not None:
                    sec, index = prev, prev.childCount()
        else:
            sec = target.parent()
            index = sec.indexOfChild(target) + (0 if indicator == "above" else 1)
        section_id = sec.data(0, ROLE_ID)
        if section_id == old_section and old_index < index:
            index -= 1
        if section_id == old_section and index == old_index:
            return None
        return "item", ident, section_id, index


def style_item_row(row: QtWidgets.QTreeWidgetItem, item: dict, bold: QtGui.QFont) -> None:
    """Overdue items stand out in red and bold; done ones are grey."""
    for col in range(row.columnCount()):
        if item["overdue"]:
            row.setForeground(col, QtGui.QBrush(QtGui.QColor(DANGER)))
            row.setFont(col, bold)
        elif item["status"] in ("done", "cancelled"):
            row.setForeground(col, QtGui.QBrush(QtGui.QColor("#6b7480")))


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


# ---------------------------------------------------------------- the item editor

class TextField(QtWidgets.QPlainTextEdit):
    """A few lines of plain text that report every change (saved at once by the page)."""

    edited = Signal(str)

    def __init__(self, lines: int = 3, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines + 12
        self.setFixedHeight(height)
        self._loading = False
        self.textChanged.connect(self._changed)

    def set_value(self, text: str) -> None:
        if self.toPlainText() != (text or ""):
            self._loading = True
            self.setPlainText(text or "")
            self._loading = False

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit(self.toPlainText())


class ItemEditor(QtWidgets.QWidget):
    """Fields of one item. fieldEdited(field, value) on every change; execution and evidence
    lists with their buttons are attributes the page connects."""

    fieldEdited = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QtWidgets.QFormLayout.RowWrapPolicy.WrapLongRows)   # narrow pane: field under label
        self.task = TextField(2)
        self.measure = TextField(4)
        self.deadline = QtWidgets.QLineEdit(placeholderText="например: «до 15.05.2026», «ежегодно, апрель»")
        self.deadline_hint = QtWidgets.QLabel(objectName="pageSubtitle")
        self.responsible = QtWidgets.QLineEdit(placeholderText="ФИО или должность; несколько — через запятую")
        self.staff_button = QtWidgets.QToolButton(text="Из списка…")
        self.staff_button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        self.staff_menu = QtWidgets.QMenu(self.staff_button)
        self.staff_button.setMenu(self.staff_menu)
        self.expected = TextField(2)
        self.status = QtWidgets.QComboBox()
        for code, label in PLAN_STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.done_date = QtWidgets.QLineEdit(placeholderText="ДД.ММ.ГГГГ")
        self.done_date.setMaximumWidth(120)
        self.done_date.setMinimumWidth(92)    # «10.10.2025» in full
        self.note = TextField(2)
        resp = QtWidgets.QHBoxLayout()
        resp.addWidget(self.responsible, 1)
        resp.addWidget(self.staff_button)
        status = QtWidgets.QHBoxLayout()
        status.addWidget(self.status)
        status.addWidget(QtWidgets.QLabel("выполнено:"))
        status.addWidget(self.done_date)
        status.addStretch(1)
        form.addRow("Задача:", self.task)
        form.addRow("Мероприятие:", self.measure)
        form.addRow("Срок:", self.deadline)
        form.addRow("", self.deadline_hint)
        form.addRow("Ответственные:", resp)
        form.addRow("Ожидаемый результат:", self.expected)
        form.addRow("Состояние:", status)
        form.addRow("Примечание:", self.note)
        lay.addLayout(form)
        lay.addWidget(self._execution_box())
        lay.addWidget(self._evidence_box())
        lay.addStretch(1)
        self._years = None
        self._connect()

    def _execution_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Отметки об исполнении")
        v = QtWidgets.QVBoxLayout(box)
        self.executions = QtWidgets.QListWidget()
        self.executions.setMaximumHeight(90)
        self.executions.setWordWrap(True)
        row = QtWidgets.QGridLayout()     # two columns: the editor pane is narrow on a 1024-pixel screen
        self.mark_done_button = QtWidgets.QPushButton("Отметить выполнение…")
        self.mark_done_button.setProperty("primary", True)
        self.add_execution_button = QtWidgets.QPushButton("Добавить…")
        self.add_execution_button.setToolTip("Добавить отметку об исполнении")
        self.delete_execution_button = QtWidgets.QPushButton("Удалить")
        self.delete_execution_button.setToolTip("Удалить выбранную отметку об исполнении")
        for i, b in enumerate((self.mark_done_button, self.add_execution_button, self.delete_execution_button)):
            row.addWidget(b, i // 2, i % 2, Qt.AlignmentFlag.AlignLeft)
        row.setColumnStretch(2, 1)
        v.addWidget(self.executions)
        v.addLayout(row)
        return box

    def _evidence_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Подтверждающие документы (до 20 МБ)")
        box.setToolTip("Каждый файл — не более 20 МБ")
        v = QtWidgets.QVBoxLayout(box)
        self.evidence = QtWidgets.QListWidget()
        self.evidence.setMaximumHeight(90)
        row = QtWidgets.QGridLayout()
        self.add_evidence_button = QtWidgets.QPushButton("Приложить файл…")
        self.open_evidence_button = QtWidgets.QPushButton("Открыть")
        self.save_evidence_button = QtWidgets.QPushButton("Сохранить…")
        self.save_evidence_button.setToolTip("Сохранить копию документа на диск")
        self.delete_evidence_button = QtWidgets.QPushButton("Удалить")
        for i, b in enumerate((self.add_evidence_button, self.open_evidence_button, self.save_evidence_button,
                               self.delete_evidence_button)):
            row.addWidget(b, i // 2, i % 2, Qt.AlignmentFlag.AlignLeft)
        row.setColumnStretch(2, 1)
        v.addWidget(self.evidence)
        v.addLayout(row)
        return box

    def _connect(self) -> None:
        self.task.edited.connect(lambda v: self.fieldEdited.emit("task", v))
        self.measure.edited.connect(lambda v: self.fieldEdited.emit("measure", v))
        self.expected.edited.connect(lambda v: self.fieldEdited.emit("expected_result", v))
        self.note.edited.connect(lambda v: self.fieldEdited.emit("note", v))
        self.deadline.textEdited.connect(self._deadline_edited)
        self.responsible.textEdited.connect(lambda v: self.fieldEdited.emit("responsible", v))
        self.status.activated.connect(lambda _i: self.fieldEdited.emit("status", self.status.currentData()))
        self.done_date.editingFinished.connect(self._done_date_edited)
        self.staff_menu.triggered.connect(self._append_responsible)

    def _deadline_edited(self, text: str) -> None:
        self._show_deadline_hint(text)
        self.fieldEdited.emit("deadline_text", text)

    def _show_deadline_hint(self, text: str) -> None:
        self.deadline_hint.setText(describe(parse_deadline(text, self._years)) if text.strip() else "")

    def _done_date_edited(self) -> None:
        try:
            value = parse_user_date(self.done_date.text())
        except ValueError:
            self.done_date.setStyleSheet(f"color: {DANGER};")
            self.done_date.setToolTip("Дата не распознана: нужна дата вида ДД.ММ.ГГГГ.")
            return
        self.done_date.setStyleSheet("")
        self.done_date.setToolTip("")
        self.fieldEdited.emit("done_date", value)

    def _append_responsible(self, action: QtGui.QAction) -> None:
        current = self.responsible.text().strip().rstrip(",")
        name = action.data()
        if name.casefold() in current.casefold():
            return
        self.responsible.setText(f"{current}, {name}" if current else name)
        self.fieldEdited.emit("responsible", self.responsible.text())

    def set_choices(self, names: list[str]) -> None:
        self.staff_menu.clear()
        for name in names:
            self.staff_menu.addAction(name).setData(name)
        self.staff_button.setEnabled(bool(names))
        completer = QtWidgets.QCompleter(names, self.responsible)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.responsible.setCompleter(completer)

    def show_item(self, item: dict, years) -> None:
        """Put an item's values into the fields (the field being typed in keeps its cursor)."""
        self._years = years
        self.task.set_value(item["task"])
        self.measure.set_value(item["measure"])
        _set_line(self.deadline, item["deadline_text"])
        self._show_deadline_hint(item["deadline_text"])
        _set_line(self.responsible, item["responsible"])
        self.expected.set_value(item["expected_result"])
        self.status.setCurrentIndex(self.status.findData(item["status"]))
        _set_line(self.done_date, format_date(item["done_date"]))
        self.done_date.setEnabled(item["status"] == "done")
        self.note.set_value(item["note"])


def _set_line(edit: QtWidgets.QLineEdit, text: str) -> None:
    if edit.text() != (text or ""):
        edit.setText(text or "")
        edit.setCursorPosition(0)         # a long value shows its beginning, not its tail


# ---------------------------------------------------------------- dialogs

def current_academic_years(today: dt.date | None = None) -> tuple[int, int]:
    """The current school year (schoolyear: August still belongs to the ending one); a plan for
    the next year is chosen in the dialog's year boxes, never guessed from the month."""
    start = schoolyear.start_year_of(today or dt.date.today())
    return start, start + 1


class NewPlanDialog(QtWidgets.QDialog):
    """A new plan from one of the templates or blank, with its header."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Новый план мероприятий")
        self.setMinimumWidth(620)
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(QtWidgets.QLabel("Основа плана:"))
        self.templates = QtWidgets.QListWidget()
        blank = QtWidgets.QListWidgetItem("Пустой план (без мероприятий)")
        blank.setData(Qt.ItemDataRole.UserRole, None)
        blank.setToolTip("Разделы и мероприятия добавляются вручную.")
        self.templates.addItem(blank)
        for tpl in core.list_templates():
            it = QtWidgets.QListWidgetItem(f"{tpl['name']} — {tpl['items']} мероприятий")
            it.setData(Qt.ItemDataRole.UserRole, tpl["key"])
            it.setToolTip(tpl["description"])
            self.templates.addItem(it)
        self.templates.setMaximumHeight(110)
        self.description = QtWidgets.QLabel(objectName="pageSubtitle", wordWrap=True)
        lay.addWidget(self.templates)
        lay.addWidget(self.description)
        lay.addLayout(self._form())
        self.error = QtWidgets.QLabel(wordWrap=True)
        self.error.setStyleSheet(f"color: {DANGER};")
        lay.addWidget(self.error)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setText("Создать план")
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.templates.currentRowChanged.connect(self._template_changed)
        self.year_from.valueChanged.connect(self._retitle)
        self.year_to.valueChanged.connect(self._retitle)
        self.templates.setCurrentRow(1 if self.templates.count() > 1 else 0)

    def _form(self) -> QtWidgets.QFormLayout:
        from app.core import store

        school = store.school_row(self.db)
        a, b = current_academic_years()
        form = QtWidgets.QFormLayout()
        self.title = QtWidgets.QLineEdit()
        self.year_from, self.year_to = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        for spin, value in ((self.year_from, a), (self.year_to, b)):
            spin.setRange(2000, 2100)
            spin.setValue(value)
        years = QtWidgets.QHBoxLayout()
        years.addWidget(self.year_from)
        years.addWidget(QtWidgets.QLabel("—"))
        years.addWidget(self.year_to)
        years.addStretch(1)
        self.order_number = QtWidgets.QLineEdit(placeholderText="можно заполнить позже")
        self.order_date = QtWidgets.QLineEdit(placeholderText="ДД.ММ.ГГГГ")
        name = school.get("short_name") or school.get("full_name") or ""
        self.approver_position = QtWidgets.QLineEdit(f"Директор {name}".strip())
        self.approver_name = QtWidgets.QLineEdit(school.get("director") or "")
        form.addRow("Название:", self.title)
        form.addRow("Годы:", years)
        form.addRow("Приказ №:", self.order_number)
        form.addRow("от:", self.order_date)
        form.addRow("Утверждает (должность):", self.approver_position)
        form.addRow("Утверждает (ФИО):", self.approver_name)
        return form

    def template_key(self) -> str | None:
        item = self.templates.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _template_changed(self, _row: int) -> None:
        item = self.templates.currentItem()
        self.description.setText(item.toolTip() if item else "")
        self._retitle()

    def _retitle(self) -> None:
        header = {"year_from": self.year_from.value(), "year_to": self.year_to.value()}
        self.title.setText(core.template_title(self.db, self.template_key(), header))
        self.title.setCursorPosition(0)  # a long title reads from its beginning

    def values(self) -> tuple[str | None, dict]:
        """(template key or None, header); UserError when a field cannot be read."""
        try:
            order_date = parse_user_date(self.order_date.text())
        except ValueError:
            raise UserError(f"Дата приказа «{self.order_date.text()}» не распознана: "
                            "нужна дата вида ДД.ММ.ГГГГ.") from None
        return self.template_key(), {
            "title": self.title.text().strip(), "year_from": self.year_from.value(),
            "year_to": self.year_to.value(), "order_number": self.order_number.text().strip(),
            "order_date": order_date, "approver_position": self.approver_position.text().strip(),
            "approver_name": self.approver_name.text().strip()}

    def accept(self) -> None:
        try:
            _key, header = self.values()
            if not header["title"]:
                raise UserError("Укажите название плана.")
            if header["year_from"] > header["year_to"]:
                raise UserError("Год начала плана позже года окончания.")
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class ExecutionDialog(QtWidgets.QDialog):
    """Date and note of a mark of execution, files to attach, and whether the item is done."""

    def __init__(self, measure: str, *, mark_done: bool, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Отметка о выполнении" if mark_done else "Отметка об исполнении")
        self.setMinimumWidth(520)
        lay = QtWidgets.QVBoxLayout(self)
        caption = QtWidgets.QLabel(_one_line(measure), wordWrap=True)
        caption.setObjectName("pageSubtitle")
        lay.addWidget(caption)
        form = QtWidgets.QFormLayout()
        self.date = QtWidgets.QDateEdit(QtCore.QDate.currentDate(), calendarPopup=True)
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.note = QtWidgets.QPlainTextEdit()
        self.note.setPlaceholderText("Что сделано: например, «Проведён семинар, протокол № 3»")
        self.note.setFixedHeight(80)
        self.files = QtWidgets.QListWidget()
        self.files.setFixedHeight(70)
        add = QtWidgets.QPushButton("Приложить файлы…")
        add.clicked.connect(self._choose_files)
        self.done_box = QtWidgets.QCheckBox("Мероприятие выполнено")
        self.done_box.setChecked(mark_done)
        form.addRow("Дата:", self.date)
        form.addRow("Отметка:", self.note)
        form.addRow("Документы:", self.files)
        form.addRow("", add)
        form.addRow("", self.done_box)
        lay.addLayout(form)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setText("Сохранить")
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _choose_files(self) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(self, "Подтверждающие документы")
        for p in paths:
            self.files.addItem(p)

    def values(self) -> dict:
        return {"date": self.date.date().toString("yyyy-MM-dd"), "note": self.note.toPlainText().strip(),
                "files": [self.files.item(i).text() for i in range(self.files.count())],
                "done": self.done_box.isChecked()}


# ---------------------------------------------------------------- where the editor lives

class EditorWindow(QtWidgets.QDialog):
    """The item editor in a window of its own (a narrow screen gives the whole width to the tree).
    Not modal: the tree stays usable and the editor follows its selection; closing only hides it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Мероприятие плана")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setModal(False)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(10, 10, 10, 10)
        self.holder = QtWidgets.QVBoxLayout()
        self.holder.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self.holder, 1)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        buttons.rejected.connect(self.hide)
        self.dock_button = buttons.addButton("Закрепить справа от плана",
                                             QtWidgets.QDialogButtonBox.ButtonRole.ActionRole)
        lay.addWidget(buttons)

    def fit_to_screen(self) -> None:
        screen = self.parentWidget().screen() if self.parentWidget() else QtGui.QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(min(640, area.width() - 40), min(720, area.height() - 60))


# ---------------------------------------------------------------- printing
# (kept in plan_print; the names stay importable from here)
from .plan_print import (PRINT_MEMORY, PlanPrintPreview, plan_html, print_dpi, render_pdf_pages,  # noqa: E402,F401
                         render_text_document, setup_printer)
