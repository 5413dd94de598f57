"""The fixtures of real layouts are what office suites write: every .xlsx keeps its text in shared
strings (as Excel, LibreOffice, ФИС ОКО and e-journals save it), several are old .xls books, and
the reader takes each of them."""
from __future__ import annotations

import zipfile
from pathlib import Path

from app.core.imports import table_reader
from tests.resave import has_shared_strings

REAL = Path(__file__).resolve().parents[1] / "data" / "real-layouts"


def test_every_workbook_fixture_is_office_saved():
    books = sorted(p for p in REAL.iterdir() if p.suffix in (".xlsx", ".xls"))
    xlsx = [p for p in books if p.suffix == ".xlsx"]
    xls = [p for p in books if p.suffix == ".xls"]
    assert len(xlsx) >= 6 and len(xls) >= 2
    for path in xlsx:
        assert has_shared_strings(path), f"{path.name}: text stored inline, not as an office suite saves it"
        with zipfile.ZipFile(path) as zf:
            app = zf.read("docProps/app.xml").decode("utf-8", "replace")
        assert "LibreOffice" in app or "Microsoft" in app, path.name
    for path in xls:
        assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", path.name
    for path in books:
        book = table_reader.read_book(path)
        assert any(len(row) > 3 for sheet in book.sheets for row in sheet.rows), path.name


def test_an_ods_book_imports_like_its_xlsx(empty_db):
    from app.core.imports import import_files

    ods = REAL / "journal_Итоговые отметки 9А 2024-2025 (LibreOffice).ods"
    assert table_reader.sniff_format(ods) == "ods"
    report = import_files(empty_db, [ods])
    assert report.ok and report.committed
    assert empty_db.execute("SELECT count(*) FROM journal_mark").fetchone()[0] == 98
    assert empty_db.execute("SELECT count(*) FROM student").fetchone()[0] == 9


def test_the_older_workbook_fixtures_are_office_saved_too():
    data = REAL.parent
    books = [p for sub in ("imports", "plan") for p in sorted((data / sub).glob("*.xlsx"))
             if not p.name.startswith("bad_")]      # the damaged ones stay as they were made
    assert len(books) >= 12
    assert [p.name for p in books if not has_shared_strings(p)] == []
