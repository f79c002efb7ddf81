#!/usr/bin/env python
"""Tables of the crawled corpora, per file: how many `table_row` passages the chunker makes, how many tables
it read (distinct column headers), and whether any text of the file is missing from every passage.

Kept and lost text come from the document's coverage ledger (ingest/coverage.py): every line read is in a
passage, or dropped on purpose with its reason (furniture, folio…), or lost — which the tests forbid. The same
run before and after a change shows the text a change loses.

    .venv/bin/python bench/tables.py [DIR ...]        # default: ../shared/corpus-extra ../shared/corpus-wide
    .venv/bin/python bench/tables.py --json out.json   # also write the per-file figures
    .venv/bin/python bench/tables.py --office          # the seed appendix as an office suite exports it (below)

`--office`: the seed appendix (../shared/corpus/phu-luc-…txt) written as a .docx with a real bordered table
(python-docx: sized columns, the header row repeated on each page) and converted to PDF by LibreOffice; its
rows against the text file's, row by row, then the dev questions on that document against a corpus holding
the text file and one holding the PDF instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.pipeline import parse_bytes  # noqa: E402

SHARED = ROOT.parent / "shared"



def measure(path: Path) -> dict[str, object]:
    doc = parse_bytes(path.name, path.read_bytes())
    rows = [p for p in doc.passages if p.kind == "table_row"]
    # the coverage ledger (ingest/coverage.py) compares every line read with the passages themselves
    lost = [d.text for d in doc.ledger.lost] if doc.ledger is not None else []
    dropped = len(doc.ledger.dropped) if doc.ledger is not None else 0
    headers = {tuple(p.metadata.get("columns") or ()) for p in rows} - {()}
    roles = sum(1 for p in rows if p.metadata.get("row_lead") or p.metadata.get("row_deadline"))
    return {"file": path.name, "table_rows": len(rows), "tables": len(headers), "rows_with_lead_or_deadline": roles,
            "passages": len(doc.passages), "dropped_lines": dropped, "lost_lines": len(lost), "lost": lost[:20]}


def office_pdf(src: Path, work: Path) -> bytes:
    """The appendix as Word would hold it and LibreOffice would export it."""
    import subprocess

    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    lines = src.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if "\t" in line]
    header, body = rows[0], [r for r in rows if r[0] != rows[0][0]]
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for line in lines[: next(i for i, x in enumerate(lines) if "\t" in x)]:
        if line.strip():
            document.add_paragraph(line)
    table = document.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    for k, r in enumerate([header, *body]):
        row = table.add_row()
        if k == 0:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(repeat)
        for cell, value, width in zip(row.cells, (r + [""] * 6)[:6], (12, 70, 25, 35, 35, 70)):
            cell.text = value
            cell.width = Mm(width)
    work.mkdir(parents=True, exist_ok=True)
    document.save(str(work / f"{src.stem}.docx"))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(work), str(work / f"{src.stem}.docx")],
                   check=True, capture_output=True, timeout=180)
    return (work / f"{src.stem}.pdf").read_bytes()


def office(work: Path | None) -> None:
    import difflib
    import shutil
    import tempfile

    from assistant.container import Container
    from assistant.evaluation import evaluate, load_questions
    from assistant.settings import Settings

    corpus = SHARED / "corpus"
    src = corpus / "phu-luc-ke-hoach-126-par-index-2024.txt"
    work = Path(tempfile.mkdtemp(prefix="chidao-office-")) if work is None else work
    pdf = office_pdf(src, work / "pdf")
    text_rows = [p.metadata for p in parse_bytes(src.name, src.read_bytes()).passages if p.kind == "table_row"]
    pdf_rows = {p.metadata.get("stt"): p.metadata for p in parse_bytes(f"{src.stem}.pdf", pdf).passages
                if p.kind == "table_row"}
    fields = ("row_task", "row_deadline", "row_lead", "row_partner", "row_result")
    ratios = [difflib.SequenceMatcher(None, " ".join(str(md.get(f, "")).split()),
                                      " ".join(str(pdf_rows.get(md["stt"], {}).get(f, "")).split()),
                                      autojunk=False).ratio() for md in text_rows for f in fields]
    print(f"rows: text {len(text_rows)}, office PDF {len(pdf_rows)}, same order "
          f"{list(pdf_rows) == [md['stt'] for md in text_rows]}, cell similarity mean {sum(ratios) / len(ratios):.4f} "
          f"min {min(ratios):.3f}")
    questions = [q for q in load_questions(str(SHARED / "eval" / "dev.jsonl")) if q.get("doc") == src.name]
    for name in ("text", "office-pdf"):
        docs = work / f"docs-{name}"
        docs.mkdir(parents=True, exist_ok=True)
        for other in corpus.glob("*.txt"):
            if other != src:
                shutil.copy(other, docs / other.name)
        if name == "text":
            shutil.copy(src, docs / src.name)
        else:
            (docs / f"{src.stem}.pdf").write_bytes(pdf)
        c = Container(Settings(data_dir=str(work / f"data-{name}"), ready_check=False))
        c.ingestor.ingest_paths([str(docs)])
        report = evaluate(c, questions)
        kinds = ", ".join(f"{k} {v['n']}: R@5 {v['rk']} answer {v['ans']}" for k, v in sorted(report.by_kind.items()))
        print(f"{name}: {len(questions)} dev questions on the appendix: recall@5 {report.summary['recall@5']}, "
              f"answer_acc {report.summary['answer_acc']} ({kinds})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path,
                    default=[SHARED / "corpus-extra", SHARED / "corpus-wide", SHARED / "corpus"])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-lost", action="store_true")
    ap.add_argument("--office", action="store_true", help="the seed appendix exported by LibreOffice (see above)")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    if args.office:
        office(args.work)
        return
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
