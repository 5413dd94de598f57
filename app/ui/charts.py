"""Reusable chart widgets of «Анализ» (pyqtgraph). They only draw what ``analysis.views`` computed.

Every chart emits ``students_requested(dict)`` when a bar, a cell or a point is clicked; the dict says
what was clicked (``kind`` plus the row, category, cell, score …) and the page turns it into the list
of pupils. ``export_png(path)`` writes the chart as the user sees it, at twice the screen resolution.
"""
from __future__ import annotations

import html
from pathlib import Path

from app.core import palette
from app.core.analysis import views
from app.core.analysis.comparison import CATEGORIES
from app.core.domain import REFERENCE_LEVEL_LABELS
from app.core.fsutil import atomic_path

from .qt import QtCore, QtGui, QtWidgets, Signal, pg

_TEXT = palette.TEXT
MIN_PLOT = 235       # a plot (axes included) is never squeezed below this: the tab scrolls instead
AXIS_ROOM = 56       # the x axis with its title and the margin above the first row


def row_pitch() -> int:
    """Pixels per class row of the comparison bars: a label's height and a little air, so the
    labels of neighbouring rows never overlap."""
    return QtGui.QFontMetrics(_font(9)).height() + 2


def _font(size: int = 9, bold: bool = False) -> QtGui.QFont:
    f = QtGui.QFont()
    f.setPointSize(size)
    f.setBold(bold)
    return f


class _Legend(QtWidgets.QLabel):
    """Coloured squares with captions above the plot (never over the data); wraps when long."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.items: list[tuple[str, str]] = []

    def set_items(self, items: list[tuple[str, str]]) -> None:
        self.items = list(items)
        parts = [f'<span style="color:{color}; font-size:13pt;">■</span>&nbsp;{html.escape(text).replace(" ", "&nbsp;")}'
                 for color, text in items]
        self.setText(" &nbsp;&nbsp; ".join(parts))
        self.setVisible(bool(items))


class ChartBase(QtWidgets.QWidget):
    """Title, caption, legend and a pyqtgraph plot; a message instead of the plot when there is nothing."""

    students_requested = Signal(object)

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.base_title = title
        self.title = QtWidgets.QLabel(title)
        self.title.setFont(_font(11, True))
        self.title.setWordWrap(True)          # a long scope («ВПР, 2025/2026, Русский язык, 6Б») wraps
        self.caption = QtWidgets.QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #5a6470;")
        self.legend = _Legend()
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setBackground("w")
        self.plot.showGrid(x=False, y=False)
        for side in ("left", "bottom"):
            axis = self.plot.getAxis(side)
            axis.setTextPen(_TEXT)
            axis.setTickFont(_font(9))
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.message = QtWidgets.QLabel()
        self.message.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #5a6470; font-size: 11pt; padding: 30px;")
        self.plot.setMinimumHeight(MIN_PLOT)
        # A plot that needs more height than the tab has (many rows) scrolls here instead of
        # drawing its labels over each other.
        self.plot_area = QtWidgets.QScrollArea()
        self.plot_area.setWidgetResizable(True)
        self.plot_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.plot_area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plot_area.setWidget(self.plot)
        self.plot_area.setMinimumHeight(MIN_PLOT)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        for w in (self.title, self.caption, self.legend):
            lay.addWidget(w)
        lay.addWidget(self.plot_area, 1)
        lay.addWidget(self.message, 1)
        self.message.hide()
        self.plot.setToolTip("Щёлкните по столбцу или ячейке, чтобы увидеть учащихся")

    # -- state ----------------------------------------------------------------------------
    def set_compact(self, on: bool) -> None:
        """On a short screen the caption gives its lines to the plot (it stays as a tooltip)."""
        self.compact = on
        self.layout().setContentsMargins(*((4, 2, 4, 0) if on else (6, 6, 6, 6)))
        self.caption.setVisible(not on and bool(self.caption.text()))
        self.title.setToolTip(self.caption.text() if on else "")

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self.set_compact(getattr(self, "compact", False))

    def set_scope(self, text: str) -> None:
        """Say in the title what the chart is of («ВПР, 2025/2026, Математика»): a saved PNG needs it."""
        self.title.setText(f"{self.base_title}: {text}" if text else self.base_title)

    def clear(self) -> None:
        self.plot.clear()
        self.plot.getAxis("left").setTicks(None)
        self.plot.getAxis("bottom").setTicks(None)

    def show_message(self, text: str) -> None:
        self.clear()
        self.legend.set_items([])
        self.set_caption("")
        self.message.setText(text)
        self.plot.hide()
        self.plot_area.hide()
        self.message.show()

    def _show_plot(self) -> None:
        self.message.hide()
        self.plot_area.show()
        self.plot.show()

    # -- clicks ---------------------------------------------------------------------------
    def hit(self, x: float, y: float) -> dict | None:  # overridden by each chart
        return None

    def click_at(self, x: float, y: float) -> dict | None:
        """Act as if the user clicked at data coordinates (x, y); return what was emitted."""
        payload = self.hit(x, y)
        if payload is not None:
            self.students_requested.emit(payload)
        return payload

    def _scene_clicked(self, event) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton or not self.plot.isVisible():
            return
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        self.click_at(point.x(), point.y())

    # -- export ---------------------------------------------------------------------------
    EXPORT_MIN = (960, 600)   # a saved chart is laid out at least this large, whatever the window

    def export_png(self, path: str | Path, scale: float = 2.0) -> Path:
        """Write the chart (title, legend and plot) as a PNG, ``scale`` × its size on screen.

        A chart squeezed by a small window is laid out again at ``EXPORT_MIN`` for the picture, so a
        saved chart is always readable; the screen is left as it was.
        """
        old = self.size()
        hidden = max(0, self.plot.minimumHeight() - self.plot_area.viewport().height())   # scrolled away
        size = QtCore.QSize(max(old.width(), self.EXPORT_MIN[0]), max(old.height() + hidden, self.EXPORT_MIN[1]))
        if size != old:
            self._layout_at(size)
        try:
            image = QtGui.QImage(int(size.width() * scale), int(size.height() * scale),
                                 QtGui.QImage.Format.Format_ARGB32)
            image.setDevicePixelRatio(scale)
            image.fill(QtGui.QColor("white"))
            painter = QtGui.QPainter(image)
            try:      # children only: the picture keeps its white ground, not the window's grey
                self.render(painter, QtCore.QPoint(0, 0), QtGui.QRegion(),
                            QtWidgets.QWidget.RenderFlag.DrawChildren)
            finally:
                painter.end()
        finally:
            if size != old:
                self._layout_at(old)
        path = Path(path)
        with atomic_path(path) as tmp:
            if not image.save(str(tmp), "PNG"):
                raise OSError(f"Не удалось записать рисунок «{path.name}».")
        return path

    def _layout_at(self, size: QtCore.QSize) -> None:
        self.resize(size)
        self.layout().activate()
        self.plot.resize(self.plot.size())          # pyqtgraph lays its scene out on resize


def _text(item_parent, text: str, x: float, y: float, *, color=_TEXT, anchor=(0.5, 0.5), size=8,
          bold=False) -> None:
    t = pg.TextItem(text, color=color, anchor=anchor)
    t.setFont(_font(size, bold))
    t.setPos(x, y)
    item_parent.addItem(t)


class ComparisonBarsChart(ChartBase):
    """Horizontal 100 % bars per class: lowered / confirmed / raised, counts inside the segments."""

    def __init__(self, parent=None):
        super().__init__("Сравнение с отметками по журналу", parent)
        self.rows: list[dict] = []
        self.plot.invertY(True)
        self.plot.setLabel("bottom", "Доля участников, %")
        self.plot.getAxis("left").setWidth(170)

    def set_rows(self, rows: list[dict]) -> None:
        self.rows = rows
        if not rows:
            self.show_message("Нет работ, у которых есть и отметка за процедуру, и отметка по журналу.\n"
                              "Измените фильтры или загрузите результаты и журнал.")
            return
        self._show_plot()
        self.clear()
        self.legend.set_items([(palette.CATEGORY_COLORS[c], views.CATEGORY_SHORT[c]) for c in CATEGORIES])
        self.set_caption("Отметка за работу ниже журнальной, равна ей или выше. "
                             "Рамка — класс с признаком необъективности.")
        left = [0.0] * len(rows)
        for cat in CATEGORIES:
            widths = [100.0 * r[cat] / r["n"] for r in rows]
            pens = [pg.mkPen(palette.TEXT, width=2) if r["flagged"] else pg.mkPen("w", width=1) for r in rows]
            self.plot.addItem(pg.BarGraphItem(x0=list(left), y=list(range(len(rows))), width=widths, height=0.7,
                                              brush=palette.CATEGORY_COLORS[cat], pens=pens))
            for i, (r, w) in enumerate(zip(rows, widths)):
                if w >= 7:
                    color = "w" if cat != "confirmed" else _TEXT
                    _text(self.plot, f"{r[cat]} ({round(w)} %)" if w >= 16 else str(r[cat]),
                          left[i] + w / 2, i, color=color)
            left = [a + b for a, b in zip(left, widths)]
        # every class row at least a label high (the axis and the title of the x axis take ~60 px)
        self.plot.setMinimumHeight(max(MIN_PLOT, row_pitch() * max(len(rows), 8) + AXIS_ROOM))
        metrics = QtGui.QFontMetrics(_font(9))
        self.plot.getAxis("left").setWidth(max(metrics.horizontalAdvance(f"{r['label']}  (n={r['n']})")
                                               for r in rows) + 18)
        ticks = [(i, f"{r['label']}  (n={r['n']})") for i, r in enumerate(rows)]
        self.plot.getAxis("left").setTicks([ticks])
        self.plot.setXRange(0, 100, padding=0.01)
        self.plot.setYRange(-0.6, max(len(rows), 8) - 0.4, padding=0)

    def hit(self, x: float, y: float) -> dict | None:
        i = round(y)
        if not self.rows or not 0 <= i < len(self.rows) or abs(y - i) > 0.4 or not 0 <= x <= 100:
            return None
        row, left = self.rows[i], 0.0
        for cat in CATEGORIES:
            left += 100.0 * row[cat] / row["n"]
            if x <= left + 1e-9:
                return {"kind": "category", "row": row, "category": cat}
        return None


class CrosstabChart(ChartBase):
    """The journal × external cross-tab as a heatmap with counts; below the diagonal red, above blue."""

    def __init__(self, parent=None):
        super().__init__("Таблица сопряжённости отметок", parent)
        self.data: dict | None = None
        self.plot.setLabel("bottom", "Отметка за процедуру")
        self.plot.setLabel("left", "Отметка по журналу")
        self.plot.setAspectLocked(False)

    def set_data(self, data: dict) -> None:
        self.data = data
        if not data or not data["n"]:
            self.show_message("Нет пар «отметка по журналу — отметка за процедуру» для выбранных фильтров.")
            return
        self._show_plot()
        self.clear()
        table, n = data["table"], data["n"]
        top = max(max(r) for r in table) or 1
        kappa = "—" if data["kappa"] is None else f"{data['kappa']:.2f}".replace(".", ",")
        self.set_caption(f"Всего пар: {n}. Каппа Коэна с квадратичными весами: {kappa}. "
                             "Ниже диагонали — понизили, выше — повысили.")
        self.legend.set_items([(palette.CATEGORY_COLORS[c], views.CATEGORY_SHORT[c]) for c in CATEGORIES])
        for i in range(4):          # journal mark row
            for j in range(4):      # external mark column
                count = table[i][j]
                cat = "confirmed" if i == j else ("lowered" if j < i else "raised")
                color = QtGui.QColor(palette.CATEGORY_COLORS[cat])
                color.setAlphaF(0.12 + 0.88 * count / top if count else 0.04)
                self.plot.addItem(pg.BarGraphItem(x=[j + 2], y=[i + 2], width=0.96, height=0.96,
                                                  brush=color, pen=pg.mkPen(palette.GRID)))
                if count:
                    dark = count / top > 0.55
                    _text(self.plot, f"{count}\n{views.share_text(count, n)}", j + 2, i + 2,
                          color="w" if dark else _TEXT, size=10, bold=True)
        ticks = [[(m, f"«{m}»") for m in (2, 3, 4, 5)]]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        self.plot.setXRange(1.5, 5.5, padding=0)
        self.plot.setYRange(1.5, 5.5, padding=0)

    def hit(self, x: float, y: float) -> dict | None:
        if not self.data or not self.data["n"]:
            return None
        external, journal = round(x), round(y)
        if not (2 <= external <= 5 and 2 <= journal <= 5) or self.data["table"][journal - 2][external - 2] == 0:
            return None
        return {"kind": "cell", "cell": (journal, external), "procedure_ids": self.data["procedure_ids"]}


class HistogramChart(ChartBase):
    """Primary scores with the mark thresholds drawn and the bunching windows highlighted."""

    def __init__(self, parent=None):
        super().__init__("Распределение первичных баллов", parent)
        self.data: dict | None = None
        self.plot.setLabel("bottom", "Первичный балл")
        self.plot.setLabel("left", "Число работ")

    def set_data(self, data: dict | None, hint: str = "") -> None:
        self.data = data
        if not data or not data["n"]:
            self.show_message(hint or "Выберите вид процедуры, предмет и параллель, чтобы увидеть "
                                      "распределение первичных баллов одной работы.")
            return
        self._show_plot()
        self.clear()
        counts, flagged = data["counts"], set(data["flagged_thresholds"])
        brushes = [palette.HISTOGRAM] * len(counts)
        for t in flagged:
            for s in (t - 2, t - 1):
                if 0 <= s < len(counts):
                    brushes[s] = palette.BUNCH_BELOW
            for s in (t, t + 1):
                if 0 <= s < len(counts):
                    brushes[s] = palette.BUNCH_ABOVE
        self.plot.addItem(pg.BarGraphItem(x=list(range(len(counts))), height=counts, width=0.8,
                                          brushes=brushes, pen=pg.mkPen("w")))
        top = max(counts) or 1
        for t, mark in data["thresholds"]:
            if t <= 0:
                continue
            line = pg.InfiniteLine(pos=t - 0.5, angle=90, pen=pg.mkPen(palette.TEXT, width=1.5,
                                                                         style=QtCore.Qt.PenStyle.DashLine))
            self.plot.addItem(line)
            _text(self.plot, f"«{mark}» — от {t} б.", t - 0.4, top * 1.1, anchor=(0, 0.5), size=9, bold=True)
        source = {"scale": "по шкале перевода", "inferred": "определены по самим работам"}.get(
            data.get("thresholds_source"), "не заданы")
        where = f"класс {data['class']}" if data["class"] else "все классы"
        self.set_caption(f"{data['grade']} класс, {where}; работ: {data['n']}. "
                             f"Пунктир — границы отметок ({source}).")
        self.legend.set_items(views.bunching_legend(bool(flagged)))
        self.plot.getAxis("bottom").setTicks([[(s, str(s)) for s in range(0, len(counts), 2 if len(counts) < 40 else 5)]])
        self.plot.setXRange(-0.7, len(counts) - 0.3, padding=0)
        self.plot.setYRange(0, top * 1.2, padding=0)

    def hit(self, x: float, y: float) -> dict | None:
        if not self.data:
            return None
        s = round(x)
        if not 0 <= s < len(self.data["counts"]) or not self.data["counts"][s] or y < 0 or y > self.data["counts"][s] + 0.5:
            return None
        return {"kind": "score", "score": s, "procedure_id": self.data["procedure_id"], "class": self.data["class"]}


class CohortChart(ChartBase):
    """Share of «4» and «5» of the same pupils across years, a line per class."""

    def __init__(self, parent=None):
        super().__init__("Динамика результатов тех же учащихся", parent)
        self.lines: list[dict] = []
        self.years: list[str] = []
        self.plot.setLabel("left", "Доля «4» и «5», %")
        self.plot.setLabel("bottom", "Учебный год")

    def set_lines(self, lines: list[dict]) -> None:
        self.lines = lines
        if not lines:
            self.show_message("Нет учащихся с результатами по этому предмету в нескольких годах подряд.\n"
                              "Выберите предмет и год, в котором есть результаты прошлых лет.")
            return
        self._show_plot()
        self.clear()
        self.years = sorted({p["year"] for ln in lines for p in ln["points"]})
        legend = []
        for k, ln in enumerate(lines):
            color = palette.series_color(k)
            xs = [self.years.index(p["year"]) for p in ln["points"]]
            ys = [p["share45"] for p in ln["points"]]
            pen = pg.mkPen(color, width=4 if ln["flagged"] else 2)
            self.plot.plot(xs, ys, pen=pen, symbol="o", symbolSize=9, symbolBrush=color, symbolPen="w")
            _text(self.plot, ln["class"], xs[-1] + 0.06, ys[-1], color=color, anchor=(0, 0.5), size=9, bold=True)
            legend.append((color, f"{ln['class']} ({ln['subject']})" + (" — признак" if ln["flagged"] else "")))
        self.legend.set_items(legend[:10])
        self.set_caption("Линия — учащиеся класса и их же результаты в прошлые годы (по коду). "
                             "Толстая линия — признак падения.")
        self.plot.getAxis("bottom").setTicks([[(i, y) for i, y in enumerate(self.years)]])
        self.plot.setXRange(-0.3, len(self.years) - 0.5, padding=0)
        self.plot.setYRange(0, 105, padding=0)

    def hit(self, x: float, y: float) -> dict | None:
        best, best_d = None, 0.25
        for ln in self.lines:
            for p in ln["points"]:
                d = abs(self.years.index(p["year"]) - x) + abs(p["share45"] - y) / 100.0 * 3
                if d < best_d:
                    best, best_d = {"kind": "cohort", "line": ln, "point": p}, d
        return best


class ReferenceChart(ChartBase):
    """Share of «4» and «5»: the school (or class) against municipality, region and Russia."""

    LEVELS = ("municipality", "region", "russia")

    def __init__(self, parent=None):
        super().__init__("Результаты школы и эталон", parent)
        self.rows: list[dict] = []
        self.plot.setLabel("left", "Доля «4» и «5», %")

    def set_rows(self, rows: list[dict], scope: str = "Школа") -> None:
        self.rows = rows
        if not rows:
            self.show_message("Нет отметок за процедуры для выбранных фильтров.")
            return
        self._show_plot()
        self.clear()
        self.scope = scope
        width = 0.8 / (1 + len(self.LEVELS))
        school = [r["share45"] for r in rows]
        self.plot.addItem(pg.BarGraphItem(x=[i - 0.4 + width / 2 for i in range(len(rows))], height=school,
                                          width=width * 0.95, brush=palette.SCHOOL, pen=pg.mkPen("w")))
        for i, r in enumerate(rows):
            _text(self.plot, f"{round(r['share45'])}", i - 0.4 + width / 2, r["share45"], anchor=(0.5, 1), size=8)
        for k, level in enumerate(self.LEVELS, start=1):
            xs = [i - 0.4 + width * (k + 0.5) for i, r in enumerate(rows) if level in r["refs"]]
            hs = [r["refs"][level] for r in rows if level in r["refs"]]
            if xs:
                self.plot.addItem(pg.BarGraphItem(x=xs, height=hs, width=width * 0.95,
                                                  brush=palette.REFERENCE_COLORS[level], pen=pg.mkPen("w")))
        self.legend.set_items([(palette.SCHOOL, scope)] + [(palette.REFERENCE_COLORS[lv], REFERENCE_LEVEL_LABELS[lv].capitalize()) for lv in self.LEVELS])
        missing = sum(1 for r in rows if not r["refs"])
        self.set_caption("Эталон — результаты муниципалитета, региона и России по той же работе."
                             + (f" Для {missing} из {len(rows)} работ эталон не введён." if missing else ""))
        self.plot.getAxis("bottom").setTicks([[(i, r["label"]) for i, r in enumerate(rows)]])
        self.plot.setXRange(-0.6, len(rows) - 0.4, padding=0)
        self.plot.setYRange(0, 108, padding=0)

    def hit(self, x: float, y: float) -> dict | None:
        i = round(x)
        if not self.rows or not 0 <= i < len(self.rows):
            return None
        width = 0.8 / (1 + len(self.LEVELS))
        left = i - 0.4
        if left <= x <= left + width and 0 <= y <= self.rows[i]["share45"] + 2:
            return {"kind": "good_marks", "row": self.rows[i]}
        return None
