"""The passage: a citable unit with its provenance, the one type ingest produces, the index stores and the
assistant reads. `kind` is a `PassageKind` (a `StrEnum`: it compares equal to the strings of stored data and
filters, `"table_row"`); `metadata` is a `PassageMetadata`, every key a layer reads, documented below."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict


class PassageKind(StrEnum):
    PARAGRAPH = "paragraph"  # prose of a report or plan, packed per section
    FOOTNOTE = "footnote"  # a footnote's body, linked to the passage citing it
    TABLE_ROW = "table_row"  # one row of a table, with its column names
    DIRECTIVE_ITEM = "directive_item"  # one item of a directive bulletin (title + body)
    HEADER = "header"  # a document's header: issuer, motto, number, date, type and title
    CLOSING = "closing"  # recipients and signature


class FootnoteLink(TypedDict):
    n: int  # the footnote's number
    id: str  # the footnote passage's id
    text: str


class CitedNumber(TypedDict):
    """A document number a passage cites, with what its sentence says about it (read once, at ingest)."""

    number: str  # as written, without stray spaces: "1887/UBND-NC"
    key: str  # match key: "1887/UBND-NC", "2233/QD-UBND"
    type: str  # the type its type letters give ("Công văn" when it has none)
    typed: bool  # it has type letters
    issuer_code: str  # "UBND", "BTC"
    date: str  # the issue date given right after it (ISO), or ""
    named_type: str  # the type word written right before it ("Luật", "Quyết định"), or ""
    issuer: str  # "… của UBND tỉnh Lạng Sơn" after it: the issuer named, or ""
    about: str  # "về việc …" after it: its subject, or ""
    relation: str  # "implements" | "replaces" | "": what the citing document does to it


class PassageMetadata(TypedDict, total=False):
    """What a passage carries besides its text. Every passage has the provenance keys; the others belong to
    some kinds. Chroma receives a flat subset (index/vectorstore.py `chroma_metadata`)."""

    # provenance: every passage
    doc_id: str
    source: str  # the file name
    title: str  # the document's title (trích yếu)
    doc_type: str  # "Báo cáo", "Quyết định", "Bản tin" (domain/doctypes.py)
    doc_number: str  # its số hiệu, "" when none
    doc_date: str  # ISO, maybe partial ("2024-02")
    kind: str  # the PassageKind's value, for filters over metadata
    page: int | None
    section: str  # numbering path "II > 1 > 1.2", a table row's STT, a bulletin item's title
    section_title: str  # the headings' texts, " > "-joined
    attached_to: str  # an appendix: the number of the document it is attached to
    period: str  # a report's period, "tháng 02/2024"
    doc_numbers: list[str]  # keys of the document numbers the text cites
    doc_numbers_text: list[str]  # the same, as written
    dates: list[str]  # ISO dates the text names
    date_int: int  # 20231228: the passage's own date (its directive's, else its document's), for date filters
    ocr: bool  # read by OCR …
    ocr_confidence: float  # … with Tesseract's mean confidence
    groups: list[str]  # access groups (index/access.py); set when ingested
    instruction_spans: list[list[int]]  # [start, end] of instruction-like runs, never quoted (ingest/injection.py)
    # directive_item: the directive the bulletin item reports, and what it says (ingest/directive_fields.py)
    directive_number: str
    directive_key: str
    directive_type: str
    directive_date: str
    directive_lead: list[str]  # agencies it makes lead ("Sở Nội vụ chủ trì")
    directive_partners: list[str]  # agencies it makes partners ("phối hợp với …")
    directive_deadlines: list[str]  # deadlines it sets ("trước ngày 30/6/2025")
    # every passage: the numbers it cites, each with its date, issuer, subject and relation (ingest)
    cites: list[CitedNumber]
    # table_row: the row's STT, the table's column names and the cells of the columns that play a role
    stt: str
    columns: list[str]
    row_task: str
    row_lead: str
    row_partner: str
    row_deadline: str
    row_result: str
    # footnote: its number, the sentence citing it and that sentence's passage; the citing passage's links
    footnote_no: int
    citing_sentence: str
    cited_by: str
    footnotes: list[FootnoteLink]
    # table_row, footnote: the neighbouring rows or footnotes shown with it in a search result (`window_text`):
    # `window_before` inserted at character `window_at` of the text, `window_after` after its end
    window_before: str
    window_after: str
    window_at: int


# The table-row keys by column role (ingest/chunker.py COLUMN_ROLES): what a listing question constrains.
ROW_KEYS = {"task": "row_task", "lead": "row_lead", "partner": "row_partner", "deadline": "row_deadline",
            "result": "row_result"}


@dataclass
class Passage:
    """A citable unit with its provenance. `text` is shown; `embed_text` adds context for search (the serving
    cache keeps passages without it)."""

    id: str
    doc_id: str
    position: int
    kind: PassageKind
    text: str
    embed_text: str
    metadata: PassageMetadata

    def window_text(self) -> str:
        """The text as a search result shows it: a table row between the rows above and below it, a footnote
        between its neighbours (a sentence-window view; the passage itself is what is embedded and quoted)."""
        md = self.metadata
        before, after = md.get("window_before", ""), md.get("window_after", "")
        if not (before or after):
            return self.text
        at = min(max(int(md.get("window_at", 0)), 0), len(self.text))
        head, tail = self.text[:at], self.text[at:]
        return head + (before + "\n" if before else "") + tail + ("\n" + after if after else "")
