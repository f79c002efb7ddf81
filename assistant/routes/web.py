"""The pages, served by the app itself from `assistant/web/` (hand-written HTML, CSS and JS; no build step,
no CDN): the chat at `/`, the directive catalog at `/directives`, the admin view at `/admin`, and a
document reader at `/doc/{doc_id}`. The pages are public; the data they fetch goes through /v1 (and its key)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

WEB = Path(__file__).resolve().parent.parent / "web"
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
          ".html": "text/html; charset=utf-8", ".png": "image/png"}


def _page(name: str) -> FileResponse:
    return FileResponse(WEB / name, media_type=_TYPES[".html"], headers={"Cache-Control": "no-cache"})


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    def chat() -> FileResponse:
        return _page("index.html")

    @r.get("/directives")
    def directives() -> FileResponse:
        return _page("directives.html")

    @r.get("/admin")
    def admin() -> FileResponse:
        return _page("admin.html")

    @r.get("/doc/{doc_id}")
    def document(doc_id: str) -> FileResponse:
        return _page("doc.html")

    @r.get("/static/{name}")
    def static(name: str) -> FileResponse:
        path = (WEB / name).resolve()
        if path.parent != WEB or not path.is_file() or path.suffix not in _TYPES:
            raise HTTPException(404, "not found")
        return FileResponse(path, media_type=_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})

    return r
