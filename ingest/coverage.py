"""The coverage ledger of one document: how much of what was read the passages keep, and every line left out
with the reason it was left out.

A records system may refuse a file but never keep it and quietly lose part of it. The ledger is computed
after chunking, against the passages themselves (not against what the pipeline believes it kept): a line
read from the file is kept when its text is in the passages' text (compared normalised: NFC, whitespace
collapsed, footnote markers aside); a line that was dropped on purpose carries the reason given by whoever
dropped it ("furniture: site footer", "folio"…); a line that is in no passage and was not dropped on
purpose is *lost*, which the tests forbid.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .textnorm import SUP_RUN, clean_line, split_sentences
from .types import Line

_NON_WORD = re.compile(r"[\W_]+")
_MARKUP_ONLY = re.compile(r"^[|*#_=~\s]*$|^\s*[-–—_=.*]{3,}\s*$")  # table pipes, rules, emphasis debris


@dataclass
class DroppedLine:
    """A line of the file that no passage holds, on purpose; `reason` starts with its category."""

    text: str
    reason: str
    page: int | None = None
    line: int | None = None  # its position among the lines the parser read; None if the parser left it out

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "reason": self.reason, "page": self.page}


@dataclass
class Ledger:
    chars_read: int = 0
    chars_kept: int = 0
    lines_read: int = 0
    dropped: list[DroppedLine] = field(default_factory=list)
    lost: list[DroppedLine] = field(default_factory=list)  # in no passage and dropped by nobody: a defect

    @property
    def kept_share(self) -> float:
        return self.chars_kept / self.chars_read if self.chars_read else 1.0

    def summary(self) -> str:
        """One line for the per-file report: "kept 99.6%, dropped 14 lines (furniture)"."""
        text = f"kept {100 * self.kept_share:.1f}%"
        if self.dropped:
            kinds = Counter(d.reason.split(":")[0] for d in self.dropped)
            text += f", dropped {len(self.dropped)} line{'s' * (len(self.dropped) != 1)} (" + ", ".join(
                kind if n == len(self.dropped) else f"{kind} {n}" for kind, n in kinds.most_common()) + ")"
        if self.lost:
            text += f", {len(self.lost)} line{'s' * (len(self.lost) != 1)} in no passage"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "chars_read": self.chars_read,
            "chars_kept": self.chars_kept,
            "kept_share": round(self.kept_share, 4),
            "lines_read": self.lines_read,
            "summary": self.summary(),
            "dropped": [d.as_dict() for d in self.dropped],
            "lost": [d.as_dict() for d in self.lost],
        }


_BRACKET_MARKER = re.compile(r"\[\d{1,3}\]")


def normalised(text: str) -> str:
    """What coverage compares: the words in order (NFC; footnote markers — superscript or bracketed, which
    ingest rewrites as superscripts: ingest/bracketnotes.py —, punctuation and spacing aside — a table's
    "I CẢI CÁCH" is the row context "I. CẢI CÁCH")."""
    text = _BRACKET_MARKER.sub(" ", SUP_RUN.sub("", unicodedata.normalize("NFC", text)))
    return _NON_WORD.sub(" ", text).strip()


def content_of(text: str) -> str:
    """A line's text as passages would hold it; "" for blank lines and markup (table pipes, rules)."""
    cleaned = clean_line(text)
    return "" if _MARKUP_ONLY.match(cleaned) else cleaned


def _cells(content: str) -> list[str]:
    return [c for c in content.split("\t") if normalised(c)]


def _by_sentence(cell: str, haystack: str) -> bool:
    """A paragraph cut between two passages at a sentence end (and the next one printed under its item
    title) is kept when each of its sentences is."""
    return all(_found(s, haystack) for s in split_sentences(cell))


def _found(text: str, haystack: str) -> bool:
    """Whole words in order: "ban" is not found inside "ban hành"'s neighbour "toàn ban"… only as words."""
    return f" {normalised(text)} " in haystack


def build_ledger(lines: list[Line], passage_texts: list[str], dropped: list[DroppedLine]) -> Ledger:
    """Compare every line read with the passages (in document order, so text cut between two consecutive
    passages is still found); the dropped lines keep the reasons their droppers gave."""
    haystack = f" {normalised(' '.join(passage_texts))} "
    by_line = {d.line: d for d in dropped if d.line is not None}
    ledger = Ledger()
    for i, ln in enumerate(lines):
        content = content_of(ln.text)
        cells = _cells(content)
        if not cells:
            continue
        size = sum(len(normalised(c)) for c in cells)
        ledger.lines_read += 1
        ledger.chars_read += size
        if i in by_line:
            ledger.dropped.append(by_line[i])
        elif all(_found(c, haystack) or _by_sentence(c, haystack) for c in cells):
            ledger.chars_kept += size
        else:
            ledger.lost.append(DroppedLine(content, "lost: in no passage", ln.page, i))
    # Lines the parser left out before handing its lines over (folios of PDF pages) were read too.
    for d in dropped:
        if d.line is None:
            ledger.dropped.append(d)
            ledger.lines_read += 1
            ledger.chars_read += len(normalised(d.text))
    return ledger
