"""Paragraph ends recovered from where a PDF's lines sit on the page.

pypdf's plain extraction gives one text line per printed line and drops the layout: a heading and the paragraph
under it, or two paragraphs, come out as consecutive lines that the hard-wrap joiner would run together. The
page's geometry says where a paragraph really ends: a line that stops short although the next line's first word
would have fitted (the writer pressed Enter), a vertical gap wider than the line pitch (paragraph spacing), or a
next line that starts far right of the margin (a centred title). Line boxes come from pdfium's text rectangles
(pypdfium2), and the decisions are carried onto pypdf's lines by matching their letters."""

from __future__ import annotations

import difflib
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .textnorm import SUP_TO_DIGIT, SUPERSCRIPT_DIGITS, ends_sentence, starts_block

_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*)?(?:Trang\s+)?(\d{1,3})(?:\s*/\s*\d{1,3})?(?:\s*[-–])?\s*$", re.I)
_MARKER_ONLY = re.compile(rf"^\s*[{SUPERSCRIPT_DIGITS}]+[.,;:)]*\s*$")
GAP_RATIO = 1.35  # a pitch this much wider than the page's usual one is paragraph spacing
INDENT_SHARE = 0.15  # a line starting this far into the text width is centred or set apart


@dataclass
class PrintedLine:
    x0: float
    x1: float
    bottom: float
    top: float
    text: str
    first_word: float = 0.0  # printed width of the line's first word (what a wrap could not fit above)

    @property
    def middle(self) -> float:
        return (self.bottom + self.top) / 2


def printed_lines(page: Any) -> tuple[list[PrintedLine], float]:
    """A pdfium page's text rectangles merged into printed lines (a raised footnote digit is its own rectangle
    overlapping the top half of its line), and the page's width."""
    textpage = page.get_textpage()
    lines: list[PrintedLine] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if not text.strip():
            continue
        last = lines[-1] if lines else None
        if last is not None and min(top, last.top) - max(bottom, last.bottom) > 0.4 * min(top - bottom, last.top - last.bottom):
            last.x0, last.x1 = min(last.x0, left), max(last.x1, right)
            last.bottom, last.top = min(last.bottom, bottom), max(last.top, top)
            last.text += text
        else:
            lines.append(PrintedLine(left, right, bottom, top, text, _first_word_width(textpage, left, bottom, top)))
    return lines, float(page.get_width())


def _first_word_width(textpage: Any, left: float, bottom: float, top: float) -> float:
    """From the glyph boxes: where the first word of the rectangle starting at `left` ends."""
    start = textpage.get_index(left + 0.5, (bottom + top) / 2, 2.0, (top - bottom) / 2)
    if start is None or start < 0:
        return 0.0
    end_x, total = 0.0, textpage.count_chars()
    for j in range(start, min(start + 40, total)):
        ch = textpage.get_text_range(j, 1)
        if not ch.strip():
            if end_x:
                break
            continue
        box = textpage.get_charbox(j)
        if box[1] > top or box[3] < bottom:  # the word went on to another line
            break
        end_x = max(end_x, box[2])
    return max(end_x - left, 0.0)


def _wrap_width(line: PrintedLine) -> float:
    """The room a line above needs to have had for this line's first word to fit on it: the word, a space and
    a character's slack (renderers reserve a little at the margin)."""
    if line.first_word:
        return line.first_word + 0.8 * (line.top - line.bottom)
    words = line.text.split()
    return (len(words[0]) + 1 if words else 1) * (line.x1 - line.x0) / max(len(line.text), 1)


def paragraph_ends(lines: list[PrintedLine], page_width: float = 0.0,
                   next_page_first: PrintedLine | None = None) -> list[bool]:
    """For each printed line: does a paragraph end after it? The next page's first line, when known, decides
    for the last one."""
    if len(lines) < 2:
        return [True] * len(lines)
    left = sorted(ln.x0 for ln in lines)[len(lines) // 10]
    widths = sorted(ln.x1 for ln in lines)
    # The text's right edge: a stray wide line does not move it, and a page of short lines (a signature
    # block) is measured against the margin a page of that width has, not against its own longest line.
    right = max(widths[int(0.9 * (len(widths) - 1))], page_width - left)
    span = max(right - left, 1.0)
    pitches = [a.middle - b.middle for a, b in zip(lines, lines[1:]) if a.middle > b.middle]
    pitch = statistics.median(pitches) if pitches else 0.0
    ends: list[bool] = []
    for k, (ln, nxt) in enumerate(zip(lines, lines[1:])):
        room = right - ln.x1
        pressed_enter = room > _wrap_width(nxt) and room > 0.04 * span
        gap = pitch > 0 and (ln.middle - nxt.middle) > GAP_RATIO * pitch
        set_apart = nxt.x0 - left > INDENT_SHARE * span
        # A first-line indent: the next line steps in and the one after it is back at the margin (a hanging
        # indent steps in and stays in; a list item's own first line starts with its marker).
        after = lines[k + 2] if k + 2 < len(lines) else None
        indented = (0.02 * span < nxt.x0 - max(ln.x0, left) <= INDENT_SHARE * span and after is not None
                    and abs(after.x0 - left) < 0.01 * span and not starts_block(ln.text.strip()))
        ends.append(pressed_enter or gap or set_apart or indented)
    room = right - lines[-1].x1
    if next_page_first is not None:  # a page break is no paragraph end unless the line stopped short
        ends.append(room > _wrap_width(next_page_first) and room > 0.04 * span)
    else:
        ends.append(room > 0.04 * span)
    return ends


def is_page_number(text: str, page: int) -> bool:
    """A folio ("2", "- 2 -", "Trang 2/5") printed above or below the text, not part of it."""
    m = _PAGE_NUMBER.match(text)
    return m is not None and abs(int(m.group(1)) - page) <= 2


T = TypeVar("T")


def drop_page_numbers(texts: list[T], page: int, text_of: Callable[[T], str] = str) -> list[T]:
    """Remove a folio from the first or last non-empty line of a page."""
    items = list(texts)
    for pick in (0, -1):
        filled = [k for k, t in enumerate(items) if text_of(t).strip()]
        if filled and is_page_number(text_of(items[filled[pick]]), page):
            del items[filled[pick]]
    return items


def _key(text: str) -> str:
    """Letters and digits only: both extractors agree on them where they differ on spaces and markers."""
    return "".join(ch for ch in text.lower().translate(SUP_TO_DIGIT) if ch.isalnum())[:40]


def with_paragraph_breaks(text: str, lines: list[PrintedLine], page: int, page_width: float = 0.0,
                          next_page: list[PrintedLine] | None = None) -> tuple[str, bool]:
    """pypdf's page text without its folio, one line per printed paragraph and a blank line after each; and
    whether the page's last line runs on to the next page."""
    ours: list[str] = []
    for t in drop_page_numbers(text.split("\n"), page):
        if ours and _MARKER_ONLY.match(t):  # a raised footnote marker pypdf set on a line of its own
            ours[-1] = ours[-1].rstrip() + t.strip()
        else:
            ours.append(t)
    lines = drop_page_numbers(lines, page, lambda ln: ln.text)
    if not lines or len(ours) < 2:
        return "\n".join(ours), False
    following = drop_page_numbers(next_page or [], page + 1, lambda ln: ln.text)
    ends = paragraph_ends(lines, page_width, following[0] if following else None)
    matcher = difflib.SequenceMatcher(None, [_key(t) for t in ours], [_key(ln.text) for ln in lines], autojunk=False)
    ends_at: dict[int, bool] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            if _key(ours[block.a + k]):
                ends_at[block.a + k] = ends[block.b + k]
    filled = [k for k, t in enumerate(ours) if _key(t)]
    runs_on = bool(filled) and ends_at.get(filled[-1]) is False
    # Lines of one printed paragraph become one line (a footnote's second line stays in the footnote); a
    # blank line follows each paragraph end. Lines the geometry does not vouch for keep their own line.
    out: list[str] = []
    joining = False
    for i, t in enumerate(ours):
        if joining:
            out[-1] = out[-1].rstrip() + " " + t.lstrip()
        else:
            out.append(t)
        known = ends_at.get(i)
        if known is False and i + 1 < len(ours) and ends_sentence(t) and starts_block(ours[i + 1].strip()):
            known = True  # a numbered heading or list item under a full last line still starts anew
        joining = known is False and (i + 1) in ends_at
        if known and i < len(ours) - 1:
            out.append("")
    return "\n".join(out), runs_on
