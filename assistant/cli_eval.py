"""`chidao eval`: one QA file (score_http.py's metrics), or the three yardsticks (dev, laws, blind) side by
side, each in its own data dir under --eval-dir, against the floors (assistant/evalsuite.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .container import Container
from .settings import Settings


def run_eval(args: argparse.Namespace) -> int:
    if not args.qa:
        return _eval_suite(args)
    from .evaluation import evaluate, load_questions
    from .ingestion import expand_paths

    c = Container(args.settings)
    if args.corpus:
        reports = c.ingestor.ingest_paths(expand_paths([args.corpus]))
        failed = [r for r in reports if r.status == "failed"]
        print(f"corpus: {len(reports)} files, {len(failed)} failed", file=sys.stderr)
    report = evaluate(c, load_questions(args.qa), k=args.k)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"summary": report.summary, "by_kind": report.by_kind,
                       "rows": [r.__dict__ for r in report.rows]}, fh, ensure_ascii=False, indent=1)
    print(report.render())
    return 0


def _eval_suite(args: argparse.Namespace) -> int:
    """The three yardsticks (dev, laws, blind), each in its own data dir under --eval-dir, against the floors."""
    import datetime
    import os

    from .evalsuite import FLOORS, available, below_floor, default_sets, load_floors, run_set

    settings: Settings = args.settings

    sets, missing = available(default_sets())
    for m in missing:
        print(f"skipped: {m}", file=sys.stderr)
    if args.only:
        sets = [s for s in sets if s.name in args.only.split(",")]
    floors = load_floors()
    results: dict[str, Any] = {}
    failures: list[str] = []
    for s in sets:
        c = Container(settings.model_copy(update={"data_dir": os.path.join(args.eval_dir, s.name)}))
        out = run_set(s, c)
        verbose = args.verbose and s.inspectable
        if not s.inspectable:  # figures only: no question, answer or miss of a blind set is shown or written
            out = {k: v for k, v in out.items() if k in ("summary", "by_kind", "corpus_failed")}
        results[s.name] = out
        print(f"\n=== {s.name} ({s.questions.name} on {s.corpus.name})")
        print(out["render"] if verbose and "render" in out else json.dumps(out["summary"], ensure_ascii=False))
        if "by_kind" in out and not verbose:
            for kind, v in sorted(out["by_kind"].items()):
                print(f"  {kind:<18} n={v['n']:<3} R@5={v['rk']} MRR={v['mrr']} answer={v['ans']} "
                      f"abstain={v['abstain']}")
        if verbose and "misses" in out:
            for m in out["misses"]:
                print(f"  miss {m}")
        failures += below_floor(s.name, out["summary"], s.guarded, floors)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({k: {kk: vv for kk, vv in v.items() if kk != "render"} for k, v in results.items()}, fh,
                      ensure_ascii=False, indent=1)
    if args.update_floors:
        data = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
        for s in sets:
            data[s.name] = {m: results[s.name]["summary"][m] for m in s.guarded
                            if results[s.name]["summary"].get(m) is not None}
        data["_measured"] = datetime.date.today().isoformat()
        FLOORS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"floors written to {FLOORS}", file=sys.stderr)
    for f in failures:
        print(f"BELOW FLOOR: {f}", file=sys.stderr)
    return 1 if failures else 0
