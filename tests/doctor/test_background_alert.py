"""Issue 14, item 7: a push while the window is minimised rings (QSoundEffect with the packaged chime) and shows a
tray message; the mute setting (a checkbox on Today's Work, kept in QSettings) silences the chime only. Offscreen
there is no sound device, so the notifier's decision is what is checked."""

from __future__ import annotations

import wave

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSystemTrayIcon
from sqlalchemy.orm import Session

from client_doctor.app import DoctorSession
from client_doctor.sounds import SENT_IN
from tests.doctor.helpers import doc_screenshot
from tests.doctor.seed import Scene, add_waiting
from tests.doctor.test_push_safety import activate, send_in
from tests.support.qt import arun, until


def test_the_chime_is_shipped_and_short():
    with wave.open(str(SENT_IN)) as chime:
        seconds = chime.getnframes() / chime.getframerate()
        assert 0.1 < seconds < 1.0 and chime.getnchannels() == 1 and chime.getsampwidth() == 2


def test_minimised_push_rings_and_mute_silences_it(
    qloop, qtbot, open_app, scene: Scene, live_server, committed_db: Session
):
    asher = add_waiting(committed_db, scene, name="Asher Okafor", minutes_ago=3)

    async def scenario() -> None:
        session: DoctorSession = await open_app(scene.doctor_username, auto_open=False)
        w = session.window
        await activate(w)
        assert not w.in_background and not w.today_view.mute.isChecked()
        w.showMinimized()
        await until(lambda: w.in_background, 5, "the minimised window still counts as in front")
        await send_in(live_server.url, scene, scene.visit.id)
        await until(lambda: len(w.notifier.alerts) == 1, 10, "no alert for a push while minimised")
        alert = w.notifier.alerts[0]
        assert "Alice Harper" in alert.text and alert.sound  # the chime was played
        assert alert.tray == (w.tray is not None and QSystemTrayIcon.supportsMessages())
        assert w.notifier._effect is not None and w.notifier._effect.source().toLocalFile() == str(SENT_IN)

        w.showNormal()
        await activate(w)
        qtbot.mouseClick(w.today_view.mute, Qt.MouseButton.LeftButton)  # the doctor mutes it
        assert w.today_view.mute.isChecked() and w.today_vm.settings.muted
        doc_screenshot(w, "doctor_today_mute")
        w.showMinimized()
        await until(lambda: w.in_background, 5)
        await send_in(live_server.url, scene, asher.id)
        await until(lambda: len(w.notifier.alerts) == 2, 10)
        muted = w.notifier.alerts[1]
        assert "Asher Okafor" in muted.text and not muted.sound and muted.tray == alert.tray
        assert w.alerts == [alert.text, muted.text]

        # In front again: a push is only a toast, no alert at all.
        w.showNormal()
        await activate(w)
        third = add_waiting(committed_db, scene, name="Bea Front", minutes_ago=1)
        await send_in(live_server.url, scene, third.id)
        await until(lambda: any("Bea Front" in n for n in w.notifications), 10)
        assert len(w.notifier.alerts) == 2

    arun(qloop, scenario(), timeout=60)
