"""Packet format, verification, tampering, ZIP safety and safe writing — on a small hand-made school.

The demo-school round trip and the anonymisation scan live in test_packet_demo.py. The helpers here
(``build_small_school``, ``small_packet``) are also used by test_district.py.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from app.core import packet as P
from app.core import store
from app.core.errors import UserError

SURNAMES = ["Стрельцов", "Куприянова", "Белозёров", "Ожегова", "Тимирязев", "Полуэктова"]


def build_small_school(path: Path, *, code: str = "700107"):
    """A school with one year, a plan (not approved, one overdue item), one ВПР with 12 pupils."""
    db = store.create_db(path, school_name="МБОУ «Средняя школа № 7»")
    with db.atomic():
        db.execute("UPDATE school SET code = ?, short_name = 'Школа № 7', municipality = 'Северский район', "
                   "region = 'Краснодарский край'", [code])
        db.execute("INSERT INTO academic_year (id, label, start_date, end_date) "
                   "VALUES (1, '2024/2025', '2024-09-01', '2025-08-31')")
        db.execute("INSERT INTO subject (id, name) VALUES (1, 'Математика')")
        db.execute("INSERT INTO class_group (id, year_id, grade, letter, label) VALUES (1, 1, 5, 'А', '5А')")
        db.execute("INSERT INTO procedure (id, kind, subject_id, grade, year_id, date, max_score, "
                   "observers_present) VALUES (1, 'vpr', 1, 5, 1, '2025-04-15', 20, 1)")
        db.execute("INSERT INTO task (id, procedure_id, number, position, max_score) "
                   "VALUES (1, 1, '1', 1, 10), (2, 1, '2', 2, 10)")
        for i in range(12):
            name = f"{SURNAMES[i % len(SURNAMES)]} Пётр{i} Ильич"
            db.execute("INSERT INTO student (id, code, full_name, sex) VALUES (?, ?, ?, 'м')",
                       [i + 1, f"{10001 + i}", name])
            db.execute("INSERT INTO enrolment (student_id, class_id, year_id) VALUES (?, 1, 1)", [i + 1])
            db.execute("INSERT INTO result (id, procedure_id, student_id, class_id, primary_score, mark, "
                       "journal_mark) VALUES (?, 1, ?, 1, ?, ?, 4)", [i + 1, i + 1, 8 + i % 10, 3 + i % 3])
            db.execute("INSERT INTO task_score (result_id, task_id, score) VALUES (?, 1, 4), (?, 2, ?)",
                       [i + 1, i + 1, 4 + i % 6])
        db.execute("INSERT INTO recheck (result_id, score_before, score_after, criteria_changed) "
                   "VALUES (1, 8, 8, 0), (2, 9, 10, 1)")
        db.execute("INSERT INTO plan (id, title, year_from, year_to, approved) "
                   "VALUES (1, 'План по обеспечению объективности', 2024, 2025, 0)")
        db.execute("INSERT INTO plan_section (id, plan_id, position, title) VALUES (1, 1, 1, 'Организация')")
        db.execute(
            "INSERT INTO plan_item (id, section_id, position, measure, deadline_text, deadline_start, "
            "deadline_end, status) VALUES "
            "(1, 1, 1, 'Утвердить график оценочных процедур', 'сентябрь 2024', '2024-09-01', '2024-09-30', 'done'),"
            "(2, 1, 2, 'Беседа с родителями: Стрельцов Пётр0 и Ожегова', 'до 01.10.2024', '2024-09-01', "
            "'2024-10-01', 'planned'),"
            "(3, 1, 3, 'Педагогический совет по итогам ВПР', 'в течение года', NULL, NULL, 'in_progress'),"
            "(4, 1, 4, 'Анализ ВПР за I квартал', 'март 2025', '2025-03-01', '2025-03-31', 'done')")
        db.execute("INSERT INTO execution (id, item_id, date, note) VALUES (1, 1, '2024-09-10', "
                   "'График размещён на сайте школы')")
        blob = b"%PDF-1.4 evidence"
        db.execute("INSERT INTO evidence (item_id, execution_id, file_name, mime, size, sha256, data) "
                   "VALUES (1, 1, 'Приказ о графике.pdf', 'application/pdf', ?, ?, ?)",
                   [len(blob), hashlib.sha256(blob).hexdigest(), blob])
    return db


def small_analysis(*, lowered=4, raised=4, n=12, risk=1, attention=0) -> dict:
    """What analyze() would say, in its published shape (DESIGN §6)."""
    flag = {"code": "external_inflation", "class": "5А", "subject": "Математика", "procedure": "ВПР"}
    flags = ([{**flag, "level": "risk", "reason": f"Повысили {raised} из {n}"}] * risk
             + [{**flag, "level": "attention", "reason": "Обратите внимание"}] * attention)
    from app.core.analysis.engine import objectivity_index

    row = {"procedure": "ВПР", "procedure_kind": "vpr", "subject": "Математика", "grade": 5, "year": "2024/2025",
           "class": "5А", "n": n, "lowered": lowered, "confirmed": n - lowered - raised, "raised": raised,
           "lowered_pct": round(100 * lowered / n, 1), "raised_pct": round(100 * raised / n, 1)}
    # the index comes from the analysis (its one computation), never recomputed by the packet
    return {"comparisons": [row], "flags": flags,
            "indicators": {"objectivity_index": objectivity_index([{**row, "class": ""}])}}


DOCS = [("analysis.pdf", b"%PDF-1.4 a"), ("analysis.xlsx", b"PK a"), ("plan.pdf", b"%PDF-1.4 p"),
        ("plan.xlsx", b"PK p"), ("execution.pdf", b"%PDF-1.4 e")]


def small_packet(db, out_dir: Path, *, name: str | None = None, code: str | None = None,
                 created: str = "2025-05-01T10:00:00+03:00", analysis: dict | None = None,
                 period: str | None = None, evidence: bool = True, opener=None,
                 school_name: str | None = None) -> Path:
    """A real packet of the small school, the documents replaced by small stand-ins."""
    per = P.resolve_period(db, period)
    data, blobs = P.collect_data(db, per, analysis=analysis or small_analysis(), include_evidence=evidence)
    school = P.school_info(db)
    if code is not None:
        school["code"] = data["school"]["code"] = code
    if school_name is not None:
        school["name"] = data["school"]["name"] = data["school"]["short_name"] = school_name
    members = [(P.DATA, P._json_bytes(data)), *DOCS, *sorted(blobs.items())]
    head = {"format": P.FORMAT, "schema_version": 1, "app_version": "0.1.0", "created_at": created,
            "school": school, "period": per.as_json(), "anonymised": True}
    return P.assemble_packet(Path(out_dir) / (name or P.packet_file_name(school["code"])), head, members,
                             opener=opener)


@pytest.fixture(scope="module")
def small_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.db"
    build_small_school(path).close()
    return path


@pytest.fixture
def small_db(small_template, tmp_path):
    path = tmp_path / "small.db"
    shutil.copyfile(small_template, path)
    db = store.open_db(path)
    yield db
    db.close()


@pytest.fixture
def good_packet(small_db, tmp_path) -> Path:
    return small_packet(small_db, tmp_path / "out")


# -- helpers to rebuild a zip with changes ---------------------------------------------------------
def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _rezip(path: Path, members: dict[str, bytes], out: Path | None = None) -> Path:
    out = out or path
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def _replace_data(members: dict[str, bytes], data: dict) -> None:
    """Put other data.json into the members and make the manifest's size and hash match it."""
    members["data.json"] = json.dumps(data, ensure_ascii=False).encode()
    manifest = json.loads(members["manifest.json"])
    for f in manifest["files"]:
        if f["path"] == "data.json":
            f["size"], f["sha256"] = len(members["data.json"]), hashlib.sha256(members["data.json"]).hexdigest()
    members["manifest.json"] = json.dumps(manifest).encode()


def _reason(res) -> str:
    return " | ".join(res.problems)


# -- period ----------------------------------------------------------------------------------------
def test_period_default_is_latest_year_and_quarter_maps_to_its_year(small_db):
    per = P.resolve_period(small_db)
    assert (per.kind, per.year, per.start, per.end) == ("year", "2024/2025", "2024-09-01", "2025-08-31")
    q = P.resolve_period(small_db, "2025-Q1")
    assert (q.kind, q.start, q.end, q.year, q.label) == (
        "quarter", "2025-01-01", "2025-03-31", "2024/2025", "I квартал 2025 года")
    assert P.resolve_period(small_db, "2024-2025").value == "2024/2025"
    values = [v for v, _ in P.period_choices(small_db)]
    assert values[0] == "2024/2025" and "2024-Q4" in values and "2025-Q2" in values


@pytest.mark.parametrize("bad", ["2019/2020", "2030-Q1", "весна"])
def test_unknown_period_is_refused_in_russian(small_db, bad):
    with pytest.raises(UserError, match="2024/2025|не распознан"):
        P.resolve_period(small_db, bad)


def test_quarter_keeps_items_of_the_quarter_and_ongoing_ones(small_db):
    plan, _ = P.collect_plan(small_db, P.resolve_period(small_db, "2025-Q1"))
    in_period = {it["number"]: it["in_period"] for it in plan["sections"][0]["items"]}
    assert in_period == {"1.1": False, "1.2": False, "1.3": True, "1.4": True}
    assert plan["summary"]["completion_percent"] == 50.0   # 1.4 done of 1.3 and 1.4


def test_preflight_warns_but_does_not_block(small_db):
    warnings = P.preflight(small_db)
    text = "\n".join(warnings)
    assert "не отмечен как утверждённый" in text
    assert "Просрочено мероприятий плана: 1" in text and "1.2" in text
    assert "В тексте плана названы обучающиеся (пункты 1.2)" in text
    with small_db.atomic():
        small_db.execute("UPDATE result SET journal_mark = NULL")
    assert any("Нет отметок по журналу" in w and "ВПР Математика 5 кл." in w for w in P.preflight(small_db))


# -- data.json -------------------------------------------------------------------------------------
def test_data_has_plan_results_under_codes_and_indicators(small_db):
    data, blobs = P.collect_data(small_db, P.resolve_period(small_db), analysis=small_analysis(),
                                 include_evidence=True)
    assert P.schema_problems(data, "data.schema.json", "data.json") == []
    assert data["results"]["columns"][1] == "student"
    assert {row[1] for row in data["results"]["rows"]} == {str(10001 + i) for i in range(12)}
    assert data["results"]["rows"][0][-1] == [4, 4]           # task scores in task order
    ind = data["indicators"]
    assert ind["vpr_index"] == round(100 * 8 / 12, 1)
    assert ind["recheck_unchanged"] == 50.0 and ind["observers_share"] == 100.0
    # no schedule of assessment procedures was approved in this school: «Наличие графика ОП» is «нет»
    assert ind["schedule"] is False and (ind["flags_risk"], ind["flags_attention"]) == (1, 0)
    assert data["schedule"]["check"]["procedures"] >= 1 and "не" in ind["schedule_basis"]
    assert data["plan"]["summary"]["overdue"] == 1
    ev = data["plan"]["sections"][0]["items"][0]["evidence"][0]
    assert ev["name"] == "Приказ о графике.pdf" and ev["path"] in blobs


def test_names_typed_into_the_plan_are_replaced(small_db):
    data, _ = P.collect_data(small_db, P.resolve_period(small_db), analysis=small_analysis())
    raw = json.dumps(data, ensure_ascii=False)
    assert "Стрельцов Пётр0" not in raw and P.REDACTED in raw
    for surname in SURNAMES:
        # «Ожегова» alone (a surname without a first name) is not a name form we can be sure of;
        # every full name and «Фамилия Имя» pair is gone.
        assert f"{surname} Пётр" not in raw


def test_schedule_comes_from_dates_or_from_a_done_plan_item():
    procs = [{"kind": "vpr", "date": None}]
    plan = {"sections": [{"items": [{"number": "2.1", "status": "done", "task": "",
                                     "measure": "Разработать график проведения оценочных процедур"}]}]}
    assert P.schedule_present(procs, None)[0] is False
    assert P.schedule_present(procs, plan) == (True, "пункт плана 2.1 выполнен")
    assert P.schedule_present([{"kind": "vpr", "date": "2025-04-01"}], None)[0] is True


# -- writing and verifying -------------------------------------------------------------------------
def test_written_packet_verifies_and_lists_every_file(good_packet):
    assert good_packet.name == f"objektiv_700107_{__import__('datetime').date.today().isoformat()}.zip"
    res = P.verify_packet(good_packet)
    assert res.ok, res.problems
    names = {f["path"] for f in res.manifest["files"]}
    assert names == {"data.json", *(n for n, _ in DOCS)} | {n for n in names if n.startswith("evidence/")}
    assert any(n.startswith("evidence/") for n in names)
    assert res.manifest["anonymised"] is True and res.data["school"]["code"] == "700107"
    assert list(good_packet.parent.iterdir()) == [good_packet]      # no temporary file left


def test_read_packet_refuses_a_bad_one(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(UserError, match="не принят.*не является ZIP"):
        P.read_packet(bad)


def test_tampered_member_is_detected(good_packet):
    m = _members(good_packet)
    m["plan.pdf"] = m["plan.pdf"] + b" changed"
    res = P.verify_packet(_rezip(good_packet, m))
    assert not res.ok and "«plan.pdf» изменён или повреждён" in _reason(res)


def test_tampered_data_with_fixed_hash_still_fails_on_schema(good_packet):
    m = _members(good_packet)
    data = json.loads(m["data.json"])
    data["indicators"]["vpr_index"] = "много"
    _replace_data(m, data)
    res = P.verify_packet(_rezip(good_packet, m))
    assert not res.ok and "data.json: поле «indicators.vpr_index»" in _reason(res)


def test_missing_and_extra_files_are_named(good_packet):
    m = _members(good_packet)
    del m["execution.pdf"]
    m["readme.txt"] = b"hello"
    reason = _reason(P.verify_packet(_rezip(good_packet, m)))
    assert "нет файла «execution.pdf», указанного в описи" in reason
    assert "лишний файл «readme.txt»" in reason


def test_truncated_zip_is_refused(good_packet):
    raw = good_packet.read_bytes()
    good_packet.write_bytes(raw[: len(raw) // 2])
    res = P.verify_packet(good_packet)
    assert not res.ok and "повреждён" in _reason(res)


def test_foreign_zip_and_foreign_manifest_are_refused(tmp_path):
    foreign = _rezip(tmp_path / "x.zip", {"photo.jpg": b"\xff\xd8", "doc.txt": b"hi"})
    assert "нет описи manifest.json — это не пакет «Объектива»" in _reason(P.verify_packet(foreign))
    other = _rezip(tmp_path / "y.zip", {"manifest.json": json.dumps({"format": "other"}).encode()})
    assert "не от пакета «Объектива» (формат «other»)" in _reason(P.verify_packet(other))


def test_manifest_schema_errors_are_explained(good_packet):
    m = _members(good_packet)
    manifest = json.loads(m["manifest.json"])
    del manifest["school"]
    manifest["anonymised"] = False
    m["manifest.json"] = json.dumps(manifest).encode()
    reason = _reason(P.verify_packet(_rezip(good_packet, m)))
    assert "нет обязательного поля «school»" in reason and "поле «anonymised»" in reason


def test_newer_format_version_asks_to_update(good_packet):
    m = _members(good_packet)
    manifest = json.loads(m["manifest.json"])
    manifest["schema_version"] = 2
    m["manifest.json"] = json.dumps(manifest).encode()
    assert "более новой версией программы" in _reason(P.verify_packet(_rezip(good_packet, m)))


@pytest.mark.parametrize("evil", ["../evil.txt", "/etc/passwd", "C:/x.txt", "a\\..\\b.txt", "ok/../../x"])
def test_path_traversal_is_refused(good_packet, evil):
    m = _members(good_packet)
    m[evil] = b"x"
    res = P.verify_packet(_rezip(good_packet, m))
    assert not res.ok and "недопустимый элемент архива" in _reason(res)


def test_zip_bomb_limits(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr("data.json", b"\0" * (4 * 1024 * 1024))      # ~1000:1
    assert "похоже на «zip-бомбу»" in _reason(P.verify_packet(bomb))
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(P.MAX_ENTRIES + 1):
            zf.writestr(f"f{i}", b"")
    assert "слишком много файлов" in _reason(P.verify_packet(many))


def test_declared_size_is_the_limit_when_reading(good_packet, monkeypatch):
    monkeypatch.setattr(P, "MAX_MEMBER_SIZE", 10)
    assert "слишком велик после распаковки" in _reason(P.verify_packet(good_packet))


# -- a full or vanishing destination -----------------------------------------------------------------
class _FailingFile(io.FileIO):
    """A real file that fails like a full (or removed) drive once `limit` bytes are written."""

    def __init__(self, path, limit: int, err: int = errno.ENOSPC, on_fail=None):
        super().__init__(path, "wb")
        self.limit, self.err, self.on_fail = limit, err, on_fail

    def write(self, b):
        if self.tell() + len(b) > self.limit:
            if self.on_fail:
                self.on_fail()
            raise OSError(self.err, "simulated")
        return super().write(b)


@pytest.mark.parametrize("limit", [0, 100, 3000])
def test_full_drive_leaves_no_file_and_says_so(small_db, tmp_path, limit):
    out = tmp_path / "usb"
    out.mkdir()
    with pytest.raises(UserError, match="не хватило места"):
        small_packet(small_db, out, opener=lambda p: _FailingFile(p, limit))
    assert list(out.iterdir()) == []


def test_removed_drive_says_so_and_leaves_nothing(small_db, tmp_path):
    out = tmp_path / "usb"
    out.mkdir()
    with pytest.raises(UserError, match="стал недоступен"):
        small_packet(small_db, out, opener=lambda p: _FailingFile(
            p, 500, errno.EIO, on_fail=lambda: shutil.rmtree(out, ignore_errors=True)))
    assert not out.exists() or list(out.iterdir()) == []


def test_an_older_packet_of_the_same_name_survives_a_failed_write(small_db, tmp_path):
    out = tmp_path / "usb"
    first = small_packet(small_db, out)
    before = first.read_bytes()
    with pytest.raises(UserError):
        small_packet(small_db, out, opener=lambda p: _FailingFile(p, 200))
    assert first.read_bytes() == before and sorted(out.iterdir()) == [first]


def test_cli_verify_packet_exit_codes(good_packet, capsys):
    from app.cli import main

    assert main(["verify-packet", str(good_packet)]) == 0
    m = _members(good_packet)
    m["data.json"] = m["data.json"].replace(b"2024/2025", b"2023/2024", 1)
    _rezip(good_packet, m)
    assert main(["verify-packet", str(good_packet)]) == 1
    err = capsys.readouterr().err
    assert "не прошёл проверку" in err and "«data.json» изменён или повреждён" in err


def test_write_packet_on_a_full_drive_leaves_nothing(small_db, tmp_path):
    """The real writer (documents included) with a drive that fills up at a chosen byte."""
    out = tmp_path / "usb"
    out.mkdir()
    with pytest.raises(UserError, match="не хватило места"):
        P.write_packet(small_db, out, _opener=lambda p: _FailingFile(p, 50_000))
    assert list(out.iterdir()) == []
    path = P.write_packet(small_db, out)                  # and then it works
    assert P.verify_packet(path).ok and sorted(out.iterdir()) == [path]
    assert path.stat().st_mode & 0o777 == 0o644 or P.os.name != "posix"


def test_cli_packet_prints_the_path(small_db, tmp_path, capsys):
    from app.cli import main

    db_file = small_db.execute("PRAGMA database_list").fetchone()[2]
    assert main(["--db", db_file, "packet", str(tmp_path / "out"), "--period", "2025-Q1"]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == tmp_path / "out" and P.verify_packet(printed).ok
    assert main(["--db", db_file, "packet", str(tmp_path / "out"), "--period", "1999/2000"]) == 1
    assert "нет учебного года «1999/2000»" in capsys.readouterr().err


def test_cancel_while_writing_leaves_nothing(small_db, tmp_path):
    from app.core.errors import Cancelled

    calls = []
    with pytest.raises(Cancelled):
        P.write_packet(small_db, tmp_path, progress=lambda d, t: calls.append(d),
                       cancel=lambda: len(calls) >= 3)
    assert list(tmp_path.glob("*.zip")) == [] and list(tmp_path.glob(".*part")) == []


def _bad_variant(kind: str, good: Path, tmp: Path) -> tuple[Path, str]:
    """A broken copy of a good packet and the phrase verify-packet must print for it."""
    m = _members(good)
    out = tmp / f"{kind}.zip"
    if kind == "tampered":
        m["analysis.pdf"] = m["analysis.pdf"].replace(b"a", b"b")
        return _rezip(good, m, out), "«analysis.pdf» изменён или повреждён"
    if kind == "truncated":
        out.write_bytes(good.read_bytes()[:-300])
        return out, "повреждён"
    if kind == "foreign":
        return _rezip(good, {"Документ.docx": b"PK", "readme.txt": b"hi"}, out), "это не пакет «Объектива»"
    if kind == "not_a_zip":
        out.write_bytes(b"%PDF-1.4 this is a pdf")
        return out, "не является ZIP-архивом"
    if kind == "extra":
        m["evidence/extra.pdf"] = b"%PDF"
        return _rezip(good, m, out), "лишний файл «evidence/extra.pdf»"
    if kind == "missing":
        del m["analysis.xlsx"]
        return _rezip(good, m, out), "нет файла «analysis.xlsx», указанного в описи"
    if kind == "traversal":
        m["../../home/user/.bashrc"] = b"rm -rf ~"
        return _rezip(good, m, out), "выход за пределы папки"
    if kind == "bomb":
        m["evidence/big.bin"] = b"\0" * (8 * 1024 * 1024)
        return _rezip(good, m, out), "«zip-бомбу»"
    if kind == "empty":
        out.write_bytes(b"")
        return out, "не является ZIP-архивом"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["tampered", "truncated", "foreign", "not_a_zip", "extra", "missing",
                                  "traversal", "bomb", "empty"])
def test_cli_verify_packet_refuses_every_bad_packet_in_russian(good_packet, tmp_path, capsys, kind):
    from app.cli import main

    bad, phrase = _bad_variant(kind, good_packet, tmp_path)
    assert main(["verify-packet", str(bad)]) == 1
    out = capsys.readouterr()
    assert out.out == "" and f"Пакет «{bad.name}» не прошёл проверку" in out.err
    assert phrase in out.err, out.err
    assert main(["verify-packet", str(good_packet)]) == 0                 # the original is fine


def test_cli_verify_packet_of_a_missing_file(tmp_path, capsys):
    from app.cli import main

    assert main(["verify-packet", str(tmp_path / "нет.zip")]) == 1
    assert "не найден" in capsys.readouterr().err


def test_verify_never_extracts_anything(good_packet, tmp_path, monkeypatch):
    """Verification reads members in memory: a traversal entry cannot land anywhere on disk."""
    m = _members(good_packet)
    m["../escaped.txt"] = b"x"
    (tmp_path / "deep").mkdir()
    bad = _rezip(good_packet, m, tmp_path / "deep" / "bad.zip")
    monkeypatch.chdir(tmp_path / "deep")
    assert not P.verify_packet(bad).ok
    assert not (tmp_path / "escaped.txt").exists()


def test_format_document_matches_the_code_and_the_schemas(small_db):
    """docs/packet-format.md names every manifest field, every data.json section and every key
    indicator the program writes, and every column of the district summary."""
    from app.core import district
    from app.core.paths import resource_path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "packet-format.md").read_text(encoding="utf-8")
    manifest = json.loads(resource_path("schemas", "manifest.schema.json").read_text(encoding="utf-8"))
    data_schema = json.loads(resource_path("schemas", "data.schema.json").read_text(encoding="utf-8"))
    for key in manifest["properties"]:
        assert f"`{key}`" in doc, key
    for key in data_schema["properties"]:
        assert f"`{key}`" in doc, key
    data, _ = P.collect_data(small_db, P.resolve_period(small_db), analysis=small_analysis())
    for key in data["indicators"]:
        assert f"`{key}`" in doc, key
    assert set(data["indicators"]) == set(data_schema["$defs"]["indicators"]["properties"])
    from app.core.packet_data import RECHECK_COLUMNS, RESULT_COLUMNS

    for column in RESULT_COLUMNS + RECHECK_COLUMNS[2:5]:
        assert column in doc, column
    assert f"Версия формата, описанная здесь: **{P.SCHEMA_VERSION}**" in doc
    assert f"не более {P.MAX_ENTRIES} файлов" in doc and f"{P.MAX_RATIO} раз" in doc
    for phrase in ("индексы необъективности ВПР и ОГЭ", "индекс\nнеподтверждения медалистов",
                   "доля перепроверок без изменений", "графика оценочных\nпроцедур"):
        assert phrase.replace("\n", " ") in " ".join(doc.split()), phrase


@pytest.mark.parametrize("stage", ["fsync", "rename"])
def test_failure_after_the_last_byte_leaves_nothing(small_db, tmp_path, monkeypatch, stage):
    """A drive can fail when the data is flushed or at the final rename, not only on a write."""
    import os as _os

    from app.core import fsutil

    out = tmp_path / "usb"
    out.mkdir()

    def boom(*_args, **_kw):
        raise OSError(errno.EIO, "simulated")

    if stage == "fsync":
        monkeypatch.setattr(P.os, "fsync", boom)
    else:
        monkeypatch.setattr(fsutil.os, "replace", boom)
    with pytest.raises(UserError, match="стал недоступен"):
        small_packet(small_db, out)
    monkeypatch.setattr(P.os, "fsync", _os.fsync)
    monkeypatch.setattr(fsutil.os, "replace", _os.replace)
    assert list(out.iterdir()) == []


def test_a_member_lying_about_its_size_is_never_read_past_it(good_packet):
    """A zip bomb may declare a small size in the central directory: reading stops at the declared
    size (the CRC then fails), so the declared sizes the limits check are the real bound."""
    import struct

    raw = bytearray(good_packet.read_bytes())
    pos = raw.find(b"PK\x01\x02")
    patched = False
    while pos != -1:
        name_len = struct.unpack_from("<H", raw, pos + 28)[0]
        if bytes(raw[pos + 46: pos + 46 + name_len]) == b"data.json":
            struct.pack_into("<I", raw, pos + 24, 50)           # uncompressed size: 50 bytes
            patched = True
        pos = raw.find(b"PK\x01\x02", pos + 4)
    assert patched
    good_packet.write_bytes(bytes(raw))
    res = P.verify_packet(good_packet)
    assert not res.ok and "повреждён" in _reason(res)


def test_data_of_another_school_under_a_valid_manifest_is_refused(good_packet):
    m = _members(good_packet)
    data = json.loads(m["data.json"])
    data["school"]["code"] = "999999"
    _replace_data(m, data)
    res = P.verify_packet(_rezip(good_packet, m))
    assert not res.ok and "относится к другой школе" in _reason(res)
