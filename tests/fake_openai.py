"""A scripted OpenAI-compatible chat server for tests (the LLM endpoint cannot run here): real HTTP on
loopback, `POST /v1/chat/completions` with and without `stream`, answers chosen by a keyword of the last
user message. A script's text may cite by content: `{src:640,5}` becomes the number of the source block
that contains "640,5", `{notsrc:640,5}` the number of one that does not (to script a wrong citation)."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _sources(prompt: str) -> dict[int, str]:
    blocks = re.split(r"\n(?=\[\d+\] )", "\n" + prompt)
    out = {}
    for b in blocks:
        m = re.match(r"\[(\d+)\] ", b)
        if m:
            out[int(m.group(1))] = b
    return out


def render(template: str, prompt: str) -> str:
    sources = _sources(prompt)

    def src(m: re.Match[str]) -> str:
        want, needle = m.group(1), m.group(2)
        for n, text in sources.items():
            if (needle in text) == (want == "src"):
                return str(n)
        return "9"

    return re.sub(r"\{(src|notsrc):([^}]+)\}", src, template)


class FakeOpenAI:
    def __init__(self, script: list[tuple[str, str]], default: str = "Không tìm thấy thông tin trong tài liệu.") -> None:
        self.script = script
        self.default = default
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append(body)
                if not self.path.endswith("/chat/completions"):
                    self.send_response(404)
                    self.end_headers()
                    return
                prompt = body["messages"][-1]["content"]
                if isinstance(prompt, list):
                    prompt = " ".join(p.get("text", "") for p in prompt)
                text = fake.reply(prompt)
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for piece in re.findall(r"\S+\s*", text):
                        self._chunk({"content": piece})
                    self._chunk({}, finish="stop")
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                    return
                payload = {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "scripted"),
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> None:
                chunk = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
                         "model": "scripted", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                self.wfile.flush()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def reply(self, prompt: str) -> str:
        question = prompt.rsplit("Câu hỏi", 1)[-1]
        for keyword, template in self.script:
            if keyword in question:
                return render(template, prompt)
        return self.default

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
