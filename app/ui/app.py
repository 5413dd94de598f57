"""The GUI entry point: python main.py [--db PATH] [--smoke-gui]."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app import APP_NAME, __version__


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="objektiv", description=f"{APP_NAME} — графический интерфейс")
    p.add_argument("--db", type=Path, help="открыть этот файл школы")
    p.add_argument("--smoke-gui", action="store_true",
                   help="проверка запуска: открыть окно, дождаться отрисовки и выйти")
    return p.parse_args(argv)


class _FirstPaint:
    """Notices the first paint of the main window (for --smoke-gui and the start-up benchmark)."""

    def __init__(self, window, started: float, on_paint):
        from .qt import QtCore

        class Filter(QtCore.QObject):
            def eventFilter(inner, obj, event):  # noqa: N805
                if event.type() == QtCore.QEvent.Type.Paint and not inner.fired:
                    inner.fired = True
                    QtCore.QTimer.singleShot(0, lambda: on_paint(time.perf_counter() - started))
                return False

        self.filter = Filter()
        self.filter.fired = False
        window.installEventFilter(self.filter)


def run(argv: list[str] | None = None, *, started: float | None = None) -> int:
    started = started if started is not None else time.perf_counter()
    args = _parse(sys.argv[1:] if argv is None else argv)
    # The core (sqlite-utils and friends) is imported before PySide6 on purpose: once PySide6 is
    # loaded it inspects the source of every module imported after it, which slows start-up.
    import app.core.overview  # noqa: F401
    import app.core.store  # noqa: F401

    from .qt import QtCore, QtGui, QtWidgets
    from .context import AppContext
    from .main_window import MainWindow
    from .style import apply_style

    QtCore.QCoreApplication.setOrganizationName("Objektiv")
    QtCore.QCoreApplication.setApplicationName("Objektiv")
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0]])
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    icon = _icon_path()
    if icon is not None:
        app.setWindowIcon(QtGui.QIcon(str(icon)))
    apply_style(app)
    ctx = AppContext()
    window = MainWindow(ctx)
    opened = _open_initial(ctx, window, args.db)
    window.show_page("overview")
    if args.smoke_gui:
        def done(elapsed: float) -> None:
            print(f"OK {elapsed:.3f}", flush=True)
            window.close()
            app.quit()
        window._first_paint = _FirstPaint(window, started, done)
        QtCore.QTimer.singleShot(20000, lambda: (print("TIMEOUT", flush=True), app.exit(1)))
    window.show()
    if not opened and not args.smoke_gui:
        from .first_start import first_start

        QtCore.QTimer.singleShot(0, lambda: first_start(window, ctx))
    code = app.exec()
    ctx.close_db()
    return code


def _open_initial(ctx, window, path: Path | None) -> bool:
    """Open --db, else the last file, else the default file; False if there is nothing to open."""
    from app.core.errors import UserError
    from app.core.store import default_db_path
    from .qt import QtWidgets

    candidates = [path] if path is not None else [
        Path(p) for p in [ctx.qsettings.value("last_db"), default_db_path()] if p]
    for candidate in candidates:
        if candidate is not None and candidate.exists():
            try:
                ctx.open_db(candidate)
                return True
            except UserError as exc:
                QtWidgets.QMessageBox.warning(window, APP_NAME, str(exc))
                return False
    return False


def _icon_path() -> Path | None:
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
    for name in ("objektiv.png", "objektiv.svg"):
        p = base / "resources" / "icons" / name
        if p.exists():
            return p
    return None
