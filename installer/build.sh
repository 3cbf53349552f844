#!/usr/bin/env bash
# Builds the installable artefacts into dist/:
#   dist/clinic_crm-<version>-py3-none-any.whl   one wheel with the server, both apps and the migrations
# Install on a clinic machine with:  python3 -m venv /opt/clinic && /opt/clinic/bin/pip install dist/clinic_crm-*.whl
# then copy installer/linux/*.desktop to ~/.local/share/applications (desk PCs) and
# installer/linux/clinic-server.service to /etc/systemd/system (the server machine).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
rm -rf dist build
"$PY" -m pip wheel --no-deps --wheel-dir dist . >/dev/null
echo "built: $(ls dist/*.whl)"
# The server migrates an installed database from the wheel, so the Alembic scripts must be inside it.
"$PY" - <<'PY'
import glob, zipfile
names = zipfile.ZipFile(glob.glob("dist/*.whl")[0]).namelist()
assert any(n.startswith("server/alembic/versions/") and n.endswith(".py") for n in names), "migrations missing"
print("wheel carries", sum(n.startswith("server/alembic/versions/") for n in names), "migration file(s)")
PY
