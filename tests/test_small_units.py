"""A numbered unit that fits in one passage is one passage: its lettered items ("a) Nhiệm vụ: …", "b) Cơ quan
thực hiện:") are its text, so the task and the agency that carries it out are quoted together. A unit too long
for one passage keeps its items as headings, whose titles then frame the text under them."""

from __future__ import annotations

from ingest.chunker import MAX_CHARS
from ingest.pipeline import parse_bytes

HEADER = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA MỸ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
          "Số: 80/KH-UBND\n\nHòa Mỹ, ngày 05 tháng 4 năm 2025\n\nKẾ HOẠCH\n\nPHÁT TRIỂN THƯ VIỆN SỐ NĂM 2026\n\n"
          "I. NHIỆM VỤ\n\n")


def _passages(body: str) -> list[tuple[str, str]]:
    doc = parse_bytes("plan.txt", (HEADER + body).encode("utf-8"))
    assert doc.ledger.lost == []
    return [(p.text, str(p.metadata.get("section_title"))) for p in doc.passages if p.kind == "paragraph"]


def test_a_small_unit_keeps_its_task_and_its_agency_in_one_passage() -> None:
    body = ("1. Số hóa tài liệu\n\na) Nhiệm vụ: Số hóa toàn bộ tài liệu lưu trữ của thư viện tỉnh.\n\n"
            "b) Cơ quan thực hiện:\n\n- Đơn vị chủ trì: Sở Văn hóa.\n\n- Đơn vị phối hợp: Sở Tài chính.\n\n"
            "2. Đào tạo\n\na) Nhiệm vụ: Bồi dưỡng kỹ năng số cho cán bộ thư viện.\n\n")
    holding = [(text, title) for text, title in _passages(body) if "Số hóa toàn bộ" in text]
    assert len(holding) == 1
    text, title = holding[0]
    assert "Đơn vị chủ trì: Sở Văn hóa." in text and "b) Cơ quan thực hiện:" in text
    assert title.endswith("1. Số hóa tài liệu")


def test_a_unit_too_long_for_one_passage_keeps_its_items_as_headings() -> None:
    tasks = "\n\n".join(f"- Triển khai nội dung số {i} tại các thư viện cấp xã trên địa bàn tỉnh." for i in range(30))
    body = f"1. Phân công\n\na) Sở Văn hóa:\n\n{tasks}\n\nb) Sở Tài chính:\n\n- Bố trí kinh phí thực hiện.\n\n"
    assert len(body) > MAX_CHARS
    titles = {title for _, title in _passages(body)}
    assert any(t.endswith("a) Sở Văn hóa:") for t in titles) and any(t.endswith("b) Sở Tài chính:") for t in titles)


def test_a_unit_with_another_heading_inside_keeps_its_items_as_headings() -> None:
    """Demoting the lettered item would leave the title line under it as the only heading of the unit's text."""
    body = ("1. Tiểu dự án hỗ trợ nhà ở\n\na) Đối tượng hỗ trợ\n\nHộ nghèo và hộ cận nghèo ở vùng khó khăn\n\n"
            "Mức hỗ trợ theo quy định của Nghị quyết này đối với từng đối tượng được hưởng chính sách.\n\n"
            "2. Đào tạo\n\nBồi dưỡng kỹ năng số.\n\n")
    titles = {title for _, title in _passages(body)}
    assert any("a) Đối tượng hỗ trợ" in t for t in titles), titles
