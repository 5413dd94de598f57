"""Screenshots of every page of the main window on the demo school, at the client areas of a
1024x600 netbook (1008x500) and of a 1366x768 laptop (1350x690), plus the plan's print preview.

Run on purpose (not a test):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/screens.py [OUT_DIR] [--all]

Without OUT_DIR the pictures go to docs/screens/. Only the screens listed in KEPT are written
there unless --all is given; each PNG is reduced to an 8-bit palette so it stays small.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SANDBOX = Path(tempfile.mkdtemp(prefix="objektiv-screens-"))
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(_SANDBOX / var.lower())

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = {"small": (1008, 500), "laptop": (1350, 690)}
# the pages whose layout was reworked for small screens (their pictures live in docs/screens)
KEPT = {"overview", "plan", "plan-editor", "procedures", "analysis", "analysis-cohort", "print-preview"}


def _cohort(page) -> None:
    from app.core.analysis import views

    page.set_filters(views.Filters(year="2025/2026", kind="vpr", subject="Русский язык", grade=5))
    page.tabs.setCurrentIndex(3)


def _plan_item(page) -> None:
    section = page.tree.topLevelItem(0)
    page.tree.setCurrentItem(section.child(1))
    page.open_editor()
    return page.editor_window if page.editor_window.isVisible() else None


# more states of a page worth a picture: (name, how to get there)
VARIANTS = {"analysis": [("analysis-cohort", _cohort)], "plan": [("plan-editor", _plan_item)]}


def _settle(app, rounds: int = 6) -> None:
    from app.ui.qt import QtCore

    for _ in range(rounds):
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 50)


def save_png(widget, path: Path) -> None:
    """Grab a widget and write it as an 8-bit palette PNG."""
    from app.ui.qt import QtCore, QtGui

    image = widget.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_Indexed8,
                                                    QtCore.Qt.ImageConversionFlag.ThresholdDither)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    image.save(str(tmp), "PNG", 9)
    os.replace(tmp, path)


def shoot(out_dir: Path, keep_all: bool) -> list[Path]:
    from app.core.demo import create_demo
    from app.ui.context import AppContext
    from app.ui.main_window import PAGES, MainWindow
    from app.ui.qt import QtCore, QtWidgets
    from app.ui.style import apply_style

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    apply_style(app)
    db_path = _SANDBOX / "demo.db"
    create_demo(db_path).close()
    settings = QtCore.QSettings(str(_SANDBOX / "screens.ini"), QtCore.QSettings.Format.IniFormat)
    written = []

    def keep(name: str, size_key: str, widget) -> None:
        if keep_all or name in KEPT:
            path = out_dir / f"{name}-{size_key}.png"
            save_png(widget, path)
            written.append(path)

    for size_key, size in SIZES.items():
        ctx = AppContext(qsettings=settings)
        ctx.synchronous = True
        ctx.open_db(db_path)
        win = MainWindow(ctx)
        win.resize(*size)
        win.show()
        for spec in PAGES:
            page = win.show_page(spec.key)
            _settle(app)
            keep(spec.key, size_key, win)
            for name, prepare in VARIANTS.get(spec.key, []):
                shown = prepare(page)          # a window of its own, or None for the main window
                _settle(app)
                keep(name, size_key, shown or win)
                if shown is not None:
                    shown.hide()
        plan = win.show_page("plan")
        _settle(app)
        dialog = plan.make_print_preview()
        if dialog is not None:
            dialog.resize(min(size[0], 1000), size[1])
            dialog.show()
            _settle(app, 12)
            keep("print-preview", size_key, dialog)
            dialog.close()
            dialog.deleteLater()
        win.close()
        win.deleteLater()
        _settle(app)
        ctx.close_db()
    return written


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    out_dir = Path(args[0]) if args else ROOT / "docs" / "screens"
    try:
        for path in shoot(out_dir, "--all" in argv):
            print(f"{path}  {path.stat().st_size // 1024} КБ")
    finally:
        shutil.rmtree(_SANDBOX, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
