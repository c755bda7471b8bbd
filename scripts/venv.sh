# Sourced by scripts/interop.sh and scripts/fuzz.sh: a virtualenv with pinned packages.
#
#   ensure_venv VENV STAMP_NAME REQUIREMENT...
#
# (Re)creates VENV when it is missing or its requirements changed (recorded in VENV/STAMP_NAME),
# installing python3-venv with apt-get when `python3 -m venv` fails as root on Debian/Ubuntu.
# Returns 2 on failure. Uses $PYTHON (default python3) and the caller's `log` function.

make_venv() { # VENV
  local venv=$1 py=${PYTHON:-python3} ver
  if "$py" -m venv "$venv" 2>/dev/null; then
    return 0
  fi
  rm -rf "$venv"
  # Debian/Ubuntu ship venv (and ensurepip) separately.
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    log "python3 -m venv failed; installing python3-venv with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || true)"
    apt-get install -y -qq python3-venv >/dev/null 2>&1 || true
    if [ -n "$ver" ]; then apt-get install -y -qq "python${ver}-venv" >/dev/null 2>&1 || true; fi
    "$py" -m venv "$venv" && return 0
  fi
  log "cannot create a virtualenv with '$py -m venv' (install python3-venv)"
  return 1
}

ensure_venv() { # VENV STAMP_NAME REQUIREMENT...
  local venv=$1 stamp="$1/$2" want
  shift 2
  want="$(printf '%s\n' "$@")"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  log "setting up $venv"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  make_venv "$venv" || return 2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
  if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@"; then
    log "pip install failed"
    rm -rf "$venv"
    return 2
  fi
  printf '%s' "$want" >"$stamp"
}
