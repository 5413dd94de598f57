"""The plan's dialogs: a new plan from a template, a mark of execution with files."""
from __future__ import annotations

import datetime as dt

from app.core import plan as core
from app.core import schoolyear
from app.core.deadlines import parse_user_date
from app.core.errors import UserError

from ..qt import QtCore, QtWidgets
from ..style import DANGER
from ..widgets.forms import dialog_buttons
from .tree import _one_line

Qt = QtCore.Qt


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
        lay.addWidget(dialog_buttons(self, "Создать план"))
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
        lay.addWidget(dialog_buttons(self))

    def _choose_files(self) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(self, "Подтверждающие документы")
        for p in paths:
            self.files.addItem(p)

    def values(self) -> dict:
        return {"date": self.date.date().toString("yyyy-MM-dd"), "note": self.note.toPlainText().strip(),
                "files": [self.files.item(i).text() for i in range(self.files.count())],
                "done": self.done_box.isChecked()}
