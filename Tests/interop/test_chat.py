"""Chat Completions with the official SDK: create, n, streaming (raw and the `.stream` helper),
`.parse` with Pydantic, tools round trips, length limits, logprobs, reasoning usage, stored
completions, prompt caching, determinism and errors."""
from __future__ import annotations

import json
from enum import Enum
from typing import Callable, List

import openai
import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from harness import SimServer, assert_error_shape

MODEL = "gpt-4o-mini"

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
STOCK_TOOL = {
    "type": "function",
    "function": {
        "name": "lookup_stock_price",
        "description": "Look up the latest share price for a ticker symbol",
        "parameters": {"type": "object", "properties": {"ticker": {"type": "string"}, "days": {"type": "integer", "minimum": 1,
                                                                                                "maximum": 30}},
                       "required": ["ticker"]},
    },
}


def ask(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


# A long system prompt (well over 1,024 tokens), as in the prompt-caching guide.
LONG_SYSTEM = " ".join(
    f"Rule {i}: when a customer asks about order {i}, check the warehouse ledger, confirm the shipping "
    f"address, and explain the return policy for item category {i % 7} in plain, friendly language."
    for i in range(60))


def test_create_returns_a_chat_completion_with_usage(client: openai.OpenAI) -> None:
    c = client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": "You are a helpful gardening assistant."},
        {"role": "user", "content": "How do I keep my sourdough starter healthy over the winter?"}])
    assert c.id.startswith("chatcmpl-") and c.object == "chat.completion"
    assert c.model == MODEL and c.system_fingerprint.startswith("fp_") and c.service_tier == "default"
    msg = c.choices[0].message
    assert msg.role == "assistant" and msg.refusal is None and msg.tool_calls is None
    assert isinstance(msg.content, str) and len(msg.content.split()) >= 5
    assert c.choices[0].finish_reason == "stop"
    u = c.usage
    assert u is not None and u.total_tokens == u.prompt_tokens + u.completion_tokens
    assert 20 <= u.prompt_tokens <= 40  # ~27 real o200k tokens with chat framing
    assert u.prompt_tokens_details.cached_tokens == 0 and u.completion_tokens_details.reasoning_tokens == 0


def test_longer_questions_get_longer_answers(client: openai.OpenAI) -> None:
    short = client.chat.completions.create(model=MODEL, messages=ask("Briefly, what is a river delta?"))
    long = client.chat.completions.create(model=MODEL, messages=ask("Explain in detail how river deltas form and change over centuries."))
    assert short.usage.completion_tokens < 60 < long.usage.completion_tokens


def test_n_returns_distinct_indexed_choices(client: openai.OpenAI) -> None:
    c = client.chat.completions.create(model=MODEL, n=2, messages=ask("Suggest a name for a bakery."))
    assert [ch.index for ch in c.choices] == [0, 1]
    assert c.choices[0].message.content != c.choices[1].message.content
    assert c.usage.completion_tokens > 0


def test_streamed_choices_take_turns_and_the_stream_helper_reassembles_them(client: openai.OpenAI) -> None:
    messages = ask("Suggest a name for a bakery.")
    plain = client.chat.completions.create(model=MODEL, n=2, messages=messages)
    chunks = list(client.chat.completions.create(model=MODEL, n=2, messages=messages, stream=True))
    assert [ch.choices[0].index for ch in chunks[:4]] == [0, 1, 0, 1]
    with client.chat.completions.stream(model=MODEL, n=2, messages=messages) as stream:
        final = stream.get_final_completion()
    assert [c.message.content for c in final.choices] == [c.message.content for c in plain.choices]


def test_stream_with_include_usage_matches_the_plain_answer(client: openai.OpenAI) -> None:
    messages = ask("What makes a good cup of coffee?")
    plain = client.chat.completions.create(model=MODEL, messages=messages, seed=42)
    chunks = list(client.chat.completions.create(model=MODEL, messages=messages, seed=42, stream=True,
                                                 stream_options={"include_usage": True}))
    assert len({ch.id for ch in chunks}) == 1 and all(ch.object == "chat.completion.chunk" for ch in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert text == plain.choices[0].message.content
    finishes = [ch.choices[0].finish_reason for ch in chunks if ch.choices and ch.choices[0].finish_reason]
    assert finishes == ["stop"]
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert last.usage.completion_tokens == plain.usage.completion_tokens
    assert all(ch.usage is None for ch in chunks[:-1])


def test_stream_without_usage_has_no_usage_chunk(client: openai.OpenAI) -> None:
    chunks = list(client.chat.completions.create(model=MODEL, messages=ask("Name a colour."), stream=True))
    assert chunks and all(ch.choices for ch in chunks) and all(ch.usage is None for ch in chunks)


class CalendarEvent(BaseModel):
    name: str
    date: str
    participants: list[str]


def test_parse_with_a_pydantic_model(client: openai.OpenAI) -> None:
    c = client.chat.completions.parse(model=MODEL, response_format=CalendarEvent, messages=[
        {"role": "system", "content": "Extract the event information."},
        {"role": "user", "content": "Alice and Bob are going to a science fair on Friday."}])
    parsed = c.choices[0].message.parsed
    assert isinstance(parsed, CalendarEvent) and parsed.participants is not None
    assert json.loads(c.choices[0].message.content) == parsed.model_dump()


def test_json_schema_output_validates_against_the_schema(client: openai.OpenAI) -> None:
    schema = {"type": "object", "additionalProperties": False, "required": ["title", "rating", "tags", "review"],
              "properties": {"title": {"type": "string"}, "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                             "tags": {"type": "array", "items": {"type": "string", "enum": ["fun", "long", "sad"]}},
                             "review": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}
    for seed in range(5):
        c = client.chat.completions.create(model=MODEL, seed=seed, messages=ask("Review the film Arrival."), response_format={
            "type": "json_schema", "json_schema": {"name": "review", "schema": schema, "strict": True}})
        assert not list(Draft202012Validator(schema).iter_errors(json.loads(c.choices[0].message.content)))


def test_json_object_mode_returns_an_object_and_requires_the_word_json(client: openai.OpenAI) -> None:
    c = client.chat.completions.create(model=MODEL, response_format={"type": "json_object"},
                                       messages=ask("List three fruits as JSON."))
    assert isinstance(json.loads(c.choices[0].message.content), dict)
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=MODEL, response_format={"type": "json_object"}, messages=ask("List fruits."))
    assert e.value.body["param"] == "messages"


def test_strict_schema_without_additional_properties_false_is_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model=MODEL, messages=ask("hi"), response_format={
            "type": "json_schema", "json_schema": {"name": "x", "strict": True,
                                                   "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}})
    assert "additionalProperties" in e.value.message and e.value.body["param"] == "response_format"


def test_stream_helper_emits_events_and_a_final_completion(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model=MODEL, messages=ask("Describe a quiet morning in the mountains.")) as stream:
        events = list(stream)
        final = stream.get_final_completion()
    types = [e.type for e in events]
    assert "chunk" in types and "content.delta" in types and types.count("content.done") == 1
    deltas = "".join(e.delta for e in events if e.type == "content.delta")
    assert deltas == final.choices[0].message.content and final.choices[0].finish_reason == "stop"


def test_stream_helper_parses_structured_output(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model=MODEL, response_format=CalendarEvent,
                                        messages=ask("Dinner with Maria on Saturday.")) as stream:
        final = stream.get_final_completion()
    assert isinstance(final.choices[0].message.parsed, CalendarEvent)


def test_tools_round_trip(client: openai.OpenAI) -> None:
    messages = ask("What's the weather like in Paris today?")
    first = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL, STOCK_TOOL])
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    calls = choice.message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather"] and calls[0].id.startswith("call_")
    args = json.loads(calls[0].function.arguments)
    assert not list(Draft202012Validator(WEATHER_TOOL["function"]["parameters"]).iter_errors(args))
    assert args["location"] == "Paris"
    messages += [choice.message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": calls[0].id, "content": json.dumps({"temperature": 18, "conditions": "sunny"})}]
    second = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL, STOCK_TOOL])
    assert second.choices[0].finish_reason == "stop" and second.choices[0].message.tool_calls is None
    assert "sunny" in second.choices[0].message.content and "18" in second.choices[0].message.content


class QueryTable(str, Enum):
    orders = "orders"
    customers = "customers"
    products = "products"


class QueryColumn(str, Enum):
    id = "id"
    status = "status"
    expected_delivery_date = "expected_delivery_date"
    delivered_at = "delivered_at"
    shipped_at = "shipped_at"


class Query(BaseModel):
    table_name: QueryTable
    columns: List[QueryColumn]


def test_the_sdks_parsing_tools_example_calls_its_tool(client: openai.OpenAI) -> None:
    """examples/parsing_tools.py of the SDK: no tool_choice, the system message tells the model
    to call the query function, the user asks about orders: a tool call whose arguments parse."""
    completion = client.chat.completions.parse(
        model="gpt-4o-2024-08-06",
        messages=[
            {"role": "system", "content": "You are a helpful assistant. The current date is August 6, 2024. You help users query "
                                          "for the data they are looking for by calling the query function."},
            {"role": "user", "content": "look up all my orders in november of last year that were fulfilled but not delivered on time"},
        ],
        tools=[openai.pydantic_function_tool(Query)],
    )
    calls = completion.choices[0].message.tool_calls or []
    assert completion.choices[0].finish_reason == "tool_calls" and len(calls) == 1
    parsed = calls[0].function.parsed_arguments
    assert isinstance(parsed, Query) and parsed.table_name == QueryTable.orders
    # Without the instructions and with little in common with the tool, the model answers in text.
    plain = client.chat.completions.parse(model="gpt-4o-2024-08-06", messages=[{"role": "user", "content": "Hi there!"}],
                                          tools=[openai.pydantic_function_tool(Query)])
    assert not plain.choices[0].message.tool_calls and plain.choices[0].message.content


def test_tool_choice_modes(client: openai.OpenAI) -> None:
    unrelated = ask("Write a haiku about autumn leaves.")
    auto = client.chat.completions.create(model=MODEL, messages=unrelated, tools=[WEATHER_TOOL])
    assert auto.choices[0].message.tool_calls is None and auto.choices[0].finish_reason == "stop"
    required = client.chat.completions.create(model=MODEL, messages=unrelated, tools=[WEATHER_TOOL], tool_choice="required")
    assert required.choices[0].message.tool_calls[0].function.name == "get_weather"
    named = client.chat.completions.create(model=MODEL, messages=unrelated, tools=[WEATHER_TOOL, STOCK_TOOL],
                                           tool_choice={"type": "function", "function": {"name": "lookup_stock_price"}})
    call = named.choices[0].message.tool_calls[0]
    assert call.function.name == "lookup_stock_price"
    assert not list(Draft202012Validator(STOCK_TOOL["function"]["parameters"]).iter_errors(json.loads(call.function.arguments)))
    none = client.chat.completions.create(model=MODEL, messages=ask("Weather in Oslo?"), tools=[WEATHER_TOOL], tool_choice="none")
    assert none.choices[0].message.tool_calls is None


def test_streamed_tool_calls_reassemble(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model=MODEL, messages=ask("Check the weather in Lisbon please."),
                                        tools=[openai.pydantic_function_tool(WeatherArgs, name="get_weather")]) as stream:
        events = list(stream)
        final = stream.get_final_completion()
    assert any(e.type == "tool_calls.function.arguments.done" for e in events)
    call = final.choices[0].message.tool_calls[0]
    assert isinstance(call.function.parsed_arguments, WeatherArgs) and call.function.parsed_arguments.city == "Lisbon"


class WeatherArgs(BaseModel):
    city: str
    unit: str


def test_max_tokens_cuts_the_answer_with_length(client: openai.OpenAI) -> None:
    c = client.chat.completions.create(model=MODEL, max_tokens=7, messages=ask("Tell me a long story about a lighthouse keeper."))
    assert c.choices[0].finish_reason == "length" and c.usage.completion_tokens == 7
    full = client.chat.completions.create(model=MODEL, messages=ask("Tell me a long story about a lighthouse keeper."))
    assert full.choices[0].message.content.startswith(c.choices[0].message.content)
    c2 = client.chat.completions.create(model=MODEL, max_completion_tokens=3, messages=ask("Tell me about tides."))
    assert c2.choices[0].finish_reason == "length" and c2.usage.completion_tokens == 3


def test_logprobs_are_honest(client: openai.OpenAI) -> None:
    c = client.chat.completions.create(model=MODEL, logprobs=True, top_logprobs=3, messages=ask("Describe a lighthouse."))
    content = c.choices[0].logprobs.content
    assert "".join(t.token for t in content) == c.choices[0].message.content
    for t in content:
        assert t.logprob <= 0 and bytes(t.bytes).decode() == t.token and len(t.top_logprobs) == 3
        assert all(a.logprob <= 0 for a in t.top_logprobs)
        assert sum(2.718281828 ** a.logprob for a in t.top_logprobs) <= 1.0001
        assert [a.logprob for a in t.top_logprobs] == sorted((a.logprob for a in t.top_logprobs), reverse=True)


def test_reasoning_models_report_reasoning_tokens(client: openai.OpenAI) -> None:
    c = client.chat.completions.create(model="o4-mini", reasoning_effort="high", messages=ask("Prove there are infinitely many primes."))
    r = c.usage.completion_tokens_details.reasoning_tokens
    assert r > 0 and r % 64 == 0 and c.usage.completion_tokens > r
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="o4-mini", max_tokens=10, messages=ask("hi"))
    assert e.value.body["param"] == "max_tokens" and e.value.code == "unsupported_parameter"


def test_stored_completions_lifecycle(client: openai.OpenAI) -> None:
    a = client.chat.completions.create(model=MODEL, store=True, metadata={"topic": "tea"}, messages=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Green or black tea?"}])
    b = client.chat.completions.create(model="gpt-4.1-mini", store=True, metadata={"topic": "coffee"}, messages=ask("Espresso?"))
    client.chat.completions.create(model=MODEL, messages=ask("not stored"))
    assert [c.id for c in client.chat.completions.list()] == [a.id, b.id]
    assert [c.id for c in client.chat.completions.list(metadata={"topic": "coffee"})] == [b.id]
    assert [c.id for c in client.chat.completions.list(model=MODEL)] == [a.id]
    page = client.chat.completions.list(order="desc", limit=1)
    assert [c.id for c in page.data] == [b.id] and page.has_more
    assert [c.id for c in client.chat.completions.list(order="desc", limit=1)] == [b.id, a.id]  # the SDK pages on
    got = client.chat.completions.retrieve(a.id)
    assert got.choices[0].message.content == a.choices[0].message.content and got.metadata == {"topic": "tea"}
    updated = client.chat.completions.update(a.id, metadata={"topic": "tea", "rated": "yes"})
    assert updated.metadata == {"topic": "tea", "rated": "yes"}
    msgs = list(client.chat.completions.messages.list(a.id))
    assert [m.id for m in msgs] == [f"{a.id}-0", f"{a.id}-1"]
    assert [m.content for m in msgs] == ["Be brief.", "Green or black tea?"]
    deleted = client.chat.completions.delete(a.id)
    assert deleted.deleted and deleted.id == a.id and deleted.object == "chat.completion.deleted"
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.retrieve(a.id)


def test_prompt_caching_reports_cached_tokens_on_the_second_call(client: openai.OpenAI, make_client) -> None:
    messages = [{"role": "system", "content": LONG_SYSTEM}, {"role": "user", "content": "Where is my order 12?"}]
    first = client.chat.completions.create(model=MODEL, messages=messages)
    assert first.usage.prompt_tokens >= 1024 and first.usage.prompt_tokens_details.cached_tokens == 0
    messages[1]["content"] = "Can I return item 3?"
    second = client.chat.completions.create(model=MODEL, messages=messages)
    cached = second.usage.prompt_tokens_details.cached_tokens
    assert cached >= 1024 and cached % 128 == 0 and cached <= second.usage.prompt_tokens
    other_tenant = make_client().chat.completions.create(model=MODEL, messages=messages)
    assert other_tenant.usage.prompt_tokens_details.cached_tokens == 0
    keyed = client.chat.completions.create(model=MODEL, messages=messages, prompt_cache_key="another-key")
    assert keyed.usage.prompt_tokens_details.cached_tokens == 0


def test_prompt_cache_expires_on_the_clock(start_server: Callable[..., SimServer]) -> None:
    server = start_server(seed=3, clock="virtual")
    c = server.client()
    messages = [{"role": "system", "content": LONG_SYSTEM}, {"role": "user", "content": "Hello"}]
    c.chat.completions.create(model=MODEL, messages=messages)
    server.advance(11 * 60)
    assert c.chat.completions.create(model=MODEL, messages=messages).usage.prompt_tokens_details.cached_tokens == 0
    c.chat.completions.create(model=MODEL, messages=messages, prompt_cache_retention="24h")
    server.advance(6 * 3600)
    assert c.chat.completions.create(model=MODEL, messages=messages).usage.prompt_tokens_details.cached_tokens > 0
    c.close()


def session(server: SimServer) -> list[bytes]:
    c = server.client("sk-chat-determinism")
    out = []
    try:
        for kw in ({"messages": ask("Plan a picnic.")},
                   {"messages": ask("Plan a picnic."), "n": 2, "seed": 9},
                   {"messages": ask("Weather in Kyoto?"), "tools": [WEATHER_TOOL]},
                   {"messages": [{"role": "system", "content": LONG_SYSTEM}, {"role": "user", "content": "Hi"}], "store": True},
                   {"messages": [{"role": "system", "content": LONG_SYSTEM}, {"role": "user", "content": "Hi again"}]},
                   {"messages": ask("Count to five."), "stream": True, "stream_options": {"include_usage": True}}):
            raw = c.chat.completions.with_raw_response.create(model=MODEL, **kw)
            out.append(raw.http_response.read())
        out.append(c.chat.completions.with_raw_response.list().http_response.read())
    finally:
        c.close()
    return out


def test_same_seed_same_requests_give_identical_bodies(start_server: Callable[..., SimServer]) -> None:
    a = session(start_server(seed=11, clock="virtual"))
    b = session(start_server(seed=11, clock="virtual"))
    assert a == b
    c = session(start_server(seed=12, clock="virtual"))
    assert c[0] != a[0]


def test_unknown_and_non_chat_models_are_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="gpt-nope", messages=ask("hi"))
    assert e.value.code == "model_not_found" and e.value.body["param"] == "model"
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="text-embedding-3-small", messages=ask("hi"))
    assert "not a chat model" in e.value.message


def test_context_length_exceeded(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-3.5-turbo", messages=ask("lighthouse " * 20_000))
    assert e.value.code == "context_length_exceeded" and e.value.body["param"] == "messages"
    assert "maximum context length is 16385 tokens" in e.value.message


@pytest.mark.parametrize("kw,param", [
    ({"n": 0}, "n"),
    ({"temperature": 3}, "temperature"),
    ({"top_logprobs": 2}, "top_logprobs"),
    ({"max_tokens": 10_000_000}, "max_tokens"),
    ({"stream_options": {"include_usage": True}}, "stream_options"),
    ({"tool_choice": "required"}, "tool_choice"),
    ({"messages": []}, "messages"),
    ({"messages": [{"role": "robot", "content": "x"}]}, "messages[0].role"),
    ({"messages": [{"role": "tool", "content": "x", "tool_call_id": "call_1"}]}, "messages.[0].role"),
    ({"extra_body": {"bogus": 1}}, "bogus"),
])
def test_bad_parameters_are_400_naming_the_param(client: openai.OpenAI, kw: dict, param: str) -> None:
    args = {"model": MODEL, "messages": ask("hi"), **kw}
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(**args)
    assert e.value.body["param"] == param


def test_search_models_cite_their_sources(client: openai.OpenAI) -> None:
    """The web search guide's Chat Completions form: a -search-preview model with
    web_search_options answers with markdown links and url_citation annotations; other models
    refuse web_search_options."""
    r = client.chat.completions.create(model="gpt-4o-mini-search-preview", web_search_options={"search_context_size": "high"},
                                       messages=[{"role": "user", "content": "What was a positive news story from today?"}])
    m = r.choices[0].message
    assert m.annotations and len(m.annotations) <= 3
    for a in m.annotations:
        u = a.url_citation
        assert a.type == "url_citation" and u.title and u.url.startswith("https://example.")
        assert m.content[u.start_index:u.end_index] == f"([{u.url.split('/')[2]}]({u.url}))"
    assert r.usage is not None and r.usage.completion_tokens > 0
    # Without web_search_options the search models still search; others refuse the options.
    plain = client.chat.completions.create(model="gpt-4o-search-preview", messages=[{"role": "user", "content": "Rain in Paris today?"}])
    assert plain.choices[0].message.annotations
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-4o", web_search_options={}, messages=[{"role": "user", "content": "hi"}])
    assert assert_error_shape(e.value, 400)["param"] == "web_search_options"


def test_custom_tools_in_chat_completions(client: openai.OpenAI) -> None:
    tools = [{"type": "custom", "custom": {"name": "code_exec", "description": "Executes arbitrary python code"}}]
    r = client.chat.completions.create(model="gpt-5", tools=tools,
                                       messages=[{"role": "user", "content": "Use the code_exec tool to compute 2**10"}])
    choice = r.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]  # type: ignore[index]
    assert call.type == "custom" and call.custom.name == "code_exec" and call.custom.input == "print(2**10)"  # type: ignore[union-attr]
    follow = client.chat.completions.create(model="gpt-5", tools=tools, messages=[
        {"role": "user", "content": "Use the code_exec tool to compute 2**10"},
        {"role": "assistant", "tool_calls": [call.model_dump()]},
        {"role": "tool", "tool_call_id": call.id, "content": "1024"}])
    assert "1024" in (follow.choices[0].message.content or "")
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-5", tools=tools, messages=[{"role": "user", "content": "hi"}],
                                       tool_choice={"type": "custom", "custom": {"name": "nope"}})
    assert assert_error_shape(e.value, 400)["param"] == "tool_choice.custom.name"


def test_predicted_outputs_report_accepted_and_rejected_tokens(client: openai.OpenAI) -> None:
    code = 'class User {\n  firstName: string = "";\n  username: string = "";\n}\n\nexport default User;\n'
    messages = [{"role": "user", "content": "Replace the username property with an email property. Respond only with code."},
                {"role": "user", "content": code}]
    r = client.chat.completions.create(model="gpt-4o", messages=messages, prediction={"type": "content", "content": code})
    assert r.choices[0].message.content == code  # the default model keeps the file as it is
    details = r.usage.completion_tokens_details  # type: ignore[union-attr]
    assert details is not None and details.accepted_prediction_tokens == r.usage.completion_tokens  # type: ignore[union-attr]
    assert details.rejected_prediction_tokens == 0
    plain = client.chat.completions.create(model="gpt-4o", messages=messages)
    assert plain.usage.completion_tokens_details.accepted_prediction_tokens == 0  # type: ignore[union-attr]
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-4o", messages=messages, prediction={"type": "file", "content": code})  # type: ignore[typeddict-item]
    assert assert_error_shape(e.value, 400)["param"] == "prediction.type"
