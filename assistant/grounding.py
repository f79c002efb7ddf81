"""The grounding check for generated answers: every figure, percentage, date and document number of a
sentence must occur in the passages that sentence cites, and each cited passage must share the sentence's
words. Numbers are compared after normalising their writing (`6.137,6` = `6137,6`, `02/2024` = `2/2024`,
`29 /2023/QĐ-UBND` = `29/2023/qd-ubnd`). Nothing in the answer's wording can argue its way past it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.vntext import fold, tokens
from ingest.docnumbers import find_typed_numbers

from .injection import without_instructions

_MARK = re.compile(r"\[(\d{1,2})\]")
_SENT = re.compile(r"(?<=[.!?;])\s+|\n+")
_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?/\s?(\d{1,2})(?:\s?/\s?(\d{4}))?(?![\d/])")
_NUM = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:\s?%)?")
MIN_SUPPORT = 0.25  # share of a sentence's content words its cited passages must contain


@dataclass
class Grounding:
    ok: bool = True
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "problems": list(self.problems)}


def _num_forms(n: str) -> set[str]:
    n = n.replace(" ", "")
    bare = n.rstrip("%")
    forms = {n, bare}
    forms.add(bare.replace(".", ""))  # thousands dots dropped
    if re.fullmatch(r"0\d+", bare):
        forms.add(bare.lstrip("0"))
    return forms


def _facts(sentence: str) -> list[tuple[str, set[str]]]:
    """(as written, accepted forms) for each document number, date and figure of the sentence."""
    out: list[tuple[str, set[str]]] = []
    rest = sentence
    for num, s, e in find_typed_numbers(sentence):
        out.append((sentence[s:e], {num.key}))
        rest = rest.replace(sentence[s:e], " ")
    for m in _DATE.finditer(rest):
        d, mo, y = m.group(1), m.group(2), m.group(3)
        key = f"{int(d)}/{int(mo)}" + (f"/{y}" if y else "")
        out.append((m.group(0), {key}))
    rest = _DATE.sub(" ", rest)
    for m in _NUM.finditer(rest):
        text = m.group(0)
        digits = re.sub(r"\D", "", text)
        if len(digits) < 2 and "%" not in text:
            continue  # list numbering and single digits are too ambiguous to check
        out.append((text, _num_forms(text)))
    return out


def _passage_facts(text: str) -> set[str]:
    forms: set[str] = set()
    for f in _facts(text):
        forms |= f[1]
    return forms


def _content(sentence: str) -> set[str]:
    return {t for t in tokens(_MARK.sub(" ", sentence)) if "_" not in t and not t[0].isdigit() and len(t) > 1}


def check(answer: str, sources: dict[int, str]) -> Grounding:
    """`sources` maps each citation number offered to the model to its passage text."""
    problems: list[str] = []
    # a figure that a source only gives inside an instruction to the reader is not something it states
    facts_of = {n: _passage_facts(without_instructions(text)) for n, text in sources.items()}
    words_of = {n: set(tokens(text)) | {fold(t) for t in tokens(text)} for n, text in sources.items()}
    for sentence in _SENT.split(answer):
        sentence = sentence.strip()
        if not sentence:
            continue
        marks = [int(m) for m in _MARK.findall(sentence)]
        unknown = [m for m in marks if m not in sources]
        for m in unknown:
            problems.append(f"[{m}] không phải là nguồn được cung cấp (no such source): “{sentence[:80]}”")
        cited = [m for m in marks if m in sources]
        facts = _facts(_MARK.sub(" ", sentence))
        if facts and not cited:
            problems.append(f"câu có số liệu nhưng không trích dẫn nguồn (uncited figures {', '.join(f for f, _ in facts)}): "
                            f"“{sentence[:80]}”")
            continue
        if not cited:
            continue
        allowed = set().union(*(facts_of[m] for m in cited))
        for written, forms in facts:
            if not forms & allowed:
                problems.append(f"“{written}” không có trong nguồn {', '.join(f'[{m}]' for m in cited)} "
                                f"(figure not in the cited source)")
        content = _content(sentence)
        if len(content) >= 4:
            for m in cited:
                shared = sum(1 for w in content if w in words_of[m] or fold(w) in words_of[m])
                if shared / len(content) < MIN_SUPPORT:
                    problems.append(f"nguồn [{m}] không chứa nội dung của câu (source does not support the sentence): "
                                    f"“{sentence[:80]}”")
    return Grounding(not problems, problems)
