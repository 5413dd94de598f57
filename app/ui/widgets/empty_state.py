"""What a page shows while the school has nothing for it yet: what to bring, and a way in."""
from __future__ import annotations

from ..qt import QtWidgets

# Per page: the heading and what to bring (Russian, for the deputy director).
EMPTY_TEXTS = {
    "overview": ("В этой школе пока нет данных",
                 "Загрузите файлы, которые у школы уже есть: выгрузки электронного журнала, формы ВПР из "
                 "ФИС ОКО, протоколы ОГЭ и ЕГЭ. План мероприятий можно составить здесь же или загрузить из Word."),
    "roster": ("Список учащихся пуст",
               "Учащиеся появятся после загрузки отметок из электронного журнала или результатов ВПР, "
               "ОГЭ, ЕГЭ: программа сама создаст классы и сопоставит учащихся между файлами."),
    "marks": ("Отметок по журналу пока нет",
              "Загрузите выгрузку электронного журнала: «Табель успеваемости учащегося (весь класс)», "
              "таблицу итоговых отметок («ФИО/ПРЕДМЕТ») или отметки за четверти в виде таблицы Excel или CSV."),
}


class EmptyState(QtWidgets.QFrame):
    """A framed note with a heading, an explanation and «Импорт…» (and, optionally, other actions)."""

    def __init__(self, ctx, key: str, parent=None, *, extra: list[tuple[str, object]] | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("emptyState")
        self.setStyleSheet("#emptyState { background: #f6f8fb; border: 1px dashed #b8c2cf; border-radius: 6px; }")
        heading, text = EMPTY_TEXTS[key]
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        self.heading = QtWidgets.QLabel(f"<b>{heading}</b>")
        self.heading.setStyleSheet("font-size: 12pt; color: #1f4e79; border: none;")
        self.text = QtWidgets.QLabel(text)
        self.text.setWordWrap(True)
        self.text.setStyleSheet("border: none;")
        lay.addWidget(self.heading)
        lay.addWidget(self.text)
        row = QtWidgets.QHBoxLayout()
        self.import_button = QtWidgets.QPushButton("Импорт…")
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.ctx.request_file_choice)
        row.addWidget(self.import_button)
        for label, slot in extra or []:
            button = QtWidgets.QPushButton(label)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        lay.addLayout(row)
        # never squeezed below its text: on a short page the tables below give way instead
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Minimum)
