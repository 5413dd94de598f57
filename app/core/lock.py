"""One writer per school file: a lock file beside the database, as office suites keep one.

``.~lock.<name>#`` holds one line: user, host, process id and time (ISO), separated by «,». The
window holds it while a school is open; CLI commands that write take it for their run. A lock of a
process that no longer runs on this computer is stale and taken over; a lock from another computer
(a file on a shared folder) is respected, and the message names who holds it. The same process may
take its own lock again (a count is kept).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import fmt
from .errors import StoreError
from .fsutil import pid_alive

_HELD: dict[str, int] = {}


@dataclass
class Holder:
    user: str
    host: str
    pid: int
    since: str

    def text(self) -> str:
        when = self.since
        try:
            when = fmt.date_time(_dt.datetime.fromisoformat(self.since))
        except ValueError:
            pass
        return f"пользователь «{self.user}» на компьютере «{self.host}» (процесс {self.pid}), с {when}"


class LockedError(StoreError):
    """The school file is open for writing elsewhere."""

    def __init__(self, path: Path, holder: Holder):
        self.holder = holder
        super().__init__(f"База «{path.name}» уже открыта для изменения: {holder.text()}. Одновременно "
                         "изменять базу может только одна программа. Закройте её там (или дождитесь конца "
                         "операции) и повторите.")


def lock_path(db_path: str | os.PathLike) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f".~lock.{db_path.name}#")


def _me() -> Holder:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment
        user = str(os.getuid()) if hasattr(os, "getuid") else "?"
    return Holder(user, socket.gethostname(), os.getpid(), _dt.datetime.now().isoformat(timespec="seconds"))


def read_holder(db_path: str | os.PathLike) -> Holder | None:
    """Who holds the lock (None when nobody, or when the lock is stale: its process is gone)."""
    path = lock_path(db_path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:1000]
    except FileNotFoundError:
        return None
    except OSError:
        return None
    parts = text.strip().split(",")
    if len(parts) < 4 or not parts[2].strip().isdigit():
        return None                               # not a lock we can read (a torn write): stale
    holder = Holder(parts[0], parts[1], int(parts[2]), ",".join(parts[3:]))
    if holder.host == socket.gethostname() and not pid_alive(holder.pid):
        return None
    return holder


def _key(db_path: Path) -> str:
    return os.path.normcase(str(db_path.resolve()))


def acquire(db_path: str | os.PathLike) -> None:
    """Take the lock of a school file or raise LockedError naming its holder."""
    db_path = Path(db_path)
    key = _key(db_path)
    if _HELD.get(key):
        _HELD[key] += 1
        return
    path = lock_path(db_path)
    me = _me()
    line = f"{me.user},{me.host},{me.pid},{me.since}\n".encode("utf-8")
    for _ in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            holder = read_holder(db_path)
            if holder is not None and not (holder.host == me.host and holder.pid == me.pid):
                raise LockedError(db_path, holder) from None
            with contextlib.suppress(FileNotFoundError):
                path.unlink()                     # stale (its process is gone) or our own leftover
            continue
        except OSError:
            return                                # a read-only folder: nothing can write there anyway
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        _HELD[key] = 1
        return
    holder = read_holder(db_path)
    if holder is not None:
        raise LockedError(db_path, holder)


def release(db_path: str | os.PathLike) -> None:
    db_path = Path(db_path)
    key = _key(db_path)
    count = _HELD.get(key, 0)
    if count > 1:
        _HELD[key] = count - 1
        return
    _HELD.pop(key, None)
    if count:
        holder = read_holder(db_path)
        if holder is None or (holder.host == socket.gethostname() and holder.pid == os.getpid()):
            with contextlib.suppress(OSError):
                lock_path(db_path).unlink()


@contextlib.contextmanager
def held(db_path: str | os.PathLike) -> Iterator[None]:
    acquire(db_path)
    try:
        yield
    finally:
        release(db_path)
