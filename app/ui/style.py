"""Look and feel: Fusion style, a calm palette and a small style sheet shared by all pages."""
from __future__ import annotations

from .qt import QtGui, QtWidgets

ACCENT = "#1f4e79"
ACCENT_LIGHT = "#dce8f4"
DANGER = "#b3261e"
WARNING = "#a15c00"
OK = "#2e7d32"

STYLE_SHEET = f"""
QListWidget#navigation {{
    background: #1b2f45; color: #e8eef5; border: none; font-size: 11pt; padding-top: 6px;
    outline: 0;
}}
QListWidget#navigation::item {{ padding: 9px 14px; border-left: 4px solid transparent; }}
QListWidget#navigation::item:selected {{
    background: #2c4a6b; color: white; border-left: 4px solid #6fb1ff;
}}
QListWidget#navigation::item:hover:!selected {{ background: #243d58; }}
QLabel#pageTitle {{ font-size: 16pt; font-weight: 600; color: {ACCENT}; padding: 2px 0 6px 0; }}
QLabel#pageSubtitle {{ color: #5a6470; }}
QFrame#card {{ background: white; border: 1px solid #d5dbe3; border-radius: 6px; }}
QLabel#cardValue {{ font-size: 20pt; font-weight: 600; color: {ACCENT}; }}
QLabel#cardCaption {{ color: #5a6470; }}
QLabel#cardNote {{ color: #5a6470; font-size: 8.5pt; }}
QLabel#sectionTitle {{ font-weight: 600; font-size: 11pt; color: {ACCENT}; }}
QTableView, QTreeView, QListView {{ gridline-color: #e1e5ea; selection-background-color: #cfe2f7;
    selection-color: #111; alternate-background-color: #f6f8fb; }}
QHeaderView::section {{ background: #eef2f6; padding: 4px 6px; border: none;
    border-right: 1px solid #d5dbe3; border-bottom: 1px solid #d5dbe3; font-weight: 600; }}
QPushButton {{ padding: 5px 12px; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-radius: 4px; border: none; }}
QPushButton[primary="true"]:hover {{ background: #28639a; }}
QPushButton[primary="true"]:disabled {{ background: #9fb3c8; }}
QGroupBox {{ font-weight: 600; margin-top: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QStatusBar {{ color: #3a4450; }}
QToolButton#collapsibleTitle {{ font-weight: 600; color: {ACCENT}; padding: 2px 4px; }}
QLabel#collapsibleSummary {{ color: #3a4450; }}
"""

SHORT_PAGE = 560   # a page lower than this (a 1024x600 netbook) hides its subtitle and folds its panels


def apply_style(app: QtWidgets.QApplication, *, sheet: bool = True) -> None:
    """Style, palette, font and (unless ``sheet`` is False) the style sheet of the application.

    At start-up the style sheet is set by ``apply_style_sheet`` once the first page is built:
    every widget created or re-parented while an application style sheet is set is styled on the
    spot, and styling the finished window once is cheaper than styling each widget as it is made.
    """
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor("#f3f5f8"))
    palette.setColor(QtGui.QPalette.ColorRole.Base, QtGui.QColor("white"))
    palette.setColor(QtGui.QPalette.ColorRole.AlternateBase, QtGui.QColor("#f6f8fb"))
    palette.setColor(QtGui.QPalette.ColorRole.Highlight, QtGui.QColor("#cfe2f7"))
    palette.setColor(QtGui.QPalette.ColorRole.HighlightedText, QtGui.QColor("#111111"))
    app.setPalette(palette)
    font = app.font()
    font.setPointSize(10)
    app.setFont(font)
    if sheet:
        apply_style_sheet(app)


def apply_style_sheet(app: QtWidgets.QApplication) -> None:
    app.setStyleSheet(STYLE_SHEET)


def page_header(title: str, subtitle: str = "") -> QtWidgets.QWidget:
    """A page title with an optional grey subtitle line."""
    box = QtWidgets.QWidget()
    lay = QtWidgets.QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    label = QtWidgets.QLabel(title)
    label.setObjectName("pageTitle")
    lay.addWidget(label)
    if subtitle:
        sub = QtWidgets.QLabel(subtitle)
        sub.setObjectName("pageSubtitle")
        sub.setWordWrap(True)
        lay.addWidget(sub)
        box.subtitle = sub
        label.setToolTip(subtitle)       # still readable when a short page hides the subtitle
    return box


def fit_subtitle(header: QtWidgets.QWidget, page_height: int) -> None:
    """Hide a page subtitle on a short page: its lines go to the tables and charts."""
    sub = getattr(header, "subtitle", None)
    if sub is not None:
        sub.setVisible(page_height >= SHORT_PAGE)
