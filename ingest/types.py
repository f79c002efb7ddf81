"""Data types produced by ingestion and the protocols of its roles (`Parser`, `Chunker`; their contract tests:
tests/contracts/). The passage type itself is `domain.passages.Passage`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from domain.passages import Passage as Passage  # the one passage type, shared with the index


@dataclass
class Line:
    """One line of extracted text with the page it came from (None when the format has no pages)."""

    text: str
    page: int | None = None


@dataclass
class RawDocument:
    """What a parser read from a file, before any structure is recovered."""

    source: str
    lines: list[Line]
    fmt: str
    warnings: list[str] = field(default_factory=list)
    ocr_pages: dict[int, float] = field(default_factory=dict)  # page → OCR confidence, for pages read by OCR
    dropped: list[Any] = field(default_factory=list)  # coverage.DroppedLine: lines the parser left out (folios)


@dataclass
class Block:
    """A structural unit of a document: heading, paragraph, footnote body or table row."""

    kind: str  # heading | para | footnote | table_row | header | closing
    text: str
    page: int | None = None
    level: int = 0
    label: str = ""  # heading numbering ("II", "1.3") or footnote number or table STT
    cells: dict[str, str] = field(default_factory=dict)
    context: list[str] = field(default_factory=list)  # part/group titles of a table row
    in_header: bool = False  # part of a document header (issuer, motto, number, place and date, type, title)


@dataclass
class DocumentMeta:
    doc_id: str
    source: str
    title: str = ""
    doc_type: str = ""
    number: str = ""
    date: str = ""  # ISO, may be partial ("2024-02")
    issuer: str = ""
    period: str = ""
    attached_to: str = ""
    signer: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "extra"}
        d.update(self.extra)
        return d


@dataclass
class ParsedDocument:
    meta: DocumentMeta
    passages: list[Passage]
    warnings: list[str] = field(default_factory=list)
    ledger: Any = None  # coverage.Ledger: what the passages keep of what was read, and what was dropped why


def passage_id(doc_id: str, position: int, text: str) -> str:
    """Deterministic id: the same document, place and text always give the same id (re-ingest = upsert)."""
    h = hashlib.sha256(f"{doc_id}\x1f{position}\x1f{text}".encode()).hexdigest()
    return h[:32]


@runtime_checkable
class Parser(Protocol):
    """One file format's bytes to lines with pages (`RawDocument`); `suffixes` it is chosen by (ingest/loaders.py
    `PARSERS`). A file it cannot read raises `CorruptFile` (or `UnsupportedFormat`), nothing else.
    Contract: tests/contracts/test_parser.py."""

    suffixes: tuple[str, ...]

    def read(self, path: str, data: bytes) -> RawDocument: ...


@runtime_checkable
class Chunker(Protocol):
    """Lines to citable passages with provenance (positions in order, ids from `passage_id`, metadata keys of
    `PassageMetadata`); `version` is recorded with each document, so a changed chunker means re-ingest. It is
    sent to the parse workers: it must pickle. Contract: tests/contracts/test_chunker.py."""

    version: str

    def chunk(self, raw: RawDocument, doc_id: str) -> ParsedDocument: ...


@runtime_checkable
class FileParser(Protocol):
    """A file's bytes to its parsed document, within the configured bounds, with the configured chunker: in a
    worker process (ingest/sandbox.py `ParsePool`) or in this one (ingest/pipeline.py `InProcessParser`)."""

    def parse(self, name: str, data: bytes, doc_id: str | None = None) -> ParsedDocument: ...
