"""The `Answerer` contract (assistant/types.py), held by the extractive answerer and by the LLM answerer
(against the scripted OpenAI-protocol server, tests/fake_openai.py — no LLM runs here): an answer cites the
passages it stands on by number (or abstains), its stream is deltas then one `done`, the deltas spell the
answer unless it was replaced, and a malformed filter is a `BadFilter`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from assistant.container import Container
from assistant.settings import Settings
from assistant.types import Answer, Answerer
from index.filters import BadFilter

from ..fake_openai import FakeOpenAI

GOOD = "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt 640,5 tỷ đồng, đạt 24,3% dự toán [{src:640,5}]."
QUESTION = "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?"
UNKNOWN = "Có bao nhiêu tàu vũ trụ được phóng lên sao Hỏa trong năm 2024?"


def _extractive(settings: Settings, _: FakeOpenAI) -> Answerer:
    return Container(settings).answerer


def _llm(settings: Settings, fake: FakeOpenAI) -> Answerer:
    return Container(settings.model_copy(update={"llm_base_url": fake.base_url, "llm_model": "scripted",
                                                 "llm_api_key": "test"})).answerer


IMPLEMENTATIONS: dict[str, Callable[[Settings, FakeOpenAI], Answerer]] = {"extractive": _extractive, "llm": _llm}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI([("Tổng thu ngân sách", GOOD)]) as server:
        yield server


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def answerer(request: pytest.FixtureRequest, samples_settings: Settings, fake: FakeOpenAI) -> Answerer:
    return IMPLEMENTATIONS[request.param](samples_settings, fake)


def _cites_what_it_stands_on(a: Answer) -> None:
    """An answer names its sources by number, each a passage; an abstention may quote the closest passage."""
    assert isinstance(a, Answer) and a.answer.strip() and isinstance(a.grounding, dict) and "ok" in a.grounding
    assert a.abstained or a.citations
    assert [c.n for c in a.citations] == sorted(c.n for c in a.citations)
    assert all(c.id and c.text and c.label for c in (*a.citations, *a.related))
    assert all(f"[{c.n}]" in a.answer for c in a.citations)


def test_an_answer_cites_what_it_stands_on(answerer: Answerer) -> None:
    assert isinstance(answerer, Answerer) and answerer.mode in ("extractive", "llm")
    a = answerer.answer(QUESTION)
    _cites_what_it_stands_on(a)
    assert a.mode == answerer.mode and a.query
    _cites_what_it_stands_on(answerer.answer(UNKNOWN))
    _cites_what_it_stands_on(answerer.answer("còn chi ngân sách địa phương thì sao?", [QUESTION]))


def test_the_stream_is_deltas_then_one_done(answerer: Answerer) -> None:
    events = list(answerer.stream(QUESTION))
    assert events and "done" in events[-1] and all("delta" in e for e in events[:-1])
    done = events[-1]
    _cites_what_it_stands_on(done["done"])
    if not done.get("replaced"):
        assert "".join(e["delta"] for e in events[:-1]).strip() == done["done"].answer.strip()


def test_a_malformed_filter_is_refused(answerer: Answerer) -> None:
    with pytest.raises(BadFilter):
        answerer.answer(QUESTION, [], {"colour": "red"})
    with pytest.raises(BadFilter):
        list(answerer.stream(QUESTION, [], {"colour": "red"}))
