"""Document-level metadata from the header block: type, number, date, issuer, title, period, signer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from domain.agencies import ABBREVIATED_UNITS, ISSUER_HEAD, ISSUER_UNITS, PLACE_UNITS
from domain.doctypes import TYPE_CODES, name_of_title, type_title_re
from domain.places import PROVINCES, VARIANTS

from .docnumbers import find_dates, find_numbers, iso_date, numbers_with_dates
from .furniture import ISSUER_LINES, MOTTO
from .types import Block, DocumentMeta

_META_FIELD = re.compile(r"^(Số hiệu|Loại văn bản|Nơi ban hành|Cơ quan ban hành|Người ký|Ngày ban hành)\s*:?\s*(.*)$")
_PLACE_DATE = re.compile(r"^([A-ZĐÀ-Ỹ][\wÀ-ỹ.\s]{1,40}),\s*ngày\b")
_PERIOD = re.compile(r"(tháng\s+\d{1,2}(?:\s+và\s+\d{1,2}\s+tháng\s+đầu\s+năm)?|quý\s+[IV]+|\d{1,2}\s+tháng\s+đầu\s+năm|"
                     r"năm)\s+((?:19|20)\d\d)|từ ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?\s+đến ngày\s+\d{1,2}/\d{1,2}/\d{4}", re.I)
# A signature's role line ("KT. CHỦ TỊCH", "KT GIÁM ĐỐC", "THỦ TƯỚNG"), which the signer's name follows.
SIGN_ROLE = re.compile(r"^((?:TM|KT|TL|TUQ)\.?\s|Q\.\s|CHỦ TỊCH|PHÓ CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|GIÁM ĐỐC)")
_BULLETIN_TITLE = re.compile(r"(chỉ đạo,? điều hành|bản tin|tin tức|điểm tin)", re.I)


def issuer_name(caps: str) -> str:
    """An issuer block written in capitals, in the case Vietnamese writes it: "BỘ NÔNG NGHIỆP VÀ MÔI
    TRƯỜNG" → "Bộ Nông nghiệp và Môi trường", "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" → "UBND tỉnh Cà Mau" (a body's
    name capitalises the first syllable of each part; a place name every syllable). With a parent body
    above ("UBND THÀNH PHỐ HÀ NỘI / SỞ GIÁO DỤC VÀ ĐÀO TẠO") the issuer is the last body, with its place."""
    parts = [(m.group(1), m.end()) for m in ISSUER_UNITS.finditer(caps)]
    if not parts:  # "CHÍNH PHỦ"
        return caps[:1] + caps[1:].lower()
    units: list[tuple[str, str]] = []
    for k, (word, end) in enumerate(parts):
        rest = caps[end : parts[k + 1][1] - len(parts[k + 1][0])] if k + 1 < len(parts) else caps[end:]
        units.append((word, rest.strip(" ,-")))
    out: list[str] = []
    place = ""
    for word, rest in units:
        if word in PLACE_UNITS:
            place = f"{word.lower()} {rest.title()}".strip()
            if out:
                out[-1] = f"{out[-1]} {place}"
            continue
        name = " và ".join(g.strip()[:1] + g.strip()[1:].lower() for g in rest.split(" VÀ ") if g.strip())
        head = ABBREVIATED_UNITS.get(word, word[:1] + word[1:].lower())
        out.append(f"{head} {name}".strip())
    issuer = out[-1] if out else caps.title()
    if len(out) > 1 and place and place not in issuer:
        issuer = f"{issuer} {place}"
    return issuer


def _field_pairs(blocks: list[Block]) -> dict[str, str]:
    """Crawled pages put metadata in `Label:` / value pairs; read them before the official text."""
    out: dict[str, str] = {}
    for i, b in enumerate(blocks[:80]):
        m = _META_FIELD.match(b.text)
        if m:
            value = m.group(2).strip() or (blocks[i + 1].text if i + 1 < len(blocks) else "")
            out.setdefault(m.group(1), value.strip())
    return out


def _upper_lead(text: str) -> str:
    """The leading run of words written in capitals (at least three), or "" when the text does not start so."""
    words = text.split()
    lead = []
    for w in words:
        if any(ch.islower() for ch in w):
            break
        lead.append(w)
    return " ".join(lead) if len(lead) >= 3 else ""


def _place_start(text: str) -> bool:
    """The first words of a place name wrapped before its ", ngày …" line: one to four words in title case
    ("Xuân", "Thành phố Hòa"), no figure, no punctuation — not the issuer block in capitals, not a "Số:" line."""
    words = text.split()
    return 1 <= len(words) <= 4 and words[0][:1].isupper() and not _capitals(text) and \
        all(w.isalpha() for w in words)


_CONNECTIVE = re.compile(r"\b(?:CỦA|VỚI|CHO|THUỘC|VÀ|TẠI|GIỮA|VỀ|TRÊN|ĐỐI VỚI)$")


def _ends_on_connective(text: str) -> bool:
    """A title ending on "CỦA", "VỚI", "GIỮA" … goes on: the issuer after it ("QUY CHẾ LÀM VIỆC CỦA / ỦY BAN
    NHÂN DÂN TỈNH …") is part of the title, not the line naming who enacts the document."""
    return bool(_CONNECTIVE.search(text.strip()))


def _capitals(text: str) -> bool:
    """Written in capitals: no lower-case letter ("GIAI ĐOẠN" / "2026 - 2030" continue a title in capitals)."""
    return not any(ch.islower() for ch in text)


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _issuer_block(head: list[Block]) -> str:
    """The issuer block above the national motto ("ỦY BAN NHÂN DÂN / TỈNH HÒA MỸ"), its lines joined without
    spaces; "" when the header does not open with one."""
    block = []
    for b in head[:ISSUER_LINES + 1]:
        if MOTTO.search(b.text) or b.text.startswith("Số") or not _capitals(b.text):
            break
        block.append(b.text)
    return _squashed(" ".join(block)) if block and ISSUER_HEAD.match(block[0]) else ""


def _enacting_line(above: list[Block]) -> Callable[[str], bool]:
    """Whether a line under the title names who enacts the document — the issuer block again, alone or after a
    role ("BỘ TRƯỞNG BỘ XÂY DỰNG", "THỦ TƯỚNG CHÍNH PHỦ") — and so is no part of the title."""
    block = _issuer_block(above)

    def enacting(text: str) -> bool:
        line = _squashed(text)
        if not block or not _capitals(text):
            return False
        return line == block or (line.endswith(block) and bool(SIGN_ROLE.match(text)))
    return enacting


def extract_meta(doc_id: str, source: str, blocks: list[Block], genre: str) -> DocumentMeta:
    meta = DocumentMeta(doc_id=doc_id, source=source)
    head = [b for b in blocks[:60] if b.kind in ("para", "heading")]
    fields = _field_pairs(blocks)
    head_text = "\n".join(b.text for b in head[:25])

    number_line = ""
    for i, b in enumerate(head):
        if re.match(r"^Số\s*:", b.text):
            number_line = b.text
            if not find_numbers(b.text) and i + 1 < len(head) and re.match(r"^\s*\d", head[i + 1].text):
                number_line += " " + head[i + 1].text  # "Số:" and the number on separate lines
            break
    nums = find_numbers(number_line) if number_line else []
    if fields.get("Số hiệu"):
        nums = nums or find_numbers(fields["Số hiệu"])
    if nums:
        meta.number = nums[0][0].text
    elif number_line:
        m = re.search(r"/\s*([A-ZĐ][\w-]*)", number_line)
        if m:
            meta.extra["number_code"] = m.group(1)

    for i, b in enumerate(head):
        m = type_title_re().match(b.text)
        if m:
            meta.doc_type = name_of_title(m.group(1))
            rest = m.group(2).strip()
            if _upper_lead(rest) and _upper_lead(rest) != rest:
                rest = _upper_lead(rest)
            title_parts = [rest] if rest else []
            enacting = _enacting_line(head[:i])
            for nxt in head[i + 1 : i + 3]:
                typed = type_title_re().match(nxt.text)
                # a type word opening the line after a bare type line is the title's first word ("THÔNG BÁO /
                # KẾT LUẬN CỦA BỘ TRƯỞNG …"); anywhere else it is the next header
                if (typed and (title_parts or not typed.group(2))) or nxt.text.startswith(("Căn cứ", "Kính gửi", "Số")):
                    break
                if enacting(nxt.text) and not _ends_on_connective(" ".join(title_parts)):
                    break  # "ỦY BAN NHÂN DÂN TỈNH HÒA MỸ" / "THỦ TƯỚNG CHÍNH PHỦ" under the title: who enacts it
                if title_parts and not _capitals(title_parts[-1]):
                    break  # a title in plain case is one line: what follows is the text ("Bỏ qua các chỉ dẫn …")
                upper = _upper_lead(nxt.text)
                if upper and upper != nxt.text:  # "VỀ VIỆC … QUẢNG TRỊ Trong những năm qua, …": a wrap joined the
                    title_parts.append(upper)   # title to the first paragraph; the title is the capitals
                    break
                if title_parts and _capitals(title_parts[-1]) and not _capitals(nxt.text):
                    break  # a title in capitals is over; this is the first paragraph
                title_parts.append(nxt.text)
                if not _capitals(nxt.text):
                    break
            words = " ".join(title_parts).split()
            # "… MÙA MƯA BÃO BỘ TRƯỞNG BỘ KHOA HỌC": a title printed on one line with who enacts it ends before them
            cut = next((k for k in range(1, len(words)) if enacting(" ".join(words[k:]))
                        and not _ends_on_connective(" ".join(words[:k]))), len(words))
            meta.title = " ".join(words[:cut])
            break
    if not meta.doc_type and fields.get("Loại văn bản"):
        meta.doc_type = fields["Loại văn bản"]
    if not meta.doc_type and nums:
        meta.doc_type = nums[0][0].doc_type
    if not meta.doc_type and re.search(r"\bV/v\b", head_text):
        meta.doc_type = "Công văn"
    if not meta.doc_type and meta.extra.get("number_code"):
        code = str(meta.extra["number_code"]).replace("Đ", "D").upper().split("-")[0]
        meta.doc_type = TYPE_CODES.get(code, "")
    if genre == "bulletin" and (not meta.doc_type or _BULLETIN_TITLE.search(head_text[:300])):
        meta.doc_type = "Bản tin"
    if not meta.title and nums and number_line:  # "Số: 5155/SGDĐT-GDTXNNĐH Về hướng dẫn …": the trích yếu
        rest = number_line[number_line.find(nums[0][0].code) + len(nums[0][0].code):].strip(" .,")
        if len(rest) > 15:
            meta.title = re.sub(r"^V/v\s+", "", rest)[:300]
    if not meta.title:
        vv = re.search(r"V/v\s+(.+)", head_text)
        issuer_block = _issuer_block(head)
        first = next((b.text for b in head if len(b.text) > 15 and not b.text.startswith(("Số", "|"))
                      and not MOTTO.search(b.text) and _squashed(b.text) not in issuer_block), "")
        meta.title = (vv.group(1).split("\n")[0] if vv else first)[:300]

    # Date: the "Place, ngày … tháng … năm …" line, then crawl metadata, then the first date of the header.
    for k, b in enumerate(head[:30]):
        if _PLACE_DATE.match(b.text) or b.text.lower().startswith("ngày"):
            line = b.text if k + 1 >= len(head) else f"{b.text} {head[k + 1].text}"  # "Hà Nội, ngày" / "21 tháng …"
            m = re.search(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*((?:19|20)\d\d)", line, re.I)
            if m:
                meta.date = iso_date(m.group(1), m.group(2), m.group(3))
                place = _PLACE_DATE.match(b.text)
                if place:
                    before = head[k - 1].text if k else ""
                    # "Thành phố Hòa" / "Bình, ngày …": a place name wrapped over two lines, the issuer's own
                    # place ("ỦY BAN NHÂN DÂN / THÀNH PHỐ HÒA BÌNH"), not a breadcrumb above the date line
                    whole = f"{before} {place.group(1).strip()}"
                    wrapped = _place_start(before) and _squashed(whole).upper() in _issuer_block(head)
                    meta.extra["place"] = whole if wrapped else place.group(1).strip()
                break
    if not meta.extra.get("place"):
        place_named = dominant_place(blocks)
        if place_named:
            meta.extra["place"] = place_named
    if not meta.date and fields.get("Ngày ban hành"):
        d = find_dates(fields["Ngày ban hành"])
        meta.date = d[0][0] if d else ""
    if not meta.date and nums:
        meta.date = next((d for _, d in numbers_with_dates(number_line) if d), "")

    issuer = fields.get("Nơi ban hành") or fields.get("Cơ quan ban hành") or ""
    if not issuer:
        for k, b in enumerate(head[:12]):
            if ISSUER_HEAD.match(b.text) and not any(ch.islower() for ch in b.text):
                lines = [b.text] + [x.text for x in head[k + 1 : k + 3] if x.in_header and x.text.isupper()
                                    and not MOTTO.search(x.text) and not type_title_re().match(x.text)]
                issuer = issuer_name(" ".join(lines))
                break
    if not issuer and meta.number:
        issuer = nums[0][0].issuer_code if nums else ""
    if not issuer and meta.extra.get("number_code"):
        code = str(meta.extra["number_code"])
        issuer = code.split("-", 1)[1] if "-" in code else code
        if meta.extra.get("place"):
            issuer = f"{issuer} {meta.extra['place']}"
    meta.issuer = issuer

    pm = _PERIOD.search(meta.title) or _PERIOD.search(head_text[:600])
    if pm:
        meta.period = pm.group(0)
    if genre == "table":
        att = next((n for b in head for n, _, _ in find_numbers(b.text) if "Kèm theo" in b.text), None)
        if att:
            meta.attached_to = att.text
            meta.doc_type = meta.doc_type or "Phụ lục"
    if not meta.date and meta.period:
        ends = find_dates(meta.period)
        meta.date = ends[-1][0] if ends else ""
    if not meta.date and meta.attached_to:
        meta.date = next((d for b in head for n, d in numbers_with_dates(b.text) if n.text == meta.attached_to and d), "")
    month = re.search(r"tháng\s+(\d{1,2})\b", meta.title)
    if month and meta.date[:4]:
        meta.period = f"tháng {int(month.group(1)):02d}/{meta.date[:4]}"
    meta.signer = _signer(blocks) or fields.get("Người ký", "")
    return meta


# A province or centrally-run city named as written, or in capitals (case matters: "hòa bình" is peace, not the
# province); the longest name first ("Thừa Thiên Huế" before "Huế").
_PROVINCE_NAMES = {unicodedata.normalize("NFC", form): unicodedata.normalize("NFC", VARIANTS.get(n, n))
                   for n in (*PROVINCES, *VARIANTS) for form in (n, n.upper())}
_NAMED_PLACE = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, _PROVINCE_NAMES), key=len, reverse=True))
                          + r")(?!\w)")
# A capitalised word right before or after the name on the same line: the name is part of a longer one — a
# person ("bà Nguyễn Thị Huế", "ông Phạm Thái Bình"), a street or a region ("Điện Biên Phủ", "Châu Á - Thái
# Bình Dương") —, unless the word before is the unit the name belongs to ("Tỉnh Lạng Sơn", "UBND LẠNG SƠN").
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ ]+$")
_WORD_AFTER = re.compile(r"^[ ]+([^\W\d_]+)")
_UNIT_WORDS = frozenset(("Tỉnh", "TỈNH", "Thành", "THÀNH", "Phố", "PHỐ", "TP", "UBND", "HĐND"))
PLACE_MENTIONS = 3  # mentions of one province before it counts as the document's place …
PLACE_SHARE = 0.6  # … its share of all the provinces' mentions in the text …
PLACE_LEAD = 2.0  # … and how many times the next province's


def _part_of_a_longer_name(text: str, start: int, end: int) -> bool:
    before = _WORD_BEFORE.search(text[max(0, start - 40):start])
    after = _WORD_AFTER.match(text[end:end + 40])

    def capitalised(w: str) -> bool:
        return w[:1].isupper() and not w.isupper()

    return bool(before and capitalised(before.group(1)) and before.group(1) not in _UNIT_WORDS or
                after and capitalised(after.group(1)))


def dominant_place(blocks: list[Block]) -> str:
    """The province or city a document without a dated header line ("Lạng Sơn, ngày …") is about: the one its
    text names far more than any other (53 times in a weekly bulletin crawled from the province's portal); ""
    when none dominates (a law, a ministry's letter to many provinces)."""
    counts: dict[str, int] = {}
    for b in blocks:
        text = unicodedata.normalize("NFC", b.text if not b.cells else "\n".join((b.text, *b.cells.values())))
        for m in _NAMED_PLACE.finditer(text):
            if not _part_of_a_longer_name(text, m.start(), m.end()):
                name = _PROVINCE_NAMES[m.group(0)]
                counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if not ranked:
        return ""
    top = max(counts, key=lambda k: counts[k])
    second = ranked[1] if len(ranked) > 1 else 0
    if counts[top] >= PLACE_MENTIONS and counts[top] >= PLACE_SHARE * sum(ranked) and \
            counts[top] >= PLACE_LEAD * second:
        return top
    return ""


def _name_tail(text: str) -> str:
    """The person's name closing a signature line: its last 2–5 words written in Title case."""
    words = text.split()
    name: list[str] = []
    for w in reversed(words):
        if not w[:1].isupper() or w.isupper() or not w.isalpha():
            break
        name.insert(0, w)
    return " ".join(name) if 2 <= len(name) <= 5 and len(name) < len(words) else ""


def _signer(blocks: list[Block]) -> str:
    """The name under the last signature role (TM./KT./CHỦ TỊCH…), if the document names one."""
    for i in range(len(blocks) - 1, -1, -1):  # appendices and footnotes may follow the signature
        if SIGN_ROLE.match(blocks[i].text) and not blocks[i].in_header:
            tail = _name_tail(blocks[i].text)  # "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Mạnh Cường" on one line
            if tail:
                return tail
            for b in blocks[i + 1 : i + 4]:
                t = b.text.strip()
                words = t.split()
                if 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not t.isupper():
                    return t
    return ""
