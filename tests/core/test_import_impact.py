"""Before «Загрузить», a dry run says what the commit would change — counted by running the commit
and rolling it back, so the figures are the commit's own — and the database stays as it was."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from app.core.imports import import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
JOURNAL = DATA / "journal_5В_2024-2025.csv"
ROOT = Path(__file__).resolve().parents[2]


def _counts(db) -> dict:
    tables = ("student", "enrolment", "journal_mark", "result", "import_batch", "import_change")
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_dry_run_counts_what_the_commit_would_do_and_changes_nothing(empty_db):
    before = _counts(empty_db)
    report = import_files(empty_db, [JOURNAL], dry_run=True)
    assert report.ok and not report.committed
    imp = report.files[0].impact
    assert (imp.students_created, imp.marks_added, imp.marks_overwritten) == (12, 36, 0)
    assert imp.school_students == 0 and not imp.warning
    assert _counts(empty_db) == before
    real = import_files(empty_db, [JOURNAL])
    assert (real.files[0].added, real.files[0].changed) == (imp.added, imp.changed)


def test_overwritten_marks_are_counted_and_large_changes_warn(empty_db, tmp_path):
    import_files(empty_db, [JOURNAL])
    lines = JOURNAL.read_text(encoding="utf-8").splitlines()
    changed = [lines[0]]
    flips = 0
    for line in lines[1:]:
        *head, mark = line.split(";")
        if flips < 3:
            mark, flips = ("5" if mark != "5" else "4"), flips + 1
        changed.append(";".join([*head, mark]))
    edited = tmp_path / "journal_5В_2024-2025_правка.csv"
    edited.write_text("\n".join(changed) + "\n", encoding="utf-8")
    imp = import_files(empty_db, [edited], dry_run=True).files[0].impact
    assert (imp.marks_overwritten, imp.marks_added, imp.students_created) == (3, 0, 0)
    assert "будет перезаписано отметок: 3" in " ".join(imp.lines())


def test_more_new_pupils_than_the_school_has_is_a_warning(empty_db):
    empty_db.execute("INSERT INTO student (code, full_name) VALUES ('90001', 'Орлова Вера Сергеевна')")
    report = import_files(empty_db, [JOURNAL], dry_run=True)
    imp = report.files[0].impact
    assert imp.students_created == 12 and imp.school_students == 1 and imp.warning
    assert "больше, чем всего в школе" in report.text()


def test_cli_dry_run_json_prints_the_same_numbers(empty_db_path):
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(empty_db_path), "import", str(JOURNAL),
                          "--dry-run", "--json"], capture_output=True, text=True, cwd=ROOT, check=True)
    impact = json.loads(out.stdout)["files"][0]["impact"]
    assert impact["students_created"] == 12 and impact["marks_added"] == 36 and impact["warning"] is False
