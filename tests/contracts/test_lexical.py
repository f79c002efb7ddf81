"""The `LexicalIndex` contract (index/protocols.py), held by every lexical index (the in-process BM25
`index.lexical.LexicalIndex` and server mode's `index.pg.lexical.PgLexicalIndex`, BM25 in PostgreSQL): best first, at most k;
accented and unaccented questions both find a passage, an accented match first;
removed passages are gone; `allowed` restricts hits; idf is 0 for an unknown term and grows with rarity."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index.lexical import LexicalIndex as BM25
from index.protocols import LexicalIndex
from index.vntext import tokens


def _postgresql(request: pytest.FixtureRequest) -> LexicalIndex:
    from index.pg.catalog import PgCatalog
    from index.pg.lexical import PgLexicalIndex

    return PgLexicalIndex(PgCatalog(request.getfixturevalue("pg_url"), 2))


IMPLEMENTATIONS: dict[str, Callable[[pytest.FixtureRequest], LexicalIndex]] = {"bm25": lambda _: BM25(),
                                                                               "postgresql": _postgresql}
TEXTS = {"p1": "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt 640,5 tỷ đồng.",
         "p2": "Bệnh sốt xuất huyết giảm 12 ca so với cùng kỳ.",
         "p3": "Sở Nội vụ chủ trì rà soát thủ tục hành chính; Sở Tài chính phối hợp.",
         "p4": "Thu ngân sách huyện đạt kế hoạch."}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def lexical(request: pytest.FixtureRequest) -> LexicalIndex:
    idx = IMPLEMENTATIONS[request.param](request)
    idx.add_tokens((pid, tokens(t), tokens(t, folded=True)) for pid, t in TEXTS.items())
    return idx


def test_best_first_at_most_k(lexical: LexicalIndex) -> None:
    assert isinstance(lexical, LexicalIndex) and len(lexical) == len(TEXTS)
    hits = lexical.search("tổng thu ngân sách nhà nước", 2, diacritics=True)
    assert [pid for pid, _ in hits][:1] == ["p1"] and len(hits) <= 2
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True) and all(s > 0 for _, s in hits)
    assert lexical.search("ngân sách", 10, diacritics=True) and lexical.search("hoàn toàn khác", 5, diacritics=True) == []


def test_a_question_without_diacritics_finds_the_passage(lexical: LexicalIndex) -> None:
    assert lexical.search("sot xuat huyet", 3, diacritics=False)[0][0] == "p2"


def test_removed_passages_are_gone_and_allowed_restricts(lexical: LexicalIndex) -> None:
    assert {pid for pid, _ in lexical.search("ngân sách", 10, diacritics=True, allowed=lambda pid: pid != "p1")} == {"p4"}
    lexical.remove(["p4"])
    assert [pid for pid, _ in lexical.search("ngân sách", 10, diacritics=True)] == ["p1"] and len(lexical) == 3


def test_idf_grows_with_rarity(lexical: LexicalIndex) -> None:
    assert lexical.idf("khôngcó") == 0.0
    assert lexical.idf("sốt") > lexical.idf("ngân") > 0
    assert lexical.idf("sot", folded=True) > 0


def test_an_accented_match_outranks_a_folded_one(lexical: LexicalIndex) -> None:
    """A question with its marks ranks the passage that has them above one matching only once folded; without
    marks both are found (tests/test_vntext.py held the in-process index alone to it)."""
    more = {"a": "kế hoạch xuất khẩu", "b": "kẻ hoạch xuât khâu"}
    lexical.add_tokens((pid, tokens(t), tokens(t, folded=True)) for pid, t in more.items())
    ours = more.__contains__  # p4 says "kế hoạch" too, rightly above "b"
    assert [pid for pid, _ in lexical.search("kế hoạch xuất khẩu", 3, diacritics=True, allowed=ours)] == ["a", "b"]
    assert {pid for pid, _ in lexical.search("ke hoach xuat khau", 3, diacritics=False, allowed=ours)} == {"a", "b"}
