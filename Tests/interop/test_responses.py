"""Responses API with the official SDK: create (plain, streamed, background), chaining,
structured outputs, tools, reasoning, caching, input items, cancel, delete, errors, determinism.
Raw streams are also checked event by event against the spec's ResponseStreamEvent schemas."""
from __future__ import annotations

import json
import re
import threading
import time
from typing import Any, Callable, Iterator, Optional

import jsonschema
import openai
import pytest
from pydantic import BaseModel

from harness import SimServer, assert_error_shape, assert_request_id, raw_request
from test_zz_spec import load_spec_check

RESP_ID = re.compile(r"^resp_[0-9a-f]{48}$")
MSG_ID = re.compile(r"^msg_[0-9a-f]{48}$")

WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
    "strict": True,
}


# --- helpers ---------------------------------------------------------------------------------

def sse_events(body: bytes) -> list[tuple[Optional[str], Any]]:
    """(event name, parsed data) for each SSE frame of a raw body."""
    out = []
    for frame in body.decode().split("\n\n"):
        if not frame.strip():
            continue
        name, data = None, []
        for line in frame.split("\n"):
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data.append(line[len("data: "):])
        text = "\n".join(data)
        out.append((name, text if text == "[DONE]" else json.loads(text)))
    return out


def raw_stream(sim: SimServer, key: str, body: dict) -> tuple[int, dict, list]:
    status, headers, data = raw_request("POST", sim.base_url + "/responses",
                                        headers={"Authorization": f"Bearer {key}"}, body={**body, "stream": True})
    return status, headers, sse_events(data)


@pytest.fixture(scope="module")
def event_validators() -> dict[str, Any]:
    """A JSON Schema validator per stream event type, from the spec's ResponseStreamEvent union."""
    mod = load_spec_check()
    doc = mod.Spec().doc
    schemas = doc["components"]["schemas"]
    out = {}
    for ref in schemas["ResponseStreamEvent"].get("anyOf", schemas["ResponseStreamEvent"].get("oneOf", [])):
        name = ref["$ref"].split("/")[-1]
        event_type = schemas[name]["properties"]["type"]["enum"][0]
        out[event_type] = jsonschema.Draft202012Validator({"$ref": ref["$ref"], "components": doc["components"]})
    return out


def long_instructions() -> str:
    """A static system prompt well over 1,024 tokens (the prompt-caching example's shape)."""
    rules = [
        f"Rule {i}: when a customer asks about order {1000 + i}, check the shipping status, confirm the delivery "
        f"address, and explain the return policy for category {i % 7} items in plain, friendly language."
        for i in range(60)
    ]
    return "You are a support agent for an online store.\n" + "\n".join(rules)


# --- create ----------------------------------------------------------------------------------

def test_create_with_string_input_and_instructions(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o-mini", input="Write a haiku about the sea.", instructions="Answer as a poet.")
    assert_request_id(r)
    assert RESP_ID.match(r.id) and r.object == "response" and r.status == "completed"
    assert r.instructions == "Answer as a poet." and r.model == "gpt-4o-mini"
    msg = r.output[-1]
    assert msg.type == "message" and msg.role == "assistant" and MSG_ID.match(msg.id)
    assert r.output_text and r.output_text == msg.content[0].text
    u = r.usage
    assert u is not None and u.input_tokens > 0 and u.output_tokens > 0
    assert u.total_tokens == u.input_tokens + u.output_tokens
    assert u.input_tokens_details.cached_tokens == 0 and u.output_tokens_details.reasoning_tokens == 0
    assert r.completed_at is not None and r.completed_at >= r.created_at


def test_message_array_input_with_image_costs_more_input_tokens(client: openai.OpenAI) -> None:
    text_only = client.responses.create(model="gpt-4o", input=[
        {"role": "developer", "content": "Describe images carefully."},
        {"role": "user", "content": [{"type": "input_text", "text": "What is in this picture?"}]},
    ])
    with_image = client.responses.create(model="gpt-4o", input=[
        {"role": "developer", "content": "Describe images carefully."},
        {"role": "user", "content": [
            {"type": "input_text", "text": "What is in this picture?"},
            {"type": "input_image", "image_url": "https://example.com/cat.png", "detail": "low"},
        ]},
    ])
    assert text_only.status == with_image.status == "completed"
    assert with_image.usage.input_tokens == text_only.usage.input_tokens + 85  # type: ignore[union-attr]
    items = client.responses.input_items.list(with_image.id, order="asc")
    assert [i.role for i in items.data] == ["developer", "user"]  # type: ignore[union-attr]
    image = items.data[1].content[1]  # type: ignore[union-attr]
    assert image.type == "input_image" and image.image_url == "https://example.com/cat.png" and image.detail == "low"


def test_previous_response_id_chains_turns_and_grows_input_tokens(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o-mini", input="My name is Ada. Tell me a fact about owls.")
    second = client.responses.create(model="gpt-4o-mini", input="And one about ravens?", previous_response_id=first.id)
    third = client.responses.create(model="gpt-4o-mini", input="Which of the two is smarter?", previous_response_id=second.id)
    assert second.previous_response_id == first.id and third.previous_response_id == second.id
    u1, u2, u3 = first.usage, second.usage, third.usage
    assert u1 and u2 and u3
    # The earlier turns (their input and output) are part of the next input.
    assert u2.input_tokens > u1.input_tokens + u1.output_tokens
    assert u3.input_tokens > u2.input_tokens + u2.output_tokens
    # input_items lists only the request's own input.
    assert [i.type for i in client.responses.input_items.list(third.id).data] == ["message"]


def test_unknown_previous_response_id_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-mini", input="hi", previous_response_id="resp_doesnotexist")
    body = assert_error_shape(e.value, 400)
    assert body["param"] == "previous_response_id" and body["code"] == "previous_response_not_found"


def test_unknown_model_is_404_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.responses.create(model="gpt-nope", input="hi")
    body = assert_error_shape(e.value, 404)
    assert body["code"] == "model_not_found" and body["param"] == "model"


@pytest.mark.parametrize("kwargs,param", [
    ({"temperature": 3}, "temperature"),
    ({"top_p": -0.5}, "top_p"),
    ({"max_output_tokens": 5}, "max_output_tokens"),
    ({"metadata": {"k": 1}}, "metadata.k"),
    ({"text": {"format": {"type": "xml"}}}, "text.format.type"),
    ({"tool_choice": "required"}, "tool_choice"),
    ({"extra_body": {"bogus_field": 1}}, "bogus_field"),
    ({"input": [{"role": "robot", "content": "hi"}]}, "input[0].role"),
])
def test_bad_parameters_are_400_naming_the_param(client: openai.OpenAI, kwargs: dict, param: str) -> None:
    args: dict[str, Any] = {"model": "gpt-4o-mini", "input": "hi", **kwargs}
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(**args)
    assert assert_error_shape(e.value, 400)["param"] == param


# --- streaming -------------------------------------------------------------------------------

def test_streaming_create_emits_the_event_sequence(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="gpt-4o-mini", input="Describe a sunrise.", stream=True))
    types = [e.type for e in events]
    assert types[:4] == ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]
    assert types[-4:] == ["response.output_text.done", "response.content_part.done", "response.output_item.done",
                          "response.completed"]
    deltas = [e for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) > 3 and set(types[4:4 + len(deltas)]) == {"response.output_text.delta"}
    assert [e.sequence_number for e in events] == list(range(len(events)))
    final = events[-1].response  # type: ignore[union-attr]
    assert "".join(d.delta for d in deltas) == final.output_text  # type: ignore[union-attr]
    assert events[0].response.status == "in_progress" and final.status == "completed"  # type: ignore[union-attr]
    assert client.responses.retrieve(final.id).output_text == final.output_text


def test_stream_helper_accumulates_text_and_final_response(client: openai.OpenAI) -> None:
    seen: list[str] = []
    with client.responses.stream(model="gpt-4.1-mini", input="List three uses for copper.") as stream:
        last_seq = -1
        for event in stream:
            assert event.sequence_number > last_seq
            last_seq = event.sequence_number
            if event.type == "response.output_text.delta":
                seen.append(event.delta)
        final = stream.get_final_response()
    assert final.status == "completed" and final.output_text == "".join(seen) and final.output_text


def test_raw_stream_matches_spec_and_has_no_done_marker(sim: SimServer, api_key: str, event_validators: dict) -> None:
    status, headers, events = raw_stream(sim, api_key, {
        "model": "o4-mini", "input": "Plan a picnic. Use get_weather for Paris.", "tools": [WEATHER_TOOL],
        "reasoning": {"effort": "low", "summary": "auto"}})
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    assert events and all(data != "[DONE]" for _, data in events)
    types = [data["type"] for _, data in events]
    assert "response.reasoning_summary_text.delta" in types and "response.function_call_arguments.done" in types
    for name, data in events:
        assert name == data["type"]
        errors = [e.message for e in event_validators[data["type"]].iter_errors(data)]
        assert not errors, f"{data['type']} violates the spec: {errors[:3]}"
    assert [d["sequence_number"] for _, d in events] == list(range(len(events)))
    _, _, text_events = raw_stream(sim, api_key, {"model": "gpt-4o-mini", "input": "Describe snow.", "top_logprobs": 2,
                                                  "include": ["message.output_text.logprobs"]})
    for _, data in text_events:
        assert not list(event_validators[data["type"]].iter_errors(data)), data["type"]
    deltas = [d for _, d in text_events if d["type"] == "response.output_text.delta"]
    assert deltas and all(len(d["logprobs"]) == 1 and d["logprobs"][0]["token"] == d["delta"] for d in deltas)


def test_logprobs_are_included_when_asked(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o", input="Name a fruit.", include=["message.output_text.logprobs"], top_logprobs=3)
    part = r.output[-1].content[0]  # type: ignore[union-attr]
    assert part.logprobs and "".join(lp.token for lp in part.logprobs) == part.text
    assert all(lp.logprob <= 0 and len(lp.top_logprobs) == 3 for lp in part.logprobs)
    plain = client.responses.create(model="gpt-4o", input="Name a fruit.")
    assert plain.output[-1].content[0].logprobs == []  # type: ignore[union-attr]


def test_stream_with_function_call_emits_argument_events(client: openai.OpenAI) -> None:
    with client.responses.stream(model="gpt-4o", input="What's the weather in Oslo?", tools=[WEATHER_TOOL],
                                 tool_choice="required") as stream:
        arg_deltas = [e.delta for e in stream if e.type == "response.function_call_arguments.delta"]
        final = stream.get_final_response()
    call = final.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert "".join(arg_deltas) == call.arguments
    jsonschema.validate(json.loads(call.arguments), WEATHER_TOOL["parameters"])


def test_retrieve_with_stream_replays_events_after_a_sequence_number(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o-mini", input="Name a color.")
    replay = list(client.responses.retrieve(r.id, stream=True, starting_after=1))
    assert replay[0].sequence_number == 2 and replay[-1].type == "response.completed"
    assert replay[-1].response.output_text == r.output_text  # type: ignore[union-attr]


# --- structured outputs ----------------------------------------------------------------------

class CalendarEvent(BaseModel):
    name: str
    date: str
    participants: list[str]


def test_parse_with_pydantic_text_format(client: openai.OpenAI) -> None:
    r = client.responses.parse(model="gpt-4o-2024-08-06", input="Alice and Bob are going to a science fair on Friday.",
                               instructions="Extract the event information.", text_format=CalendarEvent)
    parsed = r.output_parsed
    assert isinstance(parsed, CalendarEvent) and parsed.name and isinstance(parsed.participants, list)
    assert r.text.format.type == "json_schema" and r.text.format.strict is True  # type: ignore[union-attr]


def test_strict_json_schema_output_validates(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {
        "title": {"type": "string"}, "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b", "c"]}}},
        "required": ["title", "year", "tags"], "additionalProperties": False}
    r = client.responses.create(model="gpt-4.1", input="Invent a movie.",
                                text={"format": {"type": "json_schema", "name": "movie", "schema": schema, "strict": True}})
    jsonschema.validate(json.loads(r.output_text), schema)


def test_strict_schema_without_additional_properties_false_is_400(client: openai.OpenAI) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4.1", input="x",
                                text={"format": {"type": "json_schema", "name": "s", "schema": schema, "strict": True}})
    assert assert_error_shape(e.value, 400)["param"] == "text.format.schema"


def test_json_object_needs_the_word_json_and_yields_an_object(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-mini", input="Describe a cat.", text={"format": {"type": "json_object"}})
    assert assert_error_shape(e.value, 400)["param"] == "input"
    r = client.responses.create(model="gpt-4o-mini", input="Describe a cat as JSON.", text={"format": {"type": "json_object"}})
    assert isinstance(json.loads(r.output_text), dict)


# --- tools -----------------------------------------------------------------------------------

def test_tool_round_trip_with_function_call_output(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o", input="What's the weather like in Paris today?", tools=[WEATHER_TOOL],
                                tool_choice={"type": "function", "name": "get_weather"})
    calls = [o for o in r.output if o.type == "function_call"]
    assert len(calls) == 1
    call = calls[0]
    assert call.id.startswith("fc_") and call.call_id.startswith("call_") and call.status == "completed"  # type: ignore[union-attr]
    args = json.loads(call.arguments)
    jsonschema.validate(args, WEATHER_TOOL["parameters"])
    follow = client.responses.create(model="gpt-4o", previous_response_id=r.id, tools=[WEATHER_TOOL], input=[
        {"type": "function_call_output", "call_id": call.call_id, "output": json.dumps({"temp_c": 18, "sky": "clear"})}])
    assert follow.status == "completed" and follow.output[-1].type == "message" and follow.output_text
    assert follow.usage.input_tokens > r.usage.input_tokens  # type: ignore[union-attr]
    # The same turn without previous_response_id: the history passed back as items.
    manual = client.responses.create(model="gpt-4o", tools=[WEATHER_TOOL], input=[
        {"role": "user", "content": "What's the weather like in Paris today?"}, *[o.model_dump(exclude_none=True) for o in r.output],
        {"type": "function_call_output", "call_id": call.call_id, "output": '{"temp_c": 18}'}])
    assert manual.output[-1].type == "message"


def test_auto_tool_choice_calls_only_when_asked(client: openai.OpenAI) -> None:
    asked = client.responses.create(model="gpt-4o", input="Use get_weather to check the weather in Rome.", tools=[WEATHER_TOOL])
    assert [o.type for o in asked.output] == ["function_call"]
    chat = client.responses.create(model="gpt-4o", input="Tell me a joke about penguins.", tools=[WEATHER_TOOL])
    assert [o.type for o in chat.output] == ["message"]


def test_function_call_output_without_a_call_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o", input=[{"type": "function_call_output", "call_id": "call_missing", "output": "1"}])
    assert assert_error_shape(e.value, 400)["param"] == "input"


# --- limits, reasoning, caching ----------------------------------------------------------------

def test_max_output_tokens_makes_an_incomplete_response(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o-mini", input="Explain the history of Rome in detail.", max_output_tokens=16)
    assert r.status == "incomplete" and r.incomplete_details is not None
    assert r.incomplete_details.reason == "max_output_tokens" and r.max_output_tokens == 16
    assert r.usage is not None and r.usage.output_tokens == 16 and r.output[-1].status == "incomplete"


def test_reasoning_model_reports_reasoning_tokens_and_item(client: openai.OpenAI) -> None:
    low = client.responses.create(model="o4-mini", input="How many primes are below 30?", reasoning={"effort": "low"})
    high = client.responses.create(model="o4-mini", input="How many primes are below 30?",
                                   reasoning={"effort": "high", "summary": "auto"}, include=["reasoning.encrypted_content"])
    for r in (low, high):
        assert r.output[0].type == "reasoning" and r.output[0].id.startswith("rs_")
        assert r.usage.output_tokens_details.reasoning_tokens > 0  # type: ignore[union-attr]
        assert r.usage.output_tokens > r.usage.output_tokens_details.reasoning_tokens  # type: ignore[union-attr]
    assert high.usage.output_tokens_details.reasoning_tokens > low.usage.output_tokens_details.reasoning_tokens  # type: ignore[union-attr]
    assert high.reasoning.effort == "high" and high.output[0].summary and high.output[0].encrypted_content  # type: ignore[union-attr]
    assert low.output[0].summary == []  # type: ignore[union-attr]
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-mini", input="x", reasoning={"effort": "high"})
    assert assert_error_shape(e.value, 400)["param"] == "reasoning.effort"


def test_prompt_caching_second_call_reports_cached_tokens(client: openai.OpenAI) -> None:
    instructions = long_instructions()
    first = client.responses.create(model="gpt-4.1-mini", instructions=instructions, input="Where is order 1004?",
                                    prompt_cache_key="support-bot")
    second = client.responses.create(model="gpt-4.1-mini", instructions=instructions, input="Can I return order 1031?",
                                     prompt_cache_key="support-bot")
    assert first.usage.input_tokens >= 1024  # type: ignore[union-attr]
    assert first.usage.input_tokens_details.cached_tokens == 0  # type: ignore[union-attr]
    cached = second.usage.input_tokens_details.cached_tokens  # type: ignore[union-attr]
    assert cached >= 1024 and cached % 128 == 0 and cached <= second.usage.input_tokens  # type: ignore[union-attr]
    assert second.prompt_cache_key == "support-bot"


# --- background, cancel, storage --------------------------------------------------------------

def test_background_response_moves_with_the_clock_and_can_be_cancelled(client: openai.OpenAI, sim: SimServer) -> None:
    r = client.responses.create(model="gpt-4o-mini", input="Summarize the plot of Hamlet.", background=True)
    assert r.status == "queued" and r.background is True and r.output == [] and r.usage is None
    sim.advance(1)
    assert client.responses.retrieve(r.id).status == "in_progress"
    sim.advance(60)
    done = client.responses.retrieve(r.id)
    assert done.status == "completed" and done.output_text and done.usage is not None
    assert client.responses.cancel(r.id).status == "completed"  # finished: cancel changes nothing

    job = client.responses.create(model="gpt-4o-mini", input="Write a long essay about bridges.", background=True)
    cancelled = client.responses.cancel(job.id)
    assert cancelled.status == "cancelled"
    sim.advance(120)
    assert client.responses.retrieve(job.id).status == "cancelled"

    foreground = client.responses.create(model="gpt-4o-mini", input="hi")
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.cancel(foreground.id)
    assert_error_shape(e.value, 400)


def test_retrieve_stream_of_a_running_background_response_follows_the_clock(client: openai.OpenAI, sim: SimServer) -> None:
    """The SDK's stream of a queued background response gets `in_progress` once the clock passes
    the queue, output deltas while the run goes on, and `response.completed` when it ends."""
    r = client.responses.create(model="gpt-4o-mini", input="Write a long essay about bridges.", background=True)
    seen: list[str] = []
    done = threading.Event()

    def read() -> None:
        with client.responses.retrieve(r.id, stream=True) as events:
            for e in events:
                seen.append(e.type)
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def wait_for(event: str) -> list[str]:
        deadline = time.monotonic() + 10
        while event not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(seen)

    assert wait_for("response.queued") == ["response.created", "response.queued"]
    time.sleep(0.2)
    assert seen == ["response.created", "response.queued"], "nothing more before the clock moves"
    sim.advance(2)
    running = wait_for("response.output_text.delta")
    assert "response.in_progress" in running and "response.output_text.delta" in running
    assert "response.completed" not in running
    sim.advance(60)
    assert done.wait(10), "the stream ends when the run does"
    assert seen[-1] == "response.completed" and len(seen) > len(running)
    assert client.responses.retrieve(r.id).status == "completed"


def test_background_stream_follows_the_run_and_resumes_after_a_disconnect(client: openai.OpenAI, sim: SimServer) -> None:
    """`background=True, stream=True`: the create's stream follows the run on the clock; a client
    that drops it resumes with `retrieve(stream=True, starting_after=N)` and gets the rest."""
    first = client.responses.create(model="gpt-4o-mini", input="Write a long essay about bridges.", background=True, stream=True)
    got = []
    for e in first:
        got.append(e)
        if e.type == "response.queued":
            break
    first.close()  # the connection drops after two events
    assert [e.type for e in got] == ["response.created", "response.queued"]
    rid, cursor = got[0].response.id, got[-1].sequence_number  # type: ignore[union-attr]
    assert client.responses.retrieve(rid).status == "queued"
    sim.advance(120)
    rest = list(client.responses.retrieve(rid, stream=True, starting_after=cursor))
    assert rest[0].sequence_number == cursor + 1 and rest[0].type == "response.in_progress"
    assert rest[-1].type == "response.completed"
    text = "".join(e.delta for e in rest if e.type == "response.output_text.delta")  # type: ignore[union-attr]
    assert text == client.responses.retrieve(rid).output_text


def test_retrieve_input_items_pagination_and_delete(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o-mini", metadata={"team": "docs"}, input=[
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "First question?"},
        {"role": "assistant", "content": "First answer."},
        {"role": "user", "content": "Second question?"},
    ])
    got = client.responses.retrieve(r.id)
    assert got.id == r.id and got.output_text == r.output_text and got.metadata == {"team": "docs"}
    desc = client.responses.input_items.list(r.id)
    assert [i.role for i in desc.data] == ["user", "assistant", "user", "system"]  # type: ignore[union-attr]
    asc = client.responses.input_items.list(r.id, order="asc", limit=2)
    assert [i.role for i in asc.data] == ["system", "user"] and asc.has_more  # type: ignore[union-attr]
    rest = client.responses.input_items.list(r.id, order="asc", after=asc.data[-1].id)
    assert [i.role for i in rest.data] == ["assistant", "user"] and not rest.has_more  # type: ignore[union-attr]
    assert rest.data[0].content[0].type == "output_text"  # type: ignore[union-attr]
    assert client.responses.delete(r.id) is None
    with pytest.raises(openai.NotFoundError) as e:
        client.responses.retrieve(r.id)
    assert_error_shape(e.value, 404)
    with pytest.raises(openai.NotFoundError):
        client.responses.input_items.list(r.id)


def test_store_false_is_not_retrievable_nor_chainable(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o-mini", input="Secret.", store=False)
    assert r.status == "completed" and r.store is False
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(r.id)
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-mini", input="more", previous_response_id=r.id)
    assert assert_error_shape(e.value, 400)["code"] == "previous_response_not_found"


def test_input_token_count_and_compaction(client: openai.OpenAI) -> None:
    count = client.responses.input_tokens.count(model="gpt-4o", input="Hello there, how are you?", instructions="Be kind.")
    assert count.object == "response.input_tokens" and count.input_tokens > 0
    r = client.responses.create(model="gpt-4o", input="Hello there, how are you?", instructions="Be kind.")
    assert r.usage.input_tokens == count.input_tokens  # type: ignore[union-attr]
    compacted = client.responses.compact(model="gpt-4o", previous_response_id=r.id, input="Thanks!")
    assert compacted.object == "response.compaction"
    kinds = [o.type for o in compacted.output]
    assert kinds[-1] == "compaction" and kinds.count("message") == 2
    follow = client.responses.create(model="gpt-4o", input=[*[o.model_dump(exclude_none=True) for o in compacted.output],
                                                              {"role": "user", "content": "What did I say first?"}])
    assert follow.status == "completed"


# --- determinism ---------------------------------------------------------------------------------

def responses_session(server: SimServer) -> list[bytes]:
    key = "sk-responses-determinism"
    out: list[bytes] = []
    c = server.client(key)
    try:
        a = c.responses.with_raw_response.create(model="gpt-4o-mini", input="Tell me about tea.")
        out.append(a.http_response.content)
        first = a.parse()
        b = c.responses.with_raw_response.create(model="o4-mini", input="And coffee?", previous_response_id=first.id,
                                                 reasoning={"effort": "low", "summary": "auto"})
        out.append(b.http_response.content)
        out.append(c.responses.with_raw_response.create(model="gpt-4o", input="Weather in Paris?", tools=[WEATHER_TOOL],
                                                        tool_choice="required").http_response.content)
        out.append(c.responses.with_raw_response.input_items.list(first.id).http_response.content)
        out.append(raw_request("POST", server.base_url + "/responses", headers={"Authorization": f"Bearer {key}"},
                               body={"model": "gpt-4o-mini", "input": "Stream a poem.", "stream": True})[2])
    finally:
        c.close()
    return out


def test_two_fresh_servers_with_the_same_seed_answer_byte_identically(start_server: Callable[..., SimServer]) -> None:
    one = responses_session(start_server(seed=11))
    two = responses_session(start_server(seed=11))
    other = responses_session(start_server(seed=12))
    assert one == two
    assert one[0] != other[0]


def test_max_stored_forgets_the_oldest_responses_per_key(start_server: Callable[..., SimServer]) -> None:
    """`--max-stored 2`: the third stored response pushes out the first, for its key only; the
    SDK then sees what an unknown id gets (404 on retrieve, 400 on chaining)."""
    sim = start_server(extra_args=("--max-stored", "2"))
    with sim.client("sk-one") as one, sim.client("sk-two") as two:
        other = two.responses.create(model="gpt-4o-mini", input="hello")
        first, second, third = (one.responses.create(model="gpt-4o-mini", input=f"turn {i}") for i in range(3))
        with pytest.raises(openai.NotFoundError) as e:
            one.responses.retrieve(first.id)
        assert_error_shape(e.value, 404)
        with pytest.raises(openai.BadRequestError) as e:
            one.responses.create(model="gpt-4o-mini", input="more", previous_response_id=first.id)
        assert assert_error_shape(e.value, 400)["code"] == "previous_response_not_found"
        assert one.responses.retrieve(second.id).id == second.id and one.responses.retrieve(third.id).id == third.id
        assert two.responses.retrieve(other.id).id == other.id
        # Stored chat completions are held to the same limit.
        made = [one.chat.completions.create(model="gpt-4o-mini", store=True,
                                            messages=[{"role": "user", "content": f"q{i}"}]) for i in range(3)]
        assert [c.id for c in one.chat.completions.list(order="asc")] == [made[1].id, made[2].id]


def test_max_stored_keeps_a_running_background_response_past_foreground_traffic(start_server: Callable[..., SimServer]) -> None:
    """Background responses are counted apart: three foreground responses past `--max-stored 2`
    do not push out a background one still queued, which the SDK can then poll and cancel."""
    sim = start_server(extra_args=("--max-stored", "2"))
    with sim.client("sk-bg") as c:
        job = c.responses.create(model="gpt-4o-mini", input="Write a long essay about bridges.", background=True)
        for i in range(3):
            c.responses.create(model="gpt-4o-mini", input=f"turn {i}")
        assert c.responses.retrieve(job.id).status == "queued"
        assert c.responses.cancel(job.id).status == "cancelled"
        assert [i.type for i in c.responses.input_items.list(job.id)] == ["message"]


# --- hosted web search -------------------------------------------------------------------------

def test_web_search_answers_current_questions_with_cited_sources(client: openai.OpenAI) -> None:
    """The web search guide's first example: tools=[{"type": "web_search"}] and a question about
    today. The output is a web_search_call then a message whose url_citation annotations point at
    markdown links in the text (indexes in characters, as the SDK's users slice output_text)."""
    r = client.responses.create(model="gpt-4.1", tools=[{"type": "web_search"}],
                                input="What was a positive news story from today?",
                                include=["web_search_call.action.sources"])
    assert [o.type for o in r.output] == ["web_search_call", "message"], r.output
    call, msg = r.output
    assert call.id.startswith("ws_") and call.status == "completed" and call.action.type == "search"  # type: ignore[union-attr]
    assert call.action.query and "news" in call.action.query  # type: ignore[union-attr]
    sources = [s.url for s in call.action.sources]  # type: ignore[union-attr]
    part = msg.content[0]  # type: ignore[union-attr]
    assert part.annotations and len(part.annotations) <= len(sources)
    for a in part.annotations:
        assert a.type == "url_citation" and a.url in sources and a.title
        assert part.text[a.start_index:a.end_index] == f"([{a.url.split('/')[2]}]({a.url}))", (a, part.text)
    assert r.output_text == part.text
    assert r.usage and r.usage.output_tokens > 0
    assert r.tools[0].type == "web_search" and r.tools[0].search_context_size == "medium"  # type: ignore[union-attr]
    # The output handed back as input (the SDK's usual loop) continues the conversation.
    follow = client.responses.create(model="gpt-4.1", tools=[{"type": "web_search"}],
                                     input=[{"role": "user", "content": "What was a positive news story from today?"},
                                            *[o.model_dump(exclude_none=True) for o in r.output],
                                            {"role": "user", "content": "Tell me more about the first one."}])
    assert follow.status == "completed" and follow.output[-1].type == "message"
    # Deterministic: the same request cites the same pages.
    again = client.responses.create(model="gpt-4.1", tools=[{"type": "web_search"}],
                                    input="What was a positive news story from today?")
    assert again.output_text == r.output_text
    assert not hasattr(again.output[0].action, "sources") or again.output[0].action.sources is None  # type: ignore[union-attr]


def test_web_search_only_when_called_for_or_forced(client: openai.OpenAI) -> None:
    plain = client.responses.create(model="gpt-4o-mini", tools=[{"type": "web_search_preview"}], input="Write a haiku about cats.")
    assert [o.type for o in plain.output] == ["message"] and not plain.output[0].content[0].annotations  # type: ignore[union-attr]
    forced = client.responses.create(model="gpt-4o-mini", tools=[{"type": "web_search_preview"}], input="Write a haiku about cats.",
                                     tool_choice={"type": "web_search_preview"})
    assert [o.type for o in forced.output] == ["web_search_call", "message"]
    required = client.responses.create(model="o4-mini", tools=[{"type": "web_search"}], input="Write a haiku about cats.",
                                       tool_choice="required")
    assert [o.type for o in required.output] == ["reasoning", "web_search_call", "message"]
    off = client.responses.create(model="gpt-4o-mini", tools=[{"type": "web_search"}], input="What is the news today?",
                                  tool_choice="none")
    assert [o.type for o in off.output] == ["message"]
    # A function the request asks for wins over searching.
    both = client.responses.create(model="gpt-4o-mini", tools=[{"type": "web_search"}, WEATHER_TOOL],
                                   input="What's the weather in Paris today? Use get_weather.")
    assert [o.type for o in both.output] == ["function_call"]


def test_web_search_filters_and_location_are_echoed_and_used(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4.1", input="Latest headlines about rail strikes?",
                                tools=[{"type": "web_search", "search_context_size": "low",
                                        "filters": {"allowed_domains": ["https://www.bbc.co.uk/news", "reuters.com"]},
                                        "user_location": {"type": "approximate", "country": "GB", "city": "London"}}])
    tool = r.tools[0]
    assert tool.filters.allowed_domains == ["bbc.co.uk", "reuters.com"]  # type: ignore[union-attr]
    assert tool.user_location.country == "GB" and tool.user_location.region is None  # type: ignore[union-attr]
    annotations = r.output[-1].content[0].annotations  # type: ignore[union-attr]
    assert 1 <= len(annotations) <= 2  # low context: at most two sources
    assert all(a.url.split("/")[2] in ("bbc.co.uk", "reuters.com") for a in annotations)


@pytest.mark.parametrize("kwargs, param", [
    ({"tools": [{"type": "web_search"}, {"type": "web_search_preview"}]}, "tools[1].type"),
    ({"tools": [{"type": "web_search", "search_context_size": "huge"}]}, "tools[0].search_context_size"),
    ({"tools": [{"type": "web_search", "filters": {"allowed_domains": ["not a domain"]}}]}, "tools[0].filters.allowed_domains[0]"),
    ({"tools": [{"type": "web_search", "nope": 1}]}, "tools[0].nope"),
    ({"tools": [WEATHER_TOOL], "tool_choice": {"type": "web_search"}}, "tool_choice"),
    ({"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]}, "tools[0].type"),
])
def test_web_search_bad_requests_are_400(client: openai.OpenAI, kwargs: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4.1", input="news today?", **kwargs)
    assert assert_error_shape(e.value, 400)["param"] == param


def test_web_search_stream_events_match_the_spec(sim: SimServer, api_key: str, event_validators: dict,
                                                 client: openai.OpenAI) -> None:
    status, _, events = raw_stream(sim, api_key, {"model": "gpt-4.1", "input": "Latest news on solar power today?",
                                                  "tools": [{"type": "web_search"}]})
    assert status == 200
    types = [d["type"] for _, d in events]
    i = types.index("response.web_search_call.in_progress")
    assert types[i:i + 4] == ["response.web_search_call.in_progress", "response.web_search_call.searching",
                              "response.web_search_call.completed", "response.output_item.done"]
    assert "response.output_text.annotation.added" in types
    for _, data in events:
        errors = [e.message for e in event_validators[data["type"]].iter_errors(data)]
        assert not errors, f"{data['type']} violates the spec: {errors[:3]}"
    # The SDK's stream helper ends with the same cited text.
    with client.responses.stream(model="gpt-4.1", input="Latest news on solar power today?", tools=[{"type": "web_search"}]) as s:
        final = s.get_final_response()
    done = [d for _, d in events if d["type"] == "response.completed"][0]["response"]
    assert final.output_text and final.output[-1].content[0].annotations  # type: ignore[union-attr]
    assert [o["type"] for o in done["output"]] == [o.type for o in final.output]


# --- custom tools (GPT-5 free-form tools) -------------------------------------------------------

CODE_EXEC = {"type": "custom", "name": "code_exec", "description": "Executes arbitrary python code"}
MATH_LARK = """
start: expr
expr: term (SP ADD SP term)*
term: factor (SP MUL SP factor)*
    | "(" expr ")"
factor: INT
SP: " "
ADD: "+"
MUL: "*"
%import common.INT
"""


def test_custom_tool_round_trip(client: openai.OpenAI) -> None:
    """The custom tools guide's example: a free-form code_exec tool is called with text input,
    and the tool's output continues the conversation."""
    r = client.responses.create(model="gpt-5", tools=[CODE_EXEC],
                                input="Use the code_exec tool to print hello world to the console.")
    call = r.output[-1]
    assert call.type == "custom_tool_call" and call.name == "code_exec" and call.id.startswith("ctc_")  # type: ignore[union-attr]
    assert call.call_id.startswith("call_") and call.input  # type: ignore[union-attr]
    assert r.tools[0].type == "custom" and r.tools[0].format.type == "text"  # type: ignore[union-attr]
    follow = client.responses.create(model="gpt-5", tools=[CODE_EXEC], previous_response_id=r.id,
                                     input=[{"type": "custom_tool_call_output", "call_id": call.call_id, "output": "hello world"}])  # type: ignore[union-attr]
    assert follow.output[-1].type == "message" and "hello world" in follow.output_text
    # The same turn with the call and its output given in full (no previous_response_id).
    full = client.responses.create(model="gpt-5", tools=[CODE_EXEC], input=[
        {"role": "user", "content": "Use the code_exec tool to print hello world to the console."},
        {"type": "custom_tool_call", "call_id": "call_1", "name": "code_exec", "input": "print('hello world')"},
        {"type": "custom_tool_call_output", "call_id": "call_1", "output": "hello world"}])
    assert full.output[-1].type == "message"
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-5", tools=[CODE_EXEC],
                                input=[{"type": "custom_tool_call_output", "call_id": "call_nope", "output": "x"}])
    assert assert_error_shape(e.value, 400)["param"] == "input"


def test_custom_tool_grammar_inputs_parse_with_their_grammar(client: openai.OpenAI) -> None:
    """Lark and regex grammars: every simulated input is accepted by the grammar, checked with the
    lark parser itself and Python's re."""
    import lark

    parser = lark.Lark(MATH_LARK, start="start")
    date_rx = r"^(?P<month>January|February|March|April)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<year>\d{4})$"
    tools = [{"type": "custom", "name": "math_exp", "description": "Creates valid mathematical expressions",
              "format": {"type": "grammar", "syntax": "lark", "definition": MATH_LARK}},
             {"type": "custom", "name": "timestamp", "description": "Saves a date",
              "format": {"type": "grammar", "syntax": "regex", "definition": date_rx}}]
    for i, ask in enumerate(["Add four plus four.", "Multiply 7 by 6.", "What is 3 + 5 * 2?", "Sum of one and two"]):
        r = client.responses.create(model="gpt-5", tools=tools, input=ask, tool_choice={"type": "custom", "name": "math_exp"})
        parser.parse(r.output[-1].input)  # type: ignore[union-attr]
        d = client.responses.create(model="gpt-5", tools=tools, input=f"{ask} ({i})", tool_choice={"type": "custom", "name": "timestamp"})
        assert re.fullmatch(date_rx, d.output[-1].input), d.output[-1].input  # type: ignore[union-attr]


def test_custom_tool_stream_events_match_the_spec(sim: SimServer, api_key: str, event_validators: dict) -> None:
    status, _, events = raw_stream(sim, api_key, {"model": "gpt-5", "input": "Run `print(1 + 1)` with code_exec.", "tools": [CODE_EXEC]})
    assert status == 200
    types = [d["type"] for _, d in events]
    assert "response.custom_tool_call_input.delta" in types and "response.custom_tool_call_input.done" in types
    done = [d for _, d in events if d["type"] == "response.custom_tool_call_input.done"][0]
    assert done["input"] == "print(1 + 1)"
    for _, data in events:
        errors = [e.message for e in event_validators[data["type"]].iter_errors(data)]
        assert not errors, f"{data['type']} violates the spec: {errors[:3]}"


# --- prompt caching on gpt-5.5 and later: 24h retention, prompt_cache_options, breakpoints ---------

CONTRACT = " ".join(f"Clause {i}: the supplier shall deliver item {i} within {i % 30 + 1} days of the order." for i in range(150))


def contract_input(question: str, breakpoint: bool = True) -> list:
    part: dict = {"type": "input_text", "text": CONTRACT}
    if breakpoint:
        part["prompt_cache_breakpoint"] = {"mode": "explicit"}
    return [{"role": "user", "content": [part, {"type": "input_text", "text": question}]}]


def test_a_breakpoint_is_read_exactly_and_explicit_mode_needs_one(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-6-astra", input=contract_input("What does clause 3 say?"))
    assert first.usage is not None and first.usage.input_tokens_details.cached_tokens == 0
    assert first.prompt_cache_options is not None and first.prompt_cache_options.mode == "implicit"
    assert first.prompt_cache_options.ttl == "30m" and first.prompt_cache_retention == "24h"
    second = client.responses.create(model="gpt-6-astra", input=contract_input("And clause 7?"))
    cached = second.usage.input_tokens_details.cached_tokens  # type: ignore[union-attr]
    # The contract's tokens and the framing before them: exact, not a multiple of 128.
    assert 2800 < cached < second.usage.input_tokens and cached % 128 != 0  # type: ignore[union-attr]
    # Explicit mode without a breakpoint does not cache at all.
    for _ in range(2):
        r = client.responses.create(model="gpt-6-astra", input=contract_input("Same question?", breakpoint=False),
                                    prompt_cache_key="no-breakpoints", prompt_cache_options={"mode": "explicit"})
        assert r.usage.input_tokens_details.cached_tokens == 0 and r.prompt_cache_options.mode == "explicit"  # type: ignore[union-attr]
    # Chat Completions reads a text part's breakpoint the same way.
    messages = lambda q: [{"role": "user", "content": [{"type": "text", "text": CONTRACT, "prompt_cache_breakpoint": {"mode": "explicit"}},  # noqa: E731
                                                       {"type": "text", "text": q}]}]
    client.chat.completions.create(model="gpt-6-astra", messages=messages("a?"), prompt_cache_key="chat",
                                   prompt_cache_options={"mode": "explicit"})
    c = client.chat.completions.create(model="gpt-6-astra", messages=messages("b, which is different?"), prompt_cache_key="chat",
                                       prompt_cache_options={"mode": "explicit"})
    assert 2800 < c.usage.prompt_tokens_details.cached_tokens < c.usage.prompt_tokens  # type: ignore[union-attr]


def test_older_models_round_to_128_and_newer_keep_only_24h(client: openai.OpenAI) -> None:
    client.responses.create(model="gpt-4.1", input=contract_input("What does clause 3 say?"), prompt_cache_key="old")
    r = client.responses.create(model="gpt-4.1", input=contract_input("And clause 7?"), prompt_cache_key="old")
    assert r.usage.input_tokens_details.cached_tokens % 128 == 0 and r.usage.input_tokens_details.cached_tokens > 2000  # type: ignore[union-attr]
    assert r.prompt_cache_retention is None
    for create in (lambda **kw: client.responses.create(model="gpt-5.5", input="hi", **kw),
                   lambda **kw: client.chat.completions.create(model="gpt-5.5", messages=[{"role": "user", "content": "hi"}], **kw)):
        with pytest.raises(openai.BadRequestError) as e:
            create(prompt_cache_retention="in_memory")
        err = assert_error_shape(e.value, 400)
        assert err["param"] == "prompt_cache_retention" and err["code"] == "unsupported_value"
    assert client.responses.create(model="gpt-5.5", input="hi").prompt_cache_retention == "24h"
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-6-astra", input="hi", prompt_cache_options={"mode": "sometimes"})  # type: ignore[typeddict-item]
    assert assert_error_shape(e.value, 400)["param"] == "prompt_cache_options.mode"


def test_the_specs_newer_effort_and_tiers(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-5", input="Prove it.", reasoning={"effort": "max"}, service_tier="fast")
    assert r.reasoning is not None and r.reasoning.effort == "max" and r.service_tier == "priority"
    u = client.responses.create(model="gpt-5.6-sol", input="hi", service_tier="ultrafast")
    assert u.service_tier == "ultrafast"
    c = client.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "hi"}], reasoning_effort="max",
                                       service_tier="fast")
    assert c.service_tier == "priority"
