"""Widgets of the «План» page: the tree with drag and drop (``tree``), the item editor and its own
window (``editor``), the dialogs (``dialogs``); printing lives in ``app.ui.plan_print``.

They hold no SQL and no rules: the page reads the plan through app.core.plan and writes through
the undoable edits of app.core.plan_edits; these widgets only show values and say what the user asked for.
Every name stays importable from ``app.ui.plan_widgets``.
"""
from __future__ import annotations

from ..plan_print import (PRINT_MEMORY, PlanPrintPreview, plan_html, print_dpi, render_pdf_pages,
                          render_text_document, setup_printer)
from .dialogs import ExecutionDialog, NewPlanDialog, current_academic_years
from .editor import EditorWindow, ItemEditor, TextField
from .tree import OVERDUE_LABEL, ROLE_ID, ROLE_KIND, PlanTree, style_item_row

__all__ = ["PRINT_MEMORY", "PlanPrintPreview", "plan_html", "print_dpi", "render_pdf_pages", "render_text_document",
           "setup_printer", "ExecutionDialog", "NewPlanDialog", "current_academic_years", "EditorWindow",
           "ItemEditor", "TextField", "OVERDUE_LABEL", "ROLE_ID", "ROLE_KIND", "PlanTree", "style_item_row"]
