#!/usr/bin/env bash
# Regenerates pgo/openai-sim.profdata, the execution profile the release build optimizes with
# (profile-guided optimization, see pgo/README.md). Run it after changing hot code; a stale
# profile still builds (changed functions just lose their profile), it only helps less.
#
#   scripts/pgo.sh            # instrumented build, training, merge (about 4 minutes here)
#
# Training = what the profile should make fast:
#   1. the official-SDK interop suite (Tests/interop) against the instrumented daemon: every
#      endpoint family, so code outside the hot paths is not treated as never run;
#   2. the benchmark rows of bench/endpoints.txt under wrk for 3 s each, through bench/run.sh
#      (the request paths a load test and a CI suite hammer).
# Needs what `make test` needs (the interop venv is made by scripts/interop.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf 'pgo.sh: %s\n' "$*" >&2; }

TOOLCHAIN="$(dirname "$(readlink -f "$(command -v swift)")")"
PROFDATA="$TOOLCHAIN/llvm-profdata"   # the toolchain's own: a distribution's llvm-profdata reads another format
RUNTIME="$(ls "$TOOLCHAIN"/../lib/clang/*/lib/linux/libclang_rt.profile-"$(uname -m)".a 2>/dev/null | head -1)"
[ -x "$PROFDATA" ] || { log "no llvm-profdata next to swift ($TOOLCHAIN)"; exit 1; }
[ -n "$RUNTIME" ] || { log "no libclang_rt.profile in the toolchain"; exit 1; }

SCRATCH="$ROOT/.build/pgo-gen"
RAW="$(mktemp -d)"
trap 'rm -rf "$RAW"' EXIT

log "instrumented build (scratch $SCRATCH)"
# OPENAI_SIM_NO_PGO: the manifest must not also apply the current profile to this build.
OPENAI_SIM_NO_PGO=1 swift build -c release --product openai-sim --scratch-path "$SCRATCH" \
  -Xswiftc -Xfrontend -Xswiftc -ir-profile-generate="$RAW" \
  -Xlinker "$RUNTIME" -Xlinker -u__llvm_profile_runtime
BIN="$SCRATCH/release/openai-sim"
export LLVM_PROFILE_FILE="$RAW/sim-%p.profraw"

log "training 1/2: interop suite"
# The suite's verdict does not matter here (the real run is `make test`), its traffic does.
OPENAI_SIM_BIN="$BIN" scripts/interop.sh --no-header >/dev/null || log "interop suite failed (profile still written)"

log "training 2/2: benchmark rows (bench/run.sh against the instrumented binary)"
# run.sh starts the server, uploads its file, runs every bench/endpoints.txt row and stops the
# server with SIGTERM (a clean exit, which writes the profile). Its verdict does not matter here.
OPENAI_SIM_BIN="$BIN" BENCH_SECONDS=3 BENCH_WARMUP_SECONDS=0 bench/run.sh >/dev/null 2>&1 || true

mkdir -p pgo
"$PROFDATA" merge -o pgo/openai-sim.profdata "$RAW"/*.profraw
swift --version 2>&1 | head -1 > pgo/SWIFT_VERSION
log "wrote pgo/openai-sim.profdata ($(wc -c < pgo/openai-sim.profdata) bytes) from $(ls "$RAW"/*.profraw | wc -l) runs"
