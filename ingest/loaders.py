"""File parsers: bytes in, lines with page numbers out. One class per format, chosen by suffix and content."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from typing import Any

from . import ocr
from .coverage import DroppedLine
from .docxnumbers import Numbering
from .legacy import repair_legacy
from .pdflayout import PrintedLine, drop_page_numbers, printed_lines, with_paragraph_breaks
from .pdftables import Borders, Run, TableState, page_table
from .quality import is_garbled, stray_marks, vietnamese_score
from .textnorm import DIGIT_TO_SUP, looks_markdown, nfc, strip_leaked_html, strip_markdown
from .types import Line, Parser, RawDocument


class UnsupportedFormat(ValueError):
    """The file's type is not one chidao reads."""


class CorruptFile(ValueError):
    """The file claims a type but cannot be read as it."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOMs and UTF-16 first, then UTF-8, then Windows-1258 (legacy Vietnamese)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if data[:200].count(b"\x00") > 20:  # UTF-16 without a BOM
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        latin = data.decode("latin-1")
        repaired, legacy = repair_legacy(latin)  # an old file typed with TCVN3 (.VnTime) or VNI fonts
        if legacy:
            return repaired, legacy
        return data.decode("cp1258", errors="replace"), "cp1258"


def looks_like_text(text: str) -> bool:
    """Decoded bytes that read as text: mostly letters, digits, punctuation and spaces, few control or
    private-use characters (binary decoded as UTF-16 or Windows-1258 fails this)."""
    sample = text[:20000]
    if not sample.strip():
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r") or 0xE000 <= ord(ch) <= 0xF8FF
              or 0xD800 <= ord(ch) <= 0xDFFF or ch == "\ufffd")
    letters = sum(1 for ch in sample if ch.isalpha())
    visible = sum(1 for ch in sample if not ch.isspace()) or 1
    return bad / len(sample) < 0.05 and letters / visible > 0.3


def _lines(text: str, page: int | None = None) -> list[Line]:
    return [Line(t, page) for t in nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]


class TextParser:
    suffixes: tuple[str, ...] = (".txt", ".md", ".text")

    def read(self, path: str, data: bytes) -> RawDocument:
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and data[:200].count(b"\x00") <= 20:
            raise CorruptFile("binary content in a text file")
        text, enc = decode_text(data)
        if not looks_like_text(text):
            raise CorruptFile(f"binary or unreadable content (decoded as {enc}, mostly not text)")
        lines = [Line(strip_leaked_html(ln.text), ln.page) for ln in _lines(text)]
        if looks_markdown(text):  # a crawled page saved as markdown: its emphasis marks are markup
            lines = [Line(strip_markdown(ln.text), ln.page) for ln in lines]
        doc = RawDocument(path, lines, "txt")
        if enc not in ("utf-8", "utf-8-sig"):
            doc.warnings.append(f"decoded as {enc}")
        return doc


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
                lines.extend(_lines(markers.fill(text, read_by_ocr=i in ocr_pages), i))
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


class HtmlParser:
    suffixes: tuple[str, ...] = (".html", ".htm")
    _BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article",
              "table", "ul", "ol", "header", "footer", "title"}

    def read(self, path: str, data: bytes) -> RawDocument:
        from bs4 import BeautifulSoup

        text, _ = decode_text(data)
        soup = BeautifulSoup(text, "html.parser")
        for tag in soup(["script", "style", "noscript", "nav", "iframe", "svg", "form", "button"]):
            tag.decompose()
        for row in soup.find_all("tr"):
            cells = [c.get_text(" ", strip=True) for c in row.find_all(["td", "th"])]
            row.replace_with(soup.new_string("\n" + "\t".join(cells) + "\n"))
        for tag in soup.find_all(self._BLOCK):
            tag.insert_before("\n\n")
            tag.insert_after("\n\n")
        body = soup.body or soup
        text = body.get_text("")
        if not looks_like_text(text):
            raise CorruptFile("no readable text in this HTML (only markup, scripts or binary content)")
        return RawDocument(path, _lines(text), "html")


class DocxParser:
    suffixes: tuple[str, ...] = (".docx",)

    def read(self, path: str, data: bytes) -> RawDocument:
        import docx

        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            total = sum(i.file_size for i in zf.infolist())
            if total > 200 * 1024 * 1024:
                raise CorruptFile("DOCX expands to more than 200 MB (zip bomb?)")
            _refuse_dtd(zf)
            document = docx.Document(io.BytesIO(data))
        except CorruptFile:
            raise
        except Exception as exc:  # noqa: BLE001 - python-docx raises many types for bad files
            raise CorruptFile(f"unreadable DOCX: {exc}") from exc
        lines: list[Line] = []
        numbering = Numbering(document)
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
                label = numbering.label(child) if text.strip() else ""
                lines += [Line(f"{label} {text}" if label else text), Line("")]
            elif tag == "tbl":
                for tr in child.iter():
                    if not tr.tag.endswith("}tr"):
                        continue
                    cells = []
                    for tc in tr:
                        if tc.tag.endswith("}tc"):
                            cells.append(" ".join("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                                                  for p in tc if p.tag.endswith("}p")).strip())
                    lines.append(Line("\t".join(cells)))
                lines.append(Line(""))
        return RawDocument(path, [Line(nfc(ln.text)) for ln in lines], "docx")


def _refuse_dtd(zf: zipfile.ZipFile) -> None:
    """Word never writes a document type declaration; one in a DOCX part declares entities (external ones
    read local files, nested ones expand without bound): refused before any XML parser sees it."""
    for info in zf.infolist():
        if info.filename.lower().endswith((".xml", ".rels")):
            with zf.open(info) as part:
                head = part.read(4096)  # a DTD comes before the root element
            if b"<!DOCTYPE" in head.upper() or b"<\x00!\x00D\x00O\x00C" in head.upper():
                raise CorruptFile(f"XML entities are not allowed in a DOCX ({info.filename} declares a DTD)")


OFFICE_TIMEOUT_S = 50.0  # inside the parse worker, whose no-progress limit is 60 s
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound-file signature of Word 97–2003 documents


def office_program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class DocParser:
    """Word 97–2003 .doc files, converted to .docx by LibreOffice headless (when installed), then read as
    .docx: headings, paragraphs and table rows come through the same way."""

    suffixes: tuple[str, ...] = (".doc",)

    def read(self, path: str, data: bytes) -> RawDocument:
        program = office_program()
        if program is None:
            raise UnsupportedFormat(".doc (Word 97–2003) needs LibreOffice to be read (Debian: "
                                    "libreoffice-writer-nogui); otherwise convert the file to .docx")
        if not data.startswith(_OLE2):
            raise CorruptFile("not a Word .doc file (no OLE2 header)")
        with tempfile.TemporaryDirectory(prefix="chidao-doc-") as tmp:
            source = os.path.join(tmp, "in.doc")
            with open(source, "wb") as fh:
                fh.write(data)
            # A private profile: LibreOffice refuses to run twice on one profile, and never touches $HOME.
            profile = "file://" + os.path.join(tmp, "profile")
            try:
                done = subprocess.run([program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                                       "--convert-to", "docx", "--outdir", tmp, source],
                                      capture_output=True, timeout=OFFICE_TIMEOUT_S)
            except subprocess.TimeoutExpired as exc:
                raise CorruptFile(f"LibreOffice did not convert the .doc within {OFFICE_TIMEOUT_S:.0f} s") from exc
            target = os.path.join(tmp, "in.docx")
            if done.returncode != 0 or not os.path.exists(target):
                said = [ln.strip() for ln in done.stderr.decode(errors="replace").splitlines() if ln.strip()]
                raise CorruptFile(f"LibreOffice could not convert this .doc: {said[-1][-160:] if said else 'no output'}")
            with open(target, "rb") as fh:
                converted = fh.read()
        doc = DocxParser().read(path, converted)
        if not looks_like_text("\n".join(ln.text for ln in doc.lines)):  # LibreOffice opens nearly anything
            raise CorruptFile("no readable text in this .doc (damaged or not a Word document)")
        doc.fmt = "doc"
        doc.warnings.append("Word 97–2003 .doc converted by LibreOffice")
        return doc


PARSERS: tuple[Parser, ...] = (TextParser(), PdfParser(), HtmlParser(), DocxParser(), DocParser())
SUPPORTED_SUFFIXES = tuple(s for p in PARSERS for s in p.suffixes)


_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"7z\xbc\xaf",
                 b"Rar!", b"\x7fELF", b"MZ", b"OggS", b"ID3", b"RIFF")


def content_type_problem(name: str, data: bytes) -> str:
    """Why the bytes are not a document chidao reads (checked by content, not only by name), or "" if fine."""
    head = data[:8].lstrip()
    suffix = os.path.splitext(name)[1].lower()
    if head.startswith(b"%PDF") or (head.startswith(b"PK") and suffix == ".docx"):
        return ""
    if suffix == ".doc" and data.startswith(_OLE2):
        return ""  # Word 97–2003 (OLE2), read through LibreOffice
    if any(data.startswith(m) for m in _BINARY_MAGIC) or head.startswith(b"PK"):
        return f"'{name}' is a binary file (image, archive, program or old Office format), not a document"
    if suffix == ".pdf":
        return f"'{name}' is not a PDF (no %PDF header)"
    if suffix == ".docx":
        return f"'{name}' is not a DOCX (not a zip archive)"
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type: '{name}' (supported: {', '.join(SUPPORTED_SUFFIXES)})"
    return ""


def sniff_format(name: str, data: bytes) -> Parser:
    """Choose the parser by content first (a PDF is a PDF whatever its name), then by suffix."""
    suffix = os.path.splitext(name)[1].lower()
    head = data[:8].lstrip()
    if head.startswith(b"%PDF"):
        return PARSERS[1]
    if suffix == ".docx" or (head.startswith(b"PK") and suffix in (".docx", "")):
        if not head.startswith(b"PK"):
            raise CorruptFile("not a DOCX (not a zip archive)")
        return PARSERS[3]
    if suffix == ".pdf":
        raise CorruptFile("not a PDF (no %PDF header)")
    for parser in PARSERS:
        if suffix in parser.suffixes:
            return parser
    raise UnsupportedFormat(f"unsupported file type '{suffix or name}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
