"""The questions of a QA file whose documents are files of one corpus, written to another file: a training
file spanning two corpora (bench/train/corpus_fifth.jsonl: the seed documents and corpus-wide) measured on each.

    .venv/bin/python bench/split_questions.py bench/train/corpus_fifth.jsonl ../shared/corpus /tmp/fifth_seed.jsonl
    .venv/bin/chidao --data-dir data-eval/dev eval --qa /tmp/fifth_seed.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    qa, corpus, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    kept = 0
    with qa.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            docs = json.loads(line).get("doc") or []
            names = [docs] if isinstance(docs, str) else list(docs)
            if names and all((corpus / str(n)).is_file() for n in names):
                dst.write(line if line.endswith("\n") else line + "\n")
                kept += 1
    print(f"{kept} questions on {corpus} → {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
