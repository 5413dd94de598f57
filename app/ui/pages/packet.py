"""«Пакет»: the packet for the municipality, step by step.

Проверка (warnings, never blockers) → Период (year or quarter) → Куда записать (removable drives
first) → Запись и проверка (in a worker) → Готово («Открыть папку», «Написать письмо»).
The page holds no business rules: app.core.packet does the work.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from app.core import fmt
from app.core import packet as core
from app.core.errors import Cancelled, UserError
from app.ui import prefs
from app.ui.qt import QtCore, QtGui, QtWidgets
from app.ui.style import ACCENT, DANGER, OK, WARNING, page_header
from app.ui.widgets.page import Page

STEPS = ["Проверка", "Период", "Куда записать", "Запись и проверка", "Готово"]
CHECK, PERIOD, DEST, WRITE, DONE = range(5)
DRIVE_REMOVABLE = 2  # GetDriveTypeW
FILE_TITLES = {
    "data.json": "данные пакета для программ", "plan.pdf": "план мероприятий",
    "plan.xlsx": "план мероприятий (таблица)", "execution.pdf": "отчёт об исполнении плана",
    "analysis.pdf": "аналитический отчёт", "analysis.xlsx": "аналитический отчёт (таблицы)",
}


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free: int | None


def _size_text(n: int | None) -> str:
    return fmt.file_size(n)


def _files(n: int) -> str:
    tail = n % 100
    word = ("файлов" if 11 <= tail <= 14 else
            {1: "файл", 2: "файла", 3: "файла", 4: "файла"}.get(n % 10, "файлов"))
    return f"{n} {word}"


def _ru_date(iso: str) -> str:
    return fmt.date(iso)


def _free(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def find_removable(bases: list[Path] | None = None, *, mounted_only: bool = True,
                   mounts: str | Path | None = None, sys_block: str | Path | None = None) -> list[Drive]:
    """Writable removable drives, to be offered first.

    Windows: the volumes whose drive type is DRIVE_REMOVABLE. Linux: the mounts of block devices
    the kernel marks removable (/proc/self/mounts + /sys/block/<dev>/removable), then the folders
    desktop environments mount sticks into (/media/<user>, /run/media/<user>, /media, /mnt).
    `bases`, `mounts` and `sys_block` point elsewhere in tests."""
    if bases is None and mounts is None and sys.platform.startswith("win"):
        return _windows_removable()
    found: list[Drive] = []
    seen: set[str] = set()

    def offer(path: Path, label: str) -> None:
        key = str(path.resolve())
        if key in seen or not os.access(path, os.W_OK):
            return
        seen.add(key)
        found.append(Drive(path, label, _free(path)))

    if bases is None or mounts is not None:
        for point in linux_removable_mounts(mounts or "/proc/self/mounts", sys_block or "/sys/block"):
            offer(point, point.name or str(point))
    if bases is None:
        user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
        bases = [Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt")]
    for base in bases:
        try:
            children = sorted(p for p in base.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            if mounted_only and not os.path.ismount(child):
                continue
            offer(child, child.name)
    return found


def _disk_of(device: str) -> str:
    """/dev/sdb1 → sdb, /dev/mmcblk0p1 → mmcblk0, /dev/nvme0n1p2 → nvme0n1, /dev/sdb → sdb."""
    name = Path(device).name
    if re.fullmatch(r"(mmcblk\d+|nvme\d+n\d+|loop\d+)", name):
        return name
    m = re.fullmatch(r"((?:mmcblk|nvme\d+n|loop)\d+)p\d+", name) or re.fullmatch(r"([a-z]+)\d+", name)
    return m.group(1) if m else name


def linux_removable_mounts(mounts: str | Path, sys_block: str | Path) -> list[Path]:
    """Mount points (read-write) of block devices the kernel calls removable
    (/sys/block/<disk>/removable = 1) or that hang off a USB bus (USB disks often say 0)."""
    try:
        lines = Path(mounts).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) < 4 or not parts[0].startswith("/dev/"):
            continue
        if "ro" in parts[3].split(","):
            continue
        disk = Path(sys_block) / _disk_of(parts[0])
        try:
            removable = (disk / "removable").read_text().strip() == "1"
        except OSError:
            removable = False
        removable = removable or "/usb" in os.path.realpath(disk)
        if removable:
            # /proc/mounts escapes spaces and tabs in mount points as octal (\040, \011)
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), parts[1])
            out.append(Path(point))
    return out


def _windows_removable(volumes=None, drive_type=None) -> list[Drive]:
    """Removable volumes on Windows; `volumes` (QStorageInfo-like) and `drive_type` for tests."""
    if drive_type is None:
        import ctypes  # only on Windows

        drive_type = lambda root: ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))  # noqa: E731
    out = []
    for vol in (QtCore.QStorageInfo.mountedVolumes() if volumes is None else volumes):
        root = vol.rootPath()
        if not vol.isValid() or not vol.isReady() or vol.isReadOnly():
            continue
        if drive_type(root) != DRIVE_REMOVABLE:
            continue
        name = vol.displayName() or root
        out.append(Drive(Path(root), f"{name} ({root.rstrip('/')})", int(vol.bytesAvailable())))
    return out


def mail_url(address: str, packet: Path, *, school: str, period: str, sha256: str) -> QtCore.QUrl:
    """A mailto: link whose subject and body name the file (a mailto link cannot attach it)."""
    subject = f"Пакет «Объектива»: {school}, {period}"
    body = (f"Добрый день!\n\nНаправляем пакет для муниципалитета: {school}, {period}.\n"
            f"Файл: {packet.name} ({_size_text(packet.stat().st_size)}).\n"
            f"Приложите его к письму из папки: {packet.parent}\n"
            f"Контрольная сумма SHA-256 файла: {sha256}\n"
            f"Проверка: python -m app verify-packet {packet.name}\n")
    enc = lambda s: bytes(QtCore.QUrl.toPercentEncoding(s)).decode("ascii")  # noqa: E731
    text = f"mailto:{enc(address.strip())}?subject={enc(subject)}&body={enc(body)}"
    return QtCore.QUrl.fromEncoded(text.encode("ascii"))


class PacketPage(Page):
    title = "Пакет"

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self._dirty = True
        self.open_url = QtGui.QDesktopServices.openUrl   # replaced in tests
        self.result_path: Path | None = None
        self.verify_result = None
        self._build()
        ctx.db_opened.connect(self._on_db_opened)
        ctx.changed.connect(self._on_changed)

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        lay = QtWidgets.QVBoxLayout(self)
        lay.addWidget(page_header(self.title, "Пакет для муниципалитета: план и его исполнение, "
                                  "результаты процедур и анализ. Имён обучающихся в пакете нет."))
        self.step_bar = QtWidgets.QHBoxLayout()
        self.step_labels = []
        for n, name in enumerate(STEPS, 1):
            label = QtWidgets.QLabel(f"{n}. {name}")
            self.step_labels.append(label)
            self.step_bar.addWidget(label)
            if n < len(STEPS):
                self.step_bar.addWidget(QtWidgets.QLabel("→"))
        self.step_bar.addStretch(1)
        lay.addLayout(self.step_bar)
        self.stack = QtWidgets.QStackedWidget()
        for build in (self._build_check, self._build_period, self._build_dest, self._build_write,
                      self._build_done):
            self.stack.addWidget(build())
        lay.addWidget(self.stack, 1)
        nav = QtWidgets.QHBoxLayout()
        nav.addStretch(1)
        self.back_btn = QtWidgets.QPushButton("← Назад")
        self.next_btn = QtWidgets.QPushButton("Далее →")
        self.next_btn.setProperty("primary", True)
        self.back_btn.clicked.connect(self.back)
        self.next_btn.clicked.connect(self.next)
        nav.addWidget(self.back_btn)
        nav.addWidget(self.next_btn)
        lay.addLayout(nav)
        self._go(CHECK)

    def _build_check(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.addWidget(QtWidgets.QLabel("Перед записью стоит посмотреть замечания. Они не мешают "
                                       "сформировать пакет, но муниципалитет их увидит."))
        self.check_list = QtWidgets.QListWidget()
        self.check_list.setWordWrap(True)
        lay.addWidget(self.check_list, 1)
        again = QtWidgets.QPushButton("Проверить снова")
        again.clicked.connect(self.run_check)
        lay.addWidget(again, 0, QtCore.Qt.AlignmentFlag.AlignLeft)
        return box

    def _build_period(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        form = QtWidgets.QGridLayout()
        self.year_radio = QtWidgets.QRadioButton("Учебный год")
        self.quarter_radio = QtWidgets.QRadioButton("Квартал")
        self.year_radio.setChecked(True)
        self.year_combo, self.quarter_combo = QtWidgets.QComboBox(), QtWidgets.QComboBox()
        form.addWidget(self.year_radio, 0, 0)
        form.addWidget(self.year_combo, 0, 1)
        form.addWidget(self.quarter_radio, 1, 0)
        form.addWidget(self.quarter_combo, 1, 1)
        form.setColumnStretch(2, 1)
        lay.addLayout(form)
        self.period_note = QtWidgets.QLabel()
        self.period_note.setWordWrap(True)
        lay.addWidget(self.period_note)
        lay.addStretch(1)
        for w in (self.year_radio, self.quarter_radio):
            w.toggled.connect(self._period_changed)
        for w in (self.year_combo, self.quarter_combo):
            w.currentIndexChanged.connect(self._period_changed)
        return box

    def _build_dest(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        lay.addWidget(QtWidgets.QLabel("Куда записать пакет. Сначала показаны съёмные носители "
                                       "(флешки); можно выбрать и любую папку."))
        self.dest_list = QtWidgets.QListWidget()
        lay.addWidget(self.dest_list, 1)
        row = QtWidgets.QHBoxLayout()
        refresh = QtWidgets.QPushButton("Обновить список")
        refresh.clicked.connect(self.fill_destinations)
        other = QtWidgets.QPushButton("Другая папка…")
        other.clicked.connect(self._choose_folder)
        row.addWidget(refresh)
        row.addWidget(other)
        row.addStretch(1)
        lay.addLayout(row)
        self.evidence_box = QtWidgets.QCheckBox("Приложить подтверждающие документы")
        lay.addWidget(self.evidence_box)
        self.evidence_note = QtWidgets.QLabel()
        self.evidence_note.setWordWrap(True)
        self.evidence_note.setStyleSheet(f"color: {WARNING}")
        lay.addWidget(self.evidence_note)
        return box

    def _build_write(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        self.write_label = QtWidgets.QLabel()
        self.write_label.setWordWrap(True)
        lay.addWidget(self.write_label)
        self.retry_btn = QtWidgets.QPushButton("Записать снова")
        self.retry_btn.clicked.connect(self.start_write)
        lay.addWidget(self.retry_btn, 0, QtCore.Qt.AlignmentFlag.AlignLeft)
        lay.addStretch(1)
        return box

    def _build_done(self) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(box)
        self.done_label = QtWidgets.QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.done_label)
        self.files_list = QtWidgets.QListWidget()
        lay.addWidget(self.files_list, 1)
        mail = QtWidgets.QHBoxLayout()
        mail.addWidget(QtWidgets.QLabel("Адрес муниципалитета:"))
        self.email_edit = QtWidgets.QLineEdit(str(prefs.read(self.ctx.qsettings, prefs.PACKET_EMAIL) or ""))
        self.email_edit.setPlaceholderText("uo@example.ru")
        mail.addWidget(self.email_edit, 1)
        lay.addLayout(mail)
        row = QtWidgets.QHBoxLayout()
        self.open_btn = QtWidgets.QPushButton("Открыть папку")
        self.mail_btn = QtWidgets.QPushButton("Написать письмо")
        self.again_btn = QtWidgets.QPushButton("Сформировать новый пакет")
        self.open_btn.clicked.connect(self.open_folder)
        self.mail_btn.clicked.connect(self.write_mail)
        self.again_btn.clicked.connect(lambda: self._go(CHECK))
        for b in (self.open_btn, self.mail_btn, self.again_btn):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        hint = QtWidgets.QLabel("«Написать письмо» открывает новое письмо в почтовой программе: тема и "
                                "текст уже заполнены, имя файла и его контрольная сумма указаны. "
                                "Приложить файл автоматически почтовая ссылка не может — приложите "
                                "его к письму из папки пакета («Открыть папку»).")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5a6470")
        lay.addWidget(hint)
        return box

    # -- navigation ----------------------------------------------------------------------------
    def _go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        for n, label in enumerate(self.step_labels):
            color = ACCENT if n == step else ("#5a6470" if n < step else "#9aa3ad")
            weight = "600" if n == step else "normal"
            label.setStyleSheet(f"color: {color}; font-weight: {weight}")
        self.back_btn.setEnabled(step in (PERIOD, DEST, WRITE))
        self.next_btn.setVisible(step in (CHECK, PERIOD, DEST))
        self.next_btn.setText("Записать пакет" if step == DEST else "Далее →")
        if step == DEST:
            self.fill_destinations()
        if step == CHECK:
            self.run_check()
        self._update_next()

    def has_periods(self) -> bool:
        return self.ctx.db is not None and bool(core.period_choices(self.ctx.db))

    def _update_next(self) -> None:
        """«Далее →» only when there is something to send: a school year (or quarter) to choose."""
        step = self.current_step()
        ok = True
        if step in (CHECK, PERIOD):
            ok = self.has_periods() and (step != PERIOD or self.period_value() is not None)
        self.next_btn.setEnabled(ok)
        self.next_btn.setToolTip("" if ok else "В базе нет ни одного учебного года: пакет не за что "
                                 "формировать. Загрузите отметки или результаты (Файл → Импорт…) или "
                                 "заполните план на учебный год.")

    def current_step(self) -> int:
        return self.stack.currentIndex()

    def back(self) -> None:
        step = self.current_step()
        self._go(DEST if step == WRITE else max(CHECK, step - 1))

    def next(self) -> None:
        step = self.current_step()
        if not self.next_btn.isEnabled():
            return
        if step == DEST:
            if self.destination() is None:
                QtWidgets.QMessageBox.information(self, "Объектив", "Выберите носитель или папку.")
                return
            self._go(WRITE)
            self.start_write()
        elif step < DEST:
            self._go(step + 1)

    # -- refresh -------------------------------------------------------------------------------
    def _on_db_opened(self) -> None:
        self._dirty = True
        self._go(CHECK) if self.isVisible() else None

    def _on_changed(self, topic: str) -> None:
        if topic in ("plan", "results", "procedures", "marks", "roster", "all", "settings"):
            self._dirty = True
            if self.isVisible() and self.current_step() == CHECK:
                self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._dirty and self.ctx.db is not None and self.current_step() == CHECK:
            self.refresh()

    def refresh(self) -> None:
        self.loaded = True
        self._dirty = False
        self.fill_periods()
        self.run_check()

    # -- step 1: check -------------------------------------------------------------------------
    def run_check(self) -> None:
        self.check_list.clear()
        if self.ctx.db is None:
            self.check_list.addItem("Откройте базу школы, чтобы сформировать пакет.")
            return
        style = self.style()
        from app.core.settings import DEMO_NOTICE, is_demo

        if is_demo(self.ctx.db):
            item = QtWidgets.QListWidgetItem(
                style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning), DEMO_NOTICE)
            item.setForeground(QtGui.QColor(DANGER))
            self.check_list.addItem(item)
        if not self.has_periods():
            item = QtWidgets.QListWidgetItem(
                style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxCritical),
                "В базе нет ни одного учебного года, и пакет формировать не за что. Загрузите отметки "
                "журнала или результаты ВПР, ОГЭ, ЕГЭ (Файл → Импорт…) или заполните план мероприятий "
                "на учебный год, затем вернитесь сюда.")
            item.setForeground(QtGui.QColor(DANGER))
            self.check_list.addItem(item)
            return
        try:
            warnings = core.preflight(self.ctx.db, period=self.period_value())
        except UserError as exc:
            item = QtWidgets.QListWidgetItem(
                style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxCritical), str(exc))
            item.setForeground(QtGui.QColor(DANGER))
            self.check_list.addItem(item)
            return
        icon = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_MessageBoxWarning)
        for text in warnings:
            self.check_list.addItem(QtWidgets.QListWidgetItem(icon, text))
        if not warnings:
            item = QtWidgets.QListWidgetItem(
                style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DialogApplyButton),
                "Замечаний нет: план утверждён, просроченных мероприятий нет, "
                "у процедур есть отметки по журналу для сравнения.")
            item.setForeground(QtGui.QColor(OK))
            self.check_list.addItem(item)

    # -- step 2: period ------------------------------------------------------------------------
    def fill_periods(self) -> None:
        for combo in (self.year_combo, self.quarter_combo):
            combo.blockSignals(True)
            combo.clear()
        if self.ctx.db is not None:
            for value, label in core.period_choices(self.ctx.db):
                combo = self.quarter_combo if "-Q" in value else self.year_combo
                combo.addItem(label, value)
        for combo in (self.year_combo, self.quarter_combo):
            combo.blockSignals(False)
        self.quarter_radio.setEnabled(self.quarter_combo.count() > 0)
        self._period_changed()

    def period_value(self) -> str | None:
        combo = self.quarter_combo if self.quarter_radio.isChecked() else self.year_combo
        return combo.currentData()

    def _period_changed(self, *_args) -> None:
        self.year_combo.setEnabled(self.year_radio.isChecked())
        self.quarter_combo.setEnabled(self.quarter_radio.isChecked())
        if hasattr(self, "next_btn"):
            self._update_next()
        if self.ctx.db is None or self.period_value() is None:
            self.period_note.setText("")
            return
        try:
            per = core.resolve_period(self.ctx.db, self.period_value())
        except UserError as exc:
            self.period_note.setText(str(exc))
            return
        plan_part = ("мероприятия плана со сроками в этом квартале и постоянные мероприятия"
                     if per.kind == "quarter" else "мероприятия плана на этот учебный год")
        self.period_note.setText(
            f"В пакет войдут {plan_part} (с {_ru_date(per.start)} по {_ru_date(per.end)}) с отметками "
            f"об исполнении, а также результаты оценочных процедур и анализ за {per.year} учебный год.")

    # -- step 3: destination -------------------------------------------------------------------
    def fill_destinations(self, *_args, drives: list[Drive] | None = None) -> None:
        self.dest_list.clear()
        style = self.style()
        usb = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DriveFDIcon)
        folder = style.standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DirIcon)
        for d in (find_removable() if drives is None else drives):
            self._add_dest(usb, f"Съёмный носитель {d.label} — свободно {_size_text(d.free)}", d.path)
        last = prefs.read(self.ctx.qsettings, prefs.PACKET_DIR)
        if last and Path(str(last)).is_dir():
            self._add_dest(folder, f"Последняя папка: {last}", Path(str(last)))
        docs = QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.DocumentsLocation)
        if docs and Path(docs).is_dir() and str(Path(docs)) != str(last):
            self._add_dest(folder, f"Документы: {docs}", Path(docs))
        if self.dest_list.count():
            self.dest_list.setCurrentRow(0)
        self._evidence_info()

    def _add_dest(self, icon, text: str, path: Path, row: int | None = None) -> None:
        item = QtWidgets.QListWidgetItem(icon, text)
        item.setData(QtCore.Qt.ItemDataRole.UserRole, str(path))
        if row is None:
            self.dest_list.addItem(item)
        else:
            self.dest_list.insertItem(row, item)
        self.dest_list.setCurrentItem(item)

    def add_destination(self, path: str | Path) -> None:
        """Offer (and select) a folder chosen by the user."""
        icon = self.style().standardIcon(QtWidgets.QStyle.StandardPixmap.SP_DirIcon)
        self._add_dest(icon, f"Папка: {path}", Path(path), row=0)

    def _choose_folder(self) -> None:
        start = str(self.destination() or Path.home())
        path = QtWidgets.QFileDialog.getExistingDirectory(self, "Папка для пакета", start)
        if path:
            self.add_destination(path)

    def destination(self) -> Path | None:
        item = self.dest_list.currentItem()
        return Path(item.data(QtCore.Qt.ItemDataRole.UserRole)) if item is not None else None

    def _evidence_info(self) -> None:
        n, size = (0, 0)
        if self.ctx.db is not None:
            try:
                n, size = core.evidence_totals(self.ctx.db, self.period_value())
            except UserError:
                pass
        self.evidence_box.setEnabled(n > 0)
        self.evidence_box.setText(f"Приложить подтверждающие документы ({_files(n)}, {_size_text(size)})"
                                  if n else "Приложить подтверждающие документы (к плану их не прикреплено)")
        self.evidence_note.setText("Документы прикладываются как есть: проверьте, что в них нет "
                                   "имён обучающихся." if n else "")

    # -- step 4: write and verify --------------------------------------------------------------
    def start_write(self) -> None:
        dest, period = self.destination(), self.period_value()
        with_evidence = self.evidence_box.isEnabled() and self.evidence_box.isChecked()
        prefs.write(self.ctx.qsettings, prefs.PACKET_DIR, str(dest))
        self.retry_btn.hide()
        self.write_label.setStyleSheet("")
        self.write_label.setText(f"Пакет записывается в «{dest}» и затем проверяется чтением обратно…")

        def work(db, progress, cancel):
            path = core.write_packet(db, dest, period=period, include_evidence=with_evidence,
                                     progress=progress, cancel=cancel)
            return path, core.verify_packet(path)

        self.ctx.run_task(work, title="Запись и проверка пакета…", on_done=self._written,
                          on_error=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            text = "Запись отменена. Файл пакета не создан."
        elif isinstance(exc, UserError):
            text = str(exc)
        else:
            from app.core import logs

            logs.record(exc, "packet")
            text = logs.unexpected_text(exc, "Непредвиденная ошибка; пакет не записан.")
        self.write_label.setStyleSheet(f"color: {DANGER}")
        self.write_label.setText(text)
        self.retry_btn.show()
        self._go(WRITE)

    def _written(self, outcome) -> None:
        path, res = outcome
        self.result_path, self.verify_result = path, res
        if not res.ok:
            self._failed(UserError("Пакет записан, но не прошёл проверку: " + "; ".join(res.problems)))
            return
        files = res.manifest["files"]
        self.done_label.setStyleSheet(f"color: {OK}; font-weight: 600")
        self.done_label.setText(
            f"Пакет записан и проверен: {path}\nРазмер {_size_text(path.stat().st_size)}; файлов "
            f"в описи: {len(files)}; все контрольные суммы совпадают. Период: {res.manifest['period']['label']}.")
        self.files_list.clear()
        for f in files:
            what = FILE_TITLES.get(f["path"], "подтверждающий документ")
            self.files_list.addItem(f"{f['path']} — {what}; {_size_text(f['size'])}; "
                                    f"SHA-256 {f['sha256'][:16]}…")
        self._go(DONE)

    # -- step 5: done --------------------------------------------------------------------------
    def open_folder(self) -> None:
        if self.result_path is not None:
            self.open_url(QtCore.QUrl.fromLocalFile(str(self.result_path.parent)))

    def mail_link(self) -> QtCore.QUrl | None:
        if self.result_path is None or self.verify_result is None:
            return None
        manifest = self.verify_result.manifest
        from app.core.fsutil import sha256_file

        return mail_url(self.email_edit.text(), self.result_path,
                        school=manifest["school"]["name"] or manifest["school"]["code"],
                        period=manifest["period"]["label"], sha256=sha256_file(self.result_path))

    def write_mail(self) -> None:
        url = self.mail_link()
        if url is not None:
            prefs.write(self.ctx.qsettings, prefs.PACKET_EMAIL, self.email_edit.text().strip())
            self.open_url(url)
