"""The editor of one plan item and the window it moves to on a narrow screen."""
from __future__ import annotations

from app.core.deadlines import describe, format_date, parse_deadline, parse_user_date
from app.core.domain import PLAN_STATUS_LABELS

from ..qt import QtCore, QtGui, QtWidgets, Signal
from ..style import DANGER

Qt = QtCore.Qt


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
