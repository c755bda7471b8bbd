"""Deleting what a list yields while the SDK pages through it (a test suite's teardown loop).

The SDK asks for the next page `after` the last id of the page it has; a loop that deletes each
object as it is yielded has deleted that one by then. Before, the simulator answered such a
cursor with an empty page, so the loop ended after the first page and left the rest (20 of the
default page size of chat completions and evals): the id of a deleted object now continues from
the place it had. Run against the in-memory store and against a data directory (SQLite).
(Conversation items and the organization lists answer an unknown cursor with the API's 404, and
so a deleted one too; they are not covered here.)
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import openai
import pytest

from harness import SimServer

N = 7  # objects per kind: pages of 2 (3 for evals) need several requests


def _eval(client: openai.OpenAI, name: str):
    return client.evals.create(
        name=name,
        data_source_config={"type": "custom", "item_schema": {"type": "object", "properties": {"q": {"type": "string"}}}},
        testing_criteria=[{"type": "string_check", "name": "s", "input": "{{item.q}}", "reference": "x", "operation": "eq"}],
    )


def _teardown_leaves_nothing(make: Callable[[int], str], pager: Callable[[], object], delete: Callable[[str], object],
                             remaining: Callable[[], list[str]]) -> None:
    made = [make(i) for i in range(N)]
    deleted = []
    for obj in pager():
        delete(obj.id)
        deleted.append(obj.id)
    assert sorted(deleted) == sorted(made), f"the loop deleted {len(deleted)} of {N}"
    assert remaining() == []


@pytest.fixture(params=["memory", "sqlite"])
def paged_client(request: pytest.FixtureRequest, sim: SimServer, start_server: Callable[..., SimServer],
                 tmp_path: Path, api_key: str, make_client):
    if request.param == "memory":
        return make_client(api_key), sim
    server = start_server(data_dir=str(tmp_path / "data"))
    client = server.client(api_key)
    request.addfinalizer(client.close)
    return client, server


def test_files(paged_client) -> None:
    client, _ = paged_client
    _teardown_leaves_nothing(
        lambda i: client.files.create(file=(f"f{i}.txt", b"x"), purpose="assistants").id,
        lambda: client.files.list(limit=2),
        client.files.delete,
        lambda: [f.id for f in client.files.list()])


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_stored_chat_completions(paged_client, order: str) -> None:
    client, _ = paged_client
    _teardown_leaves_nothing(
        lambda i: client.chat.completions.create(model="gpt-4o-mini", store=True,
                                                 messages=[{"role": "user", "content": f"m{i}"}]).id,
        lambda: client.chat.completions.list(limit=2, order=order),
        client.chat.completions.delete,
        lambda: [c.id for c in client.chat.completions.list()])


def test_evals_and_their_runs(paged_client) -> None:
    client, _ = paged_client
    _teardown_leaves_nothing(lambda i: _eval(client, f"e{i}").id, lambda: client.evals.list(limit=3),
                             client.evals.delete, lambda: [e.id for e in client.evals.list()])
    ev = _eval(client, "runs")
    content = [{"item": {"q": "x"}}]
    _teardown_leaves_nothing(
        lambda i: client.evals.runs.create(ev.id, data_source={"type": "jsonl",
                                                               "source": {"type": "file_content", "content": content}}).id,
        lambda: client.evals.runs.list(ev.id, limit=2),
        lambda run_id: client.evals.runs.delete(run_id, eval_id=ev.id),
        lambda: [r.id for r in client.evals.runs.list(ev.id)])


def test_an_id_never_listed_still_gives_an_empty_page(paged_client) -> None:
    client, _ = paged_client
    client.files.create(file=("kept.txt", b"x"), purpose="assistants")
    page = client.files.list(after="file-neverExisted0000000000")
    assert page.data == [] and page.has_more is False
