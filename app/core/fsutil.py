"""Writing files safely: a temporary name in the same folder, then an atomic rename.

Temporary names are ``.<name>.p<pid>_<random>.part``: a process killed half-way leaves one behind,
and ``sweep_stale`` removes those of processes that are gone (the next write of the same file
calls it), so a crash never blocks the next run.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterator

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def temp_name_prefix(target: Path) -> str:
    return f".{target.name}.p{os.getpid()}_"


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, private: bool = False,
                replace: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success rename it onto `target`.

    On any exception the temporary file is removed and `target` is left as it was. `private` gives
    the result mode 0600 (pupils' data); `replace=False` refuses to put it over a file that
    appeared meanwhile (FileExistsError) instead of replacing it.
    """
    target = Path(target)
    refuse_foreign(target)
    make_dirs(target.parent, private=private)
    sweep_stale(target)
    fd, tmp = tempfile.mkstemp(prefix=temp_name_prefix(target), suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if private:
            with contextlib.suppress(OSError):
                os.chmod(tmp_path, PRIVATE_FILE)
        else:
            _give_usual_mode(tmp_path, target)
        if replace:
            os.replace(tmp_path, target)
        else:
            os.link(tmp_path, target)          # fails if the name is taken: never replaces
            tmp_path.unlink()
    except BaseException:
        for extra in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                Path(str(tmp_path) + extra).unlink()
        raise


_DOCUMENT_KINDS = {".pdf": "pdf", ".xlsx": "xlsx", ".xlsm": "xlsx", ".zip": "zip", ".docx": "docx",
                   ".png": "other", ".csv": "other", ".json": "other", ".txt": "other", ".svg": "other"}


def refuse_foreign(target: Path) -> None:
    """The last guard of every save (the GUI's too): a document never replaces a school file (a SQLite
    file, or any file an open window holds), nor a PDF / workbook / packet / Word file of another kind
    than its name says. Raises UserError (Russian); a file of the right kind, an empty one or one
    that is not a document at all is replaced as asked."""
    expected = _DOCUMENT_KINDS.get(target.suffix.lower())
    if expected is None or not target.exists():
        return
    from .errors import UserError
    from .outputs import what_is

    if not target.is_file():
        raise UserError(f"«{target.name}» — не обычный файл: записать в него документ нельзя.")
    found = what_is(target)
    held = target.with_name(f".~lock.{target.name}#").exists()
    if found == "db" or held:
        raise UserError(f"Файл «{target.name}» — база данных (возможно, база школы): документ не будет "
                        "записан поверх неё. Укажите другое имя файла.")
    if found in ("pdf", "xlsx", "zip", "docx") and found != expected:
        raise UserError(f"Файл «{target.name}» уже существует, и это файл другого вида, чем записываемый "
                        "документ: программа его не заменит. Укажите другое имя файла.")


def make_dirs(folder: Path, *, private: bool = False) -> None:
    """Create `folder` and its missing parents; the ones created are 0700 when `private`
    (existing folders keep their mode: they belong to the user)."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    if private and os.name == "posix":
        for created in missing:
            with contextlib.suppress(OSError):
                os.chmod(created, PRIVATE_DIR)


_STALE_RE = re.compile(r"\.p(\d{1,10})_[A-Za-z0-9_]{1,40}\.part(?:-wal|-shm|-journal)?")


def sweep_stale(target: str | os.PathLike, *, family: str | None = None) -> list[Path]:
    """Remove temporaries of `target` left by processes that no longer run; return them.
    `family` widens it to every file whose name starts so (all backups of a school: «school.backup-»)."""
    target = Path(target)
    prefix = f".{family if family is not None else target.name}"
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        if family is not None:
            cut = rest.rfind(".p")
            while cut > 0 and not _STALE_RE.fullmatch(rest[cut:]):
                cut = rest.rfind(".p", 0, cut)
            rest = rest[cut:] if cut >= 0 else rest
        m = _STALE_RE.fullmatch(rest)
        if m is None or pid_alive(int(m.group(1))):
            continue
        path = target.parent / name
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (our own counts as alive)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name != "posix":
        try:
            import ctypes

            handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # type: ignore[attr-defined]
            if not handle:
                return False
            ctypes.windll.kernel32.CloseHandle(handle)  # type: ignore[attr-defined]
            return True
        except Exception:  # noqa: BLE001 - when unsure, the file is kept
            return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_UMASK: int | None = None


def _give_usual_mode(tmp: Path, target: Path) -> None:
    """mkstemp makes owner-only files; give the result the mode a plain open() would have given it
    (or the mode of the file it replaces), so exported documents can be shared as usual."""
    global _UMASK
    if os.name != "posix":
        return
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        if _UMASK is None:
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
        mode = 0o666 & ~_UMASK
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def atomic_write_bytes(target: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(target)


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
