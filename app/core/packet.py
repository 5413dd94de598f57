"""The packet for the municipality (DESIGN §7): write, verify and read it.

A packet is a ZIP ``objektiv_<school code>_<YYYY-MM-DD>.zip`` holding ``manifest.json`` (what is
inside, with sizes and SHA-256), ``data.json`` (plan with execution, aggregated results, flags and
per-student rows under anonymous codes only) and the school's documents (plan, execution report,
analysis). The format is described for municipalities in docs/packet-format.md and fixed by the
JSON Schemas in resources/schemas/. No student name ever goes into a packet.

Writing is safe: the ZIP goes to a temporary name in the destination folder («.objektiv_….zip.<pid>-….part»),
is read back and every hash checked, and only then renamed; a full or removed drive leaves no file
with the final name. A temporary left by a crash is removed by the next write into that folder and
is never accepted as a packet. The anonymised copy of the school the documents are made from lives
in memory only (packet_data.anonymised_copy); temporary folders a crashed older run left in the
system's temporary folder are removed on the next write.
"""
from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import re
import stat
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Callable

from app import __version__

from .errors import UserError, check_cancel
from .fsutil import pid_alive, sha256_bytes, temp_name_prefix
from .packet_data import (DATA_FORMAT, REDACTED, SCHEMA_VERSION, Period, Redactor,  # noqa: F401
                          anonymised_copy, choose_plan, collect_data, collect_plan, evidence_totals,
                          period_choices, preflight, resolve_period, schedule_present, school_info)

FORMAT = "objektiv-packet"
MANIFEST = "manifest.json"
DATA = "data.json"
PLAN_FILES = ("plan.pdf", "plan.xlsx", "execution.pdf")
ANALYSIS_FILES = ("analysis.xlsx", "analysis.pdf")

# Limits against damaged or hostile archives (zip bombs, path traversal).
MAX_ENTRIES = 5000
MAX_MEMBER_SIZE = 100 * 1024 * 1024
MAX_TOTAL_SIZE = 1024 * 1024 * 1024
MAX_RATIO = 200             # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_JSON_SIZE = 64 * 1024 * 1024


def packet_file_name(code: str, day: _dt.date | None = None) -> str:
    safe = re.sub(r"[^0-9A-Za-zА-Яа-яЁё_-]+", "-", code or "").strip("-") or "bez-koda"
    return f"objektiv_{safe}_{(day or _dt.date.today()).isoformat()}.zip"


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
def _default_opener(path: Path) -> BinaryIO:
    return open(path, "wb")


def _zip_info(name: str, when: _dt.datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    return info


def _json_bytes(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")


def _os_message(exc: OSError, target: Path, need: int) -> str:
    where = str(target.parent)
    code = exc.errno
    win = getattr(exc, "winerror", None)
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or win in (39, 112):
        return (f"На носителе «{where}» не хватило места для пакета (нужно около "
                f"{max(1, round(need / 1048576))} МБ). Неполный файл удалён. Освободите место "
                "или выберите другой носитель.")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or win in (5, 19):
        return (f"Нет права записи в папку «{where}» (носитель защищён от записи или папка "
                "недоступна). Выберите другую папку.")
    if code in (errno.ENOENT, errno.EIO, errno.ENODEV, errno.ENXIO) or win in (21, 55, 1006, 1167):
        return (f"Носитель «{where}» стал недоступен во время записи (извлечён или отключён). "
                "Пакет не записан; подключите носитель и повторите запись.")
    return f"Не удалось записать пакет в «{where}»: {exc.strerror or exc}. Пакет не записан."


PART_SUFFIX = ".part"
STALE_AGE = 3600.0                # seconds after which a temporary that names no process is stale


def _part_name(target: Path) -> Path:
    """A hidden temporary beside `target` naming the writing process (fsutil's scheme), so a
    crash can be told from a write in progress."""
    return target.with_name(f"{temp_name_prefix(target)}{os.urandom(4).hex()}{PART_SUFFIX}")


def _stale(path: Path, pid_text: str) -> bool:
    """A temporary of a crashed run: its process is gone, or (no process named) it is old."""
    import time

    if pid_text.isdigit():
        return not pid_alive(int(pid_text))
    try:
        return time.time() - path.lstat().st_mtime > STALE_AGE
    except OSError:
        return False


_PART_RE = re.compile(r"\.objektiv_[^/\\]*\.zip\.p(\d{1,10})_[A-Za-z0-9_]{1,40}\.part")
_OLD_PART_RE = re.compile(r"\.objektiv_[^/\\]*\.zip\.[A-Za-z0-9_]{8}\.part")   # earlier versions' names


def remove_stale_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Remove unfinished packet files («.objektiv_….zip.….part») that a crashed write left in
    `folder`, whatever their date; returns what was removed. Files of a write still running are
    left alone."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _PART_RE.fullmatch(entry.name)
        if not (m or _OLD_PART_RE.fullmatch(entry.name)) or not entry.is_file(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if _stale(path, m.group(1) if m else ""):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass
    return removed


def remove_stale_work_folders(root: str | os.PathLike | None = None) -> list[Path]:
    """Remove the temporary folders a crashed packet write left in the system's temporary folder:
    «objektiv-anon-*» (older versions kept a copy of the school there) and «objektiv-packet-<pid>-*»
    (the documents of a packet being written). Only the current user's folders are touched."""
    import shutil

    root = Path(root or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        name = entry.name
        if not name.startswith(("objektiv-anon-", "objektiv-packet-")):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if uid is not None and entry.stat(follow_symlinks=False).st_uid != uid:
                continue
        except OSError:
            continue
        path = Path(entry.path)
        if name.startswith("objektiv-packet-"):
            if not _stale(path, name[len("objektiv-packet-"):].split("-", 1)[0]):
                continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def assemble_packet(target: str | os.PathLike, head: dict, members: list[tuple[str, bytes]], *,
                    opener: Callable[[Path], BinaryIO] | None = None) -> Path:
    """Write the ZIP: manifest.json (head + one entry per member) then the members; temp name in
    the destination, read back and verified, then renamed. Raises UserError on any failure."""
    target = Path(target)
    entries = [{"path": name, "size": len(data), "sha256": sha256_bytes(data)} for name, data in members]
    manifest = {**head, "files": entries}
    when = _dt.datetime.fromisoformat(head["created_at"])
    need = sum(len(d) for _, d in members) + 65536
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target.parent)
        if _free_space(target.parent) < need:
            raise OSError(errno.ENOSPC, "no space")
        tmp = _part_name(target)
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with (opener or _default_opener)(tmp) as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
                zf.writestr(_zip_info(MANIFEST, when), _json_bytes(manifest))
                for name, data in members:
                    zf.writestr(_zip_info(name, when), data)
            fh.flush()
            os.fsync(fh.fileno())
        check = _verify_file(tmp)
        if not check.ok:
            raise UserError("Записанный пакет не прошёл проверку при чтении обратно: "
                            + "; ".join(check.problems) + ". Файл удалён; повторите запись.")
        if os.name == "posix":
            os.chmod(tmp, 0o644)        # a document to hand over, not a private temp file
        os.replace(tmp, target)
        tmp = None
        _sync_folder(target.parent)
    except OSError as exc:
        raise UserError(_os_message(exc, target, need)) from exc
    finally:
        if tmp is not None:
            try:
                tmp.unlink()
            except OSError:
                pass
    return target


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _free_space(folder: Path) -> int:
    import shutil

    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return sys.maxsize


def write_packet(db, out_dir: str | os.PathLike, *, period: str | None = None,
                 include_evidence: bool = False, progress: Callable[[int, int], None] | None = None,
                 cancel: Callable[[], bool] | None = None,
                 _opener: Callable[[Path], BinaryIO] | None = None) -> Path:
    """Write the school's packet into `out_dir`; return the ZIP path (already verified)."""
    from .analysis import analyze

    per = resolve_period(db, period)
    school = school_info(db)
    steps = 8
    report = progress or (lambda done, total: None)
    report(0, steps)
    remove_stale_work_folders()
    with anonymised_copy(db, keep_evidence=include_evidence) as (anon, redactor):
        analysis = analyze(anon, year=per.year)
        data, blobs = collect_data(anon, per, analysis=analysis, include_evidence=include_evidence,
                                   redactor=redactor)
        check_cancel(cancel)
        report(1, steps)
        members = [(DATA, _json_bytes(data))]
        with tempfile.TemporaryDirectory(prefix=f"objektiv-packet-{os.getpid()}-") as tmp:
            for k, (name, make) in enumerate(_documents(anon, per, data["plan"] is not None, cancel), 2):
                path = Path(tmp) / name
                make(path)
                members.append((name, path.read_bytes()))
                check_cancel(cancel)
                report(k, steps)
    members += sorted(blobs.items())
    head = {"format": FORMAT, "schema_version": SCHEMA_VERSION, "app_version": __version__,
            "created_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "school": school, "period": per.as_json(), "anonymised": True}
    from .settings import is_demo

    if is_demo(db):
        head["demo"] = True            # verify-packet and Район warn: not a real school's report
    target = Path(out_dir) / packet_file_name(school["code"])
    out = assemble_packet(target, head, members, opener=_opener)
    report(steps, steps)
    return out


def _documents(db, per: Period, with_plan: bool, cancel) -> list[tuple[str, Callable[[Path], object]]]:
    """(file name, writer) for the documents of the packet, produced by the report modules."""
    docs: list[tuple[str, Callable[[Path], object]]] = []
    if with_plan:
        from .reports.execution import write_execution_report
        from .reports.plan_pdf import write_plan_pdf
        from .reports.plan_xlsx import write_plan_xlsx

        plan_id = choose_plan(db, per)["id"]
        docs += [("plan.pdf", lambda p: write_plan_pdf(db, p, plan_id=plan_id, cancel=cancel)),
                 ("plan.xlsx", lambda p: write_plan_xlsx(db, p, plan_id=plan_id)),
                 ("execution.pdf", lambda p: write_execution_report(db, p, period=per.value,
                                                                    plan_id=plan_id))]
    from .reports.analysis_report import write_analysis_report

    docs += [(name, lambda p: write_analysis_report(db, p, year=per.year, cancel=cancel))
             for name in ANALYSIS_FILES]
    return docs


# ---------------------------------------------------------------------------------------------
# Verifying and reading
# ---------------------------------------------------------------------------------------------
@dataclass
class VerifyResult:
    path: Path
    problems: list[str] = field(default_factory=list)
    manifest: dict | None = None
    data: dict | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.manifest is not None

    @property
    def demo(self) -> bool:
        """The packet was made from the demo school (its manifest says so)."""
        return bool(self.manifest and self.manifest.get("demo") is True)


DEMO_PACKET_NOTICE = ("пакет сформирован по демонстрационной школе программы: все люди и сведения в нём "
                      "вымышлены, это не отчёт настоящей школы")


@lru_cache(maxsize=2)
def _validator(name: str):
    import jsonschema

    from .paths import resource_path

    schema = json.loads(resource_path("schemas", name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def schema_problems(doc, schema_name: str, file_name: str, limit: int = 5) -> list[str]:
    """Russian descriptions of where `doc` departs from the schema (at most `limit`)."""
    errors = sorted(_validator(schema_name).iter_errors(doc), key=lambda e: list(e.absolute_path))
    out = []
    for err in errors[:limit]:
        where = ".".join(str(p) for p in err.absolute_path) or "(корень)"
        out.append(f"{file_name}: поле «{where}» — {_schema_reason(err)}")
    if len(errors) > limit:
        out.append(f"{file_name}: и ещё {len(errors) - limit} несоответствий схеме")
    return out


def _schema_reason(err) -> str:
    v, expected = err.validator, err.validator_value
    if v == "required":
        missing = [k for k in expected if isinstance(err.instance, dict) and k not in err.instance]
        return f"нет обязательного поля «{', '.join(missing)}»"
    if v == "additionalProperties":
        return "лишние поля, которых нет в формате"
    if v == "type":
        return f"значение неверного типа (ожидается {expected})"
    if v == "const":
        return f"значение {json.dumps(err.instance, ensure_ascii=False)[:40]} вместо {expected!r}"
    if v == "enum":
        return f"значение не из списка допустимых ({', '.join(map(str, expected))})"
    if v == "pattern":
        return f"значение «{str(err.instance)[:40]}» не соответствует образцу"
    if v in ("minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength"):
        return f"значение вне допустимых пределов ({v} = {expected})"
    return f"не соответствует схеме ({v})"


def _unsafe_name(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\\" in name:
        return f"абсолютный путь «{name[:80]}»"
    if ".." in name.split("/"):
        return f"выход за пределы папки «{name[:80]}»"
    if any(ord(c) < 32 for c in name):
        return "недопустимые символы в имени файла"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"символическая ссылка «{name[:80]}»"
    if info.flag_bits & 0x1:
        return f"зашифрованный файл «{name[:80]}»"
    return None


def zip_safety_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    """Path traversal, absolute names, links, duplicates and zip-bomb limits."""
    if len(infos) > MAX_ENTRIES:
        return [f"в архиве слишком много файлов ({len(infos)}, допускается не более {MAX_ENTRIES})"]
    out, seen, total = [], set(), 0
    for info in infos:
        bad = _unsafe_name(info)
        if bad:
            out.append(f"недопустимый элемент архива: {bad}")
        if info.filename in seen:
            out.append(f"файл «{info.filename[:80]}» встречается в архиве дважды")
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > MAX_MEMBER_SIZE:
            out.append(f"файл «{info.filename[:80]}» слишком велик после распаковки "
                       f"({info.file_size // 1048576} МБ)")
        elif info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            out.append(f"файл «{info.filename[:80]}» сжат подозрительно сильно "
                       "(похоже на «zip-бомбу»)")
    if total > MAX_TOTAL_SIZE:
        out.append(f"общий объём распакованных файлов слишком велик ({total // 1048576} МБ)")
    return out


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise zipfile.BadZipFile("size mismatch")
    return data


def verify_packet(path: str | os.PathLike) -> VerifyResult:
    """Check a packet: ZIP safety, manifest schema, every file listed, present and unchanged.
    An unfinished write («….part») is never a packet, whatever it holds."""
    path = Path(path)
    if path.name.lower().endswith(PART_SUFFIX):
        res = VerifyResult(path)
        res.problems.append(f"«{path.name}» — незавершённая запись пакета (временный файл), а не "
                            "пакет; запишите пакет заново")
        return res
    return _verify_file(path)


def _verify_file(path: Path) -> VerifyResult:
    res = VerifyResult(path)
    if not path.is_file():
        res.problems.append(f"файл «{path.name}» не найден")
        return res
    try:
        with zipfile.ZipFile(path) as zf:
            _verify_open_zip(zf, res)
    except zipfile.BadZipFile:
        res.problems.append(f"«{path.name}» не является ZIP-архивом или архив повреждён (обрезан)")
    except (zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError):
        res.problems.append(f"архив «{path.name}» повреждён: содержимое не распаковывается")
    except OSError as exc:
        res.problems.append(f"не удалось прочитать «{path.name}»: {exc.strerror or exc}")
    if res.problems:
        res.data = None
    return res


def _verify_open_zip(zf: zipfile.ZipFile, res: VerifyResult) -> None:
    infos = [i for i in zf.infolist() if not i.is_dir()]
    unsafe = zip_safety_problems(infos)
    if unsafe:
        res.problems += unsafe
        return
    by_name = {i.filename: i for i in infos}
    if MANIFEST not in by_name:
        res.problems.append("в архиве нет описи manifest.json — это не пакет «Объектива»")
        return
    manifest = _load_json(zf, by_name[MANIFEST], res)
    if manifest is None:
        return
    if not _manifest_ok(manifest, res):
        return
    res.manifest = manifest
    listed = {f["path"]: f for f in manifest["files"]}
    missing = sorted(set(listed) - set(by_name))
    extra = sorted(set(by_name) - set(listed) - {MANIFEST})
    res.problems += [f"нет файла «{n}», указанного в описи" for n in missing]
    res.problems += [f"лишний файл «{n[:80]}», которого нет в описи" for n in extra]
    for name in sorted(set(listed) & set(by_name)):
        entry, data = listed[name], _read_member(zf, by_name[name])
        if len(data) != entry["size"] or sha256_bytes(data) != entry["sha256"]:
            res.problems.append(f"файл «{name}» изменён или повреждён: размер или контрольная сумма "
                                "не совпадают с описью")
        elif name == DATA:
            res.data = _parse_data(data, res)
    required = {DATA, *ANALYSIS_FILES}
    if res.data and res.data.get("plan") is not None:
        required |= set(PLAN_FILES)
    res.problems += [f"в пакете нет обязательного файла «{n}»" for n in sorted(required - set(listed))]


def _load_json(zf: zipfile.ZipFile, info: zipfile.ZipInfo, res: VerifyResult):
    if info.file_size > MAX_JSON_SIZE:
        res.problems.append(f"файл {info.filename} слишком велик ({info.file_size // 1048576} МБ)")
        return None
    try:
        return json.loads(_read_member(zf, info).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        res.problems.append(f"файл {info.filename} повреждён: это не JSON в кодировке UTF-8")
        return None


def _manifest_ok(manifest, res: VerifyResult) -> bool:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        fmt = manifest.get("format") if isinstance(manifest, dict) else None
        res.problems.append("опись manifest.json не от пакета «Объектива»"
                            + (f" (формат «{str(fmt)[:40]}»)" if fmt else ""))
        return False
    version = manifest.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        res.problems.append(f"пакет создан более новой версией программы (версия формата {version}, "
                            f"эта программа читает версию {SCHEMA_VERSION}); обновите «Объектив»")
        return False
    problems = schema_problems(manifest, "manifest.schema.json", MANIFEST)
    res.problems += problems
    return not problems


def _parse_data(raw: bytes, res: VerifyResult) -> dict | None:
    if len(raw) > MAX_JSON_SIZE:
        res.problems.append("файл data.json слишком велик")
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        res.problems.append("файл data.json повреждён: это не JSON в кодировке UTF-8")
        return None
    problems = schema_problems(data, "data.schema.json", DATA)
    if not problems and res.manifest and data["school"]["code"] != res.manifest["school"]["code"]:
        problems.append("data.json относится к другой школе, чем опись manifest.json")
    res.problems += problems
    return None if problems else data


@dataclass
class PacketContents:
    path: Path
    manifest: dict
    data: dict


def read_packet(path: str | os.PathLike) -> PacketContents:
    """Verify and load a packet; raise UserError naming every problem if it does not check out."""
    res = verify_packet(path)
    if not res.ok or res.data is None:
        raise UserError(f"Пакет «{Path(path).name}» не принят: " + "; ".join(res.problems or
                        ["нет данных data.json"]) + ".")
    return PacketContents(Path(path), res.manifest, res.data)
