"""schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

Registers the check `spec_conformance`: every JSON answer the fuzz run receives, whatever the
generated request, is checked against its operation's response schema in the official spec, with
the project's shared checker (../shared/tools/spec_check.py, class Spec) and the same allowances
as the interop suite's journal check (Tests/interop/spec_gaps.py). A 2xx answer the spec does not
declare, or a body that violates the declared schema, fails the run with a curl line to reproduce.
Error statuses the spec does not document for the operation (most 4xx), and errors of routes it
does not have, are held to its generic ErrorResponse schema {"error": {message, type, param, code}};
an error answer that is not JSON at all fails (but for libmicrohttpd's own 431, noted).

The known gaps met are counted and printed after the run (stderr), not silently passed.
"""
from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import schemathesis

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "interop"))
from spec_gaps import judge  # noqa: E402

_SPEC_CHECK = REPO.parent / "shared" / "tools" / "spec_check.py"
_loader = importlib.util.spec_from_file_location("fuzz_spec_check", _SPEC_CHECK)
assert _loader and _loader.loader, f"cannot load {_SPEC_CHECK}"
_mod = importlib.util.module_from_spec(_loader)
_loader.loader.exec_module(_mod)
SPEC = _mod.Spec()


@schemathesis.check
class spec_conformance:  # noqa: N801 (the check's name on the command line)
    """The answer's JSON body matches the official spec's schema for its operation and status."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # Sets, not counters: schemathesis may call after_response again while shrinking.
        self.gaps: dict[str, set[str]] = {}
        self.checked: set[str] = set()

    def _note(self, kind: str, key: str) -> None:
        with self.lock:
            self.gaps.setdefault(kind, set()).add(key)

    def after_response(self, ctx, response, case) -> None:  # noqa: ANN001
        if "json" not in (response.headers.get("content-type") or [""])[0]:
            if response.status_code >= 400:
                key = f"{response.request.method} {urlsplit(response.request.url).path} {response.status_code}"
                if response.status_code == 431:
                    # libmicrohttpd's own page for request headers past its connection pool (README).
                    self._note("431 answers from libmicrohttpd itself (headers over ~30 KB), not JSON", key)
                    return
                raise AssertionError(f"an error answer that is not JSON: {key} "
                                     f"{(response.headers.get('content-type') or [''])[0]!r} {response.content[:200]!r}")
            return
        try:
            body = response.json()
        except Exception:  # noqa: BLE001 (a JSON content type with a body that is not JSON)
            raise AssertionError(f"content-type says JSON but the body does not parse: {response.content[:200]!r}")
        request = response.request
        path = urlsplit(request.url).path
        status = response.status_code
        key = f"{request.method} {path} {status}"
        if status == 200 and path.endswith("/content") and "/files/" in path:
            # The stored file's own bytes (served with the type its name implies, e.g. a .jsonl
            # file as application/jsonl): not a JSON document the spec describes.
            self._note("file content answers not judged (the file's own bytes)", key)
            return
        with self.lock:
            self.checked.add(key)
        bad, notes = judge(SPEC, request.method, path, status, body)
        for n in notes:
            self._note(n, key)
        if bad:
            raise AssertionError("response does not match the spec:\n" + "\n".join(bad))

    def after_run(self, ctx) -> None:  # noqa: ANN001
        print(f"spec_conformance: {len(self.checked)} distinct (method, path, status) answers checked", file=sys.stderr)
        for kind, keys in sorted(self.gaps.items()):
            print(f"spec_conformance: {kind}: {len(keys)} distinct answers, e.g. {sorted(keys)[0]}", file=sys.stderr)
