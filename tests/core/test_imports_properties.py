"""Properties of every import (hypothesis): the same data imported twice changes nothing, and an import
that fails — a bad value anywhere, a cancel — leaves every table exactly as it was."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import store
from app.core.errors import Cancelled
from app.core.imports import import_files

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import make_import_fixtures as fixtures  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
NAMES = fixtures.pupils(12, 77)
SUBJECTS = ["Математика", "Русский язык", "История", "Биология"]
PERIODS = ["1 четверть", "2 четверть", "год"]
CLASSES = ["5А", "5Б", "6А"]
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def dump(db) -> dict:
    """Every table's rows (all of them, the import journal included)."""
    return {t: sorted(map(tuple, db.execute(f"SELECT * FROM {t}").fetchall()), key=repr) for t in store.DATA_TABLES}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A school that already has data (two fixture files), made once for the module."""
    path = tmp_path_factory.mktemp("props") / "school.db"
    db = store.create_db(path, school_name="Школа")
    assert import_files(db, [DATA / "vpr_simple_math5.xlsx", DATA / "journal_long_2024-2025_cp1251.csv"]).ok
    db.close()
    return path


class Workspace:
    """A fresh copy of the template per example, and a counter for unique file names."""

    def __init__(self, template: Path, folder: Path):
        self.template, self.folder, self.n = template, folder, 0

    def db(self):
        self.n += 1
        path = self.folder / f"school{self.n}.db"
        shutil.copyfile(self.template, path)
        return store.open_db(path)

    def file(self, name: str) -> Path:
        self.n += 1
        return self.folder / f"{self.n}_{name}"


@pytest.fixture
def ws(template, tmp_path) -> Workspace:
    return Workspace(template, tmp_path)


# -- generated files ----------------------------------------------------------------------------------

journal_rows = st.lists(
    st.tuples(st.sampled_from(CLASSES), st.integers(0, len(NAMES) - 1), st.sampled_from(SUBJECTS),
              st.sampled_from(PERIODS), st.integers(2, 5)),
    min_size=1, max_size=40, unique_by=lambda r: (r[1], r[2], r[3]))
encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1251"])
delimiters = st.sampled_from([";", ",", "\t"])


def write_journal(path: Path, rows, encoding: str, delimiter: str, *, bad: tuple[int, str] | None = None) -> Path:
    lines = [delimiter.join(["Класс", "ФИО", "Предмет", "Период", "Отметка"])]
    # one pupil is always in one class: the class follows the pupil
    for i, (_cls, who, subject, period, mark) in enumerate(rows):
        value = bad[1] if bad and bad[0] == i else str(mark)
        lines.append(delimiter.join([CLASSES[who % 3], NAMES[who], subject, period, value]))
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def write_vpr(path: Path, maxima: list[int], scores: list[list[int]], *, bad: tuple[int, int, object] | None = None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Результаты"
    ws.append(["Предмет: История"])
    ws.append(["Дата: 22.04.2025"])
    ws.append(["Код участника", "Класс", *[str(i + 1) for i in range(len(maxima))], "Первичный балл"])
    ws.append(["Максимальный балл", "", *maxima, sum(maxima)])
    for r, row in enumerate(scores):
        cells: list = list(row)
        if bad and bad[0] == r:
            cells[bad[1]] = bad[2]
        ws.append([70001 + r, "7А", *cells, sum(row)])
    wb.save(path)
    return path


@st.composite
def vpr_forms(draw):
    maxima = draw(st.lists(st.integers(1, 3), min_size=2, max_size=6))
    scores = draw(st.lists(st.tuples(*[st.integers(0, m) for m in maxima]).map(list), min_size=1, max_size=12))
    return maxima, scores


# -- importing twice changes nothing -----------------------------------------------------------------------

@SETTINGS
@given(rows=journal_rows, encoding=encodings, delimiter=delimiters)
def test_journal_imported_twice_changes_nothing(ws, rows, encoding, delimiter):
    db = ws.db()
    first = write_journal(ws.file("отметки_2024-2025.csv"), rows, encoding, delimiter)
    assert import_files(db, [first]).ok
    after_first = dump(db)
    assert import_files(db, [first]).ok                            # the very same file: «уже загружен»
    assert dump(db) == after_first
    # the same data in another encoding and layout of the file: nothing new either
    again = write_journal(ws.file("снова_2024-2025.csv"), rows, "utf-8-sig" if encoding != "utf-8-sig" else "cp1251",
                          ";" if delimiter != ";" else "\t")
    report = import_files(db, [again])
    assert report.ok and report.files[0].batch_id is None
    assert dump(db) == after_first
    db.close()


@SETTINGS
@given(form=vpr_forms())
def test_vpr_form_imported_twice_changes_nothing(ws, form):
    maxima, scores = form
    db = ws.db()
    path = write_vpr(ws.file("впр_история_7.xlsx"), maxima, scores)
    assert import_files(db, [path]).ok
    after_first = dump(db)
    copy = shutil.copyfile(path, ws.file("копия.xlsx"))
    report = import_files(db, [path, copy])
    assert report.ok and all(f.batch_id is None for f in report.files)
    assert dump(db) == after_first
    db.close()


# -- a failed import leaves everything as it was ---------------------------------------------------------

bad_marks = st.sampled_from(["7", "1", "0", "пять", "4.5", "-3"])


@SETTINGS
@given(rows=journal_rows, where=st.integers(0, 39), value=bad_marks, encoding=encodings, delimiter=delimiters)
def test_a_bad_mark_anywhere_in_a_journal_changes_nothing(ws, rows, where, value, encoding, delimiter):
    db = ws.db()
    before = dump(db)
    good = write_journal(ws.file("хорошие_2024-2025.csv"), rows, encoding, delimiter)
    bad = write_journal(ws.file("плохие_2024-2025.csv"), rows, encoding, delimiter, bad=(where % len(rows), value))
    report = import_files(db, [good, bad])
    assert not report.ok and not report.committed
    assert f"строка {where % len(rows) + 2}" in report.text()
    assert dump(db) == before
    db.close()


@SETTINGS
@given(form=vpr_forms(), where=st.integers(0, 11), task=st.integers(0, 5),
       value=st.sampled_from(["много", -1, 2.5, "=A1"]) | st.integers(4, 50))
def test_a_bad_score_anywhere_in_a_vpr_form_changes_nothing(ws, form, where, task, value):
    maxima, scores = form
    db = ws.db()
    before = dump(db)
    path = write_vpr(ws.file("впр.xlsx"), maxima, scores, bad=(where % len(scores), task % len(maxima), value))
    report = import_files(db, [path])
    assert not report.ok and not report.committed
    assert f"строка {where % len(scores) + 5}" in report.text()
    assert dump(db) == before
    db.close()


@SETTINGS
@given(rows=journal_rows, stop_after=st.integers(1, 8))
def test_a_cancel_at_any_moment_changes_nothing(ws, rows, stop_after):
    db = ws.db()
    before = dump(db)
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] >= stop_after

    paths = [write_journal(ws.file("отметки_2024-2025.csv"), rows, "utf-8", ";"),
             write_vpr(ws.file("впр.xlsx"), [1, 2], [[1, 2], [0, 1]])]
    try:
        report = import_files(db, paths, cancel=cancel)
    except Cancelled:
        assert dump(db) == before
    else:
        assert report.committed                     # the cancel came after the last check
    db.close()
