"""«Обзор»: the school at a glance — counts, progress of the plan, overdue measures, latest flags."""
from __future__ import annotations

from app.core import fmt
from app.core.domain import FLAG_LEVEL_LABELS, PLAN_STATUS_LABELS
from app.core.overview import school_overview
from app.core.plan_status import COUNT_LABELS
from app.ui.common import LazyRefresh, fit_header
from app.ui.common import fill_table as _fill_table
from app.ui.common import simple_table as _simple_table
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.style import DANGER, OK, SHORT_PAGE, WARNING, fit_subtitle, page_header
from app.ui.widgets.page import Page

Qt = QtCore.Qt


def _card(caption: str) -> tuple[QtWidgets.QFrame, QtWidgets.QLabel, QtWidgets.QLabel]:
    frame = QtWidgets.QFrame(objectName="card")
    lay = QtWidgets.QVBoxLayout(frame)
    lay.setContentsMargins(14, 10, 14, 10)
    lay.setSpacing(2)
    value = QtWidgets.QLabel("—", objectName="cardValue")
    text = QtWidgets.QLabel(caption, objectName="cardCaption")
    note = QtWidgets.QLabel("", objectName="cardNote")  # styled by the application's style sheet
    lay.addWidget(value)
    lay.addWidget(text)
    lay.addWidget(note)
    return frame, value, note


def _section(title: str, widget: QtWidgets.QWidget, extra: QtWidgets.QWidget | None = None) -> QtWidgets.QFrame:
    frame = QtWidgets.QFrame(objectName="card")
    lay = QtWidgets.QVBoxLayout(frame)
    lay.setContentsMargins(12, 8, 12, 10)
    head = QtWidgets.QHBoxLayout()
    label = QtWidgets.QLabel(title, objectName="sectionTitle")  # a style sheet of its own is costly
    head.addWidget(label)
    head.addStretch(1)
    if extra is not None:
        head.addWidget(extra)
    lay.addLayout(head)
    lay.addWidget(widget, 1)
    return frame


def _date(iso: str | None) -> str:
    return fmt.date(iso)


class PlanBar(QtWidgets.QWidget):
    """A stacked bar: done / in progress / planned, the overdue part of the open ones in red; the
    legend under it gives plan_status's counts in its words (as on «План» and in the report)."""

    COLOURS = [("done", OK), ("in_progress", "#3d7cc9"), ("planned", "#b9c6d4"), ("overdue", DANGER)]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.parts: dict[str, int] = {}
        self.setMinimumHeight(22)

    def set_parts(self, parts: dict[str, int]) -> None:
        self.parts = parts
        self.update()

    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        rect = self.rect().adjusted(0, 2, -1, -2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QtGui.QColor("#e8edf2"))
        painter.drawRoundedRect(rect, 5, 5)
        total = sum(self.parts.values())
        x = float(rect.left())
        for key, colour in self.COLOURS:
            n = self.parts.get(key, 0)
            if total and n:
                w = rect.width() * n / total
                painter.setBrush(QtGui.QColor(colour))
                painter.drawRect(QtCore.QRectF(x, rect.top(), w, rect.height()))
                x += w
        painter.end()


class OverviewPage(LazyRefresh, Page):
    title = "Обзор"
    TOPICS = {"plan", "roster", "marks", "results", "procedures", "analysis", "settings"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.data: dict = {}
        self.flags: list[dict] | None = None
        self.loaded = False  # MainWindow.page() refreshes a new page only when this is False
        self._build()
        self.init_lazy(ctx, show_now=True)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.setSpacing(10)
        self.header = page_header(self.title, " ")
        self.heading = self.header.findChild(QtWidgets.QLabel, "pageTitle")
        self.subtitle = self.header.findChild(QtWidgets.QLabel, "pageSubtitle")
        lay.addWidget(self.header)
        from app.core.settings import DEMO_NOTICE
        from app.ui.widgets.empty_state import EmptyState

        self.demo_note = QtWidgets.QLabel(DEMO_NOTICE)
        self.demo_note.setWordWrap(True)
        self.demo_note.setStyleSheet(f"color: {DANGER}; font-weight: 600; background: #fdf0ef; "
                                     "border: 1px solid #e8b4b0; border-radius: 4px; padding: 4px 8px;")
        self.demo_note.hide()
        lay.addWidget(self.demo_note)
        self.empty = EmptyState(self.ctx, "overview",
                                extra=[("Составить план…", lambda: self.ctx.navigate.emit("plan", None))])
        self.empty.hide()
        lay.addWidget(self.empty)
        cards = QtWidgets.QHBoxLayout()
        self.cards = {}
        self.card_frames: list[QtWidgets.QWidget] = []
        for key, caption in (("classes", "классов"), ("students", "учащихся"), ("procedures", "оценочных процедур"),
                             ("results", "работ с результатами"), ("marks", "отметок в журнале")):
            frame, value, note = _card(caption)
            self.cards[key] = (value, note)
            self.card_frames.append(frame)
            cards.addWidget(frame)
        lay.addLayout(cards)
        lay.addWidget(self._plan_box())
        grid = QtWidgets.QHBoxLayout()
        self.overdue = _simple_table(["Срок", "Мероприятие", "Ответственный", "Просрочка"])
        self.upcoming = _simple_table(["Срок", "Мероприятие", "Ответственный", "Состояние"])
        self.deadlines = QtWidgets.QTabWidget()
        for table, title in ((self.overdue, "Просрочено"), (self.upcoming, "Ближайшие 30 дней")):
            _columns(table)
            table.viewport().installEventFilter(self)
            table.doubleClicked.connect(lambda _: self.ctx.navigate.emit("plan", None))
            self.deadlines.addTab(table, title)
        grid.addWidget(_section("Сроки мероприятий плана", self.deadlines), 1)
        grid.addWidget(self._flags_box(), 1)
        lay.addLayout(grid, 1)

    def fit_to_height(self, height: int) -> None:
        """A short page (a netbook) drops the subtitle and the small notes under the counts, so the
        deadlines and the flags keep several rows in view."""
        short = height < SHORT_PAGE
        fit_subtitle(self.header, height)
        for _value, note in self.cards.values():
            note.setVisible(not short)
        self.layout().setSpacing(6 if short else 10)
        self._single_line = short
        if self.flags_view is not None:
            self.flags_view.set_single_line(short)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QtCore.QEvent.Type.Resize:
            for table in (self.overdue, self.upcoming):
                if obj is table.viewport():
                    # below this width the measure column would be squeezed to a few letters
                    narrow = event.size().width() < 440
                    if table.isColumnHidden(2) != narrow:
                        table.setColumnHidden(2, narrow)
                        QtCore.QTimer.singleShot(0, table, table.resizeRowsToContents)
        return super().eventFilter(obj, event)

    def _plan_box(self) -> QtWidgets.QFrame:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        self.plan_title = QtWidgets.QLabel(wordWrap=True)
        self.plan_bar = PlanBar()
        self.plan_legend = QtWidgets.QLabel()
        self.plan_legend.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.plan_title)
        lay.addWidget(self.plan_bar)
        lay.addWidget(self.plan_legend)
        button = QtWidgets.QPushButton("Открыть план")
        button.clicked.connect(lambda: self.ctx.navigate.emit("plan", None))
        return _section("Исполнение плана мероприятий", box, button)

    def _flags_box(self) -> QtWidgets.QFrame:
        self.flags_view = self._make_flags_view()
        if self.flags_view is None:
            self.flags_table = _simple_table(["Уровень", "Признак и причина"])
            header = self.flags_table.horizontalHeader()
            header.setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Fixed)
            self.flags_table.setColumnWidth(0, 84)
            self.flags_table.setWordWrap(True)
        self.flags_status = QtWidgets.QLabel(objectName="pageSubtitle")
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.flags_status)
        lay.addWidget(self.flags_view if self.flags_view is not None else self.flags_table, 1)
        button = QtWidgets.QPushButton("Открыть анализ")
        button.clicked.connect(lambda: self.ctx.navigate.emit("analysis", None))
        return _section("Признаки необъективности", box, button)

    def _make_flags_view(self):
        """The shared FlagsView if it is there and sound; None means a plain table instead."""
        try:
            from app.ui.flags_view import FlagsView
        except ImportError:
            return None
        view = FlagsView(self.ctx, self, compact=True)
        if not callable(getattr(view.model, "flags", None)) or not hasattr(view, "table"):
            view.setParent(None)      # a model whose flags() is shadowed cannot paint
            view.deleteLater()
            return None
        # flags_status says how many flags there are; the view's own caption would say «не найдено»
        # while the analysis is still running.
        view.caption.hide()
        return view

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._dirty = False
        db = self.ctx.db
        if db is None:
            self.heading.setText(self.title)
            self.subtitle.setText("Школа не открыта: Файл → Открыть или Файл → Создать школу.")
            return
        self.data = school_overview(db)
        self.loaded = True
        self._show_school()
        self._show_plan()
        self._run_analysis()

    def _show_school(self) -> None:
        d = self.data
        self.demo_note.setVisible(bool(d.get("demo")))
        self.empty.setVisible(bool(d.get("empty")))
        for frame in self.card_frames:            # a row of zeros says nothing the note does not
            frame.setVisible(not d.get("empty"))
        school, counts = d["school"], d["counts"]
        self.heading.setText(school.get("short_name") or school.get("full_name") or "Школа")
        parts = [school.get("full_name") or ""] if school.get("full_name") != school.get("short_name") else []
        parts += [f"код {school['code']}" if school.get("code") else "", school.get("municipality") or ""]
        if d["year"]["label"]:
            parts.append(f"учебный год {d['year']['label']}")
        self.subtitle.setText(" · ".join(p for p in parts if p))
        notes = {"classes": f"в {d['year']['label']}" if d["year"]["label"] else "",
                 "students": f"в {d['year']['label']}" if d["year"]["label"] else "",
                 "procedures": f"в этом году: {counts['procedures_year']}",
                 "results": "ВПР, ОГЭ, ЕГЭ и другие", "marks": f"сотрудников: {counts['staff']}"}
        for key, (value, note) in self.cards.items():
            value.setText(f"{counts[key]:,}".replace(",", "\u202f"))
            note.setText(notes[key])

    def _show_plan(self) -> None:
        p = self.data["plan"]
        if not p["id"]:
            self.plan_title.setText("Плана мероприятий ещё нет: создайте его на странице «План» или импортируйте.")
            self.plan_bar.set_parts({})
            self.plan_legend.setText("")
        else:
            active = p["total"] - p["cancelled"]
            self.plan_title.setText(f"{p['title']} — выполнено {p['done']} из {active} "
                                    f"({fmt.percent_of(p['done'], active, empty='0 %')})")
            parts = {"done": p["done"], "in_progress": p["in_progress"] - p["overdue_in_progress"],
                     "planned": p["planned"] - p["overdue_planned"], "overdue": p["overdue"]}
            self.plan_bar.set_parts(parts)
            self.plan_legend.setText("   ".join(
                f"<span style='color:{c}'>■</span> {COUNT_LABELS[k].lower()}: <b>{p[k]}</b>"
                for k, c in PlanBar.COLOURS) + (f"   отменено: {p['cancelled']}" if p["cancelled"] else "")
                + f"   <span style='color:#5b6b7b'>({p['scope']})</span>")
        _fill_table(self.overdue, [(i["id"], [_date(i["due"]), i["measure"], i["responsible"],
                                              _days(i["days_late"])]) for i in self.data["overdue"]])
        for r in range(self.overdue.rowCount()):
            self.overdue.item(r, 3).setForeground(QtGui.QColor(DANGER))
        _fill_table(self.upcoming, [(i["id"], [_date(i["due"]), i["measure"], i["responsible"],
                                               PLAN_STATUS_LABELS[i["status"]]]) for i in self.data["upcoming"]])
        for i, (table, title) in enumerate(((self.overdue, "Просрочено"), (self.upcoming, "Ближайшие 30 дней"))):
            for r in range(table.rowCount()):      # the responsible column is hidden on a narrow screen
                table.item(r, 1).setToolTip(f"{table.item(r, 1).text()}\nОтветственный: {table.item(r, 2).text()}")
            self.deadlines.setTabText(i, f"{title}: {table.rowCount()}")
        self._fit_rows()
        self.deadlines.setCurrentIndex(0 if self.overdue.rowCount() else 1)

    def _run_analysis(self) -> None:
        self.flags_status.setText("Идёт анализ результатов…")

        def work(db, progress, cancel):
            from app.core.analysis import analyze
            return analyze(db)["flags"]
        self.ctx.run_task(work, title="Анализ результатов", on_done=self._show_flags,
                          on_error=lambda exc: self.flags_status.setText(f"Анализ не выполнен: {exc}"), parent=self)

    def _show_flags(self, flags: list[dict]) -> None:
        self.flags = flags
        from app.core.analysis.indicator_defs import count_flags, flags_sentence

        self.flags_status.setText(flags_sentence(count_flags(flags)))     # all years: the scope is said
        if self.flags_view is not None:
            self.flags_view.set_flags(flags)
            self.flags_view.caption.hide()
        else:
            _fill_table(self.flags_table, [(i, [FLAG_LEVEL_LABELS.get(f.get("level"), ""), f.get("reason") or ""])
                                           for i, f in enumerate(flags)])
            for r, f in enumerate(flags):
                colour = DANGER if f.get("level") == "risk" else WARNING
                self.flags_table.item(r, 0).setForeground(QtGui.QColor(colour))
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Wrapped rows take their full height once the columns have their final widths."""
        tables = [self.overdue, self.upcoming] + ([self.flags_table] if self.flags_view is None else [])
        for table in tables:
            if getattr(self, "_single_line", False):    # a short page: a line a row, the rest in the tooltip
                table.setWordWrap(False)
                for r in range(table.rowCount()):
                    table.setRowHeight(r, table.verticalHeader().defaultSectionSize())
            else:
                table.setWordWrap(True)
                table.resizeRowsToContents()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_to_height(self.height())
        QtCore.QTimer.singleShot(0, self._fit_rows)


def _days(n: int) -> str:
    last = n % 10
    word = "день" if last == 1 and n % 100 != 11 else (
        "дня" if 2 <= last <= 4 and not 12 <= n % 100 <= 14 else "дней")
    return f"{n} {word}"


def _columns(table: QtWidgets.QTableWidget) -> None:
    header = table.horizontalHeader()
    header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(1, QtWidgets.QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    fit_header(table, {0: 82, 3: 100})      # «выполняется» in full
    table.setWordWrap(True)
