"""A table's rows are named by the lines right above the table that name it (its appendix title, its "(Kèm
theo …)" line) — never by the signature or the recipients block that an appendix follows, nor by a sentence of
the text."""

from __future__ import annotations

from ingest.pipeline import parse_bytes

DOC = """ỦY BAN NHÂN DÂN
TỈNH XUÂN HÒA

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 90/QĐ-UBND

Xuân Hòa, ngày 05 tháng 4 năm 2025

QUYẾT ĐỊNH

VỀ MỨC CHI HỖ TRỢ CÔNG TÁC SỐ HÓA TƯ LIỆU

Điều 1. Ban hành mức chi hỗ trợ công tác số hóa tư liệu tại Phụ lục kèm theo Quyết định này.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

Nơi nhận:
- Như Điều 2;
- Lưu: VT.

CHỦ TỊCH Nguyễn Văn An

PHỤ LỤC MỨC CHI HỖ TRỢ CÔNG TÁC SỐ HÓA TƯ LIỆU {after}

| STT | Nội dung chi | Mức chi |
| --- | --- | --- |
| 1 | Chi số hóa một trang tài liệu | 2.000 đồng |
| 2 | Chi biên mục một hồ sơ | 15.000 đồng |
"""


def _row_names(after: str) -> list[str]:
    doc = parse_bytes("qd.txt", DOC.format(after=after).encode("utf-8"))
    assert doc.ledger.lost == []
    return [p.text.split("\n")[0] for p in doc.passages if p.kind == "table_row"]


def test_an_appendix_table_after_the_signature_is_named_by_its_title() -> None:
    kem_theo = "(Kèm theo Quyết định số 90/QĐ-UBND ngày 05 tháng 4 năm 2025 của Ủy ban nhân dân tỉnh Xuân Hòa)"
    # the unit line ends with a full stop and still names the table; a long Kèm theo line is still a caption
    for after in ("", kem_theo, f"\n{kem_theo}\nĐơn vị tính: đồng.", kem_theo + " " + "(Đơn vị tính: đồng) " * 5):
        names = _row_names(after)
        assert len(names) == 2, names
        for name in names:
            assert name.startswith("PHỤ LỤC MỨC CHI HỖ TRỢ"), name
            assert "Nguyễn Văn An" not in name and "Lưu" not in name, name
            assert "Đơn vị tính" in name or "Đơn vị tính" not in after, name
