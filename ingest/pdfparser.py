"""PDF: pypdf's text layer with page numbers; small raised footnote digits turned back into markers (figures
are never altered); paragraphs and headings from where pdfium puts the lines (ingest/pdflayout.py), folios
dropped; task tables from the glyphs' positions and the cell borders (ingest/pdftables.py); pages whose text
layer is garbage read again by pdfium or OCR, scanned pages by OCR (ingest/ocr.py)."""

from __future__ import annotations

import io
from typing import Any

from . import ocr
from .coverage import DroppedLine
from .errors import CorruptFile
from .legacy import repair_legacy
from .pdflayout import PrintedLine, drop_page_numbers, printed_lines, with_paragraph_breaks
from .pdftables import Borders, Run, TableState, page_table
from .quality import is_garbled, stray_marks, vietnamese_score
from .textnorm import DIGIT_TO_SUP, text_lines
from .types import Line, RawDocument

# Called after each PDF page: the parse worker uses it as a heartbeat, so a long scanned document (OCR page
# by page) is not mistaken for a parse that loops.
PAGE_DONE: list[Any] = []
def _reread(data: bytes, index: int) -> tuple[str, str, ocr.OcrPage | None]:
    """Another reading of a page whose text layer is garbage: pdfium's extractor, else OCR — the first that
    reads clean (with the OCR page, whose word boxes can rebuild a table). ("", "", None) when neither does."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            alt = pdf[index].get_textpage().get_text_range().replace("\r\n", "\n")
        finally:
            pdf.close()
        if alt.strip() and not is_garbled(alt):
            return alt, "pdfium", None
    except Exception:  # noqa: BLE001 - a second extractor is a bonus, not a requirement
        pass
    if ocr.available():
        try:
            page = ocr.ocr_pdf_page(data, index)
        except Exception:  # noqa: BLE001
            page = None
        if page is not None and page.text.strip() and not is_garbled(page.text):
            return page.text, f"OCR (confidence {page.confidence:.0f}%)", page
    return "", "", None


def _ocr_text(page: ocr.OcrPage, table: TableState) -> str:
    """An OCR'd page's text; a task table on it rebuilt from the words' positions and the ruled lines."""
    ruled = [(page.height - y) / page.scale for y in page.rules]
    rows = page_table(_ocr_runs(page), table, ruled, page.read_cell)
    return "\n".join(rows) if rows else page.text


def _garbage_note(text: str) -> str:
    strays = stray_marks(text)
    return f"{strays} words with stray marks" if strays else f"{vietnamese_score(text):.0%} Vietnamese"


def _folios(text: str, page: int) -> list[str]:
    """The page-number lines with_paragraph_breaks will leave out of this page's text."""
    lines = text.split("\n")
    kept = drop_page_numbers(lines, page)
    left = list(kept)
    out = []
    for t in lines:
        if t in left:
            left.remove(t)
        elif t.strip():
            out.append(t)
    return out


def mark_raised_digits(text: str, runs: list[tuple[str, float]]) -> str:
    """Footnote markers set as small raised digits come out of the text layer glued to the figure before
    them (`năm 2023⁶` → `20236`, a corrupted figure). Runs of 1–3 digits in a font clearly smaller than the
    text around them are turned back into superscript digits, so the figure stays intact and the marker
    links its footnote."""
    pos = 0
    for k, (t, size) in enumerate(runs):
        digits = t.strip()
        if not (digits.isdigit() and len(digits) <= 3) or k == 0:
            continue
        before = next((r for r in reversed(runs[:k]) if r[0].strip()), None)
        after = next((r for r in runs[k + 1 :] if r[0].strip()), None)
        ref = max(before[1] if before else 0.0, after[1] if after else 0.0)
        if not before or not ref or size >= 0.85 * ref:
            continue
        tail = before[0].rstrip("\n")[-12:]
        i = text.find(tail + digits, pos) if tail else -1
        if i >= 0:
            j = i + len(tail)
        else:  # a footnote body: the marker opens a line
            head = after[0].lstrip()[:8] if after else ""
            i = text.find("\n" + digits + (" " if head and not text[pos:].count("\n" + digits + head) else "") + head, pos)
            if i < 0:
                i = text.find("\n" + digits + head, pos)
            if i < 0:
                continue
            j = i + 1
        text = text[:j] + digits.translate(DIGIT_TO_SUP) + text[j + len(digits) :]
        pos = j
    return text


def _ocr_runs(page: ocr.OcrPage) -> list[Run]:
    """OCR words as text runs in PDF points (y up, on the baseline): the words of one line that sit close
    together form one run, as a PDF draws a cell's line of text; a wide gap (a cell border) starts another."""
    runs: list[Run] = []
    last: ocr.OcrWord | None = None
    for w in page.words:
        if set(w.text) <= set("|[]_—-–."):  # table borders read as characters
            last = None
            continue
        text = "I" if w.text == "¡" else w.text  # a roman one, which Tesseract's Vietnamese model reads as ¡
        height = max(w.box[3] - w.box[1], 1)
        if last is not None and w.line == last.line and 0 <= w.box[0] - last.box[2] < 0.9 * height:
            runs[-1].text += " " + text
        else:
            runs.append(Run(w.box[0] / page.scale, (page.height - w.baseline) / page.scale, text))
        last = w
    return runs


class _Layout:
    """The same PDF opened in pdfium for its line geometry; a file pdfium cannot open just has none."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pdf: Any = None
        self._failed = False
        self._pages: dict[int, tuple[list[PrintedLine], float]] = {}

    def lines(self, index: int) -> tuple[list[PrintedLine], float]:
        if self._failed:
            return [], 0.0
        try:
            if self._pdf is None:
                import pypdfium2 as pdfium

                self._pdf = pdfium.PdfDocument(self._data)
            if index >= len(self._pdf):
                return [], 0.0
            if index not in self._pages:
                self._pages = {k: v for k, v in self._pages.items() if k >= index - 1}
                self._pages[index] = printed_lines(self._pdf[index])
            return self._pages[index]
        except Exception:  # noqa: BLE001 - geometry only refines paragraphs; the text is pypdf's
            self._failed = True
            return [], 0.0

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


class PdfParser:
    suffixes: tuple[str, ...] = (".pdf",)

    def read(self, path: str, data: bytes) -> RawDocument:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        if not data.lstrip()[:5].startswith(b"%PDF"):
            raise CorruptFile("not a PDF (no %PDF header)")
        layout = _Layout(data)
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception as exc:  # noqa: BLE001 - any failure means we cannot read it
                    raise CorruptFile("encrypted PDF") from exc
                if not ok:
                    raise CorruptFile("encrypted PDF (password required)")
            lines: list[Line] = []
            folios: list[DroppedLine] = []  # page numbers the layout pass leaves out: the coverage ledger lists them
            unreadable: list[str] = []  # pages whose text layer is garbage and that nothing read cleanly
            legacy = ""
            warnings: list[str] = []
            ocr_pages: dict[int, float] = {}
            table = TableState()  # a task table runs across pages: its columns are read once
            markers = ocr.MarkerNumbers()  # footnote markers OCR saw raised but could not read
            for i, page in enumerate(reader.pages, start=1):
                runs: list[tuple[str, float]] = []
                placed: list[Run] = []

                def visit(t: str, cm: Any, tm: Any, font: Any, size: float, runs: list[tuple[str, float]] = runs,
                          placed: list[Run] = placed) -> None:
                    if t:
                        runs.append((t, abs(size * (tm[0] or 1))))
                        if t.strip():
                            placed.append(Run(tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                                              tm[4] * cm[1] + tm[5] * cm[3] + cm[5], t))

                borders = Borders()
                raw = page.extract_text(visitor_text=visit, visitor_operand_before=borders) or ""
                runs_on = False
                probe, enc = repair_legacy(raw)  # .VnTime fonts extract as TCVN3 codes
                garbled = is_garbled(probe)
                if garbled:  # fonts without Vietnamese mappings: judged before the layer is used
                    text, how, read = _reread(data, i - 1)
                    if not how:
                        unreadable.append(f"{i} ({_garbage_note(probe)})")
                    else:
                        warnings.append(f"page {i}: text layer unreadable ({_garbage_note(probe)}), read by {how}")
                    if read is not None:  # its word boxes rebuild a table, as on a scan
                        ocr_pages[i] = round(read.confidence, 1)
                        text = _ocr_text(read, table)
                else:
                    table_lines = page_table(placed, table, borders.ys) if placed else None
                    if table_lines:
                        raw = "\n".join(table_lines)
                    else:
                        printed, page_width = layout.lines(i - 1)
                        raw = mark_raised_digits(raw, runs)
                        folios.extend(DroppedLine(t.strip(), "furniture: folio (page number)", i)
                                      for t in _folios(raw, i))
                        raw, runs_on = with_paragraph_breaks(raw, printed, i, page_width, layout.lines(i)[0])
                    text, enc = repair_legacy(raw)
                if not garbled and sum(ch.isalpha() for ch in text) < 20 and ocr.available():  # a scan
                    try:
                        page_ocr = ocr.ocr_pdf_page(data, i - 1)
                    except Exception as exc:  # noqa: BLE001 - a page OCR cannot read is reported, not fatal
                        warnings.append(f"page {i}: OCR failed ({type(exc).__name__})")
                    else:  # a scanned task table: its rows from the words' positions
                        text, runs_on = _ocr_text(page_ocr, table), False
                        ocr_pages[i] = round(page_ocr.confidence, 1)
                legacy = legacy or enc
                lines.extend(text_lines(markers.fill(text, read_by_ocr=i in ocr_pages), i))
                if not runs_on:  # a paragraph running over the page is not cut by it
                    lines.append(Line("", i))
                for tick in PAGE_DONE:
                    tick()
        except (PdfReadError, KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
            if isinstance(exc, CorruptFile):
                raise
            raise CorruptFile(f"unreadable PDF: {exc}") from exc
        finally:
            layout.close()
        if unreadable:  # refused rather than indexed as garbage
            raise CorruptFile(f"text layer unreadable on page(s) {', '.join(unreadable)}: fonts without Vietnamese "
                              "mappings, and neither pdfium nor OCR read it cleanly"
                              + ("" if ocr.available() else " (OCR is not installed: tesseract-ocr-vie)"))
        doc = RawDocument(path, lines, "pdf", warnings, dropped=folios)
        doc.ocr_pages = ocr_pages
        if ocr_pages:
            mean = sum(ocr_pages.values()) / len(ocr_pages)
            doc.warnings.append(f"{len(ocr_pages)} page(s) read by OCR (Tesseract vie), mean confidence {mean:.0f}%")
        if legacy:
            doc.warnings.append(f"text layer in {legacy} legacy font encoding, converted to Unicode")
        if not any(ln.text.strip() for ln in lines):
            doc.warnings.append("no text layer (scanned PDF?)")
        return doc
