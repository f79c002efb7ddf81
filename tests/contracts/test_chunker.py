"""The `Chunker` contract (ingest/types.py), held by every chunker (today `StructuredChunker`): passages in
order with their ids, kinds and provenance, every word kept, the same cut every time — and the configured
chunker is the one that cuts, in the parse worker too (ingest/sandbox.py)."""

from __future__ import annotations

import pickle
from typing import get_type_hints

import pytest

from domain.passages import PassageKind, PassageMetadata
from ingest.chunker import StructuredChunker
from ingest.loaders import TextParser
from ingest.pipeline import index_version
from ingest.sandbox import ParsePool
from ingest.types import Chunker, ParsedDocument, RawDocument, passage_id

from ..conftest import SAMPLES, make_container
from .conftest import SENTENCES, report_text

METADATA_KEYS = set(get_type_hints(PassageMetadata))


class MarkingChunker(StructuredChunker):
    """The default chunker under another version, marking what it cut (to see which chunker ran where)."""

    version = "marking-1"

    def chunk(self, raw: RawDocument, doc_id: str) -> ParsedDocument:
        parsed = super().chunk(raw, doc_id)
        parsed.meta.extra["chunked_by"] = self.version
        return parsed


CHUNKERS = [StructuredChunker(), MarkingChunker()]


def _raw(name: str) -> RawDocument:
    return TextParser().read(name, (SAMPLES / name).read_bytes() if (SAMPLES / name).exists() else
                             report_text().encode())


@pytest.fixture(params=CHUNKERS, ids=lambda c: c.version)
def chunker(request: pytest.FixtureRequest) -> Chunker:
    return request.param  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ["bao-cao.txt", *sorted(p.name for p in SAMPLES.glob("*.txt"))])
def test_passages_in_order_with_ids_kinds_and_provenance(chunker: Chunker, name: str) -> None:
    assert isinstance(chunker, Chunker) and isinstance(chunker.version, str) and chunker.version
    raw = _raw(name)
    parsed = chunker.chunk(raw, "doc-1")
    assert parsed.meta.doc_id == "doc-1" and parsed.meta.source == name and parsed.passages
    for i, p in enumerate(parsed.passages):
        assert (p.position, p.doc_id) == (i, "doc-1") and p.id == passage_id("doc-1", i, p.text)
        assert isinstance(p.kind, PassageKind) and p.text.strip() and p.embed_text.strip()
        md = p.metadata
        assert set(md) <= METADATA_KEYS, set(md) - METADATA_KEYS  # every key documented in PassageMetadata
        assert (md["doc_id"], md["source"], md["kind"]) == ("doc-1", name, p.kind)
    # every line read is in a passage, or dropped with its reason (the coverage ledger, ingest/coverage.py)
    ledger = parsed.ledger.as_dict()
    assert not ledger["lost"] and ledger["chars_kept"] > 0, ledger["lost"][:3]
    assert all(d["reason"] for d in ledger["dropped"])
    again = chunker.chunk(_raw(name), "doc-1")
    assert [p.id for p in again.passages] == [p.id for p in parsed.passages]


def test_it_pickles_for_the_parse_worker(chunker: Chunker) -> None:
    assert pickle.loads(pickle.dumps(chunker)).version == chunker.version


def test_the_parse_worker_cuts_with_the_configured_chunker() -> None:
    pool = ParsePool(MarkingChunker(), 1, timeout_s=60)
    try:
        parsed = pool.parse("bao-cao.txt", report_text().encode(), "doc-1")
    finally:
        pool.close()
    assert parsed.meta.extra.get("chunked_by") == "marking-1"
    assert any(SENTENCES[0] in p.text for p in parsed.passages)


def test_the_container_gives_its_chunker_to_ingest(tmp_path_factory: pytest.TempPathFactory) -> None:
    c = make_container(tmp_path_factory.mktemp("chunker-data"))  # the backend under test keeps what it says
    c.chunker = MarkingChunker()  # what a deployment configuring another chunker does
    (tmp := tmp_path_factory.mktemp("in") / "bao-cao.txt").write_text(report_text(), encoding="utf-8")
    pool = c.parser
    assert isinstance(pool, ParsePool)
    try:
        rep = c.ingestor.ingest_paths([str(tmp)])[0]
    finally:
        pool.close()
    assert rep.status == "ingested", rep.reason
    doc = c.catalog.document(rep.doc_id)
    assert doc is not None and doc["chunker"] == index_version(MarkingChunker()) and doc["chunked_by"] == "marking-1"
