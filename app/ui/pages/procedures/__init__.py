"""«Процедуры»: ВПР, ОГЭ, ЕГЭ and others — list, results grid, tasks, observers, rechecks, reference."""
from __future__ import annotations

from .page import ProceduresPage

__all__ = ["ProceduresPage"]
