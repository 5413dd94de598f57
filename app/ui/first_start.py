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
        demo = QtWidgets.QPushButton("Открыть демонстрационную школу")
        demo.setProperty("primary", True)
        demo.clicked.connect(lambda: self._choose("demo"))
        lay.addWidget(demo)
        # A new school: the name first, then the button that creates it (a press with no name asks for it)
        box = QtWidgets.QGroupBox("Новая школа")
        form = QtWidgets.QVBoxLayout(box)
        form.addWidget(QtWidgets.QLabel("Полное наименование образовательной организации:"))
        self.name_edit = QtWidgets.QLineEdit(
            placeholderText="например, МБОУ «Средняя общеобразовательная школа № 1»")
        self.name_edit.textChanged.connect(self._name_edited)
        self.name_edit.returnPressed.connect(lambda: self._choose("new"))
        form.addWidget(self.name_edit)
        self.name_error = QtWidgets.QLabel("Введите наименование школы — оно будет в шапке документов.")
        self.name_error.setStyleSheet("color: #b3261e;")
        self.name_error.setWordWrap(True)
        form.addWidget(self.name_error)
        self.new_button = QtWidgets.QPushButton("Создать новую школу")
        self.new_button.clicked.connect(lambda: self._choose("new"))
        form.addWidget(self.new_button)
        note = QtWidgets.QLabel("Затем загрузите списки классов, отметки из электронного журнала и результаты "
                                "ВПР, ОГЭ, ЕГЭ: Файл → Импорт… или перетащите файлы в окно программы.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6470;")
        form.addWidget(note)
        lay.addWidget(box)
        other = QtWidgets.QPushButton("Открыть файл школы…")
        other.clicked.connect(lambda: self._choose("open"))
        lay.addWidget(other)
        for button in (demo, self.new_button, other):
            button.setMinimumHeight(34)
        # Word-wrapped labels need the width to know their height: a fixed width, the height to match
        self.setFixedWidth(520)
        self.setMinimumHeight(lay.totalHeightForWidth(520))
        self.name_error.hide()

    def _name_edited(self) -> None:
        self.name_edit.setStyleSheet("")
        self.name_error.hide()

    def _choose(self, choice: str) -> None:
        if choice == "new" and not self.name_edit.text().strip():
            self.name_edit.setFocus()
            self.name_edit.setStyleSheet("border: 1px solid #b3261e;")
            self.name_error.show()
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
