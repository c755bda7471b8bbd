"""Conversations API with the official SDK: conversations and their items (all 8 operations),
responses that continue a conversation (plain, streamed, background, with a function tool
round trip), pagination, duplicates and errors. Every exchange is spec-checked by test_zz_spec."""
from __future__ import annotations

import json
import re

import openai
import pytest

from harness import SimServer, assert_error_shape, assert_request_id
from test_responses import WEATHER_TOOL

CONV_ID = re.compile(r"^conv_[0-9a-f]{48}$")
MODEL = "gpt-4.1-mini"


def roles(items) -> list:
    return [getattr(it, "role", it.type) for it in items]


def test_conversation_crud(client: openai.OpenAI) -> None:
    conv = client.conversations.create(metadata={"topic": "demo"},
                                       items=[{"type": "message", "role": "user", "content": "Hello!"}])
    assert CONV_ID.match(conv.id) and conv.object == "conversation" and conv.metadata == {"topic": "demo"}
    assert isinstance(conv.created_at, int)
    assert_request_id(conv)
    got = client.conversations.retrieve(conv.id)
    assert got.model_dump() == conv.model_dump()
    updated = client.conversations.update(conv.id, metadata={"topic": "other"})
    assert updated.metadata == {"topic": "other"} and updated.created_at == conv.created_at
    deleted = client.conversations.delete(conv.id)
    assert deleted.id == conv.id and deleted.deleted is True and deleted.object == "conversation.deleted"
    with pytest.raises(openai.NotFoundError) as e:
        client.conversations.retrieve(conv.id)
    assert assert_error_shape(e.value, 404)["message"] == f"Conversation with id '{conv.id}' not found."


def test_items_create_list_paginate_retrieve_delete(client: openai.OpenAI) -> None:
    conv = client.conversations.create()
    added = []
    for batch in range(3):
        page = client.conversations.items.create(
            conv.id, items=[{"type": "message", "role": "user", "content": f"item {batch}-{i}"} for i in range(5)])
        assert len(page.data) == 5 and page.first_id == page.data[0].id and page.last_id == page.data[-1].id
        added += [it.id for it in page.data]
    # Auto-pagination over pages of 4, oldest first.
    assert [it.id for it in client.conversations.items.list(conv.id, order="asc", limit=4)] == added
    # Default order: newest first.
    first = client.conversations.items.list(conv.id)
    assert [it.id for it in first.data] == list(reversed(added)) and first.has_more is False
    item = client.conversations.items.retrieve(added[7], conversation_id=conv.id)
    assert item.type == "message" and item.role == "user" and item.content[0].text == "item 1-2"
    after_delete = client.conversations.items.delete(added[7], conversation_id=conv.id)
    assert after_delete.id == conv.id and after_delete.object == "conversation"
    with pytest.raises(openai.NotFoundError):
        client.conversations.items.retrieve(added[7], conversation_id=conv.id)
    assert [it.id for it in client.conversations.items.list(conv.id, order="asc", limit=100)] == \
        [i for i in added if i != added[7]]


def test_responses_continue_a_conversation(client: openai.OpenAI) -> None:
    conv = client.conversations.create(items=[{"type": "message", "role": "user", "content": "My name is Ada."}])
    r1 = client.responses.create(model=MODEL, input="What is my name?", conversation=conv.id)
    assert r1.conversation is not None and r1.conversation.id == conv.id
    alone = client.responses.create(model=MODEL, input="What is my name?")
    assert alone.conversation is None
    assert r1.usage.input_tokens > alone.usage.input_tokens  # the conversation's item counted as input
    items = list(client.conversations.items.list(conv.id, order="asc"))
    assert roles(items) == ["user", "user", "assistant"]
    assert items[2].id == r1.output[0].id and items[2].content[0].text == r1.output_text
    # The object form of the parameter; a streamed turn joins the conversation too.
    with client.responses.stream(model=MODEL, input="Tell me more.", conversation={"id": conv.id}) as stream:
        final = stream.get_final_response()
    assert final.conversation.id == conv.id
    items = list(client.conversations.items.list(conv.id, order="asc"))
    assert roles(items) == ["user", "user", "assistant", "user", "assistant"]
    assert items[-1].id == final.output[-1].id
    count = client.responses.input_tokens.count(model=MODEL, input="x", conversation=conv.id)
    assert count.input_tokens > client.responses.input_tokens.count(model=MODEL, input="x").input_tokens


def test_function_call_round_trip_through_a_conversation(client: openai.OpenAI) -> None:
    """The agents pattern: the call lands in the conversation, the next turn sends only its output."""
    conv = client.conversations.create()
    r1 = client.responses.create(model=MODEL, input="What's the weather in Paris?", tools=[WEATHER_TOOL],
                                 tool_choice="required", conversation=conv.id)
    call = next(o for o in r1.output if o.type == "function_call")
    assert json.loads(call.arguments)["city"]
    r2 = client.responses.create(model=MODEL, tools=[WEATHER_TOOL], conversation=conv.id, input=[
        {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"temp_c": 18})}])
    assert r2.status == "completed" and r2.output_text
    kinds = [it.type for it in client.conversations.items.list(conv.id, order="asc")]
    assert kinds == ["message", "function_call", "function_call_output", "message"]
    # Sending the call again (the duplicate the API refuses).
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model=MODEL, tools=[WEATHER_TOOL], conversation=conv.id, input=[
            {"type": "function_call", "id": call.id, "call_id": call.call_id, "name": call.name, "arguments": call.arguments}])
    body = assert_error_shape(e.value, 400)
    assert body["param"] == "input" and body["message"].startswith(f"Duplicate item found with id {call.id}.")


def test_background_response_joins_when_complete(sim: SimServer, client: openai.OpenAI) -> None:
    conv = client.conversations.create()
    r = client.responses.create(model=MODEL, input="Write a short note.", conversation=conv.id, background=True)
    assert r.status == "queued" and r.conversation.id == conv.id
    assert list(client.conversations.items.list(conv.id)) == []
    sim.advance(600)
    done = client.responses.retrieve(r.id)
    assert done.status == "completed"
    items = list(client.conversations.items.list(conv.id, order="asc"))
    assert roles(items) == ["user", "assistant"] and items[1].id == done.output[0].id


def test_conversation_errors(client: openai.OpenAI, make_client) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.responses.create(model=MODEL, input="x", conversation="conv_missing")
    assert assert_error_shape(e.value, 404)["param"] == "conversation"
    conv = client.conversations.create()
    prev = client.responses.create(model=MODEL, input="x")
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model=MODEL, input="y", conversation=conv.id, previous_response_id=prev.id)
    assert assert_error_shape(e.value, 400)["code"] == "mutually_exclusive_parameters"
    with pytest.raises(openai.BadRequestError) as e:
        client.conversations.create(items=[{"type": "message", "role": "user", "content": str(i)} for i in range(21)])
    assert assert_error_shape(e.value, 400)["param"] == "items"
    with pytest.raises(openai.BadRequestError) as e:
        client.conversations.items.list(conv.id, limit=101)
    assert assert_error_shape(e.value, 400)["param"] == "limit"
    # Another key (tenant) does not see it.
    with pytest.raises(openai.NotFoundError):
        make_client().conversations.retrieve(conv.id)


def test_max_stored_forgets_the_oldest_conversations_across_a_restart(start_server, tmp_path) -> None:
    """`--max-stored 2` with `--data-dir` (the SQLite store): the third conversation pushes out
    the first, items and all; what is left survives a restart; another key is not counted."""
    data = str(tmp_path / "state")
    sim = start_server(extra_args=("--max-stored", "2"), data_dir=data)
    with sim.client("sk-one") as one, sim.client("sk-two") as two:
        other = two.conversations.create()
        convs = [one.conversations.create(items=[{"role": "user", "content": f"turn {i}"}]) for i in range(3)]
        with pytest.raises(openai.NotFoundError) as e:
            one.conversations.items.list(convs[0].id)
        assert_error_shape(e.value, 404)
        with pytest.raises(openai.NotFoundError):
            one.responses.create(model=MODEL, input="more", conversation=convs[0].id)
        # A conversation keeps its newest two items.
        one.conversations.items.create(convs[2].id, items=[{"role": "user", "content": "a"},
                                                            {"role": "user", "content": "b"}])
        kept = [it.content[0].text for it in one.conversations.items.list(convs[2].id, order="asc")]
        assert kept == ["a", "b"]
    sim.stop()
    again = start_server(extra_args=("--max-stored", "2"), data_dir=data)
    with again.client("sk-one") as one, again.client("sk-two") as two:
        assert two.conversations.retrieve(other.id).id == other.id
        assert [one.conversations.retrieve(c.id).id for c in convs[1:]] == [c.id for c in convs[1:]]
        with pytest.raises(openai.NotFoundError):
            one.conversations.retrieve(convs[0].id)
        assert [it.content[0].text for it in one.conversations.items.list(convs[1].id)] == ["turn 1"]
