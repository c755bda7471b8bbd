"""Determinism across fresh servers, and the control plane (/__sim/*)."""
from __future__ import annotations

import hashlib
import json
import tempfile
from typing import Callable

import openai
import pytest

from harness import SimServer, binary_blob, jsonl_batch, jsonl_chat, raw_request


def scripted_session(server: SimServer) -> list[tuple[str, int, bytes]]:
    """A fixed sequence of SDK calls; returns (step, status, raw response body) for each."""
    out: list[tuple[str, int, bytes]] = []
    a = server.client("sk-determinism-tenant-a")
    b = server.client("sk-determinism-tenant-b")

    def step(name: str, fn: Callable[[], object]) -> object:
        try:
            raw = fn()
            out.append((name, raw.http_response.status_code, raw.http_response.content))  # type: ignore[attr-defined]
            return raw.parse()  # type: ignore[attr-defined]
        except openai.APIStatusError as e:
            out.append((name, e.status_code, e.response.content))
            return None

    try:
        f1 = step("create ft", lambda: a.files.with_raw_response.create(file=("t.jsonl", jsonl_chat()), purpose="fine-tune"))
        step("create batch", lambda: a.files.with_raw_response.create(file=("b.jsonl", jsonl_batch()), purpose="batch"))
        server.advance(5)
        f3 = step("create expiring", lambda: a.files.with_raw_response.create(
            file=("e.txt", b"e"), purpose="assistants", expires_after={"anchor": "created_at", "seconds": 4000}))
        step("create other tenant", lambda: b.files.with_raw_response.create(file=("o.txt", b"o"), purpose="user_data"))
        step("list page 1", lambda: a.files.with_raw_response.list(limit=2))
        step("list asc", lambda: a.files.with_raw_response.list(order="asc"))
        step("retrieve", lambda: a.files.with_raw_response.retrieve(f1.id))  # type: ignore[union-attr]
        step("content", lambda: a.files.with_raw_response.content(f1.id))  # type: ignore[union-attr]
        u = step("upload create", lambda: a.uploads.with_raw_response.create(
            bytes=6000, filename="up.jsonl", mime_type="text/jsonl", purpose="fine-tune"))
        blob = binary_blob(6000)
        p1 = step("part 1", lambda: a.uploads.parts.with_raw_response.create(u.id, data=blob[:4000]))  # type: ignore[union-attr]
        p2 = step("part 2", lambda: a.uploads.parts.with_raw_response.create(u.id, data=blob[4000:]))  # type: ignore[union-attr]
        step("complete", lambda: a.uploads.with_raw_response.complete(
            u.id, part_ids=[p1.id, p2.id], md5=hashlib.md5(blob).hexdigest()))  # type: ignore[union-attr]
        step("delete", lambda: a.files.with_raw_response.delete(f3.id))  # type: ignore[union-attr]
        step("retrieve deleted", lambda: a.files.with_raw_response.retrieve(f3.id))  # type: ignore[union-attr]
        step("bad purpose", lambda: a.files.with_raw_response.create(file=("x.txt", b"x"), purpose="nope"))  # type: ignore[arg-type]
        step("models", lambda: a.models.with_raw_response.list())
        step("model", lambda: a.models.with_raw_response.retrieve("gpt-4o-mini"))
        server.advance(4000)
        step("list after expiry", lambda: a.files.with_raw_response.list())
        step("other tenant list", lambda: b.files.with_raw_response.list())
    finally:
        a.close()
        b.close()
    return out


def first_difference(x: list, y: list) -> str:
    for (n1, s1, b1), (n2, s2, b2) in zip(x, y):
        if (s1, b1) != (s2, b2):
            return f"step {n1!r}: {s1} {b1[:600]!r}\n  vs {s2} {b2[:600]!r}"
    return f"different lengths {len(x)} vs {len(y)}"


def test_same_seed_same_requests_give_identical_responses(start_server: Callable[..., SimServer]) -> None:
    one = scripted_session(start_server(seed=7, clock="virtual"))
    two = scripted_session(start_server(seed=7, clock="virtual"))
    assert [s for _, s, _ in one] == [s for _, s, _ in two]
    assert one == two, first_difference(one, two)
    # The script really did things (not 18 identical errors).
    statuses = {name: status for name, status, _ in one}
    assert statuses["create ft"] == 200 and statuses["complete"] == 200 and statuses["retrieve deleted"] == 404
    ids = [json.loads(body)["id"] for name, status, body in one if name.startswith("create") and status == 200]
    assert len(ids) == 4 and len(set(ids)) == 4, ids


def test_a_different_seed_gives_different_ids(start_server: Callable[..., SimServer]) -> None:
    def ids(seed: int) -> list[str]:
        s = start_server(seed=seed, clock="virtual")
        with s.client("sk-seed-check") as c:
            return [c.files.create(file=(f"{i}.txt", b"x"), purpose="assistants").id for i in range(3)]

    seven, eight = ids(7), ids(8)
    assert seven == ids(7)
    assert seven != eight, "the seed does not influence ids"


# --- control plane -------------------------------------------------------------------------------

def test_health(sim: SimServer) -> None:
    status, headers, data = raw_request("GET", sim.root + "/__sim/health")
    assert status == 200, (status, data)


def test_control_plane_is_not_journaled(sim: SimServer) -> None:
    raw_request("GET", sim.root + "/__sim/health")
    sim.control("GET", "/__sim/clock")
    assert not [e for e in sim.journal() if e["path"].startswith("/__sim")]


def test_clock_advances_only_when_told(sim: SimServer, client: openai.OpenAI) -> None:
    status, before = sim.control("GET", "/__sim/clock")
    assert status == 200, before
    t0 = client.files.create(file=("a.txt", b"a"), purpose="assistants").created_at
    t1 = client.files.create(file=("b.txt", b"b"), purpose="assistants").created_at
    assert t1 == t0, "the virtual clock moved by itself"
    sim.advance(90)
    t2 = client.files.create(file=("c.txt", b"c"), purpose="assistants").created_at
    assert t2 == t0 + 90
    status, after = sim.control("GET", "/__sim/clock")
    assert status == 200 and after != before, (before, after)


@pytest.mark.parametrize("body", [{"seconds": -5}, {"seconds": "ten"}, {}])
def test_clock_advance_rejects_bad_input(sim: SimServer, body: dict) -> None:
    status, _ = sim.control("POST", "/__sim/clock/advance", body)
    assert 400 <= status < 500, status


def test_clock_advance_is_refused_on_a_live_clock(start_server: Callable[..., SimServer]) -> None:
    live = start_server(seed=0, clock="live")
    status, _ = live.control("POST", "/__sim/clock/advance", {"seconds": 60})
    assert 400 <= status < 500, status
    with live.client() as c:
        f = c.files.create(file=("l.txt", b"l"), purpose="assistants")
        import time
        assert abs(f.created_at - time.time()) < 120, "live clock is not wall-clock time"


def test_reset_forgets_all_tenants(start_server: Callable[..., SimServer]) -> None:
    s = start_server(seed=3, clock="virtual")
    with s.client("sk-reset-a") as a, s.client("sk-reset-b") as b:
        a.files.create(file=("a.txt", b"a"), purpose="assistants")
        b.files.create(file=("b.txt", b"b"), purpose="assistants")
        status, _ = s.control("POST", "/__sim/reset")
        assert 200 <= status < 300, status
        assert list(a.files.list()) == [] and list(b.files.list()) == []


def test_data_dir_keeps_state_across_restarts(start_server: Callable[..., SimServer]) -> None:
    with tempfile.TemporaryDirectory(prefix="openai-sim-data-") as d:
        first = start_server(seed=1, clock="virtual", data_dir=d)
        with first.client("sk-persist") as c:
            f = c.files.create(file=("keep.bin", binary_blob(5000)), purpose="user_data")
        first.stop()
        second = start_server(seed=1, clock="virtual", data_dir=d)
        with second.client("sk-persist") as c:
            assert c.files.retrieve(f.id).model_dump() == f.model_dump()
            assert c.files.content(f.id).read() == binary_blob(5000)
