"""Run the built program the way a school would, with a throw-away HOME, and check what it does.

    python installer/smoke_test.py --bundle installer/build/dist/objektiv
           [--tarball objektiv-X-linux-x86_64.tar.gz] [--expect-version X] [--runs 3] [--report FILE]
           [--source REPO_ROOT]

With --tarball the archive is unpacked and installed by its install-user.sh into the temporary
HOME, and the installed copy is tested, then uninstalled. Standard library only: it never imports
the application, it runs it. Exit 0 when every check passes; the figures go to --report as JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

IS_WIN = sys.platform.startswith("win")
TIMEOUT = 180


class SmokeFailure(Exception):
    """A check failed; the message says which and shows the program's output."""


class Runner:
    """Runs the program with an isolated environment and records timings."""

    def __init__(self, exe: Path, home: Path):
        self.exe = exe
        self.home = home
        self.env = isolated_env(home)
        self.timings: dict[str, float] = {}

    def run(self, *args: str, expect: int = 0, env: dict | None = None,
            label: str | None = None) -> subprocess.CompletedProcess:
        started = time.perf_counter()
        proc = subprocess.run([str(self.exe), *args], env=env or self.env, capture_output=True,
                              timeout=TIMEOUT, cwd=self.home)
        elapsed = time.perf_counter() - started
        if label:
            self.timings[label] = round(elapsed, 3)
        if proc.returncode != expect:
            raise SmokeFailure(f"{self.exe.name} {' '.join(args)}: код {proc.returncode}, ожидался {expect}\n"
                               f"stdout: {_text(proc.stdout)[-2000:]}\nstderr: {_text(proc.stderr)[-3000:]}")
        return proc

    def gui_start(self, *args: str, command: list[str] | None = None) -> tuple[float, float]:
        """Start the window offscreen; return (seconds until «OK» appeared, seconds the app reported).

        `command` replaces the program (e.g. [python, main.py] for the from-source baseline).
        """
        started = time.perf_counter()
        proc = subprocess.Popen([*(command or [str(self.exe)]), *args, "--smoke-gui"], env=self.env,
                                cwd=self.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            line = proc.stdout.readline().decode("utf-8", "replace").strip()
            seen = time.perf_counter() - started
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise SmokeFailure("окно не открылось за отведённое время") from None
        if proc.returncode != 0 or not line.startswith("OK"):
            raise SmokeFailure(f"--smoke-gui: код {proc.returncode}, вывод «{line}»\nstderr: {_text(err)[-3000:]}")
        fields = line.split()
        reported = float(fields[1]) if len(fields) > 1 else seen
        self.qt_translations = next((int(f[3:]) for f in fields if f.startswith("ru=")), 0)
        return round(seen, 3), round(reported, 3)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def isolated_env(home: Path) -> dict:
    """The current environment with HOME, the XDG folders and the Windows profile folders in `home`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "XDG_", "QT_")) and k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    runtime = home / ".runtime"
    for sub in (".local/share", ".config", ".cache", ".local/state", ".runtime", "AppData/Local",
                "AppData/Roaming"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env.update({
        "HOME": str(home), "USERPROFILE": str(home),
        "XDG_DATA_HOME": str(home / ".local/share"), "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"), "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_RUNTIME_DIR": str(runtime), "LOCALAPPDATA": str(home / "AppData/Local"),
        "APPDATA": str(home / "AppData/Roaming"), "QT_QPA_PLATFORM": "offscreen",
        "LANG": "C.UTF-8",
    })
    env.pop("LC_ALL", None)
    return env


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of the program folder with size and modification time."""
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}


def install_from_tarball(tarball: Path, home: Path, env: dict) -> Path:
    """Unpack the archive in a scratch folder and run its install-user.sh; return the installed exe."""
    unpack = home.parent / "unpacked"
    unpack.mkdir()
    with tarfile.open(tarball) as tar:
        tar.extractall(unpack, filter="tar")
    (top,) = list(unpack.iterdir())
    for name in ("objektiv/objektiv", "objektiv.desktop", "objektiv.png", "objektiv.svg",
                 "install-user.sh", "uninstall-user.sh", "README.txt"):
        if not (top / name).exists():
            raise SmokeFailure(f"в архиве нет {name}")
    proc = subprocess.run(["sh", str(top / "install-user.sh")], env=env, capture_output=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        raise SmokeFailure(f"install-user.sh: код {proc.returncode}\n{_text(proc.stdout)}\n{_text(proc.stderr)}")
    return check_installed(home)


def check_installed(home: Path) -> Path:
    program = home / ".local/opt/objektiv"
    exe = program / "objektiv"
    desktop = home / ".local/share/applications/objektiv.desktop"
    link = home / ".local/bin/objektiv"
    for path in (exe, desktop, home / ".local/share/icons/hicolor/256x256/apps/objektiv.png",
                 home / ".local/share/icons/hicolor/scalable/apps/objektiv.svg", program / "uninstall-user.sh"):
        if not path.exists():
            raise SmokeFailure(f"после установки нет {path}")
    if not link.is_symlink() or link.resolve() != exe.resolve():
        raise SmokeFailure(f"{link} не ведёт к {exe}")
    entry = dict(line.split("=", 1) for line in desktop.read_text(encoding="utf-8").splitlines() if "=" in line)
    if entry.get("Exec") != f'"{exe}"' or entry.get("Name") != "Объектив" or entry.get("Icon") != "objektiv":
        raise SmokeFailure(f"неверный ярлык меню: {entry}")
    return exe


def uninstall(home: Path, env: dict) -> None:
    data = home / ".local/share/objektiv"
    proc = subprocess.run(["sh", str(home / ".local/opt/objektiv/uninstall-user.sh")], env=env,
                          capture_output=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        raise SmokeFailure(f"uninstall-user.sh: код {proc.returncode}\n{_text(proc.stderr)}")
    leftovers = [p for p in (home / ".local/opt/objektiv", home / ".local/bin/objektiv",
                             home / ".local/share/applications/objektiv.desktop") if os.path.lexists(p)]
    if leftovers:
        raise SmokeFailure(f"после удаления остались: {leftovers}")
    if not (data / "school.db").is_file():
        raise SmokeFailure("удаление программы задело данные школы")


def check_cli(r: Runner, work: Path, expect_version: str | None) -> dict:
    """Version, demo school in the default data folder, info, analyze --json, packet, verify, bad input."""
    out = _text(r.run("--version", label="version").stdout)
    if expect_version and expect_version not in out:
        raise SmokeFailure(f"--version: «{out.strip()}», ожидалась версия {expect_version}")
    if IS_WIN:  # platformdirs asks Windows itself for the profile folders: keep the demo off them
        db = work / "school.db"
        r.run("--db", str(db), "demo", label="demo")
    else:
        r.run("demo", label="demo")
        db = r.home / ".local/share/objektiv/school.db"
        if not db.is_file():
            raise SmokeFailure(f"demo без --db не создал базу в папке данных пользователя ({db})")
    info = _text(r.run("--db", str(db), "info", label="info").stdout)
    if "Версия схемы" not in info:
        raise SmokeFailure(f"info: неожиданный вывод\n{info}")
    analysis = check_analyze(r, db)
    packet = check_packet(r, db, work)
    check_bad_input(r, work)
    return {"db": str(db), **analysis, **packet}


def check_analyze(r: Runner, db: Path) -> dict:
    proc = r.run("--db", str(db), "analyze", "--json", label="analyze")
    try:
        result = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SmokeFailure(f"analyze --json вывел не JSON: {exc}\n{_text(proc.stdout)[:500]}") from None
    if not {"comparisons", "flags", "indicators"} <= set(result):
        raise SmokeFailure(f"analyze --json: нет ключей, есть только {sorted(result)}")
    comparisons, flags = result["comparisons"], result["flags"]
    need_c = {"procedure", "subject", "grade", "year", "class", "n", "lowered", "confirmed", "raised"}
    need_f = {"code", "level", "class", "subject", "procedure", "reason"}
    if not comparisons or not all(need_c <= set(c) for c in comparisons):
        raise SmokeFailure("analyze --json: сравнений нет или в них не хватает полей")
    if not flags or not all(need_f <= set(f) for f in flags):
        raise SmokeFailure("analyze --json: у демонстрационной школы нет признаков или в них не хватает полей")
    if not any(any("а" <= ch <= "я" for ch in f["reason"].lower()) for f in flags):
        raise SmokeFailure("analyze --json: причины признаков не по-русски")
    return {"comparisons": len(comparisons), "flags": len(flags)}


def check_packet(r: Runner, db: Path, work: Path) -> dict:
    out_dir = work / "packet"
    proc = r.run("--db", str(db), "packet", str(out_dir), label="packet")
    lines = _text(proc.stdout).strip().splitlines()
    path = Path(lines[-1]) if lines else Path()
    if not path.is_file() or path.suffix != ".zip" or path.parent.resolve() != out_dir.resolve():
        raise SmokeFailure(f"packet: напечатан путь «{path}», такого ZIP в {out_dir} нет")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        missing = {"manifest.json", "data.json", "plan.pdf", "plan.xlsx"} - names
        if missing:
            raise SmokeFailure(f"в пакете нет {sorted(missing)}")
        manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
        pdf = zf.read("plan.pdf")
    if b"/FontFile2" not in pdf:
        raise SmokeFailure("plan.pdf без встроенного шрифта TrueType: кириллица не отображается")
    r.run("verify-packet", str(path), label="verify_packet")
    return {"packet": path.name, "packet_bytes": path.stat().st_size, "packet_files": len(names),
            "manifest_app_version": manifest.get("app_version")}


def check_bad_input(r: Runner, work: Path) -> None:
    """A file that is not a school DB: exit 1 and a readable Russian message even in the C locale."""
    bogus = work / "не база.db"
    bogus.write_bytes(b"this is not sqlite" * 10)
    env = dict(r.env, LANG="C", LC_ALL="C")
    proc = r.run("--db", str(bogus), "info", expect=1, env=env)
    if "Ошибка" not in proc.stderr.decode("utf-8", "replace"):
        raise SmokeFailure(f"сообщение об ошибке не по-русски или не в UTF-8: {proc.stderr[:300]!r}")


def check_gui(r: Runner, db: Path, runs: int, source: Path | None) -> dict:
    """The window opens offscreen and paints: on the demo school (timed) and on a first start.

    With `source` (the repository root) the same start from source code (this Python, main.py)
    is timed in turns with the bundle, as the baseline the bundle's figure is compared with.
    """
    seen, reported, from_source = [], [], []
    for _ in range(runs):
        s, rep = r.gui_start("--db", str(db))
        seen.append(s)
        reported.append(rep)
        if source is not None:
            from_source.append(r.gui_start("--db", str(db), command=[sys.executable, str(source / "main.py")])[0])
    fresh = Runner(r.exe, r.home.parent / "fresh-home")  # creates the empty profile folders
    fresh.gui_start()  # no school yet: the window must still open (the first-start offer is a dialog)
    result = {"gui_start_seconds": seen, "gui_start_median": statistics.median(seen),
              "gui_paint_reported_median": statistics.median(reported),
              "qt_translations": getattr(r, "qt_translations", 0)}
    if from_source:
        result.update(source_start_seconds=from_source, source_start_median=statistics.median(from_source),
                      bundle_to_source_ratio=round(statistics.median(seen) / statistics.median(from_source), 2))
    return result


def _usable_strace() -> list[str] | None:
    """strace with the options to log file opens, or None (not Linux, not installed, ptrace forbidden)."""
    path = shutil.which("strace") if sys.platform.startswith("linux") else None
    if path is None:
        return None
    cmd = [path, "-f", "-qq", "-s", "4096", "-e", "trace=open,openat"]
    probe = subprocess.run([*cmd, "-o", os.devnull, "true"], capture_output=True, timeout=60)
    return cmd if probe.returncode == 0 else None


def check_bundled_font(r: Runner, db: Path, work: Path) -> dict:
    """The PDF fonts come from the bundle's own fonts/ folder, not from the system (Linux: via strace)."""
    fonts_dir = r.exe.resolve().parent / "_internal" / "fonts"
    bundled = sorted(p.name for p in fonts_dir.glob("*.tt[fc]")) if fonts_dir.is_dir() else []
    if not bundled and not IS_WIN:
        raise SmokeFailure(f"в сборке нет шрифта с кириллицей ({fonts_dir})")
    strace = _usable_strace()
    if strace is None or not bundled:
        return {"bundled_fonts": bundled, "font_source_checked": False}
    log = work / "strace.log"
    pdf = work / "plan-font-check.pdf"
    proc = subprocess.run([*strace, "-o", str(log), str(r.exe), "--db", str(db), "plan-pdf", str(pdf)],
                          env=r.env, cwd=r.home, capture_output=True, timeout=TIMEOUT)
    if proc.returncode != 0 or not pdf.is_file():
        raise SmokeFailure(f"plan-pdf под strace: код {proc.returncode}\n{_text(proc.stderr)[-2000:]}")
    found = re.findall(r'open(?:at)?\(.*?"([^"]+\.tt[fc])".*= \d+$', log.read_text("utf-8", "replace"),
                       flags=re.IGNORECASE | re.MULTILINE)  # successful opens only
    opened = {Path(m) for m in found}
    if not opened:
        raise SmokeFailure("plan-pdf не открыл ни одного файла шрифта")
    foreign = sorted(str(p) for p in opened if fonts_dir not in Path(os.path.realpath(p)).parents)
    if foreign:
        raise SmokeFailure(f"PDF взял шрифт не из папки программы: {foreign}")
    return {"bundled_fonts": bundled, "font_source_checked": True}


def program_exe(bundle: Path) -> Path:
    """The executable that can print: objektiv-cli.exe on Windows, objektiv elsewhere."""
    exe = bundle / ("objektiv-cli.exe" if IS_WIN else "objektiv")
    if not exe.is_file():
        raise SmokeFailure(f"нет исполняемого файла {exe}")
    if IS_WIN and not (bundle / "objektiv.exe").is_file():
        raise SmokeFailure(f"нет {bundle / 'objektiv.exe'}")
    return exe


def smoke(bundle: Path, tarball: Path | None, expect_version: str | None, runs: int,
          source: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="objektiv-smoke-") as tmp:
        base = Path(tmp)
        home, work = base / "home", base / "work"
        home.mkdir()
        work.mkdir()
        env = isolated_env(home)
        exe = install_from_tarball(tarball, home, env) if tarball else program_exe(bundle)
        before = snapshot(exe.parent)
        r = Runner(exe, home)
        report = {"exe": str(exe) if not tarball else "~/.local/opt/objektiv/objektiv"}
        report.update(check_cli(r, work, expect_version))
        db = Path(report.pop("db"))
        report.update(check_bundled_font(r, db, work))
        report.update(check_gui(r, db, runs, source))
        if snapshot(exe.parent) != before:
            raise SmokeFailure("программа записала что-то в свою папку: данные должны жить в папке пользователя")
        if tarball:
            uninstall(home, env)
        report["timings"] = r.timings
        return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Проверка собранного «Объектива»")
    p.add_argument("--bundle", type=Path, required=True, help="папка dist/objektiv")
    p.add_argument("--tarball", type=Path, help="архив для Linux: распаковать, установить и проверить")
    p.add_argument("--expect-version", help="версия, которую должна назвать программа")
    p.add_argument("--runs", type=int, default=3, help="сколько раз замерить запуск окна")
    p.add_argument("--report", type=Path, help="записать итог в JSON")
    p.add_argument("--source", type=Path,
                   help="папка с исходниками: замерить и запуск из исходников этим же Python (для сравнения)")
    args = p.parse_args(argv)
    try:
        report = smoke(args.bundle.resolve(), args.tarball and args.tarball.resolve(),
                       args.expect_version, args.runs, args.source and args.source.resolve())
    except SmokeFailure as exc:
        print(f"ПРОВЕРКА НЕ ПРОЙДЕНА: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print("Проверка пройдена:\n" + text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
