"""`GET /v1/directives` (filters, sorting, paging) and `GET /v1/directives/{number}` (one record with every
passage that mentions it). Numbers are accepted in any variant: `1887/ubnd-nc`, `2233/QD-UBND`, `CV 1887`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query

from index.filters import iso_date

from ..directives import DirectiveCatalog


def router(catalog: DirectiveCatalog) -> APIRouter:
    r = APIRouter()

    @r.get("/v1/directives")
    def directives(number: str = "", type: str = "", date_from: str = "", date_to: str = "", issuer: str = "",
                   agency: str = "", q: str = "", sort: Literal["date_desc", "date_asc"] = "date_desc",
                   page: int = Query(1, ge=1), page_size: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
        date_from, date_to = (iso_date(d) if d else "" for d in (date_from, date_to))  # bad dates: 400
        return catalog.search(number=number, type=type, date_from=date_from, date_to=date_to, issuer=issuer,
                                   agency=agency, q=q, sort=sort, page=page, page_size=page_size)

    @r.get("/v1/directives/{number:path}")
    def directive(number: str) -> dict[str, Any]:
        rec = catalog.get(number)
        if rec is None:
            raise HTTPException(404, f"không có văn bản số '{number}' trong tài liệu (no such directive)")
        return rec.as_dict(catalog.passages_of(rec))

    return r
