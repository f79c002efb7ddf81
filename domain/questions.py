"""What a question asks for, by the words questions are asked with (not by the topics of any document):
a figure (a percentage, an amount of money), an agency, a document, a date or deadline, a place, a content,
a list; who signed. Vietnamese patterns are written with diacritics and matched on folded text, so typed
without diacritics they still match; English has its own words.

Each intent is a family of answers a span can offer (see `domain.figures` for the shapes)."""

from __future__ import annotations

import re

from .doctypes import TYPE_WORDS
from .words import Phrases, fold, folded_pattern

INTENTS = ("quantity", "percent", "money", "who", "doc", "when", "year", "where", "what", "list", "signer")

_VI: dict[str, tuple[str, ...]] = {
    "quantity": ("bao nhiêu", "mấy", "số lượng", "tổng số", "số bao nhiêu"),
    "percent": ("phần trăm", "bao nhiêu %", "mấy %"),
    "money": ("bao nhiêu tiền", "giá bao nhiêu", "bao nhiêu đồng", "mấy đồng", "bao nhiêu tỷ", "bao nhiêu triệu"),
    "who": ("cơ quan nào", "đơn vị nào", "sở nào", "bộ nào", "ngành nào", "ban nào", "ai", "những ai",
            "cơ quan gì", "đơn vị gì", "chủ trì", "phụ trách", "đầu mối", "chịu trách nhiệm", "cấp nào",
            "địa phương nào", "tổ chức nào"),
    "doc": ("văn bản nào", "số hiệu", "số mấy", "văn bản số", "căn cứ văn bản nào", "theo văn bản nào"),
    "year": ("năm nào", "năm bao nhiêu", "vào năm nào", "đến năm nào"),
    "when": ("khi nào", "bao giờ", "ngày nào", "tháng nào", "quý nào", "thời hạn", "thời gian nào",
             "hạn chót", "chậm nhất", "trước ngày nào", "tiến độ", "thời điểm", "từ ngày nào", "đến ngày nào",
             "hạn nào", "hạn cuối", "lúc nào", "thời gian hoàn thành", "thời gian thực hiện", "bao lâu", "trong bao lâu",
             "mấy ngày", "bao nhiêu ngày"),
    "where": ("ở đâu", "tại đâu", "địa điểm", "nơi nào", "chỗ nào", "địa bàn nào", "tỉnh nào", "xã nào",
              "huyện nào"),
    "what": ("gì", "là gì", "những gì", "nội dung", "việc gì", "vấn đề gì", "như thế nào", "ra sao",
             "nhằm", "mục đích", "mục tiêu", "yêu cầu", "để làm gì", "thế nào", "những nội dung"),
    # "nhiệm vụ nào …" asks which rows of a task table: one or several, a listing either way
    "list": ("liệt kê", "danh sách", "nhiệm vụ nào", "những việc nào", "công việc nào", "gồm những",
             "bao gồm những", "những văn bản nào", "những cơ quan nào", "các đơn vị nào"),
    "signer": ("ai ký", "người ký", "ký ban hành", "ai là người ký", "do ai ký"),
}
# Words between "which" and the noun it asks about: "which three", "which regional", "which Deputy Prime".
_QUALIFIER = r"[a-z0-9-]+ "
_EN: dict[str, tuple[str, ...]] = {
    "quantity": ("how many", "how much", "what number", "number of", "what is the total"),
    "percent": ("percent", "percentage", "what share", "what proportion", "what rate", "rate", "%"),
    "money": ("how much money", "how many dong", "how much does it cost", "amount of money", "vnd"),
    "who": ("who", "whose", "whom", "in charge", "responsible", "leads", "lead agency",
            # "which agency", "which three ministries", "which Deputy Prime Minister", "which regional office"
            rf"which (?:{_QUALIFIER}){{0,3}}(?:agenc(?:y|ies)|ministr(?:y|ies)|ministers?|departments?|bod(?:y|ies)|"
            r"units?|organi[sz]ations?|authorit(?:y|ies)|offices?|officials?|leaders?|committees?|councils?|"
            r"persons?|people|chairm[ae]n|chairs?|heads?|directors?)"),
    "doc": ("what document", "document number",
            rf"which (?:{_QUALIFIER}){{0,3}}(?:documents?|decisions?|decrees?|plans?|dispatch(?:es)?|directives?|"
            r"circulars?|resolutions?|letters?|laws?)"),
    "year": ("what year", "which year", "in what year", "by what year"),
    "when": ("when", "what date", "which date", "deadline", "by when", "by what date", "how long", "how many days",
             "what time", "what month", "which month", "time limit"),
    "where": ("where", "what location",
              rf"which (?:{_QUALIFIER}){{0,2}}(?:places?|provinces?|communes?|districts?|city|cities|wards?|"
              r"locations?|areas?)"),
    "what": ("what", "about", "purpose", "aim", "require", "requires", "required", "how"),
    "list": ("list", "which tasks", "what tasks", "enumerate"),
    "signer": ("who signed", "signed by", "signer"),
}
# Nouns of shares: asked for with a quantity word ("tỷ lệ … đạt bao nhiêu") or when nothing else is asked ("tỷ lệ
# giải ngân của tỉnh?"); beside another question word they are the topic ("nâng tỷ lệ … giao sở nào chủ trì").
_PERCENT_NOUNS = Phrases(("tỷ lệ", "tỉ lệ", "tỷ trọng", "tỉ trọng"))
# Nouns of amounts of money: asked for only together with a quantity word ("mức chi … là bao nhiêu"); alone they
# are the topic ("nguồn kinh phí lấy từ đâu").
_MONEY_NOUNS = Phrases(("kinh phí", "mức chi", "mức phí", "mức thu", "mức giá", "chi phí", "mức lương", "lệ phí",
                        "tổng vốn", "giá", "phí", "tiền", "mức hỗ trợ", "đơn giá", "mức bồi dưỡng", "ngân sách"))
_EN_MONEY_NOUNS = folded_pattern((), ("cost", "price", "fee", "fees", "funding", "budget", "allowance", "amount",
                                      "capital", "pay", "rate of pay"))
_VI_RE = {name: Phrases(words) for name, words in _VI.items()}
# "kế hoạch nào", "quyết định số mấy": a document of a type is asked for.
_TYPE_ASKED = Phrases(tuple(f"{w} {tail}" for w in TYPE_WORDS for tail in ("nào", "số mấy", "số bao nhiêu", "gì")))
_EN_RE = {name: folded_pattern((), words) for name, words in _EN.items()}
# A figure is asked for by these intents; the rest ask for a name, a text or a date.
FIGURE_INTENTS = ("quantity", "percent", "money")


def intents_of(question: str, english: bool) -> list[str]:
    """The intents a question's words ask for, in INTENTS order. `what` only when nothing narrower is asked."""
    table: dict[str, Phrases] | dict[str, re.Pattern[str]] = _EN_RE if english else _VI_RE
    found = [name for name in INTENTS if _matches(table[name], question) or name == "doc" and not english
             and _matches(_TYPE_ASKED, question)]
    if not english and "percent" not in found and _matches(_PERCENT_NOUNS, question) and \
            ("quantity" in found or not {"who", "doc", "when", "year", "where", "signer"} & set(found)):
        found.insert(1 if "quantity" in found else 0, "percent")
    if "quantity" in found and "money" not in found and "percent" not in found and \
            _matches(_EN_MONEY_NOUNS if english else _MONEY_NOUNS, question):
        found.append("money")
    if {"percent", "money"} & set(found) and "quantity" not in found:
        found.append("quantity")
    if "doc" in found and "quantity" in found and not {"percent", "money"} & set(found):
        found.remove("quantity")  # "quyết định số mấy" asks for a number of a document, not a figure
    if "signer" in found and "who" in found:
        found.remove("who")
    if len(found) > 1 and "what" in found:
        found.remove("what")
    return found


def asking_spans(question: str, english: bool, intents: tuple[str, ...] = INTENTS) -> list[tuple[int, int]]:
    """Where the question's asking phrases of these intents stand ("bằng mấy phần trăm", "ai chủ trì"): words
    that ask for something, not the topic asked about. Offsets into `question` (folding keeps every character's
    place)."""
    table: dict[str, Phrases] | dict[str, re.Pattern[str]] = _EN_RE if english else _VI_RE
    asks = _ASK_WORDS_EN if english else _ASK_WORDS_VI
    return [span for pattern in (*(table[i] for i in intents), asks) for span in _matches(pattern, question)]


_ASK_WORD_LIST_VI = ("bao nhiêu", "mấy", "nào", "gì", "ai", "khi nào", "bao giờ", "ở đâu", "ra sao", "thế nào",
                     "vì sao", "tại sao", "bao lâu")
_ASK_WORDS_VI = Phrases(_ASK_WORD_LIST_VI)
_ASK_WORDS_EN = folded_pattern((), ("how many", "how much", "which", "what", "who", "when", "where"))


def _matches(pattern: Phrases | re.Pattern[str], question: str) -> list[tuple[int, int]]:
    """Where a pattern matches the question: Vietnamese phrases as typed (`Phrases`), English on folded text."""
    found = pattern.finditer(question) if isinstance(pattern, Phrases) else pattern.finditer(fold(question))
    return list(dict.fromkeys(m.span() for m in found))


# How a thing already asked about stands ("thế nào", "ra sao"): the other asking words ask for one thing of their
# own ("về đâu", "việc gì", "cơ quan nào", "vì sao"). "đâu" only as typed with diacritics: folded, "dau" is also
# "đầu" (đầu mối, đầu năm).
_HOW = ("thế nào", "như thế nào", "ra sao", "làm sao")
_ASK_OR_HOW_VI = Phrases((*_ASK_WORD_LIST_VI, *_HOW))  # "như thế nào" matched whole, then set aside
_WHERE_WORD = re.compile(r"(?<!\w)đâu(?!\w)", re.I)


def asks_its_own(question: str, english: bool) -> bool:
    """The question asks for something with an interrogative of its own (not "thế nào" / "ra sao"): a follow-up
    that does so asks its own kind of thing, not the previous question's."""
    if english:
        return bool(_ASK_WORDS_EN.search(fold(question)))
    how = {fold(h) for h in _HOW}
    own = [(s, e) for s, e in _matches(_ASK_OR_HOW_VI, question) if fold(question[s:e]).lower() not in how]
    return bool(own) or bool(_WHERE_WORD.search(question))


def ask_count(question: str) -> int:
    """How many things the question asks ("bao nhiêu … và bao nhiêu …" asks two)."""
    return len(_matches(_ASK_WORDS_VI, question)) + len(_matches(_ASK_WORDS_EN, question))


# Words that only ask (interrogatives and politeness): in questions, never the topic an answer shares with them.
ASKING_WORDS = frozenset(fold(w) for w in """bao nhiêu mấy nào gì ai đâu sao bao giờ khi thế như cho tôi biết hỏi
    xin hãy vui lòng giúp vậy thì còn có được là không những các ạ nhé liệt kê""".split())

# English: a question in English (no Vietnamese diacritics and several English function words).
_EN_HINT = re.compile(r"\b(the|what|which|how|who|when|where|many|much|did|does|is|are|of|and|with|for|to|in|by|"
                      r"from|under|was|were|has|have|its|their|this|must|should|will|been|into)\b", re.I)


def is_english(text: str) -> bool:
    """Several English function words and few Vietnamese words: an English question often names a Vietnamese
    place, agency or document number with its diacritics ("Who signed Decision 48/2025/QĐ-UBND of Gia Lai?"),
    while a Vietnamese one has diacritics on most of its words (or, typed without them, no English words)."""
    words = re.findall(r"[^\W\d_]+", text)
    hints = len(_EN_HINT.findall(text))
    accented = sum(1 for w in words if fold(w) != w)
    if _foreign_words(words) >= max(2, len(words) / 2) and accented <= 0.25 * len(words):
        return True  # mostly words Vietnamese cannot spell: "Who signed plan …"
    if not accented:
        return hints >= 2
    return hints >= 2 and accented <= 0.1 * len(words) or hints >= 3 and accented <= 0.25 * len(words)


# A Vietnamese syllable, folded: an initial consonant, one to three vowels, a final consonant — the shapes the
# script allows. "signed", "plan", "implementing" are none; acronyms (UBND, QĐ) are left out of the count.
_SYLLABLE = re.compile(r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")


def _foreign_words(words: list[str]) -> int:
    """How many words no Vietnamese syllable spells, abbreviations aside (UBND, QĐ; "kt", "cv" typed
    lower-case have no vowel)."""
    return sum(1 for w in words if not (len(w) >= 2 and w.isupper()) and re.search(r"[aeiouy]", fold(w).lower())
               and not _SYLLABLE.fullmatch(fold(w).lower()))
