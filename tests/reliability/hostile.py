"""Hostile files: tiny on disk, huge in what they claim. Used by test_limits and test_fuzz.

Each builder writes one file into a folder and returns its path. The claims are the ones that took a
machine down before the bounds of app/core/imports/limits.py: a value at XFD1048576, a row numbered
two hundred million, rows without addresses, twenty million shared strings, twenty thousand merged
ranges, a Word cell spanning a hundred million columns, an OpenDocument row repeated a million
times, a deflate bomb, a zip Python cannot read, csv fields past the csv module's limit, a cell of
text that made a subject pattern backtrack.
"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
       '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
       'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
       'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_HEAD = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Код участника</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>Отметка</t></is></c></row>'
         '<row r="2"><c r="A2"><v>10001</v></c><c r="B2"><v>5</v></c></row>')


def xlsx(path: Path, sheet_data: str, *, extra: str = "", shared: bytes | None = None,
         compress: int = zipfile.ZIP_DEFLATED) -> Path:
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{sheet_data}</sheetData>'
             f'{extra}</worksheet>')
    with zipfile.ZipFile(path, "w", compress) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            zf.writestr("xl/sharedStrings.xml", shared)
    return path


def far_column(folder: Path) -> Path:
    return xlsx(folder / "far_column.xlsx", _HEAD + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def far_row(folder: Path) -> Path:
    return xlsx(folder / "far_row.xlsx", _HEAD + '<row r="200000000"><c r="A200000000"><v>1</v></c></row>')


def rows_without_addresses(folder: Path) -> Path:
    """Cells without «r»: a reader counts them; 3 000 in the first row and a row a million down."""
    wide = "<row>" + "<c><v>1</v></c>" * 3000 + "</row>"
    return xlsx(folder / "no_addresses.xlsx", wide + '<row r="1000000"><c><v>2</v></c></row>')


def prefixed_far_cell(folder: Path) -> Path:
    """The same far cell written with a namespace prefix and a line break inside the tag."""
    data = _HEAD + '<row r="900000"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"\nr="AMK900000"><x:v>1</x:v></x:c></row>'
    return xlsx(folder / "prefixed.xlsx", data)


def many_shared_strings(folder: Path) -> Path:
    count = 20_000_000
    body = b"<si/>" * 2_000_000                       # 10 MB of markup, 2 000 000 strings, 20 M claimed
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{count}" uniqueCount="{count}">'
              .encode() + body + b"</sst>")
    return xlsx(folder / "shared_strings.xlsx", _HEAD, shared=shared)


def shared_strings_claim(folder: Path) -> Path:
    """A handful of strings that claim to be twenty million (a reader may reserve room for all)."""
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="20000000" uniqueCount="20000000">'
              '<si><t>Код участника</t></si></sst>').encode()
    return xlsx(folder / "shared_claim.xlsx", _HEAD, shared=shared)


def many_merges(folder: Path) -> Path:
    merges = "".join(f'<mergeCell ref="A{r}:Z{r + 700}"/>' for r in range(3, 20_003))
    return xlsx(folder / "merges.xlsx", _HEAD, extra=f'<mergeCells count="20000">{merges}</mergeCells>')


def long_cell(folder: Path) -> Path:
    text = "математика " * 9000                        # 99 000 characters in one cell
    return xlsx(folder / "long_cell.xlsx", _HEAD + f'<row r="3"><c r="A3" t="inlineStr"><is><t>{text}</t></is></c></row>')


def deflate_bomb(folder: Path) -> Path:
    """A sheet of 200 MB of blanks that compresses to about 200 KB."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<worksheet {_NS}><sheetData>{_HEAD}'.encode())
            block = b" " * (1 << 20)
            for _ in range(200):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def zip_version_79(folder: Path, source: Path, name: str) -> Path:
    """A copy of `source` whose members say they need zip version 7.9 to extract."""
    data = bytearray(source.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 4), (b"PK\x01\x02", 6)):
        i = 0
        while (j := data.find(signature, i)) >= 0:
            data[j + offset:j + offset + 2] = (79).to_bytes(2, "little")
            i = j + 4
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def docx_span(folder: Path, source: Path) -> Path:
    """A plan document whose first table cell spans a hundred million columns."""
    path = folder / "span.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="100000000"/></w:tcPr>', 1)
            zout.writestr(info, data)
    return path


def ods_repeated(folder: Path) -> Path:
    """An OpenDocument table whose one filled row is repeated a million times, 1 000 columns wide."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               '<office:spreadsheet><table:table table:name="Лист1">'
               '<table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell table:number-columns-repeated="1000" office:value-type="float" '
               'office:value="5"><text:p>5</text:p></table:table-cell></table:table-row>'
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    path = folder / "repeated.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


def csv_long_field(folder: Path) -> Path:
    path = folder / "long_field.csv"
    path.write_text('ФИО;Предмет;Отметка\n"' + "а" * 140_000 + '";Математика;5\n', encoding="utf-8")
    return path


def csv_backtracking(folder: Path) -> Path:
    """24 KB of «математика» without «профиль»: the old subject pattern took half a minute."""
    cell = "математика " * 730
    path = folder / "backtracking.csv"
    path.write_text(f"ФИО;{cell};{cell}\nИванов Иван;5;4\n", encoding="utf-8")
    return path


def csv_bom_cp1251(folder: Path) -> Path:
    path = folder / "bom_cp1251.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "ФИО;Предмет;Период;Отметка\nИванов Иван;Математика;1 четверть;5\n"
                     .encode("cp1251"))
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def all_cases(folder: Path, data: Path) -> dict[str, tuple[Path, list[str]]]:
    """name → (file, extra CLI options) for every hostile input."""
    folder.mkdir(parents=True, exist_ok=True)
    plan_docx = data / "plan" / "flat_001.docx"
    form = data / "imports" / "vpr_simple_math5.xlsx"
    cases = {
        "far_column": (far_column(folder), []),
        "far_row": (far_row(folder), []),
        "rows_without_addresses": (rows_without_addresses(folder), []),
        "prefixed_far_cell": (prefixed_far_cell(folder), []),
        "shared_strings_20M": (many_shared_strings(folder), []),
        "shared_strings_claim": (shared_strings_claim(folder), []),
        "merges_20000": (many_merges(folder), []),
        "long_cell": (long_cell(folder), []),
        "deflate_bomb": (deflate_bomb(folder), []),
        "zip_version_79_xlsx": (zip_version_79(folder, form, "v79.xlsx"), []),
        "zip_version_79_docx": (zip_version_79(folder, plan_docx, "v79.docx"), []),
        "docx_gridspan": (docx_span(folder, plan_docx), []),
        "ods_repeated_rows": (ods_repeated(folder), []),
        "csv_long_field": (csv_long_field(folder), []),
        "csv_backtracking": (csv_backtracking(folder), ["--kind", "journal"]),
        "csv_bom_cp1251": (csv_bom_cp1251(folder), ["--kind", "journal"]),
        "dev_zero": (Path("/dev/zero"), ["--kind", "journal"]),
    }
    if hasattr(os, "mkfifo"):
        cases["fifo"] = (fifo(folder), [])
    for kind in ("vpr", "journal", "gia", "plan"):
        cases[f"zip_version_79_{kind}"] = (cases["zip_version_79_xlsx"][0], ["--kind", kind])
    return cases
