"""Issue 12 rows 6 and 7: every text a request carries is capped (chat completions as /v1/ask: 400 for one
text too long, 413 for too much in all, at once), and a huge line becomes passages of bounded size, so search
and ask responses and the answerer's work stay bounded; a file that would make too many passages is refused
before anything is embedded."""

from __future__ import annotations

import json
import re
import time

import httpx

from ingest.chunker import MAX_CHARS

from ..conftest import Server


def chat(base: str, messages: list[dict], timeout: float = 30) -> httpx.Response:  # type: ignore[type-arg]
    return httpx.post(base + "/v1/chat/completions", json={"model": "chidao", "messages": messages}, timeout=timeout)


def test_chat_completions_are_capped(open_site: Server) -> None:
    base = open_site.base
    t0 = time.perf_counter()
    huge = chat(base, [{"role": "user", "content": "ngân sách " * 20000}])  # 200 KB in one message
    assert huge.status_code == 400 and huge.headers["content-type"].startswith("application/problem+json")
    earlier = chat(base, [{"role": "user", "content": "x " * 5000}, {"role": "user", "content": "Tổng thu?"}])
    assert earlier.status_code == 400 and "messages[0]" in earlier.json()["detail"]
    parts = chat(base, [{"role": "user", "content": [{"type": "text", "text": "a " * 5000}]}])
    assert parts.status_code == 400
    question = chat(base, [{"role": "user", "content": "Tổng thu ngân sách? " * 120}])
    assert question.status_code == 400 and "question" in question.json()["detail"]
    total = chat(base, [{"role": "user", "content": "b " * 3990}] * 9 + [{"role": "user", "content": "Tổng thu?"}])
    assert total.status_code == 413
    many = chat(base, [{"role": "user", "content": "c"}] * 70)
    assert many.status_code == 400
    body = httpx.post(base + "/v1/chat/completions", content=json.dumps({"model": "chidao", "messages": [
        {"role": "user", "content": "d" * 2_000_000}]}), headers={"content-type": "application/json"}, timeout=30)
    assert body.status_code == 413
    assert time.perf_counter() - t0 < 20  # refused before any work
    fine = chat(base, [{"role": "system", "content": "Trả lời ngắn."},
                       {"role": "user", "content": "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?"}], 120)
    assert fine.status_code == 200 and "640,5" in fine.json()["choices"][0]["message"]["content"]


def test_ask_history_is_capped(open_site: Server) -> None:
    base = open_site.base
    turns = [{"role": "user", "content": "hỏi"}] * 51
    assert httpx.post(base + "/v1/ask", json={"question": "Tổng thu?", "history": turns}).status_code == 400
    long_turns = [{"role": "user", "content": "e " * 3999}] * 9
    assert httpx.post(base + "/v1/ask", json={"question": "Tổng thu?", "history": long_turns}).status_code == 413
    # an earlier question is a question: ≤ 2000 characters, on both routes
    earlier = [{"role": "user", "content": "0" * 2001}]
    assert httpx.post(base + "/v1/ask", json={"question": "Tổng thu?", "history": earlier}).status_code == 400
    assert chat(base, [*earlier, {"role": "user", "content": "Tổng thu?"}]).status_code == 400
    # the worst history allowed (digit runs are what text scanners backtrack on) is answered in bounded time
    t0 = time.perf_counter()
    worst = [{"role": "user", "content": "0" * 2000}, {"role": "assistant", "content": "0" * 7000}] * 4
    r = httpx.post(base + "/v1/ask", json={"question": "Tổng thu ngân sách quý I?", "history": worst}, timeout=120)
    assert r.status_code == 200 and time.perf_counter() - t0 < 30


def one_line(n_words: int) -> str:
    """One line, no sentence end: words, a run without spaces, more words."""
    words = " ".join(f"chỉtiêu{i}" for i in range(n_words))
    return f"{words} {'9' * 3000} {words}"


def test_a_huge_line_is_many_bounded_passages(open_site: Server) -> None:
    base = open_site.base
    text = one_line(900)  # ≈ 24 KB on one line
    r = httpx.post(base + "/v1/documents", files={"files": ("mot-dong.txt", text.encode())}, timeout=600)
    rep = r.json()["reports"][0]
    assert rep["status"] == "ingested" and rep["passages"] > 20, rep
    passages = httpx.get(base + f"/v1/documents/{rep['doc_id']}/passages").json()["passages"]
    assert max(len(p["text"]) for p in passages) <= MAX_CHARS + 20
    assert re.sub(r"\s", "", "".join(p["text"] for p in passages)) == re.sub(r"\s", "", text)  # every character kept
    s = httpx.post(base + "/v1/search", json={"query": "chỉtiêu77 chỉtiêu78", "k": 3}, timeout=60)
    assert s.status_code == 200 and len(s.content) < 60_000
    t0 = time.perf_counter()
    a = httpx.post(base + "/v1/ask", json={"question": "chỉtiêu77 là bao nhiêu?"}, timeout=120)
    assert a.status_code == 200 and len(a.content) < 60_000 and time.perf_counter() - t0 < 30
    assert httpx.delete(base + f"/v1/documents/{rep['doc_id']}").status_code == 200


def test_too_many_passages_is_refused_before_embedding(open_site: Server) -> None:
    t0 = time.perf_counter()
    r = httpx.post(open_site.base + "/v1/documents", files={"files": ("qua-lon.txt", one_line(3000).encode())},
                   timeout=600)
    rep = r.json()["reports"][0]
    assert rep["status"] == "failed" and "CHIDAO_MAX_PASSAGES" in rep["reason"] and "too large" in rep["reason"]
    assert time.perf_counter() - t0 < 60  # nothing was embedded


def test_cutting_a_huge_line_is_linear() -> None:
    """A 5 MB line without sentence ends is cut in well under a second (cutting by re-slicing the rest was
    quadratic: minutes for the 30 MB line of the issue)."""
    from ingest.chunker import _pack

    line = " ".join(f"chỉtiêu{i}" for i in range(600_000))[:5_000_000]
    t0 = time.perf_counter()
    pieces = _pack([line])
    assert time.perf_counter() - t0 < 3 and max(map(len, pieces)) <= MAX_CHARS
    assert sum(len(p) for p in pieces) + len(pieces) - 1 == len(line)
