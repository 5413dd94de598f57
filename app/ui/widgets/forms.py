"""Small form pieces the pages share: a form dialog, a question, buttons in a row, a padded stack."""
from __future__ import annotations

from typing import Callable

from app.core.errors import UserError

from ..qt import QtWidgets


def dialog_buttons(dialog: QtWidgets.QDialog, ok_text: str = "Сохранить", *,
                   restore_defaults: Callable[[], object] | None = None) -> QtWidgets.QDialogButtonBox:
    """«Сохранить» (or `ok_text`) and «Отмена» wired to the dialog's accept and reject — with Qt's
    own «Значения по умолчанию» when `restore_defaults` is given."""
    B = QtWidgets.QDialogButtonBox.StandardButton
    buttons = QtWidgets.QDialogButtonBox(B.Ok | B.Cancel | (B.RestoreDefaults if restore_defaults else B.NoButton))
    buttons.button(B.Ok).setText(ok_text)
    buttons.button(B.Cancel).setText("Отмена")
    if restore_defaults is not None:
        buttons.button(B.RestoreDefaults).setText("Значения по умолчанию")
        buttons.button(B.RestoreDefaults).clicked.connect(restore_defaults)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class FormDialog(QtWidgets.QDialog):
    """A small form: rows of (label, widget); «Сохранить» runs `on_accept` and stays open on a UserError."""

    def __init__(self, title: str, rows: list[tuple[str, QtWidgets.QWidget]], on_accept: Callable[[], object],
                 parent=None, note: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.on_accept, self.result_value = on_accept, None
        lay = QtWidgets.QVBoxLayout(self)
        form = QtWidgets.QFormLayout()
        form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in rows:
            form.addRow(label, widget)
        lay.addLayout(form)
        if note:
            hint = QtWidgets.QLabel(note)
            hint.setWordWrap(True)
            hint.setObjectName("pageSubtitle")
            lay.addWidget(hint)
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        lay.addWidget(dialog_buttons(self))
        self.setMinimumWidth(420)

    def accept(self) -> None:
        try:
            self.result_value = self.on_accept()
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


def button(text: str, slot) -> QtWidgets.QPushButton:
    widget = QtWidgets.QPushButton(text)
    widget.clicked.connect(slot)
    return widget


def ask(parent, text: str) -> bool:
    """A yes / no question; True for «Да»."""
    answer = QtWidgets.QMessageBox.question(parent, "Объектив", text)
    return answer == QtWidgets.QMessageBox.StandardButton.Yes


def toolbar(buttons, trailing: QtWidgets.QWidget | None = None) -> QtWidgets.QWidget:
    """A row of (text, slot) buttons on the right, `trailing` on the left."""
    bar = QtWidgets.QWidget()
    lay = QtWidgets.QHBoxLayout(bar)
    lay.setContentsMargins(0, 0, 0, 0)
    if trailing is not None:
        lay.addWidget(trailing)
    lay.addStretch(1)
    for text, slot in buttons:
        lay.addWidget(button(text, slot))
    return bar


def stack(*widgets) -> QtWidgets.QWidget:
    """Widgets one under another; a table or list takes the room left."""
    box = QtWidgets.QWidget()
    lay = QtWidgets.QVBoxLayout(box)
    lay.setContentsMargins(6, 6, 6, 6)
    for w in widgets:
        lay.addWidget(w, 1 if isinstance(w, QtWidgets.QAbstractItemView) else 0)
    return box
