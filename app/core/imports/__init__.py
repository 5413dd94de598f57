"""Importers of the files schools already have (DESIGN §9) and the dispatcher that runs them.

``import_files`` recognises each file (by extension and content), asks its importer for a preview,
and — unless it is a dry run or any file is refused — commits every file in ONE transaction. Each
committed file gets an ``import_batch`` row and an ``import_change`` row per inserted or updated row
(the undo log), so ``undo_import`` puts the database back as it was before that file. A file whose
SHA-256 matches an applied batch is «уже загружен» and changes nothing; a file whose data are
already in the database leaves no batch behind.

The package is split by job: ``kinds`` (what can be imported, in Russian), ``changelog`` (the undo
log importers write through), ``report`` (what an import found and did), ``dispatch`` (recognise,
preview, commit or simulate) and ``undo`` (the import journal and its undo). Every public name is
importable from here. Importer modules (vpr, journal, gia, plan, schedule, curriculum) follow the
protocol in ``base.py`` and write through ``ChangeLog`` so every change can be undone.
"""
from __future__ import annotations

from app.core.errors import Cancelled

from .changelog import ChangeLog
from .dispatch import detect_kind, import_files, importer
from .kinds import IMPORT_FILE_FILTER, IMPORT_SUFFIXES, KIND_LABELS, KINDS, OPTION_HINTS
from .report import FileOutcome, Impact, ImportReport, outcome_label
from .undo import list_batches, undo_import

__all__ = ["IMPORT_FILE_FILTER", "IMPORT_SUFFIXES", "KINDS", "KIND_LABELS", "OPTION_HINTS", "ChangeLog",
           "ImportReport", "FileOutcome", "Impact", "outcome_label", "import_files", "undo_import",
           "list_batches", "detect_kind", "importer", "Cancelled"]
