"""Outputs never destroy inputs (issue 14 item 4): no command writes over the open school file (by
name, symlink or hard link), an input of the same command, a folder, or an existing file of another
kind — refused in Russian with exit 1, the file untouched."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from app.cli import main
from app.core import store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def packet(demo_template, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("packet")
    db = folder / "demo.db"
    shutil.copyfile(demo_template, db)
    assert main(["--db", str(db), "packet", str(folder / "out")]) == 0
    (found,) = (folder / "out").glob("*.zip")
    return found


@pytest.mark.parametrize("command", ["plan-pdf", "plan-xlsx", "report", "analysis-report"])
def test_an_output_over_the_open_database_is_refused(demo_db_path, capsys, command):
    before = _digest(demo_db_path)
    code, err = _run(capsys, "--db", demo_db_path, command, demo_db_path)
    assert code == 1 and "открытой базы" in err, err
    assert _digest(demo_db_path) == before
    assert store.open_db(demo_db_path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_links_to_the_database_are_seen_through(demo_db_path, capsys, tmp_path):
    link = tmp_path / "link.pdf"
    link.symlink_to(demo_db_path)
    hard = tmp_path / "hard.pdf"
    os.link(demo_db_path, hard)
    before = _digest(demo_db_path)
    for out in (link, hard):
        code, err = _run(capsys, "--db", demo_db_path, "plan-pdf", out)
        assert code == 1 and "открытой базы" in err, err
    code, err = _run(capsys, "--db", demo_db_path, "plan-pdf", Path(str(demo_db_path) + "-wal"))
    assert code == 1 and "журнал" in err
    assert _digest(demo_db_path) == before


def test_summary_never_writes_over_its_packet(packet, capsys):
    before = _digest(packet)
    code, err = _run(capsys, "summary", packet, "--out", packet)
    assert code == 1 and "входных файлов" in err, err
    assert _digest(packet) == before
    assert main(["verify-packet", str(packet)]) == 0


def test_existing_files_of_another_kind_are_kept(demo_db_path, packet, capsys, tmp_path):
    other_school = tmp_path / "other.xlsx"
    shutil.copyfile(demo_db_path, other_school)             # a school file under a misleading name
    zip_copy = tmp_path / "plan.xlsx"
    shutil.copyfile(packet, zip_copy)                        # a packet under a misleading name
    pdf = tmp_path / "report.xlsx"
    pdf.write_bytes(b"%PDF-1.4 a document someone keeps\n")
    for out, said in ((other_school, "SQLite"), (zip_copy, "архив ZIP"), (pdf, "документ PDF")):
        before = _digest(out)
        code, err = _run(capsys, "--db", demo_db_path, "plan-xlsx", out)
        assert code == 1 and said in err and "не заменит" in err, err
        assert _digest(out) == before
    code, err = _run(capsys, "summary", packet, "--out", zip_copy)
    assert code == 1 and "архив ZIP" in err


def test_a_file_of_the_same_kind_is_replaced(demo_db_path, capsys, tmp_path):
    out = tmp_path / "plan.xlsx"
    assert _run(capsys, "--db", demo_db_path, "plan-xlsx", out)[0] == 0
    first = out.stat().st_mtime_ns
    os.utime(out, ns=(first - 10**9, first - 10**9))
    assert _run(capsys, "--db", demo_db_path, "plan-xlsx", out)[0] == 0
    assert out.stat().st_mtime_ns > first - 10**9


def test_folders_and_devices_are_not_outputs(demo_db_path, capsys, tmp_path):
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    code, err = _run(capsys, "--db", demo_db_path, "plan-pdf", folder)
    assert code == 1 and "папка" in err
    code, err = _run(capsys, "--db", demo_db_path, "plan-pdf", "/dev/null")
    assert code == 1 and "не обычный файл" in err
    a_file = tmp_path / "not_a_folder"
    a_file.write_text("x")
    code, err = _run(capsys, "--db", demo_db_path, "packet", a_file)
    assert code == 1 and "не папка" in err
    assert a_file.read_text() == "x"


def test_init_and_demo_keep_what_exists(capsys, tmp_path):
    keep = tmp_path / "notes.db"
    keep.write_text("мои заметки", encoding="utf-8")
    for command in ("init", "demo"):
        code, err = _run(capsys, "--db", keep, command)
        assert code == 1 and "уже существует" in err
    assert keep.read_text(encoding="utf-8") == "мои заметки"
    assert not [p for p in tmp_path.iterdir() if p.name != keep.name]   # no temporary left behind


def test_every_save_refuses_a_school_file_or_a_document_of_another_kind(demo_db_path, packet, tmp_path):
    """The guard inside atomic_path: the window's save dialogs go through it too."""
    from app.core.errors import UserError
    from app.core.reports.plan_xlsx import write_plan_xlsx

    db = store.open_db(demo_db_path)
    try:
        disguised = tmp_path / "план.xlsx"
        shutil.copyfile(demo_db_path, disguised)
        packet_named = tmp_path / "отчёт.xlsx"
        shutil.copyfile(packet, packet_named)
        held = tmp_path / "school2.xlsx"
        held.write_bytes(b"")
        (tmp_path / ".~lock.school2.xlsx#").write_text("u,h,1,2025-01-01T00:00:00\n", encoding="utf-8")
        for target in (disguised, packet_named, held):
            before = _digest(target)
            with pytest.raises(UserError):
                write_plan_xlsx(db, target)
            assert _digest(target) == before
        fine = tmp_path / "plan.xlsx"
        write_plan_xlsx(db, fine)
        write_plan_xlsx(db, fine)                                # its own kind: replaced
    finally:
        db.close()
