"""`chidao eval` with no QA file: the three yardsticks side by side — the dev questions, the laws benchmark
and the blind set on other provinces' documents — each on its own corpus in its own data dir, with per-kind
figures and a check against the floors recorded in the repository (`bench/floors.json`).

A set is worth looking at only next to the others: a change that raises one and lowers another is not
progress, so the suite always runs (and reports) all of them. The laws matcher is the competition scorer's
(`../shared/eval/laws/score_laws.py`): a result from the gold law's file sharing a 60-character window with
the gold article."""

from __future__ import annotations

import json
import os
import re
import statistics
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .evaluation import evaluate, load_questions

if TYPE_CHECKING:
    from .container import Container

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "bench" / "floors.json"
TOLERANCE = 0.03  # a set may move this much below its floor (noise of a few questions), no more
LAW_WINDOW, LAW_STEP = 60, 15


@dataclass(frozen=True)
class EvalSet:
    name: str
    corpus: Path
    questions: Path
    kind: str  # "qa" (score_http.py's metrics) | "laws" (score_laws.py's)
    # the metrics compared with the floor: a drop of any of them beyond the tolerance fails
    guarded: tuple[str, ...]
    # a blind set only measures: its per-question answers are never shown (reading them is tuning on them)
    inspectable: bool = True


def default_sets(shared: Path | None = None) -> list[EvalSet]:
    shared = shared or ROOT.parent / "shared"
    qa = ("recall@5", "mrr@10", "answer_acc", "abstain_acc")
    return [
        EvalSet("dev", shared / "corpus", shared / "eval" / "dev.jsonl", "qa", qa),
        EvalSet("laws", shared / "eval" / "laws" / "laws", shared / "eval" / "laws" / "train.jsonl", "laws",
                ("recall@5", "mrr@10")),
        EvalSet("blind", shared / "corpus-extra", ROOT / "bench" / "blind" / "corpus_extra.jsonl", "qa", qa,
                inspectable=False),
    ]


# --- the laws matcher (score_laws.py's rules) -----------------------------------------------------------
def _law_norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip().lower()


def law_articles(laws_dir: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for path in sorted(laws_dir.iterdir()):
        text = path.read_text(encoding="utf-8")
        arts: dict[str, str] = {}
        for part in re.split(r"^(?=Điều \d+[a-z]?\. )", text, flags=re.M):
            m = re.match(r"Điều (\d+[a-z]?)\. ", part)
            if m:
                arts[m.group(1)] = _law_norm(part[m.end():])
        out[path.name] = arts
    return out


def _overlaps(text: str, gold: str) -> bool:
    t = _law_norm(text)
    if len(gold) <= LAW_WINDOW:
        return gold in t
    if len(t) < LAW_WINDOW:
        return len(t) >= 30 and t in gold
    return any(t[i:i + LAW_WINDOW] in gold for i in range(0, len(t) - LAW_WINDOW + 1, LAW_STEP))


def evaluate_laws(container: Container, statements: list[dict[str, Any]], laws_dir: Path) -> dict[str, Any]:
    arts = law_articles(laws_dir)
    ranks: list[int | None] = []
    ms: list[float] = []
    misses: list[dict[str, Any]] = []
    for q in statements:
        t = time.perf_counter()
        hits = container.search.search(q["statement"], 10).hits
        ms.append((time.perf_counter() - t) * 1000)
        golds = [(g["file"], arts.get(g["file"], {}).get(g["article"], "")) for g in q["gold"]]
        rank = next((i + 1 for i, h in enumerate(hits)
                     if any(os.path.basename(str(h.passage.metadata.get("source") or "")) == f and g
                            and _overlaps(h.passage.text, g) for f, g in golds)), None)
        ranks.append(rank)
        if not rank or rank > 5:
            top = hits[0].passage if hits else None
            misses.append({"id": q["id"], "statement": q["statement"][:120], "rank": rank,
                           "gold": [f"{g['file']} Điều {g['article']}" for g in q["gold"]],
                           "first": f"{top.metadata.get('source')} {top.metadata.get('section')}" if top else ""})
    n = len(statements) or 1
    return {
        "summary": {
            "n": len(statements),
            "recall@1": round(sum(r == 1 for r in ranks) / n, 3),
            "recall@5": round(sum(bool(r and r <= 5) for r in ranks) / n, 3),
            "recall@10": round(sum(bool(r) for r in ranks) / n, 3),
            "mrr@10": round(sum(1 / r for r in ranks if r) / n, 3),
            "search_p50_ms": round(statistics.median(ms), 1) if ms else None,
        },
        "misses": misses,
    }


# --- the suite ------------------------------------------------------------------------------------------
def load_floors(path: Path = FLOORS) -> dict[str, dict[str, float]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def below_floor(name: str, summary: dict[str, Any], guarded: tuple[str, ...],
                floors: dict[str, dict[str, float]]) -> list[str]:
    """The guarded metrics of a set more than TOLERANCE below the recorded floor."""
    out = []
    for metric in guarded:
        floor = floors.get(name, {}).get(metric)
        value = summary.get(metric)
        if floor is not None and value is not None and value < floor - TOLERANCE:
            out.append(f"{name} {metric} {value:.3f} < floor {floor:.3f} - {TOLERANCE}")
    return out


def run_set(s: EvalSet, container: Container) -> dict[str, Any]:
    """Ingest the set's corpus into the container (a no-op when unchanged) and measure it."""
    from .ingestion import expand_paths

    reports = container.ingestor.ingest_paths(expand_paths([str(s.corpus)]))
    failed = [r.source for r in reports if r.status == "failed"]
    if s.kind == "laws":
        out = evaluate_laws(container, load_questions(str(s.questions)), s.corpus)
    else:
        report = evaluate(container, load_questions(str(s.questions)))
        out = {"summary": report.summary, "by_kind": report.by_kind, "render": report.render()}
    out["corpus_failed"] = failed
    return out


def available(sets: list[EvalSet]) -> tuple[list[EvalSet], list[str]]:
    ok, missing = [], []
    for s in sets:
        if s.corpus.is_dir() and s.questions.is_file():
            ok.append(s)
        else:
            missing.append(f"{s.name}: {s.corpus if not s.corpus.is_dir() else s.questions} not found")
    return ok, missing
