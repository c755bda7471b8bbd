"""Embeddings through the official SDK: shapes, dimensions, base64 vs float, similarity, errors."""
from __future__ import annotations

import array
import base64
import math

import openai
import pytest

from harness import assert_error_shape, assert_request_id

MODELS = [("text-embedding-3-small", 1536), ("text-embedding-3-large", 3072), ("text-embedding-ada-002", 1536)]


def cos(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def norm(v: list[float]) -> float:
    return math.sqrt(sum(x * x for x in v))


@pytest.mark.parametrize("model,width", MODELS)
def test_each_model_returns_unit_vectors_of_its_width(client: openai.OpenAI, model: str, width: int) -> None:
    r = client.embeddings.create(model=model, input="The food was delicious and the waiter...")
    assert_request_id(r)
    assert r.object == "list" and r.model == model
    assert len(r.data) == 1 and r.data[0].object == "embedding" and r.data[0].index == 0
    v = r.data[0].embedding
    assert len(v) == width and all(isinstance(x, float) for x in v)
    assert abs(norm(v) - 1) < 1e-3
    assert r.usage.prompt_tokens == r.usage.total_tokens > 0


@pytest.mark.parametrize("model,dims", [("text-embedding-3-small", 256), ("text-embedding-3-small", 1),
                                        ("text-embedding-3-large", 1024), ("text-embedding-3-large", 3072)])
def test_dimensions_shorten_and_renormalise(client: openai.OpenAI, model: str, dims: int) -> None:
    text = "Matryoshka embeddings keep meaning in their prefix"
    short = client.embeddings.create(model=model, input=text, dimensions=dims, encoding_format="float").data[0].embedding
    full = client.embeddings.create(model=model, input=text, encoding_format="float").data[0].embedding
    assert len(short) == dims and abs(norm(short) - 1) < 1e-3
    prefix = full[:dims]
    n = norm(prefix)
    assert all(abs(a - b / n) < 1e-4 for a, b in zip(short, prefix))


def test_sdk_default_base64_and_explicit_float_decode_to_the_same_vector(client: openai.OpenAI) -> None:
    text = "base64 is what the SDK asks for by default"
    default = client.embeddings.create(model="text-embedding-3-small", input=text)  # SDK sends encoding_format=base64
    explicit = client.embeddings.create(model="text-embedding-3-small", input=text, encoding_format="float")
    raw = client.embeddings.create(model="text-embedding-3-small", input=text, encoding_format="base64")
    assert isinstance(raw.data[0].embedding, str)  # asked explicitly: the SDK leaves the string alone
    decoded = array.array("f", base64.b64decode(raw.data[0].embedding)).tolist()
    as_f32 = array.array("f", explicit.data[0].embedding).tolist()  # JSON floats rounded to float32
    assert default.data[0].embedding == decoded == as_f32
    body = client.embeddings.with_raw_response.create(model="text-embedding-3-small", input=text).http_response.json()
    assert isinstance(body["data"][0]["embedding"], str)


def test_related_texts_are_closer_than_unrelated_ones(client: openai.OpenAI) -> None:
    texts = ["How do I reset my password?", "Steps to reset a forgotten password",
             "The Eiffel Tower is in Paris.", "Paris is home to the Eiffel Tower."]
    for model, _ in MODELS:
        v = [d.embedding for d in client.embeddings.create(model=model, input=texts).data]
        assert cos(v[0], v[1]) > cos(v[0], v[2]) + 0.1, model
        assert cos(v[2], v[3]) > cos(v[1], v[3]) + 0.1, model


def test_batches_of_strings_and_token_arrays_keep_order(client: openai.OpenAI) -> None:
    inputs = [f"document number {i} about topic {i % 7}" for i in range(100)]
    r = client.embeddings.create(model="text-embedding-3-small", input=inputs, dimensions=64)
    assert [d.index for d in r.data] == list(range(100))
    single = client.embeddings.create(model="text-embedding-3-small", input=inputs[42], dimensions=64)
    assert r.data[42].embedding == single.data[0].embedding
    assert r.usage.prompt_tokens > single.usage.prompt_tokens * 50
    tok = client.embeddings.create(model="text-embedding-3-small", input=[[1212, 318, 257, 1332, 13], [40, 1093]])
    assert len(tok.data) == 2 and tok.usage.prompt_tokens == 7
    flat = client.embeddings.create(model="text-embedding-3-small", input=[1212, 318, 257, 1332, 13])
    assert flat.data[0].embedding == tok.data[0].embedding


def test_same_request_same_vector_across_tenants(client: openai.OpenAI, make_client) -> None:  # noqa: ANN001
    other = make_client()
    a = client.embeddings.create(model="text-embedding-3-large", input="stable", dimensions=32).data[0].embedding
    b = other.embeddings.create(model="text-embedding-3-large", input="stable", dimensions=32).data[0].embedding
    assert a == b


def test_unknown_model_is_model_not_found(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.embeddings.create(model="text-embedding-4-imaginary", input="x")
    body = assert_error_shape(e.value, 404)
    assert body["code"] == "model_not_found" and body["param"] == "model"


def test_dimensions_on_ada_is_a_bad_request_naming_the_param(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.embeddings.create(model="text-embedding-ada-002", input="x", dimensions=256)
    body = assert_error_shape(e.value, 400)
    assert body["param"] == "dimensions"
    assert body["message"] == "This model does not support specifying dimensions."


@pytest.mark.parametrize("kwargs,param", [
    ({"input": ""}, None),
    ({"input": ["ok", ""]}, None),
    ({"input": "x", "dimensions": 0}, "dimensions"),
    ({"input": "x", "dimensions": 1537}, "dimensions"),
    ({"input": ["x"] * 2049}, "input"),
    ({"input": [[1] * 8193]}, "input"),
])
def test_invalid_requests_are_400(client: openai.OpenAI, kwargs: dict, param) -> None:  # noqa: ANN001
    with pytest.raises(openai.BadRequestError) as e:
        client.embeddings.create(model="text-embedding-3-small", **kwargs)
    assert assert_error_shape(e.value, 400)["param"] == param


def test_chat_model_cannot_embed(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.embeddings.create(model="gpt-4o-mini", input="x")
    assert assert_error_shape(e.value, 400)["param"] == "model"
