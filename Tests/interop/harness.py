"""Harness for the interop suite: starts `openai-sim serve`, talks to its control plane,
and holds the helpers the tests share (raw HTTP, error-shape and request-id checks, sample data).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import openai

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "fixtures"
URL_RE = re.compile(r"http://[0-9.]+:[0-9]+/v1")
REQUEST_ID_RE = re.compile(r"^req_[0-9a-f]{32}$")
START_TIMEOUT_S = 20.0

# Journals of servers that were stopped before the session ended (e.g. the determinism
# test's private servers): the spec test checks them too.
RETIRED_JOURNALS: list[list[dict]] = []
# Filled by test_zz_spec.py, printed in the terminal summary.
SPEC_SUMMARY: list[str] = []


def sim_binary() -> Path:
    env = os.environ.get("OPENAI_SIM_BIN")
    if env:
        return Path(env)
    for kind in ("debug", "release"):
        p = REPO / ".build" / kind / "openai-sim"
        if p.exists():
            return p
    return REPO / ".build" / "debug" / "openai-sim"


def raw_request(method: str, url: str, *, headers: Optional[dict] = None, body: Any = None,
                timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """One HTTP exchange with no SDK in the way: (status, lower-cased headers, body bytes)."""
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        else:
            data = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


class SimServer:
    """One `openai-sim serve --port 0` process."""

    def __init__(self, *, seed: int = 0, clock: str = "virtual", data_dir: Optional[str] = None,
                 extra_args: tuple = ()):
        self.seed, self.clock = seed, clock
        binary = sim_binary()
        if not binary.exists():
            raise RuntimeError(f"openai-sim binary not found at {binary} (build it, or set OPENAI_SIM_BIN)")
        # A journal large enough that the closing spec check sees every exchange of the session.
        args = [str(binary), "serve", "--port", "0", "--seed", str(seed), "--clock", clock, "--journal-size", "200000"]
        args += list(extra_args)
        if data_dir:
            args += ["--data-dir", data_dir]
        self._stderr = tempfile.NamedTemporaryFile(prefix="openai-sim-", suffix=".stderr", delete=False)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL)
        self.stdout_lines: list[str] = []
        found = threading.Event()
        self.base_url = ""

        def pump() -> None:  # keeps the pipe drained for the server's whole life
            assert self.proc.stdout is not None
            for raw in iter(self.proc.stdout.readline, b""):
                line = raw.decode(errors="replace")
                self.stdout_lines.append(line)
                m = URL_RE.search(line)
                if m and not found.is_set():
                    self.base_url = m.group(0)
                    found.set()
            found.set()

        threading.Thread(target=pump, daemon=True).start()
        found.wait(START_TIMEOUT_S)
        if not self.base_url:
            self.stop()
            raise RuntimeError(
                f"{' '.join(args)} printed no base URL within {START_TIMEOUT_S}s "
                f"(exit={self.proc.poll()}); stdout={''.join(self.stdout_lines)[-2000:]!r} "
                f"stderr={self.stderr_tail()!r}")
        self.root = self.base_url[: -len("/v1")]

    def stderr_tail(self, n: int = 4000) -> str:
        try:
            return Path(self._stderr.name).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        try:
            os.unlink(self._stderr.name)
        except OSError:
            pass

    # --- control plane ---------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        status, _, data = raw_request(method, self.root + path, body=body)
        try:
            return status, json.loads(data) if data else None
        except json.JSONDecodeError:
            return status, data

    def advance(self, seconds: int) -> None:
        status, body = self.control("POST", "/__sim/clock/advance", {"seconds": seconds})
        assert status == 200, f"POST /__sim/clock/advance -> {status} {body!r}"

    def journal(self, tenant: Optional[str] = None) -> list[dict]:
        path = "/__sim/requests" + (("?" + urllib.parse.urlencode({"tenant": tenant})) if tenant else "")
        status, body = self.control("GET", path)
        assert status == 200, f"GET {path} -> {status} {body!r}"
        assert isinstance(body, dict) and body.get("object") == "list" and isinstance(body.get("data"), list), body
        return body["data"]

    def entry(self, request_id: str) -> dict:
        for e in self.journal():
            if e.get("request_id") == request_id:
                return e
        raise AssertionError(f"request {request_id} is not in the journal")

    def tenant_of(self, request_id: str) -> str:
        return self.entry(request_id)["tenant"]

    def client(self, api_key: Optional[str] = None, **kw: Any) -> openai.OpenAI:
        kw.setdefault("max_retries", 0)  # a server error must surface, not be retried away
        kw.setdefault("timeout", 30.0)
        return openai.OpenAI(base_url=self.base_url, api_key=api_key or new_key(), **kw)


def new_key(tag: str = "t") -> str:
    return f"sk-interop-{tag}-{uuid.uuid4().hex}"


# --- shared assertions -----------------------------------------------------------------------

def assert_request_id(obj: Any) -> str:
    """The SDK puts the x-request-id header on every parsed object as `_request_id`."""
    rid = getattr(obj, "_request_id", None)
    assert isinstance(rid, str) and REQUEST_ID_RE.match(rid), f"_request_id={rid!r} on {type(obj).__name__}"
    return rid


def assert_error_shape(err: openai.APIStatusError, status: int) -> dict:
    """An SDK status error whose body is the real API's {"error": {message, type, param, code}}."""
    assert err.status_code == status, f"status {err.status_code} != {status}: {err.body!r}"
    full = err.response.json()
    assert isinstance(full, dict) and set(full) == {"error"}, f"error response is not {{'error': ...}}: {full!r}"
    body = err.body
    assert isinstance(body, dict), body
    assert body == full["error"]
    assert {"message", "type", "param", "code"} <= set(body), f"error object lacks keys: {body!r}"
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["type"], str) and body["type"], body
    assert body["param"] is None or isinstance(body["param"], str), body
    assert body["code"] is None or isinstance(body["code"], str), body
    assert err.request_id is not None and REQUEST_ID_RE.match(err.request_id), err.request_id
    return body


# --- sample data -----------------------------------------------------------------------------

def jsonl_chat(n: int = 3) -> bytes:
    rows = [
        {"messages": [{"role": "system", "content": "You are terse."},
                      {"role": "user", "content": f"Question {i}? ünïcødé ✓"},
                      {"role": "assistant", "content": f"Answer {i}."}]}
        for i in range(n)
    ]
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def jsonl_batch(n: int = 2) -> bytes:
    rows = [
        {"custom_id": f"req-{i}", "method": "POST", "url": "/v1/chat/completions",
         "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"hi {i}"}]}}
        for i in range(n)
    ]
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def png_bytes(width: int = 64, height: int = 64) -> bytes:
    """A valid PNG whose bytes cover the whole 0..255 range (NUL, CR, LF, 0x1a, high bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(((x * 7 + y * 13) ^ (x * y)) & 0xFF for x in range(width * 3)) for y in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


def binary_blob(size: int) -> bytes:
    """Deterministic bytes with every byte value, CRLF pairs and multipart-boundary look-alikes."""
    seed = bytes(range(256)) + b"\r\n--\r\n--boundary\r\n\r\n\x00\x00\xff\xfe"
    out = bytearray()
    i = 0
    while len(out) < size:
        out += seed[i % 7:] + seed[: i % 7]
        i += 1
    return bytes(out[:size])


def admin_client(sim: "SimServer", key: str) -> openai.OpenAI:
    """An SDK client whose key is also its admin key (in open mode a key is its organization's owner key)."""
    return openai.OpenAI(base_url=sim.base_url, api_key=key, admin_api_key=key, max_retries=0, timeout=30.0)
