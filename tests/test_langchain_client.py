"""The LangChain front door (assistant/client.py): `ChidaoRetriever` against a running server — passages as
Documents with their provenance, search filters passed through, the API key sent and its access groups
holding, refusals as `ChidaoError` with the server's status, sync and async."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.client import ChidaoError, ChidaoRetriever

from .conftest import Server, copy_data

SECRET = ("CÔNG VĂN MẬT\nSố: 4411/UBND-MAT\nV/v kế hoạch Vượnbạc\n\nUBND tỉnh giao Sở Tài chính chủ trì kế hoạch "
          "Vượnbạc với kinh phí 313,13 tỷ đồng.\n")


@pytest.fixture(scope="module")
def site(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(copy_data(samples_data, tmp_path_factory, "langchain-data"),
                 {"CHIDAO_API_KEYS": "pub-key:public; boss-key:public,mat"}).start()
    r = httpx.post(srv.base + "/v1/documents", headers={"Authorization": "Bearer boss-key"}, data={"groups": "mat"},
                   files={"files": ("ke-hoach-mat.txt", SECRET.encode())}, timeout=120)
    assert r.status_code == 200 and r.json()["reports"][0]["status"] == "ingested", r.text
    yield srv.base
    srv.stop()


def test_passages_come_back_as_documents_with_provenance(site: str) -> None:
    retriever = ChidaoRetriever(base_url=site + "/v1", api_key="pub-key", k=3)  # `/v1` as OpenAI clients write it
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("Tổng thu ngân sách nhà nước lũy kế quý I")
    assert 1 <= len(docs) <= 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert "640,5 tỷ đồng" in top.page_content
    md = top.metadata
    assert md["source"].endswith(".txt") and md["doc_id"] and md["kind"] and top.id == md["id"]
    assert [d.metadata["score"] for d in docs] == sorted((d.metadata["score"] for d in docs), reverse=True)
    # the same passages as the HTTP API gives
    raw = httpx.post(site + "/v1/search", headers={"Authorization": "Bearer pub-key"},
                     json={"query": "Tổng thu ngân sách nhà nước lũy kế quý I", "k": 3}).json()["results"]
    assert [d.id for d in docs] == [h["id"] for h in raw]


def test_filters_are_passed_through(site: str) -> None:
    rows = ChidaoRetriever(base_url=site, api_key="pub-key", k=5, filters={"kind": "table_row"}).invoke(
        "Sở Nội vụ chủ trì nhiệm vụ")
    assert rows and all(d.metadata["kind"] == "table_row" for d in rows)
    # a row's Document is the row alone (its metadata's row); the text shown between its neighbours is `window`
    plain = ChidaoRetriever(base_url=site, api_key="pub-key", k=5, filters={"kind": "table_row"}).invoke(
        "rà soát, cắt giảm thủ tục hành chính")
    windowed = [d for d in plain if "window" in d.metadata]
    assert windowed
    for d in windowed:  # the row's own line is the Document's last; the window holds it and a neighbour's line
        lines, own = d.metadata["window"].split("\n"), d.page_content.rsplit("\n", 1)[1]
        assert own in lines and len(lines) > d.page_content.count("\n") + 1
    none = ChidaoRetriever(base_url=site, api_key="pub-key", filters={"type": "Nghị định"}).invoke("ngân sách")
    assert none == []
    with pytest.raises(ChidaoError) as bad:
        ChidaoRetriever(base_url=site, api_key="pub-key", filters={"colour": "red"}).invoke("ngân sách")
    assert bad.value.status == 400 and "colour" in bad.value.detail


def test_the_key_is_sent_and_its_groups_hold(site: str) -> None:
    with pytest.raises(ChidaoError) as missing:
        ChidaoRetriever(base_url=site).invoke("ngân sách")
    assert missing.value.status == 401
    query = "kinh phí kế hoạch Vượnbạc"
    boss = ChidaoRetriever(base_url=site, api_key="boss-key", k=3).invoke(query)
    assert "313,13 tỷ đồng" in boss[0].page_content and boss[0].metadata["groups"] == ["mat"]
    public = ChidaoRetriever(base_url=site, api_key="pub-key", k=20).invoke(query)
    assert not any("Vượnbạc" in d.page_content for d in public)


def test_async(site: str) -> None:
    docs = asyncio.run(ChidaoRetriever(base_url=site, api_key="pub-key", k=2).ainvoke("Công văn 512/UBND-KT"))
    assert docs and "512/UBND-KT" in docs[0].page_content
