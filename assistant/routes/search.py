"""`POST /v1/search`: ranked passages with provenance; a listing question gets every matching task row."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..search import SearchService


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(10, ge=1, le=100)
    filters: dict[str, Any] | None = None


def router(service: SearchService) -> APIRouter:
    r = APIRouter()

    @r.post("/v1/search")
    def search(req: SearchRequest) -> dict[str, Any]:
        return service.search(req.query, req.k, req.filters).as_dict()

    return r
