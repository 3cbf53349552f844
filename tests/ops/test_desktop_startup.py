"""A clean start of the desktop apps: one instance per user (a second launch brings the first to the front),
sign-in windows side by side for the demo, and `--self-check`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QPoint, QRect, QSize
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget

from common.qt.placement import side_position
from common.qt.single_instance import SingleInstance, bring_to_front
from tests.support.server_process import ROOT


def _name() -> str:
    return f"clinic-test-{uuid.uuid4().hex[:10]}"


def test_second_instance_defers_to_the_first(qtbot) -> None:
    name = _name()
    first = SingleInstance(name)
    assert first.claim()
    try:
        second = SingleInstance(name)
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert not second.claim()  # it asked the first to come to the front
        assert second.server is None
    finally:
        first.close()
    third = SingleInstance(name)  # once the first has closed, the next launch is the first again
    assert third.claim()
    third.close()


def test_a_crashed_instances_socket_does_not_block_the_next_launch() -> None:
    name = _name()
    path = str(Path(QDir.tempPath()) / name)
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(path)  # bound, never listening, never removed: what a killed app leaves behind
    stale.close()
    assert Path(path).exists()
    guard = SingleInstance(name)
    assert guard.claim()
    probe = QLocalSocket()
    probe.connectToServer(name)
    assert probe.waitForConnected(2000)
    probe.disconnectFromServer()
    guard.close()


def test_bring_to_front_restores_a_minimised_window(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    bring_to_front(QApplication.instance())
    assert not window.isMinimized()


def test_sign_in_windows_stand_side_by_side() -> None:
    screen = QRect(0, 0, 1920, 1080)
    size = QSize(420, 250)
    left = side_position(screen, size, "left")
    right = side_position(screen, size, "right")
    assert left.x() + size.width() < right.x()  # no overlap
    assert left.y() == right.y() == (1080 - 250) // 2
    assert abs((left.x() + size.width() + right.x()) / 2 - 960) <= 1  # around the centre
    narrow = QRect(0, 0, 600, 400)  # a screen too small for both: each stays on it
    for side in ("left", "right"):
        corner = side_position(narrow, size, side)
        assert 0 <= corner.x() <= 600 - size.width() and corner == QPoint(corner.x(), 75)


@pytest.mark.parametrize("app", ["client_reception", "client_doctor"])
def test_self_check_renders_the_main_screens_and_passes(app: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", app, "--self-check"], cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "screen 'sign-in' rendered" in out and "screen 'main window' rendered" in out
    assert "socket client: python-socketio" in out and "over aiohttp" in out
    assert "Qt platform plugins: xcb, offscreen" in out
    from common.version import VERSION

    assert out.strip().splitlines()[-1].endswith(f"{VERSION}: self-check passed")


def test_self_check_fails_without_the_socket_transport(tmp_path: Path) -> None:
    """The missing-aiohttp install is caught: a stub package that makes `import aiohttp` fail shadows the real one."""
    (tmp_path / "aiohttp").mkdir()
    (tmp_path / "aiohttp" / "__init__.py").write_text("raise ImportError('aiohttp is not installed (stub)')\n")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    done = subprocess.run(
        [sys.executable, "-m", "client_reception", "--self-check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1
    assert "problem  socket client: aiohttp is not installed" in done.stdout
    assert "self-check FAILED" in done.stdout and "Traceback" not in done.stdout + done.stderr


@pytest.mark.timeout(120)
def test_a_second_launch_of_the_app_exits_and_raises_the_first() -> None:
    """The real entry point twice, offscreen: the first shows its sign-in window and keeps running; the second
    says the app is already open and exits 0 at once."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CLINIC_INSTANCE_NAME": _name(),
        "CLINIC_SERVER_URL": "http://127.0.0.1:9",
    }
    first = subprocess.Popen(
        [sys.executable, "-m", "client_reception"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        probe = QLocalSocket()
        while True:  # wait until the first instance listens
            probe.connectToServer(env["CLINIC_INSTANCE_NAME"])
            if probe.waitForConnected(200):
                probe.disconnectFromServer()
                break
            assert first.poll() is None, first.stdout.read().decode() if first.stdout else ""
            assert time.monotonic() < deadline, "the first instance never started listening"
            time.sleep(0.2)
        second = subprocess.run(
            [sys.executable, "-m", "client_reception"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 0, second.stdout + second.stderr
        assert "already open" in second.stdout
        assert first.poll() is None  # the first one is untouched
    finally:
        first.terminate()
        first.wait(timeout=20)


def test_a_probe_does_not_raise_the_window(qtbot, monkeypatch) -> None:
    """scripts/demo asks whether an app is open before starting it: that question must not raise its window."""
    from common.qt.single_instance import is_running

    name = _name()
    monkeypatch.setenv("CLINIC_INSTANCE_NAME", name)
    assert not is_running("reception")
    guard = SingleInstance(name)
    assert guard.claim()
    try:
        with qtbot.assertNotEmitted(guard.activated, wait=300):
            assert is_running("reception")
    finally:
        guard.close()
