"""Parts of the «График ОП» page: the month grid with drag-and-drop, and the dialogs (a procedure, the
approval, the teaching load, the vacations)."""
from __future__ import annotations

import datetime as dt
from typing import Callable

from app.core import schedule as sch
from app.core.errors import UserError
from app.core.schedule_reports import LEVEL_COLORS, abbreviation
from app.core.schedule_rules import WEEKDAYS_SHORT

from .qt import QtCore, QtGui, QtWidgets, Signal
from .widgets.forms import dialog_buttons

Qt = QtCore.Qt
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
BAD = QtGui.QColor("#f3b1ab")


def qdate(iso: str | None) -> QtCore.QDate:
    return QtCore.QDate.fromString(iso, "yyyy-MM-dd") if iso else QtCore.QDate.currentDate()


def month_days(year: int, month: int) -> list[dt.date]:
    """School days of a month shown in the grid: Monday to Saturday."""
    d, out = dt.date(year, month, 1), []
    while d.month == month:
        if d.isoweekday() <= 6:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


class MonthGrid(QtWidgets.QTableWidget):
    """Classes down, days of one month across; a cell lists the short names of the day's works.

    Dragging a cell onto another moves its editable works there (another day, or another class);
    ``moved(keys, class_label, iso_date)`` asks the page to do it.
    """

    moved = Signal(list, str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.days: list[dt.date] = []
        self.classes: list[str] = []
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QtWidgets.QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setDefaultSectionSize(36)
        self.horizontalHeader().setMinimumSectionSize(30)
        self.verticalHeader().setDefaultSectionSize(30)

    def load(self, year: int, month: int, classes: list[str], items: list[dict], bad_keys: set,
             off_days: Callable[[str, int], str | None], short_names: dict | None = None) -> None:
        self.days, self.classes = month_days(year, month), classes
        self.clear()
        self.setRowCount(len(classes))
        self.setColumnCount(len(self.days))
        self.setHorizontalHeaderLabels([f"{d.day}\n{WEEKDAYS_SHORT[d.isoweekday() - 1]}" for d in self.days])
        self.setVerticalHeaderLabels(classes)
        by_cell: dict[tuple[str, str], list[dict]] = {}
        for it in items:
            by_cell.setdefault((it["class_label"], it["date"]), []).append(it)
        grey = QtGui.QColor("#e4e4e4")
        for r, label in enumerate(classes):
            grade = int("".join(ch for ch in label if ch.isdigit()) or 0)
            for c, d in enumerate(self.days):
                here = by_cell.get((label, d.isoformat()), [])
                cell = QtWidgets.QTableWidgetItem("\n".join(abbreviation(i["subject"], short_names) for i in here))
                cell.setData(KEY_ROLE, [i["key"] for i in here])
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                tips = [f"{i['subject']} — {i['form']} ({sch.LEVELS[i['level']]})"
                        + (f", {i['lesson']}-й урок" if i.get("lesson") else "") for i in here]
                off = off_days(d.isoformat(), grade)
                if off:
                    tips.append(off)
                cell.setToolTip("\n".join(tips))
                if any(i["key"] in bad_keys for i in here):
                    cell.setBackground(BAD)
                elif here:
                    cell.setBackground(QtGui.QColor("#" + LEVEL_COLORS[here[0]["level"]]))
                elif off or d.isoweekday() == 6:
                    cell.setBackground(grey)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
                if any(i.get("editable") for i in here):
                    flags |= Qt.ItemFlag.ItemIsDragEnabled
                cell.setFlags(flags)
                self.setItem(r, c, cell)
        self.resizeRowsToContents()

    def cell_of(self, class_label: str, iso: str) -> tuple[int, int] | None:
        try:
            return self.classes.index(class_label), [d.isoformat() for d in self.days].index(iso)
        except ValueError:
            return None

    def keys_at(self, row: int, col: int) -> list:
        cell = self.item(row, col)
        return list(cell.data(KEY_ROLE) or []) if cell else []

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        target = self.indexAt(event.position().toPoint())
        source = self.currentIndex()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()                        # the page redraws the grid; Qt must not move the cell itself
        if not target.isValid() or not source.isValid() or target == source:
            return
        keys = self.keys_at(source.row(), source.column())
        if keys:
            self.moved.emit(keys, self.classes[target.row()], self.days[target.column()].isoformat())


def _combo(values, current: str = "", editable: bool = True) -> QtWidgets.QComboBox:
    box = QtWidgets.QComboBox()
    box.setEditable(editable)
    box.addItems(list(values))
    if current:
        index = box.findText(current)
        box.setCurrentIndex(index) if index >= 0 else box.setEditText(current)
    return box


class _Dialog(QtWidgets.QDialog):
    """A form with «Сохранить» that stays open with the message of a UserError."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.lay = QtWidgets.QVBoxLayout(self)
        self.form = QtWidgets.QFormLayout()
        self.lay.addLayout(self.form)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")

    def finish(self) -> None:
        self.lay.addWidget(self.error)
        self.lay.addWidget(dialog_buttons(self))

    def save(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class ItemDialog(_Dialog):
    """One procedure: class, subject, date, lesson, duration, level, form. ``values`` after «Сохранить»."""

    def __init__(self, classes: list[str], subjects: list[str], item: dict | None = None, parent=None):
        super().__init__("Оценочная процедура" if item is None else "Изменить оценочную процедуру", parent)
        item = item or {}
        self.class_box = _combo(classes, item.get("class_label", ""))
        self.subject_box = _combo(subjects, item.get("subject", ""))
        self.date = QtWidgets.QDateEdit(qdate(item.get("date")))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd.MM.yyyy")
        self.lesson = QtWidgets.QSpinBox()
        self.lesson.setRange(0, 10)
        self.lesson.setSpecialValueText("не указан")
        self.lesson.setValue(item.get("lesson") or 0)
        self.duration = QtWidgets.QSpinBox()
        self.duration.setRange(1, 6)
        self.duration.setSuffix(" ур.")
        self.duration.setValue(item.get("duration") or 1)
        self.level = QtWidgets.QComboBox()
        for code, label in sch.LEVELS.items():
            self.level.addItem(label, code)
        self.level.setCurrentIndex(max(0, self.level.findData(item.get("level") or "school")))
        self.form_box = _combo(sch.FORMS, item.get("form") or "контрольная работа")
        for label, widget in (("Класс", self.class_box), ("Предмет", self.subject_box), ("Дата", self.date),
                              ("Урок", self.lesson), ("Длительность", self.duration), ("Уровень", self.level),
                              ("Форма", self.form_box)):
            self.form.addRow(label, widget)
        self.values: dict = {}
        self.finish()
        self.setMinimumWidth(420)

    def save(self) -> None:
        self.values = {"class_label": self.class_box.currentText().strip(),
                       "subject": self.subject_box.currentText().strip(),
                       "date": self.date.date().toString("yyyy-MM-dd"), "lesson": self.lesson.value() or None,
                       "duration": self.duration.value(), "level": self.level.currentData(),
                       "form": self.form_box.currentText().strip()}
        if not self.values["class_label"] or not self.values["subject"]:
            raise UserError("Укажите класс и предмет.")


class ApprovalDialog(_Dialog):
    """What the schedule covers and the order that approved it."""

    def __init__(self, db, year_id: int, parent=None):
        super().__init__("Утверждение графика", parent)
        self.db, self.year_id = db, year_id
        meta = sch.get_meta(db, year_id)
        self.title_edit = QtWidgets.QLineEdit(meta["title"])
        self.start, self.end = QtWidgets.QDateEdit(qdate(meta["period_start"])), QtWidgets.QDateEdit(qdate(meta["period_end"]))
        self.order_number = QtWidgets.QLineEdit(meta["order_number"])
        self.order_date = QtWidgets.QDateEdit(qdate(meta["order_date"]))
        for w in (self.start, self.end, self.order_date):
            w.setCalendarPopup(True)
            w.setDisplayFormat("dd.MM.yyyy")
        self.position = QtWidgets.QLineEdit(meta["approver_position"])
        self.position.setPlaceholderText("Директор (по умолчанию)")
        self.name = QtWidgets.QLineEdit(meta["approver_name"])
        self.url = QtWidgets.QLineEdit(meta["published_url"])
        self.approved = QtWidgets.QCheckBox("График утверждён приказом")
        self.approved.setChecked(bool(meta["approved"]))
        for label, widget in (("Название", self.title_edit), ("Период: с", self.start), ("по", self.end),
                              ("Приказ №", self.order_number), ("от", self.order_date),
                              ("Должность утверждающего", self.position), ("ФИО утверждающего", self.name),
                              ("Адрес на сайте школы", self.url), ("", self.approved)):
            self.form.addRow(label, widget)
        self.finish()
        self.setMinimumWidth(520)

    def save(self) -> None:
        sch.save_meta(self.db, self.year_id, title=self.title_edit.text().strip(),
                      period_start=self.start.date().toString("yyyy-MM-dd"),
                      period_end=self.end.date().toString("yyyy-MM-dd"), order_number=self.order_number.text().strip(),
                      order_date=self.order_date.date().toString("yyyy-MM-dd"),
                      approver_position=self.position.text().strip(), approver_name=self.name.text().strip(),
                      published_url=self.url.text().strip(), approved=int(self.approved.isChecked()))


class LoadDialog(_Dialog):
    """The teaching load: lessons a week per subject (a parallel or a class) and school weeks per grade."""

    HEAD = ("Параллель", "Класс (пусто — вся параллель)", "Предмет", "Часов в неделю")

    def __init__(self, db, year_id: int, parent=None):
        super().__init__("Учебный план: часы в неделю", parent)
        self.db, self.year_id = db, year_id
        self.table = QtWidgets.QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(self.HEAD)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(2, 220)
        rows = sch.curriculum(db, year_id)
        for r in rows:
            self._add_row(str(r["grade"]), r["class_label"], r["subject"], _hours_text(r["hours_per_week"]))
        self.lay.insertWidget(0, self.table, 1)
        add = QtWidgets.QPushButton("Добавить строку")
        add.clicked.connect(lambda: self._add_row("", "", "", ""))
        self.lay.insertWidget(1, add, 0, Qt.AlignmentFlag.AlignLeft)
        weeks = sch.school_weeks(db)
        self.weeks: dict[str, QtWidgets.QSpinBox] = {}
        grid = QtWidgets.QGridLayout()
        for i, grade in enumerate(map(str, range(1, 12))):
            box = QtWidgets.QSpinBox()
            box.setRange(20, 40)
            box.setValue(weeks[grade])
            self.weeks[grade] = box
            grid.addWidget(QtWidgets.QLabel(f"{grade} кл."), i // 6, (i % 6) * 2)
            grid.addWidget(box, i // 6, (i % 6) * 2 + 1)
        self.form.addRow(QtWidgets.QLabel("Учебных недель в году:"))
        self.form.addRow(grid)
        note = QtWidgets.QLabel("Пустое число часов удаляет строку. Учебный план можно загрузить из файла: "
                                "Файл → Импорт (таблица «Класс / Параллель — Предмет — Часов в неделю»).")
        note.setWordWrap(True)
        note.setObjectName("pageSubtitle")
        self.lay.insertWidget(2, note)
        self.finish()
        self.resize(640, 520)

    def _add_row(self, *values: str) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, v in enumerate(values):
            self.table.setItem(r, c, QtWidgets.QTableWidgetItem(v))

    def save(self) -> None:
        table = [[(self.table.item(r, c).text() if self.table.item(r, c) else "") for c in range(4)]
                 for r in range(self.table.rowCount())]
        sch.save_curriculum_table(self.db, self.year_id, table, {g: b.value() for g, b in self.weeks.items()})


def _hours_text(h: float) -> str:
    return (f"{h:.1f}".rstrip("0").rstrip(".")).replace(".", ",")


class CalendarDialog(_Dialog):
    """Vacations and holidays of the year: no procedure is put on them."""

    def __init__(self, db, year_id: int, parent=None):
        super().__init__("Каникулы и праздничные дни", parent)
        self.db, self.year_id = db, year_id
        self.list = QtWidgets.QListWidget()
        self.lay.insertWidget(0, self.list, 1)
        self.start, self.end = QtWidgets.QDateEdit(QtCore.QDate.currentDate()), QtWidgets.QDateEdit(QtCore.QDate.currentDate())
        for w in (self.start, self.end):
            w.setCalendarPopup(True)
            w.setDisplayFormat("dd.MM.yyyy")
        self.title_edit = QtWidgets.QLineEdit()
        self.title_edit.setPlaceholderText("например: осенние каникулы")
        self.grades = QtWidgets.QLineEdit()
        self.grades.setPlaceholderText("пусто — все классы; например 1")
        row = QtWidgets.QHBoxLayout()
        for w in (QtWidgets.QLabel("с"), self.start, QtWidgets.QLabel("по"), self.end, self.title_edit,
                  QtWidgets.QLabel("классы"), self.grades):
            row.addWidget(w)
        add, remove = QtWidgets.QPushButton("Добавить"), QtWidgets.QPushButton("Удалить выбранное")
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)
        row.addWidget(add)
        self.lay.insertLayout(1, row)
        self.lay.insertWidget(2, remove, 0, Qt.AlignmentFlag.AlignLeft)
        self.finish()
        self.reload()
        self.resize(760, 420)

    def reload(self) -> None:
        self.list.clear()
        for c in sch.school_calendar(self.db, self.year_id):
            text = f"{sch.ru_date(c['start_date'])} – {sch.ru_date(c['end_date'])}: {c['title'] or 'каникулы'}"
            if c["grades"]:
                text += f" (классы: {c['grades']})"
            item = QtWidgets.QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, c["id"])
            self.list.addItem(item)

    def add(self) -> None:
        try:
            sch.add_off_days(self.db, self.year_id, start=self.start.date().toString("yyyy-MM-dd"),
                             end=self.end.date().toString("yyyy-MM-dd"), title=self.title_edit.text().strip(),
                             grades=self.grades.text().replace(" ", ""))
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.reload()

    def remove(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            sch.delete_off_days(self.db, item.data(Qt.ItemDataRole.UserRole))
            self.reload()

    def save(self) -> None:
        """Every change is written as it is made."""
