"""«График ОП»: the schedule of assessment procedures — a month grid (classes × days) and a list; add,
move (drag a cell), copy to the parallel, delete, each undoable; the rules checked after every edit, each
violation with its reason and a jump to its cell; approval, teaching load, vacations; PDF and XLSX."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.core import schedule as sch
from app.core import edits
from app.core.errors import UserError
from app.core.schedule_reports import subject_short_names
from app.core.schedule_rules import RULE_LABELS, ru_date
from app.ui import undo
from app.ui.common import LazyRefresh, combo_value, fill_combo
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.schedule_widgets import (ApprovalDialog, CalendarDialog, ItemDialog, LoadDialog, MonthGrid)
from app.ui.style import page_header
from app.ui.widgets.page import Page

Qt = QtCore.Qt
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")
LIST_HEAD = ("Дата", "Класс", "Предмет", "Форма", "Уровень", "Урок", "Длит.")


class SchedulePage(LazyRefresh, Page):
    title = "График ОП"
    TOPICS = {"schedule", "roster", "procedures", "settings"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.year: dict | None = None
        self.items: list[dict] = []
        self.result: dict = {"violations": [], "notes": [], "procedures": 0}
        self._build()
        self.init_lazy(ctx, show_now=True)

    # -- layout ------------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(page_header(self.title, "График оценочных процедур: не больше одной работы в день, по предмету "
                                  "не чаще раза в 2,5 недели, не больше 10 % учебного времени, не на первом и "
                                  "последнем уроке, не в каникулы. Перетащите клетку, чтобы перенести работу; "
                                  "Ctrl+Z отменяет."))
        bar = QtWidgets.QHBoxLayout()
        self.year_box, self.month_box = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        for label, box in (("Учебный год", self.year_box), ("Месяц", self.month_box)):
            bar.addWidget(QtWidgets.QLabel(label))
            bar.addWidget(box)
        self.year_box.currentIndexChanged.connect(lambda *_: self.refresh(keep_month=False))
        self.month_box.currentIndexChanged.connect(lambda *_: self._show_grid())
        bar.addSpacing(8)
        for text, slot in (("Добавить…", self.add_item), ("На параллель", self.copy_to_parallel),
                           ("Удалить", self.delete_selected)):
            button = QtWidgets.QPushButton(text)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        more = QtWidgets.QPushButton("Ещё")
        menu = QtWidgets.QMenu(more)
        for text, slot in (("Утверждение графика…", self.edit_approval), ("Учебный план (часы в неделю)…", self.edit_load),
                           ("Каникулы и праздники…", self.edit_calendar), (None, None),
                           ("Сохранить PDF (приложение к приказу)…", self.save_pdf),
                           ("Сохранить XLSX для сайта школы…", self.save_xlsx)):
            if text is None:
                menu.addSeparator()
            else:
                menu.addAction(text, slot)
        more.setMenu(menu)
        bar.addWidget(more)
        lay.addLayout(bar)
        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.tabs = QtWidgets.QTabWidget()
        self.grid = MonthGrid()
        self.grid.moved.connect(self.move_items)
        self.grid.cellDoubleClicked.connect(self._grid_double_clicked)
        self.tabs.addTab(self.grid, "Календарь")
        self.list = QtWidgets.QTableWidget(0, len(LIST_HEAD))
        self.list.setHorizontalHeaderLabels(LIST_HEAD)
        self.list.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.verticalHeader().setVisible(False)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.cellDoubleClicked.connect(lambda r, _c: self.edit_item(self._list_key(r)))
        self.tabs.addTab(self.list, "Список")
        split.addWidget(self.tabs)
        side = QtWidgets.QWidget()
        side_lay = QtWidgets.QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        self.verdict = QtWidgets.QLabel()
        self.verdict.setWordWrap(True)
        side_lay.addWidget(self.verdict)
        self.violations = QtWidgets.QListWidget()
        self.violations.setWordWrap(True)
        self.violations.setSpacing(3)
        self.violations.setAlternatingRowColors(True)
        self.violations.itemActivated.connect(self.jump_to)
        self.violations.itemClicked.connect(self.jump_to)
        side_lay.addWidget(self.violations, 1)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([700, 260])
        lay.addWidget(split, 1)
        self.approval = QtWidgets.QLabel()
        self.approval.setObjectName("pageSubtitle")
        self.approval.setWordWrap(True)
        lay.addWidget(self.approval)

    # -- data ----------------------------------------------------------------------------------------
    def refresh(self, keep_month: bool = True) -> None:
        self._dirty = False
        db = self.ctx.db
        if db is None:
            return
        fill_combo(self.year_box, [(y["label"], y["id"]) for y in sch.years(db)], combo_value(self.year_box))
        year_id = combo_value(self.year_box)
        if year_id is None:
            self.year, self.items = None, []
            self.verdict.setText("В базе нет учебного года: создайте его в разделе «Контингент».")
            return
        self.year = sch.resolve_year(db, year_id)
        self.items = sch.list_items(db, year_id)
        self.result = sch.check(db, year_id)
        self._fill_months(keep_month)
        self._show_grid()
        self._show_list()
        self._show_violations()

    def _fill_months(self, keep: bool) -> None:
        start = dt.date.fromisoformat(self.year["start_date"])
        months = []
        y, m = start.year, start.month
        for _ in range(10):              # September … June
            months.append((f"{MONTHS[m - 1]} {y}", f"{y}-{m:02d}"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        current = combo_value(self.month_box) if keep else None
        if current is None:
            today = dt.date.today().strftime("%Y-%m")
            current = today if any(v == today for _, v in months) else months[0][1]
        fill_combo(self.month_box, months, current)

    def _bad_keys(self) -> set:
        return {k for v in self.result["violations"] for k in v["items"]}

    def _show_grid(self) -> None:
        if self.year is None or combo_value(self.month_box) is None:
            return
        y, m = map(int, combo_value(self.month_box).split("-"))
        calendar = sch.school_calendar(self.ctx.db, self.year["id"])

        def off(iso: str, grade: int) -> str | None:
            for c in calendar:
                grades = [g for g in c["grades"].split(",") if g]
                if c["start_date"] <= iso <= c["end_date"] and (not grades or str(grade) in grades):
                    return c["title"] or "каникулы"
            return None

        classes = sch.class_labels(self.ctx.db, self.year["id"])
        self.grid.load(y, m, classes, self.items, self._bad_keys(), off, subject_short_names(self.ctx.db))

    def _show_list(self) -> None:
        self.list.setRowCount(len(self.items))
        bad = self._bad_keys()
        for r, it in enumerate(self.items):
            values = (ru_date(it["date"]), it["class_label"], it["subject"], it["form"], sch.LEVELS[it["level"]],
                      str(it["lesson"] or ""), str(it["duration"]))
            for c, v in enumerate(values):
                cell = QtWidgets.QTableWidgetItem(v)
                cell.setData(Qt.ItemDataRole.UserRole, it["key"])
                if it["key"] in bad:
                    cell.setBackground(QtGui.QColor("#f3b1ab"))
                if not it["editable"]:
                    cell.setForeground(QtGui.QColor("#555555"))
                    cell.setToolTip("Из раздела «Процедуры»: дата меняется там.")
                self.list.setItem(r, c, cell)
        self.list.resizeColumnsToContents()

    def _show_violations(self) -> None:
        self.violations.clear()
        found = self.result["violations"]
        own = sum(1 for i in self.items if i["editable"])
        self.verdict.setText(f"<b>Работ в графике: {len(self.items)}</b> (школьных записей {own}).<br>"
                             + ("Нарушений правил нет." if not found else f"<b style='color:#b3261e'>Нарушений: "
                                                                             f"{len(found)}</b> — щёлкните, чтобы "
                                                                             "перейти к клетке."))
        for v in found:
            item = QtWidgets.QListWidgetItem(f"{RULE_LABELS[v['rule']].capitalize()}. {v['reason']}")
            item.setData(Qt.ItemDataRole.UserRole, v)
            self.violations.addItem(item)
        for note in self.result["notes"][:30]:
            item = QtWidgets.QListWidgetItem(f"Примечание: {note}")
            item.setForeground(QtGui.QColor("#666666"))
            self.violations.addItem(item)
        st = sch.status(self.ctx.db, self.year["id"])
        self.approval.setText(("Наличие графика ОП: есть — " if st["present"] else "Наличие графика ОП: нет — ")
                              + st["basis"] + ".")

    # -- navigation --------------------------------------------------------------------------------------
    def jump_to(self, item: QtWidgets.QListWidgetItem) -> None:
        v = item.data(Qt.ItemDataRole.UserRole)
        if not v or not v["dates"]:
            return
        self.show_cell(v["class"], v["dates"][0])

    def show_cell(self, class_label: str, iso: str) -> None:
        index = self.month_box.findData(iso[:7])
        if index >= 0:
            self.month_box.setCurrentIndex(index)
        self.tabs.setCurrentWidget(self.grid)
        cell = self.grid.cell_of(class_label, iso)
        if cell:
            self.grid.setCurrentCell(*cell)
            self.grid.scrollToItem(self.grid.item(*cell), QtWidgets.QAbstractItemView.ScrollHint.PositionAtCenter)

    def _list_key(self, row: int):
        cell = self.list.item(row, 0)
        return cell.data(Qt.ItemDataRole.UserRole) if cell else None

    def _selected_keys(self) -> list:
        if self.tabs.currentWidget() is self.list:
            rows = {i.row() for i in self.list.selectedIndexes()}
            return [self._list_key(r) for r in sorted(rows)]
        index = self.grid.currentIndex()
        return self.grid.keys_at(index.row(), index.column()) if index.isValid() else []

    def _item(self, key) -> dict | None:
        return next((i for i in self.items if i["key"] == key), None)

    # -- edits (each one undoable) ------------------------------------------------------------------------
    def _perform(self, text: str, do) -> object:
        year_id = self.year["id"]
        try:
            result = undo.push(self.ctx, edits.schedule_change(text, year_id, do))
        except UserError as exc:
            QtWidgets.QMessageBox.warning(self, "Объектив", str(exc))
            return None
        self.refresh()
        return result

    def add_item(self, *, date: str | None = None, class_label: str | None = None) -> None:
        if self.year is None:
            return
        classes = sch.class_labels(self.ctx.db, self.year["id"])
        start = {"class_label": class_label or (classes[0] if classes else ""), "date": date
                 or f"{combo_value(self.month_box)}-15"}
        dialog = ItemDialog(classes, sch.subjects(self.ctx.db, self.year["id"]), start, self)
        dialog.setWindowTitle("Новая оценочная процедура")
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            values = dialog.values
            self._perform(f"добавление работы {values['class_label']}, {values['subject']}",
                          lambda db: sch.add_item(db, self.year["id"], **values))
            self.show_cell(values["class_label"], values["date"])

    def edit_item(self, key) -> None:
        it = self._item(key)
        if it is None:
            return
        if not it["editable"]:
            QtWidgets.QMessageBox.information(self, "Объектив", f"{it['form']} ({it['subject']}, {it['class_label']}) "
                                              "взята из раздела «Процедуры»; её дата меняется там.")
            return
        dialog = ItemDialog(sch.class_labels(self.ctx.db, self.year["id"]), sch.subjects(self.ctx.db, self.year["id"]),
                            it, self)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self._perform(f"изменение работы {it['class_label']}, {it['subject']}",
                          lambda db: sch.update_item(db, it["id"], **dialog.values))

    def _grid_double_clicked(self, row: int, col: int) -> None:
        keys = self.grid.keys_at(row, col)
        editable = [k for k in keys if (self._item(k) or {}).get("editable")]
        if editable:
            self.edit_item(editable[0])
        else:
            self.add_item(date=self.grid.days[col].isoformat(), class_label=self.grid.classes[row])

    def move_items(self, keys: list, class_label: str, iso: str) -> None:
        ids = [self._item(k)["id"] for k in keys if (self._item(k) or {}).get("editable")]
        if not ids:
            QtWidgets.QMessageBox.information(self, "Объектив", "Работы из раздела «Процедуры» переносятся там.")
            return

        def do(db):
            for i in ids:
                sch.update_item(db, i, class_label=class_label, date=iso)

        self._perform(f"перенос работы на {ru_date(iso)} ({class_label})", do)
        self.show_cell(class_label, iso)

    def copy_to_parallel(self) -> None:
        ids = [self._item(k)["id"] for k in self._selected_keys() if (self._item(k) or {}).get("editable")]
        if not ids:
            QtWidgets.QMessageBox.information(self, "Объектив", "Выберите работу школы в календаре или в списке.")
            return
        made = self._perform("копирование работы на параллель",
                             lambda db: sum(len(sch.copy_to_parallel(db, i)) for i in ids))
        self._status(f"Скопировано в классы параллели: {made or 0}.")

    def delete_selected(self) -> None:
        ids = [self._item(k)["id"] for k in self._selected_keys() if (self._item(k) or {}).get("editable")]
        if not ids:
            QtWidgets.QMessageBox.information(self, "Объектив", "Выберите работу школы в календаре или в списке.")
            return
        self._perform(f"удаление работ ({len(ids)})", lambda db: sch.delete_items(db, ids))

    def _status(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QtWidgets.QMainWindow):
            window.statusBar().showMessage(text, 8000)

    # -- the document and the data behind the rules ----------------------------------------------------------
    def _dialog(self, cls) -> None:
        if self.year is None:
            return
        if cls(self.ctx.db, self.year["id"], self).exec() == QtWidgets.QDialog.DialogCode.Accepted or cls is CalendarDialog:
            self.ctx.notify("schedule")
            self.refresh()

    def edit_approval(self) -> None:
        self._dialog(ApprovalDialog)

    def edit_load(self) -> None:
        self._dialog(LoadDialog)

    def edit_calendar(self) -> None:
        self._dialog(CalendarDialog)

    def _save(self, suffix: str, writer, caption: str) -> None:
        if self.year is None:
            return
        name = f"График ОП {self.year['label'].replace('/', '-')}{suffix}"
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, caption, str(Path.home() / name),
                                                        f"*{suffix}")
        if not path:
            return
        path = path if path.lower().endswith(suffix) else path + suffix
        year_id = self.year["id"]
        self.ctx.run_task(lambda db, progress, cancel: writer(db, path, year=year_id), title=caption,
                          on_done=lambda out: self._status(f"Сохранено: {out}"),
                          on_error=lambda exc: QtWidgets.QMessageBox.warning(self, "Объектив", str(exc)), parent=self)

    def save_pdf(self) -> None:
        from app.core.schedule_reports import write_schedule_pdf

        self._save(".pdf", write_schedule_pdf, "Сохранить график (PDF)")

    def save_xlsx(self) -> None:
        from app.core.schedule_reports import write_schedule_xlsx

        self._save(".xlsx", write_schedule_xlsx, "Сохранить график (XLSX)")
