"""«Контингент»: academic years, classes, students and staff; every edit can be undone."""
from __future__ import annotations

from typing import Callable

from app.core import edits
from app.core import roster as core
from app.core.errors import UserError
from app.ui import undo
from app.ui.common import LazyRefresh, combo_value, fill_combo
from app.ui.common import style_table as _style_table
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.style import page_header
from app.ui.widgets.forms import FormDialog
from app.ui.widgets.forms import ask as _ask
from app.ui.widgets.forms import button as _button
from app.ui.widgets.page import Page

Qt = QtCore.Qt
REFUSED = object()
MEDAL_LABELS = {None: "", 1: "I степени", 2: "II степени"}
SEX_SHORT = {"м": "м", "ж": "ж", None: ""}


class StudentsModel(QtCore.QAbstractTableModel):
    HEADERS = ["Код", "ФИО", "Пол", "Класс", "Кандидат на медаль"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []

    def load(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if orientation == Qt.Orientation.Horizontal else str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [row["code"], row["full_name"] or "— (ФИО не указано)", SEX_SHORT.get(row["sex"], ""),
                    row["class_label"], MEDAL_LABELS.get(row["medal_degree"], "")][col]
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2, 3):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (col == 0 or not row["full_name"]):
            return QtGui.QColor("#5a6470")
        return None


class RosterPage(LazyRefresh, Page):
    title = "Контингент"
    TOPICS = {"roster"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._build()
        self.init_lazy(ctx, show_now=True)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(page_header(self.title, "Учебные годы, классы, учащиеся и сотрудники школы. "
                                  "Код учащегося постоянный и повторно не выдаётся."))
        from app.ui.widgets.empty_state import EmptyState

        self.empty = EmptyState(self.ctx, "roster")
        self.empty.hide()
        lay.addWidget(self.empty)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel("Учебный год"))
        self.year_box = QtWidgets.QComboBox()
        self.year_box.setMinimumWidth(110)
        bar.addWidget(self.year_box)
        for text, slot in (("Новый учебный год…", self.new_year), ("Перевести в следующий год…", self.promote)):
            bar.addWidget(_button(text, slot))
        bar.addStretch(1)
        lay.addLayout(bar)
        # the count sits under the class list: the bar of buttons must fit a 1024-pixel screen
        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("pageSubtitle")
        self.summary.setWordWrap(True)
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self._students_tab(), "Учащиеся")
        self.tabs.addTab(self._staff_tab(), "Сотрудники")
        lay.addWidget(self.tabs, 1)
        self.year_box.currentIndexChanged.connect(self._load_year)

    def _students_tab(self) -> QtWidgets.QWidget:
        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        left = QtWidgets.QWidget()
        ll = QtWidgets.QVBoxLayout(left)
        ll.setContentsMargins(0, 6, 6, 0)
        ll.addWidget(QtWidgets.QLabel("<b>Классы</b>"))
        self.class_list = QtWidgets.QListWidget()
        self.class_list.setAlternatingRowColors(True)
        self.class_list.setStyleSheet("QListWidget::item { padding: 3px 6px; }")
        ll.addWidget(self.class_list, 1)
        ll.addWidget(self.summary)
        menu = QtWidgets.QMenu(self)
        for text, slot in (("Добавить класс…", self.add_class), ("Изменить класс…", self.edit_class),
                           ("Удалить класс", self.delete_class)):
            menu.addAction(text, slot)
        classes_button = QtWidgets.QPushButton("Правка классов")
        classes_button.setMenu(menu)
        ll.addWidget(classes_button)
        self.class_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.class_list.customContextMenuRequested.connect(
            lambda pos: menu.exec(self.class_list.viewport().mapToGlobal(pos)))
        right = QtWidgets.QWidget()
        rl = QtWidgets.QVBoxLayout(right)
        rl.setContentsMargins(6, 6, 0, 0)
        tools = QtWidgets.QHBoxLayout()
        self.search = QtWidgets.QLineEdit(placeholderText="Поиск по ФИО или коду")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        tools.addWidget(self.search, 1)
        add = _button("Добавить учащегося…", self.add_student)
        add.setProperty("primary", True)
        tools.addWidget(add)
        for text, slot, tip in (("Изменить…", self.edit_student, "Изменить сведения об учащемся"),
                                ("Перевести…", self.move_students, "Перевести выбранных учащихся в другой класс"),
                                ("Удалить", self.delete_students, "Удалить выбранных учащихся")):
            button = _button(text, slot)
            button.setToolTip(tip)
            tools.addWidget(button)
        rl.addLayout(tools)
        self.students = StudentsModel(self)
        self.proxy = QtCore.QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.students)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = _table(self.proxy)
        self.table.doubleClicked.connect(lambda _: self.edit_student())
        rl.addWidget(self.table, 1)
        split.addWidget(left)
        split.addWidget(right)
        left.setMinimumWidth(150)
        left.setMaximumWidth(300)
        split.setSizes([190, 870])
        split.setStretchFactor(1, 1)
        self.class_list.currentRowChanged.connect(lambda _: self._load_students())
        return split

    def _staff_tab(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(0, 6, 0, 0)
        tools = QtWidgets.QHBoxLayout()
        note = QtWidgets.QLabel("Сотрудники указываются ответственными за мероприятия плана.")
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)                                      # shares the row with three buttons
        tools.addWidget(note, 1)
        add = _button("Добавить сотрудника…", self.add_staff)
        add.setProperty("primary", True)
        tools.addWidget(add)
        tools.addWidget(_button("Изменить…", self.edit_staff))
        tools.addWidget(_button("Удалить", self.delete_staff))
        lay.addLayout(tools)
        self.staff_table = QtWidgets.QTableWidget(0, 2)
        self.staff_table.setHorizontalHeaderLabels(["ФИО", "Должность"])
        _style_table(self.staff_table)
        self.staff_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.staff_table.doubleClicked.connect(lambda _: self.edit_staff())
        lay.addWidget(self.staff_table, 1)
        return box

    # -- loading ------------------------------------------------------------------------------
    def _reset_for_new_db(self) -> None:
        fill_combo(self.year_box, [])

    def refresh(self) -> None:
        self._dirty = False
        db = self.ctx.db
        if db is None:
            self.students.load([])
            return
        from app.core.overview import has_data

        self.empty.setVisible(not has_data(db, "students"))
        keep = combo_value(self.year_box) or core.current_year_id(db)
        fill_combo(self.year_box, [(y["label"], y["id"]) for y in reversed(core.list_years(db))], keep)
        self._load_year()
        self._load_staff()

    def year_id(self) -> int | None:
        return combo_value(self.year_box)

    def _load_year(self) -> None:
        db, year_id = self.ctx.db, self.year_id()
        keep = self.current_class_id()
        self.class_list.blockSignals(True)
        self.class_list.clear()
        classes = core.list_classes(db, year_id) if (db is not None and year_id) else []
        total = sum(c["students"] for c in classes)
        all_item = QtWidgets.QListWidgetItem(f"Все классы — {total}")
        all_item.setData(Qt.ItemDataRole.UserRole, None)
        self.class_list.addItem(all_item)
        chosen = 0
        for i, c in enumerate(classes, 1):
            item = QtWidgets.QListWidgetItem(f"{c['label']} — {c['students']}")
            item.setData(Qt.ItemDataRole.UserRole, c["id"])
            self.class_list.addItem(item)
            chosen = i if c["id"] == keep else chosen
        self.class_list.setCurrentRow(chosen)
        self.class_list.blockSignals(False)
        summary = f"Классов: {len(classes)} · учащихся: {total}" if year_id else "Нет учебных годов"
        code_only = core.count_code_only(db, year_id) if (db is not None and year_id) else 0
        if code_only:
            summary += f" · только код, без ФИО: {code_only}"
        self.summary.setText(summary)
        self.summary.setToolTip("Записи, известные только по коду участника (из форм ВПР). Загрузите список "
                                "«код участника — ФИО — класс»: записи свяжутся с учащимися из журнала."
                                if code_only else "")
        self._load_students()

    def current_class_id(self) -> int | None:
        item = self.class_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _load_students(self) -> None:
        db, year_id, class_id = self.ctx.db, self.year_id(), self.current_class_id()
        if db is None or year_id is None:
            self.students.load([])
            return
        scroll = self.table.verticalScrollBar().value()
        self.students.load(core.list_students(db, class_id=class_id) if class_id
                           else core.list_students(db, year_id=year_id))
        self.table.verticalScrollBar().setValue(scroll)

    def _load_staff(self) -> None:
        staff = core.list_staff(self.ctx.db)
        self.staff_table.setRowCount(len(staff))
        for r, person in enumerate(staff):
            for c, key in enumerate(("full_name", "position")):
                item = QtWidgets.QTableWidgetItem(person[key])
                item.setData(Qt.ItemDataRole.UserRole, person["id"])
                self.staff_table.setItem(r, c, item)
        self.staff_table.resizeColumnToContents(0)                  # full names in full
        self.staff_table.setColumnWidth(0, min(max(self.staff_table.columnWidth(0) + 24, 320), 480))

    # -- years and classes --------------------------------------------------------------------
    def new_year(self) -> None:
        if self.ctx.db is None:
            return
        years = core.list_years(self.ctx.db)
        start = int(years[-1]["label"][:4]) + 1 if years else QtCore.QDate.currentDate().year()
        label = QtWidgets.QLineEdit(f"{start}/{start + 1}")
        kind = QtWidgets.QComboBox()
        for text, value in (("четверти", "quarter"), ("триместры", "trimester"), ("полугодия", "half")):
            kind.addItem(text, value)
        dlg = FormDialog("Новый учебный год", [("Учебный год", label), ("Деление года", kind)],
                         lambda: undo.push(self.ctx, edits.create_year(label.text(), kind.currentData())), self,
                         note="Классы нового года можно создать вручную или переводом всех классов "
                              "прошлого года кнопкой «Перевести в следующий год».")
        if dlg.exec():
            self._select_year(dlg.result_value)

    def _select_year(self, year_id: int) -> None:
        self.refresh()
        index = self.year_box.findData(year_id)
        if index >= 0:
            self.year_box.setCurrentIndex(index)

    def promote(self) -> None:
        db, year_id = self.ctx.db, self.year_id()
        if db is None or year_id is None:
            return
        label = self.year_box.currentText()
        classes = core.list_classes(db, year_id)
        leaving = sum(c["students"] for c in classes if c["grade"] >= 11)
        start = int(label[:4])
        target = f"{start + 1}/{start + 2}"
        exists = any(y["label"] == target for y in core.list_years(db))
        text = (("" if exists else f"Будет создан учебный год {target}. ")
                + f"Все классы {label} учебного года перейдут в следующую параллель {target} учебного года "
                f"вместе с учащимися (5А → 6А и т. д.); выпускники 11 классов ({leaving} чел.) "
                "не переводятся. Первые классы нового года добавьте вручную.\n\nПеревести?")
        if not _ask(self, text):
            return
        summary = self._try(lambda: undo.push(self.ctx, edits.promote_year(year_id)))
        if summary is not REFUSED:
            self._select_year(summary["year_id"])
            _status(self, f"Создан учебный год {summary['label']}: классов {summary['classes']}, "
                          f"переведено учащихся {summary['students']}, выпускников {summary['left']}.")

    def _try(self, fn: Callable[[], object]):
        """Run an edit; show a UserError in a message box and return REFUSED."""
        try:
            return fn()
        except UserError as exc:
            QtWidgets.QMessageBox.warning(self, "Объектив", str(exc))
            return REFUSED

    def _class_form(self, title: str, grade: int, letter: str, action: Callable[[int, str], object]):
        spin = QtWidgets.QSpinBox(minimum=1, maximum=11, value=grade)
        edit = QtWidgets.QLineEdit(letter)
        edit.setMaxLength(2)
        dlg = FormDialog(title, [("Параллель", spin), ("Литера", edit)],
                         lambda: action(spin.value(), edit.text()), self)
        return dlg.exec()

    def add_class(self) -> None:
        year_id = self.year_id()
        if year_id is None:
            QtWidgets.QMessageBox.information(self, "Объектив", "Сначала создайте учебный год.")
            return
        self._class_form("Новый класс", 5, "А", lambda g, letter: undo.push(self.ctx, edits.class_change(
            "создание класса", None, lambda db: core.create_class(db, year_id, g, letter))))

    def edit_class(self) -> None:
        class_id = self.current_class_id()
        if class_id is None:
            return
        row = next(c for c in core.list_classes(self.ctx.db, self.year_id()) if c["id"] == class_id)
        self._class_form(f"Класс {row['label']}", row["grade"], row["letter"], lambda g, letter: undo.push(
            self.ctx, edits.class_change("изменение класса", class_id,
                                         lambda db: core.rename_class(db, class_id, g, letter))))

    def delete_class(self) -> None:
        class_id = self.current_class_id()
        if class_id is not None and _ask(self, f"Удалить класс {self.class_list.currentItem().text()}?"):
            self._try(lambda: undo.push(self.ctx, edits.class_change("удаление класса", class_id,
                                                lambda db: core.delete_class(db, class_id))))

    # -- students -----------------------------------------------------------------------------
    def selected_student_ids(self) -> list[int]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.students.rows[r]["id"] for r in rows]

    def _student_form(self, title: str, student: dict | None) -> None:
        db, year_id = self.ctx.db, self.year_id()
        classes = core.list_classes(db, year_id)
        if not classes:
            QtWidgets.QMessageBox.information(self, "Объектив", "В этом учебном году ещё нет классов.")
            return
        name = QtWidgets.QLineEdit(student["full_name"] or "" if student else "")
        name.setPlaceholderText("Фамилия Имя Отчество (необязательно)")
        sex = QtWidgets.QComboBox()
        for text, value in (("не указан", None), ("мужской", "м"), ("женский", "ж")):
            sex.addItem(text, value)
        cls = QtWidgets.QComboBox()
        for c in classes:
            cls.addItem(c["label"], c["id"])
        medal = QtWidgets.QComboBox()
        for value, text in ((None, "нет"), (1, "I степени"), (2, "II степени")):
            medal.addItem(text, value)
        code = QtWidgets.QLabel(student["code"] if student else f"{core.next_student_code(db)} (будет присвоен)")
        current = student["class_id"] if student else (self.current_class_id() or classes[0]["id"])
        cls.setCurrentIndex(max(cls.findData(current), 0))
        if student:
            sex.setCurrentIndex(max(sex.findData(student["sex"]), 0))
            medal.setCurrentIndex(max(medal.findData(student["medal_degree"]), 0))
        rows = [("Код", code), ("ФИО", name), ("Пол", sex), ("Класс", cls), ("Кандидат на медаль", medal)]
        if student is None:
            def save():
                return undo.push(self.ctx, edits.student_change(
                    "добавление учащегося", None, lambda db: core.create_student(
                        db, class_id=cls.currentData(), full_name=name.text(), sex=sex.currentData(),
                        medal_degree=medal.currentData())))
        else:
            def save():
                return undo.push(self.ctx, edits.edit_student(
                    student["id"], year_id, full_name=name.text(), sex=sex.currentData(), class_id=cls.currentData(),
                    medal_degree=medal.currentData(), old_class_id=student["class_id"]))
        FormDialog(title, rows, save, self, note="ФИО хранится только в базе школы и никогда не попадает "
                   "в пакет для муниципалитета.").exec()

    def add_student(self) -> None:
        if self.year_id() is not None:
            self._student_form("Новый учащийся", None)

    def edit_student(self) -> None:
        ids = self.selected_student_ids()
        if ids:
            student = next(r for r in self.students.rows if r["id"] == ids[0])
            self._student_form(f"Учащийся {student['code']}", student)

    def move_students(self) -> None:
        ids = self.selected_student_ids()
        classes = core.list_classes(self.ctx.db, self.year_id()) if self.year_id() else []
        if not ids or not classes:
            return
        labels = [c["label"] for c in classes]
        label, ok = QtWidgets.QInputDialog.getItem(self, "Перевод в другой класс",
                                                   f"Выбрано учащихся: {len(ids)}. Перевести в класс:",
                                                   labels, 0, False)
        if ok:
            target = classes[labels.index(label)]["id"]
            self._macro(f"перевод учащихся в {label}", ids, lambda sid: undo.push(self.ctx, edits.student_change(
                "перевод учащегося", sid, lambda db: core.move_student(db, sid, target))))

    def delete_students(self) -> None:
        ids = self.selected_student_ids()
        if ids and _ask(self, f"Удалить учащихся: {len(ids)}? Вместе с ними будут удалены их отметки и "
                        "результаты процедур. Их коды больше не будут выдаваться (удаление можно отменить: "
                        "Правка → Отменить)."):
            self._macro("удаление учащихся", ids, lambda sid: undo.push(self.ctx, edits.student_change(
                "удаление учащегося", sid, lambda db: core.delete_student(db, sid))))

    def _macro(self, text: str, ids: list[int], fn: Callable[[int], object]) -> None:
        self.ctx.undo_stack.beginMacro(text)
        try:
            for sid in ids:
                if self._try(lambda: fn(sid)) is REFUSED:
                    break
        finally:
            self.ctx.undo_stack.endMacro()

    # -- staff --------------------------------------------------------------------------------
    def _staff_id(self) -> int | None:
        item = self.staff_table.item(self.staff_table.currentRow(), 0) if self.staff_table.currentRow() >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _staff_form(self, title: str, staff_id: int | None, name: str = "", position: str = "") -> None:
        name_edit, pos_edit = QtWidgets.QLineEdit(name), QtWidgets.QLineEdit(position)
        pos_edit.setPlaceholderText("например, учитель математики")
        if staff_id is None:
            def save():
                return undo.push(self.ctx, edits.staff_change("добавление сотрудника", None,
                                         lambda db: core.create_staff(db, name_edit.text(), pos_edit.text())))
        else:
            def save():
                return undo.push(self.ctx, edits.staff_change("изменение сотрудника", staff_id,
                                         lambda db: core.update_staff(db, staff_id, name_edit.text(), pos_edit.text())))
        FormDialog(title, [("ФИО", name_edit), ("Должность", pos_edit)], save, self).exec()

    def add_staff(self) -> None:
        if self.ctx.db is not None:
            self._staff_form("Новый сотрудник", None)

    def edit_staff(self) -> None:
        staff_id = self._staff_id()
        if staff_id is not None:
            row = self.staff_table.currentRow()
            self._staff_form("Сотрудник", staff_id, self.staff_table.item(row, 0).text(),
                             self.staff_table.item(row, 1).text())

    def delete_staff(self) -> None:
        staff_id = self._staff_id()
        if staff_id is not None and _ask(self, "Удалить сотрудника из списка?"):
            undo.push(self.ctx, edits.staff_change("удаление сотрудника", staff_id,
                                                   lambda db: core.delete_staff(db, staff_id)))


def _status(widget: QtWidgets.QWidget, text: str) -> None:
    """A message in the main window's status bar (if the page sits in one)."""
    window = widget.window()
    if isinstance(window, QtWidgets.QMainWindow):
        window.statusBar().showMessage(text, 10000)


def _table(model) -> QtWidgets.QTableView:
    view = QtWidgets.QTableView()
    view.setModel(model)
    _style_table(view)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    for col, width in enumerate((80, 330, 60, 80)):
        view.setColumnWidth(col, width)
    return view



