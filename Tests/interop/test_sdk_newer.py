"""What the pinned SDK (openai 3.57) knows beyond the spec this project follows, used as a user of
that SDK would: its example model `gpt-6-astra` and the rest of the GPT-6 names in `ChatModel`
and `ResponsesModel`, and the request fields it sends that the spec lacks (`image` on
`responses.compact`, `geography` on projects, `expires_in_seconds` on a service account). Found
by running the SDK's own generated test suite (`tests/api_resources`) against the simulator:
each of these was a 404 or an "Unknown parameter" 400 from openai-sim."""
from __future__ import annotations

import openai
import pytest

from harness import SimServer, assert_error_shape

SDK_CHAT_MODELS = ["gpt-6-astra", "gpt-6.2-astra", "gpt-6.1-sol", "gpt-6.2-sol", "gpt-6.1-terra", "gpt-6-sol", "gpt-6-luna"]
SDK_RESPONSES_ONLY = ["gpt-6-cyber", "gpt-6-rosalind", "gpt-6.2-astra-law", "gpt-rosalind-research"]


def test_the_sdks_chat_models_are_all_served(client: openai.OpenAI) -> None:
    from openai.types.shared.chat_model import ChatModel
    import typing
    named = set(typing.get_args(ChatModel))
    listed = {m.id for m in client.models.list()}
    # Every model the SDK's ChatModel names is listed (the audio-only ones aside: no audio here).
    missing = sorted(m for m in named - listed if not m.startswith("gpt-audio"))
    assert missing == [], missing
    for m in SDK_CHAT_MODELS:
        assert client.models.retrieve(m).id == m


def test_the_sdks_example_model_answers_on_both_apis(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-6-astra", input="Say hello.", reasoning={"effort": "low"})
    assert r.status == "completed" and r.model == "gpt-6-astra" and r.output_text
    assert r.usage is not None and r.usage.output_tokens_details.reasoning_tokens > 0
    c = client.chat.completions.create(model="gpt-6.2-sol", messages=[{"role": "user", "content": "Say hello."}])
    assert c.model == "gpt-6.2-sol" and c.choices[0].message.content


@pytest.mark.parametrize("model", SDK_RESPONSES_ONLY)
def test_the_sdks_responses_only_models_are_refused_by_chat(client: openai.OpenAI, model: str) -> None:
    assert client.responses.create(model=model, input="hi").status == "completed"
    with pytest.raises(openai.NotFoundError) as e:
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
    assert assert_error_shape(e.value, 404)["param"] == "model"


def test_compact_takes_the_sdks_image_options(client: openai.OpenAI) -> None:
    r = client.responses.create(model="gpt-6-astra", input="Tell me about tea.")
    compacted = client.responses.compact(model="gpt-6-astra", previous_response_id=r.id,
                                         image={"context_compression": "disabled"})
    assert compacted.object == "response.compaction" and compacted.output[-1].type == "compaction"
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.compact(model="gpt-6-astra", previous_response_id=r.id,
                                 image={"context_compression": "sometimes"})  # type: ignore[typeddict-item]
    assert assert_error_shape(e.value, 400)["param"] == "image.context_compression"


def test_a_project_created_with_geography_gets_that_residency(org) -> None:
    p = org.projects.create(name="eu-data", geography="EU")
    assert p.residency == "EU_STORAGE_PROCESSING"
    assert org.projects.update(p.id, name="eu-data-2", geography="EU").residency == "EU_STORAGE_PROCESSING"
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.create(name="both", geography="EU", residency="EU_STORAGE_PROCESSING")
    assert assert_error_shape(e.value, 400)["param"] == "geography"


def test_a_service_account_key_with_a_lifetime_expires_on_the_clock(sim: SimServer, org) -> None:
    project = org.projects.create(name="short-lived")
    account = org.projects.service_accounts.create(project.id, name="bot", expires_in_seconds=3600)
    assert account.api_key is not None and account.api_key.expires_at == account.created_at + 3600
    bot = sim.client(account.api_key.value)
    try:
        assert bot.models.retrieve("gpt-6-astra").id == "gpt-6-astra"
        keys = org.projects.api_keys.list(project.id)
        assert [k.expires_at for k in keys.data] == [account.created_at + 3600]
        sim.advance(3600)
        with pytest.raises(openai.AuthenticationError) as e:
            bot.models.list()
        assert assert_error_shape(e.value, 401)["code"] == "invalid_api_key"
    finally:
        bot.close()
    with pytest.raises(openai.BadRequestError) as e2:
        org.projects.service_accounts.create(project.id, name="none", create_service_account_only=True, expires_in_seconds=60)
    assert assert_error_shape(e2.value, 400)["param"] == "expires_in_seconds"


def test_a_project_keys_lifetime_and_scopes_can_be_updated(sim: SimServer, org) -> None:
    project = org.projects.create(name="rotating")
    account = org.projects.service_accounts.create(project.id, name="bot")
    assert account.api_key is not None and account.api_key.expires_at is None
    key = org.projects.api_keys.update(account.api_key.id, project_id=project.id, expires_in_seconds=600,
                                       scopes=["api.all.read"])
    assert key.id == account.api_key.id and key.expires_at is not None
    assert org.projects.api_keys.retrieve(key.id, project_id=project.id).expires_at == key.expires_at
    bot = sim.client(account.api_key.value)
    try:
        assert bot.models.list().data
        sim.advance(600)
        with pytest.raises(openai.AuthenticationError):
            bot.models.list()
    finally:
        bot.close()
    with pytest.raises(openai.BadRequestError):
        org.projects.api_keys.update(key.id, project_id=project.id, expires_in_seconds=60)
