"""Vietnamese text typed in the legacy TCVN3 (ABC) 8-bit font encoding (fonts .VnTime, .VnArial…), as it comes
out of old .txt files or of PDFs made with those fonts: `B¸o c¸o` for `Báo cáo`. Detected by the share of
letters that only TCVN3 produces, converted to Unicode NFC. (TCVN3 writes capitals with the same codes in a
separate capitals font, so accented capitals come out in lower case: the text is searchable, the case of
those letters is not recovered.)"""

from __future__ import annotations

import unicodedata

# TCVN3 (ABC) code points as Latin-1 characters → Unicode
_TCVN3 = dict(zip(
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
))
# Characters a Vietnamese Unicode text (or a Western one) almost never has, but TCVN3 text is full of.
_SIGNATURE = set("µ¸¶·¹»¾¼½ÆÇÊÈÉËÌÐÎÏÑÒÕÓÔÖ×ÝØÜÞ¬®ª©«")
_VIETNAMESE_ONLY = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def looks_tcvn3(text: str) -> bool:
    sample = text[:50000]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < 20:
        return False
    legacy = sum(1 for ch in sample if ch in _SIGNATURE)
    unicode_vi = sum(1 for ch in sample.lower() if ch in _VIETNAMESE_ONLY)
    return legacy / letters > 0.02 and legacy > 3 * unicode_vi


def tcvn3_to_unicode(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(_TCVN3.get(ch, ch) for ch in text))


def unicode_to_tcvn3(text: str) -> str:
    """The inverse (for tests and fixtures): lower-case letters only, as TCVN3 writes them."""
    back = {u: t for t, u in _TCVN3.items()}
    return "".join(back.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def repair_legacy(text: str) -> tuple[str, str]:
    """(text, the encoding it was repaired from, or "")."""
    if looks_tcvn3(text):
        return tcvn3_to_unicode(text), "TCVN3"
    return text, ""
