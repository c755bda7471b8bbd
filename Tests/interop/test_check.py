"""`openai-sim check`: green against the simulator, red (with the failures named) against a
deliberately broken server (Tests/fixtures/broken_server.py)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from harness import REPO, sim_binary

BROKEN = REPO / "Tests" / "fixtures" / "broken_server.py"


def run_check(base_url: str, *args: str, tmp_path: Path, timeout: float = 300,
              env: dict[str, str] | None = None) -> tuple[int, str, dict]:
    out = tmp_path / "check.json"
    proc = subprocess.run([str(sim_binary()), "check", "--base-url", base_url, "--json", str(out), *args],
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env=None if env is None else {**os.environ, **env})
    report = json.loads(out.read_text()) if out.exists() else {}
    return proc.returncode, proc.stdout + proc.stderr, report


def rows(report: dict, area: str) -> list[dict]:
    return [r for r in report.get("results", []) if r["area"] == area]


@pytest.fixture
def fast_sim(start_server):  # noqa: ANN001, ANN201
    """A private live-clock server at 100x, so batches and fine-tuning jobs finish in seconds."""
    return start_server(seed=3, clock="live", extra_args=("--time-scale", "100"))


@pytest.fixture
def broken_server() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, str(BROKEN), "--port", "0"], stdout=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    found: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = re.search(r"http://[0-9.]+:[0-9]+/v1", line)
            if m and not found:
                found.append(m.group(0))
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    ready.wait(10)
    try:
        assert found, "broken_server.py printed no URL"
        yield found[0]
    finally:
        proc.terminate()
        proc.wait(5)


def test_check_is_green_against_the_simulator(fast_sim, tmp_path: Path) -> None:  # noqa: ANN001
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    code, output, report = run_check(fast_sim.base_url, "--poll-timeout", "120", "--project-id", "proj_check", tmp_path=tmp_path,
                                     env={"TMPDIR": str(scratch)})
    # The files it uploads from disk are made in TMPDIR and removed with their directories.
    assert list(scratch.iterdir()) == [], "check left temporary files behind"
    failed = [f"{r['area']}/{r['step']}: {r['detail']}" for r in report.get("results", []) if r["result"] == "fail"]
    assert code == 0, f"check failed against the simulator:\n" + "\n".join(failed) + "\n" + output[-4000:]
    assert report["failed"] == 0 and report["passed"] >= 30, report
    areas = {r["area"] for r in report["results"]}
    assert areas == {"models", "files", "uploads", "chat", "responses", "conversations", "embeddings", "moderations",
                     "batches", "evals", "fine_tuning", "errors"}, areas
    # The table names every step with its result and time.
    assert re.search(r"^files\s+upload \(multipart from disk\)\s+PASS\s+\d+", output, re.M), output
    assert re.search(r"^check: \d+ passed, 0 failed, \d+ skipped$", output, re.M), output


def test_check_only_and_skip_slow_limit_the_run(fast_sim, tmp_path: Path) -> None:  # noqa: ANN001
    code, output, report = run_check(fast_sim.base_url, "--only", "files,fine_tuning", "--skip-slow", tmp_path=tmp_path)
    assert code == 0, output
    assert {r["area"] for r in report["results"]} == {"files", "fine_tuning"}
    assert [r["result"] for r in rows(report, "fine_tuning")] == ["skip"], report


def test_check_is_red_against_a_broken_server(broken_server: str, tmp_path: Path) -> None:
    code, output, report = run_check(broken_server, "--poll-timeout", "10", tmp_path=tmp_path)
    assert code == 1, output
    fails = {(r["area"], r["step"]): r["detail"] for r in report["results"] if r["result"] == "fail"}
    expected = {
        ("models", "list"): "created",                     # wrong field type
        ("files", "upload (multipart from disk)"): "status",  # missing required field
        ("uploads", "add 2 parts"): "upload.part",        # wrong object constant
        ("batches", "runs to completed"): "backwards",     # bad status order
        ("chat", "create"): "finish_reason",              # value outside the enum
        ("responses", "create"): "missing required field",
        ("embeddings", "one input (text-embedding-3-small)"): "dimension",
        ("moderations", "two inputs (omni-moderation-latest)"): "lacks categories",
        ("errors", "404 unknown file"): "error",           # not the error shape
        ("errors", "400 names the bad param"): "param",
        ("errors", "401 without credentials"): "401",
    }
    for key, needle in expected.items():
        assert key in fails, f"{key} did not fail; failures: {json.dumps(fails, indent=1)}\n{output}"
        assert needle in fails[key], f"{key}: {fails[key]!r} does not mention {needle!r}"
    for (area, step), detail in fails.items():  # every failure is listed in the table too
        assert re.search(rf"^{re.escape(area)}\s+{re.escape(step[:48])}\s+FAIL", output, re.M), (area, step, output)


def test_check_rejects_bad_usage(tmp_path: Path) -> None:
    code, output, _ = run_check("http://127.0.0.1:9/v1", "--only", "nope", tmp_path=tmp_path)
    assert code == 2 and "unknown area nope" in output
