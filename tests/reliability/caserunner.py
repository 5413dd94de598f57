"""Run many CLI commands cheaply, each in its own process, measuring its time and peak memory.

``python caserunner.py`` reads JSON lines ``{"name": ..., "argv": [...]}`` on stdin and answers one JSON
line per case: exit code, seconds, peak resident memory of that case's process (``ru_maxrss`` of a
child forked from a worker that has already imported the program, so a case costs no start-up),
its stderr, and whether a Python traceback or a crash ended it. A case runs under an address-space
limit (a safety net: a regression fails the case instead of swapping the machine) and is killed
after its time limit.
"""
from __future__ import annotations

import json
import os
import resource
import select
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AS_LIMIT = 3 << 30                    # bytes of address space a case may reserve
TIME_LIMIT = 30.0                     # seconds before a case is killed (the bound tested is 10 s)


def _child(argv: list[str], err_fd: int) -> None:
    os.dup2(err_fd, 2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))
    except (ValueError, OSError):
        pass
    code = 98
    try:
        from app.cli import main

        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:                # noqa: BLE001 - what the test looks for
        import traceback

        traceback.print_exc()
        code = 99
    finally:
        sys.stderr.flush()
    os._exit(code)


def run_one(argv: list[str], time_limit: float = TIME_LIMIT) -> dict:
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(argv, write_fd)
    os.close(write_fd)
    chunks: list[bytes] = []
    killed = False
    while True:
        left = time_limit - (time.perf_counter() - start)
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
        ready, _, _ = select.select([read_fd], [], [], min(left, 0.5))
        if ready:
            block = os.read(read_fd, 65536)
            if not block:
                break
            chunks.append(block)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    os.close(read_fd)
    err = b"".join(chunks).decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    return {"code": code, "seconds": round(seconds, 3), "maxrss_mb": round(usage.ru_maxrss / 1024, 1),
            "stderr": err[-4000:], "killed": killed,
            "traceback": "Traceback (most recent call last)" in err or code in (98, 99) or code < 0}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import app.cli  # noqa: F401 - imported once here, shared by every forked case
    import app.core.imports  # noqa: F401
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        result = run_one(case["argv"], case.get("time_limit", TIME_LIMIT))
        result["name"] = case["name"]
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


def run_cases(cases: list[dict], env: dict | None = None, timeout: float = 1800) -> list[dict]:
    """Run `cases` ({"name", "argv"}) through one worker process; their results in order."""
    import subprocess

    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases)
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--worker"], input=text, capture_output=True,
                          text=True, timeout=timeout, cwd=str(ROOT), env=env)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(results) != len(cases):
        raise AssertionError(f"the worker stopped early: {proc.stderr[-3000:]}")
    return results


if __name__ == "__main__" and "--worker" in sys.argv:
    sys.exit(main())
