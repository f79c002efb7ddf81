"""Schemathesis against the server's own OpenAPI schema: generated requests for every operation, no server
error (5xx) and only documented content types; error bodies are JSON problem details (RFC 9457)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Server, copy_data


@pytest.fixture(scope="module")
def site(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(copy_data(samples_data, tmp_path_factory, "fuzz-data"), {"CHIDAO_MAX_INFLIGHT": "64"}).start()
    yield srv.base
    srv.stop()


def test_schemathesis_finds_no_server_error(site: str) -> None:
    st = Path(sys.executable).parent / "schemathesis"
    out = subprocess.run([str(st), "run", site + "/openapi.json", "--checks",
                          "not_a_server_error,content_type_conformance", "--max-examples", "20", "--seed", "7"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:]


@pytest.mark.parametrize("method,path,kw", [
    ("POST", "/v1/search", {"json": {}}),
    ("POST", "/v1/search", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("POST", "/v1/ask", {"json": {"question": ""}}),
    ("POST", "/v1/search", {"json": {"query": "x", "filters": {"date_from": "tomorrow"}}}),
    ("GET", "/v1/documents/nope", {}),
    ("GET", "/v1/directives/xyz", {}),
    ("DELETE", "/v1/documents/nope", {}),
    ("POST", "/v1/chat/completions", {"json": {"messages": []}}),
    ("GET", "/v1/nothing-here", {}),
])
def test_errors_are_problem_details(site: str, method: str, path: str, kw: dict) -> None:  # type: ignore[type-arg]
    r = httpx.request(method, site + path, **kw)
    assert 400 <= r.status_code < 500
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == r.status_code and body["title"] and body["detail"]
