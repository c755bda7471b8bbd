"""Uploads API through the official SDK: chunked upload helper, manual parts, md5, cancel, expiry."""
from __future__ import annotations

import hashlib
from pathlib import Path

import openai
import pytest

from harness import SimServer, assert_error_shape, assert_request_id, binary_blob, jsonl_chat, png_bytes

HOUR = 3600


def check_upload(u: openai.types.Upload, *, status: str, filename: str, purpose: str, size: int) -> None:
    assert u.object == "upload"
    assert u.id.startswith("upload_"), u.id
    assert u.status == status
    assert u.filename == filename
    assert u.purpose == purpose
    assert u.bytes == size
    assert isinstance(u.created_at, int) and u.created_at > 1_600_000_000
    # Real API: an Upload expires one hour after it is created.
    assert u.expires_at == u.created_at + HOUR, (u.created_at, u.expires_at)
    assert_request_id(u)


def new_upload(client: openai.OpenAI, size: int, *, filename: str = "data.jsonl", purpose: str = "fine-tune",
               mime_type: str = "text/jsonl") -> openai.types.Upload:
    u = client.uploads.create(bytes=size, filename=filename, mime_type=mime_type, purpose=purpose)  # type: ignore[arg-type]
    check_upload(u, status="pending", filename=filename, purpose=purpose, size=size)
    assert u.file is None
    return u


def add_part(client: openai.OpenAI, upload_id: str, data: bytes) -> str:
    part = client.uploads.parts.create(upload_id, data=data)
    assert part.object == "upload.part"
    assert part.upload_id == upload_id
    assert part.id.startswith("part_"), part.id
    assert isinstance(part.created_at, int)
    assert_request_id(part)
    return part.id


# --- the SDK helper -----------------------------------------------------------------------------

def test_upload_file_chunked_from_path(client: openai.OpenAI, tmp_path: Path) -> None:
    data = jsonl_chat(600)  # ~105 KB
    assert len(data) > 3 * 25_000
    p = tmp_path / "big-training.jsonl"
    p.write_bytes(data)

    u = client.uploads.upload_file_chunked(file=p, mime_type="text/jsonl", purpose="fine-tune", part_size=25_000)
    check_upload(u, status="completed", filename="big-training.jsonl", purpose="fine-tune", size=len(data))
    assert u.file is not None
    f = u.file
    assert f.object == "file" and f.id.startswith("file-")
    assert (f.filename, f.purpose, f.bytes) == ("big-training.jsonl", "fine-tune", len(data))

    assert client.files.content(f.id).read() == data
    assert client.files.retrieve(f.id).id == f.id
    assert f.id in [x.id for x in client.files.list(purpose="fine-tune")]


def test_upload_file_chunked_in_memory_binary_with_md5(client: openai.OpenAI) -> None:
    data = png_bytes(128, 128)
    u = client.uploads.upload_file_chunked(
        file=data, filename="big.png", bytes=len(data), mime_type="image/png", purpose="vision",
        part_size=8_192, md5=hashlib.md5(data).hexdigest())
    check_upload(u, status="completed", filename="big.png", purpose="vision", size=len(data))
    assert u.file is not None and u.file.bytes == len(data)
    assert client.files.content(u.file.id).read() == data


# --- manual create / parts / complete -------------------------------------------------------------

def test_complete_uses_the_part_order_given(client: openai.OpenAI) -> None:
    a, b, c = b"A" * 1000 + b"\n", binary_blob(3000), b"C" * 10
    u = new_upload(client, len(a) + len(b) + len(c), filename="ordered.txt", purpose="assistants",
                   mime_type="text/plain")
    pa, pb, pc = add_part(client, u.id, a), add_part(client, u.id, b), add_part(client, u.id, c)
    assert len({pa, pb, pc}) == 3

    done = client.uploads.complete(u.id, part_ids=[pc, pa, pb])  # not the order they were added in
    check_upload(done, status="completed", filename="ordered.txt", purpose="assistants", size=u.bytes)
    assert done.id == u.id and done.created_at == u.created_at
    assert done.file is not None
    assert client.files.content(done.file.id).read() == c + a + b


def test_complete_with_wrong_total_bytes_is_400(client: openai.OpenAI) -> None:
    u = new_upload(client, 100)
    pid = add_part(client, u.id, b"x" * 60)
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.complete(u.id, part_ids=[pid])
    body = assert_error_shape(e.value, 400)
    assert body["type"] == "invalid_request_error"
    # Still pending: the missing bytes can be added and the Upload completed.
    pid2 = add_part(client, u.id, b"y" * 40)
    done = client.uploads.complete(u.id, part_ids=[pid, pid2])
    assert done.status == "completed" and done.file is not None
    assert client.files.content(done.file.id).read() == b"x" * 60 + b"y" * 40


def test_complete_with_too_many_bytes_is_400(client: openai.OpenAI) -> None:
    u = new_upload(client, 10)
    p1, p2 = add_part(client, u.id, b"0123456789"), add_part(client, u.id, b"extra")
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.complete(u.id, part_ids=[p1, p2])
    assert_error_shape(e.value, 400)
    assert list(client.files.list()) == []


def test_complete_with_md5_mismatch_is_400(client: openai.OpenAI) -> None:
    data = jsonl_chat(2)
    u = new_upload(client, len(data))
    pid = add_part(client, u.id, data)
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.complete(u.id, part_ids=[pid], md5=hashlib.md5(b"something else").hexdigest())
    body = assert_error_shape(e.value, 400)
    assert "md5" in body["message"].lower() or body["param"] == "md5", body
    assert list(client.files.list()) == []
    done = client.uploads.complete(u.id, part_ids=[pid], md5=hashlib.md5(data).hexdigest())
    assert done.status == "completed"


def test_complete_with_unknown_part_is_rejected(client: openai.OpenAI) -> None:
    u = new_upload(client, 4)
    add_part(client, u.id, b"abcd")
    with pytest.raises((openai.BadRequestError, openai.NotFoundError)) as e:
        client.uploads.complete(u.id, part_ids=["part_doesnotexist"])
    assert_error_shape(e.value, e.value.status_code)


def test_no_parts_after_complete(client: openai.OpenAI) -> None:
    u = new_upload(client, 3)
    pid = add_part(client, u.id, b"abc")
    done = client.uploads.complete(u.id, part_ids=[pid])
    assert done.status == "completed"
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.parts.create(u.id, data=b"more")
    assert_error_shape(e.value, 400)
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.cancel(u.id)
    assert_error_shape(e.value, 400)


# --- cancel and expiry --------------------------------------------------------------------------

def test_cancel_then_adding_a_part_is_400(client: openai.OpenAI) -> None:
    u = new_upload(client, 10)
    pid = add_part(client, u.id, b"12345")
    c = client.uploads.cancel(u.id)
    check_upload(c, status="cancelled", filename=u.filename, purpose=u.purpose, size=10)
    assert c.id == u.id and c.file is None
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.parts.create(u.id, data=b"67890")
    body = assert_error_shape(e.value, 400)
    assert body["type"] == "invalid_request_error"
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.complete(u.id, part_ids=[pid])
    assert_error_shape(e.value, 400)
    assert list(client.files.list()) == []


def test_upload_expires_an_hour_after_creation(sim: SimServer, client: openai.OpenAI) -> None:
    u = new_upload(client, 8)
    pid = add_part(client, u.id, b"1234")
    sim.advance(HOUR - 1)
    pid2 = add_part(client, u.id, b"5678")  # still pending one second before expiry
    sim.advance(2)
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.parts.create(u.id, data=b"late")
    body = assert_error_shape(e.value, 400)
    assert "expired" in body["message"].lower(), body
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.complete(u.id, part_ids=[pid, pid2])
    body = assert_error_shape(e.value, 400)
    assert "expired" in body["message"].lower(), body
    assert list(client.files.list()) == []


def test_upload_completed_before_expiry_survives_it(sim: SimServer, client: openai.OpenAI) -> None:
    u = new_upload(client, 4)
    done = client.uploads.complete(u.id, part_ids=[add_part(client, u.id, b"keep")])
    assert done.file is not None
    sim.advance(2 * HOUR)
    assert client.files.content(done.file.id).read() == b"keep"


# --- create validation and lookups --------------------------------------------------------------

def test_create_with_invalid_purpose_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.create(bytes=10, filename="x.jsonl", mime_type="text/jsonl", purpose="nope")  # type: ignore[arg-type]
    body = assert_error_shape(e.value, 400)
    assert body["param"] == "purpose" or "purpose" in body["message"], body


def test_create_over_8_gb_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.create(bytes=8 * 1024**3 + 1, filename="huge.jsonl", mime_type="text/jsonl", purpose="fine-tune")
    body = assert_error_shape(e.value, 400)
    assert body["param"] == "bytes" or "bytes" in body["message"].lower() or "8 gb" in body["message"].lower(), body


def test_unknown_upload_is_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.uploads.parts.create("upload_doesnotexist", data=b"x")
    assert_error_shape(e.value, 404)
    with pytest.raises(openai.NotFoundError) as e:
        client.uploads.cancel("upload_doesnotexist")
    assert_error_shape(e.value, 404)
    with pytest.raises(openai.NotFoundError) as e:
        client.uploads.complete("upload_doesnotexist", part_ids=[])
    assert_error_shape(e.value, 404)


def test_complete_twice_is_400(client: openai.OpenAI) -> None:
    u = new_upload(client, 2)
    pid = add_part(client, u.id, b"ok")
    first = client.uploads.complete(u.id, part_ids=[pid])
    assert first.status == "completed"
    with pytest.raises(openai.BadRequestError) as e:
        client.uploads.complete(u.id, part_ids=[pid])
    assert_error_shape(e.value, 400)
    assert [f.id for f in client.files.list()] == [first.file.id]  # type: ignore[union-attr]


def test_parts_added_in_parallel(client: openai.OpenAI) -> None:
    from concurrent.futures import ThreadPoolExecutor

    chunks = [bytes([65 + i]) * (5000 + i) for i in range(8)]
    u = new_upload(client, sum(map(len, chunks)), filename="parallel.jsonl")
    with ThreadPoolExecutor(8) as pool:
        part_ids = list(pool.map(lambda c: add_part(client, u.id, c), chunks))
    assert len(set(part_ids)) == 8
    done = client.uploads.complete(u.id, part_ids=part_ids)
    assert done.file is not None
    assert client.files.content(done.file.id).read() == b"".join(chunks)


def test_part_larger_than_64_mb_is_refused(client: openai.OpenAI) -> None:
    size = 64 * 1024 * 1024 + 1
    u = new_upload(client, size)
    with pytest.raises(openai.APIStatusError) as e:
        client.uploads.parts.create(u.id, data=b"\0" * size)
    assert e.value.status_code in (400, 413), e.value.status_code  # the real status is not documented
    body = assert_error_shape(e.value, e.value.status_code)
    assert "64 MB" in body["message"] or body["param"] == "data", body
    # The Upload is still usable after the refused part.
    pid = add_part(client, u.id, b"\0" * 1024)
    assert pid.startswith("part_")


def test_upload_file_chunked_multi_megabyte(client: openai.OpenAI, tmp_path: Path) -> None:
    blob = binary_blob(5 * 1024 * 1024 + 7)
    p = tmp_path / "large.jsonl"
    p.write_bytes(blob)
    u = client.uploads.upload_file_chunked(file=p, mime_type="text/jsonl", purpose="batch", part_size=1024 * 1024,
                                           md5=hashlib.md5(blob).hexdigest())
    assert u.status == "completed" and u.file is not None
    assert u.file.bytes == len(blob) and u.file.purpose == "batch"
    assert client.files.content(u.file.id).read() == blob
