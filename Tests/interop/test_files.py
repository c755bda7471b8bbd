"""Files API through the official SDK: create, list (+ auto-pagination), retrieve, content, delete, expiry."""
from __future__ import annotations

from pathlib import Path

import openai
import pytest

from harness import (
    SimServer,
    assert_error_shape,
    assert_request_id,
    binary_blob,
    jsonl_batch,
    jsonl_chat,
    png_bytes,
)

THIRTY_DAYS = 30 * 24 * 3600


def check_file_object(f: openai.types.FileObject, *, filename: str, purpose: str, size: int) -> None:
    assert f.object == "file"
    assert f.id.startswith("file-") and len(f.id) > len("file-"), f.id
    assert f.filename == filename
    assert f.purpose == purpose
    assert f.bytes == size
    assert isinstance(f.created_at, int) and f.created_at > 1_600_000_000, f.created_at
    assert f.status in ("uploaded", "processed"), f.status
    assert_request_id(f)


# --- create -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "purpose,filename,data",
    [
        ("fine-tune", "train.jsonl", jsonl_chat()),
        ("batch", "requests.jsonl", jsonl_batch()),
        ("assistants", "notes.txt", "Notes ✓ über alles\n".encode() * 20),
        ("user_data", "table.csv", b"a,b\n1,2\n3,4\n"),
        ("vision", "image.png", png_bytes()),
    ],
)
def test_create_from_bytes_every_purpose(client: openai.OpenAI, purpose: str, filename: str, data: bytes) -> None:
    f = client.files.create(file=(filename, data), purpose=purpose)
    check_file_object(f, filename=filename, purpose=purpose, size=len(data))
    if purpose == "batch":
        # Real API: batch files expire 30 days after creation unless told otherwise.
        assert f.expires_at == f.created_at + THIRTY_DAYS, (f.created_at, f.expires_at)
    else:
        assert f.expires_at is None, f"{purpose} files persist until deleted, got expires_at={f.expires_at}"
    again = client.files.retrieve(f.id)
    assert again.model_dump() == f.model_dump()
    assert client.files.content(f.id).read() == data


def test_create_from_real_path_and_open_file(client: openai.OpenAI, tmp_path: Path) -> None:
    p = tmp_path / "my-training-data.jsonl"
    data = jsonl_chat(5)
    p.write_bytes(data)

    by_path = client.files.create(file=p, purpose="fine-tune")
    check_file_object(by_path, filename="my-training-data.jsonl", purpose="fine-tune", size=len(data))

    with open(p, "rb") as fh:
        by_handle = client.files.create(file=fh, purpose="fine-tune")
    check_file_object(by_handle, filename="my-training-data.jsonl", purpose="fine-tune", size=len(data))

    assert by_path.id != by_handle.id
    assert client.files.content(by_path.id).read() == data
    assert client.files.content(by_handle.id).read() == data


def test_content_is_byte_exact_for_binary(client: openai.OpenAI, tmp_path: Path) -> None:
    png = png_bytes(96, 96)
    assert len(set(png)) == 256  # the sample really covers every byte value
    f = client.files.create(file=("pixels.png", png), purpose="vision")
    content = client.files.content(f.id)
    got = content.read()
    assert got == png
    assert content.response.status_code == 200
    rid = content.response.headers.get("x-request-id", "")
    assert rid.startswith("req_") and len(rid) == 36, rid

    blob = binary_blob(200_000)
    p = tmp_path / "blob.pdf"  # user_data takes any file; the bytes are what matters
    p.write_bytes(blob)
    g = client.files.create(file=p, purpose="user_data")
    assert g.bytes == len(blob)
    assert client.files.content(g.id).read() == blob


def test_content_of_json_file_is_returned_verbatim(client: openai.OpenAI) -> None:
    # Whitespace and key order must survive: the server returns the stored bytes, not re-encoded JSON.
    data = b'{"b": 1,   "a": [1,2 ,3]}\n{"z":null}\n'
    f = client.files.create(file=("odd.jsonl", data), purpose="batch")
    assert client.files.content(f.id).read() == data


def test_retrieve(client: openai.OpenAI) -> None:
    f = client.files.create(file=("r.txt", b"retrieve me"), purpose="assistants")
    got = client.files.retrieve(f.id)
    assert_request_id(got)
    assert got.id == f.id
    assert got.model_dump() == f.model_dump()


def test_delete_then_everything_is_404(client: openai.OpenAI) -> None:
    keep = client.files.create(file=("keep.txt", b"keep"), purpose="assistants")
    f = client.files.create(file=("d.txt", b"delete me"), purpose="assistants")
    d = client.files.delete(f.id)
    assert_request_id(d)
    assert (d.id, d.object, d.deleted) == (f.id, "file", True)

    with pytest.raises(openai.NotFoundError) as e:
        client.files.retrieve(f.id)
    assert_error_shape(e.value, 404)
    with pytest.raises(openai.NotFoundError):
        client.files.content(f.id)
    with pytest.raises(openai.NotFoundError):
        client.files.delete(f.id)
    assert [x.id for x in client.files.list()] == [keep.id]


# --- list -------------------------------------------------------------------------------------

def make_files(sim: SimServer, client: openai.OpenAI, purposes: list[str]) -> list[str]:
    """Creates one file per purpose, one virtual second apart (so created_at orders them)."""
    ids = []
    for i, purpose in enumerate(purposes):
        if i:
            sim.advance(1)
        name, data = ("f%d.jsonl" % i, jsonl_batch(1)) if purpose in ("batch", "fine-tune") else ("f%d.txt" % i, b"x" * (i + 1))
        ids.append(client.files.create(file=(name, data), purpose=purpose).id)
    return ids


def test_list_auto_paginates_across_pages(sim: SimServer, client: openai.OpenAI) -> None:
    created = make_files(sim, client, ["assistants"] * 5)
    newest_first = list(reversed(created))

    first = client.files.list(limit=2)
    assert_request_id(first)
    assert [f.id for f in first.data] == newest_first[:2]
    assert first.has_more is True

    pages = list(client.files.list(limit=2).iter_pages())
    assert [len(p.data) for p in pages] == [2, 2, 1]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [f.id for f in client.files.list(limit=2)] == newest_first

    # The SDK fetched page 2 and 3 with ?after=<last id of the previous page>.
    tenant = sim.tenant_of(first._request_id)
    lists = [e for e in sim.journal(tenant) if e["method"] == "GET" and e["path"] == "/v1/files"]
    assert lists, "GET /v1/files not journaled for this tenant"
    assert any(f"after={newest_first[1]}" in (e.get("query") or "") for e in lists), [e.get("query") for e in lists]
    assert any(f"after={newest_first[3]}" in (e.get("query") or "") for e in lists)


def test_list_raw_envelope(sim: SimServer, client: openai.OpenAI) -> None:
    created = make_files(sim, client, ["assistants"] * 3)
    raw = client.files.with_raw_response.list(limit=2)
    body = raw.http_response.json()
    assert body["object"] == "list"
    assert [d["id"] for d in body["data"]] == [created[2], created[1]]
    assert body["first_id"] == created[2]
    assert body["last_id"] == created[1]
    assert body["has_more"] is True
    last = client.files.with_raw_response.list(limit=2, after=created[1]).http_response.json()
    assert [d["id"] for d in last["data"]] == [created[0]]
    assert last["has_more"] is False


def test_list_default_is_desc_and_asc_reverses(sim: SimServer, client: openai.OpenAI) -> None:
    created = make_files(sim, client, ["assistants"] * 5)
    assert [f.id for f in client.files.list()] == list(reversed(created))
    assert [f.id for f in client.files.list(order="desc")] == list(reversed(created))
    assert [f.id for f in client.files.list(order="asc", limit=2)] == created
    times = [f.created_at for f in client.files.list(order="asc")]
    assert times == sorted(times) and len(set(times)) == 5


def test_list_after_cursor(sim: SimServer, client: openai.OpenAI) -> None:
    created = make_files(sim, client, ["assistants"] * 5)
    desc = list(reversed(created))
    page = client.files.list(after=desc[1], limit=10)
    assert [f.id for f in page.data] == desc[2:]
    assert page.has_more is False
    page = client.files.list(after=created[1], order="asc", limit=10)
    assert [f.id for f in page.data] == created[2:]


def test_list_purpose_filter(sim: SimServer, client: openai.OpenAI) -> None:
    created = make_files(sim, client, ["batch", "assistants", "batch", "fine-tune", "assistants"])
    batch = [f.id for f in client.files.list(purpose="batch")]
    assert batch == [created[2], created[0]]
    assert [f.id for f in client.files.list(purpose="fine-tune")] == [created[3]]
    assert [f.id for f in client.files.list(purpose="assistants", limit=1)] == [created[4], created[1]]
    assert list(client.files.list(purpose="vision")) == []


def test_list_of_fresh_tenant_is_empty(client: openai.OpenAI) -> None:
    page = client.files.list()
    assert_request_id(page)
    assert page.data == [] and page.has_more is False


# --- expiry -----------------------------------------------------------------------------------

def test_expires_after_sets_expires_at_and_file_vanishes(sim: SimServer, client: openai.OpenAI) -> None:
    f = client.files.create(file=("short.txt", b"short-lived"), purpose="assistants",
                            expires_after={"anchor": "created_at", "seconds": 3600})
    assert f.expires_at == f.created_at + 3600
    stays = client.files.create(file=("stays.txt", b"forever"), purpose="assistants")

    sim.advance(3599)
    assert client.files.retrieve(f.id).expires_at == f.created_at + 3600
    assert f.id in [x.id for x in client.files.list()]

    sim.advance(2)  # now past expires_at
    with pytest.raises(openai.NotFoundError) as e:
        client.files.retrieve(f.id)
    assert_error_shape(e.value, 404)
    with pytest.raises(openai.NotFoundError):
        client.files.content(f.id)
    assert [x.id for x in client.files.list()] == [stays.id]


def test_expires_after_bounds_are_inclusive(client: openai.OpenAI) -> None:
    lo = client.files.create(file=("lo.txt", b"1"), purpose="assistants",
                             expires_after={"anchor": "created_at", "seconds": 3600})
    hi = client.files.create(file=("hi.txt", b"2"), purpose="assistants",
                             expires_after={"anchor": "created_at", "seconds": THIRTY_DAYS})
    assert lo.expires_at == lo.created_at + 3600
    assert hi.expires_at == hi.created_at + THIRTY_DAYS


def test_batch_file_expiry_can_be_shortened(client: openai.OpenAI) -> None:
    f = client.files.create(file=("b.jsonl", jsonl_batch()), purpose="batch",
                            expires_after={"anchor": "created_at", "seconds": 7200})
    assert f.expires_at == f.created_at + 7200


# --- bad input --------------------------------------------------------------------------------

def test_invalid_purpose_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.files.create(file=("x.txt", b"hi"), purpose="not-a-purpose")  # type: ignore[arg-type]
    body = assert_error_shape(e.value, 400)
    assert body["type"] == "invalid_request_error"
    assert body["param"] == "purpose" or "purpose" in body["message"], body
    assert list(client.files.list()) == []  # nothing was stored


def test_fine_tune_requires_jsonl(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.files.create(file=("train.txt", jsonl_chat()), purpose="fine-tune")
    body = assert_error_shape(e.value, 400)
    assert body["type"] == "invalid_request_error"
    # Real API: "Invalid file format for Fine-Tuning API. Must be .jsonl"
    assert "jsonl" in body["message"].lower(), body
    assert list(client.files.list()) == []


def test_batch_requires_jsonl(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.files.create(file=("requests.csv", jsonl_batch()), purpose="batch")
    body = assert_error_shape(e.value, 400)
    assert "jsonl" in body["message"].lower(), body


@pytest.mark.parametrize("seconds", [0, 3599, THIRTY_DAYS + 1, 10**9])
def test_expires_after_seconds_out_of_range_is_400(client: openai.OpenAI, seconds: int) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.files.create(file=("x.txt", b"hi"), purpose="assistants",
                            expires_after={"anchor": "created_at", "seconds": seconds})
    body = assert_error_shape(e.value, 400)
    assert body["type"] == "invalid_request_error"
    where = (body["param"] or "") + " " + body["message"]
    assert "expires_after" in where or "seconds" in where, body
    assert list(client.files.list()) == []


def test_expires_after_bad_anchor_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.files.create(file=("x.txt", b"hi"), purpose="assistants",
                            expires_after={"anchor": "last_active_at", "seconds": 3600})  # type: ignore[typeddict-item]
    body = assert_error_shape(e.value, 400)
    where = (body["param"] or "") + " " + body["message"]
    assert "anchor" in where or "expires_after" in where, body


def test_missing_file_part_is_400(sim: SimServer, api_key: str) -> None:
    from harness import raw_request

    boundary = "----interop-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
            f"--{boundary}--\r\n").encode()
    status, headers, data = raw_request(
        "POST", sim.base_url + "/files", body=body,
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 400, (status, data)
    import json

    err = json.loads(data)["error"]
    assert err["type"] == "invalid_request_error"
    assert err["param"] == "file" or "file" in err["message"], err


def test_unknown_file_is_404_like_the_real_api(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.files.retrieve("file-doesnotexist123")
    body = assert_error_shape(e.value, 404)
    # Real API: {"message": "No such File object: file-...", "type": "invalid_request_error", "param": "id", "code": null}
    assert body == {"message": "No such File object: file-doesnotexist123", "type": "invalid_request_error",
                    "param": "id", "code": None}, body
    assert e.value.param == "id" and e.value.code is None and e.value.type == "invalid_request_error"
    for call in (client.files.content, client.files.delete):
        with pytest.raises(openai.NotFoundError) as e2:
            call("file-doesnotexist123")
        assert_error_shape(e2.value, 404)
        assert "file-doesnotexist123" in e2.value.body["message"]  # type: ignore[index]


# --- list parameters, odd names, size, concurrency ---------------------------------------------

@pytest.mark.parametrize("kwargs,param", [
    ({"limit": 0}, "limit"),
    ({"limit": 10_001}, "limit"),
    ({"order": "sideways"}, "order"),
])
def test_list_rejects_out_of_range_parameters(client: openai.OpenAI, kwargs: dict, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.files.list(**kwargs)
    body = assert_error_shape(e.value, 400)
    assert body["type"] == "invalid_request_error"
    assert body["param"] == param, body


def test_list_limit_bounds_are_inclusive(client: openai.OpenAI) -> None:
    f = client.files.create(file=("one.txt", b"1"), purpose="assistants")
    assert [x.id for x in client.files.list(limit=1).data] == [f.id]
    assert [x.id for x in client.files.list(limit=10_000).data] == [f.id]


# (A '"' is not tested: httpx sends it percent-encoded as %22, the WHATWG form encoding, which is lossy.)
@pytest.mark.parametrize("filename", ["my data ✓ (final).txt", "semi;colon.txt", "ünïcødé.jsonl", "a=b&c.txt"])
def test_filenames_survive_multipart(client: openai.OpenAI, filename: str) -> None:
    f = client.files.create(file=(filename, b"named"), purpose="assistants")
    assert f.filename == filename
    assert client.files.retrieve(f.id).filename == filename


def test_multi_megabyte_file_round_trips(client: openai.OpenAI, tmp_path: Path) -> None:
    blob = binary_blob(6 * 1024 * 1024 + 123)
    p = tmp_path / "big.pdf"
    p.write_bytes(blob)
    f = client.files.create(file=p, purpose="user_data")
    assert f.bytes == len(blob)
    assert client.files.content(f.id).read() == blob


def test_concurrent_creates_from_many_tenants(sim: SimServer, make_client) -> None:  # noqa: ANN001
    from concurrent.futures import ThreadPoolExecutor

    clients = [make_client() for _ in range(6)]

    def work(i: int) -> tuple[int, list[str]]:
        c = clients[i]
        ids = [c.files.create(file=(f"c{i}-{k}.txt", f"{i}:{k}".encode()), purpose="assistants").id for k in range(4)]
        return i, ids

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(work, range(6)))
    all_ids = [x for _, ids in results for x in ids]
    assert len(set(all_ids)) == len(all_ids)
    for i, ids in results:
        c = clients[i]
        assert sorted(x.id for x in c.files.list()) == sorted(ids)
        for k, fid in enumerate(ids):
            assert c.files.content(fid).read() == f"{i}:{k}".encode()
