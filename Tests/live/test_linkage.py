"""The running server maps no full Foundation, FoundationNetworking or libcurl (see
docs/ARCHITECTURE.md, "What the server binary links"): they cost ~10 MB of idle RSS. An
`import Foundation` in any module linked into `openai-sim` brings them back; this catches it.

Stdlib + pytest only. It checks the *release* binary (what `make serve` runs and what the idle
RSS target is about): $OPENAI_SIM_RELEASE_BIN, default `.build/release/openai-sim` (`make test`
builds it). A debug build is not checked: its executable lists libFoundation.so as NEEDED
although no linked module imports Foundation (observed with SwiftPM on Swift 6.3, Linux).
"""
from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_bin = Path(os.environ.get("OPENAI_SIM_RELEASE_BIN", ".build/release/openai-sim"))
BIN = _bin if _bin.is_absolute() else REPO / _bin

FORBIDDEN = ("libFoundation.so", "libFoundationNetworking.so", "libFoundationInternationalization.so",
             "lib_FoundationICU.so", "libcurl", "libssl.so", "libcrypto.so")


def mapped_libraries(pid: int) -> set[str]:
    names = set()
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and "/" in parts[5]:
                names.add(os.path.basename(parts[5]))
    return names


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
def test_idle_server_maps_no_foundation_networking_or_tls_library() -> None:
    if not BIN.exists():
        pytest.skip(f"release openai-sim binary not found at {BIN} (swift build -c release --product openai-sim)")
    proc = subprocess.Popen([str(BIN), "serve", "--port", "0", "--host", "127.0.0.1", "--clock", "virtual"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://[0-9.]+:[0-9]+", line)
        assert m, f"no URL in {line!r}"
        with urllib.request.urlopen(m.group(0) + "/__sim/health", timeout=10) as r:
            assert r.status == 200
        libs = mapped_libraries(proc.pid)
        assert "libFoundationEssentials.so" in libs, sorted(libs)  # the check reads the right process
        loaded = sorted(lib for lib in libs if lib.startswith(FORBIDDEN))
        assert loaded == [], f"the idle server maps {loaded}"
    finally:
        proc.terminate()
        try:
            assert proc.wait(timeout=5) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
