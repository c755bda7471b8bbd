#!/usr/bin/env bash
# Robustness and conformance fuzz: schemathesis generates requests (valid and invalid) from the
# official OpenAPI spec for every operation openai-sim serves and sends them to a live server.
# Fails on any 5xx answer, any request that takes longer than FUZZ_TIMEOUT seconds (a hang), a
# server that is no longer running afterwards (a crash), or a JSON answer that does not match the
# spec. Path parameters are pinned to live resources created first (Tests/fuzz/seed_resources.py),
# so retrieve/cancel/delete reach their success paths. The spec check, `spec_conformance`
# (Tests/fuzz/spec_hooks.py), runs the project's shared checker (../shared/tools/spec_check.py)
# on every answer, with the interop suite's allowances for the places the spec contradicts
# itself (Tests/interop/spec_gaps.py). The fuzzer's own
# status-code and schema checks are not used: the spec documents only the success status of
# most operations and error bodies without their {"error": ...} wrapper, so they would report
# those differences, not our bugs.
#
#   scripts/fuzz.sh            (make test-fuzz; make test runs it after the Python suites)
#
# Creates (if missing) a virtualenv at .build/fuzz-venv with a pinned schemathesis. Skips with
# a message, exit 0, when ../shared/openapi/openai-openapi.yaml is absent (a user's clone).
#
# Env:
#   OPENAI_SIM_BIN   server binary (default: .build/release/openai-sim, else .build/debug/openai-sim)
#   FUZZ_EXAMPLES    examples per operation in the fuzzing phases (default 15; the coverage phase
#                    generates its own, most of the ~56,000 cases, whatever this says)
#   FUZZ_SEED        schemathesis seed (default 20261127: the same cases on every run)
#   FUZZ_TIMEOUT     seconds one request may take (default 10)
#   FUZZ_VENV        venv location (default: <repo>/.build/fuzz-venv)
#   FUZZ_SERVER_ARGS more `openai-sim serve` flags (e.g. --scenario FILE, to check that a 5xx fails the run)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf 'fuzz.sh: %s\n' "$*" >&2; }

SPEC="$ROOT/../shared/openapi/openai-openapi.yaml"
if [ ! -f "$SPEC" ]; then
  log "SKIPPED: $SPEC not found (the fuzz run needs the official spec beside the repo in ../shared)"
  exit 0
fi

BIN="${OPENAI_SIM_BIN:-}"
if [ -z "$BIN" ]; then
  if [ -x .build/release/openai-sim ]; then BIN=.build/release/openai-sim; else BIN=.build/debug/openai-sim; fi
fi
[ -x "$BIN" ] || { log "no server binary at $BIN (run swift build first)"; exit 2; }

VENV="${FUZZ_VENV:-$ROOT/.build/fuzz-venv}"
# shellcheck source=scripts/venv.sh
. "$ROOT/scripts/venv.sh"
# jsonschema and pyyaml: the shared spec checker the spec_conformance check runs (the same pins as
# scripts/interop.sh).
ensure_venv "$VENV" .fuzz-requirements "schemathesis==4.32.5" "pyyaml==6.0.4" "jsonschema==4.26.0" || exit 2

WORK="$(mktemp -d)"
SERVER_PID=""
SERVER_PIDS=()
cleanup() {
  for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME ARGS...: starts `openai-sim serve` on a free port; sets URL and SERVER_PID.
start_server() {
  local name=$1; shift
  "$BIN" serve --port 0 --clock virtual --seed 0 --log-format json "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  URL=""
  for _ in $(seq 1 200); do
    URL="$(grep -o 'http://[0-9.:]*/v1' "$WORK/$name.stdout" | head -n1)"
    [ -n "$URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { log "server exited at start: $(tail -n 20 "$WORK/$name.stderr")"; exit 2; }
    sleep 0.05
  done
  log "server printed no URL"; exit 2
}

# st_run CONFIG_FILE|"" RUN_OPTIONS...: `st run` against $URL with the spec_conformance check
# loaded (Tests/fuzz/spec_hooks.py), from the scratch directory (schemathesis and hypothesis
# write caches into the current one).
st_run() {
  local config=() ; [ -n "$1" ] && config=(--config-file "$1"); shift
  (cd "$WORK" && SCHEMATHESIS_HOOKS="$ROOT/Tests/fuzz/spec_hooks.py" "$VENV/bin/st" "${config[@]}" run "$SPEC" \
    --url "$URL" -H "Authorization: Bearer sk-fuzz" --no-color "$@")
}

# Self-check first: against a server whose GET /v1/models answers a list the spec refuses
# (Tests/fuzz/fuzz-selfcheck.yaml), the spec check must fail. A check that cannot fail would
# make every run below pass.
start_server selfcheck --scenario "$ROOT/Tests/fuzz/fuzz-selfcheck.yaml"
st_run "" --include-path-regex '^/models$' --include-method GET \
  --checks spec_conformance --phases examples,fuzzing --max-examples 2 --seed 1 >"$WORK/selfcheck.out" 2>&1
if ! grep -q 'Custom check failed: `spec_conformance`' "$WORK/selfcheck.out"; then
  log "FAILED: the spec check did not catch a GET /v1/models answer the spec refuses:"
  tail -n 30 "$WORK/selfcheck.out"
  exit 1
fi
kill "$SERVER_PID" 2>/dev/null
log "self-check: the spec check fails on a bad answer, as it must"

start_server fuzz ${FUZZ_SERVER_ARGS:-}
log "fuzzing $URL ($BIN)"

# Live resources (a file, an upload, a batch, a finished fine-tuning job with its checkpoint,
# permission and model, a stored chat completion, a response, a conversation with an item, an eval with a run and an output item), pinned as the path parameters of
# every operation that takes one, with a set of their own for DELETE and for cancel operations:
# otherwise every generated id is unknown and only the 404 paths are reached. A refusal here is
# the simulator's failure.
"$VENV/bin/python" "$ROOT/Tests/fuzz/seed_resources.py" "$URL" sk-fuzz "$WORK/schemathesis.toml" \
  || { log "FAILED: could not create the resources to fuzz"; exit 1; }

# The operations openai-sim serves (of the organization API: projects and their users, service
# accounts and their keys, API keys, rate limits, groups, certificates and settings; admin API
# keys, users and their roles, invites, audit logs, usage, costs, roles, groups, certificates,
# data retention, spend limit and alerts; project roles and role assignments under /projects).
PROJ='archive|users(/\{user_id\})?|service_accounts(/\{service_account_id\}(/api_keys)?)?|api_keys(/\{api_key_id\})?|rate_limits(/\{rate_limit_id\})?|groups(/\{group_id\})?|certificates(/(activate|deactivate))?|data_retention|spend_limit|spend_alerts(/\{alert_id\})?|model_permissions|hosted_tool_permissions'
ORG="organization/(projects(/\{project_id\}(/($PROJ))?)?|admin_api_keys(/\{key_id\})?|users(/\{user_id\}(/roles(/\{role_id\})?)?)?|invites(/\{invite_id\})?|audit_logs|usage/[a-z_]+|costs|roles(/\{role_id\})?|groups(/\{group_id\}(/(users(/\{user_id\})?|roles(/\{role_id\})?))?)?|certificates(/(activate|deactivate|\{certificate_id\}))?|data_retention|spend_limit|spend_alerts(/\{alert_id\})?)\$"
PROJECTS='projects/\{project_id\}/(roles(/\{role_id\})?|(users/\{user_id\}|groups/\{group_id\})/roles(/\{role_id\})?)$'
PATHS="^/(files|uploads|models|chat/completions|completions|responses|conversations|embeddings|moderations|batches|fine_tuning|evals|$ORG|$PROJECTS)"
# One worker. With two, schemathesis' worker threads ast.parse at the same time (hypothesis
# describing a lambda-built strategy), which CPython 3.11 does not survive reliably:
# "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905), reported as a
# schemathesis Runtime Error; it failed one CI run and one of three local runs. Two workers were
# also slower here (3m24-4m03 against 2m51 for one), the generation being GIL-bound.
st_run "$WORK/schemathesis.toml" \
  --include-path-regex "$PATHS" \
  --checks not_a_server_error,spec_conformance \
  --request-timeout "${FUZZ_TIMEOUT:-10}" \
  --max-examples "${FUZZ_EXAMPLES:-15}" \
  --seed "${FUZZ_SEED:-20261127}" \
  --workers 1 >"$WORK/st.out" 2>&1
rc=$?
# The summary (and any failure with its curl reproduction) without the progress lines.
sed -n '/^=* \(FAILURES\|ERRORS\|WARNINGS\|SUMMARY\) =*$/,$p' "$WORK/st.out"
grep '^spec_conformance:' "$WORK/st.out" >&2 || true
# No summary means schemathesis stopped before testing (a bad hook, a bad option): show why.
grep -q '^=* SUMMARY =*$' "$WORK/st.out" || tail -n 30 "$WORK/st.out"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  log "FAILED: the server is no longer running after the fuzz run: $(tail -n 20 "$WORK/fuzz.stderr")"
  exit 1
fi
if [ $rc -ne 0 ]; then
  log "FAILED: schemathesis exit status $rc (5xx answers, hangs, answers that do not match the spec, or errors above)"
  exit 1
fi
cases=$(grep -o '[0-9]* generated' "$WORK/st.out" | tail -n1)
log "passed: ${cases:-?} cases, no 5xx answer, every JSON answer matches the spec (allowances above), no request over ${FUZZ_TIMEOUT:-10} s, server still running"
