"""Build «Объектив» for the system this runs on, pack it and smoke-test what was packed.

    python installer/build.py [--skip-smoke] [--clean] [--out DIR] [--report FILE]

Run it with the project's virtual environment (PyInstaller installed: pip install -e ".[build]").
Everything goes to installer/build/ (ignored by git) unless --out says otherwise:
  work/                 PyInstaller's working files (kept between runs: rebuilds are faster)
  dist/objektiv/        the one-folder bundle
  Linux:   objektiv-<version>-linux-<arch>.tar.gz  — bundle, objektiv.desktop, icons, install-user.sh
  Windows: objektiv-<version>-setup.exe            — when Inno Setup 6 (ISCC.exe) is found
then installer/smoke_test.py runs the packed program with a temporary HOME.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "installer"
IS_WIN = sys.platform.startswith("win")
ISCC_DEFAULTS = [r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe", r"C:\Program Files\Inno Setup 6\ISCC.exe"]


def project_version() -> str:
    """The version in pyproject.toml; it must equal app.__version__ (shown in «О программе»)."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    sys.path.insert(0, str(ROOT))
    from app import __version__

    if declared != __version__:
        raise SystemExit(f"Версии расходятся: pyproject.toml — {declared}, app/__init__.py — {__version__}")
    return declared


def run_pyinstaller(out: Path, *, clean: bool) -> Path:
    """Build the one-folder bundle into out/dist/objektiv and return that folder."""
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(out / "dist"), "--workpath", str(out / "work"),
           str(HERE / "objektiv.spec")]
    if clean:
        cmd.insert(3, "--clean")
    print("PyInstaller:", " ".join(cmd[3:]), flush=True)
    if subprocess.run(cmd, cwd=ROOT).returncode != 0:
        raise SystemExit("PyInstaller завершился с ошибкой (см. сообщения выше).")
    bundle = out / "dist" / "objektiv"
    exe = bundle / ("objektiv.exe" if IS_WIN else "objektiv")
    if not exe.is_file():
        raise SystemExit(f"PyInstaller не создал {exe}")
    return bundle


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """Owner-neutral entries; executables and folders 755, everything else 644."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if info.isdir() or (info.isfile() and info.mode & 0o111):
        info.mode = 0o755
    elif info.isfile():
        info.mode = 0o644
    return info


def required_glibc(bundle: Path) -> str | None:
    """The newest GLIBC_2.x symbol version any bundled ELF file asks for: the oldest glibc that runs it."""
    best = None
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with open(path, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
            data = fh.read()
        for major, minor in re.findall(rb"GLIBC_(2)\.(\d+)", data):
            version = (int(major), int(minor))
            best = version if best is None or version > best else best
    return None if best is None else f"{best[0]}.{best[1]}"


def make_tarball(bundle: Path, out: Path, version: str, glibc: str | None) -> Path:
    """objektiv-<version>-linux-<arch>.tar.gz: the bundle plus what a desktop needs to show it."""
    name = f"objektiv-{version}-linux-{platform.machine() or 'x86_64'}"
    extras = {
        "objektiv.desktop": HERE / "linux" / "objektiv.desktop",
        "objektiv.png": ROOT / "resources" / "icons" / "objektiv.png",
        "objektiv.svg": ROOT / "resources" / "icons" / "objektiv.svg",
        "install-user.sh": HERE / "linux" / "install-user.sh",
        "uninstall-user.sh": HERE / "linux" / "uninstall-user.sh",
    }
    readme = (HERE / "linux" / "README.txt").read_text(encoding="utf-8").replace("{glibc}", glibc or "2.28")
    texts = {"README.txt": readme}
    if glibc:
        texts["glibc-required.txt"] = glibc + "\n"
    target = out / f"{name}.tar.gz"
    part = target.with_name(target.name + ".part")
    with tarfile.open(part, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=f"{name}/objektiv", filter=_tar_filter)
        for arcname, src in extras.items():
            tar.add(src, arcname=f"{name}/{arcname}", filter=_tar_filter)
        for arcname, text in texts.items():
            data = text.encode("utf-8")
            info = _tar_filter(tarfile.TarInfo(f"{name}/{arcname}"))
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
    os.replace(part, target)
    return target


def find_iscc(explicit: str | None) -> Path | None:
    for candidate in [explicit, shutil.which("ISCC"), *ISCC_DEFAULTS]:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def make_setup(bundle: Path, out: Path, version: str, iscc: Path) -> Path:
    """Compile installer/objektiv.iss with Inno Setup into out/objektiv-<version>-setup.exe."""
    cmd = [str(iscc), "/Q", f"/DAppVersion={version}", f"/DBundleDir={bundle}", f"/O{out}",
           str(HERE / "objektiv.iss")]
    print("Inno Setup:", " ".join(cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        raise SystemExit("Inno Setup не собрал установщик (см. сообщения выше).")
    return out / f"objektiv-{version}-setup.exe"


def tree_size(path: Path) -> int:
    """Bytes in all regular files under path (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def smoke(bundle: Path, package: Path | None, version: str, report: Path) -> dict:
    cmd = [sys.executable, str(HERE / "smoke_test.py"), "--bundle", str(bundle),
           "--expect-version", version, "--report", str(report), "--source", str(ROOT)]
    if package is not None and package.suffix == ".gz":
        cmd += ["--tarball", str(package)]
    if subprocess.run(cmd).returncode != 0:
        raise SystemExit("Собранная программа не прошла проверку (см. сообщение выше).")
    return json.loads(report.read_text(encoding="utf-8"))


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Сборка «Объектива»: пакет для этой системы и проверка")
    p.add_argument("--out", type=Path, default=HERE / "build", help="папка сборки (installer/build)")
    p.add_argument("--clean", action="store_true", help="собрать заново, без кэша PyInstaller")
    p.add_argument("--skip-smoke", action="store_true", help="не запускать проверку собранной программы")
    p.add_argument("--iscc", help="путь к ISCC.exe (Windows), если Inno Setup стоит не на обычном месте")
    p.add_argument("--report", type=Path, help="записать итог (размеры, время запуска) в JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    version = project_version()
    started = time.perf_counter()
    bundle = run_pyinstaller(out, clean=args.clean)
    summary: dict = {"version": version, "bundle": str(bundle), "bundle_bytes": tree_size(bundle),
                     "build_seconds": round(time.perf_counter() - started, 1)}
    package = None
    if IS_WIN:
        iscc = find_iscc(args.iscc)
        if iscc is None:
            print("Inno Setup 6 не найден: установщик не собран (см. installer/README.md).")
        else:
            package = make_setup(bundle, out, version, iscc)
    else:
        summary["glibc_required"] = required_glibc(bundle)
        package = make_tarball(bundle, out, version, summary["glibc_required"])
    if package is not None:
        summary.update(package=str(package), package_bytes=package.stat().st_size)
    if not args.skip_smoke:
        summary["smoke"] = smoke(bundle, package, version, out / "smoke-report.json")
    summary["total_seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(summary, ensure_ascii=False, indent=2)
    print(text)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
