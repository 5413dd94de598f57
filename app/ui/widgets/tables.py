"""What the tables of several pages share: the tint of a mark cell and the id behind a row."""
from __future__ import annotations

from ..qt import QtCore, QtWidgets

MARK_COLOURS = {2: "#fbe3e1", 3: "#fdf0d5", 4: "#e6f2e1", 5: "#d5ecd4"}


def current_id(table: QtWidgets.QTableWidget):
    """The id kept (UserRole) in the first cell of the current row, or None."""
    item = table.item(table.currentRow(), 0) if table.currentRow() >= 0 else None
    return item.data(QtCore.Qt.ItemDataRole.UserRole) if item else None
