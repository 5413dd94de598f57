"""Find a Cyrillic TrueType font at run time and register it with reportlab.

Nothing is committed to the repository: Windows fonts (Times New Roman, Arial), then Liberation,
PT Astra and DejaVu on Linux, then a font bundled beside the frozen program by the installer.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import UserError

# (family label, regular, bold) file names, in order of preference.
_CANDIDATES = [
    ("Times New Roman", "times.ttf", "timesbd.ttf"),
    ("Times New Roman", "Times New Roman.ttf", "Times New Roman Bold.ttf"),
    ("PT Astra Serif", "PTAstraSerif-Regular.ttf", "PTAstraSerif-Bold.ttf"),
    ("Liberation Serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    ("Arial", "arial.ttf", "arialbd.ttf"),
    ("Liberation Sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("DejaVu Serif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
]


def _font_dirs() -> list[Path]:
    dirs: list[Path] = []
    env = os.environ.get("OBJEKTIV_FONT_DIR")
    if env:
        dirs.append(Path(env))
    if getattr(sys, "frozen", False):
        dirs.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "fonts")
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
                 Path.home() / "Library" / "Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                 Path.home() / ".local" / "share" / "fonts", Path.home() / ".fonts"]
    return [d for d in dirs if d.is_dir()]


@dataclass(frozen=True)
class FontPair:
    family: str
    regular: Path
    bold: Path


@lru_cache(maxsize=1)
def find_cyrillic_font() -> FontPair:
    """Return the first available (regular, bold) pair; raise UserError if none is installed."""
    index: dict[str, Path] = {}
    for d in _font_dirs():
        for p in d.rglob("*.tt[fc]"):
            index.setdefault(p.name.lower(), p)
    for family, reg, bold in _CANDIDATES:
        r = index.get(reg.lower())
        if r is not None:
            b = index.get(bold.lower(), r)
            return FontPair(family, r, b)
    raise UserError(
        "Не найден шрифт с кириллицей для PDF. Установите Times New Roman или Arial (Windows), "
        "либо Liberation, PT Astra или DejaVu (Linux: пакет fonts-liberation или fonts-dejavu-core)."
    )


@lru_cache(maxsize=1)
def register_reportlab_fonts() -> tuple[str, str]:
    """Register the found font with reportlab as 'ObjRegular' / 'ObjBold'; return the two names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pair = find_cyrillic_font()
    pdfmetrics.registerFont(TTFont("ObjRegular", str(pair.regular)))
    pdfmetrics.registerFont(TTFont("ObjBold", str(pair.bold)))
    addMapping("ObjRegular", 0, 0, "ObjRegular")
    addMapping("ObjRegular", 1, 0, "ObjBold")
    addMapping("ObjRegular", 0, 1, "ObjRegular")
    addMapping("ObjRegular", 1, 1, "ObjBold")
    return "ObjRegular", "ObjBold"
