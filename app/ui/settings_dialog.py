"""«Настройки»: thresholds of the flags (stored in the school file) and how pupils are shown."""
from __future__ import annotations

from dataclasses import fields

from app.core.analysis import thresholds as th
from app.core.errors import UserError

from .qt import QtCore, QtGui, QtWidgets
from .widgets.forms import dialog_buttons

_RU = QtCore.QLocale(QtCore.QLocale.Language.Russian, QtCore.QLocale.Country.Russia)

GROUPS = [
    ("Общие", ("min_n",)),
    ("Сравнение с отметками по журналу", ("journal_inflation_pct", "journal_inflation_risk_pct",
                                          "external_inflation_pct", "external_inflation_risk_pct",
                                          "index_attention_pct", "index_risk_pct")),
    ("Скопление баллов у границ отметок", ("bunching_min_total", "bunching_p", "bunching_risk_p")),
    ("Высокие результаты относительно эталона", ("high_results_pp", "high_results_risk_pp")),
    ("Те же учащиеся год спустя", ("cohort_drop_pp", "cohort_drop_mean_pp", "cohort_drop_risk_pp")),
    ("ГИА и медалисты (приказ № 730 от 29.09.2023)", (
        "oge_gap", "medal1_russian", "medal1_other", "medal2_russian", "medal2_other", "medal_base_math_mark",
        "medal2_base_math")),
    ("Перепроверки", ("recheck_unchanged_pct", "recheck_risk_pct", "recheck_min")),
    ("Профиль выполнения заданий", ("task_basic_below_pp", "task_advanced_above_pp", "task_risk_pp")),
]
_LABELS = {name: (label, unit) for name, label, unit in th.DESCRIPTIONS}


def _editor(name: str, value) -> QtWidgets.QWidget:
    unit = _LABELS[name][1]
    if isinstance(value, bool):
        box = QtWidgets.QCheckBox()
        box.setChecked(value)
        return box
    if isinstance(value, int):
        box = QtWidgets.QSpinBox()
        low, high = (2, 5) if name == "medal_base_math_mark" else (0, 100 if unit == "балл" else 500)
        box.setRange(low, high)
        box.setValue(value)
    elif name in ("bunching_p", "bunching_risk_p"):
        box = QtWidgets.QDoubleSpinBox()
        box.setDecimals(4)
        box.setRange(0.0001, 0.5)
        box.setSingleStep(0.001)
        box.setValue(value)
    else:
        box = QtWidgets.QDoubleSpinBox()
        box.setDecimals(1)
        box.setRange(0, 100)
        box.setValue(value)
    if unit:
        box.setSuffix(" б." if unit == "балл" else f" {unit}")   # «70 б.», not «70 балл»
    box.setLocale(_RU)                     # «30,0 %», a decimal comma whatever the system language
    box.setMinimumWidth(110)
    return box


def _value(widget: QtWidgets.QWidget):
    if isinstance(widget, QtWidgets.QCheckBox):
        return widget.isChecked()
    return widget.value()


class SettingsDialog(QtWidgets.QDialog):
    """Thresholds are saved in the school's DB; every report prints them."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Настройки")
        self.editors: dict[str, QtWidgets.QWidget] = {}
        current = th.load_thresholds(ctx.db)
        lay = QtWidgets.QVBoxLayout(self)
        intro = QtWidgets.QLabel("Пороги признаков необъективности. Они хранятся в файле школы, "
                                 "применяются при каждом анализе и печатаются в отчётах. Как считается "
                                 "каждый показатель, описано в справке: «Показатели и признаки необъективности».")
        intro.setWordWrap(True)
        intro.setObjectName("pageSubtitle")
        lay.addWidget(intro)
        lay.addWidget(self._display_box())
        scroll = QtWidgets.QScrollArea()
        scroll.setWidgetResizable(True)
        body = QtWidgets.QWidget()
        body_lay = QtWidgets.QVBoxLayout(body)
        for title, names in GROUPS:
            box = QtWidgets.QGroupBox(title)
            form = QtWidgets.QFormLayout(box)
            for name in names:
                editor = _editor(name, getattr(current, name))
                self.editors[name] = editor
                label = QtWidgets.QLabel(_LABELS[name][0])
                label.setWordWrap(True)
                label.setMinimumWidth(420)        # two lines at most: wrapped labels are never clipped
                form.addRow(label, editor)
            body_lay.addWidget(box)
        body_lay.addWidget(self._schedule_box())
        body_lay.addStretch(1)
        scroll.setWidget(body)
        lay.addWidget(scroll, 1)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        lay.addWidget(self.error)
        lay.addWidget(self._buttons())
        # no larger than the screen: a school netbook has 1024×600 (less the title bar and panel)
        screen = (parent.screen() if parent is not None else None) or QtGui.QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 820, 660)
        self.resize(min(820, room.width() - 24), min(660, room.height() - 48))

    def _schedule_box(self) -> QtWidgets.QGroupBox:
        """Rules of the schedule of assessment procedures (page «График ОП»)."""
        from app.core import schedule as sch
        from app.core.schedule_rules import THRESHOLD_DESCRIPTIONS

        current = sch.load_thresholds(self.ctx.db)
        box = QtWidgets.QGroupBox("График оценочных процедур (письмо Минпросвещения и Рособрнадзора от 06.08.2021)")
        form = QtWidgets.QFormLayout(box)
        self.schedule_editors: dict[str, QtWidgets.QWidget] = {}
        for name, text, unit in THRESHOLD_DESCRIPTIONS:
            value = getattr(current, name)
            if isinstance(value, bool):
                editor = QtWidgets.QCheckBox()
                editor.setChecked(value)
            elif isinstance(value, int):
                editor = QtWidgets.QSpinBox()
                editor.setRange(1, 60)
                editor.setValue(value)
            else:
                editor = QtWidgets.QDoubleSpinBox()
                editor.setDecimals(1)
                editor.setRange(0.5, 100)
                editor.setValue(value)
                editor.setLocale(_RU)
            if unit and not isinstance(editor, QtWidgets.QCheckBox):
                editor.setSuffix(f" {unit}")
            self.schedule_editors[name] = editor
            label = QtWidgets.QLabel(text)
            label.setWordWrap(True)
            label.setMinimumWidth(420)
            form.addRow(label, editor)
        return box

    def _display_box(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Учащиеся в списках «Анализа»")
        row = QtWidgets.QHBoxLayout(box)
        self.by_codes = QtWidgets.QRadioButton("по кодам участников")
        self.by_names = QtWidgets.QRadioButton("по фамилии и имени (только на этом компьютере)")
        (self.by_names if th.load_student_display(self.ctx.db) == "names" else self.by_codes).setChecked(True)
        row.addWidget(self.by_codes)
        row.addWidget(self.by_names)
        row.addStretch(1)
        return box

    def _buttons(self) -> QtWidgets.QDialogButtonBox:
        return dialog_buttons(self, restore_defaults=self.restore_defaults)

    def restore_defaults(self) -> None:
        from app.core.schedule_rules import ScheduleThresholds

        for name, editor in self.schedule_editors.items():
            value = getattr(ScheduleThresholds(), name)
            editor.setChecked(value) if isinstance(editor, QtWidgets.QCheckBox) else editor.setValue(value)
        for f in fields(th.Thresholds):
            editor, value = self.editors[f.name], getattr(th.DEFAULTS, f.name)
            if isinstance(editor, QtWidgets.QCheckBox):
                editor.setChecked(value)
            else:
                editor.setValue(value)

    def values(self) -> dict:
        return {name: _value(w) for name, w in self.editors.items()}

    def accept(self) -> None:
        try:
            th.save_thresholds(self.ctx.db, self.values())
            th.save_student_display(self.ctx.db, "names" if self.by_names.isChecked() else "codes")
            from app.core import schedule as sch

            sch.save_thresholds(self.ctx.db, {n: _value(w) for n, w in self.schedule_editors.items()})
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.ctx.notify("settings")
        super().accept()
