#!/usr/bin/env bash
# Sets up «Объектив» from a source checkout and either starts it on the demo school (run)
# or runs the whole test suite (test). Usage: bash installer/bootstrap.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
PYTHON=${PYTHON:-python3}

DEB_PACKAGES="python3-venv libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 \
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0 \
libxcb-image0 libxcb-xinerama0 fonts-liberation fonts-dejavu-core poppler-utils"

install_system() {
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    local missing=""
    for p in $DEB_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    if [ -n "$missing" ]; then
      echo "Устанавливаю системные пакеты:$missing"
      apt-get update -qq || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
  elif command -v apt-get >/dev/null 2>&1; then
    local missing=""
    for p in $DEB_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    [ -z "$missing" ] || echo "Не хватает системных пакетов; установите их администратором: sudo apt-get install$missing"
  else
    echo "Нужны: Python 3.11+, библиотеки Qt 6 (EGL, xkbcommon, xcb-cursor), шрифты Liberation или DejaVu, poppler-utils."
  fi
}

install_python() {
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test]"
}

install_system
install_python

case "$mode" in
  run)
    data=$(.venv/bin/python -c "from app.core.store import default_db_path; print(default_db_path().parent)")
    mkdir -p "$data"
    [ -f "$data/demo.db" ] || .venv/bin/python -m app --db "$data/demo.db" demo
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
      echo "Графический сеанс не найден: проверяю запуск окна без экрана."
      QT_QPA_PLATFORM=offscreen exec .venv/bin/python main.py --db "$data/demo.db" --smoke-gui
    fi
    exec .venv/bin/python main.py --db "$data/demo.db"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    exec .venv/bin/python -m pytest -q tests/core tests/ui
    ;;
  *)
    echo "Использование: bash installer/bootstrap.sh run|test" >&2
    exit 2
    ;;
esac
