"""Moderations through the official SDK: the safe_generate workflow, arrays, images, categories."""
from __future__ import annotations

import openai
import pytest

from harness import assert_error_shape, assert_request_id

CATEGORIES = ["harassment", "harassment/threatening", "sexual", "hate", "hate/threatening", "illicit", "illicit/violent",
              "self-harm/intent", "self-harm/instructions", "self-harm", "sexual/minors", "violence", "violence/graphic"]
REFUSAL = "Sorry, I can't help with that."


def safe_generate(client: openai.OpenAI, prompt: str) -> str:
    """The seed workflow's example: moderate the input, refuse if flagged, else generate, then moderate the output."""
    if client.moderations.create(model="omni-moderation-latest", input=prompt).results[0].flagged:
        return REFUSAL
    try:
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    except openai.NotFoundError as e:
        if (e.body or {}).get("code") == "model_not_found":
            raise
        pytest.skip("POST /v1/chat/completions is not implemented in this build")
    text = reply.choices[0].message.content or ""
    if client.moderations.create(model="omni-moderation-latest", input=text).results[0].flagged:
        return REFUSAL
    return text


def test_safe_generate_refuses_a_threat_without_calling_chat(client: openai.OpenAI) -> None:
    assert safe_generate(client, "I'm going to kill you and everyone you love.") == REFUSAL


def test_safe_generate_answers_an_ordinary_prompt(client: openai.OpenAI) -> None:
    out = safe_generate(client, "Give me three tips for keeping houseplants alive.")
    assert out != REFUSAL and out.strip()


def test_single_string_reports_all_13_categories(client: openai.OpenAI) -> None:
    r = client.moderations.create(input="I want to kill them.")
    assert_request_id(r)
    assert r.id.startswith("modr-") and r.model == "omni-moderation-latest"
    res = r.results[0]
    assert res.flagged and res.categories.violence and res.categories.harassment_threatening
    for part in ("categories", "category_scores", "category_applied_input_types"):
        raw = getattr(res, part).model_dump(by_alias=True)
        assert set(raw) == set(CATEGORIES), part
    scores = res.category_scores.model_dump(by_alias=True)
    assert all(0 <= v <= 1 for v in scores.values())
    assert res.category_scores.violence > 0.9 > res.category_scores.sexual
    assert res.category_applied_input_types.violence == ["text"]


def test_string_array_gives_one_result_per_input(client: openai.OpenAI) -> None:
    inputs = ["Have a lovely weekend!", "You are a pathetic loser.", "How do I kill a zombie process on Linux?",
              "How do I make a pipe bomb?", "I want to end my life."]
    r = client.moderations.create(model="omni-moderation-latest", input=inputs)
    assert [x.flagged for x in r.results] == [False, True, False, True, True]
    assert r.results[1].categories.harassment
    assert r.results[3].categories.illicit_violent
    assert r.results[4].categories.self_harm_intent


def test_image_parts_are_scored_together_with_text(client: openai.OpenAI) -> None:
    r = client.moderations.create(model="omni-moderation-latest", input=[
        {"type": "text", "text": "Look at this picture of my garden."},
        {"type": "image_url", "image_url": {"url": "https://example.com/photos/gore-scene.jpg"}},
    ])
    assert len(r.results) == 1
    res = r.results[0]
    assert res.flagged and res.categories.violence_graphic
    types = res.category_applied_input_types.model_dump(by_alias=True)
    assert types["violence/graphic"] == ["text", "image"] and types["sexual"] == ["text", "image"]
    assert types["hate"] == ["text"] and types["illicit"] == ["text"]
    calm = client.moderations.create(input=[{"type": "image_url", "image_url": {"url": "https://example.com/kitten.png"}}])
    assert not calm.results[0].flagged
    assert calm.results[0].category_applied_input_types.model_dump(by_alias=True)["harassment"] == []


def test_text_moderation_models(client: openai.OpenAI) -> None:
    r = client.moderations.create(model="text-moderation-latest", input="You are a worthless idiot.")
    assert r.model == "text-moderation-007" and r.results[0].categories.harassment
    assert r.results[0].categories.illicit is None
    with pytest.raises(openai.BadRequestError) as e:
        client.moderations.create(model="text-moderation-stable",
                                  input=[{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}])
    assert assert_error_shape(e.value, 400)["param"] == "input"


def test_same_input_same_scores(client: openai.OpenAI, make_client) -> None:  # noqa: ANN001
    a = client.moderations.create(input="this cake is to die for").results[0]
    b = make_client().moderations.create(input="this cake is to die for").results[0]
    assert not a.flagged and a.model_dump() == b.model_dump()


def test_unknown_and_wrong_models(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.moderations.create(model="omni-moderation-2099-01-01", input="x")
    assert assert_error_shape(e.value, 404)["code"] == "model_not_found"
    with pytest.raises(openai.BadRequestError) as e2:
        client.moderations.create(model="text-embedding-3-small", input="x")
    assert assert_error_shape(e2.value, 400)["param"] == "model"


# --- moderated completions (`moderation` on Responses and Chat Completions) ----------------------

THREAT = "I will kill you and your whole family."


def test_moderated_responses_report_what_the_moderations_api_says(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-4o-mini", input=THREAT, moderation={"model": "omni-moderation-latest"})
    assert r.status == "completed" and r.output_text and r.moderation is not None
    assert r.moderation.input.type == "moderation_result" and r.moderation.input.flagged
    assert r.moderation.output.type == "moderation_result" and not r.moderation.output.flagged
    direct = client.moderations.create(model="omni-moderation-latest", input=THREAT).results[0]
    assert r.moderation.input.category_scores["violence"] == direct.category_scores.violence
    assert client.responses.retrieve(r.id).moderation == r.moderation


def test_a_blocked_input_gets_no_answer(client: openai.OpenAI) -> None:
    policy = {"model": "omni-moderation-latest", "policy": {"input": {"mode": "block"}}}
    r = client.responses.create(model="gpt-4o-mini", input=THREAT, moderation=policy)  # type: ignore[arg-type]
    assert r.status == "incomplete" and r.incomplete_details is not None and r.incomplete_details.reason == "content_filter"
    assert r.output == [] and r.usage is not None and r.usage.output_tokens == 0
    events = [e.type for e in client.responses.create(model="gpt-4o-mini", input=THREAT, moderation=policy,  # type: ignore[arg-type]
                                                      stream=True)]
    assert events == ["response.created", "response.in_progress", "response.incomplete"]
    c = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": THREAT}],
                                       moderation=policy)  # type: ignore[arg-type]
    assert c.choices[0].finish_reason == "content_filter" and c.choices[0].message.content is None
    assert c.moderation is not None and c.moderation.input.type == "moderation_results" and c.moderation.input.results[0].flagged
    ok = client.responses.create(model="gpt-4o-mini", input="Tell me about tea.", moderation=policy)  # type: ignore[arg-type]
    assert ok.status == "completed" and ok.output_text


def test_moderated_chat_streams_a_moderation_chunk(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(model="gpt-4o-mini", messages=[{"role": "user", "content": THREAT}], n=2,
                                        moderation={"model": "omni-moderation-latest"},
                                        stream_options={"include_usage": True}) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    assert final.moderation is not None and final.moderation.input.results[0].flagged
    assert len(final.moderation.output.results) == 2 and final.usage is not None


def test_moderation_needs_a_moderation_model(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-mini", input="hi", moderation={"model": "gpt-4o-mini"})
    assert assert_error_shape(e.value, 400)["param"] == "moderation.model"
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}],
                                       moderation={"model": "omni-moderation-latest", "policy": {"output": {"mode": "warn"}}})  # type: ignore[typeddict-item]
    assert assert_error_shape(e.value, 400)["param"] == "moderation.policy.output.mode"
