#!/bin/sh
# Installs «Объектив» for the current user only: no administrator rights, nothing outside $HOME.
#   program   ~/.local/opt/objektiv/            (replaced on every install)
#   command   ~/.local/bin/objektiv             (a link; the same program runs the command line)
#   menu      ~/.local/share/applications/objektiv.desktop, icons in ~/.local/share/icons/hicolor
#   desktop   a shortcut on the desktop, if the desktop folder exists
# The school's data (~/.local/share/objektiv/) is never touched here.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PROGRAM_DIR=$HOME/.local/opt/objektiv
BIN_DIR=$HOME/.local/bin
APPS_DIR=$DATA_HOME/applications
ICONS_DIR=$DATA_HOME/icons/hicolor

if [ ! -x "$HERE/objektiv/objektiv" ]; then
    echo "Ошибка: рядом со сценарием нет папки objektiv с программой. Распакуйте архив целиком." >&2
    exit 1
fi

# The bundle was built against a certain glibc; an older one cannot start it.
if [ -f "$HERE/glibc-required.txt" ] && command -v getconf >/dev/null 2>&1; then
    NEED=$(cat "$HERE/glibc-required.txt")
    HAVE=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
    if [ -n "$HAVE" ] && [ "$(printf '%s\n%s\n' "$NEED" "$HAVE" | sort -V | head -n 1)" != "$NEED" ]; then
        echo "Ошибка: в системе glibc $HAVE, а программе нужна $NEED или новее." >&2
        echo "Нужна более новая версия системы или сборка программы на более старой системе." >&2
        exit 1
    fi
fi

# Copy to a new folder first, then swap it in: an interrupted install leaves the old one working.
mkdir -p "$(dirname "$PROGRAM_DIR")"
NEW_DIR="$PROGRAM_DIR.new.$$"
OLD_DIR="$PROGRAM_DIR.old.$$"
rm -rf "$NEW_DIR"
cp -R "$HERE/objektiv" "$NEW_DIR"
cp "$HERE/objektiv.png" "$HERE/objektiv.svg" "$NEW_DIR/"
cp "$HERE/uninstall-user.sh" "$NEW_DIR/uninstall-user.sh"
chmod 755 "$NEW_DIR/uninstall-user.sh"
if [ -e "$PROGRAM_DIR" ]; then
    mv "$PROGRAM_DIR" "$OLD_DIR"
fi
mv "$NEW_DIR" "$PROGRAM_DIR"
rm -rf "$OLD_DIR"

mkdir -p "$BIN_DIR" "$APPS_DIR" "$ICONS_DIR/256x256/apps" "$ICONS_DIR/scalable/apps"
ln -sfn "$PROGRAM_DIR/objektiv" "$BIN_DIR/objektiv"
cp "$HERE/objektiv.png" "$ICONS_DIR/256x256/apps/objektiv.png"
cp "$HERE/objektiv.svg" "$ICONS_DIR/scalable/apps/objektiv.svg"

# The menu entry runs the program by its full path, so ~/.local/bin need not be on PATH.
sed -e "s|^Exec=.*|Exec=\"$PROGRAM_DIR/objektiv\"|" \
    -e "s|^TryExec=.*|TryExec=$PROGRAM_DIR/objektiv|" \
    "$HERE/objektiv.desktop" > "$APPS_DIR/objektiv.desktop"
chmod 644 "$APPS_DIR/objektiv.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS_DIR" 2>/dev/null || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$ICONS_DIR/index.theme" ] \
    && gtk-update-icon-cache -q "$ICONS_DIR" 2>/dev/null || true

DESKTOP_DIR=""
if command -v xdg-user-dir >/dev/null 2>&1; then
    DESKTOP_DIR=$(xdg-user-dir DESKTOP 2>/dev/null || true)
fi
if [ -n "$DESKTOP_DIR" ] && [ "$DESKTOP_DIR" != "$HOME" ] && [ -d "$DESKTOP_DIR" ]; then
    cp "$APPS_DIR/objektiv.desktop" "$DESKTOP_DIR/objektiv.desktop"
    chmod 755 "$DESKTOP_DIR/objektiv.desktop"
    command -v gio >/dev/null 2>&1 \
        && gio set "$DESKTOP_DIR/objektiv.desktop" metadata::trusted true 2>/dev/null || true
fi

echo "«Объектив» установлен в $PROGRAM_DIR"
echo "Запуск: меню «Образование» → «Объектив» или команда $BIN_DIR/objektiv"
echo "Данные школы хранятся в ${DATA_HOME}/objektiv и при переустановке не затрагиваются."
echo "Удаление программы: $PROGRAM_DIR/uninstall-user.sh"
