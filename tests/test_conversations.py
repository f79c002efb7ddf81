"""Conversations kept server-side survive a restart; the extractive answer streams as SSE too."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from .conftest import Server, copy_data


def test_session_survives_restart(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    data = copy_data(samples_data, tmp_path_factory, "restart-data")
    srv = Server(data).start()
    try:
        first = httpx.post(srv.base + "/v1/ask", json={"question": "Tổng thu ngân sách nhà nước lũy kế quý I là bao nhiêu?"},
                           timeout=60).json()
        assert "640,5" in first["answer"]
        session = first["session_id"]
    finally:
        srv.stop()
    srv = Server(data).start()
    try:
        follow = httpx.post(srv.base + "/v1/ask", json={"question": "còn chi ngân sách địa phương thì sao?",
                                                        "session_id": session}, timeout=60).json()
        assert follow["session_id"] == session and not follow["abstained"]
        assert "1.020,4" in follow["answer"]
    finally:
        srv.stop()


def test_extractive_answer_streams(server: str) -> None:
    events = []
    with httpx.stream("POST", server + "/v1/ask", json={"question": "Tổng chi ngân sách địa phương lũy kế quý I?",
                                                        "stream": True}, timeout=60) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    assert events[0][0] == "meta" and events[-1][0] == "done"
    done = events[-1][1]
    assert "1.020,4" in done["answer"] and done["session_id"]
    assert "".join(d["text"] for n, d in events if n == "delta") == done["answer"]
    bad = httpx.post(server + "/v1/ask", json={"question": "x", "stream": True, "filters": {"colour": "red"}})
    assert bad.status_code == 400
