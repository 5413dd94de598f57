"""«Объектив»: python main.py starts the program; with a command (python main.py demo …) it is the CLI."""
import sys
import time

_STARTED = time.perf_counter()
_GUI_OPTIONS = {"--smoke-gui"}


def _wants_gui(argv: list[str]) -> bool:
    """No arguments, or only --db PATH / --smoke-gui: the window. Anything else: the command line."""
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        if arg == "--db" and rest:
            rest.pop(0)
        elif arg.startswith("--db="):
            continue
        elif arg not in _GUI_OPTIONS:
            return False
    return True


def main() -> int:
    argv = sys.argv[1:]
    if _wants_gui(argv):
        from app.ui.app import run

        return run(argv, started=_STARTED)
    from app.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
