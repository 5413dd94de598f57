"""The colours of every chart, on screen and in PDFs, defined once.

- Comparison categories: lowered red, confirmed grey, raised blue (the heat map tints the same hues).
- The school is always the same orange, whatever chart shows it beside the references.
- Series (one line per class in the cohort chart, and any chart with one colour per class) take
  :data:`SERIES` in order: 14 hues that stay apart from each other and from the school's orange
  (CIE76 distance ≥ :data:`MIN_SERIES_DISTANCE`, checked by a test), so «5А» and «8Б» never share a
  colour. Past 14 the list starts over and the caller tells series apart by their labels.

Only plain hex strings here: the core draws with reportlab, the window with pyqtgraph.
"""
from __future__ import annotations

TEXT = "#202830"
GRID = "#d5dbe3"

LOWERED, CONFIRMED, RAISED = "#c8414b", "#a9b4bf", "#2f6fb0"
CATEGORY_COLORS = {"lowered": LOWERED, "confirmed": CONFIRMED, "raised": RAISED}

SCHOOL = "#e07b26"
REFERENCE_COLORS = {"municipality": "#5b7083", "region": "#8fa1b3", "russia": "#c3ced9"}

HISTOGRAM = "#7d97b1"
BUNCH_ABOVE, BUNCH_BELOW = LOWERED, "#f0b9be"

SERIES = [
    "#1f5fa8",   # blue
    "#2e9e48",   # green
    "#c0282d",   # red
    "#7b3fa6",   # purple
    "#16a3b5",   # teal
    "#8a5a2b",   # brown
    "#e05aa8",   # pink
    "#9aa20c",   # olive
    "#1c2f6e",   # navy
    "#5fd0a0",   # mint
    "#f2c12e",   # yellow
    "#6e6e6e",   # grey
    "#a8a8ff",   # lavender
    "#5a0f2c",   # maroon
]
MIN_SERIES_DISTANCE = 20.0


def series_color(k: int) -> str:
    """The colour of the k-th series (class) of a chart."""
    return SERIES[k % len(SERIES)]


def _lab(hex_color: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    rgb = [int(hex_color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: str, b: str) -> float:
    """How far apart two colours look (CIE76 ΔE: about 2 is barely seen, 20 clearly different)."""
    la, lb = _lab(a), _lab(b)
    return sum((p - q) ** 2 for p, q in zip(la, lb)) ** 0.5
