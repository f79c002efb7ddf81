"""Issue 12 row 5: existence oracles. A `public` key runs the same probes — questions with the secret word and
number and their near misses, searches, listings naming the restricted agency and an invented one, the
directive catalog, a guessed passage uploaded, /readyz — against a server holding the `mat` documents and one
without them. Every response must be identical, but for what is inherently per request (session ids, chat
ids and times, ingest times): answers, confidence, listings and upload reports are computed only over what
the caller may read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..conftest import copy_data
from .conftest import PUB, SECRET_CV, SECRET_TABLE, keyed_server

PER_REQUEST = {"session_id", "ingested_at", "id", "created"}  # `id` only at the top of a chat completion

QUESTIONS = [
    "Kinh phí phương án Zebrafin là bao nhiêu?", "Kinh phí phương án Zebrafon là bao nhiêu?",
    "Kinh phi phuong an zebrafin la bao nhieu?", "Kho Quýtxanh được bảo vệ với kinh phí bao nhiêu?",
    "kho quytxanh", "Công văn 999/UBND-MAT giao ai chủ trì?", "Công văn 998/UBND-MAT giao ai chủ trì?",
    "777,77 tỷ đồng là kinh phí của phương án nào?", "777,78 tỷ đồng là kinh phí của phương án nào?",
    "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?", "CV 999 nói gì?",
    "Ban Bảo vệ kho Quýtxanh chủ trì những nhiệm vụ nào?", "Ban Bảo vệ kho Camxanh chủ trì những nhiệm vụ nào?",
    "Công an tỉnh phối hợp những nhiệm vụ nào?", "Sở Nội vụ chủ trì những nhiệm vụ nào?",
    "What is the budget of the Zebrafin plan?",
]


def probes() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for q in QUESTIONS:
        yield "POST", "/v1/ask", {"json": {"question": q}}
        yield "POST", "/v1/search", {"json": {"query": q, "k": 20}}
        yield "POST", "/v1/search", {"json": {"query": q, "k": 5, "filters": {"date_from": "2025-03-01"}}}
    yield "POST", "/v1/ask", {"json": {"question": "còn kinh phí thì sao?", "history": [
        {"role": "user", "content": "Phương án Zebrafin do ai chủ trì?"}]}}
    yield "POST", "/v1/chat/completions", {"json": {"model": "chidao", "messages": [
        {"role": "user", "content": "Kinh phí phương án Zebrafin là bao nhiêu?"}]}}
    for params in ({"number": "999"}, {"number": "999/UBND-MAT"}, {"agency": "Ban Bảo vệ kho"}, {"q": "Zebrafin"},
                   {"page_size": 200}):
        yield "GET", "/v1/directives", {"params": params}
    for path in ("/v1/directives/999/UBND-MAT", "/v1/directives/998/UBND-MAT", "/v1/documents", "/readyz"):
        yield "GET", path, {}
    for name, text in (("doan-mat.txt", SECRET_CV), ("phu-luc-doan.txt", SECRET_TABLE)):  # a guessed passage
        yield "POST", "/v1/documents", {"files": {"files": (name, text.encode())}}
    for q in QUESTIONS[:4] + QUESTIONS[11:13]:  # the guessed text is now the caller's own document
        yield "POST", "/v1/ask", {"json": {"question": q}}
    yield "GET", "/v1/documents", {}


def normalised(body: Any, top: bool = True) -> Any:
    if isinstance(body, dict):
        return {k: normalised(v, False) for k, v in body.items()
                if k not in PER_REQUEST or (k == "id" and not top) or (k == "id" and "choices" not in body)}
    if isinstance(body, list):
        return [normalised(v, False) for v in body]
    return body


@pytest.fixture(scope="module")
def twins(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with_mat = keyed_server(copy_data(samples_data, tmp_path_factory, "oracle-with"), with_secret=True)
    without = keyed_server(copy_data(samples_data, tmp_path_factory, "oracle-without"), with_secret=False)
    yield with_mat.base, without.base
    with_mat.stop()
    without.stop()


def test_a_public_key_cannot_tell_whether_restricted_documents_exist(twins: tuple[str, str]) -> None:
    differences = []
    n = 0
    for method, path, kw in probes():
        got = []
        for base in twins:
            r = httpx.request(method, base + path, headers=PUB, timeout=300, **kw)
            got.append((r.status_code, normalised(r.json())))
        n += 1
        if got[0] != got[1]:
            a, b = (json.dumps(g, ensure_ascii=False, sort_keys=True) for g in got)
            at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            differences.append(f"{method} {path} {kw.get('json') or kw.get('params') or ''}: "
                               f"with …{a[max(0, at - 80):at + 80]}… without …{b[max(0, at - 80):at + 80]}…")
    assert n > 60
    assert not differences, f"{len(differences)} of {n} probes differ:\n" + "\n".join(differences[:8])


def test_readyz_says_state_not_size(twins: tuple[str, str]) -> None:
    body = httpx.get(twins[0] + "/readyz").json()
    assert set(body) <= {"state", "ready", "message"} and body["ready"] is True
    assert not any(ch.isdigit() for ch in json.dumps(body))
