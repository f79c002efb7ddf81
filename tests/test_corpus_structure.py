"""Structure checks on the three real documents in ../shared/corpus (through the real pipeline)."""

from __future__ import annotations

import pytest

from .conftest import CORPUS

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")


def _parse(name: str):  # type: ignore[no-untyped-def]
    from ingest.pipeline import parse_bytes

    path = CORPUS / name
    return parse_bytes(path.name, path.read_bytes())


def test_report_sections_footnotes_and_page_breaks() -> None:
    doc = _parse("bao-cao-kinh-te-xa-hoi-thang-02-2024.txt")
    assert doc.meta.doc_type == "Báo cáo" and doc.meta.period == "tháng 02/2024"
    footnotes = [p for p in doc.passages if p.kind == "footnote"]
    assert len(footnotes) == 19
    assert all(p.metadata.get("cited_by") and p.metadata.get("citing_sentence") for p in footnotes)
    linked = {f["n"] for p in doc.passages for f in p.metadata.get("footnotes", [])}
    assert linked == set(range(1, 20))
    sections = {p.metadata["section"] for p in doc.passages}
    assert "II > 1 > 1.3" in sections
    # a paragraph cut by a page break and a footnote block is rejoined
    assert any("02 xã đạt chuẩn NTM kiểu mẫu" in p.text for p in doc.passages)
    assert any("(tăng 211 tỷ đồng, tương đương 111% so với cùng kỳ năm 2023⁶); trong đó: Ngân sách địa phương" in p.text
               for p in doc.passages)
    assert doc.meta.signer == "Lương Trọng Quỳnh"


def test_task_table_one_passage_per_row() -> None:
    doc = _parse("phu-luc-ke-hoach-126-par-index-2024.txt")
    rows = [p for p in doc.passages if p.kind == "table_row"]
    assert len(rows) >= 80
    assert not any("<ul" in p.text or "style=" in p.text for p in doc.passages)
    assert all(p.text.count("Nhiệm vụ cụ thể") == 1 for p in rows)  # the column line only, no repeated header row
    row = next(p for p in rows if "Facebook, Zalo" in p.text)
    assert row.metadata["row_lead"] == "Văn phòng UBND tỉnh" and row.metadata["stt"] == "I.4.4"
    assert "Thường xuyên" == row.metadata["row_deadline"]
    cont = next(p for p in rows if p.metadata["stt"] == "I.8")  # a row continued on the next page
    assert "khảo sát cán bộ, lãnh đạo quản lý" in cont.text and "Theo kế hoạch của Bộ Nội vụ" in cont.text
    assert doc.meta.attached_to == "126/KH-UBND" and doc.meta.date == "2024-06-03"


def test_bulletin_items_without_furniture() -> None:
    doc = _parse("chi-dao-dieu-hanh-tuan-25-31-12-2023.txt")
    furniture = ("A- A A+", "Ảnh minh họa", "https://", "Click để đánh giá", "Tổng số điểm của bài viết")
    assert not any(f in p.text for p in doc.passages for f in furniture)
    item = next(p for p in doc.passages if "kiểm soát xung đột lợi ích" in p.metadata["section"])
    assert item.metadata["directive_number"] == "1887/UBND-NC"
    assert item.metadata["directive_date"] == "2023-12-28"
    assert "1887/UBND-NC" in item.metadata["doc_numbers"]
    long_items = {}
    for p in doc.passages:
        long_items.setdefault(p.metadata["section"], []).append(p)
    split = [ps for section, ps in long_items.items() if section and len(ps) > 1]  # "": the lead, under no item
    assert split and all(p.text.startswith(ps[0].text.split("\n")[0]) for ps in split for p in ps)
    # the bulletin's own title is its header, not an item: no passage is filed under it
    assert doc.passages[0].kind == "header" and doc.passages[0].text == doc.meta.title
    assert not any(doc.meta.title in p.metadata["section_title"] for p in doc.passages)


def test_other_provinces_documents_ingest() -> None:
    from ingest.pipeline import parse_bytes

    extra = CORPUS.parent / "corpus-extra"
    if not extra.is_dir():
        pytest.skip("no corpus-extra")
    for path in sorted(extra.glob("*.txt")):
        doc = parse_bytes(path.name, path.read_bytes())
        assert doc.passages, path.name
        assert doc.meta.number, path.name
        assert max(len(p.embed_text) for p in doc.passages) <= 1600
        assert not any("has the copyright on this translation" in p.text for p in doc.passages), path.name
