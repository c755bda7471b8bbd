"""Record and replay (docs/RECORDINGS.md): an official-SDK session recorded through
`serve --record NAME --upstream URL` against a second simulator that injects failures, replayed
with the upstream gone; redaction, miss diagnostics, recorded-order polling, to-scenario.
"""
from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import httpx2 as httpx
import openai
import pytest

from harness import SimServer, raw_request, sim_binary

SECRET_RE = re.compile(r"(?<![A-Za-z0-9_-])(sk|sess)-[A-Za-z0-9_-]{8,}")
KEY = "sk-proj-recordingtest-0123456789abcdef"

UPSTREAM_SCENARIO = """\
version: 1
name: rec-upstream
description: Failures for the recording test.
rules:
  - name: two 429s
    match: { method: POST, path: /v1/responses, body: { model: gpt-4.1-mini } }
    times: 2
    respond: { preset: rate_limit, headers: { retry-after-ms: "50" } }
  - name: one 500
    match: { method: POST, path: /v1/embeddings, nth: 1 }
    respond: { preset: server_error, headers: { retry-after-ms: "10" } }
  - name: one reset
    match: { method: GET, path: /v1/models, nth: 1 }
    fault: reset
  - name: cut stream
    match: { method: POST, path: /v1/responses, body: { input: cut me } }
    stream: { cut_after_events: 3 }
  - name: slow
    match: { method: GET, path: /v1/models/gpt-4o-mini }
    delay: { ms: 400 }
"""


class LoggingTransport(httpx.HTTPTransport):
    """Notes every attempt the SDK makes: (method, path, status or the exception's name)."""

    def __init__(self, log: list) -> None:
        super().__init__()
        self.log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            r = super().handle_request(request)
        except Exception as e:  # a reset: the SDK retries it
            self.log.append((request.method, request.url.path, type(e).__name__))
            raise
        self.log.append((request.method, request.url.path, r.status_code))
        return r


def make_client(base_url: str, log: list, **kw: Any) -> openai.OpenAI:
    kw.setdefault("max_retries", 2)
    return openai.OpenAI(base_url=base_url, api_key=KEY, timeout=30.0,
                         http_client=httpx.Client(transport=LoggingTransport(log)), **kw)


def session(base_url: str) -> tuple[list, dict]:
    """The recorded session: 429 retry, 500 retry, reset retry, streams (whole and cut), upload, download."""
    log: list = []
    out: dict = {}
    c = make_client(base_url, log)
    r = c.responses.create(model="gpt-4.1-mini", input="hello")
    out["response"] = (r.id, r.output_text, r._request_id)
    e = c.embeddings.create(model="text-embedding-3-small", input="vector please")
    out["embedding"] = (len(e.data[0].embedding), e.data[0].embedding[:3])
    out["models"] = sorted(m.id for m in c.models.list())[:5]
    out["slow_model"] = c.models.retrieve("gpt-4o-mini").id
    events = [(ev.type, getattr(ev, "delta", None)) for ev in c.responses.create(model="gpt-4o-mini", input="stream me", stream=True)]
    out["stream"] = events
    cut: list = []
    try:
        # A short timeout: the dropped stream may only surface as the client's read timeout.
        for ev in c.with_options(timeout=3.0).responses.create(model="gpt-4o-mini", input="cut me", stream=True):
            cut.append(ev.type)
        out["cut"] = (cut, None)
    except Exception as ex:  # the stream drops after 3 events
        out["cut"] = (cut, type(ex).__name__)
    f = c.files.create(file=("notes.jsonl", b'{"prompt": "p", "completion": "c"}\n'), purpose="batch")
    out["file"] = (f.id, f.bytes, f.filename)
    out["content"] = c.files.content(f.id).read()
    c.close()
    return log, out


@pytest.fixture
def servers() -> Iterator[list]:
    started: list[SimServer] = []
    yield started
    for s in started:
        s.stop()


def start(servers: list, **kw: Any) -> SimServer:
    s = SimServer(**kw)
    servers.append(s)
    return s


def record_session(tmp_path: Path, servers: list, name: str = "session") -> tuple[Path, list, dict]:
    scen = tmp_path / "rec-upstream.yaml"
    scen.write_text(UPSTREAM_SCENARIO)
    upstream = start(servers, clock="live", extra_args=("--scenario", str(scen)))
    proxy = start(servers, extra_args=("--record", name, "--upstream", upstream.base_url, "--recordings-dir", str(tmp_path)))
    log, out = session(proxy.base_url)
    proxy.stop()
    upstream.stop()
    return tmp_path / f"{name}.json", log, out


def test_replayed_session_gives_the_sdk_the_same_statuses_bodies_streams_and_retries(tmp_path: Path, servers: list) -> None:
    cassette, log, out = record_session(tmp_path, servers)
    # The recording saw what the upstream did: two 429s then 200, a 500 then 200, a reset then 200.
    assert log[:3] == [("POST", "/v1/responses", 429)] * 2 + [("POST", "/v1/responses", 200)]
    assert ("POST", "/v1/embeddings", 500) in log and ("GET", "/v1/models", "ConnectError") in log or \
        ("GET", "/v1/models", "RemoteProtocolError") in log or any(x[2] not in (200, 429, 500) for x in log if x[1] == "/v1/models")
    assert out["cut"][1] is not None and len(out["cut"][0]) == 3
    doc = json.loads(cassette.read_text())
    assert doc["version"] == 1
    statuses = [(i["request"]["method"], i["request"]["path"], i["response"]["status"], i["response"].get("fault")) for i in doc["interactions"]]
    assert ("GET", "/v1/models", 0, "reset") in statuses
    stream = next(i for i in doc["interactions"] if i["request"].get("body", {}).get("input") == "stream me")
    assert stream["response"]["stream"]["end"] == "complete"
    offsets = [e["at_ms"] for e in stream["response"]["stream"]["events"]]
    assert offsets == sorted(offsets) and len(offsets) == len(out["stream"])
    cut = next(i for i in doc["interactions"] if i["request"].get("body", {}).get("input") == "cut me")
    assert cut["response"]["stream"]["end"] == "cut" and len(cut["response"]["stream"]["events"]) == 3
    upload = next(i for i in doc["interactions"] if i["request"]["path"] == "/v1/files")
    sha = next(p["sha256"] for p in upload["request"]["multipart"] if p["name"] == "file")
    assert (tmp_path / "session.bodies" / sha).read_bytes() == b'{"prompt": "p", "completion": "c"}\n'

    # Upstream and recorder are gone: the replay alone answers, with the recorded timing.
    replay = start(servers, extra_args=("--replay", str(cassette)))
    t0 = time.monotonic()
    log2, out2 = session(replay.base_url)
    elapsed = time.monotonic() - t0
    assert log2 == log
    assert out2 == out
    assert elapsed >= 0.35, f"the recorded 400 ms delay was not replayed ({elapsed:.3f}s)"


def test_replay_speed_zero_answers_without_the_recorded_delays(tmp_path: Path, servers: list) -> None:
    cassette, log, out = record_session(tmp_path, servers)
    replay = start(servers, extra_args=("--replay", str(cassette), "--replay-speed", "0"))
    c = make_client(replay.base_url, [])
    for _ in range(2):  # the first two identical requests replay the two recorded 429s (retried)
        pass
    t0 = time.monotonic()
    assert c.models.retrieve("gpt-4o-mini").id == out["slow_model"]
    assert time.monotonic() - t0 < 0.3


def test_written_cassettes_hold_no_credentials_or_secret_shaped_strings(tmp_path: Path, servers: list) -> None:
    upstream = start(servers)
    proxy = start(servers, extra_args=("--record", "secrets", "--upstream", upstream.base_url, "--recordings-dir", str(tmp_path)))
    c = openai.OpenAI(base_url=proxy.base_url, api_key=KEY, organization="org-secretorg123", project="proj_secret123",
                      max_retries=0, default_headers={"Cookie": "session=abc123"})
    leaked = "sk-live-THISMUSTNOTBEWRITTEN0123"
    r = c.responses.create(model="gpt-4o-mini", input=f"my key is {leaked} and sess-ABCDEFGHIJKLMNOP", metadata={"k": leaked})
    f = c.files.create(file=("k.jsonl", f'{{"key": "{leaked}"}}\n'.encode()), purpose="batch")
    c.files.content(f.id).read()
    proxy.stop()
    texts = [(tmp_path / "secrets.json").read_text()] + [p.read_text(errors="replace") for p in (tmp_path / "secrets.bodies").iterdir()]
    for t in texts:
        assert not SECRET_RE.search(t), SECRET_RE.search(t)
        assert KEY not in t and leaked not in t and "secretorg" not in t and "abc123" not in t
    doc = json.loads(texts[0])
    for i in doc["interactions"]:
        for section in ("request", "response"):
            names = {k.lower() for k in i[section].get("headers", {})}
            assert not names & {"authorization", "openai-organization", "openai-project", "cookie", "set-cookie"}, names
    # The redacted request still replays (both sides are matched after redaction).
    upstream.stop()
    replay = start(servers, extra_args=("--replay", str(tmp_path / "secrets.json"), "--replay-speed", "0"))
    c2 = openai.OpenAI(base_url=replay.base_url, api_key=KEY, max_retries=0)
    again = c2.responses.create(model="gpt-4o-mini", input=f"my key is {leaked} and sess-ABCDEFGHIJKLMNOP", metadata={"k": leaked})
    assert again.id == r.id


def test_an_unmatched_request_gets_a_replay_miss_naming_the_nearest_recorded_requests(tmp_path: Path, servers: list) -> None:
    cassette, _, out = record_session(tmp_path, servers)
    replay = start(servers, extra_args=("--replay", str(cassette), "--replay-speed", "0"))
    c = openai.OpenAI(base_url=replay.base_url, api_key=KEY, max_retries=0)
    with pytest.raises(openai.NotFoundError) as ei:
        c.responses.create(model="gpt-4o", input="hello")
    err = ei.value.body
    assert err["type"] == "invalid_request_error" and err["code"] == "replay_miss"
    msg = err["message"]
    assert "POST /v1/responses" in msg and 'body.model is "gpt-4o", recorded "gpt-4.1-mini"' in msg, msg
    with pytest.raises(openai.NotFoundError) as ei:
        c.files.retrieve("file-NotFromTheRecording123")
    assert "was not created by this recording" in ei.value.body["message"] and out["file"][0] in ei.value.body["message"]
    # Equivalent JSON in another key order and spacing still matches.
    status, _, body = raw_request("POST", replay.root + "/v1/responses", headers={
        "Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
        body=b'{ "input" : "stream me",\n  "stream": true, "model": "gpt-4o-mini" }')
    assert status == 200 and b"response.completed" in body

    simulate = start(servers, extra_args=("--replay", str(cassette), "--replay-miss", "simulate", "--replay-speed", "0"))
    c3 = openai.OpenAI(base_url=simulate.base_url, api_key=KEY, max_retries=0)
    assert c3.responses.create(model="gpt-4o", input="not recorded").status == "completed"


def test_a_polled_batch_replays_its_recorded_status_progression_then_stays_at_the_last(tmp_path: Path, servers: list) -> None:
    upstream = start(servers)
    proxy = start(servers, extra_args=("--record", "poll", "--upstream", upstream.base_url, "--recordings-dir", str(tmp_path)))
    c = openai.OpenAI(base_url=proxy.base_url, api_key=KEY, max_retries=0)
    line = {"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}}
    f = c.files.create(file=("b.jsonl", (json.dumps(line) + "\n").encode()), purpose="batch")
    b = c.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")
    seen = []
    for _ in range(30):
        st = c.batches.retrieve(b.id).status
        seen.append(st)
        if st in ("completed", "failed", "expired"):
            break
        upstream.advance(600)
    assert seen[-1] == "completed" and len(set(seen)) >= 2, seen
    proxy.stop()
    upstream.stop()
    replay = start(servers, extra_args=("--replay", str(tmp_path / "poll.json"), "--replay-speed", "0"))
    c2 = openai.OpenAI(base_url=replay.base_url, api_key=KEY, max_retries=0)
    assert c2.files.create(file=("b.jsonl", (json.dumps(line) + "\n").encode()), purpose="batch").id == f.id
    assert c2.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h").id == b.id
    replayed = [c2.batches.retrieve(b.id).status for _ in range(len(seen) + 3)]
    assert replayed == seen + [seen[-1]] * 3


def test_to_scenario_makes_the_simulator_reproduce_the_recorded_failures_and_outputs(tmp_path: Path, servers: list) -> None:
    cassette, log, out = record_session(tmp_path, servers)
    scen = tmp_path / "from-recording.yaml"
    p = subprocess.run([str(sim_binary()), "recording", "to-scenario", str(cassette), str(scen)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    v = subprocess.run([str(sim_binary()), "scenarios", "validate", str(scen)], capture_output=True, text=True)
    assert v.returncode == 0, v.stdout + v.stderr
    show = subprocess.run([str(sim_binary()), "recording", "show", str(cassette)], capture_output=True, text=True)
    assert show.returncode == 0 and "429" in show.stdout and "reset" in show.stdout and "CUT" in show.stdout, show.stdout
    sim = start(servers, clock="live", extra_args=("--scenario", str(scen)))
    log2, out2 = session(sim.base_url)
    assert [x[2] for x in log2] == [x[2] for x in log] or [(m, s) for m, _, s in log2] == [(m, s) for m, _, s in log]
    assert out2["response"][1] == out["response"][1]
    assert "".join(d or "" for t, d in out2["stream"] if t == "response.output_text.delta") == \
        "".join(d or "" for t, d in out["stream"] if t == "response.output_text.delta")
    assert out2["cut"][1] is not None and len(out2["cut"][0]) == 3


def test_record_journal_writes_the_simulators_own_traffic_as_a_replayable_cassette(tmp_path: Path, servers: list) -> None:
    sim = start(servers, extra_args=("--record-journal", "ci-run", "--recordings-dir", str(tmp_path),
                                     "--scenario", "scenarios/retry-then-succeed.yaml"))
    log: list = []
    c = make_client(sim.base_url, log)
    r = c.responses.create(model="gpt-4.1-mini", input="from CI")
    sim.stop()
    assert [x[2] for x in log] == [429, 429, 200]
    replay = start(servers, extra_args=("--replay", str(tmp_path / "ci-run.json"), "--replay-speed", "0"))
    log2: list = []
    r2 = make_client(replay.base_url, log2).responses.create(model="gpt-4.1-mini", input="from CI")
    assert log2 == log and (r2.id, r2.output_text, r2._request_id) == (r.id, r.output_text, r._request_id)
