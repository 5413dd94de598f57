"""«Импорт файлов»: the preview of what files would load, the user's answers, the import itself, and
the journal of past imports with «Отменить этот импорт».

The dialog holds no business rules: it asks ``import_files`` for a dry run (in a worker), shows the
``FileView``s of ``app.core.imports.review``, turns the user's answers into import options, and runs
the real import in a worker with progress and cancel (cancel = nothing changed).
"""
from __future__ import annotations

from pathlib import Path

from app.core.errors import Cancelled, UserError
from app.core.imports import IMPORT_FILE_FILTER, KINDS, import_files, list_batches, undo_import
from app.core.imports import review

from .common import FileDropTarget
from .qt import QtCore, QtGui, QtWidgets
from .style import ACCENT, DANGER, OK, WARNING

_STATUS_COLORS = {"ready": OK, "done": OK, "problems": WARNING, "ask": WARNING, "refused": DANGER,
                  "duplicate": "#5a6470"}
_MAX_PROBLEMS_SHOWN = 500


def _table(headers: list[str]) -> QtWidgets.QTableWidget:
    table = QtWidgets.QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(True)
    return table


def _item(text) -> QtWidgets.QTableWidgetItem:
    return QtWidgets.QTableWidgetItem("" if text is None else str(text))


def _fit(table: QtWidgets.QTableWidget, max_rows: int = 10, resize: bool = True) -> None:
    """Make a small table as tall as its rows (up to max_rows), so the page scrolls, not the table."""
    if resize:
        table.resizeRowsToContents()
    height = table.horizontalHeader().height() + 4
    for r in range(min(table.rowCount(), max_rows)):
        height += table.rowHeight(r)
    table.setMinimumHeight(height if table.rowCount() else table.horizontalHeader().height() + 30)
    table.setMaximumHeight(max(height, table.minimumHeight()))


class FilePanel(QtWidgets.QWidget):
    """The preview of one file and the answers it needs."""

    edited = QtCore.Signal()

    def __init__(self, dialog: "ImportDialog", view: review.FileView, parent=None):
        super().__init__(parent)
        self.dialog, self.view = dialog, view
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self._head(layout)
        self.fields: dict[str, QtWidgets.QWidget] = {}
        self.choice_boxes: dict[str, QtWidgets.QComboBox] = {}
        self.role_boxes: list[tuple[str, int, QtWidgets.QComboBox]] = []
        self.class_map_boxes: dict[str, QtWidgets.QComboBox] = {}
        self._missing(layout)
        self._class_map(layout)
        self.task_max_boxes: dict[str, QtWidgets.QSpinBox] = {}
        self._task_max(layout)
        self._choices(layout)
        self._mappings(layout)
        self._problems(layout)
        layout.addStretch(1)
        if view.status in ("done", "duplicate"):          # loaded: what it was loaded as is shown, not asked
            self.kind_box.setEnabled(False)
            for _sig, _c, combo in self.role_boxes:
                combo.setEnabled(False)

    # -- parts -------------------------------------------------------------------------------
    def _head(self, layout) -> None:
        v = self.view
        title = QtWidgets.QLabel(f"<b>{_esc(v.name)}</b> — {_esc(v.kind_label)}")
        title.setObjectName("importFileTitle")
        title.setStyleSheet(f"font-size: 12pt; color: {ACCENT};")
        title.setWordWrap(True)
        title.setToolTip(str(v.path))
        layout.addWidget(title)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("Вид файла:"))
        self.kind_box = QtWidgets.QComboBox()
        self.kind_box.addItem("определить автоматически", "auto")
        for kind in KINDS:
            self.kind_box.addItem(review.kind_label(kind), kind)
        chosen = self.dialog.file_options(v.path).get("kind", "auto")
        self.kind_box.setCurrentIndex(max(self.kind_box.findData(chosen), 0))
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        row.addWidget(self.kind_box)
        row.addStretch(1)
        remove = QtWidgets.QPushButton("Убрать файл из импорта")
        remove.clicked.connect(lambda: self.dialog.remove_file(v.path))
        row.addWidget(remove)
        layout.addLayout(row)
        status = QtWidgets.QLabel(v.status_text)
        status.setStyleSheet(f"color: {_STATUS_COLORS.get(v.status, '#333')}; font-weight: 600;")
        layout.addWidget(status)
        self.status_label = status
        if v.status == "ask" and v.missing and not v.rows_total:
            layout.addWidget(QtWidgets.QLabel("Строки таблицы будут прочитаны, когда вы ответите на вопросы ниже."))
        elif v.status not in ("refused", "duplicate") or v.rows_total:
            counts = QtWidgets.QLabel(
                f"Строк с данными: <b>{v.rows_total}</b> · распознано: <b>{v.rows_ok}</b> · "
                f"отклонено: <b>{len(v.problems)}</b> · учащиеся: найдено в базе <b>{v.matched}</b>, "
                f"новых <b>{v.new}</b>" + (f", выбрать <b>{len(v.choices)}</b>" if v.choices else ""))
            counts.setObjectName("importCounts")
            counts.setWordWrap(True)
            layout.addWidget(counts)
            self.counts_label = counts
        if v.impact:
            impact = QtWidgets.QLabel("\n".join(v.impact))
            impact.setObjectName("importImpact")
            impact.setWordWrap(True)
            impact.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            color = WARNING if v.impact_warning else "#333"
            impact.setStyleSheet(f"color: {color}; font-weight: {700 if v.impact_warning else 400}; padding: 2px 0;")
            layout.addWidget(impact)
            self.impact_label = impact
        if v.message:
            message = QtWidgets.QLabel(v.message)
            message.setWordWrap(True)
            message.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            color = DANGER if v.status == "refused" else "#333"
            message.setStyleSheet(f"color: {color}; padding: 4px 0;")
            layout.addWidget(message)
            self.message_label = message
        if v.summary:
            summary = QtWidgets.QLabel("\n".join(f"• {s}" for s in v.summary))
            summary.setWordWrap(True)
            summary.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(summary)

    def _missing(self, layout) -> None:
        opts = self.dialog.file_options(self.view.path)
        keys = [k for k in review.OPTION_LABELS if k in self.view.missing or k in opts]
        if not keys:
            return
        box = QtWidgets.QGroupBox("Сведения, которых нет в файле")
        form = QtWidgets.QFormLayout(box)
        hints = review.suggestions(self.dialog.ctx.db)
        for key in keys:
            editor = self._option_editor(key, opts.get(key), hints)
            self.fields[key] = editor
            question = self.view.missing.get(key)
            label = QtWidgets.QLabel(review.OPTION_LABELS[key] + ":")
            if question:
                label.setToolTip(question)
                editor.setToolTip(question)
            form.addRow(label, editor)
            if question:
                note = QtWidgets.QLabel(question)
                note.setWordWrap(True)
                note.setStyleSheet("color: #5a6470;")
                form.addRow("", note)
        layout.addWidget(box)

    def _class_map(self, layout) -> None:
        """ФИС ОКО forms give classes as ordinals (1, 2 …): one class asked per ordinal."""
        from app.core.imports.vpr import class_map_ordinals

        question = self.view.missing.get("class_map")
        given = dict(self.dialog.file_options(self.view.path).get("class_map") or {})
        ordinals = class_map_ordinals(question) if question else []
        ordinals += [k for k in given if k not in ordinals]
        if not ordinals:
            return
        ordinals.sort(key=lambda k: int(k) if str(k).isdigit() else 0)
        box = QtWidgets.QGroupBox("Классы по порядковым номерам")
        form = QtWidgets.QFormLayout(box)
        if question:
            note = QtWidgets.QLabel(question)
            note.setWordWrap(True)
            note.setStyleSheet("color: #5a6470;")
            form.addRow(note)
        hints = review.suggestions(self.dialog.ctx.db).get("class_label", [])
        for key in ordinals:
            combo = QtWidgets.QComboBox()
            combo.setEditable(True)
            combo.addItems(hints)
            combo.setCurrentText(str(given.get(key, "")))
            combo.lineEdit().setPlaceholderText("например, 4А")
            combo.setMinimumWidth(160)
            combo.currentTextChanged.connect(lambda text, k=key: self._set_class(k, text))
            form.addRow(f"Класс № {key}:", combo)
            self.class_map_boxes[key] = combo
        layout.addWidget(box)

    def _task_max(self, layout) -> None:
        """Task maxima the file and the known scales leave open: one number per task (never guessed)."""
        from app.core.imports.vpr import task_max_numbers

        question = self.view.missing.get("task_max")
        given = dict(self.dialog.file_options(self.view.path).get("task_max") or {})
        numbers = task_max_numbers(question) if question else []
        numbers += [k for k in given if k not in numbers]
        if not numbers:
            return
        box = QtWidgets.QGroupBox("Максимальные баллы заданий")
        inner = QtWidgets.QVBoxLayout(box)
        if question:
            note = QtWidgets.QLabel(question)
            note.setWordWrap(True)
            note.setStyleSheet("color: #5a6470;")
            inner.addWidget(note)
        grid = QtWidgets.QGridLayout()
        for i, number in enumerate(numbers):
            spin = QtWidgets.QSpinBox()
            spin.setRange(0, 50)
            spin.setSpecialValueText("—")
            spin.setValue(int(given.get(number) or 0))
            spin.valueChanged.connect(lambda value, n=number: self._set_task_max(n, value))
            row, col = divmod(i, 4)
            grid.addWidget(QtWidgets.QLabel(f"Задание {number}:"), row, 2 * col)
            grid.addWidget(spin, row, 2 * col + 1)
            self.task_max_boxes[number] = spin
        inner.addLayout(grid)
        layout.addWidget(box)

    def _set_task_max(self, number: str, value: int) -> None:
        maxima = dict(self.dialog.file_options(self.view.path).get("task_max") or {})
        if value:
            maxima[number] = value
        else:
            maxima.pop(number, None)
        self._set_option("task_max", maxima or None)

    def _set_class(self, ordinal: str, text: str) -> None:
        mapping = dict(self.dialog.file_options(self.view.path).get("class_map") or {})
        if text.strip():
            mapping[ordinal] = text.strip()
        else:
            mapping.pop(ordinal, None)
        self._set_option("class_map", mapping or None)

    def _option_editor(self, key: str, value, hints: dict) -> QtWidgets.QWidget:
        if key == "grade":
            spin = QtWidgets.QSpinBox()
            spin.setRange(0, 11)
            spin.setSpecialValueText("не выбрана")
            spin.setValue(int(value or 0))
            spin.valueChanged.connect(lambda n: self._set_option(key, n or None))
            return spin
        combo = QtWidgets.QComboBox()
        if key == "exam":
            combo.addItem("не выбран", None)
            for code, label in review.EXAM_CHOICES:
                combo.addItem(label, code)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.currentIndexChanged.connect(lambda _i: self._set_option(key, combo.currentData()))
            return combo
        combo.setEditable(True)
        combo.addItems(review.PERIOD_CHOICES if key == "period" else hints.get(key, []))
        combo.setCurrentText(str(value or ""))
        placeholder = {"year": "например, 2024/2025", "class_label": "например, 5А",
                       "subject": "например, Математика", "period": "например, 2 четверть"}[key]
        combo.lineEdit().setPlaceholderText(placeholder)
        combo.currentTextChanged.connect(lambda text: self._set_option(key, text.strip() or None))
        combo.setMinimumWidth(220)
        return combo

    def _choices(self, layout) -> None:
        if not self.view.choices:
            return
        box = QtWidgets.QGroupBox("Кто это? Совпадение неоднозначно — выберите учащегося")
        inner = QtWidgets.QVBoxLayout(box)
        table = _table(["Учащийся в файле", "Учащийся в базе"])
        table.setRowCount(len(self.view.choices))
        chosen = self.dialog.student_choices
        for r, choice in enumerate(self.view.choices):
            found = "; ".join(text for _sid, text in choice.candidates)
            table.setItem(r, 0, _item(f"{choice.who}\nв базе: {found}" if found else choice.who))
            combo = QtWidgets.QComboBox()
            combo.addItem("— выберите —", None)
            for sid, text in choice.candidates:
                combo.addItem(text, str(sid))
            combo.addItem("новый учащийся (добавить)", "new")
            combo.setCurrentIndex(max(combo.findData(chosen.get(choice.key)), 0))
            combo.currentIndexChanged.connect(
                lambda _i, key=choice.key, c=combo: self._set_choice(key, c.currentData()))
            holder = QtWidgets.QWidget()                 # the combo keeps its own height in a tall row
            box_layout = QtWidgets.QHBoxLayout(holder)
            box_layout.setContentsMargins(4, 2, 4, 2)
            box_layout.addWidget(combo, 0, QtCore.Qt.AlignmentFlag.AlignVCenter)
            table.setCellWidget(r, 1, holder)
            self.choice_boxes[choice.key] = combo
        table.setColumnWidth(0, 330)
        table.resizeRowsToContents()
        for r in range(table.rowCount()):                 # two lines of text and a combo: some air
            table.setRowHeight(r, table.rowHeight(r) + 8)
        _fit(table, resize=False)
        inner.addWidget(table)
        self.choice_table = table
        layout.addWidget(box)

    def _mappings(self, layout) -> None:
        for mapping in self.view.mappings:
            source = {"saved": " (запомнено по прошлому импорту)",
                      # 'user': the import was given this mapping — changed here, or confirmed as shown
                      "user": " (изменено вами)" if mapping.signature in self.dialog.mappings
                      else " (подтверждено)"}.get(mapping.source, "")
            where = ", ".join(f"«{name}»" for name in mapping.sheets)
            noun = "листа" if len(mapping.sheets) == 1 else "листов"
            title = f"Столбцы таблицы{source}" if self.view.path.suffix.lower() in (".csv", ".txt", ".tsv") \
                else f"Столбцы {noun} {where}{source}"
            box = QtWidgets.QGroupBox(title)
            inner = QtWidgets.QVBoxLayout(box)
            hint = QtWidgets.QLabel("Проверьте, что содержит каждый столбец. Подтверждённое сопоставление "
                                    "запоминается для файлов с такими же заголовками."
                                    if self.view.status not in ("done", "duplicate") else
                                    "Так были прочитаны столбцы при загрузке.")
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #5a6470; font-weight: normal;")
            inner.addWidget(hint)
            table = _table(["Столбец в файле", "Например", "Что в нём"])
            table.setRowCount(len(mapping.labels))
            roles = self.dialog.mappings.get(mapping.signature, mapping.roles)
            for c, label in enumerate(mapping.labels):
                table.setItem(c, 0, _item(label or f"(столбец {c + 1} без заголовка)"))
                table.setItem(c, 1, _item(mapping.samples[c] if c < len(mapping.samples) else ""))
                combo = QtWidgets.QComboBox()
                for role, text in mapping.choices:
                    combo.addItem(text, role)
                role = roles[c] if c < len(roles) else "ignore"
                if combo.findData(role) < 0:
                    combo.addItem(role, role)
                combo.setCurrentIndex(combo.findData(role))
                combo.currentIndexChanged.connect(lambda _i, m=mapping: self._set_mapping(m))
                table.setCellWidget(c, 2, combo)
                self.role_boxes.append((mapping.signature, c, combo))
            table.setColumnWidth(0, 230)
            table.setColumnWidth(1, 200)
            _fit(table, 14)
            inner.addWidget(table)
            layout.addWidget(box)

    def _problems(self, layout) -> None:
        problems = self.view.problems
        if not problems:
            return
        box = QtWidgets.QGroupBox(f"Отклонённые строки: {len(problems)}")
        inner = QtWidgets.QVBoxLayout(box)
        table = _table(["Лист", "Строка", "Причина"])
        shown = problems[:_MAX_PROBLEMS_SHOWN]
        table.setRowCount(len(shown))
        for r, (sheet, row, reason) in enumerate(shown):
            for c, text in enumerate((sheet or "—", row, reason)):
                table.setItem(r, c, _item(text))
        table.setColumnWidth(0, 150)
        table.setColumnWidth(1, 70)
        _fit(table)
        inner.addWidget(table)
        if len(problems) > len(shown):
            inner.addWidget(QtWidgets.QLabel(f"Показаны первые {len(shown)} из {len(problems)}."))
        self.problem_table = table
        layout.addWidget(box)

    # -- answers -----------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        kind = self.kind_box.currentData()
        self.dialog.set_file_option(self.view.path, "kind", None if kind == "auto" else kind)
        self.edited.emit()

    def _set_option(self, key: str, value) -> None:
        self.dialog.set_file_option(self.view.path, key, value)
        self.edited.emit()

    def _set_choice(self, key: str, value) -> None:
        if value is None:
            self.dialog.student_choices.pop(key, None)
        else:
            self.dialog.student_choices[key] = value
        self.edited.emit()

    def _set_mapping(self, mapping: review.MappingView) -> None:
        roles = [combo.currentData() for sig, _c, combo in self.role_boxes if sig == mapping.signature]
        self.dialog.mappings[mapping.signature] = roles
        self.edited.emit()


def _dot(color: str) -> QtGui.QIcon:
    pixmap = QtGui.QPixmap(12, 12)
    pixmap.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pixmap)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setBrush(QtGui.QColor(color))
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QtGui.QIcon(pixmap)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ImportDialog(FileDropTarget, QtWidgets.QDialog):
    """Файл → Импорт and files dropped on the window: preview, answers, import, past imports."""

    def __init__(self, ctx, paths: list[Path], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.paths = [Path(p) for p in paths]
        self.report = None
        self.views: list[review.FileView] = []
        self.options: dict[str, dict] = {}          # str(path) → the file's own options
        self.student_choices: dict[str, str] = {}
        self.mappings: dict[str, list[str]] = {}
        self.dirty = False
        self.committed = False
        self._preview_note = ""                     # shown before the verdict of the next preview
        self.confirm = self._confirm
        self.inform = self._inform
        self._running: str | None = None             # 'preview' | 'import' | 'undo' while a task runs
        self.setWindowTitle("Импорт файлов")
        self.setAcceptDrops(True)                   # more files dragged onto the open dialog join the preview
        self._build()
        self._fit_screen(parent)
        self.refresh_batches()
        if self.paths:
            if ctx.synchronous:
                self.run_preview()
            else:
                QtCore.QTimer.singleShot(0, self.run_preview)
        else:
            self.tabs.setCurrentWidget(self.batches_tab)

    # -- layout ---------------------------------------------------------------------------------
    def _fit_screen(self, parent) -> None:
        """1040×720 where there is room; on a school netbook (1024×600) no larger than its screen."""
        screen = (parent.screen() if parent is not None else None) or QtGui.QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 1040, 720)
        self.resize(min(1040, room.width() - 24), min(720, room.height() - 48))   # the title bar too

    def _build(self) -> None:
        layout = QtWidgets.QVBoxLayout(self)
        self.tabs = QtWidgets.QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.preview_tab = QtWidgets.QWidget()
        self._build_preview(self.preview_tab)
        self.tabs.addTab(self.preview_tab, "Предварительный просмотр")
        self.batches_tab = QtWidgets.QWidget()
        self._build_batches(self.batches_tab)
        self.tabs.addTab(self.batches_tab, "Журнал импорта")
        bottom = QtWidgets.QHBoxLayout()
        self.status = QtWidgets.QLabel("")
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.recheck_button = QtWidgets.QPushButton("Проверить снова")
        self.recheck_button.clicked.connect(self.run_preview)
        self.import_button = QtWidgets.QPushButton("Загрузить")
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.run_import)
        close = QtWidgets.QPushButton("Закрыть")
        close.clicked.connect(self.accept)
        for button in (self.recheck_button, self.import_button, close):
            bottom.addWidget(button)
        layout.addLayout(bottom)
        # «Проверить снова» and «Загрузить» act on the preview: not offered beside the journal of imports
        self.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self) -> None:
        on_preview = self.tabs.currentWidget() is self.preview_tab
        self.recheck_button.setVisible(on_preview)
        self.import_button.setVisible(on_preview)

    def _build_preview(self, tab: QtWidgets.QWidget) -> None:
        layout = QtWidgets.QVBoxLayout(tab)
        splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        left = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.file_list = QtWidgets.QListWidget()
        self.file_list.setMinimumWidth(220)
        self.file_list.setSpacing(3)
        self.file_list.setIconSize(QtCore.QSize(12, 12))
        self.file_list.setTextElideMode(QtCore.Qt.TextElideMode.ElideMiddle)   # the full path is in the tip
        self.file_list.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.file_list.currentRowChanged.connect(self._show_file)
        column.addWidget(self.file_list, 1)
        add = QtWidgets.QPushButton("Добавить файлы…")
        add.clicked.connect(self.choose_files)
        column.addWidget(add)
        splitter.addWidget(left)
        self.scroll_area = QtWidgets.QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        splitter.addWidget(self.scroll_area)
        splitter.setSizes([250, 780])
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self.skip_box = QtWidgets.QCheckBox("Загрузить распознанные строки, пропустив отклонённые")
        self.skip_box.toggled.connect(self._skip_toggled)
        layout.addWidget(self.skip_box)
        self.panel: FilePanel | None = None

    def _build_batches(self, tab: QtWidgets.QWidget) -> None:
        layout = QtWidgets.QVBoxLayout(tab)
        note = QtWidgets.QLabel("Каждый импорт записывается в журнал. Отмена импорта удаляет добавленные им "
                                "записи и возвращает прежние значения изменённых.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.batch_table = _table(["№", "Дата", "Файл", "Что загружено", "Добавлено", "Изменено", "Состояние"])
        self.batch_table.horizontalHeader().setStretchLastSection(False)
        self.batch_table.horizontalHeader().setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.batch_table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.batch_table.itemSelectionChanged.connect(self._update_undo_button)
        layout.addWidget(self.batch_table, 1)
        self.batches_empty = QtWidgets.QLabel(
            "Журнал пока пуст: в эту базу ещё ничего не загружали. Нажмите «Добавить файлы…» на вкладке "
            "«Предварительный просмотр» или перетащите файлы в это окно: отметки из электронного журнала "
            "(«Табель успеваемости», итоговые отметки), формы ВПР из ФИС ОКО, протоколы ОГЭ и ЕГЭ, план "
            "мероприятий. После загрузки здесь появится строка, и любой импорт можно будет отменить.")
        self.batches_empty.setWordWrap(True)
        self.batches_empty.setStyleSheet("color: #5a6470; padding: 12px;")
        layout.addWidget(self.batches_empty)
        row = QtWidgets.QHBoxLayout()
        row.addStretch(1)
        self.undo_button = QtWidgets.QPushButton("Отменить этот импорт")
        self.undo_button.clicked.connect(self.undo_selected)
        self.undo_button.setEnabled(False)
        row.addWidget(self.undo_button)
        layout.addLayout(row)

    # -- options --------------------------------------------------------------------------------
    def file_options(self, path: Path) -> dict:
        return self.options.setdefault(str(path), {})

    def set_file_option(self, path: Path, key: str, value) -> None:
        opts = self.file_options(path)
        if value in (None, ""):
            opts.pop(key, None)
        else:
            opts[key] = value

    def import_options(self) -> dict:
        options: dict = {"per_file": {k: dict(v) for k, v in self.options.items() if v},
                         "students": dict(self.student_choices),
                         "skip_bad_rows": self.skip_box.isChecked()}
        mappings = dict(self.mappings)
        for view in self.views:                     # shown and not changed: confirmed as they are
            for m in view.mappings:
                mappings.setdefault(m.signature, list(m.roles))
        options["mappings"] = mappings
        return options

    def remove_file(self, path: Path) -> None:
        """Leave a file out of this import (the others keep their preview and answers)."""
        keep = [i for i, v in enumerate(self.views) if v.path != path]
        self.paths = [p for p in self.paths if p != path]
        self.options.pop(str(path), None)
        if self.report is not None:
            self.report.files = [f for f in self.report.files if f.path != path]
        self.views = [self.views[i] for i in keep]
        self.file_list.blockSignals(True)
        for i in reversed(range(self.file_list.count())):
            if i not in keep:
                self.file_list.takeItem(i)
        self.file_list.blockSignals(False)
        if self.views:
            self.file_list.setCurrentRow(min(max(self.file_list.currentRow(), 0), len(self.views) - 1))
            self._show_file(self.file_list.currentRow())
        else:
            self.scroll_area.takeWidget()
            self.panel = None
        self.skip_box.setVisible(any(v.status == "problems" for v in self.views))
        self._update_buttons()
        if self.views and not self.dirty and not self.committed:
            self.status.setText(self._verdict())

    def choose_files(self) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Добавить файлы", str(self.paths[-1].parent if self.paths else Path.home()),
            IMPORT_FILE_FILTER)
        self.add_files([Path(p) for p in paths])

    def add_files(self, paths: list[Path]) -> None:
        new = [p for p in paths if p not in self.paths]
        if new:
            self.paths += new
            self.committed = False
            self.tabs.setCurrentWidget(self.preview_tab)
            self.run_preview()

    # -- drag and drop: the main window is behind this dialog, so files are dropped here --------------------
    def files_dropped(self, paths: list[str]) -> None:
        # not inside the drop: the file manager the files came from waits for the drop to end
        QtCore.QTimer.singleShot(0, lambda: self.add_files([Path(p) for p in paths]))

    def _mark_dirty(self) -> None:
        self.dirty = True
        self.status.setText("Ответы изменены: нажмите «Проверить снова», чтобы увидеть, что будет загружено, "
                            "или сразу «Загрузить».")
        self._update_buttons()

    # -- preview and import ------------------------------------------------------------------------
    def run_preview(self) -> None:
        if self.ctx.db is None or not self.paths:
            return
        paths, options = list(self.paths), self.import_options()
        options["mappings"] = dict(self.mappings)       # a dry run confirms nothing
        self.status.setText("Проверка файлов…")
        self._busy(True, "preview")
        self.ctx.run_task(lambda db, progress, cancel: import_files(
            db, paths, dry_run=True, options=options, progress=progress, cancel=cancel),
            title="Проверка файлов…", on_done=self._previewed, on_error=self._failed, parent=self)

    def run_import(self) -> None:
        if self.ctx.db is None or not self.paths:
            return
        paths, options = list(self.paths), self.import_options()
        self.status.setText("Загрузка…")
        self._busy(True, "import")
        self.ctx.run_task(lambda db, progress, cancel: import_files(
            db, paths, options=options, progress=progress, cancel=cancel),
            title="Загрузка данных…", on_done=self._imported, on_error=self._failed, parent=self)

    def _previewed(self, report) -> None:
        self._busy(False)
        self._show_report(report)
        note, self._preview_note = self._preview_note, ""
        self.status.setText(f"{note} {self._verdict()}" if note else self._verdict())

    def _imported(self, report) -> None:
        self._busy(False)
        self._show_report(report)
        if report.committed:
            self.committed = True
            added = sum(f.added for f in report.files)
            changed = sum(f.changed for f in report.files)
            self.status.setText(f"Импорт завершён: добавлено записей {added}, изменено {changed}.")
            self.refresh_batches()
            self.ctx.notify("all")
        else:
            self.status.setText("Ничего не загружено, база не изменена. " + self._verdict())
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, Cancelled):
            self.status.setText("Отменено. База не изменена.")
        elif isinstance(exc, UserError):
            self.status.setText(str(exc))
        else:
            from app.core import logs

            logs.record(exc, "import")
            self.status.setText(logs.unexpected_text(exc, "Непредвиденная ошибка, база не изменена."))
        self.status.setStyleSheet(f"color: {DANGER};")

    def _busy(self, busy: bool, what: str | None = None) -> None:
        self._running = what if busy else None
        self.status.setStyleSheet("")
        for button in (self.import_button, self.recheck_button):
            button.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    def _show_report(self, report) -> None:
        self.report = report
        self.views = review.file_views(self.ctx.db, report)
        self.dirty = False
        current = max(self.file_list.currentRow(), 0)
        self.file_list.blockSignals(True)
        self.file_list.clear()
        for view in self.views:
            color = _STATUS_COLORS.get(view.status, "#333")
            item = QtWidgets.QListWidgetItem(_dot(color), f"{view.name}\n{view.status_text}")
            item.setForeground(QtGui.QColor(color))
            item.setToolTip(str(view.path))
            self.file_list.addItem(item)
        self.file_list.blockSignals(False)
        if self.views:
            first_open = next((i for i, v in enumerate(self.views) if v.status in ("ask", "refused", "problems")),
                              current)
            self.file_list.setCurrentRow(first_open if self.panel is None else min(current, len(self.views) - 1))
            self._show_file(self.file_list.currentRow())
        self.skip_box.setVisible(any(v.status == "problems" for v in self.views))
        self._update_buttons()

    def _show_file(self, row: int) -> None:
        if not 0 <= row < len(self.views):
            return
        panel = FilePanel(self, self.views[row])
        panel.edited.connect(self._mark_dirty)
        self.scroll_area.setWidget(panel)
        self.panel = panel

    def _verdict(self) -> str:
        return review.verdict(self.views, skip_bad_rows=self.skip_box.isChecked())

    def _update_buttons(self) -> None:
        ready = review.would_commit(self.views, skip_bad_rows=self.skip_box.isChecked())
        self.import_button.setEnabled(self.ctx.db is not None and not self.committed and (ready or self.dirty))

    def _skip_toggled(self) -> None:
        self._update_buttons()
        if self.views and not self.dirty and not self.committed:
            self.status.setText(self._verdict())

    # -- the journal of imports ------------------------------------------------------------------------
    def refresh_batches(self) -> None:
        batches = list_batches(self.ctx.db) if self.ctx.db is not None else []
        self.batches = batches
        table = self.batch_table
        table.setRowCount(len(batches))
        for r, b in enumerate(batches):
            when = review.local_time(b["created_at"] or "")
            state = "загружен" if b["status"] == "applied" else "отменён"
            for c, text in enumerate((b["id"], when, b["file_name"], b["kind_label"], b["rows_added"],
                                      b["rows_changed"], state)):
                item = _item(text)
                if c in (0, 4, 5):
                    item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
                if b["status"] != "applied":
                    item.setForeground(QtGui.QColor("#8a939e"))
                item.setToolTip("\n".join([*b["details"].get("summary", []), *b["details"].get("rejected", [])[:20]]))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch)
        table.setVisible(bool(batches))
        self.batches_empty.setVisible(not batches)
        self._update_undo_button()

    def selected_batch(self) -> dict | None:
        rows = {i.row() for i in self.batch_table.selectedIndexes()}
        return self.batches[min(rows)] if rows else None

    def select_batch(self, batch_id: int) -> None:
        for r, b in enumerate(self.batches):
            if b["id"] == batch_id:
                self.batch_table.selectRow(r)
                return

    def _update_undo_button(self) -> None:
        batch = self.selected_batch()
        self.undo_button.setEnabled(bool(batch and batch["can_undo"]))

    def undo_selected(self) -> None:
        batch = self.selected_batch()
        if batch is None or not batch["can_undo"]:
            return
        question = (f"Отменить импорт № {batch['id']} («{batch['file_name']}»)? Записи, добавленные этим "
                    "импортом, будут удалены, изменённые — возвращены к прежним значениям.")
        if not self.confirm(question):
            return
        batch_id = batch["id"]
        self.ctx.run_task(lambda db, progress, cancel: undo_import(db, batch_id, cancel=cancel),
                          title="Отмена импорта…", on_done=self._undone, on_error=self._failed, parent=self)

    def _undone(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.refresh_batches()
        self.committed = False
        self.ctx.notify("all")
        self._update_buttons()
        if self.paths:
            # The files still listed were shown as «Загружен» / «Уже загружен»: what they would load
            # now has changed, so check them again (the file just taken out can be loaded again).
            self._preview_note = text
            self.run_preview()

    def _confirm(self, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, "Импорт файлов", text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def _inform(self, text: str) -> None:
        QtWidgets.QMessageBox.information(self, "Импорт файлов", text)

    # -- closing while work runs -----------------------------------------------------------------
    def may_close(self) -> bool:
        """True when the dialog may close now. While a file check, an import or an undo runs, ask
        whether to stop it; stopping rolls it back (the database stays as it was) and waits for it."""
        if not self.ctx.tasks.active(self):
            return True
        what = {"import": "Идёт загрузка данных в базу", "preview": "Идёт проверка файлов"}.get(
            self._running, "Идёт отмена импорта")
        if not self.confirm(f"{what}. Прервать? Незавершённая загрузка будет отменена, база останется "
                            "такой, какой была до неё."):
            return False
        running = self._running
        self.ctx.tasks.cancel_all(self)
        self.ctx.tasks.settle(self)
        if running == "import" and self.committed:
            self.inform("Прервать не удалось: загрузка завершилась раньше, данные уже в базе. "
                        "Отменить её можно в журнале импорта («Отменить этот импорт»).")
        return True

    def done(self, code: int) -> None:            # every close goes through here: buttons, Esc, ×
        if self.may_close():
            super().done(code)

    def closeEvent(self, event) -> None:
        if self.may_close():
            super().closeEvent(event)
        else:
            event.ignore()
