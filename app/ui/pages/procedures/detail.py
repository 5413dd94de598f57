"""One procedure in detail: results, tasks, observers, rechecks and the comparison with the reference."""
from __future__ import annotations

from app.core import edits
from app.core import procedures as core
from app.core import scales
from app.core.domain import CHECKED_BY_LABELS
from app.core.errors import UserError
from app.ui import undo
from app.ui.common import fill_combo, fit_header
from app.ui.common import fill_table as _fill_table
from app.ui.common import simple_table as _simple_table
from app.ui.common import style_table as _style_table
from app.ui.qt import QtCore, QtGui, QtWidgets, pg
from app.ui.widgets import forms
from app.ui.widgets.forms import FormDialog
from app.ui.widgets.forms import stack as _stack
from app.ui.widgets.forms import toolbar as _toolbar
from app.ui.widgets.tables import current_id as _current_id

from .models import CHART_COLOURS, ReferenceModel, ResultsModel, _date, _num

Qt = QtCore.Qt


class ProcedureDetail(QtWidgets.QWidget):
    """The chosen procedure: a summary line and tabs for results, tasks, observers, rechecks, reference."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.pid, self._busy = ctx, None, False
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 0, 0)
        self.heading = QtWidgets.QLabel(styleSheet="font-size: 12pt; font-weight: 600; color: #1f4e79;")
        self.info = QtWidgets.QLabel(objectName="pageSubtitle", wordWrap=True)
        lay.addWidget(self.heading)
        lay.addWidget(self.info)
        self.tabs = QtWidgets.QTabWidget()
        self.results = ResultsModel(ctx, self)
        self.results_view = self._grid(self.results)
        self.results_view.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.AnyKeyPressed
                                          | QtWidgets.QAbstractItemView.EditTrigger.DoubleClicked
                                          | QtWidgets.QAbstractItemView.EditTrigger.EditKeyPressed)
        self.results_view.viewport().installEventFilter(self)     # the name column takes the spare width
        self.results_summary = QtWidgets.QLabel(objectName="pageSubtitle", wordWrap=True)
        self.tabs.addTab(_stack(self.results_view, self.results_summary), "Результаты")
        self.tasks = _simple_table(["Задание", "Максимальный\nбалл", "Уровень", "Средний\nбалл",
                                    "Выполнение\nв школе, %", "Муниципалитет,\n%", "Регион,\n%", "Россия,\n%"])
        self.tasks_note = QtWidgets.QLabel(objectName="pageSubtitle", wordWrap=True)
        self.tabs.addTab(_stack(_toolbar([("Добавить задание…", self.add_task), ("Изменить…", self.edit_task),
                                          ("Удалить", self.delete_task)], self.tasks_note), self.tasks), "Задания")
        self.tabs.addTab(self._observers_tab(), "Наблюдатели")
        self.rechecks = _simple_table(["Код", "Учащийся", "Класс", "Балл до", "Балл после", "Изменено критериев",
                                       "Кто перепроверял", "Дата"])
        header = self.rechecks.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        fit_header(self.rechecks, {0: 70, 1: 260, 7: 100})
        header.setSectionResizeMode(6, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.recheck_summary = QtWidgets.QLabel(objectName="pageSubtitle")
        self.tabs.addTab(_stack(_toolbar([("Добавить перепроверку…", self.add_recheck),
                                          ("Удалить", self.delete_recheck)], self.recheck_summary),
                                self.rechecks), "Перепроверки")
        self.reference = ReferenceModel(ctx, self)
        self.reference_view = self._grid(self.reference, stretch=True)
        self.reference_view.setFixedHeight(4 * 26 + 52)
        note = QtWidgets.QLabel("Строка «Школа» считается по результатам; доли отметок муниципалитета, региона и "
                                "России введите из отчётов (двойной щелчок по клетке).", objectName="pageSubtitle",
                                wordWrap=True)
        self.chart = pg.PlotWidget()
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(False, False)
        self.chart.hideButtons()
        self.chart.setMinimumHeight(90)
        # on a 600-pixel screen the table and the chart scroll instead of overlapping; the word-wrapped
        # note stays outside the scroll area (inside, the area would size its page by size hints)
        reference_scroll = QtWidgets.QScrollArea(widgetResizable=True)
        reference_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        reference_scroll.setWidget(_stack(self.reference_view, self.chart))
        reference_scroll.widget().layout().setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(_stack(note, reference_scroll), "Сравнение с эталоном")
        lay.addWidget(self.tabs, 1)
        self.error = QtWidgets.QLabel(styleSheet="color: #b3261e;", wordWrap=True)
        lay.addWidget(self.error)
        self.results.error.connect(self.show_error)
        self.reference.error.connect(self.show_error)
        self.results.dataChanged.connect(lambda *_: self._summarise())

    def _grid(self, model, stretch: bool = False) -> QtWidgets.QTableView:
        view = QtWidgets.QTableView()
        view.setModel(model)
        _style_table(view)
        view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectItems)
        view.verticalHeader().setVisible(True)
        view.horizontalHeader().setStretchLastSection(stretch)
        view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        if stretch:
            view.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        return view

    def _observers_tab(self) -> QtWidgets.QWidget:
        self.obs_present = QtWidgets.QCheckBox("Были общественные наблюдатели")
        self.obs_present.setToolTip("На процедуре присутствовали общественные наблюдатели")
        self.obs_video = QtWidgets.QCheckBox("Велась видеозапись")
        self.obs_present.toggled.connect(lambda v: self._set_field("observers_present", int(v)))
        self.obs_video.toggled.connect(lambda v: self._set_field("video", int(v)))
        self.observers = _simple_table(["ФИО", "Организация", "Вид наблюдения"])
        bar = _toolbar([("Добавить наблюдателя…", self.add_observer), ("Удалить", self.delete_observer)])
        checks = QtWidgets.QWidget()          # a line of their own: the tab fits beside the list
        row = QtWidgets.QHBoxLayout(checks)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.obs_present)
        row.addWidget(self.obs_video)
        row.addStretch(1)
        return _stack(checks, bar, self.observers)

    def busy(self) -> bool:
        return self._busy or self.results.busy

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        window = self.window()
        if isinstance(window, QtWidgets.QMainWindow):
            window.statusBar().showMessage(text, 8000)

    # -- loading ------------------------------------------------------------------------------
    def show_procedure(self, pid: int | None) -> None:
        self.pid = pid
        self.error.clear()
        db = self.ctx.db
        if pid is None or db is None:
            self.heading.setText("Процедура не выбрана" if db is not None else "")
            self.info.setText("Создайте процедуру кнопкой «Новая процедура…» или импортируйте результаты из файла.")
            self.results.load(None)
            self.reference.load(None)
            for table in (self.tasks, self.observers, self.rechecks):
                table.setRowCount(0)
            return
        proc = core.get_procedure(db, pid)
        title = core.procedure_title(proc)
        self.heading.setText(title if proc["year_label"] in title else f"{title} — {proc['year_label']}")
        self.info.setText(self._info_text(proc))
        keep = self.results_view.currentIndex()
        self.results.load(core.results_grid(db, pid))
        self._fit_results()
        if keep.isValid():
            self.results_view.setCurrentIndex(self.results.index(keep.row(), keep.column()))
        self._summarise()
        self._load_tasks()
        self._load_observers(proc)
        self._load_rechecks()
        self.reference.load(pid)
        view = self.reference_view                              # the header and four rows, unclipped
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
                            + sum(view.rowHeight(r) for r in range(self.reference.rowCount())))
        self.reference_view.setColumnHidden(len(ReferenceModel.COLS) - 1, proc["kind"] != "ege")
        self._draw_chart()

    def _draw_chart(self) -> None:
        """Grouped bars: shares of «2»…«5» for the school and each reference level entered."""
        plot = self.chart.getPlotItem()
        plot.clear()
        legend = plot.legend or plot.addLegend(offset=(60, 4))
        legend.clear()
        series = [r for r in self.reference.rows if r.get("share_4") is not None or r["level"] == "school"]
        width = 0.8 / max(len(series), 1)
        for i, row in enumerate(series):
            heights = [row.get(f"share_{m}") or 0 for m in (2, 3, 4, 5)]
            xs = [m - 0.4 + width * (i + 0.5) for m in (2, 3, 4, 5)]
            colour = CHART_COLOURS[i % len(CHART_COLOURS)]
            bars = pg.BarGraphItem(x=xs, height=heights, width=width * 0.92, brush=colour, pen=pg.mkPen(colour))
            plot.addItem(bars)
            legend.addItem(bars, self.reference.headerData(self.reference.rows.index(row), Qt.Orientation.Vertical))
        plot.getAxis("bottom").setTicks([[(m, f"«{m}»") for m in (2, 3, 4, 5)]])
        plot.setLabel("left", "доля работ, %")
        plot.setYRange(0, 100, padding=0.02)
        plot.setXRange(1.5, 5.5, padding=0)
        plot.showGrid(y=True, alpha=0.25)

    @staticmethod
    def _info_text(proc: dict) -> str:
        scale = (f"шкала «{proc['scale_name']}»: {scales.thresholds_text(proc['scale_rules'], proc['max_score'])}"
                 if proc["scale_name"] else "шкала не назначена — отметки вводятся вручную")
        date = _date(proc["date"]) or "дата не указана"
        return (f"{date} · максимальный балл {proc['max_score'] or '—'} · {scale} · проверка: "
                f"{CHECKED_BY_LABELS[proc['checked_by']]} · наблюдатели: {'да' if proc['observers_present'] else 'нет'}"
                f" · видеозапись: {'да' if proc['video'] else 'нет'}")

    def _fit_results(self) -> None:
        """Header-wide columns; the name column takes whatever width is left."""
        view = self.results_view
        view.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        keys = [key for key, _, _ in self.results.cols]
        fit_header(view, {keys.index("name"): 250, keys.index("code"): 60})
        used = sum(view.columnWidth(c) for c in range(len(keys)))
        spare = view.viewport().width() - used
        if spare > 0:
            view.setColumnWidth(1, view.columnWidth(1) + spare)
        view.verticalHeader().setDefaultSectionSize(25)

    def eventFilter(self, watched, event) -> bool:
        if (event.type() == QtCore.QEvent.Type.Resize and self.results.cols
                and watched is self.results_view.viewport()):
            self._fit_results()
        return super().eventFilter(watched, event)

    def _summarise(self) -> None:
        rows = self.results.rows
        wrote = [r for r in rows if r["result_id"] and not r["absent"] and
                 (r["primary_score"] is not None or r["mark"] is not None or r["test_score"] is not None)]
        absent = sum(1 for r in rows if r["absent"])
        marks = [r["mark"] for r in wrote if r["mark"] is not None]
        parts = [f"Учащихся параллели: {len(rows)} · выполняли работу: {len(wrote)} · отсутствовали: {absent}"]
        if marks:
            parts.append(" · ".join(f"«{m}» — {marks.count(m)} ({100 * marks.count(m) / len(marks):.0f} %)"
                                    for m in (5, 4, 3, 2)))
        self.results_summary.setText("   ".join(parts))

    def _load_tasks(self) -> None:
        stats = core.task_stats(self.ctx.db, self.pid)
        self.tasks_note.setText(
            f"Заданий: {len(stats)}; первичный балл — сумма баллов за задания." if stats else
            "Задания не заведены: первичный балл вводится целиком на вкладке «Результаты».")
        _fill_table(self.tasks, [(t["id"], [t["number"], str(t["max_score"]), core.TASK_LEVELS.get(t["level"] or "", ""),
                                           _num(t["mean"], 2), _num(t["percent"], 0)]
                                  + [_num(t["reference"].get(level), 0) for level in core.REFERENCE_LEVELS])
                                 for t in stats])
        for r, t in enumerate(stats):
            for c in range(1, 8):
                self.tasks.item(r, c).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            region = t["reference"].get("region")
            if region is not None and t["percent"] is not None and abs(t["percent"] - region) >= 15:
                self.tasks.item(r, 4).setForeground(QtGui.QColor("#b3261e" if t["percent"] < region else "#1f6b2a"))

    def _load_observers(self, proc: dict) -> None:
        for box, key in ((self.obs_present, "observers_present"), (self.obs_video, "video")):
            box.blockSignals(True)
            box.setChecked(bool(proc[key]))
            box.blockSignals(False)
        _fill_table(self.observers, [(o["id"], [o["full_name"], o["organisation"], core.OBSERVER_KINDS[o["kind"]]])
                                     for o in core.list_observers(self.ctx.db, self.pid)])

    def _load_rechecks(self) -> None:
        found = core.list_rechecks(self.ctx.db, self.pid)
        _fill_table(self.rechecks, [(r["id"], [r["code"], r["full_name"] or "", r["class_label"] or "",
                                              str(r["score_before"]), str(r["score_after"]), str(r["criteria_changed"]),
                                              r["checked_by"], _date(r["date"])]) for r in found])
        for r in range(len(found)):
            for c in (0, 2, 3, 4, 5, 7):
                self.rechecks.item(r, c).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        same = sum(1 for r in found if r["criteria_changed"] == 0 and r["score_before"] == r["score_after"])
        self.recheck_summary.setText(f"Перепроверено работ: {len(found)}; без изменений: {same}"
                                     + (f" ({100 * same / len(found):.0f} %)" if found else ""))

    # -- edits --------------------------------------------------------------------------------
    def _change(self, text: str, do) -> bool:
        if self.pid is None:
            return False
        self._busy = True
        try:
            undo.push(self.ctx, edits.procedure_change(text, self.pid, do))
        except UserError as exc:
            self.show_error(str(exc))
            return False
        finally:
            self._busy = False
        self.show_procedure(self.pid)
        return True

    def _set_field(self, key: str, value) -> None:
        pid = self.pid
        self._change("изменение сведений о наблюдении", lambda db: core.update_procedure(db, pid, **{key: value}))

    def _task_form(self, title: str, task: dict | None) -> None:
        number = QtWidgets.QLineEdit(task["number"] if task else "")
        mx = QtWidgets.QSpinBox(minimum=1, maximum=100, value=task["max_score"] if task else 1)
        level = QtWidgets.QComboBox()
        fill_combo(level, [("не указан", None), ("базовый (Б)", "basic"), ("повышенный (П)", "advanced"),
                           ("высокий (В)", "high")], task and task["level"])
        pid = self.pid

        def save():
            do = (lambda db: core.update_task(db, task["id"], number=number.text(), max_score=mx.value(),
                                              level=level.currentData())) if task else \
                (lambda db: core.add_task(db, pid, number.text(), mx.value(), level.currentData()))
            undo.push(self.ctx, edits.procedure_change("изменение задания" if task else "добавление задания", pid, do))
        if FormDialog(title, [("Номер задания", number), ("Максимальный балл", mx), ("Уровень", level)], save,
                      self).exec():
            self.show_procedure(pid)

    def add_task(self) -> None:
        if self.pid is not None:
            self._task_form("Новое задание", None)

    def edit_task(self) -> None:
        tid = _current_id(self.tasks)
        if tid is not None:
            self._task_form("Задание", next(t for t in core.list_tasks(self.ctx.db, self.pid) if t["id"] == tid))

    def delete_task(self) -> None:
        tid = _current_id(self.tasks)
        if tid is not None and forms.ask(self, "Удалить задание? Баллы за него будут удалены, первичные баллы "
                                          "и отметки пересчитаны."):
            self._change("удаление задания", lambda db: core.delete_task(db, tid))

    def add_observer(self) -> None:
        if self.pid is None:
            return
        name, org, kind = QtWidgets.QLineEdit(), QtWidgets.QLineEdit(), QtWidgets.QComboBox()
        fill_combo(kind, [(v, k) for k, v in core.OBSERVER_KINDS.items()])
        pid = self.pid
        if FormDialog("Наблюдатель", [("ФИО", name), ("Организация", org), ("Вид наблюдения", kind)],
                      lambda: undo.push(self.ctx, edits.procedure_change(
                          "добавление наблюдателя", pid,
                          lambda db: core.add_observer(db, pid, name.text(), org.text(), kind.currentData()))),
                      self).exec():
            self.show_procedure(pid)

    def delete_observer(self) -> None:
        oid = _current_id(self.observers)
        if oid is not None:
            self._change("удаление наблюдателя", lambda db: core.delete_observer(db, oid))

    def add_recheck(self) -> None:
        written = [r for r in self.results.rows if r["result_id"] and not r["absent"]]
        if not written:
            self.show_error("Перепроверку можно внести только для работы с результатом.")
            return
        who = QtWidgets.QComboBox()
        fill_combo(who, [(f"{r['code']} {r['full_name'] or ''} ({r['class_label']})", r["student_id"]) for r in written])
        top = self.results.proc["max_score"] or 100
        before, after = (QtWidgets.QSpinBox(minimum=0, maximum=top) for _ in range(2))
        crit = QtWidgets.QSpinBox(minimum=0, maximum=100)
        by, date = QtWidgets.QLineEdit(), QtWidgets.QDateEdit(QtCore.QDate.currentDate(), calendarPopup=True)
        who.currentIndexChanged.connect(lambda _: before.setValue(next(
            r["primary_score"] or 0 for r in written if r["student_id"] == who.currentData())))
        before.setValue(written[0]["primary_score"] or 0)
        pid = self.pid
        rows = [("Работа", who), ("Балл до", before), ("Балл после", after), ("Изменено критериев", crit),
                ("Кто перепроверял", by), ("Дата", date)]
        if FormDialog("Перепроверка работы", rows, lambda: undo.push(self.ctx, edits.procedure_change(
                "внесение перепроверки", pid, lambda db: core.set_recheck(
                    db, pid, who.currentData(), score_before=before.value(), score_after=after.value(),
                    criteria_changed=crit.value(), checked_by=by.text(),
                    date=date.date().toString("yyyy-MM-dd")))), self).exec():
            self.show_procedure(pid)

    def delete_recheck(self) -> None:
        rid = _current_id(self.rechecks)
        if rid is not None:
            self._change("удаление перепроверки", lambda db: core.delete_recheck(db, rid))
