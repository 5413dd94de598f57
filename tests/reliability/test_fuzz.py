"""The fuzzer: deterministic mutations of every file in tests/data, each imported by the real CLI.

Mutations: bytes flipped, the file cut short, zip members edited (a cell moved to XFD1048576 or row
99 999 999, a dimension or shared-string count claimed huge, a member cut or dropped, a Word cell
spanning a hundred million columns, an OpenDocument row repeated millions of times), text tables
given a NUL, an endless quoted field, a huge line. For every case: no traceback and no crash, exit 0
or 1, at most 10 s and 500 MB (measured in the case's own process), and a refused file changes
nothing in the school.

100 cases in the test suite; on purpose: ``FUZZ_CASES=1000 pytest tests/reliability/test_fuzz.py`` or
``python tests/reliability/test_fuzz.py --cases 1000`` (prints the figures docs/reliability.md quotes).
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import re
import shutil
import sqlite3
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [p for p in (str(ROOT), str(Path(__file__).parent)) if p not in sys.path]

from caserunner import run_cases  # noqa: E402

DATA = ROOT / "tests" / "data"
TIME_LIMIT = 10.0
MEMORY_LIMIT_MB = 500
SUFFIXES = {".xlsx", ".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".txt", ".tsv", ".docx"}


def cases_total() -> int:
    return int(os.environ.get("FUZZ_CASES", "100"))


def fixtures() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


# -- mutations ------------------------------------------------------------------------------------

def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        i = rng.randrange(len(out))
        out[i] = rng.randrange(256)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randint(0, max(len(data) - 1, 0))]


def _edit_xml(name: str, text: bytes, rng: random.Random) -> bytes | None:
    low = name.lower()
    choice = rng.randrange(7)
    if choice == 0:                                      # cut the member short
        return text[:rng.randint(0, len(text))]
    if choice == 1 and b' r="' in text and "worksheets" in low:     # a cell moved far away
        far = rng.choice([b"XFD1048576", b"A99999999", b"ZZZZ1", b"AMK5", b"A0", b"1A"])
        return re.sub(rb'<c r="[A-Z]+[0-9]+"', b'<c r="' + far + b'"', text, count=rng.randint(1, 3))
    if choice == 2 and "worksheets" in low:             # a huge dimension and a far row
        text = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', text)
        return re.sub(rb'<row r="[0-9]+"', b'<row r="' + str(rng.randint(10**6, 10**9)).encode() + b'"',
                      text, count=1)
    if choice == 3 and "sharedstrings" in low:
        return re.sub(rb'(count|uniqueCount)="[0-9]+"', rb'\1="' + str(rng.choice([10**7, 10**9, 2**31])).encode()
                      + b'"', text)
    if choice == 4 and low == "word/document.xml":
        return text.replace(b"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="' +
                            str(rng.choice([100, 10**5, 10**8])).encode() + b'"/></w:tcPr>', rng.randint(1, 5))
    if choice == 5 and low == "content.xml":
        return text.replace(b"<table:table-row", b'<table:table-row table:number-rows-repeated="' +
                            str(rng.choice([10**4, 10**6, 10**8])).encode() + b'"', 1)
    if choice == 6:                                      # flip bytes inside the markup itself
        return flip_bytes(text, rng) if text else text
    return flip_bytes(text, rng) if text else text


def edit_zip(data: bytes, rng: random.Random) -> bytes:
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        infos = zin.infolist()
    except (zipfile.BadZipFile, ValueError):
        return flip_bytes(data, rng)
    targets = [i for i in infos if i.filename.endswith(".xml")] or infos
    victim = rng.choice(targets)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            body = zin.read(info)
            if info.filename == victim.filename:
                if rng.random() < 0.1:
                    continue                             # the member is gone
                body = _edit_xml(info.filename, body, rng)
            zout.writestr(info, body)
    return out.getvalue()


def edit_text(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(5)
    cut = rng.randrange(len(data) + 1)
    if choice == 0:
        return data[:cut] + b"\x00" + data[cut:]
    if choice == 1:
        return data[:cut] + b'"' + b"x" * rng.choice([1000, 140_000]) + data[cut:]
    if choice == 2:
        return data[:cut] + b";" * rng.choice([100, 20_000]) + data[cut:]
    if choice == 3:
        return data + (b"\xd0" * rng.randint(1, 5))       # a broken UTF-8 tail
    return data[:cut] + "математика профиль ".encode("utf-8") * 400 + data[cut:]


def mutate(path: Path, index: int) -> tuple[bytes, str]:
    rng = random.Random(index * 7919 + 17)
    data = path.read_bytes()
    is_zip = data.startswith(b"PK")
    kinds = ["flip", "truncate"] + (["zip", "zip", "zip"] if is_zip else []) + \
        (["text", "text"] if path.suffix.lower() in (".csv", ".txt", ".tsv") else [])
    kind = rng.choice(kinds)
    if kind == "flip":
        return flip_bytes(data, rng), kind
    if kind == "truncate":
        return truncate(data, rng), kind
    if kind == "zip":
        return edit_zip(data, rng), kind
    return edit_text(data, rng), kind


# -- the run --------------------------------------------------------------------------------------

def _fingerprint(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8")).hexdigest()
    finally:
        conn.close()


def run_fuzz(work: Path, total: int, batch: int = 50) -> dict:
    from app.core import store

    work.mkdir(parents=True, exist_ok=True)
    template = work / "template.db"
    store.create_db(template, school_name="Школа").close()
    clean = _fingerprint(template)
    files = fixtures()
    made = []
    for i in range(total):
        source = files[i % len(files)]
        data, kind = mutate(source, i)
        target = work / "cases" / f"{i:04d}" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        made.append((i, source.name, kind, target))
    stats = {"cases": 0, "accepted": 0, "refused": 0, "tracebacks": 0, "changed_when_refused": 0,
             "over_time": 0, "over_memory": 0, "max_seconds": 0.0, "max_mb": 0.0, "problems": []}
    for first in range(0, len(made), batch):
        chunk = made[first:first + batch]
        for _, _, _, target in chunk:                    # every case gets its own copy of the school
            shutil.copyfile(template, target.parent / "school.db")
        results = run_cases([{"name": str(i), "argv": ["--db", str(t.parent / "school.db"), "import", str(t)]}
                             for i, _, _, t in chunk])
        for (i, name, kind, target), r in zip(chunk, results):
            stats["cases"] += 1
            stats["max_seconds"] = max(stats["max_seconds"], r["seconds"])
            stats["max_mb"] = max(stats["max_mb"], r["maxrss_mb"])
            label = f"case {i} ({kind} of {name})"
            if r["traceback"] or r["killed"] or r["code"] not in (0, 1):
                stats["tracebacks"] += 1
                stats["problems"].append(f"{label}: exit {r['code']}: {r['stderr'][-600:]}")
            if r["seconds"] > TIME_LIMIT:
                stats["over_time"] += 1
                stats["problems"].append(f"{label}: {r['seconds']} s")
            if r["maxrss_mb"] > MEMORY_LIMIT_MB:
                stats["over_memory"] += 1
                stats["problems"].append(f"{label}: {r['maxrss_mb']} MB")
            if r["code"] == 0:
                stats["accepted"] += 1
            else:
                stats["refused"] += 1
                if _fingerprint(target.parent / "school.db") != clean:
                    stats["changed_when_refused"] += 1
                    stats["problems"].append(f"{label}: refused, yet the school changed")
            shutil.rmtree(target.parent, ignore_errors=True)
    return stats


def test_mutated_fixtures_never_crash_and_refused_ones_change_nothing(tmp_path):
    stats = run_fuzz(tmp_path, cases_total())
    assert not stats["problems"], stats["problems"][:10]
    assert stats["cases"] == cases_total() and stats["refused"] > 0


if __name__ == "__main__":
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description="fuzzer")
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        begin = time.perf_counter()
        result = run_fuzz(Path(tmp), args.cases)
        print({k: v for k, v in result.items() if k != "problems"})
        print(f"{result['cases']} cases over {len(fixtures())} fixtures in {time.perf_counter() - begin:.0f} s")
        for p in result["problems"]:
            print("PROBLEM", p)
