"""The directive catalog: every document number issued or cited in the ingested documents becomes a record —
number, type, date, issuer, trích yếu, responsible and partner agencies, deadlines, the documents it
implements or replaces, and the passages that mention it. Built from the passages (refreshed when the
catalog's generation moves), so it always agrees with what search and answers see."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from index.access import caller_groups
from index.vntext import fold
from ingest.docnumbers import find_numbers, find_typed_numbers, numbers_with_dates, parse_number

from .citations import ISSUERS, citation_label

if TYPE_CHECKING:
    from index.catalog import StoredPassage

    from .container import Container

_OF_ISSUER = re.compile(r"^\s*(?:,\s*)?(?:ngày\s*\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4}\s*)?(?:,\s*)?của\s+"
                        r"((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ&-]*|và|tỉnh|thành phố|nhân dân|huyện|Nhân dân|cấp)"
                        r"(?:\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ&-]*|và|tỉnh|thành phố|nhân dân|huyện|cấp|giao thông|vận tải|"
                        r"tài chính|nội vụ|xây dựng|y tế|công thương|tư pháp|ngoại giao|quốc phòng|công an|"
                        r"kế hoạch|đầu tư|giáo dục|đào tạo|lao động|thương binh|xã hội|nông nghiệp|môi trường|"
                        r"tài nguyên|khoa học|công nghệ|thông tin|truyền thông|văn hóa|thể thao|du lịch|dân tộc|"
                        r"phát triển nông thôn))*)")
_ABOUT = re.compile(r"\b(?:về việc|về|V/v)\s+([^.;()]{8,160})", re.I)
_IMPLEMENTS = re.compile(r"(?:triển khai|thực hiện|hướng dẫn thực hiện|cụ thể hóa|theo)\s+(?:[^.;]{0,40}?)$", re.I)
_REPLACES = re.compile(r"(?:thay thế|bãi bỏ|sửa đổi, bổ sung|sửa đổi)\s+(?:[^.;]{0,20}?)$", re.I)
_AGENCY = re.compile(r"\b(?:Sở|Ban|UBND|Ủy ban nhân dân|Văn phòng|Thanh tra|Công an|Trung tâm|Cục|Chi cục|Bộ Chỉ huy|"
                     r"Kho bạc|Liên đoàn|Tỉnh đoàn|Bộ)\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ&-]*|và|tỉnh|huyện|thành phố|cấp|các|"
                     r"Thể thao|Du lịch)(?:\s+(?:[A-ZĐÀ-Ỹa-zđà-ỹ][\wÀ-ỹ&-]*)){0,5}?(?=\s+(?:chủ trì|phối hợp|"
                     r"tổ chức|thực hiện|xây dựng|rà soát|tham mưu)|[,;.)]|$)")
_LEAD = re.compile(r"(?:giao|yêu cầu|đề nghị)?\s*((?:Sở|Ban|UBND|Ủy ban nhân dân|Văn phòng|Thanh tra|Công an|Trung tâm|"
                   r"Cục|Chi cục|Bộ Chỉ huy|Kho bạc|Các sở)[^.;:]{2,80}?)\s+chủ trì", re.I)
_PARTNER = re.compile(r"phối hợp với\s+([^.;:]{4,120}?)(?=\s+(?:tổ chức|thực hiện|xây dựng|triển khai|rà soát|"
                      r"tham mưu|kiểm tra|để|nhằm)|[.;:]|$)", re.I)
_DEADLINE = re.compile(r"(?:trước ngày|chậm nhất (?:ngày|trước ngày)?|hoàn thành (?:trước|trong)?\s*(?:ngày)?)\s*"
                       r"(\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4}|tháng \d{1,2}(?:/\d{4})?|quý [IV]+(?:/\d{4})?|năm \d{4})",
                       re.I)
_TYPE_BEFORE = re.compile(r"(Công văn|Quyết định|Kế hoạch|Chỉ thị|Công điện|Nghị quyết|Nghị định|Thông tư|Thông báo|"
                          r"Báo cáo|Chương trình|Hướng dẫn|Tờ trình|Kết luận|Quy chế|Luật)\s*(?:số|số:)?\s*$", re.I)
ISSUER_CODES = {
    **ISSUERS, "BGTVT": "Bộ Giao thông vận tải", "BTC": "Bộ Tài chính", "BNV": "Bộ Nội vụ", "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế", "BXD": "Bộ Xây dựng", "BTP": "Bộ Tư pháp", "BCA": "Bộ Công an", "BQP": "Bộ Quốc phòng",
    "BKHDT": "Bộ Kế hoạch và Đầu tư", "BGDDT": "Bộ Giáo dục và Đào tạo", "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn", "BLDTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BTTTT": "Bộ Thông tin và Truyền thông", "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ", "NHNN": "Ngân hàng Nhà nước", "TTCP": "Thanh tra Chính phủ",
    "TTR": "Thanh tra", "BCD": "Ban Chỉ đạo", "LMHTX": "Liên minh Hợp tác xã", "TANDTC": "Tòa án nhân dân tối cao",
}
# Sector abbreviations: "S" + sector is a provincial department (Sở), "B" + sector a ministry (Bộ).
SECTORS = {"TTTT": "Thông tin và Truyền thông", "TNMT": "Tài nguyên và Môi trường", "KHDT": "Kế hoạch và Đầu tư",
           "GTVT": "Giao thông vận tải", "LDTBXH": "Lao động - Thương binh và Xã hội", "NNPTNT": "Nông nghiệp và Phát "
           "triển nông thôn", "NNMT": "Nông nghiệp và Môi trường", "VHTTDL": "Văn hóa, Thể thao và Du lịch",
           "GDDT": "Giáo dục và Đào tạo", "KHCN": "Khoa học và Công nghệ", "TC": "Tài chính", "NV": "Nội vụ",
           "TP": "Tư pháp", "XD": "Xây dựng", "YT": "Y tế", "CT": "Công Thương", "NGV": "Ngoại vụ", "DL": "Du lịch"}


def issuer_name(code: str) -> str:
    c = fold(code).upper().replace("-", "")
    if c in ISSUER_CODES:
        return ISSUER_CODES[c]
    if c in SECTORS:
        return f"Bộ {SECTORS[c]}" if c == "LDTBXH" else f"Sở {SECTORS[c]}"
    if c[:1] in ("S", "B") and c[1:] in SECTORS:
        return ("Sở " if c[0] == "S" else "Bộ ") + SECTORS[c[1:]]
    return code


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


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" ,;:.-–()")


def _add(items: list[str], value: str, limit: int = 8) -> None:
    value = _clean(value)
    if value and value not in items and len(items) < limit:
        items.append(value)


class DirectiveCatalog:
    def __init__(self, container: Container) -> None:
        self.c = container
        # one view per set of access groups: a number cited only in documents the caller may not read
        # does not exist for them (nor its date, title or agencies)
        self._views: dict[frozenset[str] | None, tuple[int, dict[str, Directive]]] = {}
        self._lock = threading.Lock()

    @property
    def records(self) -> dict[str, Directive]:
        return self.refresh()

    def refresh(self) -> dict[str, Directive]:
        cache = self.c.retriever.cache
        cache.refresh()
        groups = caller_groups()
        view = self._views.get(groups)
        if view and view[0] == cache.generation:
            return view[1]
        with self._lock:
            visible = cache.visible_ids(groups)
            records: dict[str, Directive] = {}
            for p in sorted(cache.by_id.values(), key=lambda x: (x.doc_id, x.position)):
                if visible is None or p.id in visible:
                    self._read(p, records)
            for r in records.values():
                r.number = r._forms.most_common(1)[0][0] if r._forms else r.number
                if r._dates and not r.date:
                    r.date = r._dates.most_common(1)[0][0]
            self._views[groups] = (cache.generation, records)
            return records

    def _record(self, records: dict[str, Directive], number: Any) -> Directive:
        key = number.key
        r = records.get(key)
        if r is None:
            code = number.issuer_code
            issuer = issuer_name(code)
            r = records[key] = Directive(key, number.text, number.doc_type, issuer=issuer, issuer_code=code)
        r._forms[number.text] += 1
        return r

    def _read(self, p: StoredPassage, records: dict[str, Directive]) -> None:
        md = p.metadata
        text = p.text
        # the document's own number, with its date and title
        own = parse_number(str(md.get("doc_number") or "")) if md.get("doc_number") else None
        if own is not None:
            r = self._record(records, own)
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
                r = self._record(records, item)
                r.in_corpus = True
                if md.get("directive_date"):
                    r.date = r.date or str(md["directive_date"])
                if md.get("directive_type"):
                    r.type = str(md["directive_type"])
                title = text.split("\n", 1)[0]
                r.title = r.title or title[:200]
                body = text.split("\n", 1)[1] if "\n" in text else text
                for m in _LEAD.finditer(body):
                    _add(r.lead, m.group(1))
                for m in _PARTNER.finditer(body):
                    _add(r.partners, m.group(1))
                for m in _DEADLINE.finditer(body):
                    _add(r.deadlines, m.group(1))
        attached = parse_number(str(md.get("attached_to") or "")) if md.get("attached_to") else None
        if attached is not None:  # an appendix: its title is the plan's subject
            r = self._record(records, attached)
            r.title = r.title or str(md.get("title") or "")[:200]
        # every number cited, with the date, issuer, type and relation the sentence gives; a table row's
        # numbers are those of its cells, not of the table name repeated in front of it
        if md.get("kind") == "table_row":
            text = text.rsplit("\n", 1)[-1]
        dated = {n.key: d for n, d in numbers_with_dates(text) if d}
        for num, s, e in find_numbers(text):
            r = self._record(records, num)
            _append(r.passage_ids, p.id)
            if num.key in dated:
                r._dates[dated[num.key]] += 1
            before = text[max(0, s - 40) : s]
            tb = _TYPE_BEFORE.search(before)
            if tb and r.type == "Công văn" and not num.type_code:
                r.type = tb.group(1)[0].upper() + tb.group(1)[1:].lower()
            after = text[e : e + 200]
            of = _OF_ISSUER.match(after)
            if of and (not r.issuer or r.issuer == r.issuer_code):
                r.issuer = _clean(of.group(1))
            if not r.title:
                a = _ABOUT.search(after[:200])
                if a:
                    r.title = _clean(a.group(1))
            if md.get("kind") == "table_row":
                _add(r.lead, str(md.get("row_lead") or ""))
                _add(r.partners, str(md.get("row_partner") or ""))
                _add(r.deadlines, str(md.get("row_deadline") or ""))
            host = md.get("directive_key") or (own.key if own else "")
            if host and host != num.key and host in records:
                if _IMPLEMENTS.search(before):
                    _add(records[host].implements, num.text)
                elif _REPLACES.search(before):
                    _add(records[host].replaces, num.text)

    # --- queries ---------------------------------------------------------------------------------
    def get(self, number: str) -> Directive | None:
        records = self.refresh()
        found = find_typed_numbers(number)
        key = found[0][0].key if found else fold(re.sub(r"\s+", "", number)).upper()
        return records.get(key)

    def passages_of(self, r: Directive) -> list[dict[str, Any]]:
        by_id = self.c.retriever.cache.by_id
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
