#!/usr/bin/env bash
# Interop suite: drives the openai-sim server with the official `openai` Python SDK.
#
# Creates (if missing) a virtualenv at .build/interop-venv with pinned packages, then runs
#   pytest Tests/interop -q "$@"
# and exits with pytest's exit code.
#
# Env:
#   OPENAI_SIM_BIN   path of the server binary (default: .build/debug/openai-sim, else .build/release/openai-sim)
#   INTEROP_VENV     venv location (default: <repo>/.build/interop-venv)
#   PYTHON           interpreter used to create the venv (default: python3)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${INTEROP_VENV:-$ROOT/.build/interop-venv}"
PY="${PYTHON:-python3}"

# Pinned versions (bump together; the stamp below makes the venv reinstall when they change).
REQUIREMENTS=(
  "openai==3.57.0"
  "pytest==9.2.0"
  "pyyaml==6.0.4"
  "jsonschema==4.26.0"
)
STAMP="$VENV/.interop-requirements"
WANT="$(printf '%s\n' "${REQUIREMENTS[@]}")"

log() { printf 'interop.sh: %s\n' "$*" >&2; }

make_venv() {
  if "$PY" -m venv "$VENV" 2>/dev/null; then
    return 0
  fi
  rm -rf "$VENV"
  # Debian/Ubuntu ship venv (and ensurepip) separately.
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "python3 -m venv failed; installing python3-venv with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    ver="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || true)"
    apt-get install -y -qq python3-venv >/dev/null 2>&1 || true
    if [ -n "$ver" ]; then apt-get install -y -qq "python${ver}-venv" >/dev/null 2>&1 || true; fi
    "$PY" -m venv "$VENV" && return 0
  fi
  log "cannot create a virtualenv with '$PY -m venv' (install python3-venv)"
  return 1
}

if [ ! -x "$VENV/bin/python" ] || [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  log "setting up $VENV"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  make_venv || exit 2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${REQUIREMENTS[@]}"; then
    log "pip install failed"
    rm -rf "$VENV"
    exit 2
  fi
  printf '%s' "$WANT" > "$STAMP"
fi

# No .pytest_cache or __pycache__ left in the work tree.
export PYTHONDONTWRITEBYTECODE=1
"$VENV/bin/python" -m pytest -p no:cacheprovider Tests/interop -q "$@"
exit $?
