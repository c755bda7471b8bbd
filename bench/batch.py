#!/usr/bin/env python3
"""Batch benchmark: a 50,000-line chat-completions batch on a virtual clock, from create to
`completed` after advancing the clock. Prints wall seconds, lines/s and the server's peak RSS
(VmHWM) against the targets (<= 3 s, <= 200 MB). Stdlib only.

Usage: bench/batch.py [--bin PATH] [--lines N] [--runs N]

With --runs N the batch runs N times, each on a fresh server, and a last line gives the range
(the machine may be shared: wall time is noisy, the server's CPU seconds less so).
"""
import argparse, json, os, re, subprocess, sys, time, urllib.request, uuid

WALL_TARGET_S = 3.0
RSS_TARGET_MB = 200.0


def request(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    req.add_header("Authorization", "Bearer bench-batch")
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read() or b"null")


def vm(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def cpu_seconds(pid):
    """User + system CPU seconds the process has used (all threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--bin", default=os.environ.get("OPENAI_SIM_BIN", os.path.join(here, "..", ".build", "release", "openai-sim")))
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    results = [run_once(a) for _ in range(max(1, a.runs))]
    if len(results) > 1:
        walls, cpus, peaks = zip(*results)
        print(f"batch: {len(results)} runs: wall {min(walls):.2f}-{max(walls):.2f} s, server CPU {min(cpus):.2f}-{max(cpus):.2f} s, "
              f"peak RSS {min(peaks):.1f}-{max(peaks):.1f} MB")


def run_once(a):
    """One batch on a fresh server; prints its report and returns (wall s, server CPU s, peak RSS MB)."""
    proc = subprocess.Popen([a.bin, "serve", "--port", "0", "--clock", "virtual", "--seed", "0", "--log-format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://[0-9.]+:[0-9]+", line)
        if not m:
            sys.exit(f"server did not start: {line!r}")
        root = m.group(0)
        base = root + "/v1"
        prompts = ["Classify the sentiment of this review: the food was great and the staff friendly.",
                   "Summarise in one sentence: the meeting moved to Thursday because the room was booked.",
                   "Translate to French: good morning, how are you today?"]
        rows = []
        for i in range(a.lines):
            body = {"model": "gpt-4o-mini", "max_completion_tokens": 40,
                    "messages": [{"role": "system", "content": "You are a terse assistant."},
                                 {"role": "user", "content": f"{prompts[i % 3]} (item {i})"}]}
            rows.append(json.dumps({"custom_id": f"req-{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}))
        data = ("\n".join(rows) + "\n").encode()
        boundary = uuid.uuid4().hex
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.jsonl\"\r\n"
                f"Content-Type: application/jsonl\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        rss_before = vm(proc.pid, "VmRSS")
        load0 = os.getloadavg()[0]
        cpu0 = cpu_seconds(proc.pid)
        t0 = time.monotonic()
        f = request(base, "POST", "/files", form, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        b = request(base, "POST", "/batches", json.dumps({"input_file_id": f["id"], "endpoint": "/v1/chat/completions",
                                                         "completion_window": "24h"}).encode(),
                    {"Content-Type": "application/json"})
        t_created = time.monotonic()
        cpu_created = cpu_seconds(proc.pid)
        urllib.request.urlopen(urllib.request.Request(root + "/__sim/clock/advance", data=b'{"seconds": 172800}',
                                                      method="POST", headers={"Content-Type": "application/json"})).read()
        done = request(base, "GET", f"/batches/{b['id']}")
        t_done = time.monotonic()
        cpu_done = cpu_seconds(proc.pid)
        if done["status"] != "completed":
            sys.exit(f"batch ended {done['status']}: {json.dumps(done)[:500]}")
        counts = done["request_counts"]
        wall = t_done - t0
        peak = vm(proc.pid, "VmHWM")
        print(f"batch: {a.lines} lines ({len(data) / 1e6:.1f} MB input), completed={counts['completed']} failed={counts['failed']}")
        print(f"batch: upload+create {t_created - t0:.2f} s, execute+finalize {t_done - t_created:.2f} s, "
              f"total {wall:.2f} s ({a.lines / wall:,.0f} lines/s) target <= {WALL_TARGET_S} s: "
              f"{'PASS' if wall <= WALL_TARGET_S else 'FAIL'}")
        print(f"batch: server CPU (user+sys, all threads) upload+create {cpu_created - cpu0:.2f} s, "
              f"execute+finalize {cpu_done - cpu_created:.2f} s, total {cpu_done - cpu0:.2f} s; "
              f"load average before {load0:.2f}")
        print(f"batch: RSS before {rss_before:.1f} MB, peak {peak:.1f} MB, target <= {RSS_TARGET_MB} MB: "
              f"{'PASS' if peak <= RSS_TARGET_MB else 'FAIL'}")
        return wall, cpu_done - cpu0, peak
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
