"""What a push does when the doctor is not looking at the window (minimised, or another program in front):
a tray message and a short chime (QSoundEffect, the WAV shipped in client_doctor/sounds), unless muted in the
settings. Each decision is kept (`alerts`) so it can be checked where no sound device exists (offscreen)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QSystemTrayIcon

from client_doctor.settings import DoctorSettings
from client_doctor.sounds import SENT_IN

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)

TRAY_MS = 5000
VOLUME = 0.6


@dataclass(frozen=True)
class Alert:
    text: str
    tray: bool  # a tray message was shown (the platform has a tray that takes messages)
    sound: bool  # the chime was played (not muted)


class PushNotifier(QObject):
    def __init__(self, settings: DoctorSettings, tray: QSystemTrayIcon | None, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.tray = tray
        self.alerts: list[Alert] = []
        self._effect: QSoundEffect | None = None  # made on first use (QtMultimedia loads its backend then)

    def alert(self, title: str, text: str) -> Alert:
        tray = self.tray is not None and self.tray.isVisible() and QSystemTrayIcon.supportsMessages()
        if tray:
            assert self.tray is not None
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, TRAY_MS)
        sound = not self.settings.muted
        if sound:
            self._play()
        alert = Alert(text=text, tray=tray, sound=sound)
        self.alerts.append(alert)
        return alert

    def _play(self) -> None:
        try:
            if self._effect is None:
                from PySide6.QtMultimedia import QSoundEffect

                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(SENT_IN)))
                effect.setVolume(VOLUME)
                self._effect = effect
            self._effect.play()
        except Exception:  # no audio backend: the tray message and the taskbar flash still tell the doctor
            log.warning("the alert sound could not be played", exc_info=True)
