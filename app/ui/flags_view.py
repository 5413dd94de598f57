"""A sortable table of flags (признаки необъективности), shared by «Анализ» and «Обзор».

Double-click (or Enter) on a flag asks the window to open its chart: ``ctx.navigate('analysis', flag)``.
"""
from __future__ import annotations

from app.core.analysis.indicator_defs import count_flags, flags_sentence
from app.core.domain import FLAG_LEVEL_LABELS

from .qt import QtCore, QtGui, QtWidgets, Signal

Qt = QtCore.Qt
LEVEL_COLORS = {"risk": "#b3261e", "attention": "#a15c00"}
LEVEL_FILL = {"risk": "#fbe4e2", "attention": "#fdf0d8"}
_LEVEL_RANK = {"risk": 0, "attention": 1}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG_ROLE = Qt.ItemDataRole.UserRole + 2


class FlagsModel(QtCore.QAbstractTableModel):
    HEADERS = ["Уровень", "Признак", "Год", "Процедура", "Предмет", "Класс", "Причина"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[dict] = []

    def set_flags(self, flags: list[dict]) -> None:
        self.beginResetModel()
        self.items = list(flags)
        self.endResetModel()

    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _text(self, f: dict, col: int) -> str:
        return [FLAG_LEVEL_LABELS.get(f["level"], f["level"]), f.get("title") or f["code"], f.get("year") or "",
                f.get("procedure") or "", f.get("subject") or "", f.get("class") or "—", f.get("reason") or ""][col]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        f, col = self.items[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(f, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f.get("reason")
        if role == SORT_ROLE:
            if col == 0:
                return (_LEVEL_RANK.get(f["level"], 9), index.row())
            return self._text(f, col).lower()
        if role == FLAG_ROLE:
            return f
        if col == 0 and role == Qt.ItemDataRole.ForegroundRole:
            return QtGui.QBrush(QtGui.QColor(LEVEL_COLORS.get(f["level"], "#202830")))
        if col == 0 and role == Qt.ItemDataRole.BackgroundRole:
            return QtGui.QBrush(QtGui.QColor(LEVEL_FILL.get(f["level"], "white")))
        if col == 0 and role == Qt.ItemDataRole.FontRole:
            font = QtGui.QFont()
            font.setBold(True)
            return font
        return None


class _SortProxy(QtCore.QSortFilterProxyModel):
    def lessThan(self, left, right) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)


class FlagsView(QtWidgets.QWidget):
    """The flags as a table sorted by level; a caption says how many there are."""

    flag_activated = Signal(object)

    # Column widths; in the compact form (a half-width panel such as «Обзор») the year, procedure, subject
    # and class are left out — the reason names them all — so «Причина» keeps most of the width.
    WIDTHS = (90, 170, 84, 104, 116, 62)
    COMPACT_WIDTHS = (88, 132, 0, 0, 0, 0)
    COMPACT_HIDDEN = (2, 3, 4, 5)
    COMPACT_BELOW = 900     # narrower than this, the full form leaves «Причина» too narrow: turn compact

    def __init__(self, ctx, parent=None, *, compact: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.compact = compact
        self.single_line = False
        self.model = FlagsModel(self)
        self.proxy = _SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        for col, width in enumerate(self.COMPACT_WIDTHS if compact else self.WIDTHS):
            self.table.setColumnWidth(col, width)
        if compact:
            self.set_compact_columns()
        # Wrapped rows are measured again whenever a column (above all «Причина») changes width.
        self._fit_timer = QtCore.QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_rows)
        header.sectionResized.connect(lambda *_: self._fit_timer.start())
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.caption = QtWidgets.QLabel()
        self.caption.setObjectName("pageSubtitle")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.caption)
        lay.addWidget(self.table, 1)
        self.set_flags([])

    def set_flags(self, flags: list[dict], year: str | None = None) -> None:
        """Show ``flags`` — those of the academic year ``year``, or of all years when it is None; the
        caption counts them and says which (``indicator_defs.count_flags``)."""
        self.model.set_flags(flags)
        self.proxy.sort(self.proxy.sortColumn() if self.proxy.sortColumn() >= 0 else 0,
                        self.proxy.sortOrder())
        self.counts = count_flags(flags, year)
        text = flags_sentence(self.counts)
        self.caption.setText(text + (" Двойной щелчок открывает график признака." if flags else ""))
        self.fit_rows()

    def set_compact_columns(self, compact: bool = True) -> None:
        for col in self.COMPACT_HIDDEN:
            self.table.setColumnHidden(col, compact)
        for col, width in enumerate(self.COMPACT_WIDTHS if compact else self.WIDTHS):
            if not self.table.isColumnHidden(col):
                self.table.setColumnWidth(col, width)

    def _adapt_columns(self) -> None:
        narrow = self.compact or self.width() < self.COMPACT_BELOW
        if narrow != self.table.isColumnHidden(self.COMPACT_HIDDEN[0]):
            self.set_compact_columns(narrow)

    def set_single_line(self, on: bool = True) -> None:
        """A line a row (the reason in full in its tooltip): a short screen shows more flags."""
        if on != self.single_line:
            self.single_line = on
            self.table.setWordWrap(not on)
            self.fit_rows()

    def fit_rows(self) -> None:
        """Every row as tall as its wrapped reason at the present column widths (one line each
        in the single-line form)."""
        if self.single_line:
            for r in range(self.proxy.rowCount()):
                self.table.setRowHeight(r, self.table.verticalHeader().defaultSectionSize())
            return
        self.table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._adapt_columns()
        self._fit_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_timer.start()

    def flag_at(self, row: int) -> dict | None:
        """The flag shown in table row ``row`` (after sorting)."""
        index = self.proxy.index(row, 0)
        return index.data(FLAG_ROLE) if index.isValid() else None

    def open_row(self, row: int) -> None:
        self._open_index(self.proxy.index(row, 0))

    def _open_index(self, index) -> None:
        flag = index.data(FLAG_ROLE) if index.isValid() else None
        if flag is None:
            flag = self.proxy.index(index.row(), 0).data(FLAG_ROLE)
        if flag is None:
            return
        self.flag_activated.emit(flag)
        self.ctx.navigate.emit("analysis", flag)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.currentIndex().isValid():
            self._open_index(self.table.currentIndex())
            return
        super().keyPressEvent(event)
