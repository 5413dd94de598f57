"""«План»: the school plan of measures — header, sections and items, execution and evidence.

One page in small modules: ``page`` (the PlanPage class and its state), ``layout`` (how it is built),
``loading`` (reading the plan, filters, the selection), ``writing`` (undoable edits, plans, execution
and evidence) and ``documents`` (PDF, XLSX, the execution report, printing).
"""
from __future__ import annotations

from .layout import DOCK_FROM, STATUS_FILTERS
from .loading import header_summary
from .page import PlanPage

__all__ = ["PlanPage", "DOCK_FROM", "STATUS_FILTERS", "header_summary"]
