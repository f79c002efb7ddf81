"""A front door for Python programs built on LangChain: `ChidaoRetriever`, a LangChain retriever over a running
chidao server's `POST /v1/search` — its passages as `Document`s with their provenance, search filters and the
API key included. It runs nothing of chidao in the caller's process (no model, no index): only HTTP.

    from assistant.client import ChidaoRetriever
    retriever = ChidaoRetriever(base_url="http://127.0.0.1:8765", api_key="k1", k=5,
                                filters={"type": "Công văn", "date_from": "2023-12-01"})
    docs = retriever.invoke("kiểm soát xung đột lợi ích")   # list[Document], best first
    docs[0].page_content, docs[0].metadata["source"], docs[0].metadata["score"]
"""

from __future__ import annotations

from typing import Any

import httpx
from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class ChidaoError(RuntimeError):
    """The server refused the search: `status` (401 no or wrong key, 400 a bad filter, 503 busy …) and the
    problem detail it gave."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"chidao: HTTP {status}: {detail}")
        self.status = status
        self.detail = detail


class ChidaoRetriever(BaseRetriever):
    """Passages of a chidao server for a query. `base_url` is the server (`…/v1` is accepted too, as OpenAI
    clients write it); `filters` are /v1/search's (`type`, `source`, `doc_id`, `kind`, `date_from`, `date_to`,
    `number`); `api_key` is sent as `Authorization: Bearer …` (a key of the server's CHIDAO_API_KEYS: its
    access groups bound what comes back)."""

    base_url: str = "http://127.0.0.1:8765"
    api_key: str | None = None
    k: int = 10
    filters: dict[str, Any] | None = None
    timeout: float = 60.0

    def _endpoint(self) -> str:
        base = self.base_url.rstrip("/")
        return (base[: -len("/v1")] if base.endswith("/v1") else base) + "/v1/search"

    def _request(self, query: str) -> dict[str, Any]:
        body: dict[str, Any] = {"query": query, "k": self.k}
        if self.filters:
            body["filters"] = self.filters
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return {"url": self._endpoint(), "json": body, "headers": headers, "timeout": self.timeout}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return documents_of(httpx.post(**self._request(query)))

    async def _aget_relevant_documents(self, query: str, *,
                                       run_manager: AsyncCallbackManagerForRetrieverRun) -> list[Document]:
        async with httpx.AsyncClient() as client:
            return documents_of(await client.post(**self._request(query)))


def documents_of(response: httpx.Response) -> list[Document]:
    """A /v1/search response as Documents: the passage's own text (a table row alone, its metadata's row), and
    its provenance (id, doc_id, source, title, section, page, kind, score and the passage's own metadata) in
    `metadata`, with `window`, the text shown between its neighbouring rows or footnotes, when there is one."""
    if response.status_code != 200:
        try:
            detail = str(response.json().get("detail", ""))
        except ValueError:
            detail = response.text[:200]
        raise ChidaoError(response.status_code, detail)
    out = []
    for hit in response.json()["results"]:
        metadata = {**hit.get("metadata", {}),
                    **{k: v for k, v in hit.items() if k not in ("text", "passage_text", "metadata")}}
        if "passage_text" in hit:
            metadata["window"] = hit["text"]
        out.append(Document(page_content=hit.get("passage_text", hit["text"]), metadata=metadata, id=hit["id"]))
    return out
