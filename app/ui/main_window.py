"""The main window: left navigation, one page each, menus, drag-and-drop import."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app import APP_NAME, __version__
from app.core import store
from app.core.errors import UserError

from . import prefs
from .common import FileDropTarget
from .context import AppContext
from .qt import QtCore, QtGui, QtWidgets
from .widgets.page import Page


# Each page's module is imported the first time the page is shown, so the window paints quickly.
def _overview():
    from .pages.overview import OverviewPage
    return OverviewPage


def _plan():
    from .pages.plan import PlanPage
    return PlanPage


def _roster():
    from .pages.roster import RosterPage
    return RosterPage


def _marks():
    from .pages.marks import MarksPage
    return MarksPage


def _procedures():
    from .pages.procedures import ProceduresPage
    return ProceduresPage


def _schedule():
    from .pages.schedule import SchedulePage
    return SchedulePage


def _analysis():
    from .pages.analysis import AnalysisPage
    return AnalysisPage


def _packet():
    from .pages.packet import PacketPage
    return PacketPage


def _district():
    from .pages.district import DistrictPage
    return DistrictPage


def _help():
    from .pages.help import HelpPage
    return HelpPage


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    load: Callable[[], type[Page]]        # the page's class


PAGES = [
    PageSpec("overview", "Обзор", _overview),
    PageSpec("plan", "План", _plan),
    PageSpec("roster", "Контингент", _roster),
    PageSpec("marks", "Отметки", _marks),
    PageSpec("procedures", "Процедуры", _procedures),
    PageSpec("schedule", "График ОП", _schedule),
    PageSpec("analysis", "Анализ", _analysis),
    PageSpec("packet", "Пакет", _packet),
    PageSpec("district", "Район", _district),
    PageSpec("help", "Справка", _help),
]

_FILE_FILTER = "База «Объектива» (*.db *.sqlite);;Все файлы (*)"


class MainWindow(FileDropTarget, QtWidgets.QMainWindow):
    """Pages are built on first visit, so the window paints quickly."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.confirm = self._confirm                 # replaced in tests
        self.pages: dict[str, Page] = {}
        self.setAcceptDrops(True)
        self.setMinimumSize(*MIN_SIZE)  # a 1024x600 netbook with a taskbar leaves about 540 px
        self._build_body()
        self._build_menus()
        self.statusBar().showMessage("Готово")
        ctx.db_opened.connect(self._on_db_opened)
        ctx.navigate.connect(self._on_navigate)
        ctx.import_requested.connect(self._open_import_dialog)
        ctx.file_choice_requested.connect(self.import_files)
        self._restore_geometry()
        self._update_title()

    # -- layout ------------------------------------------------------------------------------
    def _build_body(self) -> None:
        self.nav = QtWidgets.QListWidget(objectName="navigation")
        self.nav.setFixedWidth(190)
        self.nav.setIconSize(QtCore.QSize(18, 18))
        for spec in PAGES:
            item = QtWidgets.QListWidgetItem(spec.title)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.stack = QtWidgets.QStackedWidget()
        self._placeholders = {}
        for spec in PAGES:
            holder = QtWidgets.QWidget()
            QtWidgets.QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._placeholders[spec.key] = holder
            self.stack.addWidget(holder)
        central = QtWidgets.QWidget()
        lay = QtWidgets.QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._show_row)

    def page(self, key: str) -> Page:
        """The page widget for `key`, built on first use."""
        if key not in self.pages:
            spec = next(s for s in PAGES if s.key == key)
            widget = spec.load()(self.ctx)
            self.pages[key] = widget
            holder = self._placeholders[key]
            holder.layout().addWidget(widget)
            if self.ctx.db is not None and not widget.loaded:
                widget.refresh()
        return self.pages[key]

    def show_page(self, key: str) -> Page:
        row = [s.key for s in PAGES].index(key)
        self.nav.setCurrentRow(row)
        return self.page(key)

    def current_key(self) -> str:
        return PAGES[max(self.nav.currentRow(), 0)].key

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = PAGES[row].key
        self.page(key)
        self.stack.setCurrentIndex(row)

    # -- menus ---------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("&Файл")
        self._action(m, "Создать школу…", self.create_school, QtGui.QKeySequence.StandardKey.New)
        self._action(m, "Открыть…", self.open_school, QtGui.QKeySequence.StandardKey.Open)
        self._action(m, "Открыть демо-школу", self.open_demo)
        m.addSeparator()
        self._action(m, "Импорт…", self.import_files, "Ctrl+I")
        self._action(m, "Экспорт пакета для муниципалитета…", lambda: self.show_page("packet"), "Ctrl+E")
        self._action(m, "Печать…", self.print_current, QtGui.QKeySequence.StandardKey.Print)
        m.addSeparator()
        self._action(m, "Резервная копия…", self.backup)
        self._action(m, "Восстановить из копии…", self.restore)
        m.addSeparator()
        self._action(m, "Выход", self.close, QtGui.QKeySequence.StandardKey.Quit)

        m = bar.addMenu("&Правка")
        undo = self.ctx.undo_stack.createUndoAction(self, "Отменить")
        undo.setShortcut(QtGui.QKeySequence.StandardKey.Undo)
        redo = self.ctx.undo_stack.createRedoAction(self, "Повторить")
        redo.setShortcuts([QtGui.QKeySequence("Ctrl+Y"), QtGui.QKeySequence.StandardKey.Redo])
        m.addAction(undo)
        m.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        m.addSeparator()
        self._action(m, "Настройки…", self.open_settings)

        m = bar.addMenu("&Справка")
        self._action(m, "Справка", lambda: self.show_page("help"), QtGui.QKeySequence.StandardKey.HelpContents)
        self._action(m, "О программе", self.about)

    def _action(self, menu, text, slot, shortcut=None) -> QtGui.QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        return action

    # -- school file -------------------------------------------------------------------------
    def _on_db_opened(self) -> None:
        self._update_title()  # pages listen to db_opened themselves
        self.statusBar().showMessage(f"Открыт файл {self.ctx.db_path}", 5000)

    def _update_title(self) -> None:
        school = self.ctx.school_title()
        self.setWindowTitle(f"{APP_NAME} — {school}" if school else APP_NAME)

    def _try(self, fn, *args) -> bool:
        try:
            fn(*args)
        except UserError as exc:
            QtWidgets.QMessageBox.warning(self, APP_NAME, str(exc))
            return False
        return True

    def create_school(self) -> None:
        name, ok = QtWidgets.QInputDialog.getText(self, "Новая школа", "Полное наименование школы:")
        if not ok:
            return
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Файл новой школы", str(_data_dir() / "school.db"),
                                                        _FILE_FILTER)
        if path:
            self._try(lambda: self.ctx.create_db(path, school_name=name.strip() or None))

    def open_school(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Открыть школу", str(_data_dir()), _FILE_FILTER)
        if path:
            self._try(self.ctx.open_db, path)

    def open_demo(self) -> None:
        path = _data_dir() / "demo.db"
        if path.exists():
            self._try(self.ctx.open_db, path)
        else:
            QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
            try:
                self._try(self.ctx.create_demo, path)
            finally:
                QtWidgets.QApplication.restoreOverrideCursor()

    def backup(self) -> None:
        if self.ctx.db is None:
            return
        stamp = QtCore.QDate.currentDate().toString("yyyy-MM-dd")
        default = str(Path.home() / f"{self.ctx.db_path.stem}-копия-{stamp}.db")
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Резервная копия", default, _FILE_FILTER)
        if path and self._try(store.backup_db, self.ctx.db, path):
            self.statusBar().showMessage(f"Резервная копия сохранена: {path}", 8000)

    def restore(self) -> None:
        if self.ctx.db is None:
            return
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Восстановить из копии", str(Path.home()), _FILE_FILTER)
        if not path:
            return
        answer = QtWidgets.QMessageBox.question(
            self, APP_NAME, "Текущие данные школы будут заменены данными из копии. "
            "Перед заменой текущий файл будет сохранён рядом с ним. Продолжить?")
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self._try(restore_backup, self.ctx, Path(path))

    # -- other actions -----------------------------------------------------------------------
    def import_files(self) -> None:
        from app.core.imports import IMPORT_FILE_FILTER

        start = str(prefs.read(self.ctx.qsettings, prefs.IMPORT_DIR) or Path.home())
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Импорт файлов", start,
            IMPORT_FILE_FILTER)
        if paths:
            prefs.write(self.ctx.qsettings, prefs.IMPORT_DIR, str(Path(paths[0]).parent))
            self.ctx.import_requested.emit(paths)

    def _open_import_dialog(self, paths: list) -> None:
        if self.ctx.db is None:
            QtWidgets.QMessageBox.information(self, APP_NAME, "Сначала откройте или создайте школу.")
            return
        from .import_dialog import ImportDialog

        # open(), not exec(): a nested event loop inside dropEvent would hold the file manager the
        # file was dragged from until the dialog closes.
        self.import_dialog = ImportDialog(self.ctx, [Path(p) for p in paths], self)
        self.import_dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        self.import_dialog.open()

    def print_current(self) -> None:
        widget = self.page(self.current_key())
        if not widget.can_print():
            widget = self.show_page("plan")
        widget.print_document()

    def open_settings(self) -> None:
        if self.ctx.db is None:
            return
        from .settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def about(self) -> None:
        QtWidgets.QMessageBox.about(
            self, "О программе",
            f"<h3>{APP_NAME}</h3><p>Версия {__version__}</p>"
            "<p>Программа для заместителя директора по учебно-воспитательной работе: план мероприятий "
            "по обеспечению объективности оценочных процедур, сопоставление отметок по журналу "
            "с результатами ВПР, ОГЭ и ЕГЭ, признаки необъективности и пакет отчётности "
            "для муниципалитета.</p><p>Работает без подключения к интернету.</p>")

    def _on_navigate(self, key: str, payload: object) -> None:
        if key in {s.key for s in PAGES}:
            fresh = key not in self.pages
            self.show_page(key)
            # A page built just now was not listening yet when the request was sent (a slot connected
            # during a signal misses it): send the request again, now that the page can hear it.
            if fresh and payload is not None:
                self.ctx.navigate.emit(key, payload)

    # -- drag and drop -------------------------------------------------------------------------
    def files_dropped(self, paths: list[str]) -> None:
        self.ctx.import_requested.emit(paths)

    # -- geometry ----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = prefs.read(self.ctx.qsettings, prefs.WINDOW_GEOMETRY)
        restored = geometry is not None and self.restoreGeometry(geometry)
        fit_to_screen(self, restored)
        state = prefs.read(self.ctx.qsettings, prefs.WINDOW_STATE)
        if state is not None:
            self.restoreState(state)

    def may_close(self) -> bool:
        """While an import, a packet or other work runs, ask whether to stop it; stopping rolls the
        work back and waits for it, so nothing is written after the window has gone."""
        running = self.ctx.tasks.active()
        if not running:
            return True
        what = "; ".join(dict.fromkeys(t.rstrip("…. ") for t in running if t)) or "идёт работа"
        if not self.confirm(f"Программа ещё работает: {what}. Прервать и закрыть? Незавершённая "
                            "работа будет отменена, база останется такой, какой была до неё."):
            return False
        self.ctx.tasks.cancel_all()
        self.ctx.tasks.settle()
        return True

    def _confirm(self, text: str) -> bool:
        answer = QtWidgets.QMessageBox.question(self, APP_NAME, text)
        return answer == QtWidgets.QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        for dialog in self.findChildren(QtWidgets.QDialog):   # no dialog outlives its window
            if dialog.isVisible():
                dialog.close()
        prefs.write(self.ctx.qsettings, prefs.WINDOW_GEOMETRY, self.saveGeometry())
        prefs.write(self.ctx.qsettings, prefs.WINDOW_STATE, self.saveState())
        self.ctx.qsettings.sync()
        super().closeEvent(event)


MIN_SIZE = (720, 480)
FIRST_SIZE = (1280, 800)
_FRAME = (16, 40)            # room for the window frame and title bar the system adds


def fit_to_screen(window, restored: bool) -> None:
    """Keep the window on a screen it can be seen on and never larger than that screen's free
    area: the first start takes the screen (up to 1280x800); a geometry saved on another monitor,
    now gone, is pulled back onto the screen the window starts on."""
    screens = QtGui.QGuiApplication.screens()
    if not screens:
        return
    frame = window.frameGeometry() if restored else None
    screen = None
    if frame is not None:
        screen = max(screens, key=lambda s: _overlap(s.availableGeometry(), frame))
        if _overlap(screen.availableGeometry(), frame) < 0.5 * max(frame.width() * frame.height(), 1):
            screen = None
    screen = screen or window.screen() or QtGui.QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    max_w, max_h = max(area.width() - _FRAME[0], MIN_SIZE[0]), max(area.height() - _FRAME[1], MIN_SIZE[1])
    if not restored:
        w, h = min(FIRST_SIZE[0], max_w), min(FIRST_SIZE[1], max_h)
        window.resize(w, h)
        window.move(area.x() + (area.width() - w - _FRAME[0]) // 2, area.y() + (area.height() - h - _FRAME[1]) // 2)
        return
    w, h = min(window.width(), max_w), min(window.height(), max_h)
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
    g = window.frameGeometry()
    x = min(max(g.x(), area.x()), area.x() + area.width() - g.width())
    y = min(max(g.y(), area.y()), area.y() + area.height() - g.height())
    if (x, y) != (g.x(), g.y()):
        window.move(max(x, area.x()), max(y, area.y()))


def _overlap(a, b) -> int:
    r = a.intersected(b)
    return max(r.width(), 0) * max(r.height(), 0)


def _data_dir() -> Path:
    folder = store.default_db_path().parent
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def restore_backup(ctx: AppContext, source: Path) -> None:
    """Replace the open school file with a backup copy, keeping the current file beside it."""
    store.open_db(source).close()  # refuses a file that is not ours, newer or damaged
    current = ctx.db_path
    store.backup_db(ctx.db, current.with_name(f"{current.stem}.before-restore{current.suffix}"))
    ctx.close_db()
    from app.core.fsutil import atomic_path

    with atomic_path(current) as tmp:
        shutil.copyfile(source, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(current) + suffix).unlink(missing_ok=True)
    ctx.open_db(current)
