"""The one place that imports PySide6 and pyqtgraph; every UI module imports from here.

pyqtgraph (with numpy) costs a large share of start-up, and the first page shown draws no chart, so it is
imported on first use: `from app.ui.qt import pg` in a chart module loads it then. The printing and SVG
modules are loaded the same way, on first use.
"""
from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: F401

Signal = QtCore.Signal
Slot = QtCore.Slot

__all__ = ["QtCore", "QtGui", "QtPrintSupport", "QtSvg", "QtWidgets", "pg", "Signal", "Slot"]


def _load_pyqtgraph():
    import pyqtgraph

    pyqtgraph.setConfigOptions(antialias=True, background="w", foreground="#202830")
    return pyqtgraph


_ON_DEMAND = {"QtPrintSupport", "QtSvg"}


def __getattr__(name: str):
    if name in _ON_DEMAND:
        import importlib

        module = importlib.import_module(f"PySide6.{name}")
        globals()[name] = module
        return module
    if name == "QtPdf":  # optional: the print preview draws the PDF pages with it when present
        try:
            from PySide6 import QtPdf
        except ImportError:
            raise AttributeError(f"module {__name__!r} has no attribute 'QtPdf'") from None
        globals()["QtPdf"] = QtPdf
        return QtPdf
    if name == "pg":
        module = _load_pyqtgraph()
        globals()["pg"] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
