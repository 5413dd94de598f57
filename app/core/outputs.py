"""Where a command may write: never over the open school file, an input of the same command, or a
file of another kind (DESIGN §6). Checked before any work starts; refusals are Russian UserErrors.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .errors import UserError

_SQLITE_MAGIC = b"SQLite format 3\x00"
KIND_NAMES = {"pdf": "документ PDF", "xlsx": "книга Excel (.xlsx)", "zip": "пакет (ZIP)",
              "db": "база школы"}


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


def what_is(path: Path) -> str:
    """'db', 'pdf', 'xlsx', 'zip', 'docx', 'other' or 'empty' — by the file's first bytes (the
    importers' own content check, plus SQLite's header)."""
    from .imports.table_reader import sniff_format

    try:
        with open(path, "rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC:
                return "db"
        kind = sniff_format(path)
    except OSError:
        return "other"
    return {"empty": "empty", "pdf": "pdf", "xlsx": "xlsx", "docx": "docx", "zip": "zip", "xlsb": "zip",
            "ods": "zip"}.get(kind, "other")


def check_output(out: str | os.PathLike, *, kind: str, db_path: str | os.PathLike | None = None,
                 inputs: Iterable[str | os.PathLike] = ()) -> Path:
    """Refuse an output path that would replace the school file (or its journals), an input of the
    same command, a folder, a device, or an existing file of another kind than `kind`
    ('pdf', 'xlsx', 'zip'). Returns the path."""
    out = Path(out)
    name = out.name or str(out)
    what = KIND_NAMES.get(kind, kind)
    if db_path is not None:
        db = Path(db_path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            if _same(out, Path(str(db) + suffix)):
                raise UserError(f"Нельзя записать {what} в файл «{name}»: это файл открытой базы школы"
                                f"{'' if not suffix else ' (его журнал)'}. Укажите другое имя файла.")
    for source in inputs:
        if _same(out, Path(source)):
            raise UserError(f"Нельзя записать результат в файл «{name}»: это один из входных файлов этой же "
                            "команды, и он был бы потерян. Укажите другое имя файла.")
    if not out.exists() and not out.is_symlink():
        return out
    if out.is_dir():
        raise UserError(f"«{name}» — это папка. Укажите имя файла, например «{name}/отчёт.{kind}».")
    if not out.is_file():
        raise UserError(f"«{name}» — не обычный файл (устройство или канал): записать в него {what} нельзя.")
    found = what_is(out)
    if found in ("empty", kind):
        return out
    described = {"db": "база данных (SQLite) — возможно, база школы", "pdf": "документ PDF",
                 "xlsx": "книга Excel", "zip": "архив ZIP (возможно, пакет школы)", "docx": "документ Word",
                 "other": "файл другого вида"}[found]
    raise UserError(f"Файл «{name}» уже существует, и это {described}, а не {what}: программа его не "
                    "заменит. Укажите другое имя файла или удалите этот файл сами.")


def check_output_dir(out_dir: str | os.PathLike) -> Path:
    """A folder to write into: refuse an existing file of that name."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"«{out_dir.name}» — файл, а не папка: пакет записывается в папку. Укажите папку.")
    return out_dir


def check_input(path: str | os.PathLike) -> Path:
    """An input the command will read: a regular file (never a pipe or a device)."""
    from .imports.limits import check_regular

    check_regular(Path(path))
    return Path(path)
