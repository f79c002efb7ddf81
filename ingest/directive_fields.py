"""What a passage says about directives, read once at ingest and stored in its metadata (so the directive
catalog only gathers, never re-reads text per request): for a bulletin item, the agencies its directive makes
lead and partners and the deadlines it sets; for every passage, each document number it cites with its issue
date, the type word and issuer named around it, its subject, and whether the citing document implements or
replaces it. The words are `domain.relations`'."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from domain.doctypes import type_before_re
from domain.passages import CitedNumber, PassageKind, PassageMetadata
from domain.relations import ABOUT, DEADLINE, IMPLEMENTS, LEAD, OF_ISSUER, PARTNER, REPLACES

from .docnumbers import find_numbers, numbers_with_dates

AROUND_BEFORE = 40  # characters before a cited number its type word and relation words sit in
AROUND_AFTER = 200  # characters after it its issuer and subject sit in


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,;:.-–()")


def _unique(values: list[str]) -> list[str]:
    return [v for v in dict.fromkeys(clean(v) for v in values) if v]


def item_fields(text: str) -> PassageMetadata:
    """A bulletin item's lead agencies, partners and deadlines, from its body (the text under its title)."""
    body = text.split("\n", 1)[1] if "\n" in text else text
    return PassageMetadata(directive_lead=_unique([m.group(1) for m in LEAD.finditer(body)]),
                           directive_partners=_unique([m.group(1) for m in PARTNER.finditer(body)]),
                           directive_deadlines=_unique([m.group(1) for m in DEADLINE.finditer(body)]))


def cited_numbers(kind: str, text: str) -> list[CitedNumber]:
    """Every document number the text cites, in order, with what the words around it say. A table row's
    numbers are those of its cells (its last line), not of the table name repeated in front of it."""
    if kind == PassageKind.TABLE_ROW:
        text = text.rsplit("\n", 1)[-1]
    dated = {n.key: d for n, d in numbers_with_dates(text) if d}
    out: list[CitedNumber] = []
    for num, s, e in find_numbers(text):
        before, after = text[max(0, s - AROUND_BEFORE) : s], text[e : e + AROUND_AFTER]
        typed = type_before_re().search(before)
        of = OF_ISSUER.match(after)
        about = ABOUT.search(after)
        relation = "implements" if IMPLEMENTS.search(before) else "replaces" if REPLACES.search(before) else ""
        out.append(CitedNumber(
            number=num.text, key=num.key, type=num.doc_type, typed=bool(num.type_code), issuer_code=num.issuer_code,
            date=dated.get(num.key, ""),
            named_type=typed.group(1)[0].upper() + typed.group(1)[1:].lower() if typed else "",
            issuer=clean(of.group(1)) if of else "", about=clean(about.group(1)) if about else "",
            relation=relation))
    return out


def directive_fields(kind: str, text: str, md: Mapping[str, Any]) -> PassageMetadata:
    """The metadata keys this module adds to a passage (`cites`, and for a bulletin item `directive_lead`,
    `directive_partners`, `directive_deadlines`)."""
    out = PassageMetadata(cites=cited_numbers(kind, text))
    if md.get("directive_key"):
        out.update(item_fields(text))
    return out
