"""Client systems: the official `openai` client against /v1/chat/completions (plain and streaming), the
directive catalog API, API keys on every /v1 route, and `chidao serve` refusing a public address without keys."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openai import OpenAI

from .backends import backend_env
from .conftest import ROOT, Server, copy_data, free_port


def test_openai_client_gets_answers_with_citations(server: str) -> None:
    client = OpenAI(base_url=server + "/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list()] == ["chidao"]
    resp = client.chat.completions.create(model="chidao", messages=[
        {"role": "system", "content": "Bạn là trợ lý."},
        {"role": "user", "content": "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?"}])
    content = resp.choices[0].message.content or ""
    assert "640,5 tỷ đồng" in content and "Nguồn:" in content and "[1]" in content
    extra = resp.model_extra or {}
    assert extra["citations"][0]["n"] == 1 and "640,5" in extra["citations"][0]["text"]

    # follow-ups come from `messages`
    follow = client.chat.completions.create(model="chidao", messages=[
        {"role": "user", "content": "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?"},
        {"role": "assistant", "content": content},
        {"role": "user", "content": "còn chi ngân sách địa phương thì sao?"}])
    assert "1.020,4" in (follow.choices[0].message.content or "")

    chunks = list(client.chat.completions.create(model="chidao", stream=True, messages=[
        {"role": "user", "content": "Tổng chi ngân sách địa phương lũy kế quý I?"}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "1.020,4" in text and "Nguồn:" in text
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop" and (last.model_extra or {})["citations"]


def test_directive_catalog_api(server: str) -> None:
    r = httpx.get(server + "/v1/directives", params={"number": "345/qd-ubnd"}).json()
    assert r["total"] == 1
    rec = r["items"][0]
    assert (rec["number"], rec["type"], rec["date"], rec["issuer"]) == ("345/QĐ-UBND", "Quyết định", "2025-03-07",
                                                                        "UBND tỉnh")
    assert "Sở Văn hóa, Thể thao và Du lịch" in rec["lead"] and "120/QĐ-UBND" in rec["replaces"]
    one = httpx.get(server + "/v1/directives/345/QD-UBND").json()
    assert one["passages"] and "345/QĐ-UBND" in one["passages"][0]["text"]
    assert httpx.get(server + "/v1/directives/9999/QD-UBND").status_code == 404
    none = httpx.get(server + "/v1/directives", params={"type": "Chỉ thị", "date_from": "2030-01-01"}).json()
    assert none["total"] == 0 and none["message"]
    cv = httpx.get(server + "/v1/directives", params={"type": "cong van", "date_from": "2025-03-01",
                                                      "date_to": "2025-03-31", "sort": "date_asc"}).json()
    dates = [i["date"] for i in cv["items"]]
    assert cv["total"] >= 2 and dates == sorted(dates) and all(i["type"] == "Công văn" for i in cv["items"])
    paged = httpx.get(server + "/v1/directives", params={"page_size": 1, "page": 2}).json()
    assert paged["page"] == 2 and len(paged["items"]) == 1 and paged["total"] > 2
    assert httpx.get(server + "/v1/directives", params={"agency": "so van hoa"}).json()["total"] >= 1


@pytest.fixture(scope="module")
def keyed(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(copy_data(samples_data, tmp_path_factory, "keyed-data"), {"CHIDAO_API_KEYS": "k-one, k-two"}).start()
    yield srv.base
    srv.stop()


ROUTES = [
    ("POST", "/v1/search", {"json": {"query": "ngân sách"}}),
    ("POST", "/v1/ask", {"json": {"question": "Tổng thu ngân sách lũy kế quý I?"}}),
    ("POST", "/v1/chat/completions", {"json": {"model": "chidao", "messages": [{"role": "user", "content": "ngân sách"}]}}),
    ("GET", "/v1/models", {}),
    ("GET", "/v1/documents", {}),
    ("GET", "/v1/directives", {}),
    ("GET", "/v1/directives/512/UBND-KT", {}),
    ("POST", "/v1/documents", {"files": {"files": ("ghi-chu.txt", "Ghi chú kiểm thử khóa API.".encode())}}),
]


@pytest.mark.parametrize("method,path,kw", ROUTES)
def test_api_keys_guard_every_route(keyed: str, method: str, path: str, kw: dict) -> None:  # type: ignore[type-arg]
    assert httpx.request(method, keyed + path, timeout=60, **kw).status_code == 401
    wrong = httpx.request(method, keyed + path, headers={"Authorization": "Bearer nope"}, timeout=60, **kw)
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    ok = httpx.request(method, keyed + path, headers={"Authorization": "Bearer k-two"}, timeout=60, **kw)
    assert ok.status_code == 200, ok.text


def test_pages_are_public_but_their_data_is_not(keyed: str) -> None:
    assert httpx.get(keyed + "/").status_code == 200 and httpx.get(keyed + "/static/chat.js").status_code == 200
    assert httpx.get(keyed + "/healthz").status_code == 200
    docs = httpx.get(keyed + "/v1/documents").json()
    assert docs["status"] == 401 and "documents" not in docs


def test_serve_refuses_public_address_without_keys(tmp_path: Path) -> None:
    env = {"CHIDAO_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **backend_env(tmp_path)}  # a replica too
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "serve", "--host", "0.0.0.0", "--port",
                          str(free_port())], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "CHIDAO_API_KEYS" in out.stderr and "--insecure" in out.stderr
