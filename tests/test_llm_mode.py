"""LLM mode against a scripted OpenAI-protocol server over real HTTP: a grounded answer passes; an altered
figure and a citation of the wrong source are caught and replaced by the extractive answer — also when
streaming, where no unchecked sentence is ever sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import Server, copy_data
from .fake_openai import FakeOpenAI

GOOD = "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt 640,5 tỷ đồng, đạt 24,3% dự toán [{src:640,5}]."
ALTERED = "Tổng chi ngân sách địa phương lũy kế quý I ước đạt 1.025,4 tỷ đồng, đạt 19,7% dự toán [{src:1.020,4}]."
WRONG_SOURCE = "Tổng diện tích gieo trồng vụ Xuân toàn tỉnh đạt 4.215,3 ha, bằng 35,2% kế hoạch [{notsrc:4.215,3}]."
SCRIPT = [
    ("tiếp theo", "Tổng chi ngân sách địa phương lũy kế quý I ước đạt bao nhiêu?"),
    ("Tổng thu ngân sách", GOOD),
    ("chi ngân sách địa phương", ALTERED),
    ("gieo trồng vụ Xuân", WRONG_SOURCE),
]


@pytest.fixture(scope="module")
def llm(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeOpenAI]]:
    with FakeOpenAI(SCRIPT) as fake:
        srv = Server(copy_data(samples_data, tmp_path_factory, "llm-data"),
                     {"CHIDAO_LLM_BASE_URL": fake.base_url, "CHIDAO_LLM_MODEL": "scripted",
                      "CHIDAO_LLM_API_KEY": "test"}).start()
        yield srv.base, fake
        srv.stop()


def ask(base: str, question: str, **extra: object) -> dict:  # type: ignore[type-arg]
    r = httpx.post(base + "/v1/ask", json={"question": question, **extra}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def sse(base: str, question: str) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    events = []
    with httpx.stream("POST", base + "/v1/ask", json={"question": question, "stream": True}, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    return events


def test_grounded_answer_passes(llm) -> None:  # type: ignore[no-untyped-def]
    base, fake = llm
    a = ask(base, "Tổng thu ngân sách nhà nước lũy kế quý I là bao nhiêu?")
    assert a["mode"] == "llm" and a["grounding"]["ok"] and not a["abstained"]
    assert "640,5 tỷ đồng" in a["answer"]
    marks = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", a["answer"])}
    assert marks == {c["n"] for c in a["citations"]}
    assert all("640,5" in c["text"] for c in a["citations"])
    system = fake.requests[-1]["messages"][0]["content"]
    assert "Chỉ trả lời dựa trên các nguồn" in system  # prompts/system_vi.txt


def test_altered_figure_is_caught(llm) -> None:  # type: ignore[no-untyped-def]
    a = ask(llm[0], "Tổng chi ngân sách địa phương lũy kế quý I là bao nhiêu?")
    assert a["grounding"]["ok"] is False and any("1.025,4" in p for p in a["grounding"]["problems"])
    assert a["mode"] == "extractive" and "1.025,4" not in a["answer"] and "1.020,4" in a["answer"]


def test_wrong_source_is_caught(llm) -> None:  # type: ignore[no-untyped-def]
    a = ask(llm[0], "Diện tích gieo trồng vụ Xuân toàn tỉnh đạt bao nhiêu?")
    assert a["grounding"]["ok"] is False
    assert any("4.215,3" in p for p in a["grounding"]["problems"])
    assert "4.215,3" in a["answer"] and a["citations"] and "4.215,3" in a["citations"][0]["text"]


def test_stream_sends_checked_sentences(llm) -> None:  # type: ignore[no-untyped-def]
    events = sse(llm[0], "Tổng thu ngân sách nhà nước lũy kế quý I là bao nhiêu?")
    names = [n for n, _ in events]
    assert names[0] == "meta" and names[-1] == "done" and "delta" in names
    done = events[-1][1]
    assert done["replaced"] is False and done["mode"] == "llm"
    assert "".join(d["text"] for n, d in events if n == "delta").strip() == done["answer"]


def test_stream_never_shows_an_altered_figure(llm) -> None:  # type: ignore[no-untyped-def]
    events = sse(llm[0], "Tổng chi ngân sách địa phương lũy kế quý I là bao nhiêu?")
    assert not any("1.025,4" in d.get("text", "") for n, d in events if n == "delta")
    done = events[-1][1]
    assert events[-1][0] == "done" and done["replaced"] is True and "1.020,4" in done["answer"]


def test_follow_up_is_rewritten_by_the_model(llm) -> None:  # type: ignore[no-untyped-def]
    base, fake = llm
    a = ask(base, "còn chi ngân sách địa phương thì sao?",
            history=[{"role": "user", "content": "Tổng thu ngân sách nhà nước lũy kế quý I là bao nhiêu?"}])
    assert any("Câu hỏi tiếp theo" in r["messages"][-1]["content"] for r in fake.requests)
    assert a["query"] == "Tổng chi ngân sách địa phương lũy kế quý I ước đạt bao nhiêu?"
    assert "1.020,4" in a["answer"]  # the scripted answer alters it: the checked extractive one stands
