"""Vietnamese text typed in the legacy 8-bit font encodings — TCVN3 (ABC: fonts .VnTime, .VnArial…; `B¸o c¸o`
for `Báo cáo`) and VNI-Windows (fonts VNI-Times…; `Baùo caùo`) — as it comes out of old .txt files or of PDFs
made with those fonts. Detected by the share of
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


# VNI-Windows: a base letter followed by a modifier character (both in the Latin-1 range).
def _vni_table() -> dict[str, str]:
    tones = "ùøûõï"  # sắc, huyền, hỏi, ngã, nặng after a plain vowel
    circ_tones = "áàåãä"  # the same tones after a circumflex vowel (â ê ô)
    breve_tones = "éèúüë"  # the same tones after ă
    marks = ["\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
    table: dict[str, str] = {}

    def put(vni: str, uni: str) -> None:
        table[vni] = unicodedata.normalize("NFC", uni)
        table[vni.upper()] = unicodedata.normalize("NFC", uni).upper()

    for v in "aeiouy":
        for t, m in zip(tones, marks):
            put(v + t, v + m)
    for v, uni in (("a", "â"), ("e", "ê"), ("o", "ô")):
        put(v + "â", uni)
        for t, m in zip(circ_tones, marks):
            put(v + t, uni + m)
    put("aê", "ă")
    for t, m in zip(breve_tones, marks):
        put("a" + t, "ă" + m)
    for vni, uni in (("ô", "ơ"), ("ö", "ư")):
        put(vni, uni)
        for t, m in zip(tones, marks):
            put(vni + t, uni + m)
    for vni, uni in (("í", "í"), ("ì", "ì"), ("æ", "ỉ"), ("ó", "ĩ"), ("ò", "ị"), ("î", "ỵ"), ("ñ", "đ")):
        put(vni, uni)
    return table


_VNI = _vni_table()
_VNI_SIGNATURE = set("øûïåäëüæñîØÛÏÅÄËÜÆÑÎ")


def _looks_legacy(text: str, signature: set[str]) -> bool:
    """Enough letters only the legacy encoding produces, and few real Unicode Vietnamese letters (legacy text
    is Latin-1 only)."""
    sample = text[:50000]
    letters = sum(1 for ch in sample if ch.isalpha())
    if letters < 20:
        return False
    legacy = sum(1 for ch in sample if ch in signature)
    unicode_vi = sum(1 for ch in sample if ord(ch) > 0xFF and ch.isalpha())
    return legacy / letters > 0.02 and legacy > 3 * unicode_vi


def looks_vni(text: str) -> bool:
    return _looks_legacy(text, _VNI_SIGNATURE)


def vni_to_unicode(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in _VNI:
            out.append(_VNI[pair])
            i += 2
        else:
            out.append(_VNI.get(text[i], text[i]))
            i += 1
    return unicodedata.normalize("NFC", "".join(out))


def unicode_to_vni(text: str) -> str:
    """The inverse (for tests and fixtures)."""
    back = {u: v for v, u in _VNI.items() if not (len(v) == 1 and v in "íìó" and u == v)}
    back.update({"í": "í", "ì": "ì"})
    return "".join(back.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def looks_tcvn3(text: str) -> bool:
    return _looks_legacy(text, _SIGNATURE)


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
    if looks_vni(text):
        return vni_to_unicode(text), "VNI"
    return text, ""
