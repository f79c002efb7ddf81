"""Access groups: a caller without `mat` never sees a `mat` passage, title or number on any surface —
search, ask (answers, citations, related), follow-ups, sessions, the directive catalog, document listing and
passages, the OpenAI endpoint. A confidential document with unique words shows any leak."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Server, copy_data

SECRET = ("CÔNG VĂN MẬT\nSố: 999/UBND-MAT\nV/v phương án Zebrafin bảo vệ kho Quýtxanh\n\n"
          "UBND tỉnh giao Công an tỉnh chủ trì phương án Zebrafin (Công văn số 999/UBND-MAT, ngày 02/3/2025) "
          "bảo vệ kho Quýtxanh với kinh phí 777,77 tỷ đồng.\n")
MARKERS = ("Zebrafin", "Quýtxanh", "999/UBND-MAT", "777,77")
PUB = {"Authorization": "Bearer pub-key"}
BOSS = {"Authorization": "Bearer boss-key"}


@pytest.fixture(scope="module")
def site(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(copy_data(samples_data, tmp_path_factory, "access-data"),
                 {"CHIDAO_API_KEYS": "pub-key:public; boss-key:public,mat"}).start()
    r = httpx.post(srv.base + "/v1/documents", headers=BOSS, data={"groups": "mat"},
                   files={"files": ("cong-van-mat.txt", SECRET.encode())}, timeout=120)
    assert r.status_code == 200 and r.json()["reports"][0]["status"] == "ingested", r.text
    yield srv.base
    srv.stop()


def leaks(body: object, asked: str = "") -> list[str]:
    """Markers of the secret document in a response, the caller's own words aside (the question echoed as
    `query`, a word of it an abstention names as not found): a marker the caller typed tells them nothing; the
    other markers of the same passage still would."""
    text = json.dumps(body, ensure_ascii=False)
    return [m for m in MARKERS if m in text and m not in asked]


def test_the_owner_group_sees_it(site: str) -> None:
    a = httpx.post(site + "/v1/ask", headers=BOSS, json={"question": "Kinh phí phương án Zebrafin là bao nhiêu?"},
                   timeout=60).json()
    assert "777,77 tỷ đồng" in a["answer"]
    assert httpx.get(site + "/v1/directives/999/UBND-MAT", headers=BOSS).status_code == 200


def test_nothing_leaks_to_a_public_key(site: str) -> None:
    queries = ["Zebrafin", "kho Quýtxanh", "999/UBND-MAT", "công văn 999", "kinh phí 777,77 tỷ đồng",
               "Công an tỉnh chủ trì phương án gì?"]
    for q in queries:
        s = httpx.post(site + "/v1/search", headers=PUB, json={"query": q, "k": 50}).json()
        assert not leaks(s), (q, leaks(s))
        a = httpx.post(site + "/v1/ask", headers=PUB, json={"question": q}, timeout=60).json()
        assert not leaks(a, q), (q, leaks(a, q))
        chat = httpx.post(site + "/v1/chat/completions", headers=PUB, timeout=60,
                          json={"model": "chidao", "messages": [{"role": "user", "content": q}]}).json()
        assert not leaks(chat, q), (q, leaks(chat, q))
    stream = httpx.post(site + "/v1/ask", headers=PUB, json={"question": "phương án bảo vệ kho", "stream": True},
                        timeout=60)
    assert not leaks(stream.text)
    docs = httpx.get(site + "/v1/documents", headers=PUB).json()
    assert not leaks(docs) and not any("mat" in d["source"] for d in docs["documents"])
    secret_id = next(d["doc_id"] for d in httpx.get(site + "/v1/documents", headers=BOSS).json()["documents"]
                     if d["source"] == "cong-van-mat.txt")
    for path in (f"/v1/documents/{secret_id}", f"/v1/documents/{secret_id}/passages", "/v1/directives/999/UBND-MAT"):
        r = httpx.get(site + path, headers=PUB)
        assert r.status_code == 404 and not leaks(r.json(), path.rsplit("/v1/directives/", 1)[-1])
    assert httpx.delete(site + f"/v1/documents/{secret_id}", headers=PUB).status_code == 404
    catalog = httpx.get(site + "/v1/directives", headers=PUB, params={"page_size": 200}).json()
    assert not leaks(catalog)
    assert httpx.get(site + "/v1/directives", headers=PUB, params={"agency": "Công an tỉnh"}).json()["total"] == 0


def test_sessions_and_uploads_respect_keys(site: str) -> None:
    boss = httpx.post(site + "/v1/ask", headers=BOSS, json={"question": "Phương án Zebrafin do ai chủ trì?"},
                      timeout=60).json()
    assert "Công an tỉnh" in boss["answer"]
    # another key reusing the session id gets an empty conversation, not the boss's history
    follow = httpx.post(site + "/v1/ask", headers=PUB, json={"question": "kinh phí bao nhiêu?",
                                                             "session_id": boss["session_id"]}, timeout=60).json()
    assert not leaks(follow, "kinh phí bao nhiêu?")
    r = httpx.post(site + "/v1/documents", headers=PUB, data={"groups": "mat"},
                   files={"files": ("x.txt", "Ghi chú mật.".encode())})
    assert r.status_code == 403
