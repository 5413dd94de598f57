"""Placeholder page; its owner replaces this module."""
from app.ui.qt import QtWidgets
from app.ui.style import page_header


class PacketPage(QtWidgets.QWidget):
    title = "Пакет"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        QtWidgets.QVBoxLayout(self).addWidget(page_header(self.title))

    def refresh(self):
        pass
