"""The plan's tree: sections and items, drag and drop that asks the page for a move."""
from __future__ import annotations

from app.core.domain import PLAN_STATUS_LABELS

from ..qt import QtCore, QtGui, QtWidgets, Signal
from ..style import DANGER

Qt = QtCore.Qt
ROLE_KIND = Qt.ItemDataRole.UserRole
ROLE_ID = Qt.ItemDataRole.UserRole + 1
OVERDUE_LABEL = "просрочено"


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
