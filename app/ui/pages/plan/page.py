"""«План»: the school plan of measures — header, sections and items, execution and evidence.

Every edit is written to the school file at once and can be undone (Правка → Отменить). The tree
shows the numbering 1., 1.1. …; rows are moved with the buttons or by dragging; overdue items are
red and bold. Filters by state, responsible and quarter narrow the tree (moving is off while a
filter is on). Exports: the plan as a signed appendix (PDF, XLSX), the execution report, print.
"""
from __future__ import annotations

import tempfile

from app.ui.common import LazyRefresh
from app.ui.widgets.page import Page

from .documents import PlanDocuments
from .layout import PlanLayout
from .loading import PlanLoading
from .writing import PlanWriting


class PlanPage(PlanLayout, PlanLoading, PlanWriting, PlanDocuments, LazyRefresh, Page):
    title = "План"
    TOPICS = {"plan", "roster"}

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id: int | None = None
        self._known_max: int | None = None
        self._tree_data: list[dict] = []
        self._items: dict[int, dict] = {}
        self._busy = False
        self._temp_dir = tempfile.TemporaryDirectory(prefix="objektiv-plan-")
        self._build()
        self.init_lazy(ctx)
