"""Re-save a workbook through LibreOffice Calc, as a school's office suite would.

Fixtures of real layouts are written with openpyxl (which stores text inline) and then passed
through `soffice --headless --convert-to`, which writes shared strings, cached formula values and
its own styles — the way the files schools send really look. The results are committed, so the
test suite itself never needs an office suite; only the fixture builders do.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xls": "xls:MS Excel 97", "ods": "ods"}


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise SystemExit("LibreOffice Calc is needed to build these fixtures: apt-get install libreoffice-calc")
    return exe


def resave(src: Path, dest: Path, fmt: str | None = None) -> Path:
    """Convert `src` (any workbook) to `dest` through LibreOffice; the format from dest's suffix."""
    fmt = fmt or dest.suffix.lstrip(".").lower()
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        out = Path(tmp) / "out"
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", FILTERS[fmt], "--outdir", str(out), str(src)],
                       check=True, capture_output=True, timeout=180)
        made = out / (src.stem + "." + fmt)
        if not made.exists():
            raise RuntimeError(f"LibreOffice did not convert {src}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), dest)
    return dest


def has_shared_strings(path: Path) -> bool:
    """True when an xlsx keeps its text in xl/sharedStrings.xml (as office suites write it)."""
    with zipfile.ZipFile(path) as zf:
        if "xl/sharedStrings.xml" not in zf.namelist():
            return False
        return b"<si>" in zf.read("xl/sharedStrings.xml")
