"""Models API through the official SDK."""
from __future__ import annotations

import openai
import pytest

from harness import assert_error_shape, assert_request_id

REQUIRED = ("gpt-4o-mini", "text-embedding-3-small", "omni-moderation-latest")


def test_list_contains_the_base_models(client: openai.OpenAI) -> None:
    page = client.models.list()
    assert_request_id(page)
    ids = [m.id for m in page]
    for want in REQUIRED:
        assert want in ids, f"{want} missing from {ids}"
    assert len(ids) == len(set(ids)), "duplicate model ids"
    for m in page.data:
        assert m.object == "model"
        assert isinstance(m.created, int) and m.created > 1_500_000_000, m
        assert isinstance(m.owned_by, str) and m.owned_by, m
    raw = client.models.with_raw_response.list().http_response.json()
    assert raw["object"] == "list" and isinstance(raw["data"], list)


def test_every_tenant_sees_the_same_base_models(client: openai.OpenAI, make_client) -> None:  # noqa: ANN001
    other = make_client()
    assert [m.model_dump() for m in client.models.list()] == [m.model_dump() for m in other.models.list()]


@pytest.mark.parametrize("model", REQUIRED)
def test_retrieve(client: openai.OpenAI, model: str) -> None:
    m = client.models.retrieve(model)
    assert_request_id(m)
    assert m.id == model and m.object == "model"
    listed = {x.id: x for x in client.models.list()}
    assert m.model_dump() == listed[model].model_dump()


def test_retrieve_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.models.retrieve("gpt-nonexistent-model")
    body = assert_error_shape(e.value, 404)
    # Real API: {"message": "The model 'gpt-nonexistent-model' does not exist", "type": "invalid_request_error",
    #            "param": "model", "code": "model_not_found"}
    assert body["type"] == "invalid_request_error", body
    assert body["code"] == "model_not_found", body
    assert body["param"] == "model", body
    assert "gpt-nonexistent-model" in body["message"], body
    assert e.value.code == "model_not_found"


def test_deleting_a_base_model_is_refused(client: openai.OpenAI) -> None:
    with pytest.raises(openai.PermissionDeniedError) as e:
        client.models.delete("gpt-4o-mini")
    body = assert_error_shape(e.value, 403)
    # Real API (non-owned / base model): 403 "You have insufficient permissions for this operation..."
    assert "insufficient permissions" in body["message"].lower(), body
    assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    assert "gpt-4o-mini" in [m.id for m in client.models.list()]


def test_deleting_an_unknown_model_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.models.delete("ft:gpt-4o-mini:nobody:nothing:abc123")
    body = assert_error_shape(e.value, 404)
    assert "ft:gpt-4o-mini:nobody:nothing:abc123" in body["message"], body


SPEC = __import__("pathlib").Path(__file__).resolve().parents[2].parent / "shared" / "openapi" / "openai-openapi.yaml"


def spec_model_ids() -> tuple[list[str], list[str]]:
    """The chat/reasoning model ids the spec names: (ModelIdsShared, ModelIdsResponses)."""
    import yaml

    schemas = yaml.safe_load(SPEC.read_text())["components"]["schemas"]

    def enums(node, out):  # noqa: ANN001, ANN202
        if isinstance(node, dict):
            out.extend(x for x in node.get("enum", []) if isinstance(x, str))
            for v in node.values():
                enums(v, out)
        elif isinstance(node, list):
            for v in node:
                enums(v, out)
        return out

    return enums(schemas["ModelIdsShared"], []), enums(schemas["ModelIdsResponses"], [])


@pytest.mark.skipif(not SPEC.exists(), reason="../shared not present: the spec's model list is not checked")
def test_every_model_the_spec_names_is_served(client: openai.OpenAI) -> None:
    """A user's code names a model from the spec's enums: it is listed, retrievable and answers
    (Responses for all of them; Chat Completions for all but the Responses-only ones, which get
    the API's 404)."""
    shared, responses_only = spec_model_ids()
    assert len(shared) > 50 and len(responses_only) > 5, (len(shared), len(responses_only))
    listed = {m.id for m in client.models.list()}
    missing = sorted(set(shared + responses_only) - listed)
    assert not missing, f"spec models not listed: {missing}"
    for model in shared + responses_only:
        assert client.models.retrieve(model).id == model
        assert client.responses.create(model=model, input="Say hi.", max_output_tokens=32).model == model
    for model in shared[:: max(1, len(shared) // 12)]:
        assert client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}],
                                              max_completion_tokens=32).model == model
    for model in responses_only:
        with pytest.raises(openai.NotFoundError) as e:
            client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
        body = assert_error_shape(e.value, 404)
        assert body["param"] == "model" and "only supported in v1/responses" in body["message"], body
