"""Interop suite: drives a real `openai-sim serve` process with the official `openai` Python SDK.

Run it with `scripts/interop.sh` (it creates the pinned virtualenv). Environment:
  OPENAI_SIM_BIN   server binary (default .build/debug/openai-sim, else .build/release/openai-sim)

Every test gets its own API key, so its own tenant: tests never see each other's files.
The last test (test_zz_spec.py) checks every exchange the server journaled against the
OpenAPI spec (../shared/tools/spec_check.py).
"""
from __future__ import annotations

import re
from typing import Any, Callable, Iterator, Optional

import openai
import pytest

from harness import RETIRED_JOURNALS, SPEC_SUMMARY, SimServer, admin_client, new_key

# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sim() -> Iterator[SimServer]:
    server = SimServer(seed=0, clock="virtual")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def base_url(sim: SimServer) -> str:
    return sim.base_url


@pytest.fixture
def api_key(request: pytest.FixtureRequest) -> str:
    return new_key(re.sub(r"[^A-Za-z0-9]+", "-", request.node.name)[:40])


@pytest.fixture
def client(sim: SimServer, api_key: str) -> Iterator[openai.OpenAI]:
    c = sim.client(api_key)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def org(sim: SimServer, api_key: str) -> Iterator[Any]:
    """`client.admin.organization` of the test's own organization (its key is the owner key)."""
    c = admin_client(sim, api_key)
    try:
        yield c.admin.organization
    finally:
        c.close()


@pytest.fixture
def make_client(sim: SimServer) -> Iterator[Callable[..., openai.OpenAI]]:
    """Factory for extra clients (each with a fresh key unless one is given)."""
    made: list[openai.OpenAI] = []

    def make(api_key: Optional[str] = None, **kw: Any) -> openai.OpenAI:
        c = sim.client(api_key, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def start_server() -> Iterator[Callable[..., SimServer]]:
    """Private servers for one test; their journals are kept for the spec check."""
    started: list[SimServer] = []

    def start(**kw: Any) -> SimServer:
        s = SimServer(**kw)
        started.append(s)
        return s

    yield start
    for s in started:
        try:
            if s.proc.poll() is None:
                RETIRED_JOURNALS.append(s.journal())
        except Exception:  # a broken journal is reported by the tests that use it
            pass
        s.stop()


# --- ordering and reporting ------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spec_last: runs after every other test (journal spec check)")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    items.sort(key=lambda it: 1 if it.get_closest_marker("spec_last") else 0)  # stable sort


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001
    for line in SPEC_SUMMARY:
        terminalreporter.write_line(line)
