"""Webhooks with the official SDK: endpoints (`client.webhooks.*`), and the events the simulator
sends when batches, fine-tuning jobs, eval runs and background responses end, checked the way a
receiver checks them: `client.webhooks.unwrap(body, headers, secret=...)` (the SDK's signature
check) and the spec's event schemas (its `webhooks:` section).

The endpoint paths (`/v1/webhook_endpoints`, `/v1/webhook_event_types`) are not in the spec this
project follows; their shapes come from the SDK's types. Each test runs its own server on a
virtual clock and a receiver on a loopback port.
"""
from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import openai
import pytest

from harness import SimServer, assert_error_shape

SPEC = Path(__file__).resolve().parents[3] / "shared" / "openapi" / "openai-openapi.yaml"
WAIT_S = 15.0


class Receiver:
    """A webhook receiver on 127.0.0.1: records each POST; answers the next status in `answers`
    (then 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with receiver.cond:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.cond.notify_all()
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, timeout: float = WAIT_S) -> list[tuple[dict[str, str], bytes]]:
        with self.cond:
            self.cond.wait_for(lambda: len(self.received) >= n, timeout)
            assert len(self.received) >= n, f"{len(self.received)} deliveries arrived in {timeout} s, expected {n}"
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def server(start_server: Callable[..., SimServer]) -> SimServer:
    return start_server()


@pytest.fixture
def client(server: SimServer) -> Iterator[openai.OpenAI]:
    c = server.client()
    yield c
    c.close()


_schemas: dict | None = None


def check_event_against_spec(event: dict) -> None:
    """The delivered JSON against the spec's schema for its type (e.g. `WebhookBatchCompleted`)."""
    global _schemas
    if not SPEC.exists():
        return  # the spec is beside the clone in CI; a user's clone checks the SDK's types only
    import yaml
    from jsonschema import Draft202012Validator
    if _schemas is None:
        doc = yaml.load(SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        _schemas = {s.get("title"): s for name, s in doc["components"]["schemas"].items() if name.startswith("Webhook")}
    schema = _schemas.get(event["type"])
    assert schema is not None, f"the spec has no webhook schema titled {event['type']!r}"
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(event)]
    assert errors == [], f"{event['type']}: {errors}"


def unwrap(client: openai.OpenAI, delivery: tuple[dict[str, str], bytes], secret: str):
    headers, body = delivery
    event = client.webhooks.unwrap(body, headers, secret=secret)
    check_event_against_spec(json.loads(body))
    return event


def make_endpoint(client: openai.OpenAI, receiver: Receiver, types: list[str]):
    return client.webhooks.create(name="test hook", url=receiver.url, event_types=types)


# --- endpoints ---------------------------------------------------------------------------------

def test_endpoint_lifecycle_and_event_types(server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    created = make_endpoint(client, receiver, ["batch.completed", "batch.failed"])
    assert created.object == "webhook_endpoint" and created.id.startswith("whe_")
    assert created.signing_secret.startswith("whsec_") and created.signing_secret_hint.endswith(created.signing_secret[-4:])
    assert created.url == receiver.url and created.event_types == ["batch.completed", "batch.failed"]
    got = client.webhooks.retrieve(created.id)
    assert got.id == created.id and getattr(got, "signing_secret", None) is None, "the secret is shown once"
    # An update that changes nothing keeps updated_at; one that does moves it.
    server.advance(10)
    same = client.webhooks.update(created.id, name="test hook")
    assert same.updated_at == created.updated_at
    changed = client.webhooks.update(created.id, name="renamed", event_types=["batch.completed"])
    assert changed.name == "renamed" and changed.event_types == ["batch.completed"]
    assert changed.updated_at == created.updated_at + 10
    second = make_endpoint(client, receiver, ["response.completed"])
    listed = client.webhooks.list(limit=1)
    assert [e.id for e in listed.data] == [second.id] and listed.has_more
    assert [e.id for e in client.webhooks.list()] == [second.id, created.id]
    types = client.webhooks.event_types.list()
    assert "fine_tuning.job.succeeded" in types.data and "eval.run.canceled" in types.data
    deleted = client.webhooks.delete(created.id)
    assert deleted.deleted and deleted.id == created.id and deleted.object == "webhook_endpoint.deleted"
    with pytest.raises(openai.NotFoundError) as e:
        client.webhooks.retrieve(created.id)
    assert_error_shape(e.value, 404)


@pytest.mark.parametrize("kwargs,param", [
    ({"name": "x", "url": "ftp://example.com/hook", "event_types": ["batch.completed"]}, "url"),
    ({"name": "x", "url": "http://", "event_types": ["batch.completed"]}, "url"),
    ({"name": "x", "url": "http://127.0.0.1:9/hook", "event_types": []}, "event_types"),
    ({"name": "x", "url": "http://127.0.0.1:9/hook", "event_types": ["batch.done"]}, "event_types[0]"),
    ({"name": "", "url": "http://127.0.0.1:9/hook", "event_types": ["batch.completed"]}, "name"),
])
def test_bad_endpoints_are_400_naming_the_param(client: openai.OpenAI, kwargs: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.webhooks.create(**kwargs)
    assert assert_error_shape(e.value, 400)["param"] == param


def test_a_test_delivery_reports_the_receivers_status(client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["batch.completed"])
    receiver.answers = [204]
    result = client.webhooks.test(endpoint.id, event_type="fine_tuning.job.failed")
    assert (result.object, result.status_code, result.success, result.event_type) == \
        ("webhook_endpoint.test", 204, True, "fine_tuning.job.failed")
    event = unwrap(client, receiver.wait(1)[0], endpoint.signing_secret)
    assert event.type == "fine_tuning.job.failed"
    # Nothing listening: a 400 that says so, not a hang.
    dead = client.webhooks.create(name="dead", url="http://127.0.0.1:9/hook", event_types=["batch.completed"])
    with pytest.raises(openai.BadRequestError) as e:
        client.webhooks.test(dead.id, event_type="batch.completed")
    assert "Could not deliver" in assert_error_shape(e.value, 400)["message"]


# --- events ------------------------------------------------------------------------------------

def _batch(client: openai.OpenAI, n: int = 3):
    lines = "".join(json.dumps({"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions",
                                "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"hi {i}"}]}}) + "\n"
                    for i in range(n))
    f = client.files.create(file=("b.jsonl", lines.encode()), purpose="batch")
    return client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")


def test_batch_completed_is_delivered_signed_once_when_the_clock_passes_its_end(
        server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["batch.completed", "batch.cancelled"])
    batch = _batch(client)
    time.sleep(0.3)
    assert receiver.received == [], "an event before the batch ended"
    server.advance(3600)
    headers, body = receiver.wait(1)[0]
    event = unwrap(client, (headers, body), endpoint.signing_secret)
    done = client.batches.retrieve(batch.id)
    assert done.status == "completed"
    assert (event.type, event.data.id, event.created_at) == ("batch.completed", batch.id, done.completed_at)
    assert event.id.startswith("evt_") and headers["webhook-id"].startswith("wh_")
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60, "the signature's timestamp is real time"
    # A wrong secret is refused by the SDK's check.
    with pytest.raises(openai.InvalidWebhookSignatureError):
        client.webhooks.unwrap(body, headers, secret="whsec_" + "A" * 43 + "=")
    # Later advances send nothing more for it.
    server.advance(3600)
    time.sleep(0.5)
    assert len(receiver.received) == 1
    status, log = server.control("GET", "/__sim/webhooks")
    assert status == 200 and [(d["type"], d["state"], d["status_code"]) for d in log["data"]] == [("batch.completed", "delivered", 200)]


def test_cancelled_batch_and_unsubscribed_types(server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["batch.cancelled"])
    batch = _batch(client, 200)
    client.batches.cancel(batch.id)
    server.advance(3600)
    event = unwrap(client, receiver.wait(1)[0], endpoint.signing_secret)
    assert (event.type, event.data.id) == ("batch.cancelled", batch.id)
    assert client.batches.retrieve(batch.id).status == "cancelled"
    _batch(client)  # completes: batch.completed is not subscribed
    server.advance(3600)
    time.sleep(0.5)
    assert len(receiver.received) == 1


def test_fine_tuning_eval_run_and_background_response_events(
        server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["fine_tuning.job.succeeded", "eval.run.succeeded", "eval.run.canceled",
                                                "response.completed", "response.cancelled"])
    train = "".join(json.dumps({"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": f"a{i}"}]}) + "\n"
                    for i in range(10))
    tf = client.files.create(file=("t.jsonl", train.encode()), purpose="fine-tune")
    job = client.fine_tuning.jobs.create(training_file=tf.id, model="gpt-4o-mini-2024-07-18")
    ev = client.evals.create(name="e", data_source_config={"type": "custom", "item_schema": {"type": "object", "properties": {"q": {"type": "string"}}}},
                             testing_criteria=[{"type": "string_check", "name": "s", "input": "{{item.q}}", "reference": "x", "operation": "eq"}])
    source = {"type": "jsonl", "source": {"type": "file_content", "content": [{"item": {"q": "x"}}] * 5}}
    run = client.evals.runs.create(ev.id, data_source=source)
    cancelled_run = client.evals.runs.create(ev.id, data_source=source)
    client.evals.runs.cancel(cancelled_run.id, eval_id=ev.id)
    # A cancel is sent at once, before the clock moves.
    first = unwrap(client, receiver.wait(1)[0], endpoint.signing_secret)
    assert (first.type, first.data.id) == ("eval.run.canceled", cancelled_run.id)
    response = client.responses.create(model="gpt-4o-mini", input="tell me a story", background=True)
    stopped = client.responses.create(model="gpt-4o-mini", input="another story", background=True)
    client.responses.cancel(stopped.id)
    server.advance(7200)
    deliveries = receiver.wait(5)
    events = {(e.type, e.data.id) for e in (unwrap(client, d, endpoint.signing_secret) for d in deliveries)}
    assert events == {("eval.run.canceled", cancelled_run.id), ("response.cancelled", stopped.id),
                      ("fine_tuning.job.succeeded", job.id), ("eval.run.succeeded", run.id),
                      ("response.completed", response.id)}
    assert client.fine_tuning.jobs.retrieve(job.id).status == "succeeded"


def test_a_failed_delivery_is_retried(server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["batch.completed"])
    receiver.answers = [500]
    _batch(client)
    server.advance(3600)
    first, second = receiver.wait(2, timeout=WAIT_S)[:2]
    assert first[0]["webhook-id"] == second[0]["webhook-id"] and first[1] == second[1], "a retry resends the same delivery"
    unwrap(client, second, endpoint.signing_secret)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        log = server.control("GET", "/__sim/webhooks")[1]["data"]
        if log and log[0]["state"] == "delivered":
            break
        time.sleep(0.05)
    assert (log[0]["attempts"], log[0]["state"], log[0]["status_code"]) == (2, "delivered", 200)


def test_a_receiver_that_never_answers_delays_only_its_own_deliveries(
        server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections complete in the backlog; nothing ever answers
    try:
        hanging = client.webhooks.create(name="silent", url=f"http://127.0.0.1:{silent.getsockname()[1]}/hook",
                                         event_types=["batch.completed"])
        endpoint = make_endpoint(client, receiver, ["batch.completed"])
        _batch(client)
        server.advance(3600)
        # The silent endpoint's attempt waits for its 10 s timeout; the other's goes out meanwhile.
        started = time.monotonic()
        unwrap(client, receiver.wait(1, timeout=5)[0], endpoint.signing_secret)
        assert time.monotonic() - started < 5
        log = server.control("GET", "/__sim/webhooks")[1]["data"]
        assert {d["webhook_endpoint_id"] for d in log} == {hanging.id, endpoint.id}
    finally:
        silent.close()


def test_scenarios_duplicate_delay_and_drop_a_jobs_event(
        server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["batch.completed", "response.completed"])
    lines = json.dumps({"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
                        "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}}) + "\n"
    f = client.files.create(file=("b.jsonl", lines.encode()), purpose="batch")
    # The shipped scenario: the same delivery twice.
    twice = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h",
                                  extra_headers={"X-Sim-Scenario": "webhook-duplicates"})
    server.advance(3600)
    first, second = receiver.wait(2)[:2]
    assert first[0]["webhook-id"] == second[0]["webhook-id"] and first[1] == second[1]
    assert unwrap(client, second, endpoint.signing_secret).data.id == twice.id
    # An uploaded scenario: a background response's event dropped, another's held back 1.5 s.
    status, _ = server.control("POST", "/__sim/scenarios", {"api_key": client.api_key, "scenario": {
        "version": 1, "name": "hooks", "rules": [
            {"match": {"path": "/v1/responses", "body": {"input": "drop me"}}, "webhook": {"drop": True}},
            {"match": {"path": "/v1/responses", "body": {"input": "late"}}, "webhook": {"delay_ms": 1500}}]}})
    assert status == 200
    dropped = client.responses.create(model="gpt-4o-mini", input="drop me", background=True)
    late = client.responses.create(model="gpt-4o-mini", input="late", background=True)
    server.advance(600)
    started = time.monotonic()
    got = receiver.wait(3, timeout=10)[2]
    assert time.monotonic() - started > 1.0, "the delayed event came early"
    assert unwrap(client, got, endpoint.signing_secret).data.id == late.id
    log = server.control("GET", "/__sim/webhooks")[1]["data"]
    assert [d["body"]["data"]["id"] for d in log if d["state"] == "dropped"] == [dropped.id]
    time.sleep(0.3)
    assert len(receiver.received) == 3


def test_a_rotated_secret_signs_with_both_while_the_old_one_is_kept(
        server: SimServer, client: openai.OpenAI, receiver: Receiver) -> None:
    endpoint = make_endpoint(client, receiver, ["batch.completed"])
    rotated = client.webhooks.rotate_secret(endpoint.id, keep_old_secret_active_for_24_hours=True)
    assert rotated.signing_secret != endpoint.signing_secret
    _batch(client)
    server.advance(3600)
    delivery = receiver.wait(1)[0]
    assert len(delivery[0]["webhook-signature"].split()) == 2
    unwrap(client, delivery, rotated.signing_secret)
    unwrap(client, delivery, endpoint.signing_secret)
    # Past the 24 hours (on the simulated clock) only the new secret signs.
    server.advance(24 * 3600)
    _batch(client)
    server.advance(3600)
    later = receiver.wait(2)[1]
    assert len(later[0]["webhook-signature"].split()) == 1
    unwrap(client, later, rotated.signing_secret)
    with pytest.raises(openai.InvalidWebhookSignatureError):
        client.webhooks.unwrap(later[1], later[0], secret=endpoint.signing_secret)


def test_jobs_running_across_a_restart_still_send_their_events(
        start_server: Callable[..., SimServer], receiver: Receiver, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    first = start_server(data_dir=data)
    c1 = first.client("sk-webhook-restart")
    endpoint = make_endpoint(c1, receiver, ["batch.completed"])
    batch = _batch(c1)
    first.stop()
    second = start_server(data_dir=data)
    c2 = second.client("sk-webhook-restart")
    assert c2.webhooks.retrieve(endpoint.id).url == receiver.url
    second.advance(3600)
    event = unwrap(c2, receiver.wait(1)[0], endpoint.signing_secret)
    assert (event.type, event.data.id) == ("batch.completed", batch.id)
