"""Scenario scripts (scenarios/*.yaml) as the official Python SDK experiences them.

Each test activates one library scenario for its own API key (so its own tenant) through the
control plane, or starts a private server with `serve --scenario`, and asserts what the SDK
does: how often it retried (counted in the request journal), which exception it raised, how
long it waited. Tests whose endpoint is not built yet skip with "needs <endpoint>" — only when
that endpoint answers 404 Invalid URL.
"""
from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import httpx2
import openai
import pytest

from harness import REPO, RETIRED_JOURNALS, SimServer, jsonl_batch, jsonl_chat, sim_binary

SCENARIOS = REPO / "scenarios"


# --- helpers -------------------------------------------------------------------------------------

class ScenarioServer(SimServer):
    """`openai-sim serve` with extra flags (--scenario, --scenarios-dir)."""

    def __init__(self, extra: list[str], *, seed: int = 0) -> None:
        super().__init__(seed=seed, clock="virtual", extra_args=tuple(extra))


@pytest.fixture
def scenario_server() -> Iterator[Callable[..., ScenarioServer]]:
    started: list[ScenarioServer] = []

    def start(*names: str, seed: int = 0) -> ScenarioServer:
        extra = ["--scenarios-dir", str(SCENARIOS)]
        for n in names:
            extra += ["--scenario", str(SCENARIOS / f"{n}.yaml")]
        s = ScenarioServer(extra, seed=seed)
        started.append(s)
        return s

    yield start
    for s in started:
        try:
            if s.proc.poll() is None:
                RETIRED_JOURNALS.append(s.journal())
        except Exception:
            pass
        s.stop()


def activate(server: SimServer, api_key: str, name: str) -> None:
    """Uploads scenarios/NAME.yaml for this key's tenant through the control plane."""
    text = (SCENARIOS / f"{name}.yaml").read_text()
    status, body = server.control("POST", "/__sim/scenarios", {"yaml": text, "api_key": api_key})
    assert status == 200, (status, body)
    assert body["scenario"]["name"] == name


def entries(server: SimServer, api_key: str) -> list[dict]:
    return [e for e in server.journal(api_key) if e["path"].startswith("/v1/")]


def statuses(server: SimServer, api_key: str) -> list[int]:
    return [e["status"] for e in entries(server, api_key)]


def fired_rules(server: SimServer, api_key: str) -> list[Optional[str]]:
    return [(e.get("note") or {}).get("scenario", {}).get("rule") for e in entries(server, api_key)]


def skip_if_missing(err: openai.APIStatusError, endpoint: str) -> None:
    """Skips the test when `endpoint` is not built yet (404 Invalid URL); otherwise re-raises."""
    body = err.body if isinstance(err.body, dict) else {}
    if err.status_code == 404 and str(body.get("message", "")).startswith("Invalid URL"):
        pytest.skip(f"needs {endpoint}")
    raise err


def long_prompt(words: int = 1400) -> str:
    return " ".join(f"word{i % 97}" for i in range(words))


# --- the library, one test per scenario ------------------------------------------------------------

def test_retry_then_succeed_sdk_retries_twice_honouring_retry_after_ms(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "retry-then-succeed")
    with sim.client(api_key, max_retries=2) as c:
        create = c.responses.create  # the SDK imports its resource modules lazily: not part of the timing
        started = time.monotonic()
        try:
            resp = create(model="gpt-4.1-mini", input="Say hi")
        except openai.NotFoundError as e:
            elapsed = time.monotonic() - started
            assert statuses(sim, api_key)[:2] == [429, 429]
            assert elapsed < 0.9, f"retry-after-ms 50 was not honoured ({elapsed:.2f}s)"
            skip_if_missing(e, "POST /v1/responses")
            raise
    elapsed = time.monotonic() - started
    assert resp.status == "completed"
    assert statuses(sim, api_key) == [429, 429, 200]
    assert fired_rules(sim, api_key) == ["two 429s", "two 429s", None]
    # Default back-off would sleep >= 1.1 s for two retries; retry-after-ms: 50 makes it ~0.1 s.
    assert elapsed < 0.9, f"retry-after-ms 50 was not honoured ({elapsed:.2f}s)"


def test_rate_limit_storm_exhausts_retries_then_raises_rate_limit_error(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "rate-limit-storm")
    with sim.client(api_key, max_retries=3) as c, pytest.raises(openai.RateLimitError) as info:
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    e = info.value
    assert e.code == "rate_limit_exceeded" and e.type == "requests"
    assert e.response.headers["retry-after-ms"] == "20" and e.response.headers["retry-after"] == "1"
    assert e.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert "Rate limit reached for gpt-4o-mini" in e.message
    assert statuses(sim, api_key) == [429, 429, 429, 429]  # 1 + max_retries


def test_insufficient_quota_has_no_retry_hint_and_surfaces_as_rate_limit_error(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "insufficient-quota")
    with sim.client(api_key, max_retries=0) as c, pytest.raises(openai.RateLimitError) as info:
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    e = info.value
    assert e.code == "insufficient_quota" and e.type == "insufficient_quota"
    assert "retry-after" not in e.response.headers and "retry-after-ms" not in e.response.headers
    assert "You exceeded your current quota" in e.message
    assert statuses(sim, api_key) == [429]
    # Like the real API, nothing tells the SDK not to retry (no x-should-retry: false): with its
    # default max_retries it retries this 429 with its own back-off, and every retry fails again.
    # Application code has to check e.code == "insufficient_quota" itself.
    with sim.client(api_key, max_retries=2) as c, pytest.raises(openai.RateLimitError):
        c.embeddings.create(model="text-embedding-3-small", input="hi")
    assert statuses(sim, api_key) == [429, 429, 429, 429]


def test_flaky_5xx_sdk_absorbs_most_failures_by_retrying(sim: SimServer) -> None:
    key = "sk-interop-flaky-5xx-fixed-key"  # a fixed key: the seeded draws are then fixed too
    activate(sim, key, "flaky-5xx")
    ok, failed = 0, 0
    with sim.client(key, max_retries=2) as c:
        for _ in range(12):
            try:
                c.models.list()
                ok += 1
            except openai.InternalServerError:
                failed += 1
    codes = statuses(sim, key)
    fivexx = [s for s in codes if s >= 500]
    assert ok >= 10 and ok + failed == 12
    assert fivexx and set(fivexx) <= {500, 502, 503}, codes
    # Every request was a success or a 5xx; each 5xx was retried unless it was the third of a call.
    assert codes.count(200) == ok and len(codes) == ok + len(fivexx), codes
    assert len(fivexx) == (len(codes) - ok) and len(fivexx) >= failed * 3


def test_connection_reset_raises_api_connection_error_without_retries(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "connection-reset")
    with sim.client(api_key, max_retries=0) as c:
        with pytest.raises(openai.APIConnectionError) as info:
            c.models.list()
        assert not isinstance(info.value, openai.APITimeoutError)
        assert c.models.list().data, "only the first call is reset"
    assert fired_rules(sim, api_key) == ["reset the first call", None]


def test_connection_reset_is_retried_transparently_by_default(sim: SimServer, make_client: Callable[..., openai.OpenAI]) -> None:
    key = "sk-interop-reset-retry-" + str(time.monotonic_ns())
    activate(sim, key, "connection-reset")
    c = make_client(key, max_retries=2)
    assert c.models.list().data
    assert [e["status"] for e in entries(sim, key)][-1] == 200 and len(entries(sim, key)) == 2


def test_timeout_client_timeout_fires_on_a_hung_connection(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "timeout")
    started = time.monotonic()
    with sim.client(api_key, max_retries=0, timeout=0.5) as c, pytest.raises(openai.APITimeoutError):
        c.models.list()
    assert 0.4 < time.monotonic() - started < 5


def test_slow_first_token_stream_stalls_until_the_clock_moves(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server("slow-first-token")
    key = "sk-interop-slow-first-token"
    with s.client(key, max_retries=0, timeout=httpx2.Timeout(10.0, read=1.0)) as c:
        try:
            stream = c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True)
            with pytest.raises((openai.APITimeoutError, httpx2.ReadTimeout)):
                for _ in stream:
                    pass
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/chat/completions")
        except openai.APITimeoutError:
            pass  # the SDK may time out waiting for the headers instead: the first token never came
        # Advance the simulated clock past the first-token delay while the client waits: the stream arrives.
        timer = threading.Timer(0.3, lambda: s.advance(4))
        timer.start()
        chunks = list(c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True))
        timer.join()
        assert chunks and chunks[-1].choices[0].finish_reason is not None or chunks[-1].usage is not None


def test_stream_cut_iteration_fails_midway(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "stream-cut")
    got: list[Any] = []
    with sim.client(api_key, max_retries=0) as c:
        try:
            stream = c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Tell me a story"}],
                                               stream=True)
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/chat/completions")
            raise
        with pytest.raises((httpx2.HTTPError, openai.APIError)):
            for chunk in stream:
                got.append(chunk)
    assert 1 <= len(got) <= 3, f"{len(got)} chunks arrived before the cut"
    assert fired_rules(sim, api_key) == ["cut the stream"]


def test_malformed_json_200_makes_the_sdk_fail_to_decode(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "malformed-json")
    with sim.client(api_key, max_retries=2) as c:
        with pytest.raises(json.JSONDecodeError):
            c.models.list()
        assert c.models.list().data
    assert statuses(sim, api_key) == [200, 200], "a 200 is not retried, even with a broken body"


def test_fine_tune_fails_at_step(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server("fine-tune-fails-at-step")
    with s.client("sk-interop-ft-step") as c:
        f = c.files.create(file=("train.jsonl", jsonl_chat(12)), purpose="fine-tune")
        try:
            job = c.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=f.id)
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/fine_tuning/jobs")
            raise
        assert job.status in ("validating_files", "queued", "running")
        s.advance(700)
        done = c.fine_tuning.jobs.retrieve(job.id)
        assert done.status == "failed"
        assert done.error is not None and done.error.code == "server_error" and "step 7" in (done.error.message or "")
        assert done.fine_tuned_model is None


def test_training_file_invalid_fails_validation(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server("training-file-invalid")
    with s.client("sk-interop-ft-invalid") as c:
        f = c.files.create(file=("train.jsonl", jsonl_chat(12)), purpose="fine-tune")
        try:
            job = c.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=f.id)
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/fine_tuning/jobs")
            raise
        s.advance(120)
        done = c.fine_tuning.jobs.retrieve(job.id)
        assert done.status == "failed"
        assert done.error is not None and done.error.code == "invalid_training_file"
        assert done.trained_tokens is None and done.fine_tuned_model is None


def test_batch_partial_failure_reports_failed_requests_in_the_error_file(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server("batch-partial-failure")
    with s.client("sk-interop-batch-partial") as c:
        f = c.files.create(file=("b.jsonl", jsonl_batch(6)), purpose="batch")
        try:
            batch = c.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/batches")
            raise
        s.advance(400)
        done = c.batches.retrieve(batch.id)
        assert done.status == "completed"
        assert done.request_counts is not None and done.request_counts.total == 6 and done.request_counts.failed >= 2
        assert done.error_file_id
        errors = [json.loads(line) for line in c.files.content(done.error_file_id).text.splitlines() if line.strip()]
        assert {"req-1", "req-3"} <= {e["custom_id"] for e in errors}


def test_batch_expires(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server("batch-expires")
    with s.client("sk-interop-batch-expires") as c:
        f = c.files.create(file=("b.jsonl", jsonl_batch(3)), purpose="batch")
        try:
            batch = c.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/batches")
            raise
        s.advance(2 * 3600)
        assert c.batches.retrieve(batch.id).status in ("validating", "in_progress")
        s.advance(23 * 3600)
        done = c.batches.retrieve(batch.id)
        assert done.status == "expired" and done.expired_at is not None


def test_cache_warm_second_call_reports_cached_tokens(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "cache-warm")
    messages = [{"role": "system", "content": long_prompt()}, {"role": "user", "content": "Summarise."}]
    with sim.client(api_key) as c:
        try:
            first = c.chat.completions.create(model="gpt-4o-mini", messages=messages)  # type: ignore[arg-type]
        except openai.NotFoundError as e:
            skip_if_missing(e, "POST /v1/chat/completions")
            raise
        second = c.chat.completions.create(model="gpt-4o-mini", messages=messages)  # type: ignore[arg-type]
    cached = lambda r: (r.usage.prompt_tokens_details.cached_tokens if r.usage and r.usage.prompt_tokens_details else 0)  # noqa: E731
    assert cached(first) == 0
    assert cached(second) == 1024
    assert fired_rules(sim, api_key) == ["cold cache", "warm cache"]


def test_tpm_limit_headers_are_truthful_and_the_budget_is_enforced(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "tpm-limit")
    msgs = [{"role": "user", "content": "Write a poem about the sea."}]
    with sim.client(api_key, max_retries=0) as c:
        try:
            raw = c.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=msgs, max_tokens=600)  # type: ignore[arg-type]
            headers = raw.headers
        except openai.NotFoundError as e:  # the budget applies before the endpoint: headers are there either way
            headers = e.response.headers
        assert headers["x-ratelimit-limit-tokens"] == "1000" and headers["x-ratelimit-limit-requests"] == "60"
        assert headers["x-ratelimit-remaining-requests"] == "59"
        remaining = int(headers["x-ratelimit-remaining-tokens"])
        assert 380 <= remaining < 400, remaining  # 600 max_tokens + ~7 prompt tokens were charged
        assert headers["x-ratelimit-reset-tokens"].endswith("s")
        with pytest.raises(openai.RateLimitError) as info:
            c.chat.completions.create(model="gpt-4o-mini", messages=msgs, max_tokens=600)  # type: ignore[arg-type]
    e = info.value
    assert e.code == "rate_limit_exceeded" and e.type == "tokens"
    assert "on tokens per min (TPM): Limit 1000" in e.message
    wait_ms = int(e.response.headers["retry-after-ms"])
    assert 12_000 < wait_ms < 14_000, wait_ms  # ~210 tokens over at 1000/60 per second
    assert e.response.headers["x-ratelimit-remaining-tokens"] == str(remaining), "a refused request is not charged"


def test_outage_then_recovery_state_machine_is_ridden_out_by_sdk_retries(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "outage-then-recovery")
    with sim.client(api_key, max_retries=2) as c:
        assert c.models.list().data
    assert statuses(sim, api_key) == [503, 502, 200]
    notes = [(e.get("note") or {}).get("scenario", {}) for e in entries(sim, api_key)]
    assert [n.get("state") for n in notes] == ["outage", None, "recovered"]
    status, state = sim.control("GET", f"/__sim/scenarios/state?api_key={api_key}")
    assert status == 200 and state["scenarios"][0]["state"] == "recovered"


# --- activation, tooling, determinism ----------------------------------------------------------------

def test_serve_scenario_applies_to_every_tenant(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server("malformed-json")
    for key in ("sk-interop-global-a", "sk-interop-global-b"):
        with s.client(key) as c:
            with pytest.raises(json.JSONDecodeError):
                c.models.list()
            assert c.models.list().data


def test_x_sim_scenario_header_loads_the_named_file_for_the_tenant(scenario_server: Callable[..., ScenarioServer]) -> None:
    s = scenario_server()
    with s.client("sk-interop-header", max_retries=0, default_headers={"X-Sim-Scenario": "connection-reset"}) as c:
        with pytest.raises(openai.APIConnectionError):
            c.models.list()
        assert c.models.list().data
    with s.client("sk-interop-header-other", max_retries=0) as other:
        assert other.models.list().data, "another tenant is not affected"
    with s.client("sk-interop-header-bad", max_retries=0, default_headers={"X-Sim-Scenario": "no-such-scenario"}) as bad:
        with pytest.raises(openai.BadRequestError) as info:
            bad.models.list()
        assert "no scenario named 'no-such-scenario'" in info.value.message


def test_control_plane_deactivates(sim: SimServer, api_key: str) -> None:
    activate(sim, api_key, "timeout")
    status, body = sim.control("DELETE", f"/__sim/scenarios?api_key={api_key}&name=timeout")
    assert status == 200 and body["deactivated"] == ["timeout"]
    with sim.client(api_key, max_retries=0, timeout=5) as c:
        assert c.models.list().data


def test_a_bad_scenario_stops_serve_with_file_line_messages(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("version: 1\nname: broken\nrules:\n  - match: { metod: POST }\n    fault: reset\n")
    proc = subprocess.run([str(sim_binary()), "serve", "--port", "0", "--scenario", str(bad)],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode != 0
    assert f"{bad}:4:14: unknown key 'metod'" in proc.stderr, proc.stderr


def test_scenarios_validate_cli(tmp_path: Path) -> None:
    ok = subprocess.run([str(sim_binary()), "scenarios", "validate", "--dir", str(SCENARIOS)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert len([l for l in ok.stdout.splitlines() if l.startswith("ok ")]) >= 15
    bad = tmp_path / "shadow.yaml"
    bad.write_text("version: 1\nname: shadow\nrules:\n  - { match: { path: /v1/** }, fault: hang }\n"
                   "  - { match: { path: /v1/responses }, fault: reset }\n")
    res = subprocess.run([str(sim_binary()), "scenarios", "validate", str(bad)], capture_output=True, text=True)
    assert res.returncode == 1 and f"{bad}:5:5: rule 'rule 2' is unreachable" in res.stderr, res.stderr


def _session(server: SimServer) -> None:
    with server.client("sk-det-a", max_retries=2) as a, server.client("sk-det-b", max_retries=0) as b:
        for _ in range(8):
            try:
                a.models.list()
            except openai.APIStatusError:
                pass
        try:
            a.files.create(file=("a.txt", b"hello"), purpose="user_data")
        except openai.APIStatusError:
            pass
        for _ in range(4):
            try:
                b.models.list()
            except openai.APIStatusError:
                pass


def test_same_scenario_seed_and_requests_give_identical_journals(scenario_server: Callable[..., ScenarioServer]) -> None:
    runs = []
    for _ in range(2):
        s = scenario_server("flaky-5xx", "outage-then-recovery", seed=11)
        _session(s)
        # Multipart request bodies carry the client's random boundary: compare JSON request bodies only.
        runs.append([(e["method"], e["path"], e["status"], e["tenant"],
                      e["request_body"] if isinstance(e["request_body"], (dict, type(None))) else "<multipart>",
                      e["response_body"], e.get("note"))
                     for e in s.journal()])
        s.stop()
    one, two = runs
    assert one == two
    assert any(r[2] >= 500 for r in one) and any(r[2] == 200 for r in one)
    assert any((r[6] or {}).get("scenario", {}).get("fired") for r in one)
