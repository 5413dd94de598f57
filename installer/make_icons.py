"""Render resources/icons/objektiv.svg into objektiv.png (256 px) and a multi-size objektiv.ico.

Usage: python installer/make_icons.py   (run again whenever the SVG changes; commit the results)

The ICO holds 16, 24, 32, 48, 64 and 128 px as 32-bit bitmaps and 256 px as PNG, the layout
Windows Explorer, the Start menu, PyInstaller and Inno Setup all read.
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_FROM = 256  # sizes from this one up are stored as PNG inside the ICO


def render(svg: Path, size: int):
    """Render the SVG to a straight-alpha ARGB32 QImage of size × size."""
    from app.ui.qt import QtGui, QtSvg

    renderer = QtSvg.QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"Не удалось прочитать SVG: {svg}")
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QtGui.QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from app.ui.qt import QtCore

    buf = QtCore.QBuffer()
    buf.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise SystemExit("Qt не смог записать PNG")
    return bytes(buf.data())


def bgra_rows(image) -> list[bytes]:
    """Pixel rows top to bottom as BGRA bytes (ARGB32 in little-endian memory order)."""
    size = image.width()
    data = bytes(image.constBits())
    stride = image.bytesPerLine()
    rows = [data[y * stride: y * stride + size * 4] for y in range(size)]
    if sys.byteorder != "little":  # ARGB32 is a native-endian 0xAARRGGBB word
        rows = [b"".join(r[i:i + 4][::-1] for i in range(0, len(r), 4)) for r in rows]
    return rows


def dib_bytes(size: int, rows: list[bytes]) -> bytes:
    """A 32-bit icon bitmap: BITMAPINFOHEADER (double height), XOR pixels bottom-up, AND mask."""
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    pixels = b"".join(reversed(rows))
    mask_stride = ((size + 31) // 32) * 4
    mask_rows = []
    for row in reversed(rows):
        bits = bytearray(mask_stride)
        for x in range(size):
            if row[x * 4 + 3] == 0:  # fully transparent pixel: set in the AND mask
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    return header + pixels + b"".join(mask_rows)


def ico_bytes(entries: list[tuple[int, bytes]]) -> bytes:
    """Assemble an ICO container from (size, image data) pairs; data is a DIB or a PNG."""
    out = [struct.pack("<HHH", 0, 1, len(entries))]
    offset = 6 + 16 * len(entries)
    for size, data in entries:
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        out.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        offset += len(data)
    out.extend(data for _, data in entries)
    return b"".join(out)


def make_icons(svg: Path = ICONS / "objektiv.svg", out_dir: Path = ICONS) -> list[Path]:
    from app.core.fsutil import atomic_write_bytes

    entries = []
    png_256 = b""
    for size in SIZES:
        image = render(svg, size)
        if size >= PNG_FROM:
            data = png_bytes(image)
            png_256 = data
        else:
            data = dib_bytes(size, bgra_rows(image))
        entries.append((size, data))
    written = [atomic_write_bytes(out_dir / "objektiv.png", png_256),
               atomic_write_bytes(out_dir / "objektiv.ico", ico_bytes(entries))]
    for path in written:
        os.chmod(path, 0o644)
    return written


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from app.ui.qt import QtGui

    app = QtGui.QGuiApplication.instance() or QtGui.QGuiApplication([sys.argv[0]])  # noqa: F841
    for path in make_icons():
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} байт")
    return 0


if __name__ == "__main__":
    sys.exit(main())
