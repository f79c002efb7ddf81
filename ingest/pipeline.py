"""One entry point: a file's bytes to a parsed document (metadata + passages), within bounds.

Bounds hold whatever the file: a PDF with more pages than `max_pages` is refused before it is parsed (and
stopped if its page tree lied about its size), every passage stays near the chunker's size (a run the
chunker could not cut — a giant table cell or footnote — is cut here), and metadata strings shown with a
passage are capped. Passages also record the instruction-like sentences they hold (`instruction_spans`),
which answers never quote, and what they say about directives (`cites`, a bulletin item's lead, partners
and deadlines: ingest/directive_fields.py)."""

from __future__ import annotations

import io
import os
from typing import Any, cast

from domain.passages import PassageMetadata

from . import loaders
from .chunker import MAX_CHARS, StructuredChunker, _pack
from .directive_fields import directive_fields
from .ids import doc_id_for, upload_key
from .injection import instruction_spans
from .loaders import CorruptFile, sniff_format
from .types import Chunker, ParsedDocument, Passage, passage_id

# What the stored index depends on besides the chunker: document ids (ingest/ids.py), passage bounds and
# instruction flags, directive fields. Recorded with each document next to the chunker's version; a change means re-ingest.
PIPELINE_VERSION = "ids2-bounds1-flags1-cites1"
MAX_PASSAGE_CHARS = 4 * MAX_CHARS  # a table row or footnote longer than this is cut (prose is cut at MAX_CHARS)
MAX_META_CHARS = 2000  # metadata strings shown with a passage (cells, titles, citing sentences)


class TooLarge(CorruptFile):
    """The file is readable but beyond what one document may be (pages, passages)."""


def index_version(chunker: Chunker) -> str:
    return f"{chunker.version}+{PIPELINE_VERSION}"


def pdf_page_count(data: bytes) -> int | None:
    """The page count a PDF declares (its page tree's /Count), read without parsing any page."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:  # noqa: BLE001 - an unreadable PDF is the parser's to report
        return None


def parse_bytes(name: str, data: bytes, chunker: Chunker | None = None, doc_id: str | None = None,
                max_pages: int = 0) -> ParsedDocument:
    parser = sniff_format(name, data)
    if max_pages and isinstance(parser, loaders.PdfParser):
        declared = pdf_page_count(data)
        if declared is not None and declared > max_pages:
            raise TooLarge(f"too many pages: {declared} (limit {max_pages}, CHIDAO_MAX_PAGES); refused before parsing")
    pages = 0

    def count_page() -> None:  # a page tree may declare fewer pages than it holds
        nonlocal pages
        pages += 1
        if max_pages and pages > max_pages:
            raise TooLarge(f"too many pages: more than {max_pages} (CHIDAO_MAX_PAGES); parsing stopped")

    loaders.PAGE_DONE.append(count_page)
    try:
        raw = parser.read(os.path.basename(name), data)
    finally:
        loaders.PAGE_DONE.remove(count_page)
    parsed = (chunker or StructuredChunker()).chunk(raw, doc_id or doc_id_for(upload_key(name)))
    bound_passages(parsed)
    for p in parsed.passages:  # recorded even when empty: absent means "ingested before the flag existed"
        p.metadata["instruction_spans"] = instruction_spans(p.text)
        p.metadata.update(directive_fields(p.kind, p.text, p.metadata))
    return parsed


class InProcessParser:
    """`parse_bytes` in this process (CHIDAO_PARSE_ISOLATED=false: debugging); a `FileParser`."""

    def __init__(self, chunker: Chunker, max_pages: int = 0) -> None:
        self.chunker, self.max_pages = chunker, max_pages

    def parse(self, name: str, data: bytes, doc_id: str | None = None) -> ParsedDocument:
        return parse_bytes(name, data, self.chunker, doc_id, self.max_pages)


def bound_passages(parsed: ParsedDocument) -> None:
    """Cut passages far over the size limit into pieces (same kind and metadata, in place; positions and ids
    renumbered and links between passages kept) and cap long metadata strings."""
    for p in parsed.passages:
        _cap_metadata(p.metadata)
    if all(len(p.text) <= MAX_PASSAGE_CHARS for p in parsed.passages):
        return
    out: list[Passage] = []
    new_id: dict[str, str] = {}
    for p in parsed.passages:
        pieces = [p.text] if len(p.text) <= MAX_PASSAGE_CHARS else _pack([p.text], MAX_CHARS)
        base = p.metadata.copy()  # as it was: the first piece's own is changed in place
        for i, text in enumerate(pieces):
            pid = passage_id(p.doc_id, len(out), text)
            new_id.setdefault(p.id, pid)
            embed = p.embed_text if len(pieces) == 1 else text
            md = base.copy() if i else p.metadata
            if len(pieces) > 1:  # the neighbours stand before the first piece and after the last
                _window_of_piece(md, first=i == 0, last=i == len(pieces) - 1)
            out.append(Passage(pid, p.doc_id, len(out), p.kind, text, embed, md))
    for q in out:  # links by id: a footnote's holder, a holder's footnotes
        md = q.metadata
        if md.get("cited_by") in new_id:
            md["cited_by"] = new_id[md["cited_by"]]
        for link in md.get("footnotes") or []:
            if link.get("id") in new_id:
                link["id"] = new_id[link["id"]]
    parsed.passages = out


def _window_of_piece(md: PassageMetadata, first: bool, last: bool) -> None:
    fields = cast("dict[str, Any]", md)
    if not first:
        fields.pop("window_before", None)
        fields["window_at"] = 0
    if not last:
        fields.pop("window_after", None)
    if not (fields.get("window_before") or fields.get("window_after")):
        fields.pop("window_at", None)


def _cap_metadata(md: PassageMetadata) -> None:
    fields = cast("dict[str, Any]", md)  # every string field alike, whatever its key
    for key, value in list(fields.items()):
        if isinstance(value, str) and len(value) > MAX_META_CHARS:
            fields[key] = value[: MAX_META_CHARS - 1] + "…"
    for link in md.get("footnotes") or []:
        if isinstance(link.get("text"), str) and len(link["text"]) > MAX_META_CHARS:
            link["text"] = link["text"][: MAX_META_CHARS - 1] + "…"
