"""«Справка»: help topics from resources/help/*.md shown with QTextBrowser.setMarkdown.

«Как работать с программой» (index.md) comes first; the other files follow by title. A link to
another topic («indicators.md#…») opens that topic; web links open in the system browser.
"""
from __future__ import annotations

from pathlib import Path

from app.core.paths import resource_path
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.style import page_header
from app.ui.widgets.page import Page

Qt = QtCore.Qt
HELP_DIR = resource_path("help")


def help_topics(folder: Path = HELP_DIR) -> list[tuple[str, Path, list[str]]]:
    """(title, path, second-level headings) of every Markdown file: index.md first, then by title."""
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        title = next((line[2:].strip() for line in lines if line.startswith("# ")), path.stem)
        sections = [line[3:].strip() for line in lines if line.startswith("## ")]
        found.append((title, path, sections))
    found.sort(key=lambda t: (t[1].name != "index.md", t[0].lower()))
    return found


class HelpPage(Page):
    title = "Справка"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QtWidgets.QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(page_header(self.title, "Порядок работы с программой и значение каждого показателя."))
        split = QtWidgets.QSplitter(Qt.Orientation.Horizontal)
        self.topics = QtWidgets.QTreeWidget()
        self.topics.setHeaderHidden(True)
        self.topics.setStyleSheet("QTreeWidget::item { padding: 4px 2px; }")
        self.topics.setWordWrap(True)
        self.browser = QtWidgets.QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        self.browser.document().setDefaultStyleSheet(
            "h1 { color: #1f4e79; } h2 { color: #1f4e79; margin-top: 14px; } "
            "table { border-collapse: collapse; } th { background: #eef2f6; } th, td { padding: 4px 8px; }")
        self.browser.setStyleSheet("QTextBrowser { background: white; border: 1px solid #d5dbe3; padding: 8px 14px; }")
        font = self.browser.font()
        font.setPointSizeF(font.pointSizeF() + 0.5)
        self.browser.setFont(font)
        split.addWidget(self.topics)
        split.addWidget(self.browser)
        self.topics.setMinimumWidth(260)
        self.topics.setMaximumWidth(420)
        split.setSizes([360, 720])
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        from app.core import logs

        self.where = QtWidgets.QLabel(
            f"Журнал работы программы (в него записываются непредвиденные ошибки): {logs.log_path()}")
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setStyleSheet("color: #555;")
        lay.addWidget(self.where)
        self.topics.itemClicked.connect(self._show_item)
        self.topics.itemActivated.connect(self._show_item)
        self.refresh()

    def refresh(self) -> None:
        current = self.path
        self.topics.clear()
        bold = QtGui.QFont(self.topics.font())
        bold.setBold(True)
        for title, path, sections in help_topics():
            item = QtWidgets.QTreeWidgetItem([title])
            item.setFont(0, bold)
            item.setToolTip(0, title)
            item.setData(0, Qt.ItemDataRole.UserRole, (str(path), ""))
            for heading in sections:
                child = QtWidgets.QTreeWidgetItem([heading])
                child.setToolTip(0, heading)
                child.setData(0, Qt.ItemDataRole.UserRole, (str(path), heading))
                item.addChild(child)
            self.topics.addTopLevelItem(item)
        self.topics.expandAll()
        if self.topics.topLevelItemCount():
            first = Path(self.topics.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole)[0])
            self.open_topic(current or first)
        else:
            self.browser.setMarkdown("# Справка\n\nФайлы справки не найдены. Переустановите программу.")

    path: Path | None = None

    def open_topic(self, path: Path, heading: str = "") -> None:
        """Show a help file (and scroll to one of its «## » headings)."""
        if path != self.path:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                text = f"# Справка\n\nНе удалось открыть «{path.name}»: {exc.strerror or exc}."
            self.browser.setMarkdown(text)
            self.path = path
        self._select(path, heading)
        self.scroll_to(heading)

    def scroll_to(self, heading: str) -> None:
        doc, bar = self.browser.document(), self.browser.verticalScrollBar()
        block = doc.begin()
        while heading and block.isValid():
            if block.text().strip() == heading and block.blockFormat().headingLevel():
                bar.setValue(int(doc.documentLayout().blockBoundingRect(block).top()))
                return
            block = block.next()
        bar.setValue(0)

    def _select(self, path: Path, heading: str) -> None:
        it = QtWidgets.QTreeWidgetItemIterator(self.topics)
        while it.value():
            if it.value().data(0, Qt.ItemDataRole.UserRole) == (str(path), heading):
                self.topics.setCurrentItem(it.value())
                return
            it += 1

    def _show_item(self, item: QtWidgets.QTreeWidgetItem) -> None:
        path, heading = item.data(0, Qt.ItemDataRole.UserRole)
        self.open_topic(Path(path), heading)

    def _follow(self, url: QtCore.QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QtGui.QDesktopServices.openUrl(url)
            return
        target = HELP_DIR / Path(url.path()).name if url.path() else self.path
        if target is not None and target.exists():
            self.open_topic(target)
            if url.fragment():
                self.browser.scrollToAnchor(url.fragment())
