"""The window's own preferences in QSettings, each declared once here with its default.

What belongs to the school (thresholds, how pupils are shown) is in the school file
(``app.core.settings``); what belongs to this computer's user (the last file, folders, the window's
place) is here. Pages read and write through ``read`` / ``write`` with a constant, never a string.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Pref:
    key: str
    default: Any
    about: str


PREFS: dict[str, Pref] = {}


def _declare(key: str, default: Any, about: str) -> Pref:
    PREFS[key] = pref = Pref(key, default, about)
    return pref


LAST_DB = _declare("last_db", "", "the school file opened last; opened again at start")
WINDOW_GEOMETRY = _declare("window/geometry", None, "the main window's place and size")
WINDOW_STATE = _declare("window/state", None, "the main window's toolbars and docks")
IMPORT_DIR = _declare("import/last_dir", "", "the folder files were last imported from")
PACKET_DIR = _declare("packet/last_dir", "", "the folder the last packet was written to")
PACKET_EMAIL = _declare("packet/email", "", "the address the packet is sent to")
DISTRICT_DIR = _declare("district/last_dir", "", "the folder packets were last read from in «Район»")


def read(qsettings, pref: Pref) -> Any:
    """The stored value, or the declared default."""
    value = qsettings.value(pref.key, pref.default)
    return pref.default if value is None else value


def write(qsettings, pref: Pref, value: Any) -> None:
    qsettings.setValue(pref.key, value)
