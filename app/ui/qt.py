"""The one place that imports PySide6 and pyqtgraph; every UI module imports from here."""
from PySide6 import QtCore, QtGui, QtPrintSupport, QtSvg, QtWidgets  # noqa: F401

import pyqtgraph as pg  # noqa: E402,F401

pg.setConfigOptions(antialias=True, background="w", foreground="#202830")

Signal = QtCore.Signal
Slot = QtCore.Slot

__all__ = ["QtCore", "QtGui", "QtPrintSupport", "QtSvg", "QtWidgets", "pg", "Signal", "Slot"]
