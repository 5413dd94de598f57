"""Settings stored in the school DB (JSON values under string keys), each declared once here.

Every key the program keeps in the ``settings`` table is declared below with its default and what
it holds; modules use the constant, never the string, and ``get_setting`` falls back to the declared
default. A key nobody declared is a programming error (``KeyError``), so a misspelt key cannot
quietly read a default forever. The window's own preferences (last folders, geometry) live in
QSettings and are declared the same way in ``app.ui.prefs``.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    about: str
    family: bool = False         # the key is a prefix: one value per suffix


SETTINGS: dict[str, Setting] = {}


def _declare(key: str, default: Any, about: str, *, family: bool = False) -> str:
    SETTINGS[key] = Setting(key, default, about, family)
    return key


DEMO_KEY = _declare("demo_school", False, "true in the demo school's file (and in its packets' manifests)")
LAST_STUDENT_CODE = _declare("roster.last_code", 0, "the highest pupil code ever issued (codes are never reused)")
RETIRED_CODES = _declare("roster.retired_codes", [], "codes of deleted pupils, never issued again")
SCHEDULE_WEEKS = _declare("schedule_weeks", {}, "school weeks in the year per grade ('1'…'11'), where changed")
SCHEDULE_THRESHOLDS = _declare("schedule_thresholds", {}, "the schedule rules' thresholds the user changed")
ANALYSIS_THRESHOLDS = _declare("analysis.thresholds", {}, "the indicators' thresholds the user changed")
STUDENT_DISPLAY = _declare("analysis.student_display", "codes", "pupils on screens and in reports: 'codes' | 'names'")
JOURNAL_MAPPING = _declare("imports.journal_mapping.", None,
                           "a confirmed column mapping of a journal export, per header signature", family=True)


def declared(key: str) -> Setting:
    """The declaration of `key` (a family's member by its prefix); KeyError if none."""
    found = SETTINGS.get(key)
    if found is None:
        found = next((s for s in SETTINGS.values() if s.family and key.startswith(s.key)), None)
    if found is None:
        raise KeyError(f"undeclared setting {key!r}: declare it in app/core/settings.py")
    return found


_DECLARED = object()


def get_setting(db, key: str, default: Any = _DECLARED) -> Any:
    """The stored value of `key`, or its declared default (a fresh copy)."""
    setting = declared(key)
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is not None:
        return json.loads(row[0])
    return copy.deepcopy(setting.default if default is _DECLARED else default)


def set_setting(db, key: str, value: Any) -> None:
    declared(key)
    with db.atomic():
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, json.dumps(value, ensure_ascii=False)],
        )


DEMO_NOTICE = ("Демонстрационная школа: все люди и сведения вымышлены. Её отчёты и пакет — только "
               "для знакомства с программой, не для отправки в управление образования.")


def is_demo(db) -> bool:
    """True for the demo school: its title, Обзор, packets and Район say so."""
    try:
        return bool(get_setting(db, DEMO_KEY))
    except Exception:  # noqa: BLE001 - a file without the settings table is no demo
        return False
