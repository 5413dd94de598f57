"""The tables of a procedure's results and of its reference (municipality, region, Russia) as Qt models."""
from __future__ import annotations

from app.core import edits
from app.core import fmt
from app.core import procedures as core
from app.core.domain import REFERENCE_LEVEL_LABELS
from app.core.errors import UserError
from app.ui import undo
from app.ui.qt import QtCore, QtGui, Signal
from app.ui.widgets import forms
from app.ui.widgets.tables import MARK_COLOURS

Qt = QtCore.Qt
DR, ER = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole
COMPUTED = QtGui.QColor("#eef2f6")
CHART_COLOURS = ["#1f4e79", "#7fa7d1", "#e0a040", "#9aa5b1"]


def _date(iso: str | None) -> str:
    return fmt.date(iso)


def _num(value, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",") if digits else str(round(value))


class ResultsModel(QtCore.QAbstractTableModel):
    """One row per student of the grade; task columns; computed primary score and mark."""

    error = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.proc, self.tasks, self.rows, self.cols = ctx, None, [], [], []
        self.busy = False

    def load(self, grid: dict | None) -> None:
        self.beginResetModel()
        self.proc = grid["procedure"] if grid else None
        self.tasks = grid["tasks"] if grid else []
        self.rows = grid["rows"] if grid else []
        self.cols = self._columns() if grid else []
        self.endResetModel()

    def _columns(self) -> list[tuple[str, object, str]]:
        """Who, then the totals (always in view), then the variant and the tasks (scroll right)."""
        cols = [("code", None, "Код"), ("name", None, "Учащийся"), ("class", None, "Класс"),
                ("absent", None, "Отсут-\nствовал"), ("primary", None, "Первичный\nбалл")]
        if self.proc["scale_kind"] == "test" or self.proc["kind"] == "ege":
            cols.append(("test_score", None, "Тестовый\nбалл"))
        if self.proc["scale_kind"] != "test":
            cols.append(("mark", None, "Отметка"))
        cols += [("journal_mark", None, "Отметка по\nжурналу"), ("variant", None, "Вариант")]
        cols += [("task", t, f"{t['number']}\nиз {t['max_score']}") for t in self.tasks]
        return cols

    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.cols)

    def headerData(self, section, orientation, role=DR):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == DR else None
        key, task, text = self.cols[section]
        if role == DR:
            return text
        if role == Qt.ItemDataRole.ToolTipRole and task:
            level = core.TASK_LEVELS.get(task["level"] or "", "")
            return f"Задание {task['number']}, максимум {task['max_score']} б." + (f", уровень {level}" if level else "")
        return None

    def editable(self, col: int) -> bool:
        key = self.cols[col][0]
        if key == "primary":
            return not self.tasks
        if key == "mark":
            return self.proc["scale_kind"] != "marks"
        return key in ("variant", "task", "test_score", "journal_mark")

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.cols[index.column()][0] == "absent":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable(index.column()) else base

    def _value(self, row: dict, key: str, task):
        if key == "task":
            if row["result_id"] is None or task["id"] not in row["scores"]:
                return ""
            score = row["scores"][task["id"]]
            return "X" if score is None else str(score)
        value = {"code": row["code"], "name": row["full_name"] or "—", "class": row["class_label"] or "",
                 "variant": row["variant"], "primary": row["primary_score"], "mark": row["mark"],
                 "test_score": row["test_score"], "journal_mark": row["journal_mark"]}.get(key)
        return "" if value is None else str(value)

    def data(self, index, role=DR):
        if not index.isValid():
            return None
        row, (key, task, _) = self.rows[index.row()], self.cols[index.column()]
        if key == "absent":
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if row["absent"] else Qt.CheckState.Unchecked
            return None
        hint = row["journal_hint"][0] if key == "journal_mark" and row["journal_mark"] is None else None
        if role in (DR, ER):
            if row["absent"] and key in ("primary", "mark", "test_score"):
                return "—" if role == DR else ""
            if hint is not None and role == DR:
                return str(hint)
            return self._value(row, key, task)
        if hint is not None:
            return self._hint_role(role, row["journal_hint"][1])
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("name",):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (row["absent"] or key == "code"):
            return QtGui.QColor("#8a939e")
        if role == Qt.ItemDataRole.BackgroundRole:
            if key in ("mark", "journal_mark") and row[key] in MARK_COLOURS and not row["absent"]:
                return QtGui.QColor(MARK_COLOURS[row[key]])
            if key in ("primary", "mark") and not self.editable(index.column()):
                return COMPUTED
        if role == Qt.ItemDataRole.ToolTipRole and key in ("primary", "mark") and not self.editable(index.column()):
            return "Вычисляется: сумма баллов за задания" if key == "primary" else "Вычисляется по шкале процедуры"
        if role == Qt.ItemDataRole.FontRole and key in ("primary", "mark"):
            font = QtGui.QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def _hint_role(role, label: str):
        """A journal mark taken from the journal (not from the results file): grey italic."""
        if role == Qt.ItemDataRole.ForegroundRole:
            return QtGui.QColor("#6b7785")
        if role == Qt.ItemDataRole.FontRole:
            font = QtGui.QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Из электронного журнала: {label}. В файле результатов отметки по журналу нет."
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def setData(self, index, value, role=ER):
        row, (key, task, _) = self.rows[index.row()], self.cols[index.column()]
        pid, sid = self.proc["id"], row["student_id"]
        if key == "absent" and role == Qt.ItemDataRole.CheckStateRole:
            absent = Qt.CheckState(value) == Qt.CheckState.Checked
            if absent and row["result_id"] and (row["scores"] or row["primary_score"] is not None) and not forms.ask(
                    None, f"Отметить учащегося {row['code']} отсутствовавшим? Его баллы будут удалены "
                          "(это можно отменить)."):
                return False
            return self._write("отметку об отсутствии", sid, lambda db: core.set_absent(db, pid, sid, absent))
        if role != ER or not self.editable(index.column()):
            return False
        if key == "task":
            return self._write(f"ввод балла за задание {task['number']}", sid,
                               lambda db: core.set_task_score(db, pid, sid, task["id"], value))
        if key == "primary":
            return self._write("ввод первичного балла", sid, lambda db: core.set_primary_score(db, pid, sid, value))
        return self._write("изменение: " + self.cols[index.column()][2].replace("\n", " ").lower(), sid,
                           lambda db: core.set_result_field(db, pid, sid, key, value))

    def _write(self, text: str, student_id: int, do) -> bool:
        self.busy = True
        try:
            undo.push(self.ctx, edits.result_change(text, self.proc["id"], student_id, do))
        except UserError as exc:
            self.error.emit(str(exc))
            return False
        finally:
            self.busy = False
        self.reload_rows()
        return True

    def reload_rows(self) -> None:
        """Re-read the rows in place (the set of students does not change with an edit)."""
        grid = core.results_grid(self.ctx.db, self.proc["id"])
        if len(grid["rows"]) != len(self.rows) or len(grid["tasks"]) != len(self.tasks):
            self.load(grid)
            return
        self.rows = grid["rows"]
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.cols) - 1))


class ReferenceModel(QtCore.QAbstractTableModel):
    """The school's own shares beside municipality / region / Russia (editable)."""

    COLS = [("n", "Участников"), ("share_2", "«2», %"), ("share_3", "«3», %"), ("share_4", "«4», %"),
            ("share_5", "«5», %"), ("quality", "«4» и «5», %"), ("mean_percent", "Средний %\nвыполнения"),
            ("mean_test", "Средний\nтестовый балл")]
    error = Signal(str)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx, self.pid, self.rows = ctx, None, []

    def load(self, pid: int | None) -> None:
        self.beginResetModel()
        self.pid, self.rows = pid, []
        if pid is not None:
            own = core.school_distribution(self.ctx.db, pid) | {"level": "school"}
            refs = {r["level"]: r for r in core.list_reference_results(self.ctx.db, pid)}
            self.rows = [own] + [refs.get(level, {"level": level}) for level in core.REFERENCE_LEVELS]
        self.endResetModel()

    def rowCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QtCore.QModelIndex()):
        return 0 if parent.isValid() else len(self.COLS)

    def headerData(self, section, orientation, role=DR):
        if role != DR:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.COLS[section][1]
        level = self.rows[section]["level"]
        return "Школа" if level == "school" else REFERENCE_LEVEL_LABELS[level].capitalize()

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.row() > 0 and self.COLS[index.column()][0] != "quality":
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=DR):
        row, key = self.rows[index.row()], self.COLS[index.column()][0]
        if role in (DR, ER):
            if key == "quality":
                parts = [row.get("share_4"), row.get("share_5")]
                return _num(sum(parts), 1) if None not in parts else ""
            return _num(row.get(key), 0 if key == "n" else 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and (index.row() == 0 or key == "quality"):
            return COMPUTED
        return None

    def setData(self, index, value, role=ER):
        if role != ER or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        row = dict(self.rows[index.row()])
        row[self.COLS[index.column()][0]] = value
        values = {k: row.get(k) for k, _ in self.COLS if k != "quality"}
        try:
            undo.push(self.ctx, edits.procedure_change("изменение данных для сравнения", self.pid,
                                  lambda db: core.set_reference_result(db, self.pid, row["level"], **values),
                                  topics=("procedures",)))
        except UserError as exc:
            self.error.emit(str(exc))
            return False
        self.load(self.pid)
        return True
