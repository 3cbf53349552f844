"""`clinic-reception --self-check` / `clinic-doctor --self-check`: does this install (a PyInstaller bundle above
all) have what the app needs to run? It loads the Qt platform plugins, renders the main screens offscreen,
imports the socket client with its transport (a missing aiohttp leaves an app Offline forever), prints the
version and exits 0; anything missing is a line starting "problem" and exit status 1. No server is contacted."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from common.version import VERSION

if TYPE_CHECKING:  # Qt is imported when the check runs: its absence is one of the problems reported
    from PySide6.QtWidgets import QWidget

Screens = Callable[[], list[tuple[str, "QWidget"]]]

# The platform plugins a desktop session needs, per OS (offscreen is what the check itself draws with).
REQUIRED_PLATFORMS = {
    "linux": ("xcb", "offscreen"),
    "win32": ("windows", "offscreen"),
    "darwin": ("cocoa", "offscreen"),
}


def _platform_plugins() -> list[str]:
    from PySide6.QtCore import QLibraryInfo, QPluginLoader

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    problems = []
    for name in REQUIRED_PLATFORMS.get(sys.platform, ("offscreen",)):
        files = sorted(folder.glob(f"*q{name}.*"))
        if not files:
            problems.append(f"Qt platform plugin '{name}' is missing from {folder}")
            continue
        loader = QPluginLoader(str(files[0]))
        if not loader.load():  # e.g. a system library the xcb plugin links to is not installed
            problems.append(f"Qt platform plugin '{name}' does not load: {loader.errorString()}")
    return problems


def run_self_check(app_label: str, screens: Screens, out: Callable[[str], None] = print) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problems: list[str] = []
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        out(f"problem  Qt: {exc}")
        return 1
    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    out(f"ok       Qt {pyside_version}, platform '{QApplication.platformName()}'")

    plugin_problems = _platform_plugins()
    problems += plugin_problems
    if not plugin_problems:
        out(f"ok       Qt platform plugins: {', '.join(REQUIRED_PLATFORMS.get(sys.platform, ('offscreen',)))}")

    try:
        built = screens()
    except Exception as exc:  # a screen that cannot be built is exactly what this check is for
        problems.append(f"the main screens could not be built: {type(exc).__name__}: {exc}")
        built = []
    for name, widget in built:
        image = widget.grab()
        if image.isNull() or image.width() < 50 or image.height() < 50:
            problems.append(f"screen '{name}' rendered empty")
        else:
            out(f"ok       screen '{name}' rendered ({image.width()}x{image.height()})")
        widget.close()
        widget.deleteLater()

    if getattr(sys, "frozen", False):  # a bundle for a desk PC carries nothing of the server
        import importlib.util

        found = [m for m in ("server", "sqlalchemy", "psycopg2", "fastapi") if importlib.util.find_spec(m)]
        if found:
            problems.append(f"server code in this bundle: {', '.join(found)}")
        else:
            out("ok       no server code in this bundle")

    try:
        from common.client.transport_check import check_socket_client

        out(f"ok       socket client: {check_socket_client()}")
    except Exception as exc:
        problems.append(f"socket client: {exc}")

    for problem in problems:
        out(f"problem  {problem}")
    app.processEvents()
    out(f"{app_label} {VERSION}: {'self-check passed' if not problems else 'self-check FAILED'}")
    return 0 if not problems else 1
