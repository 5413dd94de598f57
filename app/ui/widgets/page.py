"""What every page of the main window is: a title, a way to reload, and (for some) a document to print.

The window builds a page the first time it is shown, calls ``refresh()`` if the school is open and
the page has not ``loaded`` yet, and asks ``can_print()`` before ``print_document()``. Pages never
call each other: a page that wants another one shown asks through ``ctx.navigate`` (see
``AppContext``); a page that takes such a request listens to that signal itself. Pages that reload
on change notices mix in ``LazyRefresh`` (app.ui.common) before this class.
"""
from __future__ import annotations

from ..qt import QtWidgets


class Page(QtWidgets.QWidget):
    title = ""              # the page's name, as in the navigation list
    loaded = False          # True once the page shows the open school (set by the page)

    def refresh(self) -> None:
        """Read the open school again and show it."""

    def print_document(self) -> None:
        """Print what the page shows (pages that print override this)."""
        raise NotImplementedError

    def can_print(self) -> bool:
        """True for a page with its own document to print (Файл → Печать)."""
        return type(self).print_document is not Page.print_document
