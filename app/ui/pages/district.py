"""«Район»: the methodologist's summary of many schools' packets.

Add packets (files or a folder) → each is verified (принят / отклонён: причина) → a table of schools
ordered by risk, a bar chart comparing them, the flags of the chosen school → «Сохранить сводку XLSX…».
Reading and writing run in a worker (app.core.district does the work).
"""
from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path

from app.core import district as core
from app.core.analysis import indicator_defs as defs
from app.core.analysis.thresholds import load_thresholds
from app.ui import prefs
from app.ui.common import fit_header
from app.ui.qt import QtCore, QtGui, QtWidgets, pg
from app.ui.style import DANGER, OK, WARNING, page_header
from app.ui.widgets.page import Page

# (column header, indicator key or attribute, kind, tooltip): the school, then the indicators as the
# core defines them (analysis.indicator_defs) — the same columns, cut-offs and tints as the XLSX summary
TABLE_COLUMNS = [
    ("Школа", "title", "text", "Краткое наименование школы"), ("Код", "code", "text", "Код школы"),
    ("Период", "period", "text", "Период, за который составлен пакет"),
] + [(i.short, i.key, i.kind, i.label + (f" ({i.scope})" if i.scope else "")) for i in defs.DISTRICT]
CHARTS = [
    ("Индексы необъективности ВПР и ОГЭ, %", [("vpr_index", "ВПР", "#1f4e79"), ("oge_index", "ОГЭ", "#e08a2c")]),
    ("Выполнение плана, %", [("plan_completion", "Выполнение плана", "#2e7d32")]),
    ("Признаки необъективности", [("flags_risk", "риск", "#b3261e"), ("flags_attention", "внимание", "#e0b12c")]),
]


ROW_HEIGHT = 26                     # px per school in the chart


def _fmt(value, kind: str) -> str:
    """A cell of the table: the unit is in the header, the value written as everywhere (``indicator_defs``)."""
    return defs.cell(value, kind)


class DistrictPage(Page):
    title = "Район"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = True           # nothing to load from the school DB
        self.paths: list[Path] = []
        self.result: core.SummaryResult | None = None
        self.saved_to: Path | None = None
        self._build()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(page_header(self.title, "Сводка по району из пакетов школ: каждый пакет "
                                  "проверяется, школы упорядочены по признакам риска."))
        bar = QtWidgets.QHBoxLayout()
        add_files = QtWidgets.QPushButton("Добавить пакеты…")
        add_dir = QtWidgets.QPushButton("Добавить папку…")
        clear = QtWidgets.QPushButton("Очистить список")
        self.save_btn = QtWidgets.QPushButton("Сохранить сводку XLSX…")
        self.save_btn.setProperty("primary", True)
        self.save_btn.setEnabled(False)
        add_files.clicked.connect(self._choose_files)
        add_dir.clicked.connect(self._choose_folder)
        clear.clicked.connect(self.clear)
        self.save_btn.clicked.connect(self._choose_save)
        for b in (add_files, add_dir, clear):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.save_btn)
        lay.addLayout(bar)
        split = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        split.addWidget(self._build_packets())
        split.addWidget(self._build_summary())
        split.addWidget(self._build_chart())
        split.setSizes([150, 260, 300])
        lay.addWidget(split, 1)
        self.status = QtWidgets.QLabel("Добавьте пакеты школ (*.zip) — файлы или целую папку.")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

    def _build_packets(self) -> QtWidgets.QWidget:
        self.packets_table = QtWidgets.QTableWidget(0, 3)
        self.packets_table.setHorizontalHeaderLabels(["Файл", "Школа", "Состояние"])
        self.packets_table.horizontalHeader().setStretchLastSection(True)
        self.packets_table.verticalHeader().setVisible(False)
        self.packets_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.packets_table.setWordWrap(True)
        return self.packets_table

    def _build_summary(self) -> QtWidgets.QWidget:
        box = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.summary_table = QtWidgets.QTableWidget(0, len(TABLE_COLUMNS))
        self.summary_table.setHorizontalHeaderLabels([c[0] for c in TABLE_COLUMNS])
        for col, (_h, _k, _kind, tip) in enumerate(TABLE_COLUMNS):
            self.summary_table.horizontalHeaderItem(col).setToolTip(tip)
        self.summary_table.verticalHeader().setVisible(False)
        self.summary_table.setAlternatingRowColors(True)
        self.summary_table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary_table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.summary_table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.summary_table.itemSelectionChanged.connect(self._show_flags)
        fit_header(self.summary_table, {0: 200})     # every header readable; the table scrolls
        self.flags_list = QtWidgets.QListWidget()
        self.flags_list.setWordWrap(True)
        self.flags_list.setAlternatingRowColors(True)
        self.flags_list.setSpacing(2)
        box.addWidget(self.summary_table)
        box.addWidget(self.flags_list)
        box.setSizes([700, 300])
        return box

    def _build_chart(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("Диаграмма:"))
        self.chart_combo = QtWidgets.QComboBox()
        self.chart_combo.addItems([c[0] for c in CHARTS])
        self.chart_combo.currentIndexChanged.connect(self.draw_chart)
        row.addWidget(self.chart_combo)
        row.addStretch(1)
        lay.addLayout(row)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.25)
        self.plot.getPlotItem().invertY(True)
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        # many schools: the chart grows (a bar row each) and scrolls instead of squeezing the bars
        self.chart_scroll = QtWidgets.QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.chart_scroll.setWidget(self.plot)
        self.chart_empty = QtWidgets.QLabel("Диаграмма сравнения школ появится, когда будут добавлены пакеты.")
        self.chart_empty.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.chart_empty.setObjectName("pageSubtitle")
        self.chart_stack = QtWidgets.QStackedWidget()
        self.chart_stack.addWidget(self.chart_empty)
        self.chart_stack.addWidget(self.chart_scroll)
        lay.addWidget(self.chart_stack, 1)
        return box

    # -- public actions ------------------------------------------------------------------------
    def refresh(self) -> None:
        """The district page does not depend on the open school; nothing to reload."""

    def add_paths(self, paths) -> None:
        """Add packet files or folders and read everything again (in a worker)."""
        known = {str(p) for p in self.paths}
        self.paths += [Path(p) for p in paths if str(p) not in known]
        self.read_all()

    def clear(self) -> None:
        self.paths, self.result, self.saved_to = [], None, None
        self._show_result(core.SummaryResult())
        self.status.setText("Список пуст. Добавьте пакеты школ.")

    def read_all(self) -> None:
        paths = list(self.paths)

        thresholds = self.thresholds()

        def work(_db, progress, cancel):
            return core.collect(paths, progress=progress, cancel=cancel, thresholds=thresholds)

        self.ctx.run_task(work, title="Чтение и проверка пакетов…", on_done=self._show_result,
                          on_error=self._failed, parent=self)

    def thresholds(self):
        """The cut-offs of the tints: those of the open school file, or the program's defaults."""
        return load_thresholds(self.ctx.db)

    def save_summary(self, out: str | Path) -> None:
        if self.result is None or not self.result.schools:
            return
        result, out = self.result, Path(out)

        def work(_db, progress, cancel):
            return core.write_summary_xlsx(result, out)

        self.ctx.run_task(work, title="Запись сводки…", on_done=self._saved, on_error=self._failed,
                          parent=self)

    # -- dialogs -------------------------------------------------------------------------------
    def _choose_files(self) -> None:
        files, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Пакеты школ", self._last_dir(), "Пакеты «Объектива» (*.zip);;Все файлы (*)")
        if files:
            prefs.write(self.ctx.qsettings, prefs.DISTRICT_DIR, str(Path(files[0]).parent))
            self.add_paths(files)

    def _choose_folder(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Папка с пакетами школ", self._last_dir())
        if folder:
            prefs.write(self.ctx.qsettings, prefs.DISTRICT_DIR, folder)
            self.add_paths([folder])

    def _choose_save(self) -> None:
        name = f"svodka_{_dt.date.today().isoformat()}.xlsx"
        out, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Сохранить сводку", str(Path(self._last_dir()) / name), "Книга Excel (*.xlsx)")
        if out:
            self.save_summary(out if out.lower().endswith(".xlsx") else out + ".xlsx")

    def _last_dir(self) -> str:
        return str(prefs.read(self.ctx.qsettings, prefs.DISTRICT_DIR) or Path.home())

    # -- results -------------------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> None:
        from app.core.errors import Cancelled, UserError

        if isinstance(exc, Cancelled):
            text = "Действие отменено."
        elif isinstance(exc, UserError):
            text = str(exc)
        else:
            from app.core import logs

            logs.record(exc, "district summary")
            text = logs.unexpected_text(exc, "Непредвиденная ошибка.")
        self.status.setStyleSheet(f"color: {DANGER}")
        self.status.setText(text)

    def _saved(self, out: Path) -> None:
        self.saved_to = Path(out)
        self.status.setStyleSheet(f"color: {OK}")
        self.status.setText(f"Сводка сохранена: {out}")

    def _show_result(self, result: core.SummaryResult) -> None:
        self.result = result
        self._fill_packets(result)
        self._fill_summary(result)
        self.draw_chart()
        self.save_btn.setEnabled(bool(result.schools))
        rejected = sum(1 for p in result.packets if p.status == "rejected")
        self.status.setStyleSheet(f"color: {WARNING}" if rejected else "")
        self.status.setText(f"Пакетов: {len(result.packets)}; школ в сводке: {len(result.schools)}; "
                            f"отклонено: {rejected}." + ("\n" + "\n".join(result.notes) if result.notes else ""))

    def _fill_packets(self, result: core.SummaryResult) -> None:
        t = self.packets_table
        t.setRowCount(len(result.packets))
        colors = {"accepted": OK, "rejected": DANGER, "replaced": WARNING}
        for r, p in enumerate(result.packets):
            for c, text in enumerate([p.path.name, p.school, p.label]):
                item = QtWidgets.QTableWidgetItem(text)
                item.setToolTip(text)
                if c == 2:
                    item.setForeground(QtGui.QColor(colors[p.status]))
                t.setItem(r, c, item)
        t.resizeColumnToContents(0)
        t.resizeColumnToContents(1)
        t.resizeRowsToContents()

    def _fill_summary(self, result: core.SummaryResult) -> None:
        t = self.summary_table
        t.setRowCount(len(result.schools))
        for r, s in enumerate(result.schools):
            for c, (_, key, kind, _tip) in enumerate(TABLE_COLUMNS):
                value = getattr(s, key) if kind == "text" else s.value(key)
                item = QtWidgets.QTableWidgetItem(value if kind == "text" else _fmt(value, kind))
                if kind != "text":
                    item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
                    self._tint(item, s.level(key, result.thresholds))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        self.flags_list.clear()
        if result.schools:
            t.selectRow(0)          # the school with the most risk: its flags are shown at once

    @staticmethod
    def _tint(item: QtWidgets.QTableWidgetItem, level: str | None) -> None:
        """The cell's level as the core decided it, in the colours the XLSX summary uses."""
        if level is not None:
            item.setBackground(QtGui.QColor(defs.TINTS[level]))
            item.setForeground(QtGui.QColor(defs.TINT_TEXT[level]))
            item.setData(QtCore.Qt.ItemDataRole.UserRole, level)

    def _show_flags(self) -> None:
        self.flags_list.clear()
        rows = self.summary_table.selectionModel().selectedRows()
        if not rows or self.result is None:
            self.flags_list.addItem("Выберите школу в таблице — здесь появятся её признаки необъективности.")
            return
        school = self.result.schools[rows[0].row()]
        if not school.flags:
            self.flags_list.addItem(f"{school.title}: признаков необъективности нет.")
        for f in sorted(school.flags, key=lambda f: f.get("level") != "risk"):
            level = core.LEVEL_LABELS.get(f.get("level"), f.get("level"))
            item = QtWidgets.QListWidgetItem(f"[{level}] {f.get('reason', '')}")
            item.setForeground(QtGui.QColor(DANGER if f.get("level") == "risk" else WARNING))
            self.flags_list.addItem(item)

    def draw_chart(self, *_args) -> None:
        self.plot.clear()
        self.legend.clear()
        schools = self.result.schools if self.result else []
        title, series = CHARTS[max(self.chart_combo.currentIndex(), 0)]
        self.plot.setTitle(title)
        self.chart_stack.setCurrentWidget(self.chart_scroll if schools else self.chart_empty)
        if not schools:
            return
        stacked = series[0][0] == "flags_risk"
        height = 0.8 / (1 if stacked else len(series))
        base = [0.0] * len(schools)
        for k, (key, label, color) in enumerate(series):
            values = [float(s.value(key) or 0) for s in schools]
            ys = [i + (0 if stacked else (k - (len(series) - 1) / 2) * height) for i in range(len(schools))]
            bars = pg.BarGraphItem(x0=base if stacked else 0, y=ys, height=height, width=values,
                                   brush=color, pen=pg.mkPen("w"))
            self.plot.addItem(bars)
            self.legend.addItem(bars, label)
            if stacked:
                base = [b + v for b, v in zip(base, values)]
        axis = self.plot.getAxis("left")
        names = [s.title if len(s.title) <= 28 else s.title[:27] + "…" for s in schools]
        axis.setTicks([list(enumerate(names))])
        metrics = QtGui.QFontMetrics(self.plot.font())
        axis.setWidth(max(metrics.horizontalAdvance(n) for n in names) + 16)
        self.plot.setYRange(-0.6, len(schools) - 0.4, padding=0)
        # up to a dozen schools fit the pane; more → taller than the pane, and it scrolls
        self.plot.setMinimumHeight(ROW_HEIGHT * len(schools) + 90 if len(schools) > 12 else 0)
        shown = [float(s.value(key) or 0) for s in schools for key, _, _ in series]
        top = max(max(base) if stacked else min(100.0, max(shown)), 1.0)
        bottom = self.plot.getAxis("bottom")
        if stacked:                    # counts of flags: whole numbers on the axis
            step = max(1, math.ceil(top / 10))
            bottom.setTickSpacing(major=step, minor=step)
        else:
            bottom.setTickSpacing()
        self.plot.setXRange(0, top * 1.25, padding=0)      # room on the right for the legend
