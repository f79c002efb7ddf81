"""The `Parser` contract (ingest/types.py), held by every parser chidao chooses from (ingest/loaders.py
`PARSERS`), each over a small real file of its format holding the same report: the words come through, with
pages where the format has them; bytes it cannot read are `CorruptFile`/`UnsupportedFormat`, never a crash."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ingest.errors import CorruptFile, UnsupportedFormat
from ingest.loaders import PARSERS, sniff_format
from ingest.types import Line, Parser, RawDocument

from .conftest import SENTENCES, TITLE, report_file

FORMAT_OF = {".txt": "txt", ".html": "html", ".docx": "docx", ".pdf": "pdf", ".doc": "doc"}
GARBAGE = bytes(range(256)) * 8


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w%,.]", " ", text).split())


@pytest.fixture(params=PARSERS, ids=lambda p: type(p).__name__)
def parser(request: pytest.FixtureRequest) -> Parser:
    return request.param  # type: ignore[no-any-return]


def test_every_parser_is_one(parser: Parser) -> None:
    assert isinstance(parser, Parser)
    assert parser.suffixes and all(s.startswith(".") and s == s.lower() for s in parser.suffixes)


def test_the_words_come_through(parser: Parser, tmp_path: Path) -> None:
    suffix = next(s for s in parser.suffixes if s in FORMAT_OF)
    name = "bao-cao" + suffix
    data = report_file(FORMAT_OF[suffix], tmp_path)
    assert type(sniff_format(name, data)) is type(parser)  # chosen for its own files
    raw = parser.read(name, data)
    assert isinstance(raw, RawDocument) and raw.source == name and isinstance(raw.fmt, str) and raw.fmt
    assert raw.lines and all(isinstance(ln, Line) and isinstance(ln.text, str) for ln in raw.lines)
    assert all(ln.page is None or ln.page >= 1 for ln in raw.lines)
    text = _words(" ".join(ln.text for ln in raw.lines))
    for sentence in (TITLE, *SENTENCES):
        assert _words(sentence) in text, (os.path.basename(name), sentence)


def test_bytes_it_cannot_read_are_refused_cleanly(parser: Parser) -> None:
    for data in (GARBAGE, b"\x00" * 64, b"%PDF-1.7 truncated", b"PK\x03\x04 not a zip"):
        for suffix in parser.suffixes:
            try:
                parser.read("bad" + suffix, data)
            except (CorruptFile, UnsupportedFormat):
                continue
            # a text-like format may read what it was given, as text; then nothing else is allowed
            assert suffix in (".txt", ".md", ".text", ".html", ".htm") and data.startswith((b"%PDF", b"PK"))
