"""`chidao eval`: the acceptance metrics of `score_http.py`, computed in-process on a QA file, with a per-kind
table and the misses listed. The matching rules (normalisation, evidence trigram overlap, lenient answer
match, ungrounded figures) are the scorer's, so the numbers agree with what is measured over HTTP."""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .container import Container

MAX_ANSWER_CHARS = 700
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*%?")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s or "").replace("\u00a0", " ").replace("\t", " ")
    return re.sub(r"\s+", " ", s).strip().casefold()


def lenient(s: str) -> str:
    s = re.sub(r"\b0+(\d)", r"\1", norm(s))
    return re.sub(r"\s*%", "%", s).replace("–", "-")


def _trigrams(s: str) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", norm(s))
    return {tuple(w[i : i + 3]) for i in range(max(0, len(w) - 2))} or {tuple(w)}


def has_evidence(passage: str, evidence: list[str]) -> bool:
    p = norm(passage)
    pt = _trigrams(passage)
    for ev in evidence:
        e = norm(ev)
        if e and e in p:
            return True
        tg = _trigrams(ev)
        if tg and len(tg & pt) / len(tg) >= 0.7:
            return True
    return False


def ungrounded_figures(answer: str, citations: list[dict[str, Any]]) -> list[str]:
    by_n = {c.get("n"): norm(c.get("text", "")) for c in citations}
    bad = []
    for sent in re.split(r"(?<=[.!?;])\s+|\n+", answer):
        marks = [int(m) for m in re.findall(r"\[(\d+)\]", sent)]
        if not marks:
            continue
        body = re.sub(r"\[\d+\]", " ", sent)
        texts = " ".join(by_n.get(m, "") for m in marks)
        for f in _FIGURE.findall(body):
            if len(f.strip("%")) < 2 and "%" not in f:
                continue
            if norm(f) not in texts:
                bad.append(f)
    return bad


@dataclass
class Row:
    id: str
    kind: str
    question: str
    evidence: list[str]
    rank: int | None = None
    answer: str = ""
    abstained: bool = False
    ok_answer: bool = False
    cited_evidence: bool = False
    ungrounded: list[str] = field(default_factory=list)
    top: str = ""  # what came first, for the misses list


@dataclass
class Report:
    summary: dict[str, Any]
    by_kind: dict[str, dict[str, Any]]
    rows: list[Row]
    k: int

    def misses(self) -> list[Row]:
        out = []
        for r in self.rows:
            if r.kind == "unanswerable":
                if not r.abstained:
                    out.append(r)
            elif not r.rank or r.rank > self.k or not r.ok_answer:
                out.append(r)
        return out

    def render(self) -> str:
        lines = [json.dumps(self.summary, ensure_ascii=False, indent=1), "",
                 f"{'kind':<18}{'n':>4}{'R@1':>7}{f'R@{self.k}':>7}{'MRR':>7}{'answer':>8}{'abstain':>9}"]
        for kind, v in sorted(self.by_kind.items()):
            def fmt(x: float | None) -> str:
                return "-" if x is None else f"{x:.2f}"

            lines.append(f"{kind:<18}{v['n']:>4}{fmt(v['r1']):>7}{fmt(v['rk']):>7}{fmt(v['mrr']):>7}"
                         f"{fmt(v['ans']):>8}{fmt(v['abstain']):>9}")
        misses = self.misses()
        lines += ["", f"misses ({len(misses)}):"]
        for r in misses:
            what = "answered instead of abstaining" if r.kind == "unanswerable" else (
                f"rank {r.rank or '>10'}" + ("" if r.ok_answer else (", abstained" if r.abstained else ", answer wrong")))
            lines.append(f"- {r.id} [{r.kind}] {what}: {r.question}")
            if r.evidence:
                lines.append(f"    expected: {r.evidence[0][:110]}")
            lines.append(f"    first:    {r.top[:110]}")
            lines.append(f"    answer:   {r.answer[:160]}")
        return "\n".join(lines)


def _frac(xs: list[int]) -> float | None:
    return round(sum(xs) / len(xs), 3) if xs else None


def evaluate(container: Container, questions: list[dict[str, Any]], k: int = 5) -> Report:
    rows: list[Row] = []
    ask_ms: list[float] = []
    search_ms: list[float] = []
    for q in questions:
        row = Row(q["id"], q["kind"], q["question"], list(q.get("evidence", [])))
        t = time.perf_counter()
        ans = container.answerer.answer(q["question"], list(q.get("history", [])))
        ask_ms.append((time.perf_counter() - t) * 1000)
        body = ans.as_dict()
        cites = body["citations"]
        row.answer, row.abstained = body["answer"], bool(body["abstained"])
        row.ungrounded = ungrounded_figures(row.answer, cites)
        if q["kind"] == "unanswerable":
            rows.append(row)
            continue
        if q.get("history"):
            ranked = [c["text"] for c in cites]
        else:
            t = time.perf_counter()
            results = container.search.search(q["question"], 10).as_dict()["results"]  # as /v1/search returns them
            search_ms.append((time.perf_counter() - t) * 1000)
            ranked = [r["text"] for r in results]
        row.top = ranked[0] if ranked else ""
        row.rank = next((i + 1 for i, text in enumerate(ranked) if has_evidence(text, row.evidence)), None)
        row.cited_evidence = any(has_evidence(c["text"], row.evidence) for c in cites)
        la = lenient(row.answer)
        row.ok_answer = (not row.abstained and len(row.answer) <= MAX_ANSWER_CHARS
                         and all(lenient(m) in la for m in q.get("must_contain", [])))
        rows.append(row)

    answerable = [r for r in rows if r.kind != "unanswerable"]
    unanswerable = [r for r in rows if r.kind == "unanswerable"]

    def pct(xs: list[float], p: float) -> float | None:
        return round(sorted(xs)[int(p * (len(xs) - 1))], 1) if xs else None

    summary = {
        "n": len(rows),
        "recall@1": _frac([1 if r.rank == 1 else 0 for r in answerable]),
        f"recall@{k}": _frac([1 if r.rank and r.rank <= k else 0 for r in answerable]),
        "mrr@10": round(sum(1 / r.rank for r in answerable if r.rank) / len(answerable), 3) if answerable else None,
        "cited_evidence": _frac([1 if r.cited_evidence else 0 for r in answerable]),
        "answer_acc": _frac([1 if r.ok_answer else 0 for r in answerable]),
        "false_abstain": _frac([1 if r.abstained else 0 for r in answerable]),
        "abstain_acc": _frac([1 if r.abstained else 0 for r in unanswerable]),
        "ungrounded_answers": sum(1 for r in rows if r.ungrounded),
        "median_answer_chars": statistics.median([len(r.answer) for r in rows if not r.abstained] or [0]),
        "ask_p50_ms": pct(ask_ms, 0.5), "ask_p95_ms": pct(ask_ms, 0.95),
        "search_p50_ms": pct(search_ms, 0.5), "search_p95_ms": pct(search_ms, 0.95),
    }
    by_kind: dict[str, dict[str, Any]] = {}
    for kind in sorted({r.kind for r in rows}):
        rs = [r for r in rows if r.kind == kind]
        if kind == "unanswerable":
            by_kind[kind] = {"n": len(rs), "r1": None, "rk": None, "mrr": None, "ans": None,
                             "abstain": _frac([1 if r.abstained else 0 for r in rs])}
            continue
        by_kind[kind] = {
            "n": len(rs), "r1": _frac([1 if r.rank == 1 else 0 for r in rs]),
            "rk": _frac([1 if r.rank and r.rank <= k else 0 for r in rs]),
            "mrr": round(sum(1 / r.rank for r in rs if r.rank) / len(rs), 3),
            "ans": _frac([1 if r.ok_answer else 0 for r in rs]), "abstain": None,
        }
    return Report(summary, by_kind, rows, k)


def load_questions(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
