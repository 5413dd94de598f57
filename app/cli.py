"""The command line of DESIGN §6. A contract: commands, options, exit codes and JSON keys stay.

Exit codes: 0 done; 1 bad input (Russian message on stderr, nothing changed); 2 usage.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from app import __version__
from app.core.errors import Cancelled, UserError

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


# argparse speaks English; its few usage messages are put into Russian here.
_ARGPARSE_RU = [
    (r"unrecognized arguments: (.*)", r"лишние аргументы: \1"),
    (r"the following arguments are required: (.*)", r"не указаны обязательные аргументы: \1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
     r"аргумент \1: недопустимое значение \2 (возможны: \3)"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"аргумент \1: недопустимое значение \3"),
    (r"argument (\S+): expected one argument", r"аргумент \1: после него нужно указать значение"),
    (r"ambiguous option: (.*)", r"неоднозначный параметр: \1"),
]


def _russian(message: str) -> str:
    for pattern, replacement in _ARGPARSE_RU:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "Использование: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Russian usage errors, Russian help headings and exit code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "аргументы"
        self._optionals.title = "параметры"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="показать эту справку и выйти")

    def error(self, message: str):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Ошибка в командной строке: {_russian(message)}\n"
                         "Справка по командам: python -m app --help\n")
        sys.exit(EXIT_USAGE)


def _build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m app", description="«Объектив» — командная строка.")
    p.add_argument("--db", type=Path, help="файл базы школы (по умолчанию — в папке данных пользователя)")
    p.add_argument("--version", action="version", version=f"Объектив {__version__}",
                   help="показать версию программы и выйти")
    sub = p.add_subparsers(dest="command", metavar="команда", parser_class=_Parser,
                           title="команды")

    s = sub.add_parser("init", help="создать пустую базу школы")
    s.add_argument("--school", help="полное наименование школы")
    sub.add_parser("demo", help="создать демонстрационную школу")
    sub.add_parser("info", help="сведения о базе: версия схемы, школа, число записей")

    s = sub.add_parser("import", help="импорт файлов (ВПР, журнал, ГИА, план)")
    s.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="файлы: формы ВПР (xlsx), выгрузки журнала (xlsx, csv), протоколы ГИА, план (docx, xlsx)")
    s.add_argument("--kind", default="auto", choices=["auto", "vpr", "journal", "gia", "plan", "schedule", "curriculum"],
                   help="вид файлов; auto (по умолчанию) — определить по содержимому")
    s.add_argument("--dry-run", action="store_true", help="только показать, что будет загружено")
    s.add_argument("--year", help="учебный год, если его нет в файле (например 2024/2025)")
    s.add_argument("--class", dest="class_label", help="класс, если его нет в файле (например 5А)")
    s.add_argument("--subject", help="предмет, если его нет в файле")
    s.add_argument("--grade", type=int, help="параллель, если её нет в файле")
    s.add_argument("--exam", choices=["oge", "ege"], help="вид экзамена для протоколов ГИА")
    s.add_argument("--period", help="период отметок, если его нет в файле (например «2 четверть», «год»)")
    s.add_argument("--class-map", dest="class_map", type=_class_map, metavar="1=4А,2=4Б",
                   help="классы по порядковым номерам формы ФИС ОКО, если их нельзя определить по файлу")
    s.add_argument("--task-max", dest="task_max", type=_task_max, metavar="1=2,2=1,3.1=1",
                   help="максимальные баллы заданий, если их нет ни в файле, ни в известной шкале")
    s.add_argument("--json", action="store_true", help="отчёт об импорте в формате JSON")

    s = sub.add_parser("analyze", help="сравнение отметок и признаки необъективности")
    s.add_argument("--year", help="учебный год, например 2024/2025")
    s.add_argument("--json", action="store_true", help="вывести JSON")

    s = sub.add_parser("plan-pdf", help="план мероприятий — PDF (приложение к приказу)")
    s.add_argument("out", type=Path, metavar="OUT.pdf")
    s = sub.add_parser("plan-xlsx", help="план мероприятий — XLSX")
    s.add_argument("out", type=Path, metavar="OUT.xlsx")
    s = sub.add_parser("report", help="отчёт об исполнении плана — PDF или XLSX")
    s.add_argument("out", type=Path, metavar="OUT.pdf|OUT.xlsx")
    s.add_argument("--period", help="период: весь срок плана (по умолчанию), квартал 2025-Q1 … 2025-Q4, "
                   "календарный год 2025 или учебный год 2025/2026")
    s = sub.add_parser("analysis-report", help="аналитический отчёт — PDF или XLSX")
    s.add_argument("out", type=Path, metavar="OUT.pdf|OUT.xlsx")
    s.add_argument("--year", help="учебный год")

    s = sub.add_parser("schedule-check", help="проверить график оценочных процедур по федеральным правилам")
    s.add_argument("--year", help="учебный год, например 2025/2026 (по умолчанию последний)")
    s.add_argument("--json", action="store_true", help="вывести JSON")
    s = sub.add_parser("schedule-xlsx", help="график оценочных процедур — XLSX для сайта школы")
    s.add_argument("out", type=Path, metavar="OUT.xlsx")
    s.add_argument("--year", help="учебный год (по умолчанию последний)")
    s = sub.add_parser("schedule-pdf", help="график оценочных процедур — PDF (приложение к приказу)")
    s.add_argument("out", type=Path, metavar="OUT.pdf")
    s.add_argument("--year", help="учебный год (по умолчанию последний)")

    s = sub.add_parser("packet", help="пакет для муниципалитета")
    s.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    s.add_argument("--period", help="период: учебный год 2024/2025 (по умолчанию последний) или 2025-Q1")
    s = sub.add_parser("verify-packet", help="проверить пакет")
    s.add_argument("file", type=Path, metavar="FILE.zip")
    s = sub.add_parser("summary", help="сводка по району из пакетов школ")
    s.add_argument("files", nargs="+", type=Path, metavar="FILE.zip")
    s.add_argument("--out", type=Path, required=True, metavar="OUT.xlsx")
    s.add_argument("--json", action="store_true", help="краткий итог в формате JSON")
    for command in sub.choices.values():
        # --db is accepted after the command too; given there, it wins over the global one.
        command.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                             help="файл базы школы")
    return p


def _db_path(args) -> Path:
    if args.db is not None:
        return args.db
    from app.core.store import default_db_path

    return default_db_path()


def _open(args):
    from app.core import store

    return store.open_db(_db_path(args))


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_init(args) -> int:
    from app.core import store

    path = _db_path(args)
    store.create_db(path, school_name=args.school).close()
    _out(f"Создана пустая база школы: {path}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from app.core.demo import create_demo

    path = _db_path(args)
    create_demo(path).close()
    _out(f"Создана демонстрационная школа: {path}")
    return EXIT_OK


def cmd_info(args) -> int:
    from app.core import store

    db = _open(args)
    school = store.school_row(db)
    _out(f"База: {_db_path(args)}")
    _out(f"Версия схемы: {store.schema_version(db)}")
    _out(f"Школа: {school.get('full_name') or '(не указана)'}"
         + (f", код {school['code']}" if school.get("code") else ""))
    for table, n in store.table_counts(db).items():
        _out(f"  {table:<18} {n}")
    return EXIT_OK


def _class_map(text: str) -> dict[str, str]:
    """«1=4А,2=4Б» → {"1": "4А", "2": "4Б"} (argparse type: a bad value is a command-line error)."""
    from app.core.imports.students import clean_class_label

    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        number, sep, label = part.partition("=")
        cls = clean_class_label(label.strip()) if sep else None
        if not number.strip().isdigit() or not cls:
            raise argparse.ArgumentTypeError(
                f"«{part}» — не пара «номер=класс»; пример: --class-map 1=4А,2=4Б")
        out[str(int(number))] = cls
    if not out:
        raise argparse.ArgumentTypeError("пустое соответствие; пример: --class-map 1=4А,2=4Б")
    return out


def _task_max(text: str) -> dict[str, int]:
    """«1=2,2=1,3.1=1» → {"1": 2, "2": 1, "3.1": 1}: task number → maximum score."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        number, sep, value = part.partition("=")
        number = number.strip().replace(",", ".").upper()
        if not sep or not number or not value.strip().isdigit() or int(value) < 1:
            raise argparse.ArgumentTypeError(
                f"«{part}» — не пара «задание=максимум»; пример: --task-max 1=2,2=1,3.1=1")
        out[number] = int(value)
    if not out:
        raise argparse.ArgumentTypeError("пусто; пример: --task-max 1=2,2=1,3.1=1")
    return out


def cmd_import(args) -> int:
    from app.core.imports import import_files

    db = _open(args)
    options = {k: v for k, v in {
        "year": args.year, "class_label": args.class_label, "subject": args.subject,
        "grade": args.grade, "exam": args.exam, "period": args.period,
        "class_map": args.class_map, "task_max": args.task_max}.items() if v is not None}
    report = import_files(db, args.files, kind=args.kind, dry_run=args.dry_run, options=options)
    if args.json:
        _out(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif report.ok:
        _out(report.text())
    if not report.ok:
        # The reasons a file was refused are an error report: they go to stderr.
        sys.stderr.write(report.text() + "\n")
    return EXIT_OK if report.ok else EXIT_BAD_INPUT


def cmd_analyze(args) -> int:
    from app.core.analysis import analyze

    db = _open(args)
    result = analyze(db, year=args.year)
    if args.json:
        _out(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        from app.core.analysis import format_text

        _out(format_text(result))
    return EXIT_OK


def cmd_plan_pdf(args) -> int:
    from app.core.reports.plan_pdf import write_plan_pdf

    _out(str(write_plan_pdf(_open(args), args.out)))
    return EXIT_OK


def cmd_plan_xlsx(args) -> int:
    from app.core.reports.plan_xlsx import write_plan_xlsx

    _out(str(write_plan_xlsx(_open(args), args.out)))
    return EXIT_OK


def cmd_report(args) -> int:
    from app.core.reports.execution import write_execution_report

    _out(str(write_execution_report(_open(args), args.out, period=args.period)))
    return EXIT_OK


def cmd_analysis_report(args) -> int:
    from app.core.reports.analysis_report import write_analysis_report

    _out(str(write_analysis_report(_open(args), args.out, year=args.year)))
    return EXIT_OK


def cmd_schedule_check(args) -> int:
    from app.core.schedule import check

    result = check(_open(args), args.year)
    if args.json:
        _out(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_OK
    _out(f"График оценочных процедур на {result['year']}: работ {result['procedures']}, "
         f"нарушений {len(result['violations'])}.")
    for v in result["violations"]:
        _out(f"  — {v['reason']}")
    for note in result["notes"]:
        _out(f"  Примечание: {note}")
    return EXIT_OK


def cmd_schedule_xlsx(args) -> int:
    from app.core.schedule_reports import write_schedule_xlsx

    _out(str(write_schedule_xlsx(_open(args), args.out, year=args.year)))
    return EXIT_OK


def cmd_schedule_pdf(args) -> int:
    from app.core.schedule_reports import write_schedule_pdf

    _out(str(write_schedule_pdf(_open(args), args.out, year=args.year)))
    return EXIT_OK


def cmd_packet(args) -> int:
    from app.core.packet import write_packet

    _out(str(write_packet(_open(args), args.out_dir, period=args.period)))
    return EXIT_OK


def cmd_verify_packet(args) -> int:
    from app.core.packet import verify_packet

    result = verify_packet(args.file)
    if result.ok:
        _out(f"Пакет «{args.file.name}» проверен: все файлы на месте, контрольные суммы совпадают.")
        if result.demo:
            from app.core.packet import DEMO_PACKET_NOTICE

            _out(f"Внимание: {DEMO_PACKET_NOTICE}.")
        return EXIT_OK
    sys.stderr.write(f"Пакет «{args.file.name}» не прошёл проверку:\n")
    for problem in result.problems:
        sys.stderr.write(f"  — {problem}\n")
    return EXIT_BAD_INPUT


def cmd_summary(args) -> int:
    from app.core.district import write_summary

    result = write_summary(args.files, args.out)
    for note in result.notes:
        sys.stderr.write(f"{note}\n")
    if args.json:
        _out(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        _out(str(args.out))
    return EXIT_OK if result.schools else EXIT_BAD_INPUT


COMMANDS = {
    "init": cmd_init, "demo": cmd_demo, "info": cmd_info, "import": cmd_import,
    "analyze": cmd_analyze, "plan-pdf": cmd_plan_pdf, "plan-xlsx": cmd_plan_xlsx,
    "report": cmd_report, "analysis-report": cmd_analysis_report, "packet": cmd_packet,
    "verify-packet": cmd_verify_packet, "summary": cmd_summary,
    "schedule-check": cmd_schedule_check, "schedule-xlsx": cmd_schedule_xlsx, "schedule-pdf": cmd_schedule_pdf,
}


# Files the commands write, by kind (None: by the suffix, .xlsx or .pdf), checked before any work:
# never the open school file, an input of the command, or an existing file of another kind.
_OUTPUT_KINDS = {"plan-pdf": "pdf", "plan-xlsx": "xlsx", "report": None, "analysis-report": None,
                 "schedule-xlsx": "xlsx", "schedule-pdf": "pdf", "summary": "xlsx"}
_NO_DB = {"verify-packet", "summary"}


def _check_paths(args) -> None:
    from app.core import outputs

    command = args.command
    inputs = list(getattr(args, "files", None) or []) + ([args.file] if getattr(args, "file", None) else [])
    if command in ("verify-packet", "summary"):
        for path in inputs:
            outputs.check_input(path)
    db_path = None if command in _NO_DB else _db_path(args)
    if command in _OUTPUT_KINDS:
        kind = _OUTPUT_KINDS[command] or ("xlsx" if args.out.suffix.lower() in (".xlsx", ".xlsm") else "pdf")
        outputs.check_output(args.out, kind=kind, db_path=db_path, inputs=inputs)
    elif command == "packet":
        outputs.check_output_dir(args.out_dir)


def _writes_db(args) -> bool:
    return args.command == "import" and not args.dry_run


def _run(args) -> int:
    """The command, holding the school file's lock when it writes to it (another window or command
    that holds it is named in the refusal)."""
    _check_paths(args)
    if not _writes_db(args):
        return COMMANDS[args.command](args)
    from app.core import lock

    with lock.held(_db_path(args)):
        return COMMANDS[args.command](args)


def _explain(exc: BaseException, args) -> str:
    """A Russian message for an error of the disk or the database file met outside the core's checks."""
    import sqlite3

    from app.core.errors import os_error
    from app.core.store import explain_sqlite_error

    path = None if args.command in _NO_DB else _db_path(args)
    if isinstance(exc, sqlite3.Error):
        return str(explain_sqlite_error(exc, path))
    if isinstance(exc, MemoryError):
        return "Не хватило оперативной памяти для этой операции; ничего не изменено."
    return str(os_error(exc, "выполнить операцию с файлом"))


def main(argv: list[str] | None = None) -> int:
    import sqlite3

    parser = _build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        sys.stderr.write("Ошибка в командной строке: не указана команда.\n")
        return EXIT_USAGE
    try:
        return _run(args)
    except (sqlite3.Error, MemoryError) as exc:
        sys.stderr.write(f"Ошибка: {_explain(exc, args)}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        sys.stderr.write(f"Ошибка: {_explain(exc, args)}\n")
        return EXIT_BAD_INPUT
    except UserError as exc:
        sys.stderr.write(f"Ошибка: {exc}\n")
        return EXIT_BAD_INPUT
    except Cancelled:
        sys.stderr.write("Операция отменена; ничего не изменено.\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("Прервано пользователем.\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # the reader of our output went away (`info | head`): nothing left to say, and Python must
        # not complain again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
