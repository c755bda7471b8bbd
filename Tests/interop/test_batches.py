"""Batches with the official SDK: the seed article's sentiment batch end to end, chat/embeddings/
moderations batches, partial failure with an error file, a malformed input file, cancel with
partial output, and expiry on the virtual clock."""
from __future__ import annotations

import json

import openai
import pytest

from harness import SimServer, assert_request_id

REVIEWS = {
    "review-1": "The food was wonderful and the staff were friendly. I will come back!",
    "review-2": "Terrible service, cold soup and a rude waiter. Never again.",
    "review-3": "It was fine. Nothing special, nothing bad.",
}


def upload_jsonl(client: openai.OpenAI, lines: list[dict], name: str = "batch.jsonl") -> str:
    data = ("\n".join(json.dumps(l) for l in lines) + "\n").encode()
    return client.files.create(file=(name, data), purpose="batch").id


def poll(client: openai.OpenAI, sim: SimServer, batch_id: str, *, step: int = 60, limit: int = 200):
    """Polls like the seed article does, moving the virtual clock between polls."""
    seen = []
    for _ in range(limit):
        b = client.batches.retrieve(batch_id)
        if not seen or seen[-1] != b.status:
            seen.append(b.status)
        if b.status in ("completed", "failed", "expired", "cancelled"):
            return b, seen
        sim.advance(step)
    raise AssertionError(f"batch {batch_id} never finished: {seen}")


def read_jsonl(client: openai.OpenAI, file_id: str) -> list[dict]:
    return [json.loads(l) for l in client.files.content(file_id).text.splitlines() if l.strip()]


def test_seed_article_sentiment_batch_end_to_end(client: openai.OpenAI, sim: SimServer) -> None:
    lines = [{"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
              "body": {"model": "gpt-4o-mini", "max_tokens": 20,
                       "messages": [{"role": "system", "content": "Classify the sentiment as positive, negative or neutral."},
                                    {"role": "user", "content": text}]}}
             for cid, text in REVIEWS.items()]
    file_id = upload_jsonl(client, lines)
    batch = client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h",
                                  metadata={"job": "sentiment"})
    assert batch.id.startswith("batch_") and batch.status == "validating"
    assert batch.request_counts.total == 0 or batch.request_counts.total == 3
    assert batch.expires_at == batch.created_at + 86400
    assert_request_id(batch)
    done, statuses = poll(client, sim, batch.id, step=1)
    assert statuses[0] == "validating" and statuses[-1] == "completed"
    assert "in_progress" in statuses
    assert done.request_counts.total == 3 and done.request_counts.completed == 3 and done.request_counts.failed == 0
    assert done.in_progress_at and done.finalizing_at and done.completed_at
    assert done.created_at <= done.in_progress_at <= done.finalizing_at <= done.completed_at
    assert done.usage.input_tokens > 0 and done.usage.output_tokens > 0
    assert done.error_file_id is None
    results = {r["custom_id"]: r for r in read_jsonl(client, done.output_file_id)}
    assert set(results) == set(REVIEWS)
    for cid, r in results.items():
        assert r["id"].startswith("batch_req_") and r["error"] is None
        assert r["response"]["status_code"] == 200 and r["response"]["request_id"].startswith("req_")
        body = r["response"]["body"]
        assert body["object"] == "chat.completion" and body["choices"][0]["message"]["content"]
    out_file = client.files.retrieve(done.output_file_id)
    assert out_file.purpose == "batch_output"


@pytest.mark.parametrize("endpoint,body", [
    ("/v1/embeddings", {"model": "text-embedding-3-small", "input": "hello world"}),
    ("/v1/moderations", {"model": "omni-moderation-latest", "input": "I love sunny days"}),
    ("/v1/responses", {"model": "gpt-4.1-mini", "input": "Say hi", "max_output_tokens": 30}),
])
def test_other_endpoint_batches_answer_like_the_endpoint(client: openai.OpenAI, sim: SimServer, endpoint: str, body: dict) -> None:
    lines = [{"custom_id": f"c{i}", "method": "POST", "url": endpoint, "body": body} for i in range(4)]
    batch = client.batches.create(input_file_id=upload_jsonl(client, lines), endpoint=endpoint, completion_window="24h")
    done, _ = poll(client, sim, batch.id, step=1)
    assert done.status == "completed" and done.request_counts.completed == 4
    rows = read_jsonl(client, done.output_file_id)
    assert sorted(r["custom_id"] for r in rows) == ["c0", "c1", "c2", "c3"]
    first = rows[0]["response"]["body"]
    expected_object = {"/v1/embeddings": "list", "/v1/moderations": None, "/v1/responses": "response"}[endpoint]
    if expected_object:
        assert first["object"] == expected_object
    else:
        assert first["id"].startswith("modr") and len(first["results"]) == 1


def test_bad_lines_fail_alone_and_land_in_the_error_file(client: openai.OpenAI, sim: SimServer) -> None:
    good = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    lines = [
        {"custom_id": "ok-1", "method": "POST", "url": "/v1/chat/completions", "body": good},
        {"custom_id": "bad-model", "method": "POST", "url": "/v1/chat/completions", "body": {**good, "model": "gpt-nope"}},
        {"custom_id": "ok-2", "method": "POST", "url": "/v1/chat/completions", "body": good},
        {"custom_id": "bad-body", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini"}},
    ]
    batch = client.batches.create(input_file_id=upload_jsonl(client, lines), endpoint="/v1/chat/completions", completion_window="24h")
    done, _ = poll(client, sim, batch.id, step=1)
    assert done.status == "completed"
    assert (done.request_counts.completed, done.request_counts.failed) == (2, 2)
    ok = {r["custom_id"] for r in read_jsonl(client, done.output_file_id)}
    errors = {r["custom_id"]: r for r in read_jsonl(client, done.error_file_id)}
    assert ok == {"ok-1", "ok-2"}
    assert set(errors) == {"bad-model", "bad-body"}
    assert errors["bad-model"]["response"]["status_code"] == 404
    assert errors["bad-model"]["response"]["body"]["error"]["code"] == "model_not_found"
    assert errors["bad-body"]["response"]["status_code"] == 400
    assert errors["bad-body"]["response"]["body"]["error"]["param"] == "messages"
    # Replaying the failures: the error file names exactly the requests to resend.
    retry = [l for l in lines if l["custom_id"] in errors]
    assert [l["custom_id"] for l in retry] == ["bad-model", "bad-body"]


def test_malformed_input_file_fails_with_line_numbers(client: openai.OpenAI, sim: SimServer) -> None:
    good = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}}
    data = (json.dumps(good) + "\n{not json\n" + json.dumps(good) + "\n"
            + json.dumps({**good, "custom_id": "b", "url": "/v1/embeddings"}) + "\n").encode()
    file_id = client.files.create(file=("bad.jsonl", data), purpose="batch").id
    batch = client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h")
    done, statuses = poll(client, sim, batch.id, step=1)
    assert statuses == ["validating", "failed"]
    assert done.failed_at and done.output_file_id is None
    errors = {(e.line, e.code) for e in done.errors.data}
    assert (2, "invalid_json_line") in errors
    assert (3, "duplicate_custom_id") in errors
    assert (4, "mismatched_url") in errors
    assert all(e.message for e in done.errors.data)


def test_create_refuses_bad_requests_synchronously(client: openai.OpenAI) -> None:
    fine_tune_file = client.files.create(file=("t.jsonl", b'{"a":1}\n'), purpose="fine-tune").id
    with pytest.raises(openai.BadRequestError) as e:
        client.batches.create(input_file_id=fine_tune_file, endpoint="/v1/chat/completions", completion_window="24h")
    assert e.value.body["param"] == "input_file_id"
    batch_file = client.files.create(file=("b.jsonl", b'{"a":1}\n'), purpose="batch").id
    with pytest.raises(openai.BadRequestError) as e:
        client.batches.create(input_file_id=batch_file, endpoint="/v1/chat/completions", completion_window="1h")  # type: ignore[arg-type]
    assert e.value.body["param"] == "completion_window"
    with pytest.raises(openai.BadRequestError) as e:
        # A Batch API endpoint the simulator does not run.
        client.batches.create(input_file_id=batch_file, endpoint="/v1/images/generations", completion_window="24h")  # type: ignore[arg-type]
    assert e.value.body["param"] == "endpoint"
    with pytest.raises(openai.NotFoundError):
        client.batches.create(input_file_id="file-doesnotexist", endpoint="/v1/chat/completions", completion_window="24h")
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_doesnotexist")


def test_cancel_keeps_the_lines_done_so_far(client: openai.OpenAI, sim: SimServer) -> None:
    lines = [{"custom_id": f"r{i}", "method": "POST", "url": "/v1/moderations",
              "body": {"model": "omni-moderation-latest", "input": f"line {i}"}} for i in range(200)]
    batch = client.batches.create(input_file_id=upload_jsonl(client, lines), endpoint="/v1/moderations", completion_window="24h")
    sim.advance(2)   # validation ends
    sim.advance(2)   # half of the 4 s of work (200 lines x 0.02 s)
    cancelling = client.batches.cancel(batch.id)
    assert cancelling.status == "cancelling" and cancelling.cancelling_at
    done, _ = poll(client, sim, batch.id, step=1)
    assert done.status == "cancelled" and done.cancelled_at
    assert done.request_counts.completed == 100
    rows = read_jsonl(client, done.output_file_id)
    assert len(rows) == 100 and {r["custom_id"] for r in rows} == {f"r{i}" for i in range(100)}
    with pytest.raises(openai.ConflictError):
        client.batches.cancel(batch.id)


def test_unfinished_batch_expires_after_24_simulated_hours(client: openai.OpenAI, sim: SimServer) -> None:
    lines = [{"custom_id": f"r{i}", "method": "POST", "url": "/v1/embeddings",
              "body": {"model": "text-embedding-3-small", "input": f"text {i}"}} for i in range(10)]
    file_id = upload_jsonl(client, lines)
    # The library scenario batch-expires makes the batch need more than its window.
    batch = client.batches.create(input_file_id=file_id, endpoint="/v1/embeddings", completion_window="24h",
                                  extra_headers={"X-Sim-Scenario": "batch-expires"})
    sim.advance(3600)
    assert client.batches.retrieve(batch.id).status == "in_progress"
    sim.advance(86400)
    done = client.batches.retrieve(batch.id)
    assert done.status == "expired" and done.expired_at == batch.expires_at
    counts = done.request_counts
    assert counts.completed + counts.failed == 10 and counts.failed > 0
    expired = [r for r in read_jsonl(client, done.error_file_id) if r["error"]]
    assert expired and all(r["error"]["code"] == "batch_expired" and r["response"] is None for r in expired)


def test_list_pages_newest_first(client: openai.OpenAI) -> None:
    file_id = upload_jsonl(client, [{"custom_id": "x", "method": "POST", "url": "/v1/embeddings",
                                     "body": {"model": "text-embedding-3-small", "input": "x"}}])
    ids = [client.batches.create(input_file_id=file_id, endpoint="/v1/embeddings", completion_window="24h").id for _ in range(3)]
    page = client.batches.list(limit=2)
    assert [b.id for b in page.data] == [ids[2], ids[1]] and page.has_more
    assert [b.id for b in client.batches.list(limit=2)] == list(reversed(ids))


def test_same_seed_same_batch_gives_identical_output_files(start_server) -> None:  # noqa: ANN001
    def run() -> list[str]:
        s = start_server(seed=5)
        c = s.client("sk-determinism")
        lines = [{"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions",
                  "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Tell me about item {i}"}]}}
                 for i in range(5)]
        b = c.batches.create(input_file_id=upload_jsonl(c, lines), endpoint="/v1/chat/completions", completion_window="24h")
        s.advance(100)
        done = c.batches.retrieve(b.id)
        return [done.id, c.files.content(done.output_file_id).text]
    assert run() == run()
