"""installer/linux: the server and backup units pass `systemd-analyze verify` (Debian's systemd package, which
scripts/test installs), run as their own user, restart on failure and are hardened."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server_process import ROOT

LINUX = ROOT / "installer" / "linux"
UNITS = ("clinic-server.service", "clinic-backup.service", "clinic-backup.timer")
INSTALLED_BINARY = "/opt/clinic/bin/clinic-server"
ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(
    ANALYZE is None, reason="systemd-analyze is not installed (scripts/test installs it)"
)


def _as_installed_here(tmp_path: Path) -> Path:
    """verify checks that ExecStart exists: point it at this checkout's clinic-server instead of /opt/clinic."""
    here = shutil.which("clinic-server") or str(Path(sys.executable).with_name("clinic-server"))
    assert Path(here).exists(), "clinic-server is not installed in this environment"
    for name in UNITS:
        (tmp_path / name).write_text((LINUX / name).read_text().replace(INSTALLED_BINARY, here))
    return tmp_path


def _settings(name: str) -> dict[str, str]:
    settings: dict[str, str] = {}
    for line in (LINUX / name).read_text().splitlines():
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    return settings


@needs_systemd
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    folder = _as_installed_here(tmp_path)
    done = subprocess.run(
        [ANALYZE, "verify", "--man=no", *UNITS], cwd=folder, capture_output=True, text=True, timeout=120
    )
    # verify exits 0 on some mistakes (an unknown key, a bad value) and only warns: no output at all is the bar
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


@needs_systemd
def test_a_mistake_in_a_unit_is_caught(tmp_path: Path) -> None:
    """The check above can fail: a misspelt option is reported."""
    folder = _as_installed_here(tmp_path)
    unit = folder / "clinic-server.service"
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=sometimes"))
    done = subprocess.run([ANALYZE, "verify", "--man=no", unit.name], cwd=folder, capture_output=True, text=True)
    assert "sometimes" in done.stdout + done.stderr


@needs_systemd
def test_server_unit_exposure_is_low(tmp_path: Path) -> None:
    folder = _as_installed_here(tmp_path)
    done = subprocess.run(
        [ANALYZE, "security", "--offline=yes", "--threshold=30", "--no-pager", "clinic-server.service"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]  # exposure 3.0 or lower out of 10 ("OK")


def test_server_unit_runs_as_its_own_user_restarts_and_is_hardened() -> None:
    unit = _settings("clinic-server.service")
    assert unit["User"] == unit["Group"] == "clinic"
    assert unit["Restart"] == "on-failure"
    assert unit["ExecStart"].startswith(f"{INSTALLED_BINARY} run")
    assert unit["StateDirectory"] == "clinic" and "CLINIC_DATA_DIR=/var/lib/clinic" in unit["Environment"]
    hardening = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectControlGroups": "yes",
        "RestrictSUIDSGID": "yes",
        "CapabilityBoundingSet": "",
    }
    assert {k: unit.get(k) for k in hardening} == hardening


def test_backup_timer_runs_the_backup_nightly_and_keeps_the_last_n() -> None:
    timer = _settings("clinic-backup.timer")
    service = _settings("clinic-backup.service")
    assert timer["OnCalendar"] and timer["Persistent"] == "true"
    assert service["User"] == "clinic" and service["Type"] == "oneshot"
    assert service["ExecStart"].startswith(f"{INSTALLED_BINARY} backup") and "--keep" in service["ExecStart"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_entries_validate() -> None:
    entries = [str(LINUX / f"clinic-{app}.desktop") for app in ("reception", "doctor")]
    done = subprocess.run(["desktop-file-validate", *entries], capture_output=True, text=True, timeout=60)
    problems = [line for line in (done.stdout + done.stderr).splitlines() if "hint:" not in line]
    assert done.returncode == 0 and problems == [], problems
