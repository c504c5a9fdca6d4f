#!/usr/bin/env bash
# Create .venv with the real xpersist + Prefect 1.x (requirements.txt). Idempotent: a stamp
# holding the hash of requirements.txt skips the install when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${XPERSIST_VENV:-$PWD/.venv}
PY=${PYTHON:-python3}
log() { echo "[setup-python $(date +%T)] $*" >&2; }

if ! command -v "$PY" >/dev/null 2>&1; then
  echo "setup-python: $PY not found. Install Python 3.11, e.g.: apt-get install -y python3 python3-venv" >&2
  exit 1
fi
want=$(sha256sum requirements.txt | cut -c1-16)
if [ -f "$VENV/.requirements-stamp" ] && [ "$(cat "$VENV/.requirements-stamp")" = "$want" ] \
   && "$VENV/bin/python" -c 'import xpersist, prefect' >/dev/null 2>&1; then
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV with $($PY --version 2>&1)"
  if ! "$PY" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    if [ "$(id -u)" != 0 ]; then
      echo "setup-python: '$PY -m venv' failed. Run this once, then re-run the command you ran:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-venv" >&2
      exit 1
    fi
    log "installing the Debian package python3-venv"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv >&2
    "$PY" -m venv "$VENV"
  fi
fi
log "pip install -r requirements.txt (xpersist==2021.12.17, prefect==1.4.1, ...; ~2-4 min cold)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt >&2
"$VENV/bin/python" -c 'import xpersist, prefect, xarray, zarr; print("[setup-python] xpersist", xpersist.__version__, "prefect", prefect.__version__, "xarray", xarray.__version__, "zarr", zarr.__version__)' >&2
echo "$want" > "$VENV/.requirements-stamp"
