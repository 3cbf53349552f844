"""run_app in a real process: every way of quitting ends cleanly, with the shutdown hooks awaited."""

import os
import subprocess
import sys

import pytest

from tests.support.server_process import ROOT


def run_probe(mode: str) -> tuple[int, list[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.common.app_runner_probe", mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout.splitlines()


@pytest.mark.parametrize(
    ("mode", "code"),
    [("close", 0), ("request", 3), ("cancel", 0)],
)
def test_clean_exit_runs_hooks_and_cancels_tasks(mode, code):
    returncode, lines = run_probe(mode)
    assert lines[0] == "names ProbeOrg/Probe"
    assert "task cancelled" in lines and "hook ran" in lines
    assert lines[-1] == f"exit {code}" and returncode == code


def test_qt_quitting_by_itself_does_not_crash():
    returncode, lines = run_probe("qtquit")
    assert lines[-1] == "exit 0" and returncode == 0
    assert "task cancelled" in lines
