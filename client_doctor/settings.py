"""The doctor app's own preferences (QSettings), separate from the shared login settings."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

ORGANIZATION = "ClinicCRM"
APPLICATION = "clinic-doctor"
_AUTO_OPEN = "consultation/auto_open"
_PAGE_SIZE = "print/page_size"
_MUTED = "alerts/muted"
PAGE_SIZES = ("A4", "Letter")


class DoctorSettings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings(ORGANIZATION, APPLICATION)

    @property
    def auto_open_consultation(self) -> bool:
        """Open the consultation by itself when reception sends a patient in (on by default)."""
        value = self._s.value(_AUTO_OPEN, True)
        if isinstance(value, str):  # INI backends give strings back
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    @auto_open_consultation.setter
    def auto_open_consultation(self, on: bool) -> None:
        self._s.setValue(_AUTO_OPEN, bool(on))
        self._s.sync()

    @property
    def page_size(self) -> str:
        """The paper printed documents are laid out for: A4 (default) or Letter."""
        value = str(self._s.value(_PAGE_SIZE, "A4"))
        return value if value in PAGE_SIZES else "A4"

    @page_size.setter
    def page_size(self, page: str) -> None:
        self._s.setValue(_PAGE_SIZE, page if page in PAGE_SIZES else "A4")
        self._s.sync()

    @property
    def muted(self) -> bool:
        """No sound when a patient is sent in while the window is in the background (the tray message stays)."""
        value = self._s.value(_MUTED, False)
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    @muted.setter
    def muted(self, on: bool) -> None:
        self._s.setValue(_MUTED, bool(on))
        self._s.sync()


def data_dir() -> Path:
    """Where drafts live; CLINIC_DOCTOR_DATA_DIR overrides (tests, several profiles on one machine)."""
    override = os.environ.get("CLINIC_DOCTOR_DATA_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".clinic-doctor")
