"""Dialogs of the «Процедуры» page: the procedure form and the editor of grading scales.

Scales are data: the built-in ВПР / ОГЭ / ЕГЭ scales are ordinary rows the user may correct or
copy for a new year. Saving a changed scale asks first how many marks will change, then recomputes
them in the same transaction; Правка → Отменить puts the scale and the marks back.
"""
from __future__ import annotations

from app.core import marks as marks_core
from app.core import procedures as core
from app.core import roster, scales
from app.core.domain import CHECKED_BY_LABELS, PROCEDURE_LABELS
from app.core.errors import UserError
from app.core import edits
from app.ui import undo
from app.ui.common import fill_combo
from app.ui.common import fill_table as _fill_table
from app.ui.common import simple_table as _simple_table
from app.ui.common import style_table as _style_table
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.widgets.forms import ask as _ask
from app.ui.widgets.forms import dialog_buttons
from app.ui.widgets.forms import button as _button
from app.ui.widgets.tables import current_id as _current_id

Qt = QtCore.Qt


class ProcedureDialog(QtWidgets.QDialog):
    """Create a procedure (with its tasks) or edit its fields."""

    def __init__(self, ctx, proc: dict | None = None, parent=None, year_id: int | None = None):
        super().__init__(parent)
        self.ctx, self.proc, self.new_id = ctx, proc, None
        self.confirm = lambda text: _ask(self, text)
        self.setWindowTitle("Новая оценочная процедура" if proc is None else "Оценочная процедура")
        self.setMinimumWidth(620)
        lay = QtWidgets.QVBoxLayout(self)
        form = QtWidgets.QFormLayout()
        db = ctx.db
        if proc is None:
            scales.ensure_builtin_scales(db)      # the built-in scales become rows the first time they are needed
        self.kind, self.subject, self.year = QtWidgets.QComboBox(), QtWidgets.QComboBox(), QtWidgets.QComboBox()
        fill_combo(self.kind, [(v, k) for k, v in PROCEDURE_LABELS.items()], proc and proc["kind"])
        fill_combo(self.subject, [(s["name"], s["id"]) for s in marks_core.subjects(db)],
                   proc and proc["subject_id"])
        fill_combo(self.year, [(y["label"], y["id"]) for y in reversed(roster.list_years(db))],
                   proc["year_id"] if proc else year_id)
        self.grade = QtWidgets.QSpinBox(minimum=1, maximum=11, value=proc["grade"] if proc else 5)
        self.date = QtWidgets.QDateEdit(calendarPopup=True, displayFormat="dd.MM.yyyy")
        self.date.setDate(QtCore.QDate.fromString(proc["date"], "yyyy-MM-dd") if proc and proc["date"]
                          else QtCore.QDate.currentDate())
        self.title_edit = QtWidgets.QLineEdit(proc["title"] if proc else "")
        self.title_edit.setPlaceholderText("необязательно; по умолчанию — вид, предмет и класс")
        self.scale = QtWidgets.QComboBox()
        items = [("подобрать автоматически" if proc is None else "без шкалы", None)]
        items += [(f"{s['name']}", s["id"]) for s in scales.list_scales(db)]
        fill_combo(self.scale, items, proc and proc["scale_id"])
        self.checked = QtWidgets.QComboBox()
        fill_combo(self.checked, [(v, k) for k, v in CHECKED_BY_LABELS.items()], proc and proc["checked_by"])
        self.max_score = QtWidgets.QSpinBox(minimum=0, maximum=1000, value=(proc or {}).get("max_score") or 0)
        self.max_score.setSpecialValueText("по сумме заданий")
        for label, widget in (("Вид", self.kind), ("Предмет", self.subject), ("Параллель", self.grade),
                              ("Учебный год", self.year), ("Дата проведения", self.date),
                              ("Название", self.title_edit), ("Шкала", self.scale),
                              ("Проверку выполняет", self.checked), ("Максимальный балл", self.max_score)):
            form.addRow(label, widget)
        lay.addLayout(form)
        self.tasks = None
        if proc is None:
            lay.addWidget(self._tasks_box())
        self.error = QtWidgets.QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        lay.addWidget(self.error)
        lay.addWidget(dialog_buttons(self))

    def _tasks_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Задания")
        lay = QtWidgets.QVBoxLayout(box)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("Число заданий"))
        self.task_count = QtWidgets.QSpinBox(minimum=0, maximum=60, value=0)
        row.addWidget(self.task_count)
        row.addWidget(QtWidgets.QLabel("по"))
        self.task_max = QtWidgets.QSpinBox(minimum=1, maximum=50, value=1)
        row.addWidget(self.task_max)
        row.addWidget(QtWidgets.QLabel("балл(а)"))
        row.addWidget(_button("Заполнить", self._fill_tasks))
        row.addStretch(1)
        lay.addLayout(row)
        self.tasks = QtWidgets.QTableWidget(0, 3)
        self.tasks.setHorizontalHeaderLabels(["Номер задания", "Максимальный балл", "Уровень: Б, П или В"])
        _style_table(self.tasks)
        self.tasks.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.tasks.setMinimumHeight(120)   # the whole dialog fits a 600-pixel screen
        lay.addWidget(self.tasks)
        note = QtWidgets.QLabel("Номера можно исправить прямо в таблице (1, 3.1, 5(1)). Задания можно "
                                "добавить и позже, на вкладке «Задания».")
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        lay.addWidget(note)
        return box

    def _fill_tasks(self) -> None:
        n = self.task_count.value()
        self.tasks.setRowCount(n)
        for r in range(n):
            for c, text in enumerate((str(r + 1), str(self.task_max.value()), "")):
                self.tasks.setItem(r, c, QtWidgets.QTableWidgetItem(text))

    def _task_specs(self) -> list:
        specs, levels = [], {"Б": "basic", "П": "advanced", "В": "high", "": None}
        for r in range(self.tasks.rowCount() if self.tasks else 0):
            cells = [(self.tasks.item(r, c).text().strip() if self.tasks.item(r, c) else "") for c in range(3)]
            if not cells[0]:
                continue
            if not cells[1].isdigit():
                raise UserError(f"Максимальный балл задания {cells[0]}: введите целое число.")
            level = cells[2].upper()[:1]
            if level not in levels:
                raise UserError(f"Уровень задания {cells[0]}: Б, П или В.")
            specs.append((cells[0], int(cells[1]), levels[level]))
        return specs

    def values(self) -> dict:
        if self.subject.currentData() is None or self.year.currentData() is None:
            raise UserError("Выберите предмет и учебный год (их можно добавить на страницах «Контингент» "
                            "и при импорте).")
        return {"kind": self.kind.currentData(), "subject_id": self.subject.currentData(),
                "grade": self.grade.value(), "year_id": self.year.currentData(),
                "date": self.date.date().toString("yyyy-MM-dd"), "title": self.title_edit.text().strip(),
                "scale_id": self.scale.currentData(), "checked_by": self.checked.currentData(),
                "max_score": self.max_score.value() or None}

    def accept(self) -> None:
        try:
            values = self.values()
            if self.proc is None:
                self.new_id = undo.push(self.ctx, edits.create_procedure(tasks=self._task_specs(), **values))
            else:
                pid = self.proc["id"]
                if core.list_tasks(self.ctx.db, pid):
                    values.pop("max_score")
                changed = {k: v for k, v in values.items() if v != self.proc.get(k)}
                n = core.count_marks_changed_by_scale(self.ctx.db, pid, changed["scale_id"]) \
                    if "scale_id" in changed else 0
                if n and not self.confirm(f"С новой шкалой изменятся отметки у {n} работ. Пересчитать отметки?"):
                    return
                if changed:
                    undo.push(self.ctx, edits.procedure_change("изменение процедуры", pid,
                                          lambda db: core.update_procedure(db, pid, **changed)))
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()



class ScaleDialog(QtWidgets.QDialog):
    """List of scales on the left, the chosen scale's form on the right."""

    MARKS = (3, 4, 5)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.scale = ctx, None
        scales.ensure_builtin_scales(ctx.db)
        self.setWindowTitle("Шкалы перевода баллов в отметки")
        # no larger than the screen: a school netbook has 1024×600 (less the title bar and panel)
        screen = (parent.screen() if parent is not None else None) or QtGui.QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 1120, 640)
        self.resize(min(1120, room.width() - 24), min(640, room.height() - 48))
        lay = QtWidgets.QHBoxLayout(self)
        left = QtWidgets.QVBoxLayout()
        self.search = QtWidgets.QLineEdit(placeholderText="Поиск: ВПР, математика, 2024…", clearButtonEnabled=True)
        left.addWidget(self.search)
        self.table = _simple_table(["Шкала", "Год", "Процедур"])
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        left.addWidget(self.table, 1)
        row = QtWidgets.QHBoxLayout()
        for text, slot in (("Новая", self.new_scale), ("Копия", self.copy_scale), ("Удалить", self.delete_scale)):
            row.addWidget(_button(text, slot))
        left.addLayout(row)
        lay.addLayout(left, 6)
        lay.addWidget(self._form(), 5)
        self.search.textChanged.connect(lambda _: self._load())
        self.table.currentCellChanged.connect(lambda *_: self._show(_current_id(self.table)))
        self._load()

    def _form(self) -> QtWidgets.QWidget:
        box = QtWidgets.QGroupBox("Шкала")
        form = self.form = QtWidgets.QFormLayout(box)
        self.name = QtWidgets.QLineEdit()
        self.proc_kind, self.subject, self.kind = QtWidgets.QComboBox(), QtWidgets.QComboBox(), QtWidgets.QComboBox()
        fill_combo(self.proc_kind, [("любой", None)] + [(v, k) for k, v in PROCEDURE_LABELS.items()])
        fill_combo(self.subject, [("любой", None)] + [(s["name"], s["id"]) for s in marks_core.subjects(self.ctx.db)])
        fill_combo(self.kind, [("первичный балл → отметка", "marks"), ("тестовый балл (ЕГЭ)", "test")])
        self.grade = QtWidgets.QSpinBox(minimum=0, maximum=11, specialValueText="любая")
        self.year = QtWidgets.QLineEdit(placeholderText="например 2024/2025; пусто — любой год")
        self.max_score = QtWidgets.QSpinBox(minimum=1, maximum=1000, value=20)
        self.thresholds = {m: QtWidgets.QSpinBox(minimum=1, maximum=1000) for m in self.MARKS}
        self.test = {k: QtWidgets.QSpinBox(minimum=0, maximum=100) for k in ("min", "min_attestat", "high")}
        rows = [("Название", self.name), ("Вид процедуры", self.proc_kind), ("Предмет", self.subject),
                ("Параллель", self.grade), ("Учебный год", self.year), ("Вид шкалы", self.kind),
                ("Максимальный первичный балл", self.max_score)]
        rows += [(f"Отметка «{m}» — с балла", self.thresholds[m]) for m in self.MARKS]
        rows += [("Минимальный тестовый балл", self.test["min"]), ("Минимум для аттестата", self.test["min_attestat"]),
                 ("Высокий результат — от", self.test["high"])]
        for label, widget in rows:
            form.addRow(label, widget)
        self.preview = QtWidgets.QLabel(wordWrap=True, styleSheet="font-weight: 600; color: #1f4e79;")
        self.note = QtWidgets.QLabel(wordWrap=True, objectName="pageSubtitle")
        self.message = QtWidgets.QLabel(wordWrap=True)
        for w in (self.preview, self.note, self.message):
            form.addRow(w)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addStretch(1)
        save = _button("Сохранить шкалу", self.save)
        save.setProperty("primary", True)
        buttons.addWidget(save)
        buttons.addWidget(_button("Закрыть", self.reject))
        form.addRow(buttons)
        for spin in (self.max_score, *self.thresholds.values()):
            spin.valueChanged.connect(lambda _: self._update_preview())
        self.kind.currentIndexChanged.connect(lambda _: self._update_kind())
        return box

    # -- list ---------------------------------------------------------------------------------
    def _load(self, select: int | None = None) -> None:
        keep = select or _current_id(self.table)
        words = self.search.text().lower().split()
        found = [s for s in scales.list_scales(self.ctx.db)
                 if all(w in f"{s['name']} {s['year_label'] or ''} {s['kind_label']}".lower() for w in words)]
        self.table.blockSignals(True)
        _fill_table(self.table, [(s["id"], [s["name"], s["year_label"] or "любой", str(s["used"])]) for s in found])
        ids = [s["id"] for s in found]
        if ids:
            self.table.setCurrentCell(ids.index(keep) if keep in ids else 0, 0)
        self.table.blockSignals(False)
        self._show(_current_id(self.table))

    def _show(self, scale_id: int | None) -> None:
        self.scale = scales.get_scale(self.ctx.db, scale_id) if scale_id else None
        s = self.scale or {"name": "", "procedure_kind": None, "subject_id": None, "grade": None, "year_label": "",
                           "kind": "marks", "max_score": 20, "rules": {"thresholds": [[0, 2], [5, 3], [10, 4], [15, 5]]},
                           "builtin": 0}
        self.name.setText(s["name"])
        self.name.setCursorPosition(0)          # the beginning of a long name, not its tail
        fill_combo(self.proc_kind, _items(self.proc_kind), s["procedure_kind"])
        fill_combo(self.subject, _items(self.subject), s["subject_id"])
        fill_combo(self.kind, _items(self.kind), s["kind"])
        self.grade.setValue(s["grade"] or 0)
        self.year.setText(s["year_label"] or "")
        self.max_score.setValue(s["max_score"] or 100)
        th = dict((mark, low) for low, mark in s["rules"].get("thresholds", []))
        for mark, spin in self.thresholds.items():
            spin.setValue(th.get(mark, 1))
        for key, spin in self.test.items():
            spin.setValue(s["rules"].get(key, 0))
        used = scales.usage_count(self.ctx.db, scale_id) if scale_id else 0
        note = [f"Используется в процедурах: {used}." if scale_id else "Новая шкала: заполните поля и сохраните."]
        if s["builtin"]:
            note.append("Встроенная шкала: проверьте пороги по документу своего года; исправления хранятся в базе школы.")
        self.note.setText(" ".join(note))
        self.message.clear()
        self._update_kind()

    def _update_kind(self) -> None:
        """Show the thresholds of a marks scale or the test-score rules of an ЕГЭ scale."""
        marks = self.kind.currentData() == "marks"
        for spin in self.thresholds.values():
            self.form.setRowVisible(spin, marks)
        for spin in self.test.values():
            self.form.setRowVisible(spin, not marks)
        self._update_preview()

    def _rules(self) -> dict:
        base = dict(self.scale["rules"]) if self.scale else {}
        if self.kind.currentData() == "marks":
            th = [[0, 2]] + [[self.thresholds[m].value(), m] for m in self.MARKS]
            return {k: v for k, v in base.items() if k not in ("min", "min_attestat", "high")} | {"thresholds": th}
        test = {k: spin.value() for k, spin in self.test.items() if spin.value() or k == "min"}
        return {k: v for k, v in base.items() if k != "thresholds"} | test

    def _update_preview(self) -> None:
        try:
            rules = scales.validate_rules(self.kind.currentData(), self._rules(), self.max_score.value())
            self.preview.setText(scales.thresholds_text(rules, self.max_score.value()))
            self.preview.setStyleSheet("font-weight: 600; color: #1f4e79;")
        except UserError as exc:
            self.preview.setText(str(exc))
            self.preview.setStyleSheet("font-weight: 600; color: #b3261e;")

    # -- actions ------------------------------------------------------------------------------
    def values(self) -> dict:
        return {"name": self.name.text(), "kind": self.kind.currentData(),
                "procedure_kind": self.proc_kind.currentData(), "subject_id": self.subject.currentData(),
                "grade": self.grade.value() or None, "year_label": self.year.text().strip() or None,
                "max_score": self.max_score.value(), "rules": self._rules()}

    def save(self, *, confirm=None) -> int | None:
        """Save the form; for a used scale ask before recomputing marks. Returns marks changed."""
        confirm = confirm or (lambda text: _ask(self, text))
        values = self.values()
        try:
            if self.scale is None:
                new_id = undo.push(self.ctx, edits.scale_change("создание шкалы", None,
                                                                lambda db: scales.create_scale(db, **values)))
                self._load(select=new_id)
                self.message.setText("Шкала сохранена.")
                return 0
            sid = self.scale["id"]
            n = scales.count_mark_changes(self.ctx.db, sid, values["rules"], values["kind"])
            if n and not confirm(f"После изменения шкалы изменятся отметки у {n} работ. Пересчитать отметки?"):
                return None
            changed = undo.push(self.ctx, edits.scale_change("изменение шкалы", sid,
                                        lambda db: scales.update_scale(db, sid, **values)))
        except UserError as exc:
            self.message.setText(f"<span style='color:#b3261e'>{exc}</span>")
            return None
        self._load(select=sid)
        self.message.setText(f"Шкала сохранена; пересчитано отметок: {changed}.")
        return changed

    def new_scale(self) -> None:
        self.table.clearSelection()
        self._show(None)

    def copy_scale(self) -> None:
        if self.scale is None:
            return
        values = self.values() | {"name": f"{self.scale['name']} (копия)"}
        try:
            new_id = undo.push(self.ctx, edits.scale_change("копирование шкалы", None,
                                                            lambda db: scales.create_scale(db, **values)))
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self._load(select=new_id)

    def delete_scale(self) -> None:
        if self.scale is None or not _ask(self, f"Удалить шкалу «{self.scale['name']}»?"):
            return
        sid = self.scale["id"]
        try:
            undo.push(self.ctx, edits.scale_change("удаление шкалы", sid, lambda db: scales.delete_scale(db, sid)))
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self._load()


def _items(box: QtWidgets.QComboBox) -> list[tuple[str, object]]:
    return [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
