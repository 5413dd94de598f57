"""Small pieces shared by several pages: lazy reloading and plain read-only tables.

Kept apart from the pages so that the first page shown at start-up does not pull in the others.
"""
from __future__ import annotations

from .qt import QtCore, QtGui, QtWidgets

Qt = QtCore.Qt


class LazyRefresh:
    """Mixin for pages: reload on db_opened and on the topics in TOPICS, lazily when hidden."""

    TOPICS: set[str] = set()

    def init_lazy(self, ctx, *, show_now: bool = False) -> None:
        """Listen for a school being opened and for change notices; `show_now` reads the open school
        at once (a page built while a school is open)."""
        self._dirty = True
        ctx.db_opened.connect(self._on_db_opened)
        ctx.changed.connect(self._on_changed)
        if show_now and ctx.db is not None:
            self.refresh()

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


class CollapsibleBox(QtWidgets.QFrame):
    """A panel with a clickable title line: open, it shows its content; folded, one line with a
    summary of what is inside (so a small screen keeps the room for the tables and charts).

    `toggled(bool)` tells when it opens or folds; `set_summary(text)` is the folded line."""

    toggled = QtCore.Signal(bool)

    def __init__(self, title: str, content: QtWidgets.QWidget, *, expanded: bool = True, parent=None):
        super().__init__(parent)
        self.setObjectName("collapsible")
        self.content = content
        self.button = QtWidgets.QToolButton(text=title, checkable=True, objectName="collapsibleTitle")
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.summary = QtWidgets.QLabel(objectName="collapsibleSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setMinimumWidth(40)
        self.summary.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.summary.mousePressEvent = lambda _e: self.set_expanded(not self.expanded())
        self._summary_text = ""
        head = QtWidgets.QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(6)
        head.addWidget(self.button)
        head.addWidget(self.summary, 1)
        self.head = QtWidgets.QWidget()
        self.head.setLayout(head)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.head)
        lay.addWidget(content, 1)
        self.button.toggled.connect(self._apply)
        self.button.setChecked(expanded)
        self._apply(expanded)

    def expanded(self) -> bool:
        return self.button.isChecked()

    def set_expanded(self, on: bool) -> None:
        self.button.setChecked(on)

    def set_summary(self, text: str) -> None:
        self._summary_text = text
        self._show_summary()

    def _show_summary(self) -> None:
        text = "" if self.expanded() else self._summary_text
        metrics = self.summary.fontMetrics()
        width = max(self.summary.width(), 40)
        self.summary.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))
        self.summary.setToolTip(text if text and metrics.horizontalAdvance(text) > width else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show_summary()

    def _apply(self, on: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.button.setToolTip("Свернуть" if on else "Развернуть")
        self.content.setVisible(on)
        # folded inside a splitter, the box gives its height back to the other panes
        self.setMaximumHeight(16777215 if on else self.head.sizeHint().height() + 2)
        self._show_summary()
        self.toggled.emit(on)


def visible_height(widget: QtWidgets.QWidget) -> int:
    """How many pixel rows of the widget can be seen in its window (clipped by scroll areas,
    splitters and the window edge); 0 when it is hidden."""
    if not widget.isVisible():
        return 0
    window = widget.window()
    rect = QtCore.QRect(widget.mapTo(window, QtCore.QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(QtCore.QRect(parent.mapTo(window, QtCore.QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return max(0, rect.intersected(window.rect()).height())


def compact_combo(box: QtWidgets.QComboBox, chars: int) -> QtWidgets.QComboBox:
    """A combo as wide as its items need (never eliding its current text), at least `chars` wide."""
    box.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setMinimumContentsLength(chars)
    return box
