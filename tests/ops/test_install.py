"""Installing as a clinic does (issue 10 part 8, issue 15 extras): a fresh venv with the pip that Python 3.11
bundles (23.2, not upgraded), `clinic-crm[desktop]` on a desk PC and `clinic-crm[server]` on the server PC.

pip 23.2 silently ignored `python-socketio[asyncio_client]` (it does not normalise the extra's name), so aiohttp
was missing and both apps stayed Offline: the socket client must import with its transport here."""

from __future__ import annotations

import ensurepip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server_process import ROOT

_SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "tests")


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.timeout(1200)
def test_desk_pc_and_server_pc_install_with_the_bundled_pip(tmp_path: Path) -> None:
    source = tmp_path / "clinic-crm"
    shutil.copytree(ROOT, source, ignore=_SKIP)  # pip builds in the tree: keep the worktree out of it
    venv = tmp_path / "venv"
    _run([sys._base_executable, "-m", "venv", str(venv)], tmp_path)  # type: ignore[attr-defined]  # undocumented: the base Python of a venv
    py = str(venv / "bin" / "python")
    pip_version = _run([py, "-m", "pip", "--version"], tmp_path).split()[1]
    assert pip_version == ensurepip.version()  # the bundled pip itself (23.2 on Python 3.11), no upgrade

    # a desk PC: the apps and the socket client with its transport, and no server stack
    _run([py, "-m", "pip", "install", "-q", f"{source}[desktop]"], tmp_path, timeout=900)
    transport = _run([py, "-m", "common.client.transport_check"], tmp_path)
    assert "over aiohttp" in transport
    _run([py, "-c", "import client_reception.app, client_doctor.app"], tmp_path)
    no_server = subprocess.run([py, "-c", "import sqlalchemy"], cwd=tmp_path, capture_output=True, timeout=60)
    assert no_server.returncode != 0, "a desk PC install pulled in the server's database stack"

    # the server PC
    _run([py, "-m", "pip", "install", "-q", f"{source}[server]"], tmp_path, timeout=900)
    _run([py, "-c", "from server.main import create_app; create_app()"], tmp_path)
    assert (venv / "bin" / "clinic-server").exists()
