"""The command-line contract of DESIGN §6: exit codes, Russian messages, JSON keys."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, **kw)


def test_usage_error_exit_2_in_russian():
    out = run("--no-such-option")
    assert out.returncode == 2
    assert CYRILLIC.search(out.stderr) and "Traceback" not in out.stderr


def test_init_then_refuse_overwrite(tmp_path):
    db = tmp_path / "s.db"
    assert run("--db", db, "init", "--school", "МБОУ СОШ № 3").returncode == 0
    again = run("--db", db, "init")
    assert again.returncode == 1
    assert "уже существует" in again.stderr and "Traceback" not in again.stderr


def test_info_on_junk_is_exit_1_and_file_untouched(tmp_path):
    db = tmp_path / "bad.db"
    db.write_bytes(b"junk\n")
    out = run("--db", db, "info")
    assert out.returncode == 1
    assert CYRILLIC.search(out.stderr) and "Traceback" not in out.stderr
    assert db.read_bytes() == b"junk\n"


def test_info_lists_counts(empty_db_path):
    out = run("--db", empty_db_path, "info")
    assert out.returncode == 0
    from app.core import store

    assert f"Версия схемы: {store.SCHEMA_VERSION}" in out.stdout
    assert re.search(r"school\s+1", out.stdout)


def test_demo_info_analyze(demo_template, tmp_path):
    db = tmp_path / "demo.db"
    assert run("--db", db, "demo").returncode == 0
    refused = run("--db", db, "demo")
    assert refused.returncode == 1 and CYRILLIC.search(refused.stderr)
    out = run("--db", db, "analyze", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"comparisons", "flags", "indicators"} <= set(data)
    assert data["comparisons"]
    for row in data["comparisons"]:
        assert {"procedure", "subject", "grade", "year", "class", "n", "lowered", "confirmed", "raised"} <= set(row)
        assert row["lowered"] + row["confirmed"] + row["raised"] == row["n"]
    for flag in data["flags"]:
        assert {"code", "level", "class", "subject", "procedure", "reason"} <= set(flag)


def test_main_py_routes_commands_to_cli(tmp_path):
    db = tmp_path / "s.db"
    out = subprocess.run([sys.executable, "main.py", "--db", str(db), "init"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and db.exists()


def test_argparse_messages_are_russian():
    for argv in (["analyze", "--bogus"], ["import"], ["import", "x.xlsx", "--kind", "zz"]):
        out = run(*argv)
        assert out.returncode == 2
        assert "Использование:" in out.stderr
        for english in ("unrecognized", "required", "invalid choice", "usage:"):
            assert english not in out.stderr, (argv, out.stderr)


def test_db_option_after_the_command(tmp_path):
    db = tmp_path / "s.db"
    assert run("init", "--school", "МБОУ СОШ № 5", "--db", db).returncode == 0
    info = run("info", "--db", db)
    assert info.returncode == 0 and "СОШ № 5" in info.stdout


def test_import_of_a_missing_file_explains_on_stderr(tmp_path):
    db = tmp_path / "s.db"
    assert run("--db", db, "init").returncode == 0
    out = run("--db", db, "import", tmp_path / "нет-такого.xlsx", "--dry-run")
    assert out.returncode == 1
    assert "нет-такого.xlsx" in out.stderr and "не найден" in out.stderr


def test_reader_closing_the_pipe_early_is_not_an_error(demo_db_path):
    """`analyze --json | head`: the reader leaves after a few bytes; no traceback, exit 0."""
    proc = subprocess.Popen([sys.executable, "-m", "app", "--db", str(demo_db_path), "analyze", "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(20).startswith(b"{")
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
