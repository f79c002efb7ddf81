"""The `Retriever` contract (index/retrieval.py), held by every retriever (today `HybridRetriever`) over the
ingested samples: at most k passages, best first, each once; filters and access groups hold (nothing when
nothing matches); a malformed filter is a `BadFilter`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.container import Container
from domain.passages import Passage, PassageKind
from index.access import as_caller
from index.filters import BadFilter
from index.retrieval import QueryPlan, Retriever

IMPLEMENTATIONS: dict[str, Callable[[Container], Retriever]] = {"hybrid": lambda c: c.retriever}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def retriever(request: pytest.FixtureRequest, samples_container: Container) -> Retriever:
    return IMPLEMENTATIONS[request.param](samples_container)


def test_best_first_at_most_k_each_once(retriever: Retriever) -> None:
    assert isinstance(retriever, Retriever)
    for k in (1, 5, 40):
        hits = retriever.search(QueryPlan("tổng thu ngân sách nhà nước lũy kế quý I", k=k))
        assert 1 <= len(hits) <= k
        assert all(isinstance(h.passage, Passage) and h.passage.text for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert len({h.passage.id for h in hits}) == len(hits)
    top = retriever.search(QueryPlan("tổng thu ngân sách nhà nước lũy kế quý I", k=3))[0]
    assert "640,5 tỷ đồng" in top.passage.text


def test_a_number_named_finds_its_document(retriever: Retriever) -> None:
    hits = retriever.search(QueryPlan("công văn 512", k=3, number_keys=["512/UBND-KT"]))
    assert hits and "512/UBND-KT" in hits[0].passage.text


def test_filters_hold_and_fail_closed(retriever: Retriever) -> None:
    rows = retriever.search(QueryPlan("Sở Nội vụ chủ trì", k=10, filters={"kind": "table_row"}))
    assert rows and all(h.passage.kind == PassageKind.TABLE_ROW for h in rows)
    assert retriever.search(QueryPlan("ngân sách", k=10, filters={"type": "Nghị định"})) == []
    with pytest.raises(BadFilter):
        retriever.search(QueryPlan("ngân sách", k=10, filters={"colour": "red"}))


def test_access_groups_hold(retriever: Retriever) -> None:
    with as_caller(frozenset({"public"})):
        assert retriever.search(QueryPlan("ngân sách", k=5))
    with as_caller(frozenset({"nobody"})):
        assert retriever.search(QueryPlan("ngân sách", k=5)) == []
