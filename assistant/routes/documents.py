"""`GET /v1/documents` (the caller's documents), `GET /v1/documents/{id}` (with its coverage ledger),
`GET /v1/documents/{id}/passages`, `POST /v1/documents` (upload: a report per file; 413 too large, 415
unsupported, 403 a group the key lacks, 409 a document of that name the key may not write) and
`DELETE /v1/documents/{id}`."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from starlette.concurrency import run_in_threadpool

from index.access import caller_groups
from ingest.loaders import content_type_problem

from ..documents import DocumentService

_GROUP_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def router(service: DocumentService, max_upload_mb: int) -> APIRouter:
    r = APIRouter()

    def visible_document(doc_id: str) -> dict[str, Any]:
        doc = service.get(doc_id)
        if doc is None:  # a document outside the caller's groups does not exist for them
            raise HTTPException(404, f"unknown document id '{doc_id}'")
        return doc

    @r.get("/v1/documents")
    def documents() -> dict[str, Any]:
        return {"documents": service.documents()}

    @r.get("/v1/documents/{doc_id}")
    def document(doc_id: str) -> dict[str, Any]:
        return service.with_coverage(visible_document(doc_id))

    @r.get("/v1/documents/{doc_id}/passages")
    def passages(doc_id: str) -> dict[str, Any]:
        visible_document(doc_id)
        return {"doc_id": doc_id, "passages": service.passages(doc_id)}

    @r.post("/v1/documents")
    async def upload(files: list[UploadFile] = File(...), groups: str = Form("")) -> dict[str, Any]:
        """Each file becomes the document of its name *for the caller's access scope* (ingest/ids.py): keys
        of different group sets never share a document id, so an upload can neither replace nor reveal a
        document the caller cannot read."""
        limit = max_upload_mb * 1024 * 1024
        wanted = sorted({g.strip() for g in groups.split(",") if g.strip()}) or ["public"]
        bad = [g for g in wanted if not _GROUP_NAME.fullmatch(g)]
        if bad:
            raise HTTPException(400, f"bad group name(s): {', '.join(repr(g[:40]) for g in bad)}")
        allowed = caller_groups()
        if allowed is not None and not set(wanted) <= allowed:
            raise HTTPException(403, f"your key may not write documents of group(s) {', '.join(sorted(set(wanted) - allowed))}")
        reports = []
        for f in files:
            data = await f.read(limit + 1)
            name = f.filename or "upload"
            if len(data) > limit:
                raise HTTPException(413, f"'{name}' is larger than {max_upload_mb} MB")
            problem = content_type_problem(name, data)
            if problem and len(files) == 1:  # a batch reports it per file instead
                raise HTTPException(415, problem)
            report = await run_in_threadpool(service.ingest, name, data, wanted, allowed)
            if report.code == "conflict" and len(files) == 1:
                raise HTTPException(409, report.reason)
            reports.append(report.as_dict())
        return {"reports": reports}

    @r.delete("/v1/documents/{doc_id}")
    def delete(doc_id: str) -> dict[str, Any]:
        doc = visible_document(doc_id)
        if not service.may_delete(doc):
            raise HTTPException(403, "this document belongs to access groups your key may not write")
        return {"doc_id": doc_id, "deleted_passages": service.delete(doc_id)}

    return r
