"""Qt's own texts in Russian: standard buttons, file, print and colour dialogs, context menus and
the print preview's toolbar, from the translations that ship with PySide6 (and with the bundle)."""
from __future__ import annotations

import sys
from pathlib import Path

from .qt import QtCore

_CATALOGUES = ("qtbase_ru", "qt_ru")


def translation_dirs() -> list[Path]:
    dirs = [Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        dirs += [Path(bundle) / "PySide6" / "Qt" / "translations", Path(bundle) / "PySide6" / "translations"]
    try:
        import PySide6

        base = Path(PySide6.__file__).parent
        dirs += [base / "Qt" / "translations", base / "translations"]
    except ImportError:  # pragma: no cover - PySide6 is what we run on
        pass
    return [d for d in dict.fromkeys(dirs) if d.is_dir()]


def install_translations(app) -> list:
    """Load Qt's Russian catalogues into `app`; returns the translators (kept alive by the caller
    and by the application's attribute)."""
    QtCore.QLocale.setDefault(QtCore.QLocale(QtCore.QLocale.Language.Russian, QtCore.QLocale.Country.Russia))
    loaded = []
    for name in _CATALOGUES:
        for folder in translation_dirs():
            tr = QtCore.QTranslator(app)
            if tr.load(name, str(folder)):
                app.installTranslator(tr)
                loaded.append(tr)
                break
    app._objektiv_translators = loaded
    return loaded
