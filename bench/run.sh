#!/usr/bin/env bash
# Throughput/latency/RSS benchmark of openai-sim against a minimal C libmicrohttpd server
# configured the same way (bench/ref_server.c). See bench/README.md.
#
# Environment knobs (all optional):
#   BENCH_SECONDS=8          wrk duration per measured run
#   BENCH_WARMUP_SECONDS=1   wrk warm-up run before each measured run (0: none)
#   BENCH_THREADS=2          wrk -t
#   BENCH_CONNECTIONS=64     wrk -c
#   BENCH_ROUNDS=1           alternating ours/ref rounds per endpoint; the best of each is kept
#   BENCH_ENDPOINTS=FILE     endpoint list (default bench/endpoints.txt)
#   BENCH_API_KEY=bench      bearer token
#   OPENAI_SIM_BIN=PATH      server binary (default .build/release/openai-sim, built if missing)
#   BENCH_KEEP=1             keep the work dir (logs, raw wrk output) instead of deleting it
#
# Exit status: 0 when the report was produced (even with FAIL rows: it is a report);
# non-zero on a setup error (build failure, a server that does not start, an endpoint that
# does not answer 2xx before the benchmark) or when our server dies during the run.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
DURATION=${BENCH_SECONDS:-8}
WARMUP=${BENCH_WARMUP_SECONDS:-1}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-64}
ROUNDS=${BENCH_ROUNDS:-1}
ENDPOINTS_FILE=${BENCH_ENDPOINTS:-$BENCH_DIR/endpoints.txt}
API_KEY=${BENCH_API_KEY:-bench}
SIM_BIN=${OPENAI_SIM_BIN:-$REPO/.build/release/openai-sim}

RATIO_TARGET=0.8   # ours req/s >= 0.8 x reference req/s
P99_TARGET_MS=10   # our p99 latency
RSS_TARGET_MB=25   # our idle resident memory

WORK=$(mktemp -d /tmp/openai-sim-bench.XXXXXX)
PIDS=()
SETUP_ERRORS=0

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop on SIGTERM within 5 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$pid"; done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found (apt-get install -y $2)"; }
need wrk wrk
need curl curl
need gcc gcc
need pkg-config pkg-config
need python3 python3
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer"
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)

# ---------------------------------------------------------------- build
REF_BIN=$WORK/ref_server
# shellcheck disable=SC2046
gcc -O2 -Wall -o "$REF_BIN" "$BENCH_DIR/ref_server.c" $(pkg-config --cflags --libs libmicrohttpd) -lpthread \
    || die "could not build bench/ref_server.c (is libmicrohttpd-dev installed?)"

if [[ ! -x "$SIM_BIN" ]]; then
    if [[ -n "${OPENAI_SIM_BIN:-}" ]]; then die "OPENAI_SIM_BIN=$OPENAI_SIM_BIN is not an executable"; fi
    log "building openai-sim (release): swift build -c release --product openai-sim"
    (cd "$REPO" && swift build -c release --product openai-sim) >&2 || die "swift build failed"
    [[ -x "$SIM_BIN" ]] || die "build finished but $SIM_BIN is missing"
fi

# ---------------------------------------------------------------- servers
# start_server NAME CMD... : starts CMD in the background, waits for its base URL on stdout.
# Sets STARTED_PID and STARTED_URL (http://host:port, without /v1).
start_server() {
    local name=$1; shift
    local out=$WORK/$name.stdout err=$WORK/$name.stderr i url
    "$@" >"$out" 2>"$err" &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
    for i in $(seq 1 200); do
        url=$(grep -oE 'http://[0-9.]+:[0-9]+/v1' "$out" 2>/dev/null | head -n1 || true)
        if [[ -n "$url" ]]; then STARTED_URL=${url%/v1}; return 0; fi
        if ! kill -0 "$STARTED_PID" 2>/dev/null; then
            cat "$err" >&2 || true
            die "$name exited before printing its URL: $*"
        fi
        sleep 0.05
    done
    cat "$err" >&2 || true
    die "$name printed no URL within 10 s: $*"
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
kb_to_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

start_server ours "$SIM_BIN" serve --port 0 --host 127.0.0.1 --clock virtual --seed 0
OURS_PID=$STARTED_PID
OURS_URL=$STARTED_URL
log "openai-sim: pid $OURS_PID at $OURS_URL"

health=$(curl -sS -o /dev/null -w '%{http_code}' "$OURS_URL/__sim/health" || true)
[[ "$health" == 200 ]] || die "GET /__sim/health answered '$health', expected 200"
RSS_START=$(rss_kb "$OURS_PID")

# A file for the /v1/files/{file_id} rows.
printf '{"prompt": "bench", "completion": "ok"}\n%.0s' $(seq 1 16) >"$WORK/bench.jsonl"
code=$(curl -sS -o "$WORK/upload.json" -w '%{http_code}' -H "Authorization: Bearer $API_KEY" \
    -F purpose=assistants -F "file=@$WORK/bench.jsonl;filename=bench.jsonl" "$OURS_URL/v1/files" || true)
[[ "$code" == 200 ]] || { cat "$WORK/upload.json" >&2 || true; die "POST /v1/files answered '$code', expected 200"; }
FILE_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/upload.json") \
    || die "POST /v1/files returned no id: $(cat "$WORK/upload.json")"
log "uploaded $FILE_ID"
RSS_BEFORE_LOAD=$(rss_kb "$OURS_PID")

# ---------------------------------------------------------------- endpoints
# Each row: METHOD PATH BODY_FILE [CONTENT_TYPE]
ROWS=()
while IFS= read -r line || [[ -n "$line" ]]; do
    line=${line%%#*}
    [[ -z "${line//[[:space:]]/}" ]] && continue
    ROWS+=("$line")
done <"$ENDPOINTS_FILE"
[[ ${#ROWS[@]} -gt 0 ]] || die "no endpoints in $ENDPOINTS_FILE"

# probe URL METHOD BODY CTYPE OUTFILE -> prints "status size header_count"
probe() {
    local url=$1 method=$2 body=$3 ctype=$4 out=$5
    local args=(-sS -X "$method" -H "Authorization: Bearer $API_KEY" -D "$out.headers" -o "$out"
                -w '%{http_code} %{size_download}')
    if [[ "$body" != "-" ]]; then args+=(-H "Content-Type: $ctype" --data-binary "@$body"); fi
    local res
    res=$(curl "${args[@]}" "$url") || true
    [[ -n "$res" ]] || res="000 0"
    local hdrs
    hdrs=$(grep -c ':' "$out.headers" 2>/dev/null || echo 0)
    echo "$res $hdrs"
}

# CPU time (user + system, clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
# Involuntary context switches (preemptions) of all a process's threads so far.
preemptions() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^nonvoluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'; }

# run_wrk URL METHOD BODY CTYPE TAG PID -> prints the BENCH_RESULT key=value fields, plus
# cpu_us=N: the server's CPU microseconds per request during the measured run, and
# preempt=N: how often per request one of its threads was preempted (mostly by wrk). Throughput
# depends on how wrk and the server share the 2 cores; CPU per request is what the server
# itself spends (kernel time on its behalf included).
run_wrk() {
    local url=$1 method=$2 body=$3 ctype=$4 tag=$5 pid=$6 t0 t1 p0 p1 res
    export BENCH_API_KEY=$API_KEY BENCH_METHOD=$method BENCH_BODY_FILE=$body BENCH_CONTENT_TYPE=$ctype
    if [[ "$WARMUP" != 0 ]]; then
        wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$BENCH_DIR/wrk.lua" "$url" >"$WORK/$tag.warmup" 2>&1 \
            || die "wrk warm-up failed against $url (see $WORK/$tag.warmup)"
    fi
    t0=$(cpu_ticks "$pid"); p0=$(preemptions "$pid")
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$BENCH_DIR/wrk.lua" "$url" >"$WORK/$tag.wrk" 2>&1 \
        || die "wrk failed against $url: $(cat "$WORK/$tag.wrk")"
    t1=$(cpu_ticks "$pid"); p1=$(preemptions "$pid")
    res=$(grep '^BENCH_RESULT' "$WORK/$tag.wrk" | head -n1 | cut -d' ' -f2-)
    [[ -n "$res" ]] || die "no BENCH_RESULT in wrk output for $url"
    echo "$res cpu_us=$(awk -v d=$((t1 - t0)) -v n="$(field "$res" requests)" -v hz="$CLK_TCK" \
        'BEGIN { if (n > 0) printf "%.1f", d * 1e6 / hz / n; else print 0 }') preempt=$(awk -v d=$((p1 - p0)) \
        -v n="$(field "$res" requests)" 'BEGIN { if (n > 0) printf "%.2f", d / n; else print 0 }')"
}

field() { # field "k=v k=v" KEY
    local kv
    for kv in $1; do [[ "${kv%%=*}" == "$2" ]] && { echo "${kv#*=}"; return; }; done
    echo 0
}
us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

RESULTS=()  # formatted table rows
NOTES=()
i=0
for row in "${ROWS[@]}"; do
    i=$((i + 1))
    read -r method path body ctype target _ <<<"$row"
    body=${body:--}
    ctype=${ctype:-application/json}
    target=${target:-$RATIO_TARGET}
    if [[ "$body" != "-" && "$body" != /* ]]; then body=$BENCH_DIR/$body; fi
    if [[ "$body" != "-" && ! -f "$body" ]]; then die "body file $body (endpoint $method $path) not found"; fi
    rpath=${path//\{file_id\}/$FILE_ID}
    label="$method $path"

    read -r status size ours_hdrs <<<"$(probe "$OURS_URL$rpath" "$method" "$body" "$ctype" "$WORK/probe$i.ours")"
    if [[ ! "$status" =~ ^2 ]]; then
        NOTES+=("$label: our server answered $status before the benchmark: $(head -c 300 "$WORK/probe$i.ours" 2>/dev/null)")
        RESULTS+=("$(printf '%-28s %10s %10s %6s %8s %8s %8s %8s %8s %8s %8s %8s  %s' "$label" - - - - - - - - - - - "ERROR (probe $status)")")
        SETUP_ERRORS=$((SETUP_ERRORS + 1))
        continue
    fi

    start_server "ref$i" "$REF_BIN" "$size"
    REF_PID=$STARTED_PID
    REF_URL=$STARTED_URL
    [[ "$REF_URL" != "$OURS_URL" ]] || die "reference and openai-sim on the same address $REF_URL"
    read -r rstatus rsize ref_hdrs <<<"$(probe "$REF_URL$rpath" "$method" "$body" "$ctype" "$WORK/probe$i.ref")"
    [[ "$rstatus" == 200 && "$rsize" == "$size" ]] || die "reference probe: status $rstatus size $rsize (wanted 200, $size)"
    log "$label: body $size bytes, response headers ours $ours_hdrs / ref $ref_hdrs; running wrk ${DURATION}s x 2"

    # Rounds alternate ours/ref so that background load hits both alike; the best round of each
    # side (highest req/s) is reported.
    ours="" ref=""
    for round in $(seq 1 "$ROUNDS"); do
        o=$(run_wrk "$OURS_URL$rpath" "$method" "$body" "$ctype" "ours$i.$round" "$OURS_PID")
        kill -0 "$OURS_PID" 2>/dev/null || die "openai-sim died during the benchmark of $label (stderr: $(tail -n 20 "$WORK/ours.stderr"))"
        r=$(run_wrk "$REF_URL$rpath" "$method" "$body" "$ctype" "ref$i.$round" "$REF_PID")
        [[ $ROUNDS -gt 1 ]] && log "  round $round: ours $(field "$o" rps) req/s, ref $(field "$r" rps) req/s"
        if [[ -z "$ours" ]] || awk -v a="$(field "$o" rps)" -v b="$(field "$ours" rps)" 'BEGIN { exit !(a > b) }'; then ours=$o; fi
        if [[ -z "$ref" ]] || awk -v a="$(field "$r" rps)" -v b="$(field "$ref" rps)" 'BEGIN { exit !(a > b) }'; then ref=$r; fi
    done
    stop_pid "$REF_PID"

    o_rps=$(field "$ours" rps); r_rps=$(field "$ref" rps)
    o_p50=$(us_to_ms "$(field "$ours" p50_us)"); o_p99=$(us_to_ms "$(field "$ours" p99_us)")
    r_p50=$(us_to_ms "$(field "$ref" p50_us)"); r_p99=$(us_to_ms "$(field "$ref" p99_us)")
    ratio=$(awk -v a="$o_rps" -v b="$r_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "0.00" }')
    errs=$(( $(field "$ours" non2xx) + $(field "$ours" connect) + $(field "$ours" read) + $(field "$ours" write) + $(field "$ours" timeout) ))

    verdict=PASS
    why=()
    awk -v r="$ratio" -v t="$target" 'BEGIN { exit !(r >= t) }' || { verdict=FAIL; why+=("ratio<$target"); }
    awk -v p="$o_p99" -v t="$P99_TARGET_MS" 'BEGIN { exit !(p <= t) }' || { verdict=FAIL; why+=("p99>${P99_TARGET_MS}ms"); }
    if [[ $errs -gt 0 ]]; then
        verdict=FAIL
        why+=("errors")
        NOTES+=("$label: our server had non-2xx=$(field "$ours" non2xx) connect=$(field "$ours" connect) read=$(field "$ours" read) write=$(field "$ours" write) timeout=$(field "$ours" timeout) under load")
    fi
    [[ ${#why[@]} -gt 0 ]] && verdict="$verdict (${why[*]})"
    RESULTS+=("$(printf '%-28s %10.0f %10.0f %6s %8s %8s %8s %8s %8s %8s %8s %8s  %s' "$label" "$o_rps" "$r_rps" "$ratio" "$o_p50" "$o_p99" \
        "$r_p50" "$r_p99" "$(field "$ours" cpu_us)" "$(field "$ref" cpu_us)" "$(field "$ours" preempt)" "$(field "$ref" preempt)" "$verdict")")
done

kill -0 "$OURS_PID" 2>/dev/null || die "openai-sim died during the benchmark"
sleep 1
RSS_AFTER=$(rss_kb "$OURS_PID")
# The load left state behind (every POST /v1/responses is stored); a reset drops it and must
# hand the memory back.
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$OURS_URL/__sim/reset" || true)
[[ "$code" == 200 ]] || die "POST /__sim/reset answered '$code', expected 200"
sleep 1
RSS_AFTER_RESET=$(rss_kb "$OURS_PID")

# ---------------------------------------------------------------- report
echo
echo "openai-sim vs reference libmicrohttpd server (C), wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) cores"
echo "targets: ratio >= $RATIO_TARGET, our p99 <= ${P99_TARGET_MS} ms, no errors under load"
echo "rounds per endpoint: $ROUNDS (best kept); 1-min load average before the run: $LOAD_BEFORE"
if awk -v l="$LOAD_BEFORE" 'BEGIN { exit !(l > 0.5) }'; then
    echo "WARNING: the machine was busy before the run (load $LOAD_BEFORE): figures are unreliable"
fi
echo
printf '%-28s %10s %10s %6s %8s %8s %8s %8s %8s %8s %8s %8s  %s\n' endpoint "ours req/s" "ref req/s" ratio "ours p50" "ours p99" "ref p50" "ref p99" \
    "ours cpu" "ref cpu" "ours pre" "ref pre" result
printf '%-28s %10s %10s %6s %8s %8s %8s %8s %8s %8s %8s %8s  %s\n' "" "" "" "" "(ms)" "(ms)" "(ms)" "(ms)" "(us/req)" "(us/req)" "(/req)" "(/req)" ""
for r in "${RESULTS[@]}"; do echo "$r"; done
echo
rss_row() { # LABEL KB [NOTE]: with a NOTE the row is information, not held to the target
    local label=$1 kb=$2 mb verdict
    mb=$(kb_to_mb "$kb")
    verdict=PASS
    awk -v m="$mb" -v t="$RSS_TARGET_MB" 'BEGIN { exit !(m <= t) }' || verdict=FAIL
    [[ -n "${3:-}" ]] && verdict="($3)"
    printf '%-34s %8s MB   %s\n' "$label" "$mb" "$verdict"
}
echo "openai-sim resident memory (VmRSS), target <= ${RSS_TARGET_MB} MB:"
rss_row "idle after start" "$RSS_START"
rss_row "idle before load (1 file uploaded)" "$RSS_BEFORE_LOAD"
rss_row "idle after load" "$RSS_AFTER" "holds what the load stored: the newest 10,000 responses (--max-stored)"
rss_row "idle after load, then reset" "$RSS_AFTER_RESET"
if [[ ${#NOTES[@]} -gt 0 ]]; then
    echo
    echo "notes:"
    for n in "${NOTES[@]}"; do echo "  - $n"; done
fi
if [[ $SETUP_ERRORS -gt 0 ]]; then
    echo
    echo "$SETUP_ERRORS endpoint(s) could not be benchmarked (see notes)" >&2
    exit 1
fi
exit 0
