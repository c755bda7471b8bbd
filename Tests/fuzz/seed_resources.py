"""Creates live resources for scripts/fuzz.sh and writes a schemathesis.toml that pins the
operations' path parameters to them, so the fuzzer reaches the success paths of retrieve,
list-items, cancel, pause, delete... instead of only their 404s. DELETE and cancel operations get
resources of their own, so that deleting or cancelling one early does not turn every other
operation on it into a 404 for the rest of the run.

    seed_resources.py BASE_URL API_KEY OUT_TOML

Standard library only. Exits non-zero (with the failing call) if the server refuses a step:
that is a failure of the simulator, not of the fuzz setup. The order matters: the fine-tuning
job runs to completion on the virtual clock first (its checkpoint and model are then real), and
the upload, batch, completion and response are made after the clock moves, so they are fresh.
"""
from __future__ import annotations

import json
from pathlib import Path
import sys
import urllib.request
import uuid

BASE, KEY, OUT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
ROOT = BASE[: -len("/v1")] if BASE.endswith("/v1") else BASE


def call(method: str, url: str, body: object = None, *, raw: bytes | None = None, ctype: str = "application/json") -> dict:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"Bearer {KEY}", "Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        sys.exit(f"seed_resources: {method} {url} answered {e.code}: {e.read()[:300]!r}")


def upload_file(purpose: str, name: str, lines: list[dict]) -> str:
    boundary = uuid.uuid4().hex
    content = "".join(json.dumps(x) + "\n" for x in lines).encode()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/jsonl\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return call("POST", f"{BASE}/files", raw=body, ctype=f"multipart/form-data; boundary={boundary}")["id"]


chat = [{"messages": [{"role": "user", "content": f"What is {i} plus {i}?"},
                      {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."}]} for i in range(12)]
training = upload_file("fine-tune", "train.jsonl", chat)
jobs = [call("POST", f"{BASE}/fine_tuning/jobs", {"model": "gpt-4o-mini-2024-07-18", "training_file": training})["id"]
        for _ in range(2)]
call("POST", f"{ROOT}/__sim/clock/advance", {"seconds": 86400})
finished = []
for job in jobs:
    j = call("GET", f"{BASE}/fine_tuning/jobs/{job}")
    if j.get("status") != "succeeded":
        sys.exit(f"seed_resources: fine-tuning job {job} is {j.get('status')!r} a day later, expected 'succeeded'")
    finished.append(j)
job = jobs[0]
checkpoints = call("GET", f"{BASE}/fine_tuning/jobs/{job}/checkpoints")["data"]
if not checkpoints:
    sys.exit(f"seed_resources: fine-tuning job {job} succeeded without checkpoints")
checkpoint = checkpoints[0]["fine_tuned_model_checkpoint"]
permission = call("POST", f"{BASE}/fine_tuning/checkpoints/{checkpoint}/permissions",
                  {"project_ids": ["proj_fuzz"]})["data"][0]["id"]

line = {"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions",
        "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]}}


def eval_and_run() -> dict:
    ev = call("POST", f"{BASE}/evals", {
        "name": "fuzz", "data_source_config": {"type": "custom", "item_schema": {"type": "object"}},
        "testing_criteria": [{"type": "string_check", "name": "same", "input": "{{sample.output_text}}",
                              "reference": "{{item.answer}}", "operation": "eq"}]})["id"]
    run = call("POST", f"{BASE}/evals/{ev}/runs", {"data_source": {"type": "jsonl", "source": {"type": "file_content", "content": [
        {"item": {"answer": "yes"}, "sample": {"output_text": "yes"}}, {"item": {"answer": "yes"}, "sample": {"output_text": "no"}}]}}})["id"]
    return {"path.eval_id": ev, "path.run_id": run}


# A self-signed P-256 certificate (openssl req -x509; key discarded), valid to 2036-11-24.
CERT = (Path(__file__).resolve().parents[1] / "fixtures" / "certificate-a.pem").read_text().strip()


def organization() -> dict:
    """A project with a service account (and its key), an admin key, an invite and the owner."""
    project = call("POST", f"{BASE}/organization/projects", {"name": "fuzz"})["id"]
    account = call("POST", f"{BASE}/organization/projects/{project}/service_accounts", {"name": "fuzz-bot"})
    owner = call("GET", f"{BASE}/organization/users")["data"][0]["id"]
    return {"path.project_id": project, "path.service_account_id": account["id"], "path.api_key_id": account["api_key"]["id"],
            "path.key_id": call("POST", f"{BASE}/organization/admin_api_keys", {"name": "fuzz"})["id"],
            "path.invite_id": call("POST", f"{BASE}/organization/invites", {"email": "fuzz@example.com", "role": "reader"})["id"],
            "path.user_id": owner,
            "path.group_id": call("POST", f"{BASE}/organization/groups", {"name": "fuzz"})["id"],
            "path.role_id": call("POST", f"{BASE}/organization/roles", {"role_name": f"fuzz-{project}", "permissions": ["api.groups.read"]})["id"],
            "path.certificate_id": call("POST", f"{BASE}/organization/certificates", {"certificate": CERT})["id"],
            "path.alert_id": call("POST", f"{BASE}/organization/spend_alerts", {
                "threshold_amount": 100, "currency": "USD", "interval": "month",
                "notification_channel": {"type": "email", "recipients": ["fuzz@example.com"]}})["id"],
            "path.rate_limit_id": "rl_gpt-4o-mini"}


def conversation() -> dict:
    """A conversation with one item (its id is the `item_id` of the items operations)."""
    conv = call("POST", f"{BASE}/conversations", {"items": [{"type": "message", "role": "user", "content": "Hello"}]})
    item = call("GET", f"{BASE}/conversations/{conv['id']}/items")["data"][0]["id"]
    return {"path.conversation_id": conv["id"], "path.item_id": item}


def fresh() -> dict:
    """One of each kind that a DELETE or a cancel could use up."""
    batch_file = upload_file("batch", "batch.jsonl", [line])
    return {
        **eval_and_run(),
        **organization(),
        "path.file_id": batch_file,
        "path.upload_id": call("POST", f"{BASE}/uploads", {"filename": "part.jsonl", "purpose": "batch", "bytes": 64,
                                                           "mime_type": "application/jsonl"})["id"],
        "path.batch_id": call("POST", f"{BASE}/batches", {"input_file_id": batch_file, "endpoint": "/v1/chat/completions",
                                                          "completion_window": "24h"})["id"],
        "path.completion_id": call("POST", f"{BASE}/chat/completions", {"model": "gpt-4o-mini", "store": True,
                                                                        "messages": [{"role": "user", "content": "Hello"}]})["id"],
        "path.response_id": call("POST", f"{BASE}/responses", {"model": "gpt-4.1-mini", "input": "Hello"})["id"],
        **conversation(),
    }


keep = dict(fresh(), **{
    "path.fine_tuning_job_id": job,
    "path.fine_tuned_model_checkpoint": checkpoint,
    "path.permission_id": permission,
    "path.model": finished[0]["fine_tuned_model"],
})
deleted = dict(fresh(), **{"path.model": finished[1]["fine_tuned_model"]})
cancelled = fresh()
# The runs' output items exist once the clock has passed them.
call("POST", f"{ROOT}/__sim/clock/advance", {"seconds": 10})
keep["path.output_item_id"] = call(
    "GET", f"{BASE}/evals/{keep['path.eval_id']}/runs/{keep['path.run_id']}/output_items")["data"][0]["id"]


def inline(pins: dict) -> str:
    return "{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in pins.items()) + " }"


with open(OUT, "w") as f:
    f.write("# Written by Tests/fuzz/seed_resources.py: path parameters pinned to live resources.\n[parameters]\n")
    for k, v in keep.items():
        f.write(f"{json.dumps(k)} = {json.dumps(v)}\n")
    f.write(f'\n[[operations]]\ninclude-method = "DELETE"\nparameters = {inline(deleted)}\n')
    f.write(f'\n[[operations]]\ninclude-path-regex = "/cancel$"\nparameters = {inline(cancelled)}\n')
print(f"seed_resources: pinned {', '.join(sorted(keep))} (DELETE and cancel operations get their own)", file=sys.stderr)
