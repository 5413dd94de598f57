"""The school's SQLite file: create, open, migrate, back up.

One file is the whole school. Schema changes go only through the numbered SQL files in
``app/core/schema``; ``PRAGMA user_version`` holds the number of the last one applied and
``PRAGMA application_id`` marks the file as ours. A copy of the file is written before any
migration runs. Every write goes inside ``with db.atomic():`` (sqlite-utils nests savepoints).
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import sqlite3
from pathlib import Path
from typing import Callable


def _import_sqlite_utils():
    """Import sqlite-utils without letting it pull in numpy.

    sqlite-utils imports numpy (when installed) only to map numpy scalar types to column types; we never
    hand it numpy values, and importing numpy costs about a sixth of the application's start-up. numpy
    stays importable for whoever needs it later (the charts).
    """
    import sys

    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        import sqlite_utils as module
        return module
    sys.modules["numpy"] = None  # makes `import numpy` raise ImportError for this one import
    try:
        import sqlite_utils as module
    finally:
        del sys.modules["numpy"]
    return module


sqlite_utils = _import_sqlite_utils()

from .errors import StoreError, UserError, os_error_text

APPLICATION_ID = 0x4F424A54  # "OBJT"
SCHEMA_DIR = Path(__file__).with_name("schema")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _migrations() -> list[tuple[int, Path]]:
    found = []
    for p in SCHEMA_DIR.glob("*.sql"):
        m = re.match(r"(\d{4})_", p.name)
        if m:
            found.append((int(m.group(1)), p))
    found.sort()
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migration numbers are not a gapless chain: {numbers}")
    return found


SCHEMA_VERSION = len(_migrations())


def default_db_path() -> Path:
    """The default school file in the user's data folder (platformdirs; no Qt)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("objektiv", appauthor=False)) / "school.db"


def _connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    conn.execute("PRAGMA foreign_keys = ON")
    return db


def explain_sqlite_error(exc: BaseException, path: Path | None) -> UserError:
    """A Russian StoreError saying what is wrong: disk full, read-only, no permission, busy, damaged.

    «Повреждён» only when SQLite itself says the file is malformed (and then the integrity check
    is named): a full disk or a read-only folder is never reported as damage, since restoring a
    backup would lose the work done since it.
    """
    known = sqlite_state_error(exc, path)
    if known is not None:
        return known
    code = getattr(exc, "sqlite_errorname", "") or ""
    name = f"«{path.name}»" if path is not None else ""
    return StoreError(f"Не удалось выполнить действие с базой {name} (ошибка SQLite {code or type(exc).__name__}). "
                      "База не изменена.")


def sqlite_state_error(exc: BaseException, path: Path | None) -> UserError | None:
    """The Russian message for an error caused by the state of the disk or the file (full, read-only,
    no permission, busy, i/o, damaged); None for anything else (a fault of the program itself)."""
    name = f"«{path.name}»" if path is not None else ""
    folder = path.resolve().parent if path is not None else None
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorname", "") or ""
    if isinstance(exc, OSError):
        return StoreError(f"Файл базы {name}: {os_error_text(exc)}. База не изменена.")
    if "full" in text or code == "SQLITE_FULL" or (
            ("i/o" in text or code.startswith("SQLITE_IOERR")) and _disk_nearly_full(folder)):
        return StoreError(f"На диске не хватает места, чтобы записать изменения в базу {name}. Освободите "
                          "место на диске (или перенесите файл базы на другой диск) и повторите. "
                          "Прежние данные не пострадали: незаконченное изменение отменено.")
    if "readonly" in text or "read-only" in text or code.startswith("SQLITE_READONLY"):
        return StoreError(f"Базу {name} можно только читать: у файла или папки «{folder}» нет права на "
                          "запись (или файл отмечен «только для чтения», или это флешка с защитой от записи). "
                          "Скопируйте файл в свою папку или снимите запрет на запись. База не изменена.")
    if "locked" in text or "busy" in text or code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED"):
        return StoreError(f"База {name} занята: в неё сейчас записывает другая программа или другое окно "
                          "«Объектива». Дождитесь окончания и повторите. База не изменена.")
    if "unable to open" in text or code.startswith("SQLITE_CANTOPEN") or code.startswith("SQLITE_PERM") \
            or code.startswith("SQLITE_AUTH"):
        if folder is not None and folder.exists() and not os.access(folder, os.W_OK):
            return StoreError(f"Нет права на запись в папку «{folder}», где лежит база {name}: программе "
                              "негде вести журнал изменений. Перенесите файл в свою папку или попросите "
                              "администратора дать право на запись. База не изменена.")
        if path is not None and path.exists() and not os.access(path, os.R_OK):
            return StoreError(f"Нет права на чтение файла базы {name}. Попросите администратора дать "
                              "право на чтение или откройте свою копию.")
        return StoreError(f"Не удаётся открыть файл базы {name} (папка «{folder}» недоступна?). "
                          "Проверьте путь и права доступа.")
    if "i/o" in text or code.startswith("SQLITE_IOERR"):
        return StoreError(f"Ошибка ввода-вывода при работе с базой {name}: носитель извлечён, "
                          "переполнен или неисправен. Проверьте диск и повторите; база не изменена.")
    if "malformed" in text or "not a database" in text or code.startswith("SQLITE_CORRUPT") \
            or code == "SQLITE_NOTADB":
        return StoreError(f"Файл {name} повреждён: SQLite не может прочитать его структуру (проверка "
                          "целостности не пройдена). Восстановите его из резервной копии.")
    return None


def _disk_nearly_full(folder: Path | None) -> bool:
    """An i/o error on a disk with (almost) no free space is a full disk: SQLite cannot grow its
    journal there and reports the write as failed."""
    import shutil

    if folder is None:
        return False
    try:
        return shutil.disk_usage(folder).free < 4 * 1024 * 1024
    except OSError:
        return False


def _probe(path: Path) -> tuple[int, int]:
    """Read (application_id, user_version) without changing a byte; raise StoreError if unreadable."""
    name = path.name
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(f"Не удалось открыть файл «{name}»: {os_error_text(exc)}.") from exc
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise StoreError(
            f"Файл «{name}» не является базой данных «Объектива» (это не файл SQLite). "
            "Выберите другой файл."
        )
    try:
        immutable = "" if os.access(path.resolve().parent, os.W_OK) else "&immutable=1"  # read-only disk
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise explain_sqlite_error(exc, path) from exc
    if check != "ok":
        raise StoreError(
            f"Файл «{name}» повреждён: проверка целостности не пройдена. "
            "Восстановите его из резервной копии."
        )
    return app_id, version


def backup_path_for(path: Path, version: int) -> Path:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.stem}.backup-v{version}-{stamp}{path.suffix or '.db'}")


def backup_db(db: sqlite_utils.Database, dest: str | Path) -> Path:
    """Write a consistent copy of an open DB to `dest` (temp name, then rename; mode 0600)."""
    from .fsutil import atomic_path

    dest = Path(dest)
    for _, _, file in db.execute("PRAGMA database_list").fetchall()[:1]:
        if file and dest.exists() and os.path.samefile(file, dest):
            raise StoreError(f"Резервную копию нельзя записать поверх самой базы «{dest.name}». "
                             "Укажите другое имя файла.")
    with atomic_path(dest, private=True) as tmp:
        target = sqlite3.connect(str(tmp))
        try:
            db.conn.backup(target)
        finally:
            target.close()
    return dest


def _migrate(db: sqlite_utils.Database, current: int) -> None:
    for number, sql_path in _migrations():
        if number <= current:
            continue
        sql = sql_path.read_text(encoding="utf-8")
        conn = db.conn
        try:
            conn.execute("BEGIN")
            for statement in _split_sql(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements (triggers kept whole via sqlite3.complete_statement)."""
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open an existing school file, upgrading it if it is older (after a backup copy).

    Raises StoreError with a Russian message, changing nothing on disk, when the file is missing,
    is not ours, comes from a newer version of the program, or is damaged.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"Файл базы «{path}» не найден. Создайте школу или откройте другой файл.")
    app_id, version = _probe(path)
    if app_id != APPLICATION_ID:
        raise StoreError(
            f"Файл «{path.name}» — база SQLite, но не база «Объектива». Выберите другой файл."
        )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Файл «{path.name}» создан более новой версией программы (схема {version}, "
            f"эта версия понимает до {SCHEMA_VERSION}). Обновите «Объектив»."
        )
    if version == 0 and _has_tables(path):
        raise StoreError(
            f"Файл «{path.name}» отмечен как база «Объектива», но номер версии схемы в нём нулевой, хотя "
            "таблицы есть: файл изменён другой программой, и схема неизвестна. Программа не будет его "
            "обновлять. Откройте резервную копию или обратитесь к тому, кто изменял файл."
        )
    _restrict(path)
    if not os.access(path.resolve().parent, os.W_OK) and version == SCHEMA_VERSION:
        return _connect_read_only(path)
    try:
        db = _connect(path)
        if version < SCHEMA_VERSION:
            _upgrade(db, path, version)
        db.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as exc:
        known = sqlite_state_error(exc, path)
        if known is None:
            raise
        raise known from exc
    return db


def _connect_read_only(path: Path) -> sqlite_utils.Database:
    """A file in a folder nobody may write to (a read-only disk, a protected flash drive): SQLite cannot
    keep its journal beside it, so it is read as immutable; any write is refused with a Russian
    message (explain_sqlite_error: «только читать»)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                           check_same_thread=False)
    return sqlite_utils.Database(conn, execute_plugins=False)


def _has_tables(path: Path) -> bool:
    """Whether a file at version 0 already holds tables our first migrations create."""
    immutable = "" if os.access(path.resolve().parent, os.W_OK) else "&immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    return bool(names & set(DATA_TABLES))


def _restrict(path: Path) -> None:
    """Take group and others' access off the school file and its journals (POSIX; owner only)."""
    if os.name != "posix":
        return
    folder = path.resolve().parent
    try:
        if folder == default_db_path().resolve().parent and folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)             # the program's own folder: the user's only
    except OSError:
        pass
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        try:
            st = p.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                os.chmod(p, st.st_mode & 0o700)
        except OSError:
            pass


def _upgrade(db: sqlite_utils.Database, path: Path, version: int) -> None:
    """Back up, then migrate. A migration that fails leaves the file as it was; when a copy from an
    earlier try is there already, this try's copy is taken away again: trying again and again keeps
    one backup, not one per try."""
    from .fsutil import sweep_stale

    sweep_stale(path, family=f"{path.stem}.backup-")     # halves of copies whose writer was killed
    backup = backup_db(db, backup_path_for(path, version))
    try:
        _migrate(db, version)
    except BaseException as exc:
        try:
            unchanged = schema_version(db) == version
        except sqlite3.Error:
            unchanged = False
        if unchanged and _earlier_backups(path, version, backup):
            backup.unlink(missing_ok=True)     # the file is as it was: the copy of a former try stands
        db.close()
        if isinstance(exc, sqlite3.OperationalError) and "already exists" in str(exc):
            raise StoreError(
                f"Файл «{path.name}» не удалось обновить до версии схемы {SCHEMA_VERSION}: его таблицы не "
                f"соответствуют заявленной версии {version} (файл изменён другой программой). "
                "Файл не изменён.") from exc
        raise


def _earlier_backups(path: Path, version: int, this: Path) -> list[Path]:
    return [p for p in path.parent.glob(f"{path.stem}.backup-v{version}-*{path.suffix or '.db'}")
            if p != this and not p.name.endswith(".part")]


def create_db(path: str | Path, *, school_name: str | None = None,
              fill: Callable[[sqlite_utils.Database], None] | None = None) -> sqlite_utils.Database:
    """Create a new school file; refuse to overwrite anything that exists.

    The file is built under a temporary name in the destination folder (0600, in a folder created
    0700) and put in place by a link that fails if the name was taken meanwhile: a crash leaves no
    half-made file under the real name, and ``sweep_stale`` removes the temporary next time.
    `fill(db)` adds content (the demo school) before the file is put in place.
    """
    from .fsutil import atomic_path

    path = Path(path)
    _refuse_existing(path)
    try:
        with atomic_path(path, private=True, replace=False) as tmp:
            db = _connect(tmp)
            try:
                _migrate(db, 0)
                db.execute("PRAGMA journal_mode = WAL")
                with db.atomic():
                    db.execute(
                        "INSERT INTO school (id, full_name, short_name) VALUES (1, ?, ?)",
                        [school_name or "", school_name or ""],
                    )
                from .scales import ensure_builtin_scales  # here, not at the top: scales imports store
                ensure_builtin_scales(db)  # every new school starts with the official scales
                if fill is not None:
                    fill(db)
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()            # the last connection: SQLite folds the journal into the file
    except FileExistsError:
        _refuse_existing(path)
        raise
    except sqlite3.Error as exc:
        raise explain_sqlite_error(exc, path) from exc
    except OSError as exc:
        from .errors import os_error

        raise os_error(exc, f"создать файл базы «{path.name}» в папке «{path.parent}»") from exc
    _restrict(path)
    return _connect(path)


def _refuse_existing(path: Path) -> None:
    if path.exists() or path.is_symlink():
        raise StoreError(
            f"Файл «{path}» уже существует; «Объектив» не перезаписывает файлы. "
            "Укажите другое имя или удалите файл сами."
        )


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


DATA_TABLES = [
    "school", "academic_year", "period", "staff", "class_group", "student", "enrolment",
    "subject", "journal_mark", "scale", "procedure", "task", "result", "task_score", "recheck",
    "observer", "reference_result", "reference_task", "plan", "plan_section", "plan_item",
    "execution", "evidence", "import_batch", "import_change", "settings",
]


def table_counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DATA_TABLES}


def school_row(db: sqlite_utils.Database) -> dict:
    row = db.execute("SELECT * FROM school WHERE id = 1").fetchone()
    if row is None:
        return {}
    cols = [d[0] for d in db.execute("SELECT * FROM school LIMIT 0").description]
    return dict(zip(cols, row))


def current_plan_id(db: sqlite_utils.Database) -> int | None:
    """The school's current plan is the latest one by id; None when it has no plan yet.

    Kept here, not in app.core.plan, so that the first page shown (Обзор) can ask for it without
    loading the plan module and its deadline parser.
    """
    row = db.execute("SELECT max(id) FROM plan").fetchone()
    return row[0] if row and row[0] is not None else None


def rows(db: sqlite_utils.Database, sql: str, params=()) -> list[dict]:
    """Run a query and return a list of dicts (column name → value)."""
    cur = db.execute(sql, params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
