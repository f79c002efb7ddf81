"""The directive catalog: every document number issued or cited in the ingested documents becomes a record —
number, type, date, issuer, trích yếu, responsible and partner agencies, deadlines, the documents it
implements or replaces, and the passages that mention it. Gathered from what ingest read into each passage's
metadata (`cites`, a bulletin item's `directive_lead`/`_partners`/`_deadlines`: ingest/directive_fields.py),
refreshed when the catalog's generation moves, so it always agrees with what search and answers see."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from domain.agencies import issuer_name
from domain.passages import CitedNumber, Passage, PassageKind, PassageMetadata
from index.access import caller_groups
from index.passage_cache import PassageView
from index.vntext import fold
from ingest.directive_fields import clean, directive_fields
from ingest.docnumbers import DocNumber, find_typed_numbers, parse_number

from .citations import citation_label


@dataclass
class Directive:
    key: str
    number: str
    type: str
    date: str = ""
    issuer: str = ""
    issuer_code: str = ""
    title: str = ""
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    implements: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    passage_ids: list[str] = field(default_factory=list)
    in_corpus: bool = False  # the document itself (or its bulletin item) is ingested, not only cited
    _forms: Counter[str] = field(default_factory=Counter, repr=False)
    _dates: Counter[str] = field(default_factory=Counter, repr=False)

    def as_dict(self, passages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if not k.startswith("_") and k != "passage_ids"}
        out["passage_count"] = len(self.passage_ids)
        if passages is not None:
            out["passages"] = passages
        return out


def _add(items: list[str], value: str, limit: int = 8) -> None:
    value = clean(value)
    if value and value not in items and len(items) < limit:
        items.append(value)


class DirectiveCatalog:
    def __init__(self, passages: PassageView) -> None:
        self.passages = passages
        # one view per set of access groups: a number cited only in documents the caller may not read
        # does not exist for them (nor its date, title or agencies)
        self._views: dict[frozenset[str] | None, tuple[int, dict[str, Directive]]] = {}
        self._lock = threading.Lock()

    @property
    def records(self) -> dict[str, Directive]:
        return self.refresh()

    def refresh(self) -> dict[str, Directive]:
        cache = self.passages
        cache.refresh()
        groups = caller_groups()
        view = self._views.get(groups)
        if view and view[0] == cache.generation:
            return view[1]
        with self._lock:
            visible = cache.visible_ids(groups)
            records: dict[str, Directive] = {}
            for p in cache.in_order():
                if visible is None or p.id in visible:
                    self._read(p, records)
            for r in records.values():
                r.number = r._forms.most_common(1)[0][0] if r._forms else r.number
                if r._dates and not r.date:
                    r.date = r._dates.most_common(1)[0][0]
            self._views[groups] = (cache.generation, records)
            return records

    @staticmethod
    def _record(records: dict[str, Directive], key: str, text: str, doc_type: str, issuer_code: str) -> Directive:
        r = records.get(key)
        if r is None:
            r = records[key] = Directive(key, text, doc_type, issuer=issuer_name(issuer_code), issuer_code=issuer_code)
        r._forms[text] += 1
        return r

    def _number(self, records: dict[str, Directive], n: DocNumber) -> Directive:
        return self._record(records, n.key, n.text, n.doc_type, n.issuer_code)

    def _read(self, p: Passage, records: dict[str, Directive]) -> None:
        md = p.metadata
        # what ingest read (passages ingested before it did are read now, the same way)
        fields: PassageMetadata = md if "cites" in md else directive_fields(p.kind, p.text, md)
        # the document's own number, with its date and title
        own = parse_number(str(md.get("doc_number") or "")) if md.get("doc_number") else None
        if own is not None:
            r = self._number(records, own)
            r.in_corpus = True
            if md.get("doc_date") and len(str(md["doc_date"])) == 10:
                r.date = r.date or str(md["doc_date"])
            if md.get("doc_type"):
                r.type = str(md["doc_type"])
            r.title = r.title or str(md.get("title") or "")[:200]
            _append(r.passage_ids, p.id)
        # the directive a bulletin item reports
        if md.get("directive_key"):
            item = parse_number(str(md.get("directive_number") or ""))
            if item is not None:
                r = self._number(records, item)
                r.in_corpus = True
                if md.get("directive_date"):
                    r.date = r.date or str(md["directive_date"])
                if md.get("directive_type"):
                    r.type = str(md["directive_type"])
                r.title = r.title or p.text.split("\n", 1)[0][:200]
                for value in fields.get("directive_lead", []):
                    _add(r.lead, value)
                for value in fields.get("directive_partners", []):
                    _add(r.partners, value)
                for value in fields.get("directive_deadlines", []):
                    _add(r.deadlines, value)
        attached = parse_number(str(md.get("attached_to") or "")) if md.get("attached_to") else None
        if attached is not None:  # an appendix: its title is the plan's subject
            r = self._number(records, attached)
            r.title = r.title or str(md.get("title") or "")[:200]
        # every number cited, with the date, issuer, type and relation its sentence gives
        host = md.get("directive_key") or (own.key if own else "")
        for cited in fields.get("cites", []):
            self._cited(records, p, cited, host)

    def _cited(self, records: dict[str, Directive], p: Passage, cited: CitedNumber, host: str) -> None:
        md = p.metadata
        r = self._record(records, cited["key"], cited["number"], cited["type"], cited["issuer_code"])
        _append(r.passage_ids, p.id)
        if cited["date"]:
            r._dates[cited["date"]] += 1
        if cited["named_type"] and r.type == "Công văn" and not cited["typed"]:
            r.type = cited["named_type"]
        if cited["issuer"] and (not r.issuer or r.issuer == r.issuer_code):
            r.issuer = cited["issuer"]
        if not r.title and cited["about"]:
            r.title = cited["about"]
        if p.kind == PassageKind.TABLE_ROW:
            _add(r.lead, str(md.get("row_lead") or ""))
            _add(r.partners, str(md.get("row_partner") or ""))
            _add(r.deadlines, str(md.get("row_deadline") or ""))
        if host and host != cited["key"] and host in records:
            if cited["relation"] == "implements":
                _add(records[host].implements, cited["number"])
            elif cited["relation"] == "replaces":
                _add(records[host].replaces, cited["number"])

    # --- queries ---------------------------------------------------------------------------------
    def get(self, number: str) -> Directive | None:
        records = self.refresh()
        found = find_typed_numbers(number)
        key = found[0][0].key if found else fold(re.sub(r"\s+", "", number)).upper()
        return records.get(key)

    def passages_of(self, r: Directive) -> list[dict[str, Any]]:
        self.passages.prefetch(r.passage_ids)  # server mode: one round trip for them all
        by_id = self.passages.by_id
        out = []
        for pid in r.passage_ids:
            p = by_id.get(pid)
            if p is None:
                continue
            out.append({"id": p.id, "doc_id": p.doc_id, "kind": p.kind, "text": p.text,
                        "label": citation_label(p.metadata, p.kind), "source": p.metadata.get("source", "")})
        return out

    def search(self, *, number: str = "", type: str = "", date_from: str = "", date_to: str = "", issuer: str = "",
               agency: str = "", q: str = "", sort: str = "date_desc", page: int = 1, page_size: int = 20,
               ) -> dict[str, Any]:
        items = list(self.refresh().values())
        if number:
            typed = find_typed_numbers(number)
            if typed:
                items = [r for r in items if r.key == typed[0][0].key]
            else:
                digits = re.sub(r"\D", "", number)
                items = [r for r in items if digits and r.key.split("/")[0].split("-")[0].lstrip("0") == digits.lstrip("0")]
        if type:
            want = _fold(type)
            items = [r for r in items if _fold(r.type) == want]
        if date_from:
            items = [r for r in items if r.date and r.date >= date_from]
        if date_to:
            items = [r for r in items if r.date and r.date[: len(date_to)] <= date_to]
        if issuer:
            want = _fold(issuer)
            items = [r for r in items if want in _fold(r.issuer) or want == _fold(r.issuer_code)]
        if agency:
            want = _fold(agency)
            items = [r for r in items if any(want in _fold(a) for a in r.lead + r.partners)]
        if q:
            words = _fold(q).split()
            items = [r for r in items if all(w in _fold(" ".join([r.number, r.title, r.type, r.issuer, *r.lead]))
                                             for w in words)]
        reverse = sort != "date_asc"
        items.sort(key=lambda r: (r.date or ("" if reverse else "9999"), r.key), reverse=reverse)
        total = len(items)
        page = max(1, page)
        start = (page - 1) * page_size
        return {"total": total, "page": page, "page_size": page_size,
                "items": [r.as_dict() for r in items[start : start + page_size]],
                "message": "" if total else "Không có văn bản nào khớp bộ lọc (no directive matches these filters)."}


def _fold(s: str) -> str:
    return " ".join(fold(s or "").lower().split())


def _append(ids: list[str], pid: str) -> None:
    if pid not in ids:
        ids.append(pid)
