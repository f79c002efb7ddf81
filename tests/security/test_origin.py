"""Issue 12 row 9: with no keys (the loopback default) a foreign web page cannot change data (an upload that
plants text, a delete) and a DNS-rebound host name cannot read: state-changing requests from another origin
get 403, requests naming a host the server does not answer to get 421. The server's own pages, programs (no
Origin) and configured names keep working."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from ..conftest import Server, copy_data

NOTE = {"files": ("ghi-chu-csrf.txt", "Ghi chú: tổng thu ngân sách quý I đạt 999 tỷ đồng.".encode())}


def test_foreign_origins_cannot_change_data(open_site: Server) -> None:
    base = open_site.base
    for origin in ("http://evil.example", "null", "http://127.0.0.1:1", f"{base}.evil.example"):
        r = httpx.post(base + "/v1/documents", headers={"Origin": origin}, files=NOTE)
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json"), origin
        assert httpx.delete(base + "/v1/documents/x", headers={"Origin": origin}).status_code == 403
    assert httpx.post(base + "/v1/documents", headers={"Sec-Fetch-Site": "cross-site"}, files=NOTE).status_code == 403
    assert not [d for d in httpx.get(base + "/v1/documents").json()["documents"] if d["source"] == NOTE["files"][0]]
    own = httpx.post(base + "/v1/documents", headers={"Origin": base, "Sec-Fetch-Site": "same-origin"}, files=NOTE,
                     timeout=300)
    assert own.status_code == 200  # the admin page's own upload
    doc_id = own.json()["reports"][0]["doc_id"]
    assert httpx.delete(base + f"/v1/documents/{doc_id}", headers={"Origin": base}).status_code == 200
    assert httpx.get(base + "/v1/documents", headers={"Origin": "http://evil.example"}).status_code == 200  # reads


def test_unknown_host_names_are_refused(open_site: Server) -> None:
    base = open_site.base
    for host in ("attacker.example", f"attacker.example:{open_site.port}", "127.0.0.2"):
        for path in ("/v1/documents", "/", "/static/chat.js"):
            r = httpx.get(base + path, headers={"Host": host})
            assert r.status_code == 421, (host, path)
    for host in (f"localhost:{open_site.port}", f"127.0.0.1:{open_site.port}", "localhost"):
        assert httpx.get(base + "/v1/documents", headers={"Host": host}).status_code == 200
    assert httpx.get(base + "/healthz", headers={"Host": "probe.internal"}).status_code == 200


@pytest.fixture(scope="module")
def configured(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Server:
    srv = Server(copy_data(samples_data, tmp_path_factory, "sec-hosts"), {
        "CHIDAO_ALLOWED_HOSTS": "chidao.so-mai.gov.vn, 127.0.0.1", "CHIDAO_ALLOWED_ORIGINS": "https://cong.so-mai.gov.vn"}
    ).start()
    yield srv  # type: ignore[misc]
    srv.stop()


def test_configured_hosts_and_origins(configured: Server) -> None:
    base = configured.base
    assert httpx.get(base + "/v1/documents", headers={"Host": "chidao.so-mai.gov.vn"}).status_code == 200
    assert httpx.get(base + "/v1/documents", headers={"Host": "localhost"}).status_code == 421  # not listed
    r = httpx.post(base + "/v1/search", headers={"Origin": "https://cong.so-mai.gov.vn"}, json={"query": "ngân sách"})
    assert r.status_code == 200
    assert httpx.post(base + "/v1/search", headers={"Origin": "https://evil.example"},
                      json={"query": "ngân sách"}).status_code == 403
