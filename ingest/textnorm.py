"""Text cleaning for Vietnamese administrative documents: NFC, whitespace, web furniture, hard wraps.

Figures are never touched: only whitespace, markup leftovers and whole noise lines are removed.
"""

from __future__ import annotations

import re
import unicodedata

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUP_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
DIGIT_TO_SUP = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
SUP_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,300}>")
_HTML_TAG_CUT = re.compile(r"<[a-zA-Z]+\b[^<>]{0,300}$|^\s*[a-z-]+=\"[^\"]*\"\s*/?>")  # a tag cut by a line end
_MD_EMPH = re.compile(r"\*{1,3}|(?<!\w)_{2,}(?!\w)")
_BARE_URL = re.compile(r"^\s*(https?://|www\.)\S+\s*$", re.I)

# Lines that belong to web page furniture, never to an official text. Generic site widgets only.
_FURNITURE = re.compile(
    r"^(A- A A\+|Ảnh minh họa|Ảnh minh hoạ|Tổng số điểm của bài viết|Click để đánh giá|"
    r"Đang tải văn bản|Click vào phần|In bài viết|Chia sẻ|Lượt xem|Bản in|Quay lại|Về đầu trang)",
    re.I,
)
_SITE_NOISE = re.compile(
    r"(Đăng nhập|Đăng xuất|Tài khoản|mật khẩu|Quý khách|Quý Thành viên|bản quyền|copyright|"
    r"sở hữu trí tuệ|Intellectual Property|hành vi sao chép|sao chép, đăng tải|the copyright|Bản dịch này|Mã số thuế|Hỗ trợ: \(|Thỏa thuận Bảo vệ|Tiếp tục sử dụng|Cảm ơn đã dùng)",
    re.I,
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """NFC, invisible characters, HTML tags and markdown emphasis removed, spaces collapsed (tabs kept)."""
    line = nfc(line).translate(_ZERO_WIDTH)
    line = _HTML_TAG.sub(" ", line)
    line = _MD_EMPH.sub("", line)
    if line.lstrip().startswith("#"):
        line = line.lstrip().lstrip("#")
    parts = [_SPACES.sub(" ", _HTML_TAG_CUT.sub(" ", p)).strip() for p in line.split("\t")]
    return "\t".join(parts).strip() if len(parts) == 1 else "\t".join(parts)


def is_noise_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _BARE_URL.match(s) or _FURNITURE.match(s):
        return True
    return bool(_SITE_NOISE.search(s)) and len(s) < 400


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


def split_sentences(text: str) -> list[str]:
    """Sentence-ish units; semicolons split too, because reports chain many figures with them."""
    out: list[str] = []
    for part in _SENT_SPLIT.split(text):
        part = part.strip()
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
