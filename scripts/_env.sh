# Shared set-up for scripts/demo and scripts/test: a venv in .venv with the project installed.
# With QUIET_LOG set to a file, the tools' own output (pip, apt-get) goes there instead of the terminal.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
QUIET_LOG="${QUIET_LOG:-}"

# Run a command, its output to $QUIET_LOG when set; on failure show where to look.
quietly() {
  if [ -z "$QUIET_LOG" ]; then
    "$@"
    return
  fi
  "$@" >>"$QUIET_LOG" 2>&1 || { echo "failed: $* (details in $QUIET_LOG)" >&2; return 1; }
}

say() { [ -n "$QUIET_LOG" ] || echo "==> $*"; }

ensure_venv() {
  local extras="$1"
  if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    quietly "$PYTHON" -m venv .venv
  fi
  local stamp=".venv/.installed-${extras//,/-}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "installing the project ($extras)"
    # The venv's own pip, not upgraded first: a clinic installing with Python 3.11 gets pip 23.2, and an
    # upgrade here once hid a dependency that only newer pips resolved (the socket client's aiohttp).
    quietly .venv/bin/python -m pip install -q -e ".[$extras]"
    touch "$stamp"
  fi
  # Without its transport the Socket.IO client never connects and the apps stay Offline: fail here, loudly.
  local problem
  if ! problem="$(.venv/bin/python -m common.client.transport_check 2>&1)"; then
    echo "ERROR: the socket client cannot connect from .venv: ${problem##*$'\n'}" >&2
    return 1
  fi
}

# Debian libraries Qt needs, even offscreen; `ensure_qt_libs display` adds what real X11 windows need (the xcb
# platform plugin). Installed only when missing (needs root or sudo).
ensure_qt_libs() {
  local pkgs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
              libxcb-cursor0 fonts-dejavu-core libpulse0)  # libpulse0: QtMultimedia (the doctor's chime)
  if [ "${1:-}" = "display" ]; then
    pkgs+=(libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1
           libxcb-shape0 libxcb-randr0)
  fi
  ensure_debs "${pkgs[@]}"
}

# Install the Debian packages that are missing (needs root or sudo).
ensure_debs() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    quietly $sudo apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive quietly $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
