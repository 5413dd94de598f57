"""«Пакет»: check → period → destination → write and verify → open folder / write an e-mail."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from app.ui.pages.packet import CHECK, DEST, DONE, PERIOD, WRITE, Drive, PacketPage, find_removable, mail_url
from app.ui.qt import QtCore
from tests.core.test_packet import build_small_school


@pytest.fixture(scope="module")
def small_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("small-ui") / "small.db"
    build_small_school(path).close()
    return path


@pytest.fixture
def page(ctx, qtbot, small_template, tmp_path):
    db = tmp_path / "school.db"
    shutil.copyfile(small_template, db)
    ctx.open_db(db)
    p = PacketPage(ctx)
    qtbot.addWidget(p)
    p.opened = []
    p.open_url = p.opened.append
    p.resize(900, 600)
    p.show()
    p.refresh()
    return p


def _to_destination(page, folder: Path) -> None:
    page.next()
    assert page.current_step() == PERIOD
    page.next()
    assert page.current_step() == DEST
    page.add_destination(folder)


def test_check_lists_warnings_without_blocking(page):
    texts = [page.check_list.item(i).text() for i in range(page.check_list.count())]
    assert any("не отмечен как утверждённый" in t for t in texts)
    assert any("Просрочено мероприятий плана: 1" in t for t in texts)
    assert page.next_btn.isEnabled() and page.current_step() == CHECK


def test_whole_wizard_writes_verifies_and_offers_folder_and_mail(page, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    _to_destination(page, usb)
    page.email_edit.setText("uo@example.ru")
    page.next()                                            # «Записать пакет», runs inline in tests
    assert page.current_step() == DONE, page.write_label.text()
    assert page.result_path.parent == usb and page.verify_result.ok
    assert "все контрольные суммы совпадают" in page.done_label.text()
    assert page.files_list.count() == len(page.verify_result.manifest["files"]) >= 6
    page.open_folder()
    assert page.opened[-1] == QtCore.QUrl.fromLocalFile(str(usb))
    page.write_mail()
    url = page.opened[-1]
    assert url.scheme() == "mailto" and url.path() == "uo@example.ru"
    text = unquote(bytes(url.toEncoded()).decode("ascii"))
    assert page.result_path.name in text and "Пакет «Объектива»" in text
    assert page.ctx.qsettings.value("packet/email") == "uo@example.ru"


def test_quarter_period_goes_into_the_manifest(page, tmp_path):
    page.next()
    page.quarter_radio.setChecked(True)
    page.quarter_combo.setCurrentIndex(page.quarter_combo.findData("2025-Q1"))
    assert page.period_value() == "2025-Q1"
    assert "01.01.2025" in page.period_note.text()
    page.next()
    page.add_destination(tmp_path)
    page.next()
    assert page.current_step() == DONE
    period = page.verify_result.manifest["period"]
    assert (period["kind"], period["start"], period["end"]) == ("quarter", "2025-01-01", "2025-03-31")


def test_evidence_is_included_only_when_asked(page, tmp_path):
    _to_destination(page, tmp_path)
    assert page.evidence_box.isEnabled() and "1 файл" in page.evidence_box.text()
    page.evidence_box.setChecked(True)
    page.next()
    with zipfile.ZipFile(page.result_path) as zf:
        assert any(n.startswith("evidence/") for n in zf.namelist())


def test_a_failed_write_says_why_and_allows_retry(page, tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    _to_destination(page, not_a_folder)
    page.next()
    assert page.current_step() == WRITE
    assert "Не удалось записать пакет" in page.write_label.text() or "Нет права" in page.write_label.text()
    assert page.retry_btn.isVisibleTo(page) and page.back_btn.isEnabled()
    page.back()
    assert page.current_step() == DEST


def test_removable_drives_come_first(page, tmp_path):
    stick = tmp_path / "media" / "user" / "KINGSTON"
    stick.mkdir(parents=True)
    drives = find_removable([tmp_path / "media" / "user"], mounted_only=False)
    assert drives == [Drive(stick, "KINGSTON", drives[0].free)]
    assert find_removable([tmp_path / "media" / "user"]) == []          # not a mount point
    page.next()
    page.next()
    page.fill_destinations(drives=drives)
    assert page.dest_list.item(0).text().startswith("Съёмный носитель KINGSTON")
    assert page.destination() == stick


def test_mail_url_names_the_file_and_its_checksum(tmp_path):
    f = tmp_path / "objektiv_1_2025-01-01.zip"
    f.write_bytes(b"x" * 2048)
    url = mail_url("", f, school="Школа № 7", period="2024/2025 учебный год", sha256="ab" * 32)
    text = unquote(bytes(url.toEncoded()).decode("ascii"))
    assert text.startswith("mailto:?subject=") and f.name in text and "ab" * 32 in text
    assert str(tmp_path) in text


def test_no_school_open(ctx, qtbot):
    p = PacketPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert "Откройте базу школы" in p.check_list.item(0).text()


def test_demo_school_check_and_periods(ctx, qtbot, demo_db_path):
    ctx.open_db(demo_db_path)
    p = PacketPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert p.check_list.count() >= 1
    years = [p.year_combo.itemData(i) for i in range(p.year_combo.count())]
    assert years == sorted(years, reverse=True) and len(years) == 3
    assert p.quarter_combo.count() >= 8


def _sys_disk(sys_block: Path, name: str, removable: str) -> None:
    (sys_block / name).mkdir(parents=True)
    (sys_block / name / "removable").write_text(removable + "\n")


def test_linux_removable_mounts_from_proc_and_sys(tmp_path):
    """Sticks mounted anywhere are found by the kernel's removable flag, system disks are not;
    read-only mounts are skipped and «\\040» in a mount point is a space."""
    sys_block = tmp_path / "sys" / "block"
    _sys_disk(sys_block, "sda", "0")
    _sys_disk(sys_block, "sdb", "1")
    _sys_disk(sys_block, "mmcblk0", "1")
    _sys_disk(sys_block, "sdc", "1")
    stick = tmp_path / "run" / "media" / "zam" / "ФЛЕШКА 16"
    card = tmp_path / "card"
    ro = tmp_path / "cdrom"
    for folder in (stick, card, ro):
        folder.mkdir(parents=True)
    escaped = str(stick).replace(" ", "\\040")
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda2 / ext4 rw,relatime 0 0\n"
        "proc /proc proc rw 0 0\n"
        f"/dev/sdb1 {escaped} vfat rw,nosuid,nodev,uid=1000 0 0\n"
        f"/dev/mmcblk0p1 {card} exfat rw 0 0\n"
        f"/dev/sdc {ro} iso9660 ro,nosuid 0 0\n", encoding="utf-8")
    drives = find_removable([], mounts=mounts, sys_block=sys_block)
    assert [d.path for d in drives] == [stick, card]
    assert drives[0].label == "ФЛЕШКА 16" and drives[0].free and drives[0].free > 0


class _Volume:
    """What the Windows branch reads from QStorageInfo, for a machine without Windows."""

    def __init__(self, root, name, *, ready=True, read_only=False, free=8 << 30):
        self.root, self.name, self.ready, self.read_only, self.free = root, name, ready, read_only, free

    def rootPath(self):  # noqa: N802 - QStorageInfo API
        return self.root

    def displayName(self):  # noqa: N802
        return self.name

    def isValid(self):  # noqa: N802
        return True

    def isReady(self):  # noqa: N802
        return self.ready

    def isReadOnly(self):  # noqa: N802
        return self.read_only

    def bytesAvailable(self):  # noqa: N802
        return self.free


def test_windows_removable_drives_by_drive_type():
    from app.ui.pages.packet import _windows_removable

    types = {"C:/": 3, "E:/": 2, "F:/": 2, "G:/": 2, "Z:/": 4}      # fixed, removable…, network
    vols = [_Volume("C:/", "Windows"), _Volume("E:/", "KINGSTON"), _Volume("F:/", "", ready=False),
            _Volume("G:/", "ЗАЩИЩЁН", read_only=True), _Volume("Z:/", "Сеть")]
    drives = _windows_removable(vols, types.get)
    assert drives == [Drive(Path("E:/"), "KINGSTON (E:)", 8 << 30)]


def test_empty_school_cannot_go_on_without_a_school_year(ctx, qtbot, empty_db_path):
    ctx.open_db(empty_db_path)
    p = PacketPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert not p.next_btn.isEnabled()
    texts = [p.check_list.item(i).text() for i in range(p.check_list.count())]
    assert any("нет ни одного учебного года" in t and "Импорт" in t for t in texts)
    p.next()
    assert p.current_step() == 0


def test_demo_school_packet_check_says_it_is_a_demo(ctx, qtbot, demo_db_path):
    ctx.open_db(demo_db_path)
    p = PacketPage(ctx)
    qtbot.addWidget(p)
    p.refresh()
    assert "Демонстрационная школа" in p.check_list.item(0).text()
    assert p.next_btn.isEnabled()
