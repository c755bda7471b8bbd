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

# Pinned versions (bump together; ensure_venv reinstalls the venv when they change).
REQUIREMENTS=(
  "openai==3.57.0"
  "pytest==9.2.0"
  "pyyaml==6.0.4"
  "jsonschema==4.26.0"
  "lark==1.3.1"
)

log() { printf 'interop.sh: %s\n' "$*" >&2; }

# shellcheck source=scripts/venv.sh
. "$ROOT/scripts/venv.sh"
ensure_venv "$VENV" .interop-requirements "${REQUIREMENTS[@]}" || exit 2

# No .pytest_cache or __pycache__ left in the work tree.
export PYTHONDONTWRITEBYTECODE=1
"$VENV/bin/python" -m pytest -p no:cacheprovider Tests/interop -q "$@"
exit $?
