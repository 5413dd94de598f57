"""What the import dialog shows of a report: plain data built from previews, no Qt.

The dialog asks for a dry run, turns the report into ``FileView``s (counts, summary lines, rejected
rows, the facts a file leaves open, pupils to choose, journal column mappings) and, once the user has
answered, runs the real import with the answers as ``import_files`` options:
``per_file[path]`` for the year, class, subject, grade, exam, period and kind of one file;
``students`` for the chosen pupils; ``mappings`` for the confirmed journal columns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from app.core import fmt

from . import KIND_LABELS, FileOutcome, ImportReport, importer, outcome_label
from .students import SUBJECTS, Match, known_subjects

OPTION_LABELS = {"year": "Учебный год", "class_label": "Класс", "subject": "Предмет", "grade": "Параллель",
                 "exam": "Экзамен", "period": "Период"}
EXAM_CHOICES = [("oge", "ОГЭ"), ("ege", "ЕГЭ")]
PERIOD_CHOICES = ["1 четверть", "2 четверть", "3 четверть", "4 четверть", "1 триместр", "2 триместр",
                  "3 триместр", "1 полугодие", "2 полугодие", "год"]


@dataclass
class Choice:
    """A pupil of the file that matches several pupils of the school (or a namesake elsewhere)."""

    key: str
    who: str                                   # «Иванов Иван (5А)» or «код 50101»
    candidates: list[tuple[int, str]]          # (student id, description)


@dataclass
class MappingView:
    sheets: list[str]                          # the sheets (or the csv file) with this header
    signature: str
    labels: list[str]                          # column headers as written
    roles: list[str]
    source: str                                # 'auto' | 'saved' | 'user'
    choices: list[tuple[str, str]]             # (role, Russian label)
    samples: list[str] = field(default_factory=list)   # a value of each column from the file


@dataclass
class FileView:
    path: Path
    kind: str | None
    kind_label: str
    status: str                                # 'ready' | 'problems' | 'ask' | 'refused' | 'duplicate' | 'done'
    status_text: str
    rows_total: int = 0
    rows_ok: int = 0
    matched: int = 0
    new: int = 0
    message: str | None = None                 # why the file is refused, or what happened to it
    summary: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)   # (sheet, row, reason)
    missing: dict[str, str] = field(default_factory=dict)                # option → question
    choices: list[Choice] = field(default_factory=list)
    mappings: list[MappingView] = field(default_factory=list)
    impact: list[str] = field(default_factory=list)    # what loading would change (Russian lines)
    impact_warning: bool = False                       # large: shown in a warning colour

    @property
    def name(self) -> str:
        return self.path.name


def file_views(db, report: ImportReport) -> list[FileView]:
    known = known_subjects(db) if db is not None else {}
    return [_view(f, known) for f in report.files]


def _view(f: FileOutcome, known: dict) -> FileView:
    label = outcome_label(f) if f.kind else "вид не определён"
    if f.error:
        return FileView(f.path, f.kind, label, "refused", "Не принят", message=f.error)
    if f.duplicate:
        d = f.duplicate
        return FileView(f.path, f.kind, label, "duplicate", "Уже загружен",
                        message=f"Этот файл уже загружен (импорт № {d['id']}, {_when(d['created_at'])}); "
                                "повторно ничего не загружается.")
    p = f.preview
    view = FileView(f.path, f.kind, label, "ready", "Готов к загрузке", p.rows_total, p.rows_ok,
                    p.students_matched, p.students_new, summary=list(p.summary),
                    problems=[(x.sheet or "", "" if x.row is None else str(x.row), x.reason) for x in p.problems],
                    missing=dict(p.missing_options))
    view.choices = [_choice(m) for m in _ambiguous(f)]
    if f.impact is not None and not f.committed:
        view.impact, view.impact_warning = f.impact.lines(), f.impact.warning
    view.mappings = _mappings(f, known)
    if f.committed:
        view.status = "done"
        if f.batch_id is None:
            view.status_text, view.message = "Без изменений", "Всё содержимое файла уже есть в базе."
        else:
            view.status_text = "Загружен"
            view.message = (f"Загружено: добавлено записей {f.added}, изменено {f.changed} "
                            f"(импорт № {f.batch_id}).")
    elif p.fatal:
        view.status, view.status_text, view.message = "refused", "Не принят", p.fatal
    elif view.missing or view.choices:
        view.status, view.status_text = "ask", "Нужны ответы"
    elif view.problems:
        view.status, view.status_text = "problems", f"Отклонено строк: {len(view.problems)}"
    return view


def _when(stamp: str) -> str:
    return fmt.date(stamp) if stamp and len(stamp) >= 10 else stamp


def _ambiguous(f: FileOutcome) -> list[Match]:
    try:
        module = importer(f.kind)
    except Exception:  # noqa: BLE001 - a kind without pupils has nothing to choose
        return []
    finder = getattr(module, "ambiguous_matches", None)
    if finder is None and f.kind == "gia":
        from .vpr import ambiguous_matches as finder
    return finder(f.preview) if finder and f.preview.payload is not None else []


def _choice(m: Match) -> Choice:
    who = m.name or (f"код {m.code}" if m.code else "?")
    if m.class_label:
        who += f" ({m.class_label})"
    return Choice(m.key, who, list(m.candidates))


def _mappings(f: FileOutcome, known: dict) -> list[MappingView]:
    if f.kind != "journal" or f.preview.payload is None:
        return []
    from .journal import role_choices

    views: dict[str, MappingView] = {}            # sheets with the same header share one mapping
    for lay in f.preview.payload.layouts:
        if lay.signature in views:
            views[lay.signature].sheets.append(lay.sheet)
        else:
            views[lay.signature] = MappingView([lay.sheet], lay.signature, list(lay.labels), list(lay.roles),
                                               lay.source, role_choices(lay, known), list(lay.samples))
    return list(views.values())


def would_commit(views: list[FileView], *, skip_bad_rows: bool) -> bool:
    """True when the real import of these files would load them (every file accepted)."""
    if not views:
        return False
    for v in views:
        if v.status in ("refused", "ask"):
            return False
        if v.status == "problems" and not skip_bad_rows:
            return False
    return any(v.status in ("ready", "problems") for v in views)


def suggestions(db) -> dict[str, list[str]]:
    """Values to offer for the facts a file leaves open: years, classes, subjects of the school."""
    if db is None:
        return {"year": [], "class_label": [], "subject": [name for name, _ in SUBJECTS]}
    years = [y for (y,) in db.execute("SELECT label FROM academic_year ORDER BY label DESC")]
    classes = [c for (c,) in db.execute(
        "SELECT DISTINCT label FROM class_group ORDER BY grade, label")]
    subjects = sorted(set(known_subjects(db).values()) | {name for name, _ in SUBJECTS})
    return {"year": years, "class_label": classes, "subject": subjects}


def verdict(views: list[FileView], *, skip_bad_rows: bool) -> str:
    """One Russian line: what stands between these files and the import."""
    statuses = [v.status for v in views]
    if "refused" in statuses:
        return ("Есть файлы, которые нельзя загрузить: исправьте их и нажмите «Проверить снова» "
                "или уберите из импорта.")
    if "ask" in statuses:
        return "Ответьте на вопросы по файлам, отмеченным «Нужны ответы», и нажмите «Проверить снова»."
    if "problems" in statuses and not skip_bad_rows:
        return ("В файлах есть отклонённые строки: исправьте их в файле или отметьте «Загрузить "
                "распознанные строки, пропустив отклонённые».")
    if statuses and all(s == "duplicate" for s in statuses):
        return "Все файлы уже загружены раньше."
    return "Всё готово к загрузке. Нажмите «Загрузить»."


def local_time(stamp: str) -> str:
    """'2025-04-17 10:22:03' as SQLite writes it (UTC) → '17.04.2025 13:22' in local time."""
    try:
        moment = datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc).astimezone()
    except ValueError:
        return stamp
    return fmt.date_time(moment)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


__all__ = ["FileView", "Choice", "MappingView", "file_views", "would_commit", "suggestions", "verdict", "local_time",
           "OPTION_LABELS", "EXAM_CHOICES", "PERIOD_CHOICES", "kind_label"]
