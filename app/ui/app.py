"""The GUI entry point: python main.py [--db PATH] [--smoke-gui]."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from types import SimpleNamespace

from app import APP_NAME, __version__


def _parse(argv: list[str]) -> SimpleNamespace:
    """--db PATH and --smoke-gui, read by hand: argparse (with gettext) costs start-up time.

    main.py sends anything else to the command line; whatever still gets here unknown goes to
    argparse, for its usual message and exit code 2.
    """
    args = SimpleNamespace(db=None, smoke_gui=False)
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest and not rest[0].startswith("--"):
            args.db = Path(rest.pop(0))
        elif arg.startswith("--db=") and len(arg) > 5:
            args.db = Path(arg[5:])
        elif arg == "--smoke-gui":
            args.smoke_gui = True
        else:
            return _parse_strictly(argv)
    return args


def _parse_strictly(argv: list[str]):
    import argparse

    p = argparse.ArgumentParser(prog="objektiv", description=f"{APP_NAME} — графический интерфейс")
    p.add_argument("--db", type=Path, help="открыть этот файл школы")
    p.add_argument("--smoke-gui", action="store_true",
                   help="проверка запуска: открыть окно, дождаться отрисовки и выйти")
    return p.parse_args(argv)


class _FirstPaint:
    """Notices the first paint of the main window: held work starts then; --smoke-gui and the
    start-up benchmark stop the clock then."""

    def __init__(self, window, started: float, on_paint):
        from .qt import QtCore

        class Filter(QtCore.QObject):
            def eventFilter(inner, obj, event):  # noqa: N805
                if event.type() == QtCore.QEvent.Type.Paint and not inner.fired:
                    inner.fired = True
                    obj.removeEventFilter(inner)  # nothing more to watch
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
    # ... and so are the core modules the first page and the window's shell use at start-up
    import app.core.analysis.indicator_defs  # noqa: F401
    import app.core.domain  # noqa: F401
    import app.core.lock  # noqa: F401
    import app.core.logs  # noqa: F401
    import app.core.plan_exec  # noqa: F401
    import app.core.settings  # noqa: F401

    from .qt import QtCore, QtGui, QtWidgets
    from .context import AppContext
    from .main_window import MainWindow
    from .style import apply_style, apply_style_sheet

    QtCore.QCoreApplication.setOrganizationName("Objektiv")
    QtCore.QCoreApplication.setApplicationName("Objektiv")
    qapp = QtWidgets.QApplication.instance() or QtWidgets.QApplication([sys.argv[0]])
    qapp.setApplicationDisplayName(APP_NAME)
    qapp.setApplicationVersion(__version__)
    from .i18n import install_translations
    from app.core import logs

    translators = install_translations(qapp)
    logs.setup()
    icon = _icon_path()
    if icon is not None:
        qapp.setWindowIcon(QtGui.QIcon(str(icon)))
    apply_style(qapp, sheet=False)  # the style sheet follows once the window is built (see there)
    ctx = AppContext()
    ctx.hold_tasks()  # background work waits for the first frame (see AppContext.hold_tasks)
    window = MainWindow(ctx)
    opened = _open_initial(ctx, window, args.db)
    window.show_page("overview")
    apply_style_sheet(qapp)

    def painted(elapsed: float) -> None:
        if args.smoke_gui:  # the check is over: the held work is not started, the program ends
            # the second field is what the bundle's smoke test reads: Qt's Russian catalogues loaded
            print(f"OK {elapsed:.3f} ru={len(translators)}", flush=True)
            window.close()
            qapp.quit()
            return
        ctx.release_tasks()

    window._first_paint = _FirstPaint(window, started, painted)
    # A window that is never painted (started minimised, no compositor) must not hold the work back.
    QtCore.QTimer.singleShot(1500, ctx.release_tasks)
    if args.smoke_gui:
        QtCore.QTimer.singleShot(20000, lambda: (print("TIMEOUT", flush=True), qapp.exit(1)))
    window.show()
    if not opened and not args.smoke_gui:
        from .first_start import first_start

        QtCore.QTimer.singleShot(0, lambda: first_start(window, ctx))
    code = qapp.exec()
    ctx.close_db()
    return code


def _open_initial(ctx, window, path: Path | None) -> bool:
    """Open --db, else the last file, else the default file; False if there is nothing to open."""
    from app.core.errors import UserError
    from app.core.store import default_db_path
    from . import prefs
    from .qt import QtWidgets

    candidates = [path] if path is not None else [
        Path(p) for p in [prefs.read(ctx.qsettings, prefs.LAST_DB), default_db_path()] if p]
    for candidate in candidates:
        if candidate is not None and candidate.exists():
            try:
                ctx.open_db(candidate)
                return True
            except UserError as exc:
                from .style import apply_style_sheet

                apply_style_sheet(QtWidgets.QApplication.instance())  # styled even before the window is
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
