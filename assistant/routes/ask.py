"""`POST /v1/ask`: an answer with numbered citations, whole or as Server-Sent Events (`meta`, `delta`, then
`done` with the whole answer); follow-ups from `history` or the session (`session_id`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from index.filters import compile_filters

from ..ask import AskService
from ..limits import MAX_CONVERSATION, MAX_QUESTION, MAX_TURN, MAX_TURNS

log = logging.getLogger("chidao.api")
STREAMING: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, "text/event-stream": {}}}}


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN)


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION)
    history: list[Turn] | None = Field(None, max_length=MAX_TURNS)
    session_id: str | None = Field(None, max_length=100)
    filters: dict[str, Any] | None = None
    stream: bool = False  # Server-Sent Events: `delta` events, then one `done` event with the whole answer


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def router(service: AskService) -> APIRouter:
    r = APIRouter()

    @r.post("/v1/ask", response_model=None, responses=STREAMING)
    def ask(req: AskRequest, request: Request) -> dict[str, Any] | StreamingResponse:
        if sum(len(t.content) for t in req.history or []) + len(req.question) > MAX_CONVERSATION:
            raise HTTPException(413, f"the conversation is longer than {MAX_CONVERSATION} characters")
        if any(t.role == "user" and len(t.content) > MAX_QUESTION for t in req.history or []):
            raise HTTPException(400, f"history: an earlier question is longer than {MAX_QUESTION} characters")
        owner: str = request.state.caller
        session_id = service.session(req.session_id)
        history = service.history(session_id, owner, [t.model_dump() for t in req.history] if req.history else None)
        if not req.stream:
            return service.remember(session_id, owner, req.question, service.answer(req.question, history, req.filters))
        compile_filters(req.filters or {})  # a bad filter is a 400 before the stream starts

        def events() -> Iterator[str]:
            yield sse("meta", {"session_id": session_id, "mode": service.mode})
            try:
                for event in service.stream(req.question, history, req.filters):
                    if "delta" in event:
                        yield sse("delta", {"text": event["delta"]})
                    else:
                        body = service.remember(session_id, owner, req.question, event["done"])
                        body["replaced"] = event.get("replaced", False)
                        yield sse("done", body)
            except Exception:  # noqa: BLE001 - the stream is already open: report inside it
                log.exception("stream failed")
                yield sse("error", {"error": "Lỗi máy chủ; xem nhật ký máy chủ (server log)."})

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return r
