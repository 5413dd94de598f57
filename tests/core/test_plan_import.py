"""Import of plan tables from DOCX and XLSX (fixtures made by tests/make_plan_fixtures.py after the
shapes of real municipal plans): header by keywords, sections, road-map tasks, the order line,
a clear message and no change for a file without a plan table, and idempotent re-import."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core import plan, store
from app.core.imports import plan as importer

DATA = Path(__file__).resolve().parents[1] / "data" / "plan"


def _batch(db, preview) -> int:
    with db.atomic():
        return db.execute("INSERT INTO import_batch (file_name, sha256, kind) VALUES (?, ?, 'plan')",
                          [preview.file.name, preview.sha256]).lastrowid


def _commit(db, path, options=None):
    pv = importer.preview(db, path, options or {})
    assert pv.ok, pv.fatal
    with db.atomic():
        batch = _batch(db, pv)
        added, changed = importer.commit(db, pv, batch)
    return pv, added, changed


def test_fixtures_are_regenerable(tmp_path):
    import sys

    sys.path.insert(0, str(DATA.parents[1]))
    try:
        from make_plan_fixtures import MAKERS, make_all
    finally:
        sys.path.pop(0)
    made = make_all(tmp_path)
    assert sorted(p.name for p in made) == sorted(MAKERS)
    assert all((DATA / name).is_file() for name in MAKERS)
    for path in made:   # the regenerated files read the same as the committed ones
        a = importer.preview(None, path, {})
        b = importer.preview(None, DATA / path.name, {})
        assert (a.payload, a.fatal) == (b.payload, b.fatal)


def test_detect():
    assert importer.detect(DATA / "sections_000.docx") >= 0.8
    assert importer.detect(DATA / "roadmap_003.xlsx") >= 0.8
    assert importer.detect(DATA / "no_plan_table.xlsx") == 0.0
    assert 0 < importer.detect(DATA / "no_plan_table.docx") < 0.5


def test_numbered_sections_docx(empty_db):
    pv, added, changed = _commit(empty_db, DATA / "sections_000.docx")
    assert (added, changed) == (8, 0)
    pid = plan.current_plan_id(empty_db)
    p = plan.get_plan(empty_db, pid)
    assert p["title"].startswith("План мероприятий, направленных на обеспечение объективности")
    assert (p["order_number"], p["order_date"], p["year_from"], p["year_to"]) == ("214-о", "2025-08-28", 2025, 2027)
    tree = plan.plan_tree(empty_db, pid)
    assert [s["title"] for s in tree] == ["Аналитическая работа", "Выявление причин необъективных результатов",
                                          "Повышение компетентности педагогов в оценивании"]
    assert [len(s["items"]) for s in tree] == [3, 2, 3]   # the repeated header row is not an item
    item = tree[1]["items"][0]
    assert item["responsible"] == "Директор, Заместитель директора по УВР" and item["deadline_text"] == "ноябрь"
    assert item["deadline_start"] == "2025-11-01"
    changes = empty_db.execute("SELECT table_name, count(*) FROM import_change GROUP BY table_name").fetchall()
    assert dict(changes) == {"plan": 1, "plan_section": 3, "plan_item": 8}


def test_flat_list_docx(empty_db):
    pv, added, _ = _commit(empty_db, DATA / "flat_001.docx")
    tree = plan.plan_tree(empty_db, plan.current_plan_id(empty_db))
    assert len(tree) == 1 and tree[0]["title"] == ""
    assert [i["number"] for i in tree[0]["items"]] == [f"{n}." for n in range(1, 8)]
    assert tree[0]["items"][4]["responsible"] == "А.С. Морозова, К.Л. Белова, Руководители ШМО"
    assert tree[0]["items"][5]["deadline_start"] == "2026-04-20"
    assert "перечень без разделов" in " ".join(pv.summary)


@pytest.mark.parametrize("name", ["roadmap_003.xlsx", "roadmap_003.docx"])
def test_roadmap_keeps_tasks(empty_db, name):
    _commit(empty_db, DATA / name)
    pid = plan.current_plan_id(empty_db)
    assert plan.get_plan(empty_db, pid)["kind"] == "roadmap"
    tree = plan.plan_tree(empty_db, pid)
    assert [s["title"] for s in tree] == ["Качество подготовки обучающихся", "Объективность оценивания"]
    tasks = [i["task"] for i in tree[0]["items"]]
    assert tasks == ["Объективная внутренняя оценка в каждом классе"] * 2 + [
        "Подготовка к ГИА на уровне требований стандарта"] * 3
    assert tree[0]["items"][2]["expected_result"] == "Доля работ на «3» и выше"
    assert plan.get_plan(empty_db, pid)["order_number"] == "12/98"


def test_numbered_section_rows_xlsx(empty_db):
    _commit(empty_db, DATA / "numbered_004.xlsx")
    tree = plan.plan_tree(empty_db, plan.current_plan_id(empty_db))
    assert [s["title"] for s in tree] == ["Нормативное обеспечение оценки качества",
                                          "Работа с родителями по вопросам оценки качества",
                                          "Анализ и использование результатов"]
    assert [len(s["items"]) for s in tree] == [2, 2, 2]     # the «1 2 3 4» row is skipped
    assert plan.get_plan(empty_db, plan.current_plan_id(empty_db))["year_from"] == 2026


@pytest.mark.parametrize("name", ["no_plan_table.docx", "no_plan_table.xlsx"])
def test_file_without_plan_table_is_refused_and_nothing_changes(empty_db, name):
    before = store.table_counts(empty_db)
    pv = importer.preview(empty_db, DATA / name, {})
    assert not pv.ok and pv.payload is None
    assert pv.fatal.startswith(f"В файле «{name}» не найдена таблица плана мероприятий")
    assert "Ничего не загружено" in pv.fatal
    assert importer.commit(empty_db, pv, 1) == (0, 0)
    assert store.table_counts(empty_db) == before


def test_not_a_document(empty_db, tmp_path):
    bad = tmp_path / "план.docx"
    bad.write_bytes(b"not a zip at all")
    pv = importer.preview(empty_db, bad, {})
    assert pv.fatal and "Не удалось прочитать файл «план.docx»" in pv.fatal
    pv = importer.preview(empty_db, tmp_path / "план.pdf", {})
    assert "DOCX" in pv.fatal


def test_reimport_same_file_changes_nothing(empty_db, tmp_path):
    _commit(empty_db, DATA / "sections_000.docx")
    counts = store.table_counts(empty_db)
    copy = tmp_path / "тот же план.docx"
    shutil.copyfile(DATA / "sections_000.docx", copy)
    pv = importer.preview(empty_db, copy, {})
    with empty_db.atomic():
        assert importer.commit(empty_db, pv, _batch(empty_db, pv)) == (0, 0)
    after = store.table_counts(empty_db)
    assert {k: v for k, v in after.items() if k != "import_batch"} == \
           {k: v for k, v in counts.items() if k != "import_batch"}


def test_dispatcher_and_cli(empty_db_path, capsys):
    from app.cli import main as cli_main
    from app.core.imports import import_files

    path = str(DATA / "roadmap_003.xlsx")
    assert cli_main(["--db", str(empty_db_path), "import", path, "--kind", "plan", "--dry-run"]) == 0
    with store.open_db(empty_db_path) as db:
        assert db.execute("SELECT count(*) FROM plan").fetchone()[0] == 0
    assert cli_main(["--db", str(empty_db_path), "import", path, "--kind", "plan"]) == 0
    assert cli_main(["--db", str(empty_db_path), "import", str(DATA / "sections_000.docx")]) == 0
    with store.open_db(empty_db_path) as db:
        assert db.execute("SELECT count(*) FROM plan").fetchone()[0] == 2
        report = import_files(db, [DATA / "roadmap_003.xlsx"], kind="plan")
        assert db.execute("SELECT count(*) FROM plan").fetchone()[0] == 2   # the same file again
        assert report.ok
    capsys.readouterr()
    assert cli_main(["--db", str(empty_db_path), "import", str(DATA / "no_plan_table.docx"),
                     "--kind", "plan"]) == 1
    assert "не найдена таблица плана" in capsys.readouterr().err
