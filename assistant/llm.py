"""The optional LLM mode: any OpenAI-compatible endpoint through langchain-openai, prompts read from
`prompts/`, answers checked by `grounding.check` before anyone sees them. A failed check (or an endpoint
that fails) gives the extractive answer instead, with the reasons in `grounding`.

Streaming releases the answer sentence by sentence, each only after it passed the check, so an altered
figure is never shown even for a moment."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.followups import looks_like_followup

from .analysis import analyze
from .answer import ExtractiveAnswerer
from .compose import ABSTAIN_EN, ABSTAIN_VI
from .grounding import Grounding, check
from .injection import flag_instructions
from .sources import citation_of
from .types import Answer, AnswerEvent

if TYPE_CHECKING:
    from index.retrieval import Hit

    from .search import SearchService
    from .settings import Settings

log = logging.getLogger("chidao.llm")
SOURCES = 6
_ABSTAIN_TEXT = re.compile(r"không tìm thấy thông tin|không có thông tin|do not contain|not contain the information", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def load_prompt(settings: Settings, name: str) -> str:
    return (Path(settings.prompts_dir) / name).read_text(encoding="utf-8")


class LLMAnswerer:
    mode = "llm"

    def __init__(self, search: SearchService, settings: Settings, fallback: ExtractiveAnswerer) -> None:
        self.search = search
        self.settings = settings
        self.fallback = fallback
        self._chat: Any = None

    def chat(self) -> Any:
        if self._chat is None:
            from langchain_openai import ChatOpenAI
            from pydantic import SecretStr

            s = self.settings
            self._chat = ChatOpenAI(base_url=s.llm_base_url, model=s.llm_model or "",
                                    api_key=SecretStr(s.llm_api_key or "none"),
                                    timeout=s.llm_timeout_s, max_retries=1, temperature=0)
        return self._chat

    # --- the pieces ------------------------------------------------------------------------------
    def _standalone(self, question: str, history: list[str]) -> str:
        """A follow-up rewritten by the model (prompts/rewrite_vi.txt); the heuristic query if it fails."""
        if not history or not looks_like_followup(question) or analyze(question).number_keys:
            return question
        try:
            prompt = load_prompt(self.settings, "rewrite_vi.txt").format(
                history="\n".join(f"- {h}" for h in history[-3:]), question=question)
            text = str(self.chat().invoke(prompt).content).strip().strip('"“”')
            return text if 3 < len(text) < 500 else question
        except Exception:  # noqa: BLE001 - the endpoint is optional; retrieval goes on without it
            log.warning("follow-up rewrite failed; using the conversation heuristic", exc_info=True)
            return question

    def _messages(self, question: str, hits: list[Hit], english: bool) -> list[tuple[str, str]]:
        blocks = []
        for i, h in enumerate(hits, 1):
            label = citation_of(i, h.passage).label
            blocks.append(f"[{i}] {label}\n{flag_instructions(h.passage.text)}")
        user = load_prompt(self.settings, "answer_vi.txt").format(
            sources="\n\n".join(blocks), question=question, language="tiếng Anh" if english else "tiếng Việt")
        return [("system", load_prompt(self.settings, "system_vi.txt")), ("human", user)]

    def _retrieve(self, question: str, history: list[str], filters: dict[str, Any] | None,
                  ) -> tuple[list[Hit], str]:
        rewritten = self._standalone(question, history)
        if rewritten != question:
            return self.search.search(rewritten, SOURCES, filters).hits, rewritten
        outcome, query = self.search.search_in_context(question, history, SOURCES, filters)
        return outcome.hits, query

    def _extractive(self, question: str, history: list[str], query: str, filters: dict[str, Any] | None) -> Answer:
        """The extractive answer; a follow-up the model rewrote is answered as its standalone question."""
        if history and query != question and not query.startswith(question):
            return self.fallback.answer(query, [], filters)
        return self.fallback.answer(question, history, filters)

    def _finish(self, text: str, hits: list[Hit], query: str, english: bool, question: str, history: list[str],
                filters: dict[str, Any] | None, grounding: Grounding) -> Answer:
        if not grounding.ok:
            fallback = self._extractive(question, history, query, filters)
            fallback.mode = "extractive"
            fallback.grounding = {"ok": False, "problems": grounding.problems, "replaced_by": "extractive"}
            return fallback
        if _ABSTAIN_TEXT.search(text) and not re.search(r"\[\d+\]", text):
            related = [citation_of(i + 1, h.passage) for i, h in enumerate(hits[:3])]
            return Answer(ABSTAIN_EN if english else ABSTAIN_VI, True, [], related, query, mode="llm",
                          grounding=grounding.as_dict())
        used = sorted({int(m) for m in re.findall(r"\[(\d+)\]", text)})
        citations = [citation_of(n, hits[n - 1].passage) for n in used if 0 < n <= len(hits)]
        return Answer(text.strip(), False, citations, [], query, mode="llm", grounding=grounding.as_dict())

    # --- answers ---------------------------------------------------------------------------------
    def answer(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Answer:
        history = history or []
        english = analyze(question).english
        hits, query = self._retrieve(question, history, filters)
        if not hits:
            return self.fallback.answer(question, history, filters)
        try:
            text = str(self.chat().invoke(self._messages(question, hits, english)).content)
        except Exception as exc:  # noqa: BLE001
            log.warning("LLM endpoint failed: %s", exc)
            out = self._extractive(question, history, query, filters)
            out.grounding = {"ok": True, "problems": [], "llm_error": str(exc)[:200]}
            return out
        sources = {i: h.passage.text for i, h in enumerate(hits, 1)}
        return self._finish(text, hits, query, english, question, history, filters, check(text, sources))

    def stream(self, question: str, history: list[str] | None = None,
               filters: dict[str, Any] | None = None) -> Iterator[AnswerEvent]:
        """Events: {"delta": text} per checked sentence, then {"done": answer, "replaced": bool} — replaced when
        a sentence failed the check (or the endpoint failed) and the extractive answer stands instead."""
        history = history or []
        english = analyze(question).english
        hits, query = self._retrieve(question, history, filters)
        if not hits:
            yield {"done": self.fallback.answer(question, history, filters), "replaced": False}
            return
        sources = {i: h.passage.text for i, h in enumerate(hits, 1)}
        buffer, shown = "", ""
        try:
            for chunk in self.chat().stream(self._messages(question, hits, english)):
                buffer += str(chunk.content)
                parts = _SENTENCE_END.split(buffer)
                if len(parts) == 1:
                    continue
                complete, buffer = buffer[: len(buffer) - len(parts[-1])], parts[-1]
                verdict = check(shown + complete, sources)
                if not verdict.ok:
                    yield {"done": self._finish(shown + complete, hits, query, english, question, history, filters,
                                                verdict), "replaced": True}
                    return
                shown += complete
                yield {"delta": complete}
        except Exception as exc:  # noqa: BLE001
            log.warning("LLM stream failed: %s", exc)
            out = self._extractive(question, history, query, filters)
            out.grounding = {"ok": True, "problems": [], "llm_error": str(exc)[:200]}
            yield {"done": out, "replaced": True}
            return
        full = shown + buffer
        verdict = check(full, sources)
        answer = self._finish(full, hits, query, english, question, history, filters, verdict)
        if verdict.ok and buffer:
            yield {"delta": buffer}
        yield {"done": answer, "replaced": not verdict.ok}
