"""Text cleaning for Vietnamese administrative documents: NFC, whitespace, markdown emphasis, sentence ends.

Figures are never touched: only whitespace and markup are removed. Page furniture is furniture.py's concern.
"""

from __future__ import annotations

import re
import unicodedata

from .types import Line

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUP_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
DIGIT_TO_SUP = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
SUP_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """NFC, invisible characters removed, spaces collapsed (tabs kept). Nothing else: a `<`, a `*` or a `_`
    is text here — markup is removed by the reader of the format that has it (HTML by its parser,
    markdown by strip_markdown)."""
    line = nfc(line).translate(_ZERO_WIDTH)
    parts = [_SPACES.sub(" ", p).strip() for p in line.split("\t")]
    return "\t".join(parts).strip() if len(parts) == 1 else "\t".join(parts)


# Markdown as crawlers write it: `**bold**` and `*italic*` spans (often opened on one line and closed on a
# later one, so no per-line markdown parser sees the pair), `#` heading marks, `____` rules.
_MD_STRONG = re.compile(r"(?<!\()\*{2,}|\*{2,}(?!\))")  # but "(**)", a note mark
_MD_EM = re.compile(
    r"(?:(?<=^)|(?<=[\s\[\"“‘'«-]))\*(?=[^\s*)])"  # an opening `*`: after a space or an opening mark
    r"|(?<=[^\s(*])\*(?=$|[\s.,;:!?)\]\"”’'»-])"  # a closing `*`: after text, before a space or punctuation
    r"|^\s*\*(?=\s)|(?<=\s)\*\s*$"  # a stray `*` at a line's edge
)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?=\s|$)")
_MD_RULE = re.compile(r"(?<!\w)_{3,}(?!\w)")
_MD_PAIR = re.compile(r"\*\*[^*\s]|[^*\s]\*\*|^\s{0,3}#{1,6}\s+\S", re.M)


def looks_markdown(text: str) -> bool:
    """Text written as markdown (a crawled page): it has `**` emphasis or `#` heading lines. Only then are
    asterisks, `#` and underscore rules markup; in plain text they are content ("(*)", "a * b", "B_04b")."""
    return len(_MD_PAIR.findall(text)) >= 2


def strip_markdown(line: str) -> str:
    """A markdown line's text: emphasis marks, heading marks and underscore rules removed; a `(*)` note
    mark, a spaced `a * b` and `snake_case` kept."""
    line = _MD_HEADING.sub("", line)
    line = _MD_STRONG.sub("", line)
    line = _MD_EM.sub("", line)
    return _MD_RULE.sub("", line)


# HTML that leaked into a text file from a web export (`<ul style="list-style-type: none">` inside a table
# cell): only what cannot be text — a real HTML element's tag with quoted attributes, its closing tag, a line
# break tag. Text that merely looks like a tag stays verbatim: "chỉ số a<b, giá trị x > 7", "<ghi chú …: số
# thực là 15%>", even a bare "<b>".
_HTML_ELEMENTS = ("a|abbr|b|big|blockquote|br|center|code|div|em|font|h[1-6]|hr|i|img|li|ol|p|pre|small|span|"
                  "strong|sub|sup|table|tbody|td|th|thead|tr|u|ul")
_LEAKED_TAG = re.compile(
    rf"<(?:{_HTML_ELEMENTS})(?:\s+[a-zA-Z-]+\s*=\s*(?:\"[^\"<>]*\"|'[^'<>]*'))+\s*/?>"  # with attributes
    rf"|</(?:{_HTML_ELEMENTS})>|<(?:br|hr)\s*/?>",
    re.I,
)


def strip_leaked_html(line: str) -> str:
    return _LEAKED_TAG.sub(" ", line) if "<" in line else line


def sup_to_int(s: str) -> int:
    return int(s.translate(SUP_TO_DIGIT))


def strip_superscripts(text: str) -> str:
    return SUP_RUN.sub("", text)


_TRAILING = "\"'”’»)]" + SUPERSCRIPT_DIGITS + " "


def ends_sentence(text: str) -> bool:
    """True when the text ends like a finished sentence or clause list (so it is not cut by a page break)."""
    s = text.rstrip(_TRAILING)
    return bool(s) and s[-1] in ".!?…:;"


_LIST_START = re.compile(
    r"^([-+•–*]\s|[a-zđ]\)\s|\d+(\.\d+)*\.?\s|\(\d+\)\s|[IVXLC]+\.\s|Điều\s+\d+|Chương\s+[IVXLC\d]+|"
    r"Phần\s+[IVXLC\d]+|Nơi nhận|Kính gửi|Căn cứ|Số:|TM\.|KT\.|Q\.|TL\.|V/v\b|"
    r"[A-ZĐ][\wÀ-ỹ. ]{1,30}, ngày\b)",
)


def starts_block(line: str) -> bool:
    return bool(_LIST_START.match(line))


def starts_lower(text: str) -> bool:
    s = text.lstrip("\"'“‘(«")
    return bool(s) and s[0].islower()


_SENT_SPLIT = re.compile(r"(?<=[.!?;…])[\"”’)]?\s+(?=[\"“(]?[A-ZĐÀ-ỸÂĂÊÔƠƯ0-9(\-–+])")


# A list marker written alone: "11.", "2.3.", "IV.", "a)"
LIST_MARKER = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,5}|[a-zđ])[.)]")


def split_sentences(text: str) -> list[str]:
    """Sentence-ish units; semicolons split too, because reports chain many figures with them. A list marker
    ("11.", "IV.") is not a sentence: it opens the one after it."""
    out: list[str] = []
    start = 0
    for m in _SENT_SPLIT.finditer(text):
        if LIST_MARKER.fullmatch(text[start:m.start()].strip()):
            continue
        part = text[start:m.start()].strip()
        if part:
            out.append(part)
        start = m.end()
    part = text[start:].strip()
    if part:
        out.append(part)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of split_sentences(text) inside text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for s in split_sentences(text):
        i = text.find(s, pos)
        if i < 0:
            continue
        spans.append((i, i + len(s)))
        pos = i + len(s)
    return spans


def text_lines(text: str, page: int | None = None) -> list[Line]:
    """Text cut into lines (NFC, any line ending), each with its page."""
    return [Line(t, page) for t in nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
