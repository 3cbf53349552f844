#!/usr/bin/env bash
# Every figure of benchmarks/README.md's table in one run, product and floor side by side in each script.
# Usage: benchmarks/run_all.sh [output file]   (about 13 minutes on the 2-core reference machine)
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-benchmarks/last_run.txt}"
py=.venv/bin/python
{
  echo "== $(date -u +%Y-%m-%dT%H:%MZ)  $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== push"; $py benchmarks/push_vs_floor.py --rounds 150 --clinics 20 --sockets 6 2>/dev/null
  echo "== read routes"; $py benchmarks/read_routes.py --seconds 5 --connections 32 2>/dev/null
  echo "== scale"; $py benchmarks/scale.py --rounds 30 2>/dev/null
  echo "== several processes"; $py benchmarks/multi_process.py --seconds 5 --changes 200 2>/dev/null
  echo "== doctor app cold start"; $py benchmarks/doctor_startup.py --runs 5 2>/dev/null | tail -4
  echo "== UI-thread stalls at 100 events/s"; $py benchmarks/ui_stall.py --seconds 30 2>/dev/null
  echo "== end $(date -u +%H:%MZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
