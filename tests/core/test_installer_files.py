"""The installer definitions, the icons and the Linux package scripts, checked without building anything."""
from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"
ICONS = ROOT / "resources" / "icons"
ICO_SIZES = {16, 24, 32, 48, 64, 128, 256}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"installer_{name}", INSTALLER / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


# --- PyInstaller spec ---------------------------------------------------------------------------

def _spec_source() -> str:
    return (INSTALLER / "objektiv.spec").read_text(encoding="utf-8")


def test_spec_is_python_and_bundles_the_app():
    source = _spec_source()
    tree = ast.parse(source)
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= calls  # one-folder: EXE + COLLECT, no onefile
    assert '"main.py"' in source and '"resources"' in source and '"objektiv.ico"' in source
    assert 'collect_data_files("app")' in source  # schema SQL and other package data
    assert 'collect_submodules("app")' in source
    for unused in ("QtWebEngineCore", "Qt3DCore", "QtMultimedia", "QtQuick", "tkinter"):
        assert unused in source
    assert "PySide6.QtOpenGL" in source  # pyqtgraph imports it by computed name at import time


def _spec_namespace() -> dict:
    """Run the spec's constants and helper functions (not the PyInstaller calls) in a namespace."""
    from app.core import fonts

    tree = ast.parse(_spec_source())
    constants = {"FREE_FONTS", "UNUSED_PLUGINS"}
    keep = [n for n in tree.body if isinstance(n, ast.FunctionDef)
            or (isinstance(n, ast.Assign) and {getattr(t, "id", None) for t in n.targets} & constants)]
    ns = {"fonts": fonts, "sys": sys, "os": os, "Path": Path, "IS_WIN": False, "ROOT": ROOT}
    exec(compile(ast.Module(body=keep, type_ignores=[]), "objektiv.spec", "exec"), ns)  # noqa: S102
    return ns


def test_spec_bundles_a_free_cyrillic_font():
    ns = _spec_namespace()
    datas = ns["bundled_fonts"]()
    assert datas and all(dest == "fonts" for _, dest in datas)
    names = {Path(src).name.lower() for src, _ in datas}
    assert not names & {"times.ttf", "timesbd.ttf", "arial.ttf", "arialbd.ttf"}  # not redistributable
    assert all(Path(src).is_file() and Path(src).suffix.lower() in {".ttf", ".ttc"} for src, _ in datas)


def test_spec_filters_plugins_and_translations():
    ns = _spec_namespace()
    assert ns["is_unused_plugin"](("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "x", "BINARY"))
    assert not ns["is_unused_plugin"](("PySide6/Qt/plugins/platforms/libqxcb.so", "x", "BINARY"))
    assert not ns["is_unused_plugin"](("PySide6/Qt/plugins/platforms/qwindows.dll", "x", "BINARY"))
    assert ns["keep_data"](("PySide6/Qt/translations/qtbase_ru.qm", "x", "DATA"))
    assert not ns["keep_data"](("PySide6/Qt/translations/qtbase_de.qm", "x", "DATA"))
    assert ns["keep_data"](("resources/icons/objektiv.png", "x", "DATA"))


# --- Inno Setup script --------------------------------------------------------------------------

def _iss() -> tuple[bytes, str]:
    raw = (INSTALLER / "objektiv.iss").read_bytes()
    return raw, raw.decode("utf-8-sig")


def _iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].lower()
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def test_iss_per_user_russian_with_shortcuts_and_uninstaller():
    raw, text = _iss()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: the Cyrillic reads right in every Inno Setup 6
    s = _iss_sections(text)
    setup = dict(line.split("=", 1) for line in s["setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # never offers an admin install
    assert setup["DefaultDirName"].startswith("{autopf}")  # %LOCALAPPDATA%\Programs when per user
    assert setup["Uninstallable"] == "yes" and "{app}" in setup["UninstallDisplayIcon"]
    assert setup["AppId"].startswith("{{") and len(setup["AppId"]) == 39  # {{ + GUID + }
    assert (INSTALLER / setup["SetupIconFile"].replace("\\", "/")).is_file()
    assert any("Russian.isl" in line for line in s["languages"]) and len(s["languages"]) == 1
    icons = "\n".join(s["icons"])
    assert "{autoprograms}" in icons and "{autodesktop}" in icons and "objektiv.exe" in text
    assert any("recursesubdirs" in line and "{#BundleDir}" in line for line in s["files"])
    assert "objektiv" not in "\n".join(s.get("uninstalldelete", [])).lower().replace("{app}", "")


def test_iss_default_version_matches_pyproject():
    _, text = _iss()
    defaults = [line for line in text.splitlines() if line.strip().startswith("#define AppVersion")]
    assert defaults == [f'  #define AppVersion "{_pyproject_version()}"']


def test_versions_agree():
    from app import __version__

    assert __version__ == _pyproject_version()


# --- Icons --------------------------------------------------------------------------------------

def test_svg_icon_is_square_svg():
    root = ET.parse(ICONS / "objektiv.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"


def _png_size(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def test_png_icon_is_256_rgba():
    assert _png_size((ICONS / "objektiv.png").read_bytes()) == (256, 256, 6)


def _ico_entries(data: bytes) -> dict[int, bytes]:
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    entries = {}
    for i in range(count):
        w, h, _c, _r, planes, bpp, size, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i: 22 + 16 * i])
        assert w == h and planes == 1 and bpp == 32 and offset + size <= len(data)
        entries[w or 256] = data[offset: offset + size]
    return entries


def test_ico_has_all_sizes_with_real_pixels():
    entries = _ico_entries((ICONS / "objektiv.ico").read_bytes())
    assert set(entries) == ICO_SIZES
    assert _png_size(entries[256])[:2] == (256, 256)
    for size in ICO_SIZES - {256}:
        header = struct.unpack("<IiiHH", entries[size][:16])
        assert header == (40, size, 2 * size, 1, 32)
        pixels = entries[size][40: 40 + size * size * 4]
        centre = ((size // 2) * size + size // 2) * 4
        assert pixels[centre + 3] == 255  # the icon is opaque in the middle
        assert pixels[3] == 0  # and transparent in the rounded corner


def test_ico_writer_round_trip():
    make_icons = _load("make_icons")
    rows = [bytes([0, 0, 255, 255]) * 2, bytes([0, 0, 0, 0]) * 2]  # red row, transparent row
    dib = make_icons.dib_bytes(2, rows)
    data = make_icons.ico_bytes([(2, dib), (256, b"\x89PNG fake")])
    entries = _ico_entries(data)
    assert entries[256] == b"\x89PNG fake"
    assert entries[2][40:44] == bytes([0, 0, 0, 0])  # bottom-up: the transparent row comes first
    assert entries[2][56] == 0b11000000  # AND mask marks both transparent pixels


# --- Resource paths from source and from the bundle ---------------------------------------------

def test_resource_path_from_source_and_frozen(monkeypatch, tmp_path):
    from app.core.paths import resource_path

    assert resource_path("icons", "objektiv.png") == ICONS / "objektiv.png"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("icons", "objektiv.svg") == tmp_path / "resources" / "icons" / "objektiv.svg"
    with pytest.raises(ValueError):
        resource_path("..", "secret")


def test_frozen_program_finds_the_font_in_its_own_folder(monkeypatch, tmp_path):
    """In the bundle, app.core.fonts looks in sys._MEIPASS/fonts first, where the spec puts the font."""
    from app.core import fonts

    ns = _spec_namespace()
    bundled = ns["bundled_fonts"]()
    meipass = tmp_path / "_internal"
    (meipass / "fonts").mkdir(parents=True)
    for src, _dest in bundled:
        shutil.copy2(src, meipass / "fonts" / Path(src).name)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(meipass), raising=False)
    monkeypatch.delenv("OBJEKTIV_FONT_DIR", raising=False)
    fonts.find_cyrillic_font.cache_clear()
    try:
        pair = fonts.find_cyrillic_font()
    finally:
        fonts.find_cyrillic_font.cache_clear()
    assert fonts._font_dirs()[0] == meipass / "fonts"  # noqa: SLF001
    assert pair.regular.parent == meipass / "fonts" and pair.bold.parent == meipass / "fonts"


# --- The school's data: in the user's data folder, never beside the program --------------------

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders")
def test_default_db_path_is_in_user_data_folder(monkeypatch, tmp_path):
    from app.core.paths import bundle_dir
    from app.core.store import default_db_path

    data_home = tmp_path / "data home"
    monkeypatch.setenv("XDG_DATA_HOME", str(data_home))
    assert default_db_path() == data_home / "objektiv" / "school.db"
    # The same from the installed bundle: the program folder is not where the data goes.
    bundle = tmp_path / "opt" / "objektiv" / "_internal"
    bundle.mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert bundle_dir() == bundle
    assert default_db_path() == data_home / "objektiv" / "school.db"
    assert not default_db_path().is_relative_to(bundle.parent)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders")
def test_cli_without_db_writes_only_to_the_data_folder(tmp_path):
    """`init` without --db, run from another folder: the file appears in XDG_DATA_HOME and nowhere else."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    program_dirs = (ROOT, ROOT / "app", ROOT / "app" / "core", ROOT / "resources")

    def dbs_beside_program() -> set[Path]:
        return {p for d in program_dirs for p in d.glob("*.db")}

    before = dbs_beside_program()
    proc = subprocess.run([sys.executable, "-m", "app", "init", "--school", "МБОУ «Школа № 1»"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (home / "data" / "objektiv" / "school.db").is_file()
    assert list(cwd.iterdir()) == []
    assert dbs_beside_program() <= before  # nothing beside the program


# --- Linux package --------------------------------------------------------------------------------

def _desktop_entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_desktop_file():
    entry = _desktop_entry(INSTALLER / "linux" / "objektiv.desktop")
    assert entry["Type"] == "Application" and entry["Name"] == "Объектив"
    assert entry["Icon"] == "objektiv" and entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"]


@pytest.fixture
def fake_package(tmp_path) -> Path:
    """An unpacked archive whose 'program' is a tiny script: enough to test the scripts for real."""
    pkg = tmp_path / "pkg"
    (pkg / "objektiv" / "_internal").mkdir(parents=True)
    exe = pkg / "objektiv" / "objektiv"
    exe.write_text("#!/bin/sh\necho 'Объектив 0.0'\n", encoding="utf-8")
    exe.chmod(0o755)
    for name in ("objektiv.desktop", "install-user.sh", "uninstall-user.sh"):
        shutil.copy2(INSTALLER / "linux" / name, pkg / name)
    for name in ("objektiv.png", "objektiv.svg"):
        shutil.copy2(ICONS / name, pkg / name)
    return pkg


def _sh(script: Path, home: Path) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    return subprocess.run(["sh", str(script)], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX shell scripts")
def test_install_and_uninstall_per_user(fake_package, tmp_path):
    home = tmp_path / "home with space"
    data = home / ".local/share/objektiv"
    data.mkdir(parents=True)
    (data / "school.db").write_bytes(b"school")
    for _ in range(2):  # installing over an existing install replaces it
        proc = _sh(fake_package / "install-user.sh", home)
        assert proc.returncode == 0, proc.stderr
    program = home / ".local/opt/objektiv"
    assert (program / "objektiv").is_file() and (program / "uninstall-user.sh").is_file()
    assert not list(program.parent.glob("objektiv.*"))  # no .new/.old leftovers
    entry = _desktop_entry(home / ".local/share/applications/objektiv.desktop")
    assert entry["Exec"] == f'"{program / "objektiv"}"'
    assert (home / ".local/share/icons/hicolor/256x256/apps/objektiv.png").is_file()
    link = home / ".local/bin/objektiv"
    assert subprocess.run([str(link)], capture_output=True, text=True).stdout.strip() == "Объектив 0.0"

    proc = _sh(program / "uninstall-user.sh", home)
    assert proc.returncode == 0, proc.stderr
    assert not program.exists() and not os.path.lexists(link)
    assert not (home / ".local/share/applications/objektiv.desktop").exists()
    assert (data / "school.db").read_bytes() == b"school"  # the school's data stays


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX shell scripts")
def test_install_refuses_older_glibc(fake_package, tmp_path):
    (fake_package / "glibc-required.txt").write_text("99.0\n")
    proc = _sh(fake_package / "install-user.sh", tmp_path / "home")
    assert proc.returncode == 1 and "glibc" in proc.stderr
    assert not (tmp_path / "home/.local/opt/objektiv").exists()


def test_tarball_layout_and_modes(fake_package, tmp_path):
    build = _load("build")
    target = build.make_tarball(fake_package / "objektiv", tmp_path, "9.9.9", "2.31")
    assert target.name.startswith("objektiv-9.9.9-linux-") and target.name.endswith(".tar.gz")
    with tarfile.open(target) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if "/" in m.name}
        readme = tar.extractfile(next(m for n, m in members.items() if n == "README.txt")).read().decode()
        glibc = tar.extractfile(members["glibc-required.txt"]).read().decode()
    for name in ("objektiv/objektiv", "objektiv.desktop", "objektiv.png", "objektiv.svg",
                 "install-user.sh", "uninstall-user.sh"):
        assert name in members
    assert members["objektiv/objektiv"].mode == 0o755 and members["install-user.sh"].mode == 0o755
    assert members["objektiv.png"].mode == 0o644 and members["objektiv/objektiv"].uid == 0
    assert "2.31" in readme and "{glibc}" not in readme and glibc.strip() == "2.31"


def test_required_glibc_reads_elf_symbol_versions(tmp_path):
    build = _load("build")
    (tmp_path / "a.so").write_bytes(b"\x7fELF" + b"\0GLIBC_2.17\0GLIBC_2.34\0")
    (tmp_path / "b.so").write_bytes(b"\x7fELF" + b"\0GLIBC_2.4\0GLIBC_PRIVATE\0")
    (tmp_path / "notes.txt").write_bytes(b"GLIBC_2.99")  # not an ELF file: ignored
    assert build.required_glibc(tmp_path) == "2.34"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build.required_glibc(empty) is None


def test_scripts_are_executable_shell():
    for name in ("install-user.sh", "uninstall-user.sh"):
        path = INSTALLER / "linux" / name
        assert path.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
        if not sys.platform.startswith("win"):
            assert os.access(path, os.X_OK)
            assert subprocess.run(["sh", "-n", str(path)], capture_output=True).returncode == 0


def test_about_box_shows_the_pyproject_version(qtbot):
    """Справка → О программе: the real message box names the version from pyproject.toml."""
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.qt import QtCore, QtWidgets

    window = MainWindow(AppContext())
    qtbot.addWidget(window)
    texts: list[str] = []

    def read_and_close() -> None:
        box = QtWidgets.QApplication.activeModalWidget()
        if not isinstance(box, QtWidgets.QMessageBox):
            QtCore.QTimer.singleShot(20, read_and_close)
            return
        texts.append(box.text())
        box.accept()

    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Справка")
    about = next(a for a in help_menu.actions() if a.text() == "О программе")
    QtCore.QTimer.singleShot(0, read_and_close)
    about.trigger()
    assert len(texts) == 1 and f"Версия {_pyproject_version()}" in texts[0]


def test_committed_icons_are_what_make_icons_renders(qapp, tmp_path):
    """The PNG and ICO in resources/icons were made from the SVG by the script (none edited by hand)."""
    make_icons = _load("make_icons")
    for path in make_icons.make_icons(out_dir=tmp_path):
        assert path.read_bytes() == (ICONS / path.name).read_bytes(), f"run installer/make_icons.py ({path.name})"


@pytest.mark.skipif(not (ROOT / ".venv" / ".objektiv-installed").exists(),
                    reason="the checkout was not set up by installer/bootstrap.sh")
def test_bootstrap_run_without_a_display_checks_the_window_and_says_so_in_russian():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    before = (ROOT / ".venv" / ".objektiv-installed").stat().st_mtime_ns
    out = subprocess.run(["bash", str(INSTALLER / "bootstrap.sh"), "run"], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Проверка пройдена: окно программы открывается" in out.stdout
    assert "графическом сеансе" in out.stdout and "OK 0." not in out.stdout
    # nothing changed in pyproject.toml: pip was not run again (the stamp is untouched)
    assert (ROOT / ".venv" / ".objektiv-installed").stat().st_mtime_ns == before
