"""«Отметки»: the journal grid — students of a class × periods for one subject, editable and undoable."""
from __future__ import annotations

from app.core import marks as core
from app.core import roster
from app.core.errors import UserError
from app.core import edits
from app.ui import undo
from app.ui.common import LazyRefresh, combo_value, fill_combo
from app.ui.qt import QtCore, QtGui, QtWidgets, Signal
from app.ui.style import page_header
from app.ui.widgets.page import Page
from app.ui.widgets.tables import MARK_COLOURS

Qt = QtCore.Qt
_FIXED = ["Код", "Учащийся"]


class JournalModel(QtCore.QAbstractTableModel):
    """Rows: students then two summary rows; columns: code, name, one per period."""

    error = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.subject_id = None
        self.students: list[dict] = []
        self.periods: list[dict] = []
        self.marks: dict = {}
        self.busy = False          # True while this model writes (its own notices need no reload)

    def load(self, grid: dict | None, subject_id: int | None) -> None:
        self.beginResetModel()
        self.subject_id = subject_id
        self.students = grid["students"] if grid else []
        self.periods = grid["periods"] if grid else []
        self.marks = dict(grid["marks"]) if grid else {}
        self.endResetModel()

    # -- shape --------------------------------------------------------------------------------
    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else (len(self.students) + 2 if self.students else 0)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(_FIXED) + len(self.periods)

    def is_summary(self, row: int) -> bool:
        return row >= len(self.students)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return "" if self.is_summary(section) else str(section + 1)
        if section < len(_FIXED):
            return _FIXED[section]
        return self.periods[section - len(_FIXED)]["label"]

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= len(_FIXED) and not self.is_summary(index.row()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    # -- data ---------------------------------------------------------------------------------
    def _column_marks(self, col: int) -> list:
        pid = self.periods[col - len(_FIXED)]["id"]
        return [self.marks.get((s["id"], pid)) for s in self.students]

    def _summary(self, row: int, col: int):
        k = row - len(self.students)
        if col == 1:
            return "Средний балл" if k == 0 else "Качество знаний, %"
        if col < len(_FIXED):
            return None
        stats = core.mark_stats(self._column_marks(col))
        if stats["n"] == 0:
            return "—"
        return f"{stats['mean']:.2f}".replace(".", ",") if k == 0 else f"{stats['quality']:.0f}"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if self.is_summary(row):
            return self._summary_role(row, col, role)
        student = self.students[row]
        if col < len(_FIXED):
            if role == Qt.ItemDataRole.DisplayRole:
                return student["code"] if col == 0 else (student["full_name"] or "—")
            if role == Qt.ItemDataRole.ForegroundRole and col == 0:
                return QtGui.QColor("#5a6470")
            return None
        mark = self.marks.get((student["id"], self.periods[col - len(_FIXED)]["id"]))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if mark is None else str(mark)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and mark is not None:
            return QtGui.QColor(MARK_COLOURS[mark])
        return None

    def _summary_role(self, row, col, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return self._summary(row, col)
        if role == Qt.ItemDataRole.FontRole:
            font = QtGui.QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QtGui.QColor("#eef2f6")
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= len(_FIXED):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        student = self.students[index.row()]
        period = self.periods[index.column() - len(_FIXED)]
        self.busy = True
        try:
            new = undo.push(self.ctx, edits.set_mark(student["id"], self.subject_id, period["id"], value))
        except UserError as exc:
            self.error.emit(str(exc))
            return False
        finally:
            self.busy = False
        self.set_cached(student["id"], period["id"], new)
        return True

    def set_cached(self, student_id: int, period_id: int, mark) -> None:
        if mark is None:
            self.marks.pop((student_id, period_id), None)
        else:
            self.marks[(student_id, period_id)] = mark
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def cell(self, index) -> tuple[int, int] | None:
        if not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return None
        return self.students[index.row()]["id"], self.periods[index.column() - len(_FIXED)]["id"]


class MarkDelegate(QtWidgets.QStyledItemDelegate):
    """A one-character editor; the model refuses anything but 2–5 and says why."""

    def createEditor(self, parent, option, index):
        editor = QtWidgets.QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.setMaxLength(3)
        return editor


class MarksPage(LazyRefresh, Page):
    title = "Отметки"
    MESSAGE_MS = 8000          # a refusal stays this long under the grid
    TOPICS = {"marks", "roster"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._build()
        self.init_lazy(ctx, show_now=True)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(page_header(self.title, "Отметки по журналу за четверти (триместры, полугодия) и за год. "
                                  "Введите отметку от 2 до 5; Delete очищает клетку; Ctrl+Z отменяет."))
        from app.ui.widgets.empty_state import EmptyState

        self.empty = EmptyState(self.ctx, "marks")
        self.empty.hide()
        lay.addWidget(self.empty)
        bar = QtWidgets.QHBoxLayout()
        self.year_box, self.class_box = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        self.subject_box, self.kind_box = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        # long subject names must not push the bar past a 1024-pixel screen: the list shows them in full
        self.subject_box.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.subject_box.setMinimumContentsLength(16)
        self.subject_box.view().setMinimumWidth(320)
        self.class_box.setMinimumWidth(80)
        for label, box in (("Учебный год", self.year_box), ("Класс", self.class_box),
                           ("Предмет", self.subject_box), ("Периоды", self.kind_box)):
            bar.addWidget(QtWidgets.QLabel(label))
            bar.addWidget(box)
            bar.addSpacing(8)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.summary = QtWidgets.QLabel()                  # under the grid: the bar above is full
        self.summary.setObjectName("pageSubtitle")
        self.model = JournalModel(self.ctx, self)
        self.model.error.connect(self._show_error)
        self.model.dataChanged.connect(lambda *_: self._update_summary())
        self.view = QtWidgets.QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(MarkDelegate(self.view))
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QtWidgets.QAbstractItemView.EditTrigger.DoubleClicked
                                  | QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.summary)
        self.message = QtWidgets.QLabel()
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.year_box.currentIndexChanged.connect(self._year_changed)
        self.class_box.currentIndexChanged.connect(self._class_changed)
        self.subject_box.currentIndexChanged.connect(self._load_grid)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)

    # -- refresh ------------------------------------------------------------------------------
    _kind_chosen = False      # the user picked a division of the year by hand

    def _reset_for_new_db(self) -> None:
        self._kind_chosen = False
        for box in (self.year_box, self.class_box, self.subject_box, self.kind_box):
            fill_combo(box, [])

    def _is_busy(self) -> bool:
        return self.model.busy

    def refresh(self) -> None:
        self._dirty = False
        db = self.ctx.db
        if db is None:
            self.model.load(None, None)
            return
        from app.core.overview import has_data

        self.empty.setVisible(not has_data(db, "marks"))
        keep = combo_value(self.year_box) or roster.current_year_id(db)
        fill_combo(self.year_box, [(y["label"], y["id"]) for y in reversed(roster.list_years(db))], keep)
        self._year_changed()

    def _year_changed(self) -> None:
        db, year_id = self.ctx.db, combo_value(self.year_box)
        if db is None:
            return
        classes = roster.list_classes(db, year_id) if year_id else []
        keep = combo_value(self.class_box)
        if keep not in [c["id"] for c in classes] and year_id:
            keep = core.first_class_with_marks(db, year_id)
        fill_combo(self.class_box, [(c["label"], c["id"]) for c in classes], keep)
        kinds = core.period_kinds(db, year_id) if year_id else []
        main = [k for k in kinds if k != "year"] or kinds
        fill_combo(self.kind_box, [(core.period_kind_label(k), k) for k in main], combo_value(self.kind_box))
        self._class_changed(keep_kind=True)

    def _class_changed(self, *_, keep_kind: bool = False) -> None:
        db = self.ctx.db
        if db is None:
            return
        class_id = combo_value(self.class_box)
        usual = core.usual_period_kind(db, class_id) if class_id else None
        if usual and not (keep_kind and self._kind_chosen) and self.kind_box.findData(usual) >= 0:
            self.kind_box.blockSignals(True)
            self.kind_box.setCurrentIndex(self.kind_box.findData(usual))
            self.kind_box.blockSignals(False)
        subjects = core.subjects(db, class_id=class_id)
        items = [(s["name"] if s["marks"] else f"{s['name']} (нет отметок)", s["id"]) for s in subjects]
        fill_combo(self.subject_box, items, combo_value(self.subject_box))
        self._load_grid()

    def _kind_changed(self) -> None:
        self._kind_chosen = True
        self._load_grid()

    def _load_grid(self) -> None:
        db = self.ctx.db
        class_id, subject_id, kind = (combo_value(b) for b in (self.class_box, self.subject_box, self.kind_box))
        if db is None or None in (class_id, subject_id, kind):
            self.model.load(None, None)
            self.summary.setText("Выберите класс и предмет." if db is not None else "")
            return
        current, scroll = self.view.currentIndex(), self.view.verticalScrollBar().value()
        self.model.load(core.journal_grid(db, class_id, subject_id, kind), subject_id)
        self._fit_columns()
        if current.isValid():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.view.verticalScrollBar().setValue(scroll)
        self._update_summary()

    def _fit_columns(self) -> None:
        """Code and name fixed, the period columns share the rest of the width (no grey void)."""
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(0, 70)
        self.view.resizeColumnToContents(1)             # names in full, the rest for the periods
        self._name_width = min(max(self.view.columnWidth(1) + 16, 200), 320)
        for col in range(len(_FIXED), self.model.columnCount()):
            header.setSectionResizeMode(col, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self._fit_name()

    def _fit_name(self) -> None:
        """On a narrow screen the name column gives way until the period headers can be read."""
        periods = range(len(_FIXED), self.model.columnCount())
        font = QtGui.QFont(self.view.horizontalHeader().font())
        font.setBold(True)
        metrics = QtGui.QFontMetrics(font)
        # the period columns stretch to equal widths, so each needs room for the widest header
        need = max((metrics.horizontalAdvance(str(self.model.headerData(c, Qt.Orientation.Horizontal))) + 14
                    for c in periods), default=0)
        room = self.view.viewport().width() - self.view.columnWidth(0) - need * len(periods)
        self.view.setColumnWidth(1, max(160, min(getattr(self, "_name_width", 200), room)))

    def _update_summary(self) -> None:
        n = len(self.model.students)
        total = len(self.model.marks)
        self.summary.setText(f"Учащихся: {n} · отметок: {total}")

    # -- editing ------------------------------------------------------------------------------
    def _show_error(self, text: str) -> None:
        self.message.setText(text)
        window = self.window()
        if isinstance(window, QtWidgets.QMainWindow):
            window.statusBar().showMessage(text, 8000)
        # the label is the timer's context: a page closed within 8 s cancels it
        QtCore.QTimer.singleShot(self.MESSAGE_MS, self.message,
                                 lambda: self.message.setText("") if self.message.text() == text else None)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.view.viewport() and event.type() == QtCore.QEvent.Type.Resize:
            self._fit_name()
        if obj is self.view and event.type() == QtCore.QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.view.state() != \
                    QtWidgets.QAbstractItemView.State.EditingState:
                self.clear_selected()
                return True
            if event.matches(QtGui.QKeySequence.StandardKey.Paste):
                self.paste(QtWidgets.QApplication.clipboard().text())
                return True
        return super().eventFilter(obj, event)

    def _write_many(self, cells: list[tuple[int, int, object]], text: str) -> None:
        if not cells:
            return
        for *_, value in cells:
            try:
                core.parse_mark(value)
            except UserError as exc:
                self._show_error(str(exc))
                return
        self.ctx.undo_stack.beginMacro(text)
        self.model.busy = True
        try:
            for student_id, period_id, value in cells:
                new = undo.push(self.ctx, edits.set_mark(student_id, self.model.subject_id, period_id, value))
                self.model.set_cached(student_id, period_id, new)
        finally:
            self.model.busy = False
            self.ctx.undo_stack.endMacro()
        self._update_summary()

    def clear_selected(self) -> None:
        cells = [c for c in (self.model.cell(i) for i in self.view.selectedIndexes()) if c]
        self._write_many([(s, p, None) for s, p in cells], "удаление отметок")

    def paste(self, text: str) -> None:
        """Paste a block of marks copied from a spreadsheet, starting at the current cell."""
        start = self.view.currentIndex()
        if not start.isValid():
            return
        cells = []
        for r, line in enumerate(text.rstrip("\n").split("\n")):
            for c, value in enumerate(line.rstrip("\r").split("\t")):
                cell = self.model.cell(self.model.index(start.row() + r, start.column() + c))
                if cell:
                    cells.append((*cell, value))
        self._write_many(cells, "вставка отметок")
