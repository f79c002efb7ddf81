"""Footnotes written with bracketed markers, as crawled legal sites publish them: the body cites "7 địa
phương[1]" and the footnote sits after the signature as a line "[1] Lâm" continued by "Đồng, Bắc Ninh, …" (the
site's anchor holds the marker and the first word). PDFs write the same footnotes with superscripts, which
the structure reader already turns into footnote passages linked to their citing sentence; bracketed markers
are rewritten as superscripts so both layouts become the same passages.

A number N is read as a footnote only when the document both cites "[N]" inside a line and opens a line with
"[N]": a bracketed number that opens lines but is never cited (a numbered list "[1] …") or is cited but has no
body (a reference to an outside source) stays as written."""

from __future__ import annotations

import re

from .textnorm import DIGIT_TO_SUP
from .types import Line

_OPENING = re.compile(r"^\s*\[(\d{1,3})\]\s*(\S.*)?$")
_CITED = re.compile(r"(?<=\S)\s?\[(\d{1,3})\](?!\()")  # "phương[1]", "phương [1]"; not a markdown link "[1](…)"
SHORT_OPENING_CHARS = 30  # "[1] Lâm", "[1] Hồ sơ dự thảo": the site's anchor, the body on the next lines
_FULL_STOP = re.compile(r"[.!?…][\"'”’»)]*$")
WRAPPED_LINE_CHARS = 60  # a line this long that ends no sentence was wrapped by the page, not ended


def _sup(n: str) -> str:
    return n.translate(DIGIT_TO_SUP)


def bracket_footnotes(lines: list[Line]) -> list[Line]:
    """The lines with bracketed footnote markers rewritten as superscripts, each footnote joined with the
    lines that continue it (`_continues`)."""
    openings = [_OPENING.match(ln.text) for ln in lines]
    opened = {m.group(1) for m in openings if m}
    # a footnote's own body may cite another footnote: its text after the marker is searched too
    cited = {c.group(1) for ln, m in zip(lines, openings)
             for c in _CITED.finditer((m.group(2) or "") if m else ln.text)}
    notes = opened & cited
    if not notes:
        return lines
    out: list[Line] = []
    i = 0
    while i < len(lines):
        ln, m = lines[i], openings[i]
        if m and m.group(1) in notes:
            body = (m.group(2) or "").strip()
            last, opening = ln.text.strip(), True
            while i + 1 < len(lines) and _continues(body, last, opening, lines[i + 1].text):
                i += 1
                last, opening = lines[i].text.strip(), False
                body = f"{body} {last}".strip()
            out.append(Line(f"{_sup(m.group(1))} {_cite(body, notes)}", ln.page))
        else:
            out.append(Line(_cite(ln.text, notes), ln.page))
        i += 1
    return out


def _continues(body: str, last: str, opening: bool, nxt: str) -> bool:
    """The next line carries on the footnote: the footnote has not come to a full stop (a footnote listing
    documents runs on over semicolons) and is still its short opening line, or its last line was hard-wrapped
    (a long line, or one ending on a comma), or the next line reads as a continuation (lower case, a figure).
    Never another footnote, never a blank line."""
    nxt = nxt.strip()
    if not nxt or _OPENING.match(nxt) or _FULL_STOP.search(body):
        return False
    wrapped = len(last) >= WRAPPED_LINE_CHARS or last.endswith(",")
    return (opening and len(last) <= SHORT_OPENING_CHARS) or wrapped or nxt[:1].islower() or nxt[:1].isdigit()


def _cite(text: str, notes: set[str]) -> str:
    return _CITED.sub(lambda m: _sup(m.group(1)) if m.group(1) in notes else m.group(0), text)
