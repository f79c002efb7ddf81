"""Page furniture found by position and shape, never by topic words.

A crawled page wraps the official text in the site's own material: a header before the issuer/motto block
(banners, the site's metadata table, its summary), a footer after the signature (the site's caption of the
document, related-document lists, notices, contact details), and widgets anywhere (font-size and share
bars, rating boxes, photo placeholders, runs of image links). A printed document repeats running heads
at page edges. All of that is recognised by where it sits and what it looks like:

- the official text opens with the issuer block and the national motto (or the "Số:" line); what comes
  before, in the first half of the file, is the site's header;
- after the signature block, a line that names this very document by type and number, without "số"
  (a site's caption: "Công văn 4240/UBND-VX năm 2025 …", "Circular No. 109/2025/TT-BTC dated …") starts
  the site's footer, which runs to the end;
- widgets are whole lines of a known generic shape (a short label, a link run), never a sentence;
- a running head is a short line at the edge of at least three pages.

The official body is never filtered by the words it uses: "sở hữu trí tuệ", "tài khoản", "mật khẩu",
"mã số thuế", "bản quyền" are ordinary words of official texts. Every dropped line is returned with its
reason for the coverage ledger.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .coverage import DroppedLine, content_of
from .docnumbers import find_numbers
from .types import Line

MOTTO = re.compile(r"C[ỘO]NG\s*H(?:ÒA|OÀ)\s*X[ÃA]\s*H[ỘO]I\s*CH[ỦU]\s*NGH[ĨI]A\s*VI[ỆE]T\s*NAM", re.I)
MOTTO_LINE = re.compile(r"^Độc\s*lập\s*[-–—]\s*Tự\s*do\s*[-–—]\s*Hạnh\s*phúc", re.I)
_NUMBER_LINE = re.compile(r"^Số\s*[:.]")
_SIGNATURE = re.compile(r"^(Nơi\s+nhận|(?:TM|KT|Q|TL|TUQ)\.\s)")
_BARE_LINK = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_MEDIA = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|bmp|mp4|mp3)(?:[?#]\S*)?$", re.I)
_NOT_A_CAPTION = re.compile(r"\b(số|kèm|theo|tại|của|và)\b", re.I)
ISSUER_LINES = 5  # an issuer block printed over up to five lines ("BỘ NÔNG NGHIỆP / VÀ / MÔI TRƯỜNG")
HEAD_SHARE = 0.5  # a header is only cut from the first half of the text
CAPTION_PREFIX_WORDS = 4
RUNNING_HEAD_PAGES = 3

# Generic widgets of web pages: whole lines, short, of a fixed shape. A sentence that starts with one of
# these words ("Chia sẻ dữ liệu giữa các cơ quan …") is not a widget.
_WIDGETS = re.compile(
    r"^(?:A-\s*A\s*A\+.*"
    r"|(?:Tăng|Giảm) tương phản(?:\s*[|/]\s*(?:Tăng|Giảm) tương phản)?"
    r"|(?:Chia sẻ|Share|In bài viết|In trang|Bản in|Gửi email|Gửi bài viết|Quay lại|Trở về|Trở lại|"
    r"Về đầu trang|Lên đầu trang|Xem thêm|Đọc tiếp|Tải về|Tải xuống|Đầu trang)\s*[:|»›>]*"
    r"|(?:Facebook|Zalo|Twitter|Email|E-mail|Print|LinkedIn|Copy link)(?:\s*[|,/]?\s*"
    r"(?:Facebook|Zalo|Twitter|Email|E-mail|Print|LinkedIn|Copy link))*"
    r"|Lượt xem\s*:?\s*[\d.,]*"
    r"|Tổng số điểm của bài viết.{0,60}|Click để đánh giá.{0,40}"
    r"|Ảnh minh h(?:ọa|oạ)\.?"
    r"|Đang tải(?: văn bản)?\s*\.*)$",
    re.I,
)


@dataclass
class _Item:
    index: int  # position in the document's lines
    text: str


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _opening(items: list[_Item]) -> int | None:
    """Position (in `items`) where the official text opens: its issuer block above the national motto. A
    document without the motto has no header cut (a "Số:" line alone is too weak a sign)."""
    motto = None
    for k, it in enumerate(items):
        m = MOTTO.search(" ".join(x.text for x in items[k : k + 3]))  # the motto may be wrapped over lines
        # the motto as printed (in capitals, or a line of its own), not "nước Cộng hòa xã hội chủ nghĩa Việt
        # Nam" inside a sentence of a law
        printed = m is not None and m.start() < len(it.text) and (
            _is_caps(m.group(0)) or m.start() == 0 and len(it.text) <= len(m.group(0)) + 20)
        if printed or MOTTO_LINE.match(it.text):
            motto = k
            break
    if motto is None:
        return None
    start = motto
    while start > 0 and motto - start < ISSUER_LINES and _is_caps(items[start - 1].text):
        start -= 1
    return start


def _own_number(items: list[_Item], opening: int) -> str:
    """The key of the document's own number, from the first "Số:" line after the opening."""
    for k in range(opening, min(opening + 25, len(items))):
        if _NUMBER_LINE.match(items[k].text):
            found = find_numbers(" ".join(x.text for x in items[k : k + 2]))
            return found[0][0].key if found else ""
    return ""


def _is_caption(text: str, own: str) -> bool:
    """A line that names this document by type and number as a title (no "số": not a reference to it)."""
    for number, start, _ in find_numbers(text)[:1]:
        prefix = text[:start].split()
        return (number.key == own and 1 <= len(prefix) <= CAPTION_PREFIX_WORDS
                and prefix[0][:1].isupper() and not _NOT_A_CAPTION.search(" ".join(prefix)))
    return False


def _footer_start(items: list[_Item], opening: int, own: str) -> int | None:
    if not own:
        return None
    signed = next((k for k in range(opening, len(items)) if _SIGNATURE.match(items[k].text)), len(items) // 2)
    return next((k for k in range(signed + 1, len(items)) if _is_caption(items[k].text, own)), None)


def _running_heads(lines: list[Line], items: list[_Item]) -> set[int]:
    """Short lines repeated at the top or bottom edge of at least three pages (and of most pages)."""
    by_page: dict[int, list[_Item]] = defaultdict(list)
    for it in items:
        page = lines[it.index].page
        if page is not None:
            by_page[page].append(it)
    if len(by_page) < RUNNING_HEAD_PAGES:
        return set()
    seen: dict[str, list[int]] = defaultdict(list)
    for page_items in by_page.values():
        for it in {id(x): x for x in (page_items[0], page_items[-1])}.values():
            if len(it.text) <= 80:
                seen[re.sub(r"\d+", "#", it.text.lower())].append(it.index)
    out: set[int] = set()
    for positions in seen.values():
        if len(positions) >= max(RUNNING_HEAD_PAGES, len(by_page) // 2):
            out.update(positions)
    return out


def remove_furniture(lines: list[Line]) -> tuple[list[Line], list[DroppedLine]]:
    """The document's lines without its furniture, and the dropped lines with their reasons. Blank and
    markup-only lines are left in place: they carry layout (table cell boundaries) and no text."""
    items = [_Item(i, c) for i, ln in enumerate(lines) if (c := content_of(ln.text))]
    reason: dict[int, str] = {}
    total = sum(len(it.text) for it in items) or 1
    opening = _opening(items)
    if opening:
        before = sum(len(it.text) for it in items[:opening])
        if before <= HEAD_SHARE * total:
            for it in items[:opening]:
                reason[it.index] = "furniture: site header (before the issuer/motto block)"
    footer = _footer_start(items, opening or 0, _own_number(items, opening or 0)) if opening is not None else None
    if footer is not None:
        for it in items[footer:]:
            reason[it.index] = "furniture: site footer (from the site's caption of the document)"
    for k, it in enumerate(items):
        if it.index in reason:
            continue
        if _WIDGETS.match(it.text):
            reason[it.index] = "furniture: page widget"
        elif _BARE_LINK.match(it.text):
            if _MEDIA.search(it.text):
                reason[it.index] = "furniture: image link"
            elif any(_BARE_LINK.match(items[j].text) for j in (k - 1, k + 1) if 0 <= j < len(items)):
                reason[it.index] = "furniture: link run"
    for index in _running_heads(lines, items):
        reason.setdefault(index, "furniture: running head")
    kept = [ln for i, ln in enumerate(lines) if i not in reason]
    dropped = [DroppedLine(content_of(lines[i].text), r, lines[i].page, i) for i, r in sorted(reason.items())]
    return kept, dropped
