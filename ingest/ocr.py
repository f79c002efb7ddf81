"""OCR for PDF pages without a usable text layer (scanned, signed and stamped decisions): the page is
rendered with pypdfium2 (it ships its renderer) and read by Tesseract's Vietnamese model (Debian packages
`tesseract-ocr`, `tesseract-ocr-vie`), with a time limit per page. Returns the text and Tesseract's mean
word confidence, so passages can say their text came from OCR and how sure it was."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass

DPI = 300
PAGE_TIMEOUT_S = 60.0


@dataclass
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0–100


class OcrUnavailable(RuntimeError):
    pass


def available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_pdf_page(data: bytes, index: int, timeout_s: float = PAGE_TIMEOUT_S) -> OcrPage:
    if not available():
        raise OcrUnavailable("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-vie)")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[index].render(scale=DPI / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie", "--psm", "3", "--dpi", str(DPI), "tsv"],
                         input=buf.getvalue(), capture_output=True, timeout=timeout_s)
    if out.returncode != 0:
        raise RuntimeError(f"tesseract failed: {out.stderr.decode(errors='replace')[-200:]}")
    return _from_tsv(out.stdout.decode("utf-8", errors="replace"))


def _from_tsv(tsv: str) -> OcrPage:
    """Words grouped back into lines (block, paragraph, line); a blank line between paragraphs."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        word = cols[11].strip()
        if not word:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        lines.setdefault(key, []).append(word)
        conf = float(cols[10])
        if conf >= 0:
            confs.append(conf)
    out: list[str] = []
    last_par: tuple[int, int] | None = None
    for key in sorted(lines):
        par = key[:2]
        if last_par is not None and par != last_par:
            out.append("")
        out.append(" ".join(lines[key]))
        last_par = par
    return OcrPage("\n".join(out), sum(confs) / len(confs) if confs else 0.0)
