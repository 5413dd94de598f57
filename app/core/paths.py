"""Where the program's own read-only files are, from a source checkout and from the installed bundle.

A PyInstaller bundle unpacks resources/ into its contents folder (``sys._MEIPASS``); a checkout
keeps it at the repository root. The user's data never lives here: see store.default_db_path().
"""
from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    """True when running from the installed bundle rather than from source."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path:
    """The folder holding app/ and resources/: the bundle's contents folder or the checkout root."""
    meipass = getattr(sys, "_MEIPASS", None)
    if is_frozen() and meipass:
        return Path(meipass)
    return Path(__file__).resolve().parents[2]


def resource_path(*parts: str) -> Path:
    """Path of a file under resources/, e.g. resource_path('icons', 'objektiv.png').

    The path is returned whether or not the file exists; callers decide what a missing file means.
    """
    for part in parts:
        if Path(part).is_absolute() or ".." in Path(part).parts:
            raise ValueError(f"resource path must stay inside resources/: {parts!r}")
    return bundle_dir().joinpath("resources", *parts)
