"""`POST /v1/chat/completions` and `GET /v1/models`, OpenAI-compatible, so existing OpenAI clients and chat
front-ends work unchanged. The last user message is the question, earlier user messages the conversation.
Citations come back twice: as numbered source lines at the end of the message content, and in the extra
field `citations` (a list of chidao citations) of the completion — and of the last chunk when streaming."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ..limits import HISTORY_USED, MAX_CONVERSATION, MAX_QUESTION, MAX_TURN, MAX_TURNS
from ..types import Answer, Answerer

MODEL = "chidao"


class Message(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(p["text"] for p in self.content if isinstance(p, dict) and isinstance(p.get("text"), str))
        return self.content or ""


def _checked(messages: list[Message]) -> tuple[str, list[str]]:
    """(question, earlier user messages) within the limits of /v1/ask; HTTP 400/413 beyond them."""
    texts = [m.text() for m in messages]
    for i, t in enumerate(texts):
        if len(t) > MAX_TURN:
            raise HTTPException(400, f"messages[{i}]: longer than {MAX_TURN} characters")
    if sum(map(len, texts)) > MAX_CONVERSATION:
        raise HTTPException(413, f"the conversation is longer than {MAX_CONVERSATION} characters")
    users = [t for m, t in zip(messages, texts) if m.role == "user" and t.strip()]
    if not users:
        raise HTTPException(400, "messages: no user message with text")
    if len(users[-1]) > MAX_QUESTION:
        raise HTTPException(400, f"the last user message (the question) is longer than {MAX_QUESTION} characters")
    if any(len(u) > MAX_QUESTION for u in users):
        raise HTTPException(400, f"an earlier user message (a question) is longer than {MAX_QUESTION} characters")
    return users[-1], users[:-1][-HISTORY_USED:]


class ChatRequest(BaseModel):
    model: str = MODEL
    messages: list[Message] = Field(min_length=1, max_length=MAX_TURNS + 10)  # turns, system prompts
    stream: bool = False
    temperature: float | None = None
    max_tokens: int | None = None
    user: str | None = None


def sources_block(answer: Answer) -> str:
    items = answer.citations or answer.related
    if not items:
        return ""
    head = "Nguồn:" if answer.citations else "Có thể liên quan:"
    return "\n\n" + head + "\n" + "\n".join(f"[{c.n}] {c.label}" for c in items)


def _extra(answer: Answer) -> dict[str, Any]:
    return {"citations": [c.as_dict() for c in answer.citations], "related": [c.as_dict() for c in answer.related],
            "abstained": answer.abstained, "grounding": answer.grounding, "mode": answer.mode}


def router(answerer: Answerer) -> APIRouter:
    r = APIRouter()

    @r.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "chidao"}]}

    @r.post("/v1/chat/completions", response_model=None,
            responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}})
    def completions(req: ChatRequest) -> dict[str, Any] | StreamingResponse:
        question, history = _checked(req.messages)
        cid = "chatcmpl-" + uuid.uuid4().hex[:24]
        created = int(time.time())
        if not req.stream:
            answer = answerer.answer(question, history)
            content = answer.answer + sources_block(answer)
            return {
                "id": cid, "object": "chat.completion", "created": created, "model": MODEL,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                **_extra(answer),
            }

        def chunk(delta: dict[str, Any], finish: str | None = None, extra: dict[str, Any] | None = None) -> str:
            body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **(extra or {})}
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

        def events() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            sent = ""
            for event in answerer.stream(question, history):
                if "delta" in event:
                    sent += event["delta"]
                    yield chunk({"content": event["delta"]})
                    continue
                answer = event["done"]
                if event.get("replaced") or not answer.answer.startswith(sent):
                    # the checked answer differs from what streamed: say so and give it whole
                    yield chunk({"content": "\n\n" + answer.answer})
                elif len(answer.answer) > len(sent):
                    yield chunk({"content": answer.answer[len(sent):]})
                yield chunk({"content": sources_block(answer)})
                yield chunk({}, "stop", _extra(answer))
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    return r
