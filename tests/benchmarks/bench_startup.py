"""Start-up benchmark: process start → first painted main window on the demo school.

Compared with a bare QApplication + QMainWindow measured in the same run (the baseline).
Run on purpose:  QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_startup.py [RUNS]
Targets: ratio ≤ 2.5 and absolute ≤ 1.5 s.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BARE = r"""
import sys, time
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication(sys.argv)
w = QtWidgets.QMainWindow()
w.resize(1280, 800)
class F(QtCore.QObject):
    def eventFilter(self, o, e):
        if e.type() == QtCore.QEvent.Type.Paint:
            print("OK", flush=True)
            QtCore.QTimer.singleShot(0, app.quit)
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def _time_until_ok(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("OK"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"no OK from {cmd}")
    proc.wait(timeout=30)
    return elapsed


def main(runs: int = 7) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # An installed program runs from compiled bytecode. With PYTHONDONTWRITEBYTECODE set, every source
    # file edited since its .pyc was written would be compiled again on every run, which measures the
    # edit, not the start-up; both commands run in the same environment.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        env.update(XDG_CONFIG_HOME=f"{tmp}/cfg", XDG_DATA_HOME=f"{tmp}/data")
        db = Path(tmp) / "demo.db"
        subprocess.run([sys.executable, "-m", "app", "--db", str(db), "demo"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [sys.executable, "main.py", "--db", str(db), "--smoke-gui"]
        for cmd in (bare_cmd, app_cmd):  # warm-up, not counted: bytecode written, files in the page cache
            _time_until_ok(cmd, env)
        bare, app = [], []
        for _ in range(runs):  # interleaved, so a busy moment of the machine hits both
            bare.append(_time_until_ok(bare_cmd, env))
            app.append(_time_until_ok(app_cmd, env))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"bare QApplication+QMainWindow: median {b:.3f} s, min {min(bare):.3f} s "
          f"(runs: {', '.join(f'{x:.3f}' for x in bare)})")
    print(f"Объектив on the demo school:   median {a:.3f} s, min {min(app):.3f} s "
          f"(runs: {', '.join(f'{x:.3f}' for x in app)})")
    print(f"ratio {a / b:.2f} × (target ≤ 2.5 ×; of the minimums {min(app) / min(bare):.2f} ×), "
          f"absolute {a:.2f} s (target ≤ 1.5 s)")
    return 0 if a / b <= 2.5 and a <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
