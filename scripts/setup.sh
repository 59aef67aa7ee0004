#!/usr/bin/env bash
# Set up a fresh Debian machine: system packages (Python venv, CJK font; Chromium for browser tests with --dev)
# and a virtual environment with the pinned requirements, every package pinned by constraints.txt.
# Idempotent and quick when nothing changed.
# Usage: scripts/setup.sh [--dev | --cluster]   (--cluster: also the Dask engine; --dev includes it)
set -euo pipefail
cd "$(dirname "$0")/.."
dev=false
cluster=false
[ "${1:-}" = "--dev" ] && dev=true
[ "${1:-}" = "--cluster" ] && cluster=true

apt_packages=(python3-venv fonts-wqy-microhei)
$dev && apt_packages+=(chromium)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  echo "Installing system packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
# A venv left half-made by an earlier failure (no pip) is made again.
[ -x .venv/bin/pip ] || "$python" -m venv --clear .venv
requirements=requirements.txt
$cluster && requirements=requirements-cluster.txt
$dev && requirements=requirements-dev.txt
# Install only when the requirements changed since the last install: starts work offline after the first.
stamp=".venv/.installed-$(cat requirements*.txt constraints.txt | sha256sum | cut -c1-16)-$requirements"
if [ ! -f "$stamp" ]; then
  # The venv's own pip and setuptools are whatever Python shipped (with known advisories): pinned first.
  .venv/bin/python -m pip install -q --upgrade pip setuptools -c constraints.txt
  .venv/bin/python -m pip install -q -r "$requirements" -c constraints.txt
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# The project's own modules compiled once. Where PYTHONDONTWRITEBYTECODE is set (this machine, CI) every process
# would otherwise compile core/, ui/ and pages/ again when it starts (about 0.15 s); an edited file is simply
# compiled again in memory, as Python does with any stale bytecode.
.venv/bin/python -m compileall -q core ui pages benchmarks streamlit_app.py >/dev/null
