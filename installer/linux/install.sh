#!/bin/sh
# Installs (or upgrades) this desk app from its unpacked tarball: the bundle, its menu entry and its icon.
#   sudo ./install.sh    for every user of the PC: /opt/<app>, /usr/share/applications
#   ./install.sh         for yourself only:        ~/.local/opt/<app>, ~/.local/share/applications
# An upgrade is the same command with the new tarball: the old bundle is replaced, settings are kept.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
APP="$(basename "$HERE")"   # clinic-reception or clinic-doctor
if [ "$(id -u)" -eq 0 ]; then
  PREFIX=/opt; SHARE=/usr/share
else
  PREFIX="$HOME/.local/opt"; SHARE="$HOME/.local/share"
fi
"$HERE/$APP" --self-check >/dev/null 2>&1 || {
  echo "The self-check of $APP failed; run '$HERE/$APP --self-check' to see why." >&2
  exit 1
}
mkdir -p "$PREFIX" "$SHARE/applications" "$SHARE/icons/hicolor/256x256/apps"
rm -rf "$PREFIX/$APP.new"
cp -a "$HERE" "$PREFIX/$APP.new"
rm -rf "$PREFIX/$APP"
mv "$PREFIX/$APP.new" "$PREFIX/$APP"
sed "s#^Exec=.*#Exec=$PREFIX/$APP/$APP#" "$HERE/share/$APP.desktop" > "$SHARE/applications/$APP.desktop"
cp "$HERE/share/$APP.png" "$SHARE/icons/hicolor/256x256/apps/$APP.png"
echo "Installed $APP in $PREFIX/$APP; it is in the applications menu."
