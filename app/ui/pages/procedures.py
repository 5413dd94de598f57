"""«Процедуры»: ВПР, ОГЭ, ЕГЭ and others — list, results grid, tasks, observers, rechecks, reference."""
from __future__ import annotations

from app.core import procedures as core
from app.core import fmt, roster, scales
from app.core.domain import CHECKED_BY_LABELS, REFERENCE_LEVEL_LABELS
from app.core.errors import UserError
from app.core import edits
from app.ui import undo
from app.ui.common import LazyRefresh, combo_value, fill_combo, fit_header
from app.ui.common import fill_table as _fill_table
from app.ui.common import simple_table as _simple_table
from app.ui.common import style_table as _style_table
from app.ui.qt import QtCore, QtGui, QtWidgets, Signal, pg
from app.ui.scale_dialog import ProcedureDialog, ScaleDialog
from app.ui.style import fit_subtitle, page_header
from app.ui.widgets.forms import FormDialog
from app.ui.widgets.forms import ask as _ask
from app.ui.widgets.forms import button as _button
from app.ui.widgets.forms import stack as _stack
from app.ui.widgets.forms import toolbar as _toolbar
from app.ui.widgets.page import Page
from app.ui.widgets.tables import MARK_COLOURS
from app.ui.widgets.tables import current_id as _current_id

Qt = QtCore.Qt
DR, ER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole
COMPUTED = QtGui.QColor("#eef2f6")
CHART_COLOURS = ["#1f4e79", "#7fa7d1", "#e0a040", "#9aa5b1"]


def _date(iso: str | None) -> str:
    return fmt.date(iso)


def _num(value, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",") if digits else str(round(value))


class ResultsModel(QtCore.QAbstractTableModel):
    """One row per student of the grade; task columns; computed primary score and mark."""

    error = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.proc, self.tasks, self.rows, self.cols = ctx, None, [], [], []
        self.busy = False

    def load(self, grid: dict | None) -> None:
        self.beginResetModel()
        self.proc = grid["procedure"] if grid else None
        self.tasks = grid["tasks"] if grid else []
        self.rows = grid["rows"] if grid else []
        self.cols = self._columns() if grid else []
        self.endResetModel()

    def _columns(self) -> list[tuple[str, object, str]]:
        """Who, then the totals (always in view), then the variant and the tasks (scroll right)."""
        cols = [("code", None, "Код"), ("name", None, "Учащийся"), ("class", None, "Класс"),
                ("absent", None, "Отсут-\nствовал"), ("primary", None, "Первичный\nбалл")]
        if self.proc["scale_kind"] == "test" or self.proc["kind"] == "ege":
            cols.append(("test_score", None, "Тестовый\nбалл"))
        if self.proc["scale_kind"] != "test":
            cols.append(("mark", None, "Отметка"))
        cols += [("journal_mark", None, "Отметка по\nжурналу"), ("variant", None, "Вариант")]
        cols += [("task", t, f"{t['number']}\nиз {t['max_score']}") for t in self.tasks]
        return cols

    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.cols)

    def headerData(self, section, orientation, role=DR):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == DR else None
        key, task, text = self.cols[section]
        if role == DR:
            return text
        if role == Qt.ItemDataRole.ToolTipRole and task:
            level = core.TASK_LEVELS.get(task["level"] or "", "")
            return f"Задание {task['number']}, максимум {task['max_score']} б." + (f", уровень {level}" if level else "")
        return None

    def editable(self, col: int) -> bool:
        key = self.cols[col][0]
        if key == "primary":
            return not self.tasks
        if key == "mark":
            return self.proc["scale_kind"] != "marks"
        return key in ("variant", "task", "test_score", "journal_mark")

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.cols[index.column()][0] == "absent":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable(index.column()) else base

    def _value(self, row: dict, key: str, task):
        if key == "task":
            if row["result_id"] is None or task["id"] not in row["scores"]:
                return ""
            score = row["scores"][task["id"]]
            return "X" if score is None else str(score)
        value = {"code": row["code"], "name": row["full_name"] or "—", "class": row["class_label"] or "",
                 "variant": row["variant"], "primary": row["primary_score"], "mark": row["mark"],
                 "test_score": row["test_score"], "journal_mark": row["journal_mark"]}.get(key)
        return "" if value is None else str(value)

    def data(self, index, role=DR):
        if not index.isValid():
            return None
        row, (key, task, _) = self.rows[index.row()], self.cols[index.column()]
        if key == "absent":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if row["absent"] else Qt.CheckState.Unchecked
            return None
        hint = row["journal_hint"][0] if key == "journal_mark" and row["journal_mark"] is None else None
        if role in (DR, ER):
            if row["absent"] and key in ("primary", "mark", "test_score"):
                return "—" if role == DR else ""
            if hint is not None and role == DR:
                return str(hint)
            return self._value(row, key, task)
        if hint is not None:
            return self._hint_role(role, row["journal_hint"][1])
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("name",):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (row["absent"] or key == "code"):
            return QtGui.QColor("#8a939e")
        if role == Qt.ItemDataRole.BackgroundRole:
            if key in ("mark", "journal_mark") and row[key] in MARK_COLOURS and not row["absent"]:
                return QtGui.QColor(MARK_COLOURS[row[key]])
            if key in ("primary", "mark") and not self.editable(index.column()):
                return COMPUTED
        if role == Qt.ItemDataRole.ToolTipRole and key in ("primary", "mark") and not self.editable(index.column()):
            return "Вычисляется: сумма баллов за задания" if key == "primary" else "Вычисляется по шкале процедуры"
        if role == Qt.ItemDataRole.FontRole and key in ("primary", "mark"):
            font = QtGui.QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _hint_role(role, label: str):
        """A journal mark taken from the journal (not from the results file): grey italic."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QtGui.QColor("#6b7785")
        if role == Qt.ItemDataRole.FontRole:
            font = QtGui.QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Из электронного журнала: {label}. В файле результатов отметки по журналу нет."
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index, value, role=ER):
        row, (key, task, _) = self.rows[index.row()], self.cols[index.column()]
        pid, sid = self.proc["id"], row["student_id"]
        if key == "absent" and role == Qt.ItemDataRole.CheckStateRole:
            absent = Qt.CheckState(value) == Qt.CheckState.Checked
            if absent and row["result_id"] and (row["scores"] or row["primary_score"] is not None) and not _ask(
                    None, f"Отметить учащегося {row['code']} отсутствовавшим? Его баллы будут удалены "
                          "(это можно отменить)."):
                return False
            return self._write("отметку об отсутствии", sid, lambda db: core.set_absent(db, pid, sid, absent))
        if role != ER or not self.editable(index.column()):
            return False
        if key == "task":
            return self._write(f"ввод балла за задание {task['number']}", sid,
                               lambda db: core.set_task_score(db, pid, sid, task["id"], value))
        if key == "primary":
            return self._write("ввод первичного балла", sid, lambda db: core.set_primary_score(db, pid, sid, value))
        return self._write("изменение: " + self.cols[index.column()][2].replace("\n", " ").lower(), sid,
                           lambda db: core.set_result_field(db, pid, sid, key, value))

    def _write(self, text: str, student_id: int, do) -> bool:
        self.busy = True
        try:
            undo.push(self.ctx, edits.result_change(text, self.proc["id"], student_id, do))
        except UserError as exc:
            self.error.emit(str(exc))
            return False
        finally:
            self.busy = False
        self.reload_rows()
        return True

    def reload_rows(self) -> None:
        """Re-read the rows in place (the set of students does not change with an edit)."""
        grid = core.results_grid(self.ctx.db, self.proc["id"])
        if len(grid["rows"]) != len(self.rows) or len(grid["tasks"]) != len(self.tasks):
            self.load(grid)
            return
        self.rows = grid["rows"]
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.cols) - 1))


class ReferenceModel(QtCore.QAbstractTableModel):
    """The school's own shares beside municipality / region / Russia (editable)."""

    COLS = [("n", "Участников"), ("share_2", "«2», %"), ("share_3", "«3», %"), ("share_4", "«4», %"),
            ("share_5", "«5», %"), ("quality", "«4» и «5», %"), ("mean_percent", "Средний %\nвыполнения"),
            ("mean_test", "Средний\nтестовый балл")]
    error = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.pid, self.rows = ctx, None, []

    def load(self, pid: int | None) -> None:
        self.beginResetModel()
        self.pid, self.rows = pid, []
        if pid is not None:
            own = core.school_distribution(self.ctx.db, pid) | {"level": "school"}
            refs = {r["level"]: r for r in core.list_reference_results(self.ctx.db, pid)}
            self.rows = [own] + [refs.get(level, {"level": level}) for level in core.REFERENCE_LEVELS]
        self.endResetModel()

    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.COLS)

    def headerData(self, section, orientation, role=DR):
        if role != DR:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.COLS[section][1]
        level = self.rows[section]["level"]
        return "Школа" if level == "school" else REFERENCE_LEVEL_LABELS[level].capitalize()

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.row() > 0 and self.COLS[index.column()][0] != "quality":
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=DR):
        row, key = self.rows[index.row()], self.COLS[index.column()][0]
        if role in (DR, ER):
            if key == "quality":
                parts = [row.get("share_4"), row.get("share_5")]
                return _num(sum(parts), 1) if None not in parts else ""
            return _num(row.get(key), 0 if key == "n" else 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and (index.row() == 0 or key == "quality"):
            return COMPUTED
        return None

    def setData(self, index, value, role=ER):
        if role != ER or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row = dict(self.rows[index.row()])
        row[self.COLS[index.column()][0]] = value
        values = {k: row.get(k) for k, _ in self.COLS if k != "quality"}
        try:
            undo.push(self.ctx, edits.procedure_change("изменение данных для сравнения", self.pid,
                                  lambda db: core.set_reference_result(db, self.pid, row["level"], **values),
                                  topics=("procedures",)))
        except UserError as exc:
            self.error.emit(str(exc))
            return False
        self.load(self.pid)
        return True


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
        if tid is not None and _ask(self, "Удалить задание? Баллы за него будут удалены, первичные баллы "
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
        self.init_lazy(ctx)
        if ctx.db is not None:
            self.refresh()

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
        if _ask(self, f"Удалить процедуру «{core.procedure_title(proc)}» ({proc['year_label']}) вместе со всеми "
                      "результатами? Удаление можно отменить: Правка → Отменить."):
            undo.push(self.ctx, edits.procedure_change("удаление процедуры", pid,
                                                       lambda db: core.delete_procedure(db, pid)))

    def open_scales(self) -> None:
        if self.ctx.db is None:
            return
        ScaleDialog(self.ctx, self).exec()
        self.refresh()
