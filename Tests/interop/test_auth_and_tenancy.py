"""Auth errors, request ids, tenant isolation and the request journal."""
from __future__ import annotations

import json

import openai
import pytest

from harness import REQUEST_ID_RE, SimServer, assert_error_shape, assert_request_id, jsonl_chat, raw_request

# --- 401 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/files", "/models", "/models/gpt-4o-mini", "/files/file-abc"])
def test_missing_api_key_is_401_like_the_real_api(sim: SimServer, path: str) -> None:
    status, headers, data = raw_request("GET", sim.base_url + path)
    assert status == 401, (status, data)
    assert REQUEST_ID_RE.match(headers.get("x-request-id", "")), headers
    assert headers.get("content-type", "").startswith("application/json"), headers
    err = json.loads(data)["error"]
    assert set(err) >= {"message", "type", "param", "code"}, err
    # Real API: "You didn't provide an API key. You need to provide your API key in an Authorization header ..."
    assert err["message"].startswith("You didn't provide an API key."), err
    assert err["type"] == "invalid_request_error", err
    assert err["param"] is None and err["code"] is None, err


def test_empty_bearer_token_is_401(sim: SimServer) -> None:
    status, _, data = raw_request("GET", sim.base_url + "/files", headers={"Authorization": "Bearer "})
    assert status == 401, (status, data)
    assert json.loads(data)["error"]["type"] == "invalid_request_error"


def test_sdk_raises_authentication_error_without_a_key(sim: SimServer) -> None:
    # The SDK sends no Authorization header only when a request explicitly omits it.
    no_auth = {"Authorization": openai.Omit()}
    c = openai.OpenAI(base_url=sim.base_url, api_key="unused", max_retries=0)
    try:
        with pytest.raises(openai.AuthenticationError) as e:
            c.files.list(extra_headers=no_auth)
        body = assert_error_shape(e.value, 401)
        assert "API key" in body["message"]
        assert e.value.request.headers.get("authorization") is None
        with pytest.raises(openai.AuthenticationError):
            c.files.create(file=("a.txt", b"a"), purpose="assistants", extra_headers=no_auth)
        with pytest.raises(openai.AuthenticationError):
            c.models.list(extra_headers=no_auth)
        with pytest.raises(openai.AuthenticationError):
            c.uploads.create(bytes=1, filename="a.jsonl", mime_type="text/jsonl", purpose="fine-tune",
                             extra_headers=no_auth)
    finally:
        c.close()


def test_any_non_empty_key_is_accepted(make_client) -> None:  # noqa: ANN001
    for key in ("x", "sk-proj-" + "a" * 100, "not even sk-shaped"):
        assert make_client(key + "-" + __name__).models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"


# --- request ids --------------------------------------------------------------------------------

def test_every_sdk_object_carries_a_request_id(sim: SimServer, client: openai.OpenAI) -> None:
    seen = []
    f = client.files.create(file=("a.jsonl", jsonl_chat()), purpose="fine-tune")
    seen.append(assert_request_id(f))
    seen.append(assert_request_id(client.files.retrieve(f.id)))
    seen.append(assert_request_id(client.files.list()))
    u = client.uploads.create(bytes=3, filename="u.jsonl", mime_type="text/jsonl", purpose="fine-tune")
    seen.append(assert_request_id(u))
    part = client.uploads.parts.create(u.id, data=b"abc")
    seen.append(assert_request_id(part))
    done = client.uploads.complete(u.id, part_ids=[part.id])
    seen.append(assert_request_id(done))
    seen.append(assert_request_id(client.models.list()))
    seen.append(assert_request_id(client.models.retrieve("gpt-4o-mini")))
    seen.append(assert_request_id(client.files.delete(f.id)))
    with pytest.raises(openai.NotFoundError) as e:
        client.files.retrieve(f.id)
    seen.append(e.value.request_id)
    assert all(REQUEST_ID_RE.match(r or "") for r in seen), seen
    assert len(set(seen)) == len(seen), "request ids repeat"

    # The journal knows each of them, under the same tenant, with the status the SDK saw.
    journal = {e["request_id"]: e for e in sim.journal()}
    tenants = {journal[r]["tenant"] for r in seen if r in journal}
    assert all(r in journal for r in seen), [r for r in seen if r not in journal]
    assert len(tenants) == 1, tenants
    assert journal[seen[-1]]["status"] == 404
    assert journal[seen[0]]["status"] == 200


def test_raw_response_header_matches_parsed_request_id(client: openai.OpenAI) -> None:
    raw = client.models.with_raw_response.retrieve("text-embedding-3-small")
    assert REQUEST_ID_RE.match(raw.headers["x-request-id"])
    assert raw.request_id == raw.headers["x-request-id"]
    assert raw.parse()._request_id == raw.headers["x-request-id"]


# --- isolation ----------------------------------------------------------------------------------

def test_two_keys_are_isolated(make_client) -> None:  # noqa: ANN001
    a, b = make_client(), make_client()
    fa = a.files.create(file=("secret.txt", b"A's secret"), purpose="assistants")
    ua = a.uploads.create(bytes=4, filename="u.jsonl", mime_type="text/jsonl", purpose="fine-tune")

    assert list(b.files.list()) == []
    for call in (b.files.retrieve, b.files.content, b.files.delete):
        with pytest.raises(openai.NotFoundError) as e:
            call(fa.id)
        assert_error_shape(e.value, 404)
    for call in (lambda: b.uploads.parts.create(ua.id, data=b"evil"),
                 lambda: b.uploads.cancel(ua.id),
                 lambda: b.uploads.complete(ua.id, part_ids=[])):
        with pytest.raises(openai.NotFoundError) as e:
            call()
        assert_error_shape(e.value, 404)

    fb = b.files.create(file=("mine.txt", b"B's"), purpose="assistants")
    assert [f.id for f in a.files.list()] == [fa.id]
    assert [f.id for f in b.files.list()] == [fb.id]
    assert a.files.content(fa.id).read() == b"A's secret"
    assert a.uploads.cancel(ua.id).status == "cancelled"  # B's attempts left A's upload untouched


# --- journal ------------------------------------------------------------------------------------

def test_journal_records_exchanges_and_filters_by_tenant(sim: SimServer, client: openai.OpenAI, make_client) -> None:  # noqa: ANN001
    data = b"journal me\n"
    raw_create = client.files.with_raw_response.create(file=("j.txt", data), purpose="assistants")
    f = raw_create.parse()
    content = client.files.content(f.id)
    assert content.read() == data
    other = make_client()
    other_page = other.files.list()

    create = sim.entry(f._request_id)  # type: ignore[arg-type]
    assert create["method"] == "POST" and create["path"] == "/v1/files" and create["status"] == 200
    assert create["response_body"] == raw_create.http_response.json()
    assert isinstance(create["duration_ms"], (int, float)) and create["duration_ms"] >= 0
    assert "request_body" in create

    tenant = create["tenant"]
    mine = sim.journal(tenant)
    assert mine and all(e["tenant"] == tenant for e in mine)
    rid = content.response.headers["x-request-id"]
    ce = next(e for e in mine if e["request_id"] == rid)
    assert ce["path"] == f"/v1/files/{f.id}/content" and ce["status"] == 200
    assert ce["response_body"] is None  # not a JSON response

    other_tenant = sim.tenant_of(other_page._request_id)  # type: ignore[arg-type]
    assert other_tenant != tenant
    assert all(e["request_id"] != other_page._request_id for e in mine)
    assert any(e["request_id"] == other_page._request_id for e in sim.journal(other_tenant))

    listing = client.files.with_raw_response.list(limit=1)
    le = sim.entry(listing.headers["x-request-id"])
    assert le["query"] and "limit=1" in le["query"], le["query"]
    assert le["response_body"] == listing.http_response.json()


@pytest.mark.parametrize("method,path", [("GET", "/nonexistent"), ("POST", "/files/file-abc/whatever")])
def test_unknown_route_is_404_invalid_url(sim: SimServer, method: str, path: str) -> None:
    status, headers, data = raw_request(method, sim.base_url + path, headers={"Authorization": "Bearer sk-route"},
                                        body=b"" if method == "POST" else None)
    assert status == 404, (status, data)
    err = json.loads(data)["error"]
    # Real API: {"message": "Invalid URL (GET /v1/nonexistent)", "type": "invalid_request_error", "param": null, "code": null}
    assert err == {"message": f"Invalid URL ({method} /v1{path})", "type": "invalid_request_error",
                   "param": None, "code": None}, err
    assert REQUEST_ID_RE.match(headers.get("x-request-id", ""))
