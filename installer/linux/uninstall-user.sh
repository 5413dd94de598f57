#!/bin/sh
# Removes «Объектив» installed by install-user.sh. The school's data is kept.
set -eu

DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PROGRAM_DIR=$HOME/.local/opt/objektiv
BIN_LINK=$HOME/.local/bin/objektiv

if [ -L "$BIN_LINK" ] && [ "$(readlink "$BIN_LINK")" = "$PROGRAM_DIR/objektiv" ]; then
    rm -f "$BIN_LINK"
fi
rm -f "$DATA_HOME/applications/objektiv.desktop" \
      "$DATA_HOME/icons/hicolor/256x256/apps/objektiv.png" \
      "$DATA_HOME/icons/hicolor/scalable/apps/objektiv.svg"
if command -v xdg-user-dir >/dev/null 2>&1; then
    DESKTOP_DIR=$(xdg-user-dir DESKTOP 2>/dev/null || true)
    if [ -n "$DESKTOP_DIR" ] && [ -f "$DESKTOP_DIR/objektiv.desktop" ] \
        && grep -q "^Exec=\"$PROGRAM_DIR/objektiv\"" "$DESKTOP_DIR/objektiv.desktop"; then
        rm -f "$DESKTOP_DIR/objektiv.desktop"
    fi
fi
command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
rm -rf "$PROGRAM_DIR"

echo "«Объектив» удалён."
echo "Данные школы остались в ${DATA_HOME}/objektiv — удалите эту папку сами, если они больше не нужны."
