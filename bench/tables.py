#!/usr/bin/env python
"""Tables of the crawled corpora, per file: how many `table_row` passages the chunker makes, how many tables
it read (distinct column headers), and whether any text of the file is missing from every passage.

A source line counts as kept when its cleaned text (markup removed, spaces collapsed; table separator lines
and site noise excluded) occurs in the concatenated passage texts and section titles, up to whitespace. The same check run before
and after a change shows the text a change loses.

    .venv/bin/python bench/tables.py [DIR ...]        # default: ../shared/corpus-extra ../shared/corpus-wide
    .venv/bin/python bench/tables.py --json out.json   # also write the per-file figures
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_bytes  # noqa: E402
from ingest.textnorm import clean_line, is_noise_line  # noqa: E402

SHARED = ROOT.parent / "shared"
_RULE = re.compile(r"^[\s|+:=_*-]*$")  # table borders and separator lines carry no text


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def measure(path: Path) -> dict[str, object]:
    doc = parse_bytes(path.name, path.read_bytes())
    rows = [p for p in doc.passages if p.kind == "table_row"]
    # headings live in the passages' section titles, not in their text
    haystack = _squash("\n".join(f"{p.text}\n{p.metadata.get('section_title', '')}" for p in doc.passages))
    lost = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if _RULE.match(raw):
            continue
        for part in clean_line(raw).split("\t"):
            text = part.strip()
            if text and not is_noise_line(text) and _squash(text) not in haystack:
                lost.append(text)
    headers = {tuple(p.metadata.get("columns") or ()) for p in rows} - {()}
    roles = sum(1 for p in rows if p.metadata.get("row_lead") or p.metadata.get("row_deadline"))
    return {"file": path.name, "table_rows": len(rows), "tables": len(headers), "rows_with_lead_or_deadline": roles,
            "passages": len(doc.passages), "lost_lines": len(lost), "lost": lost[:20]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path,
                    default=[SHARED / "corpus-extra", SHARED / "corpus-wide", SHARED / "corpus"])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-lost", action="store_true")
    args = ap.parse_args()
    results = []
    print("| file | table rows | tables | rows with lead/deadline | passages | lines lost |")
    print("| --- | --- | --- | --- | --- | --- |")
    for d in args.dirs:
        for path in sorted(d.glob("*.txt")):
            r = measure(path)
            results.append(r)
            print(f"| {r['file']} | {r['table_rows']} | {r['tables']} | {r['rows_with_lead_or_deadline']} | "
                  f"{r['passages']} | {r['lost_lines']} |")
            if args.show_lost:
                for line in r["lost"]:  # type: ignore[attr-defined]
                    print(f"    lost: {line[:120]}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
