"""The first start: offer the demo school, a new empty school, or an existing file."""
from __future__ import annotations

from app import APP_NAME

from .qt import QtCore, QtWidgets


class FirstStartDialog(QtWidgets.QDialog):
    """Returns via `choice`: 'demo', 'new' (with `school_name`), 'open', or None."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Добро пожаловать в «{APP_NAME}»")
        self.choice: str | None = None
        self.school_name = ""
        lay = QtWidgets.QVBoxLayout(self)
        intro = QtWidgets.QLabel(
            "<h3>С чего начнём?</h3>"
            "<p>Данные школы хранятся в одном файле в папке данных пользователя. "
            "Можно сначала посмотреть программу на демонстрационной школе — "
            "она не смешивается с вашими данными.</p>")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.name_edit = QtWidgets.QLineEdit(placeholderText="Полное наименование школы")
        buttons = [
            ("Открыть демонстрационную школу", "demo"),
            ("Создать новую школу", "new"),
            ("Открыть файл школы…", "open"),
        ]
        for text, choice in buttons:
            button = QtWidgets.QPushButton(text)
            button.setMinimumHeight(36)
            if choice == "demo":
                button.setProperty("primary", True)
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            lay.addWidget(button)
            if choice == "new":
                lay.addWidget(self.name_edit)
        self.resize(460, 300)

    def _choose(self, choice: str) -> None:
        if choice == "new" and not self.name_edit.text().strip():
            self.name_edit.setFocus()
            self.name_edit.setStyleSheet("border: 1px solid #b3261e;")
            return
        self.choice = choice
        self.school_name = self.name_edit.text().strip()
        self.accept()


def first_start(window, ctx) -> None:
    """Ask what to open when there is no school file yet; leaves ctx without a DB if declined."""
    dialog = FirstStartDialog(window)
    if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
        return
    if dialog.choice == "demo":
        window.open_demo()
    elif dialog.choice == "new":
        from app.core.store import default_db_path

        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        window._try(lambda: ctx.create_db(path, school_name=dialog.school_name))
    elif dialog.choice == "open":
        QtCore.QTimer.singleShot(0, window.open_school)
