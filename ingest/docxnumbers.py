"""The numbers Word draws in front of list and heading paragraphs.

In a .docx, "I.", "1.", "a)" of numbered headings and lists are not text: Word generates them from the
paragraph's numbering (its own `w:numPr` or its style's) and the definitions in numbering.xml. Without them a
plan's "1. Mục đích, yêu cầu" reads as "Mục đích, yêu cầu" and the document loses its section structure, so
they are rendered here the way Word counts them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class _Level:
    fmt: str
    text: str
    start: int


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + digits, n - value
    return out


def _letter(n: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    return str(n)  # decimal and the zero-padded or locale variants read fine as digits


def _val(el: Any, tag: str) -> str | None:
    child = el.find(W + tag) if el is not None else None
    return child.get(W + "val") if child is not None else None


class Numbering:
    """Counters per list, advanced paragraph by paragraph in document order."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._style_num: dict[str, tuple[str, int]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (AttributeError, KeyError, NotImplementedError):
            root = None
        if root is not None:
            abstract: dict[str, dict[int, _Level]] = {}
            for an in root.findall(W + "abstractNum"):
                levels: dict[int, _Level] = {}
                for lvl in an.findall(W + "lvl"):
                    ilvl = int(lvl.get(W + "ilvl") or 0)
                    levels[ilvl] = _Level(_val(lvl, "numFmt") or "decimal", _val(lvl, "lvlText") or "",
                                          int(_val(lvl, "start") or 1))
                abstract[an.get(W + "abstractNumId") or ""] = levels
            for num in root.findall(W + "num"):
                self._levels[num.get(W + "numId") or ""] = abstract.get(_val(num, "abstractNumId") or "", {})
        styles = getattr(document.styles, "element", None)
        for style in styles if styles is not None else []:
            ppr = style.find(W + "pPr")
            numpr = ppr.find(W + "numPr") if ppr is not None else None
            if numpr is not None and _val(numpr, "numId"):
                self._style_num[style.get(W + "styleId") or ""] = (_val(numpr, "numId") or "",
                                                                    int(_val(numpr, "ilvl") or 0))

    def label(self, paragraph: Any) -> str:
        """The number Word shows in front of this paragraph ("1.", "a)", "-"), or "" if none."""
        ppr = paragraph.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        num_id, ilvl = None, 0
        if numpr is not None:
            num_id, ilvl = _val(numpr, "numId"), int(_val(numpr, "ilvl") or 0)
        elif ppr is not None and _val(ppr, "pStyle") in self._style_num:
            num_id, ilvl = self._style_num[_val(ppr, "pStyle") or ""]
        if not num_id or num_id == "0" or num_id not in self._levels:
            return ""
        levels = self._levels[num_id]
        level = levels.get(ilvl)
        if level is None:
            return ""
        if level.fmt == "bullet" or level.fmt == "none":
            return "-" if level.fmt == "bullet" else ""
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new item restarts the levels under it
        text = level.text
        for k in range(ilvl + 1):
            lv = levels.get(k)
            n = counters.get(k, lv.start if lv else 1)
            text = text.replace(f"%{k + 1}", _format(n, lv.fmt if lv else "decimal"))
        return text.strip()
