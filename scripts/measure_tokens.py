#!/usr/bin/env python3
"""Measure openai-sim's token estimator (SimCore TokenEstimator) against real o200k_base counts.

The real counts come from `quicktok-v1` (an exact BPE tokenizer that ships o200k_base offline):
    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install quicktok-v1
    /tmp/tokvenv/bin/python scripts/measure_tokens.py --bin .build/debug/openai-sim

The simulator's counts are measured end to end: each sample is sent as the only user message
of a Chat Completion, and the estimate is `usage.prompt_tokens - 7` (OpenAI's chat framing:
3 per message + 1 for the role "user" + 3 priming the reply). Two sets:
  * tuning  - the hand-written samples in scripts/token_corpus.py (the estimator's expected
              token counts per word length were fitted on these);
  * diagnosed - ~1.5 kB chunks of files on a Debian machine (Python stdlib source, license
              texts) not used for fitting, but whose worst chunks were inspected and led to two
              rules (repeated punctuation, ALL-CAPS words);
  * fresh   - chunks of other such files, never looked at before the figures were taken.
Missing files are skipped.
Prints per-sample error, then mean absolute error, mean signed error and worst error per set.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from token_corpus import SAMPLES  # noqa: E402

# Files looked at while fitting (their failures led to the repeated-punctuation and ALL-CAPS rules).
DIAGNOSED_FILES = [
    ("prose", "/usr/share/common-licenses/GPL-3"),
    ("prose", "/usr/share/common-licenses/Apache-2.0"),
    ("prose", "/usr/share/common-licenses/MPL-2.0"),
    ("code", "/usr/lib/python3.11/textwrap.py"),
    ("code", "/usr/lib/python3.11/json/decoder.py"),
    ("code", "/usr/lib/python3.11/argparse.py"),
    ("code", "/usr/lib/python3.11/dataclasses.py"),
]
# Files never looked at during fitting: the honest figure.
FRESH_FILES = [
    ("prose", "/usr/share/common-licenses/Artistic"),
    ("prose", "/usr/share/common-licenses/GFDL-1.3"),
    ("prose", "/usr/share/common-licenses/LGPL-3"),
    ("code", "/usr/lib/python3.11/csv.py"),
    ("code", "/usr/lib/python3.11/logging/__init__.py"),
    ("code", "/usr/lib/python3.11/http/client.py"),
    ("code", "/usr/lib/python3.11/shutil.py"),
]
CHUNK = 1500
CHUNKS_PER_FILE = 4
CHAT_OVERHEAD = 7


def chunks(files: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    out = []
    for kind, path in files:
        p = Path(path)
        if not p.exists():
            continue
        text = p.read_text(errors="replace")
        step = max(CHUNK, (len(text) - CHUNK) // CHUNKS_PER_FILE)
        for i in range(CHUNKS_PER_FILE):
            chunk = text[i * step: i * step + CHUNK]
            if len(chunk) > 200:
                out.append((kind, f"{p.name}#{i}", chunk))
    return out


class Server:
    def __init__(self, binary: str):
        self.proc = subprocess.Popen([binary, "serve", "--port", "0", "--clock", "virtual"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.url = ""
        found = threading.Event()

        def pump():
            for line in iter(self.proc.stdout.readline, b""):
                m = re.search(r"http://[0-9.]+:[0-9]+/v1", line.decode(errors="replace"))
                if m and not found.is_set():
                    self.url = m.group(0)
                    found.set()
            found.set()
        threading.Thread(target=pump, daemon=True).start()
        found.wait(20)
        if not self.url:
            raise SystemExit("the simulator did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def estimate(url: str, text: str) -> int:
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}],
                       "max_completion_tokens": 1}).encode()
    req = urllib.request.Request(url + "/chat/completions", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer sk-measure"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)["usage"]["prompt_tokens"] - CHAT_OVERHEAD


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("OPENAI_SIM_BIN", ".build/debug/openai-sim"))
    ap.add_argument("--url", help="use a running simulator (…/v1) instead of starting --bin")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    import quicktok
    enc = quicktok.get_encoding("o200k_base")
    server = None if args.url else Server(args.bin)
    url = args.url or server.url
    try:
        for label, samples in (("tuning", SAMPLES), ("diagnosed", chunks(DIAGNOSED_FILES)), ("fresh", chunks(FRESH_FILES))):
            rows = []
            for kind, name, text in samples:
                real = len(enc.encode(text))
                est = estimate(url, text)
                err = (est - real) / real
                rows.append((kind, name, real, est, err))
                if not args.quiet:
                    print(f"  {label:9s} {kind:5s} {name:22s} real={real:5d} est={est:5d} err={err * 100:+6.1f}%")
            for kind in ("prose", "code", "all"):
                sel = [r for r in rows if kind == "all" or r[0] == kind]
                if not sel:
                    continue
                mae = sum(abs(r[4]) for r in sel) / len(sel)
                bias = sum(r[4] for r in sel) / len(sel)
                worst = max(sel, key=lambda r: abs(r[4]))
                total_err = (sum(r[3] for r in sel) - sum(r[2] for r in sel)) / sum(r[2] for r in sel)
                print(f"{label:9s} {kind:5s} n={len(sel):3d} mean|err|={mae * 100:4.1f}% mean err={bias * 100:+5.1f}% "
                      f"total err={total_err * 100:+5.1f}% worst={worst[4] * 100:+6.1f}% ({worst[1]})")
    finally:
        if server:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
