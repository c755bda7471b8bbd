"""Where the official spec contradicts itself or the API, and how our checks treat it.

Shared by the interop suite's journal check (test_zz_spec.py) and the fuzz run's spec check
(Tests/fuzz/spec_hooks.py), so both judge a body the same way. Each gap is reported by the
caller, never silently passed.
"""
from __future__ import annotations

from typing import Any, Optional

# (path fragment, violation text, why): a violation containing both is a known gap, not a failure.
KNOWN_SPEC_GAPS = [
    ("/fine_tuning/jobs", "'paused' is not one of",
     "FineTuningJob.status omits 'paused', but the spec's own pause/resume operations return a paused job"),
    ("/chat/completions/", "is not one of ['assistant']",
     "ChatCompletionMessageList items reuse ChatCompletionResponseMessage (role enum ['assistant']), but the endpoint lists "
     "the stored request's messages; the spec's own example shows role 'user'"),
    ("/files", "'evals' is not one of",
     "CreateFileRequest.purpose accepts 'evals', but OpenAIFile.purpose (the file the same request returns) omits it"),
    ("/evals/", "error: None is not of type 'object'",
     "EvalRun.error and an output item's sample.error are typed EvalApiError, not nullable, but the spec's own examples "
     "show \"error\": null for a run or sample without an error"),
]


def known_gap(violation: str) -> Optional[str]:
    for fragment, text, why in KNOWN_SPEC_GAPS:
        if fragment in violation and text in violation:
            return why
    return None


def base64_embeddings_as_arrays(path: str, body: Any) -> tuple[Any, bool]:
    """Embedding.embedding is typed as an array of numbers, but encoding_format=base64 (which the SDK
    asks for by default) returns a base64 string, as the real API does. Returns the body with each
    such string stood in for by an empty array (so the rest is still checked), and whether any was."""
    if path.split("?")[0].endswith("/embeddings") and isinstance(body, dict) and isinstance(body.get("data"), list):
        if any(isinstance(d, dict) and isinstance(d.get("embedding"), str) for d in body["data"]):
            return dict(body, data=[dict(d, embedding=[]) if isinstance(d, dict) and isinstance(d.get("embedding"), str) else d
                                    for d in body["data"]]), True
    return body, False


def named_multi_grader_variants(body: Any) -> list[Any]:
    """GraderMulti.graders is typed as one grader, but a multi grader combines several: the API's
    graders guide (and `calculate_output`, which names them) gives `graders` as an object of named
    graders, which openai-sim accepts and echoes. For a body holding such objects, the bodies to
    check instead: variant k has every named-graders object replaced by its k-th grader (or its
    last, when it has fewer), so each named grader is still checked against the spec's grader
    schemas. An empty list when the body has none."""
    found: list[list[Any]] = []

    def collect(v: Any) -> None:
        if isinstance(v, dict):
            g = v.get("graders")
            if v.get("type") == "multi" and isinstance(g, dict) and g and "type" not in g:
                found.append(list(g.values()))
            for x in v.values():
                collect(x)
        elif isinstance(v, list):
            for x in v:
                collect(x)

    collect(body)
    if not found:
        return []

    def replace(v: Any, k: int) -> Any:
        if isinstance(v, dict):
            out = {key: replace(x, k) for key, x in v.items()}
            g = v.get("graders")
            if v.get("type") == "multi" and isinstance(g, dict) and g and "type" not in g:
                inner = list(g.values())
                out["graders"] = replace(inner[min(k, len(inner) - 1)], k)
            return out
        if isinstance(v, list):
            return [replace(x, k) for x in v]
        return v

    return [replace(body, k) for k in range(max(len(f) for f in found))]


NAMED_GRADERS_NOTE = ("multi graders whose `graders` is an object of named graders (as the API's graders guide gives it); "
                      "the spec types it as one grader, so each named grader was checked in its place")
BASE64_NOTE = "embeddings answered as base64 strings (encoding_format=base64); the spec types `embedding` as an array of numbers"
UNDOCUMENTED_ERROR_NOTE = ("error statuses the spec does not document for the operation (or unknown routes), checked "
                           "against its ErrorResponse schema {\"error\": {message, type, param, code}}")
EDGE_502_NOTE = ("the API's edge (Cloudflare) answers 502 with an integer code (cf_bad_gateway, as the scenario preset "
                 "bad_gateway reproduces); the spec's Error.code is a string or null")
UNWRAPPED_NOTE = ("documented error statuses whose schema is the bare Error object, checked inside the {\"error\": ...} "
                  "wrapper the API and the SDK use")


def _documents_json(spec: Any, method: str, path: str, status: int) -> bool:
    """Whether `spec.check` judges this exchange: the operation is known and declares a JSON schema
    for the status (or a default). Mirrors spec_check.Spec.check's lookup, cancel fallback included."""
    _, op = spec.operation(method, path)
    if op is None and path.split("?")[0].rstrip("/").endswith("/cancel"):
        _, op = spec.operation(method, path.split("?")[0].rstrip("/")[: -len("/cancel")])
    if op is None:
        return False
    responses = op.get("responses", {})
    resp = responses.get(str(status)) or responses.get("default")
    if resp is None:
        return False
    if "$ref" in resp:
        resp = spec.doc["components"]["responses"][resp["$ref"].split("/")[-1]]
    media = resp.get("content", {}).get("application/json")
    return bool(media and "schema" in media)


_error_validators: dict[int, Any] = {}


def error_shape_violations(spec: Any, method: str, path: str, status: int, body: Any) -> list[str]:
    """`body` against the spec's components.schemas.ErrorResponse (what every API error looks like)."""
    from jsonschema import Draft202012Validator
    v = _error_validators.get(id(spec))
    if v is None:
        v = Draft202012Validator({"$ref": "#/components/schemas/ErrorResponse", "components": spec.doc["components"]})
        _error_validators[id(spec)] = v
    out = []
    for e in v.iter_errors(body):
        loc = "/".join(str(x) for x in e.absolute_path)
        out.append(f"{method} {path.split('?')[0]} {status} (as ErrorResponse) at /{loc}: {e.message[:200]}")
    return out[:5]


def judge(spec: Any, method: str, path: str, status: int, body: Any) -> tuple[list[str], list[str]]:
    """(violations, allowances used) for one exchange, checked with spec_check's `Spec.check`.

    Allowances: base64 embeddings (above); an error body {"error": {...}} where the spec documents
    that status with the bare Error object {type, message, param, code} (DELETE /responses/{id}
    404, for one: other operations document {"error": ...}, and those are checked as they are);
    and the KNOWN_SPEC_GAPS. Each allowance used is returned, for the caller to report. An error
    status the spec does not document for the operation (most 4xx), or any error of a route the
    spec does not have, is held to the spec's generic ErrorResponse schema instead."""
    notes: list[str] = []
    if status >= 400 and not _documents_json(spec, method, path, status):
        bad = error_shape_violations(spec, method, path, status, body)
        err = body.get("error") if isinstance(body, dict) else None
        if bad and status == 502 and isinstance(err, dict) and err.get("type") == "cf_bad_gateway" and err.get("code") == 502:
            bad = error_shape_violations(spec, method, path, status, dict(body, error=dict(err, code=None)))
            if not bad:
                return [], [UNDOCUMENTED_ERROR_NOTE, EDGE_502_NOTE]
        return bad, [UNDOCUMENTED_ERROR_NOTE]
    body, was_base64 = base64_embeddings_as_arrays(path, body)
    if was_base64:
        notes.append(BASE64_NOTE)
    variants = named_multi_grader_variants(body)
    if variants:
        notes.append(NAMED_GRADERS_NOTE)
        found = [v for b in variants for v in spec.check(method, path, status, b)]
    else:
        found = spec.check(method, path, status, body)
    if found and status >= 400 and isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], dict):
        inner = spec.check(method, path, status, body["error"])
        if not inner:
            return [], notes + [UNWRAPPED_NOTE]
    bad = []
    for v in found:
        why = known_gap(v)
        if why:
            notes.append(f"known spec gap: {why}")
        else:
            bad.append(v)
    return bad, notes
