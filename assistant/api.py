"""The HTTP API (FastAPI). `create_app(settings)` builds the app around one container."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.access import as_caller, caller_groups, visible
from index.filters import BadFilter, compile_filters
from index.vectorstore import ModelMismatch
from ingest.loaders import content_type_problem

from . import __version__
from .auth import match, parse_keys
from .container import Container
from .ingestion import may_write
from .limits import HISTORY_USED, MAX_CONVERSATION, MAX_JSON_BODY, MAX_QUESTION, MAX_TURN, MAX_TURNS
from .openai_compat import router as openai_router
from .readiness import public_state, start_check
from .request_guard import allowed_hosts, allowed_origins, host_ok, origin_ok
from .routes_directives import router as directives_router
from .settings import Settings
from .types import Answer
from .web import router as web_router

log = logging.getLogger("chidao.api")


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(10, ge=1, le=100)
    filters: dict[str, Any] | None = None


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN)


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    history: list[Turn] | None = Field(None, max_length=MAX_TURNS)
    session_id: str | None = Field(None, max_length=100)
    filters: dict[str, Any] | None = None
    stream: bool = False  # Server-Sent Events: `delta` events, then one `done` event with the whole answer


_GROUP_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_STREAMING: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, "text/event-stream": {}}}}


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    return JSONResponse({"type": "about:blank", "title": title, "status": status, "detail": detail,
                         "error": detail}, status_code=status, media_type="application/problem+json")


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    c = container or Container(settings)
    app = FastAPI(title="chidao", version=__version__,
                  description="Tìm kiếm và hỏi đáp văn bản chỉ đạo, điều hành (Vietnamese directive search).")
    app.state.container = c
    app.state.readiness = {"state": "not_checked", "ready": True}

    @app.on_event("startup")
    def check_index() -> None:
        if c.settings.ready_check:
            start_check(app.state.readiness, c.settings)
    keys = parse_keys(c.settings.api_keys)  # a malformed spec raises: the server does not start
    hosts = allowed_hosts(c.settings)
    origins = allowed_origins(c.settings)

    @app.middleware("http")
    async def require_key(request: Request, call_next: Any) -> Any:
        """A Host the server does not answer to is refused (DNS rebinding); a state-changing request from a
        foreign web page is refused (CSRF). With CHIDAO_API_KEYS set, every /v1 route needs `Authorization:
        Bearer <key>` (the pages are public; their calls send the key the user entered). The key's access
        groups hold for the whole request."""
        host = request.headers.get("host", "")
        if request.url.path not in ("/healthz", "/readyz") and not host_ok(host, hosts):
            return _problem(421, "misdirected request", "This server does not answer to that host name "
                            "(CHIDAO_ALLOWED_HOSTS).")
        if not origin_ok(request.method, request.headers.get("origin"), request.headers.get("sec-fetch-site"),
                         host, origins):
            return _problem(403, "forbidden origin", "Requests that change data are accepted only from this "
                            "server's own pages or a configured origin (CHIDAO_ALLOWED_ORIGINS).")
        size = request.headers.get("content-length", "")
        if size.isdigit() and int(size) > MAX_JSON_BODY and \
                not request.headers.get("content-type", "").startswith("multipart/"):
            return _problem(413, "too large", f"request body over {MAX_JSON_BODY // 1024} KB")
        request.state.caller = "local"
        groups: frozenset[str] | None = None
        if keys and request.url.path.startswith("/v1"):
            ok, groups, caller = match(keys, request.headers.get("authorization", ""))
            if not ok:
                resp = _problem(401, "unauthorized", "Thiếu hoặc sai khóa API (missing or wrong API key).")
                resp.headers["WWW-Authenticate"] = "Bearer"
                return resp
            request.state.caller = caller
        if request.url.path.startswith("/v1") and app.state.readiness.get("state") == "checking":
            resp = _problem(503, "starting", "Đang kiểm tra chỉ mục khi khởi động (checking the index at start).")
            resp.headers["Retry-After"] = "2"
            return resp
        with as_caller(groups):
            return await call_next(request)

    limiter = asyncio.Semaphore(c.settings.max_inflight)

    @app.middleware("http")
    async def shed_load(request: Request, call_next: Any) -> Any:
        """Beyond capacity a request gets 503 + Retry-After at once, not a timeout (pages and probes pass)."""
        if not request.url.path.startswith("/v1"):
            return await call_next(request)
        try:
            await asyncio.wait_for(limiter.acquire(), timeout=c.settings.queue_wait_s)
        except TimeoutError:
            resp = _problem(503, "overloaded", "Máy chủ đang quá tải, vui lòng thử lại (server busy, retry).")
            resp.headers["Retry-After"] = "1"
            return resp
        try:
            return await call_next(request)
        finally:
            limiter.release()

    app.include_router(directives_router(c))
    app.include_router(openai_router(c))
    app.include_router(web_router(c))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _problem(exc.status_code, "error", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        msgs = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _problem(400, "bad request", msgs)

    @app.exception_handler(BadFilter)
    async def bad_filter(_: Request, exc: BadFilter) -> JSONResponse:
        return _problem(400, "bad filter", str(exc))

    @app.exception_handler(ModelMismatch)
    async def mismatch(_: Request, exc: ModelMismatch) -> JSONResponse:
        return _problem(409, "embedding model mismatch", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return _problem(500, "internal error", "Lỗi máy chủ; xem nhật ký máy chủ (server log).")

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        """Unauthenticated: the state only, never a count of what the index holds."""
        state = public_state(app.state.readiness)
        return JSONResponse(state, status_code=200 if state.get("ready") else 503)

    @app.post("/v1/search")
    def search(req: SearchRequest) -> dict[str, Any]:
        return c.search.search(req.query, req.k, req.filters).as_dict()

    @app.post("/v1/ask", response_model=None, responses=_STREAMING)
    def ask(req: AskRequest, request: Request) -> dict[str, Any] | StreamingResponse:
        if sum(len(t.content) for t in req.history or []) + len(req.question) > MAX_CONVERSATION:
            raise HTTPException(413, f"the conversation is longer than {MAX_CONVERSATION} characters")
        if any(t.role == "user" and len(t.content) > MAX_QUESTION for t in req.history or []):
            raise HTTPException(400, f"history: an earlier question is longer than {MAX_QUESTION} characters")
        owner = request.state.caller
        session_id = req.session_id or c.conversations.new_id()
        turns = [t.model_dump() for t in req.history] if req.history else c.conversations.history(session_id, owner)
        history = [t["content"] for t in turns if t["role"] == "user"][-HISTORY_USED:]  # a follow-up's context

        def remember(answer: Answer) -> dict[str, Any]:
            c.conversations.append(session_id, "user", req.question, owner=owner)
            c.conversations.append(session_id, "assistant", answer.answer, {"query": answer.query}, owner=owner)
            body = answer.as_dict()
            body["session_id"] = session_id
            return body

        if not req.stream:
            return remember(c.answerer.answer(req.question, history, req.filters))
        compile_filters(req.filters or {})  # a bad filter is a 400 before the stream starts

        def events() -> Iterator[str]:
            yield _sse("meta", {"session_id": session_id, "mode": getattr(c.answerer, "mode", "extractive")})
            try:
                for event in c.stream_answer(req.question, history, req.filters):
                    if "delta" in event:
                        yield _sse("delta", {"text": event["delta"]})
                    else:
                        body = remember(event["done"])
                        body["replaced"] = event.get("replaced", False)
                        yield _sse("done", body)
            except Exception:  # noqa: BLE001 - the stream is already open: report inside it
                log.exception("stream failed")
                yield _sse("error", {"error": "Lỗi máy chủ; xem nhật ký máy chủ (server log)."})

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    def visible_document(doc_id: str) -> dict[str, Any]:
        doc = c.catalog.document(doc_id)
        if doc is None or not visible(doc):  # a document outside the caller's groups does not exist for them
            raise HTTPException(404, f"unknown document id '{doc_id}'")
        return doc

    @app.get("/v1/documents")
    def documents() -> dict[str, Any]:
        return {"documents": [d for d in c.catalog.documents() if visible(d)]}

    @app.get("/v1/documents/{doc_id}")
    def document(doc_id: str) -> dict[str, Any]:
        doc = visible_document(doc_id)
        # the whole coverage ledger: characters read and kept, every dropped line with its reason
        return {**doc, "coverage": c.catalog.coverage(doc_id) or doc.get("coverage")}

    @app.get("/v1/documents/{doc_id}/passages")
    def passages(doc_id: str) -> dict[str, Any]:
        visible_document(doc_id)
        return {"doc_id": doc_id, "passages": [
            {"id": p.id, "position": p.position, "kind": p.kind, "text": p.text, "metadata": p.metadata}
            for p in c.catalog.passages(doc_id)]}

    @app.post("/v1/documents")
    async def upload(files: list[UploadFile] = File(...), groups: str = Form("")) -> dict[str, Any]:
        """Each file becomes the document of its name *for the caller's access scope* (ingest/ids.py): keys
        of different group sets never share a document id, so an upload can neither replace nor reveal a
        document the caller cannot read."""
        limit = c.settings.max_upload_mb * 1024 * 1024
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
                raise HTTPException(413, f"'{name}' is larger than {c.settings.max_upload_mb} MB")
            problem = content_type_problem(name, data)
            if problem and len(files) == 1:  # a batch reports it per file instead
                raise HTTPException(415, problem)
            report = await run_in_threadpool(c.ingestor.ingest_bytes, name, data, wanted, allowed)
            if report.code == "conflict" and len(files) == 1:
                raise HTTPException(409, report.reason)
            reports.append(report.as_dict())
        return {"reports": reports}

    @app.delete("/v1/documents/{doc_id}")
    def delete(doc_id: str) -> dict[str, Any]:
        doc = visible_document(doc_id)
        if not may_write(doc, caller_groups()):
            raise HTTPException(403, "this document belongs to access groups your key may not write")
        return {"doc_id": doc_id, "deleted_passages": c.ingestor.delete(doc_id)}

    return app
