"""The program's log: unexpected errors with their traceback, in a rotating file of the user's
data folder, so that a fault a deputy reports can be found afterwards. No Qt here.

``setup()`` is called once at start-up (GUI and command line); ``record(exc)`` writes an error
that was caught and shown; ``unexpected_text(exc)`` is the Russian message that names the file.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
from pathlib import Path

LOG_NAME = "objektiv.log"
_MAX_BYTES = 1_000_000
_BACKUPS = 3
_logger = logging.getLogger("objektiv")
_path: Path | None = None


def log_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_log_dir("objektiv", appauthor=False))


def log_path() -> Path:
    """Where the log is (or will be) written."""
    return _path or (log_dir() / LOG_NAME)


def setup(folder: Path | None = None, *, hooks: bool = True) -> Path | None:
    """Open the rotating log file (private to the user) and catch uncaught errors of the main
    thread and of worker threads; returns the file, or None if it cannot be written."""
    global _path
    folder = Path(folder) if folder is not None else log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(folder, 0o700)
        path = folder / LOG_NAME
        for h in list(_logger.handlers):
            if isinstance(h, logging.handlers.RotatingFileHandler):
                _logger.removeHandler(h)
                h.close()
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS,
                                                       encoding="utf-8", delay=False)
        if os.name == "posix":
            os.chmod(path, 0o600)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s: %(message)s"))
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False
    _path = path
    if hooks:
        _install_hooks()
    return path


def record(exc: BaseException, where: str = "") -> None:
    """Write a caught, unexpected error with its traceback."""
    _logger.error("Unexpected error%s", f" ({where})" if where else "",
                  exc_info=(type(exc), exc, exc.__traceback__))
    for h in _logger.handlers:
        h.flush()


def unexpected_text(exc: BaseException, lead: str = "Произошла непредвиденная ошибка.") -> str:
    """The Russian message for an unexpected error: what happened and where the details are."""
    return (f"{lead}\n\n{type(exc).__name__}: {exc}\n\nПодробности записаны в журнал работы программы: "
            f"{log_path()}. Приложите этот файл к сообщению об ошибке.")


def _install_hooks() -> None:
    previous = sys.excepthook

    def hook(kind, value, tb):
        _logger.critical("Uncaught error", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    if getattr(sys.excepthook, "_objektiv", False) is False:
        hook._objektiv = True  # type: ignore[attr-defined]
        sys.excepthook = hook

    previous_thread = threading.excepthook

    def thread_hook(args):
        if args.exc_type is not SystemExit:
            _logger.critical("Uncaught error in thread %s", getattr(args.thread, "name", "?"),
                             exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        previous_thread(args)

    if getattr(threading.excepthook, "_objektiv", False) is False:
        thread_hook._objektiv = True  # type: ignore[attr-defined]
        threading.excepthook = thread_hook
