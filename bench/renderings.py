#!/usr/bin/env python
"""The shared corpus as the files offices really hold: rendered to PDF with a Vietnamese font (footnote markers
as small raised digits, the task table as a bordered PDF table with its header repeated per page), then the
same pages rasterised and wrapped as image-only PDFs (the scanned case, read by OCR), and the PDFs again with
fonts that lack Vietnamese mappings (the text layer reads "tỉ7nh", "ĐIỀ+U": the garbled case, detected and
read again by OCR).

For each rendering: passages against those of the text files (table rows, footnotes, character similarity of
all passage text), then the dev questions against a corpus made only of those renderings (recall@5 and
MRR@10 next to the text corpus).

    .venv/bin/python bench/renderings.py
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.container import Container  # noqa: E402
from assistant.evaluation import evaluate, load_questions  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest.pipeline import parse_bytes  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _pdf(orientation: str = "P") -> object:
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    pdf.add_font("dv", "", FONT)
    pdf.add_font("dv", "B", FONT_BOLD)
    pdf.set_font("dv", size=11)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    return pdf


def render_text(text: str) -> bytes:
    """Line by line; superscript digits set as small raised digits (what Word does with footnote markers)."""
    pdf = _pdf()
    for line in text.splitlines():
        if not line.strip():
            pdf.ln(3)
            continue
        pdf.set_x(pdf.l_margin)
        for part in re.split(f"([{SUP}]+)", line):
            if not part:
                continue
            if part[0] in SUP:
                pdf.char_vpos = "SUP"
                pdf.write(6, part.translate(str.maketrans(SUP, "0123456789")))
                pdf.char_vpos = "LINE"
            else:
                pdf.write(6, part)
        pdf.ln(6)
    return bytes(pdf.output())


def render_table(text: str) -> bytes:
    lines = text.splitlines()
    rows = [line.split("\t") for line in lines if "\t" in line]
    header, body = rows[0], [r for r in rows if r[0] != "STT"]
    pdf = _pdf("L")
    pdf.set_font("dv", size=8)
    for line in lines:
        if "\t" in line:
            break
        if line.strip():
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(pdf.epw, 5, line)
    pdf.set_x(pdf.l_margin)
    with pdf.table(col_widths=(12, 70, 25, 35, 35, 70), repeat_headings=1, line_height=4) as table:
        for r in [header, *body]:
            row = table.row()
            for value in (r + [""] * 6)[:6]:
                row.cell(value)
    return bytes(pdf.output())


def _stray(ch: str) -> str:
    """What an old font's broken mapping leaves after a letter: a digit for the hook and the tilde, `+` for a
    capital's grave accent."""
    marks = unicodedata.normalize("NFD", ch)
    if "\u0309" in marks:
        return "7"
    if "\u0303" in marks:
        return "4"
    return "+" if ch.isupper() and "\u0300" in marks else ""


def garble(pdf_bytes: bytes) -> bytes:
    """The same PDF whose fonts lack Vietnamese mappings the way documents from old Word/VnTime setups do:
    the ToUnicode CMap of every font maps the glyphs of vowels with the hook or the tilde to the vowel and a
    stray digit, and capitals with the grave accent to the capital and a `+`. The pages look exactly the
    same; the text layer reads "UBND tỉ7nh đã tập trung chỉ7 đạo, ĐIỀ+U HÀNH" (most syllables intact)."""
    from pypdf import PdfReader, PdfWriter

    def remap(m: re.Match[str]) -> str:
        stray = _stray(chr(int(m.group(2), 16)))
        return f"<{m.group(1)}> <{m.group(2)}{ord(stray):04X}>" if stray else m.group(0)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    seen: set[int] = set()
    for page in writer.pages:
        for ref in page["/Resources"]["/Font"].values():
            cmap = ref.get_object()["/ToUnicode"].get_object()
            if id(cmap) in seen:
                continue
            seen.add(id(cmap))
            text = cmap.get_data().decode("latin-1")
            cmap.set_data(re.sub(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", remap, text).encode("latin-1"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan(pdf_bytes: bytes, dpi: int = 200) -> bytes:
    import pypdfium2 as pdfium
    from fpdf import FPDF

    src = pdfium.PdfDocument(pdf_bytes)
    out = FPDF(unit="pt", format="A4")
    for i in range(len(src)):
        page = src[i]
        w, h = page.get_size()
        buf = io.BytesIO()
        page.render(scale=dpi / 72).to_pil().save(buf, format="PNG")
        out.add_page(format=(w, h))
        out.image(buf, x=0, y=0, w=w, h=h)
    return bytes(out.output())


def similarity(a: str, b: str) -> float:
    norm = lambda s: " ".join(s.split())  # noqa: E731
    return difflib.SequenceMatcher(None, norm(a), norm(b), autojunk=False).ratio()


def compare(name: str, text_doc: object, other: object) -> dict[str, object]:
    a = [p for p in text_doc.passages]  # type: ignore[attr-defined]
    b = [p for p in other.passages]  # type: ignore[attr-defined]
    return {
        "file": name,
        "table_rows": f"{sum(p.kind == 'table_row' for p in b)}/{sum(p.kind == 'table_row' for p in a)}",
        "footnotes": f"{sum(p.kind == 'footnote' for p in b)}/{sum(p.kind == 'footnote' for p in a)}",
        "linked": f"{sum(bool(p.metadata.get('cited_by')) for p in b if p.kind == 'footnote')}/"
                  f"{sum(bool(p.metadata.get('cited_by')) for p in a if p.kind == 'footnote')}",
        "similarity": round(similarity("\n".join(p.text for p in a), "\n".join(p.text for p in b)), 4),
        "ocr": any(p.metadata.get("ocr") for p in b),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--qa", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "chidao-renderings"))
    ap.add_argument("--renderings", default="pdf,scan,garbled", help="which renderings (comma-separated)")
    a = ap.parse_args()
    work = Path(a.work)
    kinds = [k for k in a.renderings.split(",") if k]
    shutil.rmtree(work, ignore_errors=True)
    for sub in ("text", *kinds):
        (work / sub).mkdir(parents=True)
    rows = []
    t0 = time.perf_counter()
    for src in sorted(Path(a.corpus).glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        shutil.copy(src, work / "text" / src.name)
        pdf = render_table(text) if text.count("\t") > 50 else render_text(text)
        made = {"pdf": lambda: pdf, "scan": lambda: scan(pdf), "garbled": lambda: garble(pdf)}  # noqa: B023
        base = parse_bytes(src.name, text.encode())
        for kind in kinds:
            rendered = made[kind]()
            (work / kind / f"{src.stem}.pdf").write_bytes(rendered)
            rows.append((kind, compare(src.name, base, parse_bytes(f"{src.stem}.pdf", rendered))))
    print(f"rendered and parsed in {time.perf_counter() - t0:.0f} s\n")
    print("| rendering | file | table rows | footnotes | footnotes linked to their marker | similarity of passage text |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, r in rows:
        print(f"| {kind} | {r['file']} | {r['table_rows']} | {r['footnotes']} | {r['linked']} | {r['similarity']} |")
    questions = load_questions(a.qa)
    print("\n| corpus | recall@1 | recall@5 | MRR@10 | answer_acc |")
    print("| --- | --- | --- | --- | --- |")
    for sub in ("text", *kinds):
        c = Container(Settings(data_dir=str(work / f"data-{sub}"), ready_check=False))
        c.ingestor.ingest_paths([str(work / sub)])
        s = evaluate(c, questions).summary
        print(f"| {sub} | {s['recall@1']} | {s['recall@5']} | {s['mrr@10']} | {s['answer_acc']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
