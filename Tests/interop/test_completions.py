"""The legacy Completions API (`client.completions`, POST /v1/completions) with the official SDK:
the completion models the spec names, `max_tokens` defaulting to 16, `n` per prompt, `echo`,
`logprobs`, `stop`, streaming with a usage chunk, the API's errors, and a batch of such lines."""
from __future__ import annotations

import json

import openai
import pytest

from harness import SimServer, assert_error_shape, assert_request_id

MODELS = ["gpt-3.5-turbo-instruct", "gpt-3.5-turbo-instruct-0914", "davinci-002", "babbage-002"]


@pytest.mark.parametrize("model", MODELS)
def test_a_completion_stops_at_16_tokens_by_default(client: openai.OpenAI, model: str) -> None:
    c = client.completions.create(model=model, prompt="Write a short story about a lighthouse keeper and the sea")
    assert_request_id(c)
    assert c.object == "text_completion" and c.id.startswith("cmpl-") and c.model == model
    assert len(c.choices) == 1 and c.choices[0].index == 0 and c.choices[0].logprobs is None
    assert c.choices[0].finish_reason == "length" and c.usage.completion_tokens == 16
    assert c.usage.total_tokens == c.usage.prompt_tokens + 16 and c.usage.prompt_tokens > 5
    assert c.choices[0].text.startswith(" ") and len(c.choices[0].text.split()) >= 5
    assert any(m.id == model for m in client.models.list())


def test_prompts_and_n_give_indexed_choices_and_echo_and_logprobs(client: openai.OpenAI) -> None:
    prompts = ["Once upon a time", "The three most useful kitchen tools are"]
    c = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prompts, n=2, max_tokens=60, echo=True, logprobs=3)
    assert [ch.index for ch in c.choices] == [0, 1, 2, 3]
    for ch in c.choices:
        prompt = prompts[ch.index // 2]
        assert ch.text.startswith(prompt), "echo puts the prompt first"
        lp = ch.logprobs
        assert "".join(lp.tokens) == ch.text and lp.text_offset[0] == 0
        assert len(lp.token_logprobs) == len(lp.tokens) and all(x <= 0 for x in lp.token_logprobs)
        assert all(len(t) == 3 and all(v <= 0 for v in t.values()) for t in lp.top_logprobs)
    assert c.choices[0].text != c.choices[1].text, "n gives distinct completions"
    # Without echo the text is the completion alone, and a stop sequence cuts it.
    plain = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prompts[0], max_tokens=60)
    first_word = plain.choices[0].text.split()[2]
    cut = client.completions.create(model="gpt-3.5-turbo-instruct", prompt=prompts[0], max_tokens=60, stop=[first_word])
    assert first_word not in cut.choices[0].text and cut.choices[0].finish_reason == "stop"
    assert plain.choices[0].text.startswith(cut.choices[0].text)


def test_stream_matches_the_plain_answer_and_ends_with_usage(client: openai.OpenAI) -> None:
    kw = dict(model="davinci-002", prompt="Explain how tides work", max_tokens=40, seed=3)
    plain = client.completions.create(**kw)
    chunks = list(client.completions.create(**kw, stream=True, stream_options={"include_usage": True}))
    text = "".join(ch.choices[0].text for ch in chunks if ch.choices)
    assert text == plain.choices[0].text
    assert chunks[-2].choices[0].finish_reason == plain.choices[0].finish_reason
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == plain.usage.completion_tokens
    assert all(ch.object == "text_completion" and ch.id == chunks[0].id for ch in chunks)


@pytest.mark.parametrize("kwargs,status,param", [
    (dict(model="gpt-4o-mini", prompt="x"), 404, "model"),
    (dict(model="no-such-model", prompt="x"), 404, "model"),
    (dict(model="gpt-3.5-turbo-instruct", prompt="x", n=3, best_of=2), 400, "best_of"),
    (dict(model="gpt-3.5-turbo-instruct", prompt="x", best_of=2, stream=True), 400, "best_of"),
    (dict(model="gpt-3.5-turbo-instruct", prompt="x", max_tokens=4096), 400, "max_tokens"),
    (dict(model="gpt-3.5-turbo-instruct", prompt="x", logprobs=6), 400, "logprobs"),
    (dict(model="gpt-3.5-turbo-instruct", prompt=[]), 400, "prompt"),
])
def test_bad_requests_get_the_apis_errors(client: openai.OpenAI, kwargs: dict, status: int, param: str) -> None:
    with pytest.raises(openai.APIStatusError) as e:
        client.completions.create(**kwargs)
    assert assert_error_shape(e.value, status)["param"] == param


def test_chat_completions_refuses_a_completion_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model="gpt-3.5-turbo-instruct", messages=[{"role": "user", "content": "hi"}])
    assert "v1/completions" in assert_error_shape(e.value, 404)["message"]


def test_a_batch_of_completion_lines(sim: SimServer, client: openai.OpenAI) -> None:
    lines = "".join(json.dumps({"custom_id": f"c{i}", "method": "POST", "url": "/v1/completions",
                                "body": {"model": "gpt-3.5-turbo-instruct", "prompt": f"Item {i}:", "max_tokens": 8}}) + "\n"
                    for i in range(5))
    f = client.files.create(file=("c.jsonl", lines.encode()), purpose="batch")
    batch = client.batches.create(input_file_id=f.id, endpoint="/v1/completions", completion_window="24h")
    sim.advance(3600)
    done = client.batches.retrieve(batch.id)
    assert done.status == "completed" and done.request_counts.completed == 5
    out = [json.loads(l) for l in client.files.content(done.output_file_id).text.splitlines()]
    assert sorted(o["custom_id"] for o in out) == [f"c{i}" for i in range(5)]
    assert all(o["response"]["status_code"] == 200 and o["response"]["body"]["object"] == "text_completion" for o in out)
