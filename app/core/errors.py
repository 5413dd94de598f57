"""Exceptions shared by the core. Messages of UserError are Russian and shown to the user as is."""


class UserError(Exception):
    """Bad input or a refused action; the message is Russian and names what to fix."""


class StoreError(UserError):
    """The database file cannot be opened or upgraded."""


class Cancelled(Exception):
    """Long work stopped because the user asked for it; nothing was changed."""


def check_cancel(cancel) -> None:
    """Raise Cancelled when the cancel callback says so (None means never)."""
    if cancel is not None and cancel():
        raise Cancelled()


_ERRNO_TEXT = {
    "ENOSPC": "на диске не хватает места",
    "EDQUOT": "превышена дисковая квота пользователя",
    "EACCES": "нет прав доступа",
    "EPERM": "операция не разрешена (нет прав)",
    "EROFS": "диск или флешка доступны только для чтения",
    "EIO": "ошибка ввода-вывода (носитель извлечён или неисправен)",
    "ENOENT": "файл или папка не найдены",
    "EISDIR": "это папка, а не файл",
    "ENOTDIR": "часть пути — не папка",
    "EBUSY": "файл занят другой программой",
    "ENAMETOOLONG": "слишком длинное имя файла",
    "EMFILE": "открыто слишком много файлов",
}


def os_error_text(exc: OSError) -> str:
    """What an OSError means, in Russian (its errno name when no text is known)."""
    import errno as _errno

    name = _errno.errorcode.get(exc.errno or 0, "")
    if getattr(exc, "winerror", None) == 112:           # ERROR_DISK_FULL on Windows
        name = "ENOSPC"
    return _ERRNO_TEXT.get(name, f"системная ошибка {name or exc.errno or type(exc).__name__}")


def os_error(exc: OSError, what: str) -> UserError:
    """A UserError for an OSError met while doing `what` («записать файл «x.pdf»»)."""
    text = os_error_text(exc)
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    hint = ""
    if "места" in text or "квота" in text:
        hint = " Освободите место на диске или выберите другую папку и повторите."
    elif "прав" in text or "только для чтения" in text:
        hint = " Выберите папку, в которую у вас есть право записи, или попросите администратора дать его."
    return UserError(f"Не удалось {what}: {text}{where}.{hint}")
