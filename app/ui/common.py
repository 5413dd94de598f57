"""Small pieces shared by several pages: lazy reloading and plain read-only tables.

Kept apart from the pages so that the first page shown at start-up does not pull in the others.
"""
from __future__ import annotations

from .qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt


class LazyRefresh:
    """Mixin for pages: reload on db_opened and on the topics in TOPICS, lazily when hidden."""

    TOPICS: set[str] = set()

    def init_lazy(self, ctx) -> None:
        self._dirty = True
        ctx.db_opened.connect(self._on_db_opened)
        ctx.changed.connect(self._on_changed)

    def _reset_for_new_db(self) -> None:
        """Forget selections that belong to the previous school file."""

    def _is_busy(self) -> bool:
        """True while the page itself is writing (its own notices need no reload)."""
        return False

    def _on_db_opened(self) -> None:
        self._reset_for_new_db()
        self._request_refresh()

    def _on_changed(self, topic: str) -> None:
        if (topic in self.TOPICS or topic == "all") and not self._is_busy():
            self._request_refresh()

    def _request_refresh(self) -> None:
        self._dirty = True
        if self.isVisible():
            QtCore.QTimer.singleShot(0, self, self._refresh_if_dirty)   # not after the page is gone

    def _refresh_if_dirty(self) -> None:
        if self._dirty:
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._refresh_if_dirty()


def combo_value(box: QtWidgets.QComboBox):
    return box.currentData() if box.count() else None


def fill_combo(box: QtWidgets.QComboBox, items: list[tuple[str, object]], keep=None) -> None:
    """Replace the items of a combo box quietly, keeping the chosen value when it is still there."""
    box.blockSignals(True)
    box.clear()
    for text, value in items:
        box.addItem(text, value)
    index = box.findData(keep) if keep is not None else -1
    box.setCurrentIndex(index if index >= 0 else (0 if items else -1))
    box.blockSignals(False)


def style_table(view: QtWidgets.QTableView) -> None:
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setDefaultSectionSize(26)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def simple_table(headers: list[str]) -> QtWidgets.QTableWidget:
    """A read-only table widget with the house style and stretched columns."""
    table = QtWidgets.QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    style_table(table)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
    return table


def fill_table(table: QtWidgets.QTableWidget, rows: list[tuple[int, list[str]]]) -> None:
    """Put rows of (id, cell texts) into the table; the id rides on every cell."""
    table.setRowCount(len(rows))
    for r, (row_id, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QtWidgets.QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, row_id)
            table.setItem(r, c, item)


def fit_header(view: QtWidgets.QTableView, minimums: dict[int, int] | None = None) -> None:
    """Each column at least as wide as its (bold, possibly two-line) header text, or its minimum."""
    model, header = view.model(), view.horizontalHeader()
    font = QtGui.QFont(header.font())
    font.setBold(True)
    metrics = QtGui.QFontMetrics(font)
    for col in range(model.columnCount()):
        text = str(model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        need = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0) + 18
        view.setColumnWidth(col, max(need, (minimums or {}).get(col, 0)))


def dropped_files(event) -> list:
    """The local files of a drag (paths as text); links and other data give an empty list."""
    return [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]


class FileDropTarget:
    """Mixin for a window that takes files dragged onto it: `files_dropped(paths)` gets them."""

    def dragEnterEvent(self, event) -> None:
        if dropped_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = dropped_files(event)
        if paths:
            event.acceptProposedAction()
            self.files_dropped(paths)

    def files_dropped(self, paths: list[str]) -> None:
        raise NotImplementedError
