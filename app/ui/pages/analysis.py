"""«Анализ»: filters, charts with drill-down to pupils, the indicator tables and the flags list.

The analysis is computed by ``app.core.analysis.run`` in a worker; this page only chooses what to
show (``analysis.views``) and draws it (``app.ui.charts``).
"""
from __future__ import annotations

from pathlib import Path

from app.core.analysis import indicator_defs as defs
from app.core.analysis import run, tables, views
from app.core.analysis.engine import medal_index_value, objectivity_pooled
from app.core.analysis.thresholds import load_student_display
from app.core.domain import FLAG_LEVEL_LABELS, PROCEDURE_LABELS
from app.ui import charts
from app.ui.flags_view import FlagsView
from app.ui.common import CollapsibleBox, LazyRefresh, compact_combo, fill_combo
from app.ui.qt import QtCore, QtGui, QtPrintSupport, QtWidgets
from app.ui.style import SHORT_PAGE, fit_subtitle, page_header
from app.ui.widgets.page import Page

Qt = QtCore.Qt
TAB_KEYS = ["comparison", "crosstab", "histogram", "cohort", "reference", "tables"]
TAB_TITLES = ["Сравнение с журналом", "Сопряжённость", "Первичные баллы", "Когорты", "Эталон", "Показатели"]
FLAG_TABLES = {"medals": "medals", "rechecks": "rechecks", "observers": "observers"}
FLAGGED_FILL = QtGui.QColor("#fde3e1")
CARDS_OPEN_FROM = 760     # a lower page shows the four cards as one line (a click opens them)
CHARTS_NEED = 380         # tabs, title, legend and a plot of eleven class rows
FLAGS_MIN = 150           # the flags list: its caption, header and two rows


def _card(caption: str) -> tuple[QtWidgets.QFrame, QtWidgets.QLabel, QtWidgets.QLabel]:
    frame = QtWidgets.QFrame(objectName="card")
    lay = QtWidgets.QVBoxLayout(frame)
    lay.setContentsMargins(12, 8, 12, 8)
    lay.setSpacing(0)
    value = QtWidgets.QLabel("—", objectName="cardValue")
    cap = QtWidgets.QLabel(caption, objectName="cardCaption")
    cap.setWordWrap(True)
    note = QtWidgets.QLabel("", objectName="cardCaption")
    note.setWordWrap(True)
    frame.setMinimumWidth(175)   # the longest caption word («неподтверждения») is not clipped
    lay.addWidget(value)
    lay.addWidget(cap)
    lay.addWidget(note)
    return frame, value, note


def _cell_text(value, fmt: str) -> str:
    if value is None or value == "":
        return ""
    if fmt == "pct" and isinstance(value, (int, float)):
        return defs.cell(value)             # a percent is written one way everywhere: «25», «22,2»
    if fmt in ("num", "p") and isinstance(value, (int, float)):
        digits = {"num": 2, "p": 4}[fmt]
        return f"{value:.{digits}f}".replace(".", ",")
    return str(value)


def _scope_text(f: views.Filters) -> str:
    """What the filters select, for the chart titles: «ВПР, 2025/2026, Математика, 6Б»."""
    parts = [PROCEDURE_LABELS.get(f.kind, f.kind) if f.kind else "все процедуры", f.year or "все годы"]
    if f.subject:
        parts.append(f.subject)
    if f.class_label:
        parts.append(f.class_label)
    elif f.grade:
        parts.append(f"{f.grade} класс")
    return ", ".join(parts)


class _ScrollBody(QtWidgets.QWidget):
    """The page body inside its scroll area: it takes the height it is given, down to its minimum.

    Word-wrapped labels give the layout a height-for-width, and a scroll area would then grow the
    body to its preferred height (and push the flags list out of sight) even on a large screen.
    """

    def heightForWidth(self, width: int) -> int:
        return self.minimumHeight()


class StudentsPanel(QtWidgets.QWidget):
    """The pupils behind the last clicked bar, cell or point."""

    HEADERS = ["Учащийся", "Класс", "Предмет", "Журнал", "Работа", "Балл"]
    TIPS = ["Код участника (или фамилия и имя, если так выбрано в настройках)", "Класс", "Предмет",
            "Отметка по журналу, с которой сравнивалась работа", "Отметка за работу",
            "Первичный балл (для ЕГЭ — тестовый балл)"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QtWidgets.QLabel("Учащиеся")
        self.title.setStyleSheet("font-weight: 600;")
        self.title.setWordWrap(True)
        self.table = QtWidgets.QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        for col, tip in enumerate(self.TIPS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.hint = QtWidgets.QLabel("Щёлкните по столбцу, ячейке или точке графика — здесь появятся "
                                     "учащиеся, которые за ними стоят.")
        self.hint.setWordWrap(True)
        self.hint.setObjectName("pageSubtitle")
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addWidget(self.table, 1)

    def show_students(self, title: str, rows: list[dict], display: str) -> None:
        self.title.setText(f"{title} — {len(rows)} чел.")
        self.hint.setVisible(not rows)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            who = f"{r['name']} ({r['code']})" if display == "names" and r["name"] else r["code"]
            score = r["primary"] if r["primary"] is not None else r["test"]
            for j, value in enumerate((who, r["class"], r["subject"], r["journal"], r["mark"], score)):
                item = QtWidgets.QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, "" if value is None else value)
                self.table.setItem(i, j, item)
        self.table.setSortingEnabled(True)
        # A column with one value for everybody (the chosen class or subject) says nothing: hide it.
        for col, key in ((1, "class"), (2, "subject")):
            self.table.setColumnHidden(col, len({r[key] for r in rows}) <= 1)
        self.table.resizeColumnsToContents()
        for col in (3, 4, 5):                 # short numbers: keep the narrow panel free for all columns
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), 72))

    def clear(self) -> None:
        self.title.setText("Учащиеся")
        self.hint.show()
        self.table.setRowCount(0)
        for col in (1, 2):
            self.table.setColumnHidden(col, False)


class IndicatorTables(QtWidgets.QWidget):
    """One indicator group at a time, rows with a flag highlighted (the same tables as the XLSX)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tables: list[tables.Table] = []
        self.choice = QtWidgets.QComboBox()
        self.choice.currentIndexChanged.connect(self._show)
        self.note = QtWidgets.QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("pageSubtitle")
        self.grid = QtWidgets.QTableWidget()
        self.grid.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.verticalHeader().setVisible(False)
        self.grid.verticalHeader().setDefaultSectionSize(24)
        self.grid.setAlternatingRowColors(True)
        header = self.grid.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        header.setMinimumHeight(52)
        self.year: str | None = None
        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel("Группа показателей:"))
        top.addWidget(self.choice, 1)
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.note)
        lay.addWidget(self.grid, 1)

    def set_tables(self, items: list[tables.Table]) -> None:
        keep = self.choice.currentData()
        self.tables = items
        fill_combo(self.choice, [(t.title, t.key) for t in items], keep=keep)
        self._show()

    def set_year(self, year: str | None) -> None:
        """Show only the rows of one academic year (tables with a «Год» column)."""
        self.year = year
        self._show()

    def select(self, key: str) -> None:
        index = self.choice.findData(key)
        if index >= 0:
            self.choice.setCurrentIndex(index)

    def _show(self) -> None:
        t = next((x for x in self.tables if x.key == self.choice.currentData()), None)
        self.grid.clear()
        if t is None:
            self.grid.setRowCount(0)
            return
        self.note.setText(t.note)
        self.note.setVisible(bool(t.note))
        self.grid.setColumnCount(len(t.columns))
        self.grid.setHorizontalHeaderLabels([c[0] for c in t.columns])
        for j, (head, _w, _f) in enumerate(t.columns):
            self.grid.horizontalHeaderItem(j).setToolTip(t.tips.get(head, head))
        year_col = next((j for j, c in enumerate(t.columns) if c[0] == "Год"), None)
        rows = [(v, fl) for v, fl in zip(t.rows, t.flagged)
                if self.year is None or year_col is None or v[year_col] in (self.year, "")]
        self.grid.setRowCount(len(rows))
        for i, (values, flagged) in enumerate(rows):
            for j, (value, (_, _, fmt)) in enumerate(zip(values, t.columns)):
                item = QtWidgets.QTableWidgetItem(_cell_text(value, fmt))
                if fmt != "text":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if flagged:
                    item.setBackground(FLAGGED_FILL)
                self.grid.setItem(i, j, item)
        for j, (_, width, _) in enumerate(t.columns):
            self.grid.setColumnWidth(j, int(min(width, 60) * 8 + 12))


class AnalysisPage(LazyRefresh, Page):
    title = "Анализ"
    TOPICS = {"marks", "results", "procedures", "roster", "analysis", "settings", "scales"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.analysis = None
        self.result: dict | None = None
        self.pending_flag: dict | None = None
        self.loaded = False
        self.display = "codes"
        self._build()
        self.init_lazy(ctx)
        ctx.navigate.connect(self._on_navigate)

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        # Room goes to the charts: on a short page (a 1024×600 netbook) the subtitle hides, the cards
        # and the flags fold to one line each (a click opens them), and a chart with many rows
        # scrolls inside its tab instead of squeezing its labels together.
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.page_scroll = scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        body = _ScrollBody()
        body.setMinimumWidth(600)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        scroll.verticalScrollBar().rangeChanged.connect(self._show_flags_box)
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(16, 10, 16, 8)
        lay.setSpacing(6)
        head = QtWidgets.QHBoxLayout()
        self.header = page_header(self.title, "Где отметки по журналу и результаты оценочных процедур "
                                              "расходятся и какие признаки необъективности увидит муниципалитет.")
        subtitle = self.header.subtitle          # under the buttons, full width: one line on a laptop
        self.header.layout().removeWidget(subtitle)
        head.addWidget(self.header, 1)
        for text, slot, primary in (("Настройки…", self.open_settings, False),
                                    ("Сохранить график…", self.export_chart, False),
                                    ("Отчёт…", self.choose_report, True)):
            button = QtWidgets.QPushButton(text)
            button.clicked.connect(slot)
            button.setProperty("primary", primary)
            head.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addLayout(head)
        lay.addWidget(subtitle)
        lay.addLayout(self._filter_bar())
        self.cards_box = CollapsibleBox("Показатели", self._cards())
        lay.addWidget(self.cards_box)
        self.charts = {"comparison": charts.ComparisonBarsChart(), "crosstab": charts.CrosstabChart(),
                       "histogram": charts.HistogramChart(), "cohort": charts.CohortChart(),
                       "reference": charts.ReferenceChart()}
        self.indicator_tables = IndicatorTables()
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        for key, title in zip(TAB_KEYS, TAB_TITLES):
            self.tabs.addTab(self.charts.get(key) or self.indicator_tables, title)
        for chart in self.charts.values():
            chart.students_requested.connect(self.show_students)
        self.students = StudentsPanel()
        self.students.setMinimumWidth(200)   # the chart keeps more of a 1024-pixel screen
        self.flags_view = FlagsView(self.ctx)
        self.flags_view.setMinimumHeight(110)
        top = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.tabs)
        top.addWidget(self.students)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        top.setSizes([760, 260])
        top.setChildrenCollapsible(False)
        self.flags_box = CollapsibleBox("Признаки необъективности", self.flags_view)
        self.split = split = QtWidgets.QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.flags_box)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        lay.addWidget(split, 1)
        # a panel the user opened or folded stays so; until then it follows the page height
        self._auto_fold = {"cards": True, "flags": True}
        self.cards_box.button.clicked.connect(lambda: self._auto_fold.update(cards=False))
        self.flags_box.button.clicked.connect(lambda: self._auto_fold.update(flags=False))
        self.flags_box.toggled.connect(self._flags_toggled)
        self._compact: bool | None = None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_to_height(self.height())

    def fit_to_height(self, height: int) -> None:
        """Lay the page out for its height: the flags fold on a netbook, the cards below 760 px."""
        fit_subtitle(self.header, height)
        if self._auto_fold["cards"]:
            self.cards_box.set_expanded(height >= CARDS_OPEN_FROM)
        if self._auto_fold["flags"]:
            self.flags_box.set_expanded(height >= SHORT_PAGE)
        compact = height < SHORT_PAGE
        if compact != self._compact:
            self._compact = compact
            for chart in self.charts.values():
                chart.set_compact(compact)

    def _flags_toggled(self, on: bool) -> None:
        if on:
            QtCore.QTimer.singleShot(0, self, self._share_height)

    def _share_height(self) -> None:
        """The charts get what a chart of eleven classes needs; the flags the rest (at least ~2 rows)."""
        total = sum(self.split.sizes())
        if total <= 0 or not self.flags_box.expanded():
            return
        flags = min(max(FLAGS_MIN, total - CHARTS_NEED), total * 45 // 100)
        self.split.setSizes([total - flags, flags])
        # on a netbook the opened list may lie below the fold: bring it into view once the page
        # has grown (the scroll range changes) or at once if it need not grow
        self._reveal_flags = True
        self._show_flags_box()

    def _show_flags_box(self, *_range) -> None:
        if getattr(self, "_reveal_flags", False) and self.flags_box.expanded():
            self.page_scroll.ensureWidgetVisible(self.flags_box, 0, 0)
            if self.page_scroll.verticalScrollBar().maximum() > 0:
                self._reveal_flags = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_shared", False):
            self._shared = True
            QtCore.QTimer.singleShot(0, self, self._share_height)

    def _filter_bar(self) -> QtWidgets.QHBoxLayout:
        """Five filters whose choices name themselves («Все виды», «5 класс», «Все классы»), so they
        need no labels and fit a 1024-pixel screen with no text cut."""
        bar = QtWidgets.QHBoxLayout()
        bar.addWidget(QtWidgets.QLabel("Показать:"))
        self.filter_boxes: dict[str, QtWidgets.QComboBox] = {}
        for key, tip in (("year", "Учебный год"), ("kind", "Вид оценочной процедуры"), ("subject", "Предмет"),
                         ("grade", "Параллель"), ("class_label", "Класс")):
            box = compact_combo(QtWidgets.QComboBox(), {"year": 9, "subject": 12}.get(key, 6))
            box.setToolTip(tip)
            box.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Fixed)
            if key == "subject":     # the one that may take the spare width
                box.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)
            box.currentIndexChanged.connect(lambda _i, k=key: self._filter_changed(k))
            self.filter_boxes[key] = box
            bar.addWidget(box)
        bar.addStretch(1)
        return bar

    def _cards(self) -> QtWidgets.QWidget:
        holder = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.card_values = {}
        for key, caption in (("vpr", "Индекс необъективности ВПР"), ("oge", "Индекс необъективности ОГЭ"),
                             ("flags", "Признаки необъективности"), ("medals", "Индекс неподтверждения медалистов")):
            frame, value, note = _card(caption)
            self.card_values[key] = (value, note)
            row.addWidget(frame)
        return holder

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._dirty = False
        if self.ctx.db is None:
            self.analysis, self.result, self.loaded = None, None, False
            self._update_views()
            return
        self.display = load_student_display(self.ctx.db)
        self.ctx.run_task(lambda db, progress, cancel: run(db), title="Выполняется анализ…",
                          on_done=self._loaded, parent=self)

    def _loaded(self, analysis) -> None:
        self.analysis, self.result, self.loaded = analysis, analysis.as_json(), True
        self.indicator_tables.set_tables(tables.all_tables(self.result))
        keep = self.filters() if any(self.filters().as_dict().values()) else views.default_filters(analysis)
        self._fill_filters(keep)
        self._update_views()
        if self.pending_flag is not None:
            flag, self.pending_flag = self.pending_flag, None
            self.open_flag(flag)

    def filters(self) -> views.Filters:
        values = {k: (b.currentData() if b.count() else None) for k, b in self.filter_boxes.items()}
        return views.Filters(**values)

    def _fill_filters(self, f: views.Filters) -> None:
        opts = views.filter_options(self.analysis) if self.analysis else {
            "years": [], "kinds": [], "subjects": [], "grades": [], "classes": []}
        items = {"year": [("Все годы", None)] + [(y, y) for y in reversed(opts["years"])],
                 "kind": [("Все виды", None)] + [(label, k) for k, label in opts["kinds"]],
                 "subject": [("Все предметы", None)] + [(s, s) for s in opts["subjects"]],
                 "grade": [("Все параллели", None)] + [(f"{g} класс", g) for g in opts["grades"]]}
        for key, values in items.items():
            fill_combo(self.filter_boxes[key], values, keep=getattr(f, key))
        self._fill_classes(f.class_label)

    def _fill_classes(self, keep) -> None:
        f = self.filters()
        classes = views.class_options(self.analysis, views.Filters(year=f.year, kind=f.kind, subject=f.subject,
                                                                   grade=f.grade)) if self.analysis else []
        fill_combo(self.filter_boxes["class_label"], [("Все классы", None)] + [(c, c) for c in classes], keep=keep)

    def set_filters(self, f: views.Filters) -> None:
        """Choose filter values (those not offered fall back to «все»)."""
        self._fill_filters(f)
        self._update_views()

    def _filter_changed(self, key: str) -> None:
        if key != "class_label":
            self._fill_classes(self.filter_boxes["class_label"].currentData())
        self._update_views()

    # -- drawing ---------------------------------------------------------------------------------
    def _update_views(self) -> None:
        a, f = self.analysis, self.filters()
        if a is None:
            for chart in self.charts.values():
                chart.show_message("Откройте или создайте файл школы.")
            self.flags_view.set_flags([])
            self.indicator_tables.set_tables([])
            return
        scope = _scope_text(f)
        for chart in self.charts.values():
            chart.set_scope(scope)
        self.charts["comparison"].set_rows(views.comparison_bars(a, f))
        self.charts["crosstab"].set_data(views.crosstab(a, f))
        hint = "" if len(views.selected_procedures(a, f)) <= 1 else (
            "Распределение баллов строится для одной работы: выберите год, вид процедуры, предмет и параллель.")
        self.charts["histogram"].set_data(views.histogram(a, f), hint)
        self.charts["cohort"].set_lines(views.cohort_lines(a, f))
        self.charts["reference"].set_rows(views.reference_bars(a, f), f.class_label or "Школа")
        shown = [fl for fl in a.flags if not f.year or fl["year"] == f.year]
        self.flags_view.set_flags(shown, f.year)
        counts = self.flags_view.counts
        self.flags_box.set_summary(f"{counts['total']}, из них «{FLAG_LEVEL_LABELS['risk']}» — {counts['risk']} "
                                   f"({counts['scope']})" if shown else f"не найдено ({counts['scope']})")
        self.indicator_tables.set_year(f.year)
        self._update_cards(f)
        self.students.clear()

    def _update_cards(self, f: views.Filters) -> None:
        """The four cards for the chosen year (or all years pooled); each note says which."""
        ix, year = self.result["indicators"], f.year
        scope = defs.scope_text(year)
        t = self.analysis.thresholds
        for kind, key in (("vpr", "vpr_index"), ("oge", "oge_index")):
            row = objectivity_pooled(ix["objectivity_index"], kind, year)
            value, note = self.card_values[kind]
            value.setText(defs.text(None if row is None else row["index"]))
            level = None if row is None else defs.level(key, row["index"], t)
            value.setStyleSheet(f"color: {defs.TINT_TEXT[level]};" if level else "")
            value.setProperty("level", level or "")
            note.setText(f"{scope}: работ нет" if row is None else
                         f"{scope}: понизили {defs.text(row['lowered_pct'])}, повысили {defs.text(row['raised_pct'])}")
        counts = defs.count_flags(self.analysis.flags, year)
        value, note = self.card_values["flags"]
        value.setText(str(counts["total"]))
        value.setStyleSheet(f"color: {defs.TINT_TEXT['risk']};" if counts["risk"] else "")
        note.setText(f"{scope}: «{FLAG_LEVEL_LABELS['risk']}» — {counts['risk']}, "
                     f"«{FLAG_LEVEL_LABELS['attention']}» — {counts['attention']}")
        summary = [m for m in ix["medalists"]["summary"] if year is None or m["year"] == year]
        medal = medal_index_value(summary)
        value, note = self.card_values["medals"]
        value.setText(defs.text(medal))
        level = defs.level("medal_unconfirmed_index", medal, t)
        value.setStyleSheet(f"color: {defs.TINT_TEXT[level]};" if level else "")
        note.setText(f"{scope}: нет кандидатов с результатами ЕГЭ" if medal is None else
                     f"{scope}: не подтвердили {sum(m['unconfirmed'] for m in summary)} "
                     f"из {sum(m['with_results'] for m in summary)}")
        v = {k: self.card_values[k][0].text() for k in self.card_values}
        self.cards_box.set_summary(f"{scope}: индекс ВПР {v['vpr']} · индекс ОГЭ {v['oge']} · признаков {v['flags']} "
                                   f"(«{FLAG_LEVEL_LABELS['risk']}» — {counts['risk']}) · медалисты {v['medals']}")

    # -- drill-down ------------------------------------------------------------------------------
    def show_students(self, payload: dict) -> None:
        title, rows = self.students_for(payload)
        self.students.show_students(title, rows, self.display)

    def students_for(self, payload: dict) -> tuple[str, list[dict]]:
        a, f, kind = self.analysis, self.filters(), payload["kind"]
        if kind == "category":
            r = payload["row"]
            rows = views.students(a, [r["procedure_id"]], class_label=r["class"], category=payload["category"])
            return f"{r['class']}, {r['subject']}, {r['procedure']} {r['year']}: " \
                   f"{views.CATEGORY_SHORT[payload['category']].lower()}", rows
        if kind == "cell":
            j, e = payload["cell"]
            rows = views.students(a, payload["procedure_ids"], class_label=f.class_label, cell=(j, e))
            return f"По журналу «{j}», за работу «{e}»", rows
        if kind == "score":
            rows = views.students(a, [payload["procedure_id"]], class_label=payload["class"] or None,
                                  score=payload["score"])
            return f"Первичный балл {payload['score']}", rows
        if kind == "cohort":
            line, point = payload["line"], payload["point"]
            rows = views.cohort_students(a, line, point["procedure_id"])
            return f"Учащиеся {line['class']} в {point['year']} ({point['procedure']}, {point['grade']} класс)", rows
        r = payload["row"]
        rows = views.students(a, [r["procedure_id"]], class_label=r["class"] or None, marks={4, 5})
        return f"«4» и «5»: {r['subject']}, {r['grade']} класс, {r['year']}", rows

    # -- flags -----------------------------------------------------------------------------------
    def _on_navigate(self, key: str, payload) -> None:
        if key == "analysis" and isinstance(payload, dict) and payload.get("code"):
            self.open_flag(payload)

    def open_flag(self, flag: dict) -> None:
        """Set the filters to the flag's class, subject and procedure and show its chart."""
        if not self.loaded or self._dirty:
            self.pending_flag = flag
            if self.ctx.db is not None:
                self.refresh()
            return
        chart = flag.get("chart", "comparison")
        f = views.Filters.from_flag(flag)
        if chart == "cohort":
            f = views.Filters(year=f.year, kind=f.kind, subject=f.subject, grade=f.grade)
        if chart in FLAG_TABLES:
            f = views.Filters(year=f.year)
        self.set_filters(f)
        if chart in FLAG_TABLES:
            self.tabs.setCurrentIndex(TAB_KEYS.index("tables"))
            self.indicator_tables.select(FLAG_TABLES[chart])
        else:
            self.tabs.setCurrentIndex(TAB_KEYS.index(chart))

    def current_chart(self):
        return self.charts.get(TAB_KEYS[self.tabs.currentIndex()])

    # -- actions ---------------------------------------------------------------------------------
    def open_settings(self) -> None:
        if self.ctx.db is None:
            return
        from app.ui.settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def export_chart(self) -> None:
        chart = self.current_chart()
        if chart is None:
            QtWidgets.QMessageBox.information(self, "Объектив", "Выберите вкладку с графиком.")
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Сохранить график", str(Path.home() / "график.png"),
                                                        "Рисунок PNG (*.png)")
        if path:
            chart.export_png(path if path.lower().endswith(".png") else path + ".png")

    def choose_report(self) -> None:
        if self.ctx.db is None:
            return
        year = self.filters().year
        name = f"Анализ объективности {year.replace('/', '-') if year else 'все годы'}.pdf"
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(
            self, "Аналитический отчёт", str(Path.home() / name), "PDF (*.pdf);;Книга Excel (*.xlsx)")
        if path:
            if not path.lower().endswith((".pdf", ".xlsx")):
                path += ".xlsx" if "xlsx" in chosen else ".pdf"
            self.build_report(Path(path))

    def build_report(self, path: Path, on_done=None) -> None:
        """Write the analysis report (PDF or XLSX by suffix) in a worker with progress and cancel."""
        from app.core.reports.analysis_report import write_analysis_report

        year = self.filters().year

        def done(result):
            window = self.window()
            if isinstance(window, QtWidgets.QMainWindow):
                window.statusBar().showMessage(f"Отчёт сохранён: {result}", 8000)
            if on_done is not None:
                on_done(result)

        self.ctx.run_task(lambda db, progress, cancel: write_analysis_report(db, path, year=year, progress=progress,
                                                                             cancel=cancel),
                          title="Формируется аналитический отчёт…", on_done=done, parent=self)

    def print_document(self) -> None:
        """Файл → Печать: the chart on screen, fitted to the page."""
        chart = self.current_chart() or self.indicator_tables
        printer = QtPrintSupport.QPrinter(QtPrintSupport.QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QtGui.QPageLayout.Orientation.Landscape)
        if QtPrintSupport.QPrintDialog(printer, self).exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        painter = QtGui.QPainter(printer)
        try:
            page = printer.pageRect(QtPrintSupport.QPrinter.Unit.DevicePixel)
            scale = min(page.width() / chart.width(), page.height() / chart.height())
            painter.scale(scale, scale)
            chart.render(painter, QtCore.QPoint(0, 0))
        finally:
            painter.end()
