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
  # $1: the extras to install ("" for the program alone, "test" for the test tools too).
  # pip runs only when pyproject.toml or the extras changed since the last install.
  local extras=$1 stamp=.venv/.objektiv-installed want
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  want="$(sha256sum pyproject.toml | cut -d' ' -f1) ${extras:-none}"
  if [ -f "$stamp" ] && { [ "$(cat "$stamp")" = "$want" ] || { [ -z "$extras" ] && grep -q "^${want% *} " "$stamp"; }; } \
      && .venv/bin/python -c "import app, PySide6, python_calamine" 2>/dev/null; then
    return 0
  fi
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  if [ -n "$extras" ]; then
    .venv/bin/python -m pip install -q -e ".[$extras]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  echo "$want" > "$stamp"
}

install_system
case "$mode" in
  test) install_python test ;;
  *) install_python "" ;;
esac

case "$mode" in
  run)
    data=$(.venv/bin/python -c "from app.core.store import default_db_path; print(default_db_path().parent)")
    mkdir -p "$data"
    [ -f "$data/demo.db" ] || .venv/bin/python -m app --db "$data/demo.db" demo
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
      echo "Графический сеанс не найден: проверяю, что окно программы открывается (без показа на экране)."
      if QT_QPA_PLATFORM=offscreen .venv/bin/python main.py --db "$data/demo.db" --smoke-gui >/dev/null; then
        echo "Проверка пройдена: окно программы открывается, демонстрационная школа: $data/demo.db"
        echo "Чтобы работать с программой, запустите эту же команду в графическом сеансе (на рабочем столе):"
        echo "  bash installer/bootstrap.sh run"
        exit 0
      fi
      echo "Окно программы не открылось. Подробности — в журнале работы программы." >&2
      exit 1
    fi
    exec .venv/bin/python main.py --db "$data/demo.db"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    exec .venv/bin/python -m pytest -q tests/core tests/ui tests/reliability
    ;;
  *)
    echo "Использование: bash installer/bootstrap.sh run|test" >&2
    exit 2
    ;;
esac
