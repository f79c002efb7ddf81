"""The HTTP API (FastAPI). `create_app(settings)` builds the app around one container: the app-wide guards
(host, origin, API keys and their access groups, readiness, load shedding), the error handlers (JSON problem
details, never a traceback), the probes, and one router per feature (assistant/routes/), each given its
service."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.access import as_caller
from index.filters import BadFilter
from index.vectorstore import ModelMismatch

from . import __version__
from .auth import match, parse_keys
from .container import Container
from .limits import MAX_JSON_BODY
from .readiness import public_state, start_check
from .request_guard import allowed_hosts, allowed_origins, host_ok, origin_ok
from .routes import ask, directives, documents, openai, search, web
from .settings import Settings

log = logging.getLogger("chidao.api")


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

    app.include_router(search.router(c.search))
    app.include_router(ask.router(c.ask))
    app.include_router(documents.router(c.documents, c.settings.max_upload_mb))
    app.include_router(directives.router(c.directives))
    app.include_router(openai.router(c.answerer))
    app.include_router(web.router())

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

    return app
