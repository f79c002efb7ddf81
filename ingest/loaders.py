"""File parsers: bytes in, lines with page numbers out. One class per format (PDF: ingest/pdfparser.py),
chosen by content and suffix from `PARSERS` — each a `Parser` (ingest/types.py; contract: tests/contracts/)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import zipfile

from .docxnumbers import Numbering
from .errors import CorruptFile as CorruptFile  # re-exported: the parsers' errors lived here
from .errors import UnsupportedFormat as UnsupportedFormat
from .legacy import repair_legacy
from .pdfparser import PAGE_DONE as PAGE_DONE  # re-exported: the parse worker's heartbeat
from .pdfparser import PdfParser as PdfParser
from .textnorm import looks_markdown, nfc, strip_leaked_html, strip_markdown, text_lines
from .types import Line, Parser, RawDocument


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


class TextParser:
    suffixes: tuple[str, ...] = (".txt", ".md", ".text")

    def read(self, path: str, data: bytes) -> RawDocument:
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")) and data[:200].count(b"\x00") <= 20:
            raise CorruptFile("binary content in a text file")
        text, enc = decode_text(data)
        if not looks_like_text(text):
            raise CorruptFile(f"binary or unreadable content (decoded as {enc}, mostly not text)")
        lines = [Line(strip_leaked_html(ln.text), ln.page) for ln in text_lines(text)]
        if looks_markdown(text):  # a crawled page saved as markdown: its emphasis marks are markup
            lines = [Line(strip_markdown(ln.text), ln.page) for ln in lines]
        doc = RawDocument(path, lines, "txt")
        if enc not in ("utf-8", "utf-8-sig"):
            doc.warnings.append(f"decoded as {enc}")
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
        return RawDocument(path, text_lines(text), "html")


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
