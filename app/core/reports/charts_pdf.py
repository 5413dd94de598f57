"""The charts of «Анализ» drawn for the PDF with reportlab.graphics (no Qt in the core).

Each function takes the plain data of ``analysis.views`` and a width in points and returns a Drawing
in the same colours as the screens: lowered red, confirmed grey, raised blue.
"""
from __future__ import annotations

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors

from app.core import palette
from app.core.analysis import views
from app.core.analysis.comparison import CATEGORIES
from app.core.domain import REFERENCE_LEVEL_LABELS
from app.core.fonts import register_reportlab_fonts

TEXT = colors.HexColor(palette.TEXT)
GRID = colors.HexColor(palette.GRID)


def _c(hex_color: str, alpha: float | None = None):
    c = colors.HexColor(hex_color)
    if alpha is None:
        return c
    return colors.Color(1 - (1 - c.red) * alpha, 1 - (1 - c.green) * alpha, 1 - (1 - c.blue) * alpha)


def _s(x, y, text, size=7.5, anchor="start", bold=False, color=TEXT) -> String:
    regular, heavy = register_reportlab_fonts()
    return String(x, y, str(text), fontName=heavy if bold else regular, fontSize=size, textAnchor=anchor,
                  fillColor=color)


def _pct(value) -> str:
    """An axis percent the way every document writes it: «25 %» with a no-break space."""
    return f"{value}\u00a0%"


def _nbsp_pct(text: str) -> str:
    return text.replace(" %", "\u00a0%")


def _y_title(d: Drawing, x: float, y: float, text: str, size: float = 7.5) -> None:
    """A vertical axis title, read from bottom to top, centred on (x, y)."""
    d.add(Group(_s(0, 0, text, size, "middle"), transform=(0, 1, -1, 0, x, y)))


def _text_width(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, register_reportlab_fonts()[0], size)


def _legend(d: Drawing, items: list[tuple[str, str]], x: float, y: float) -> None:
    for color, text in items:
        d.add(Rect(x, y - 1, 8, 8, fillColor=_c(color), strokeColor=None))
        d.add(_s(x + 11, y, text, 8))
        x += 22 + _text_width(text, 8)


def comparison_bars(rows: list[dict], width: float) -> Drawing:
    """Horizontal 100 % bars per class with counts; a black frame marks a flagged class."""
    label_w, row_h, foot = 150.0, 15.0, 12.0
    height = 28 + row_h * len(rows) + 16 + foot
    d = Drawing(width, height)
    plot_w = width - label_w - 8
    _legend(d, [(palette.CATEGORY_COLORS[c], views.CATEGORY_SHORT[c]) for c in CATEGORIES], label_w, height - 10)
    d.add(_s(label_w - 6, height - 10, "Класс (n — участников)", 7.5, "end", bold=True))
    top = height - 24
    for i, r in enumerate(rows):
        y = top - (i + 1) * row_h + 3
        d.add(_s(label_w - 6, y + 3, f"{r['label']} (n={r['n']})", 7.5, "end", bold=r.get("flagged", False)))
        x = label_w
        for cat in CATEGORIES:
            w = plot_w * r[cat] / r["n"]
            if w > 0:
                d.add(Rect(x, y, w, row_h - 4, fillColor=_c(palette.CATEGORY_COLORS[cat]), strokeColor=colors.white,
                           strokeWidth=0.5))
                if w >= 22:
                    pct = round(100 * r[cat] / r["n"])
                    text = f"{r[cat]} ({_pct(pct)})" if w >= 55 else str(r[cat])
                    d.add(_s(x + w / 2, y + 3, text, 7, "middle",
                             color=TEXT if cat == "confirmed" else colors.white))
            x += w
        if r.get("flagged"):
            d.add(Rect(label_w, y, plot_w, row_h - 4, fillColor=None, strokeColor=TEXT, strokeWidth=1.2))
    for p in (0, 25, 50, 75, 100):
        x = label_w + plot_w * p / 100
        d.add(Line(x, 14 + foot, x, 18 + foot, strokeColor=TEXT, strokeWidth=0.5))
        d.add(_s(x, 5 + foot, _pct(p), 7, "middle"))
    d.add(_s(label_w + plot_w / 2, 3, "Доля участников класса, %", 7.5, "middle"))
    return d


def heatmap(table: list[list[int]], width: float) -> Drawing:
    """The 4 × 4 cross-tab: rows journal mark, columns external mark, counts and % in the cells."""
    cell, left, bottom = 40.0, 90.0, 34.0
    d = Drawing(width, bottom + 4 * cell + 20)
    n = sum(sum(r) for r in table) or 1
    top_count = max(max(r) for r in table) or 1
    for i in range(4):
        for j in range(4):
            count = table[i][j]
            cat = "confirmed" if i == j else ("lowered" if j < i else "raised")
            alpha = 0.12 + 0.88 * count / top_count if count else 0.04
            x, y = left + j * cell, bottom + i * cell
            d.add(Rect(x, y, cell - 2, cell - 2, fillColor=_c(palette.CATEGORY_COLORS[cat], alpha), strokeColor=GRID))
            if count:
                color = colors.white if count / top_count > 0.55 else TEXT
                d.add(_s(x + cell / 2 - 1, y + cell / 2 + 1, count, 9, "middle", bold=True, color=color))
                d.add(_s(x + cell / 2 - 1, y + cell / 2 - 9, _nbsp_pct(views.share_text(count, n)), 7, "middle", color=color))
    for k, m in enumerate((2, 3, 4, 5)):
        d.add(_s(left + k * cell + cell / 2 - 1, bottom - 11, f"«{m}»", 8, "middle"))
        d.add(_s(left - 6, bottom + k * cell + cell / 2 - 3, f"«{m}»", 8, "end"))
    d.add(_s(left + 2 * cell, bottom - 25, "Отметка за процедуру", 8, "middle"))
    d.add(_s(left - 30, bottom + 4 * cell + 6, "Отметка по журналу", 8, "start"))
    return d


def histogram(data: dict, width: float) -> Drawing:
    """Primary scores with the mark thresholds (dashed) and the flagged bunching windows in red."""
    counts, flagged = data["counts"], set(data.get("flagged_thresholds") or [])
    left, bottom, height = 42.0, 24.0, 150.0
    d = Drawing(width, bottom + height + 32)
    _y_title(d, 10, bottom + height / 2, "Число работ")
    top = max(counts) or 1
    step = (width - left - 10) / max(len(counts), 1)
    fill = [palette.HISTOGRAM] * len(counts)
    for t in flagged:
        for s in (t - 2, t - 1):
            if 0 <= s < len(counts):
                fill[s] = palette.BUNCH_BELOW
        for s in (t, t + 1):
            if 0 <= s < len(counts):
                fill[s] = palette.BUNCH_ABOVE
    for s, c in enumerate(counts):
        h = height * c / (top * 1.15)
        d.add(Rect(left + s * step + 1, bottom, step - 2, h, fillColor=_c(fill[s]), strokeColor=None))
        if len(counts) <= 40 or s % 5 == 0:
            d.add(_s(left + s * step + step / 2, bottom - 10, s, 6.5, "middle"))
    for t, mark in data["thresholds"]:
        if t <= 0:
            continue
        x = left + t * step
        d.add(Line(x, bottom, x, bottom + height, strokeColor=TEXT, strokeWidth=0.8, strokeDashArray=[3, 2]))
        d.add(_s(x + 2, bottom + height + 2, f"«{mark}» — от {t} б.", 7.5, bold=True))
    for k in range(0, 5):
        value = round(top * 1.15 * k / 4)
        y = bottom + height * k / 4
        d.add(Line(left - 3, y, left, y, strokeColor=TEXT, strokeWidth=0.5))
        d.add(_s(left - 5, y - 2.5, value, 6.5, "end"))
    d.add(_s(left + (width - left) / 2, 2, "Первичный балл", 7.5, "middle"))
    _legend(d, views.bunching_legend(bool(flagged)), left, bottom + height + 18)
    d.add(_s(left + 4, bottom + height - 8, "Пунктир — граница отметки", 6.5))
    return d


def cohort_lines(lines: list[dict], width: float) -> Drawing:
    """Share of «4» and «5» of the same pupils across years, one line per class."""
    left, bottom, height = 40.0, 34.0, 150.0
    years = sorted({p["year"] for ln in lines for p in ln["points"]})
    d = Drawing(width, bottom + height + 24)
    span = max(len(years) - 1, 1)
    plot_w = width - left - 70

    def xy(p):
        return left + plot_w * years.index(p["year"]) / span, bottom + height * p["share45"] / 100

    for v in (0, 25, 50, 75, 100):
        y = bottom + height * v / 100
        d.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.4))
        d.add(_s(left - 4, y - 2.5, _pct(v), 6.5, "end"))
    for k, yr in enumerate(years):
        d.add(_s(left + plot_w * k / span, bottom - 12, yr, 7, "middle"))
    d.add(_s(left + plot_w / 2, bottom - 26, "Учебный год", 7.5, "middle"))
    for k, ln in enumerate(lines):
        color = _c(palette.series_color(k))
        pts = [xy(p) for p in ln["points"]]
        d.add(PolyLine([c for p in pts for c in p], strokeColor=color, strokeWidth=2.5 if ln.get("flagged") else 1.3))
        for x, y in pts:
            d.add(Circle(x, y, 2.6, fillColor=color, strokeColor=colors.white, strokeWidth=0.5))
        d.add(_s(pts[-1][0] + 5, pts[-1][1] - 2.5, ln["class"], 7.5, bold=True, color=color))
    d.add(_s(left, bottom + height + 12, "Доля «4» и «5» у тех же учащихся, %", 7.5))
    return d


def _wrap_label(label: str, width: float, size: float, max_lines: int = 3) -> list[str]:
    """A bar label on up to three short lines under its group («Русский язык» / «5 кл.»). Words are
    never cut; the last part («5 кл.») always stays, and a subject too long for the room ends in «…»."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, _ = register_reportlab_fonts()

    def fits(text: str) -> bool:
        return stringWidth(text, regular, size) <= width

    def wrap(part: str) -> list[str]:
        lines, current = [], ""
        for word in part.split():
            trial = f"{current} {word}".strip()
            if fits(trial) or not current:
                current = trial
            else:
                lines.append(current)
                current = word
        return lines + [current] if current else lines

    def shorten(line: str, cut: bool) -> str:
        if not cut and fits(line):
            return line
        line = line.rstrip(" …")
        while line and not fits(line + "…"):
            line = line[:-1].rstrip()
        return (line or "") + "…"

    parts = label.split(", ")
    tail = wrap(parts[-1]) if len(parts) > 1 else []
    head = [line for part in parts[:-1] or parts for line in wrap(part)]
    room = max(max_lines - len(tail), 1)
    out = [shorten(line, k == room - 1 and len(head) > room) for k, line in enumerate(head[:room])]
    return out + [shorten(line, False) for line in tail]


def reference_bars(rows: list[dict], width: float, scope: str = "Школа") -> Drawing:
    """Share of «4» and «5»: school against municipality, region and Russia, grouped per work."""
    levels = ("municipality", "region", "russia")
    left, bottom, height = 46.0, 50.0, 140.0
    d = Drawing(width, bottom + height + 26)
    _y_title(d, 10, bottom + height / 2, "Доля «4» и «5», %")
    d.add(_s(left + (width - left) / 2, 3, "Работа: предмет и параллель", 7.5, "middle"))
    group = min((width - left - 6) / max(len(rows), 1), 110.0)   # one or two works: no giant bars
    shift = (width - left - 6 - group * len(rows)) / 2             # … and the groups centred
    bar = group * 0.8 / 4
    for v in (0, 25, 50, 75, 100):
        y = bottom + height * v / 100
        d.add(Line(left, y, width - 6, y, strokeColor=GRID, strokeWidth=0.4))
        d.add(_s(left - 4, y - 2.5, _pct(v), 6.5, "end"))
    for i, r in enumerate(rows):
        x0 = left + shift + i * group + group * 0.1
        values = [(palette.SCHOOL, r["share45"])] + [(palette.REFERENCE_COLORS[lv], r["refs"].get(lv)) for lv in levels]
        for k, (color, value) in enumerate(values):
            if value is None:
                continue
            d.add(Rect(x0 + k * bar, bottom, bar - 1, height * value / 100, fillColor=_c(color), strokeColor=None))
        d.add(_s(x0 + bar / 2, bottom + height * r["share45"] / 100 + 2, round(r["share45"]), 6.5, "middle"))
        for k, line in enumerate(_wrap_label(r["label"], group - 2, 6.5)):
            d.add(_s(x0 + group * 0.4, bottom - 10 - 8 * k, line, 6.5, "middle"))
    _legend(d, [(palette.SCHOOL, scope)] + [(palette.REFERENCE_COLORS[lv], REFERENCE_LEVEL_LABELS[lv].capitalize())
                                               for lv in levels], left, bottom + height + 12)
    return d
