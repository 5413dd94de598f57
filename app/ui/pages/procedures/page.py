"""The «Процедуры» page: the list of procedures of a year and the chosen one in detail."""
from __future__ import annotations

from app.core import edits
from app.core import procedures as core
from app.core import roster
from app.ui import undo
from app.ui.common import LazyRefresh, combo_value, fill_combo, fit_header
from app.ui.common import fill_table as _fill_table
from app.ui.common import simple_table as _simple_table
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.scale_dialog import ProcedureDialog, ScaleDialog
from app.ui.style import fit_subtitle, page_header
from app.ui.widgets import forms
from app.ui.widgets.forms import button as _button
from app.ui.widgets.page import Page
from app.ui.widgets.tables import current_id as _current_id

from .detail import ProcedureDetail
from .models import _date

Qt = QtCore.Qt
LIST_HEADERS = ["Год", "Вид", "Предмет", "Параллель", "Дата", "Писали", "Отсутствовали", "Заданий", "Шкала"]
SIDE_HIDDEN = (0, 5, 6, 7, 8)    # left out when the list stands beside the results (the detail names them)
SIDE_LIST = 390                  # width of that list: kind, subject, grade and date
SIDE_BELOW = 720                 # page height under which the list stands beside the results


def _list_cells(r: dict) -> list[str]:
    return [r["year_label"], r["kind_label"], r["subject"], str(r["grade"]), _date(r["date"]), str(r["n"]), str(r["absent"]),
            str(r["tasks"] or "—"), r["scale_name"] or "не назначена"]


class ProceduresPage(LazyRefresh, Page):
    title = "Процедуры"
    TOPICS = {"procedures", "results", "roster"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._own = False
        self._build()
        self.init_lazy(ctx, show_now=True)

    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        self.header = page_header(self.title, "Результаты ВПР, ОГЭ, ЕГЭ и других процедур: баллы по заданиям, "
                                  "отметки по шкале, наблюдатели, перепроверки, сравнение с эталоном.")
        lay.addWidget(self.header)
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel("Учебный год"))
        self.year_box = QtWidgets.QComboBox()
        self.year_box.setMinimumWidth(110)
        bar.addWidget(self.year_box)
        bar.addSpacing(8)
        add = _button("Новая процедура…", self.new_procedure)
        add.setProperty("primary", True)
        bar.addWidget(add)
        for text, slot in (("Изменить…", self.edit_procedure), ("Удалить", self.delete_procedure),
                           ("Шкалы оценивания…", self.open_scales)):
            bar.addWidget(_button(text, slot))
        bar.addStretch(1)
        lay.addLayout(bar)
        self.split = split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        self.list_view = _simple_table(LIST_HEADERS)
        self.list_view.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fit_header(self.list_view, {0: 96, 2: 190, 3: 92, 4: 96, 8: 240})
        self.list_view.doubleClicked.connect(lambda _: self.edit_procedure())
        split.addWidget(self.list_view)
        self.list_view.setMinimumHeight(4 * 28)
        split.setChildrenCollapsible(False)
        self.detail = ProcedureDetail(self.ctx, self)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self._side: bool | None = None
        self.year_box.currentIndexChanged.connect(lambda _: self._load_list())
        self.list_view.currentCellChanged.connect(lambda *_: self._show_current())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        fit_subtitle(self.header, self.height())
        self.arrange(self.height() < SIDE_BELOW)

    def arrange(self, side: bool) -> None:
        """A page lower than SIDE_BELOW (a netbook, a laptop) puts the list beside the results, cut to
        its key columns, so both show a dozen rows; a tall one keeps the full list above."""
        if side == self._side:
            return
        self._side = side
        self.split.setOrientation(Qt.Orientation.Horizontal if side else Qt.Orientation.Vertical)
        for col in SIDE_HIDDEN:
            self.list_view.setColumnHidden(col, side)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(2, QtWidgets.QHeaderView.ResizeMode.Stretch if side
                                    else QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(not side)
        # beside the results «Параллель» becomes «Класс» (9 — «9 класс»): the subject keeps the width
        self.list_view.horizontalHeaderItem(3).setText("Класс" if side else LIST_HEADERS[3])
        if side:
            self.list_view.setColumnWidth(1, 52)
            self.list_view.setColumnWidth(3, 58)
            self.list_view.setColumnWidth(4, 94)
        self.list_view.setMinimumWidth(SIDE_LIST - 30 if side else 0)
        QtCore.QTimer.singleShot(0, self, self._share_space)

    def _share_space(self) -> None:
        if self._side:
            total = max(sum(self.split.sizes()), SIDE_LIST + 400)
            self.split.setSizes([SIDE_LIST, total - SIDE_LIST])
        else:
            rows = 8 * self.list_view.verticalHeader().defaultSectionSize() + 52
            total = max(sum(self.split.sizes()), rows + 300)
            self.split.setSizes([rows, total - rows])

    def _reset_for_new_db(self) -> None:
        fill_combo(self.year_box, [])
        self.detail.show_procedure(None)

    def _is_busy(self) -> bool:
        return self.detail.busy()

    def refresh(self) -> None:
        self._dirty = False
        db = self.ctx.db
        if db is None:
            _fill_table(self.list_view, [])
            return
        keep = self.year_box.currentData() if self.year_box.count() else roster.current_year_id(db)
        items = [("все годы", 0)] + [(y["label"], y["id"]) for y in reversed(roster.list_years(db))]
        fill_combo(self.year_box, items, keep)
        self._load_list()

    def current_id(self) -> int | None:
        return _current_id(self.list_view)

    def _load_list(self, select: int | None = None) -> None:
        keep = select or self.current_id()
        year = combo_value(self.year_box) or None
        found = core.list_procedures(self.ctx.db, year_id=year) if self.ctx.db else []
        self.list_view.blockSignals(True)
        _fill_table(self.list_view, [(r["id"], _list_cells(r)) for r in found])
        for r, proc in enumerate(found):
            for c in (0, 1, 3, 4, 5, 6, 7):
                self.list_view.item(r, c).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            if not proc["scale_name"]:
                self.list_view.item(r, 8).setForeground(QtGui.QColor("#a15c00"))
        self.list_view.resizeColumnToContents(2)                   # «Математика (базовый уровень)» in full
        self.list_view.setColumnWidth(2, min(max(self.list_view.columnWidth(2), 190), 300))
        ids = [r["id"] for r in found]
        if ids:
            self.list_view.setCurrentCell(ids.index(keep) if keep in ids else 0, 0)
            self.list_view.scrollToItem(self.list_view.currentItem())
        self.list_view.blockSignals(False)
        self._show_current()

    def _show_current(self) -> None:
        self.detail.show_procedure(self.current_id())

    def new_procedure(self) -> None:
        if self.ctx.db is None:
            return
        dlg = ProcedureDialog(self.ctx, None, self, year_id=combo_value(self.year_box) or None)
        if dlg.exec():
            self._load_list(select=dlg.new_id)

    def edit_procedure(self) -> None:
        pid = self.current_id()
        if pid is not None and ProcedureDialog(self.ctx, core.get_procedure(self.ctx.db, pid), self).exec():
            self._load_list(select=pid)

    def delete_procedure(self) -> None:
        pid = self.current_id()
        if pid is None:
            return
        proc = core.get_procedure(self.ctx.db, pid)
        if forms.ask(self, f"Удалить процедуру «{core.procedure_title(proc)}» ({proc['year_label']}) вместе со всеми "
                      "результатами? Удаление можно отменить: Правка → Отменить."):
            undo.push(self.ctx, edits.procedure_change("удаление процедуры", pid,
                                                       lambda db: core.delete_procedure(db, pid)))

    def open_scales(self) -> None:
        if self.ctx.db is None:
            return
        ScaleDialog(self.ctx, self).exec()
        self.refresh()
