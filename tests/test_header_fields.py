"""What a document's header says of it, whatever way the header is laid out: its title is its subject line —
never the issuer block above it, nor the line under it that names who enacts it —, its place the whole place
name even when a crawl wrapped it."""

from __future__ import annotations

import pytest

from ingest.pipeline import parse_bytes
from ingest.types import DocumentMeta

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
PROVINCE = "ỦY BAN NHÂN DÂN\nTỈNH HÒA MỸ\n\n"
MINISTRY = "BỘ KHOA HỌC\n\n"
BODY = "Ngày 03 tháng 4, tại trụ sở, đoàn công tác đã làm việc về tình hình thực hiện nhiệm vụ được giao.\n"
GROUNDS = "Căn cứ Luật Tổ chức chính quyền địa phương;\n\n"


def _meta(issuer: str, number: str, dated: str, rest: str) -> DocumentMeta:
    """The header of a document: issuer block, motto, number, place-and-date line, then `rest` and a body."""
    text = f"{issuer}{MOTTO}Số: {number}\n\n{dated}, ngày 05 tháng 4 năm 2025\n\n{rest}" + BODY
    return parse_bytes("header.txt", text.encode("utf-8")).meta


@pytest.mark.parametrize("issuer, rest, title", [
    # a subject line opening with a type word is the title under a bare type line
    (MINISTRY, "THÔNG BÁO\n\nKẾT LUẬN CỦA BỘ TRƯỞNG TẠI BUỔI LÀM VIỆC VỚI VIỆN NGHIÊN CỨU BIỂN\n\n",
     "KẾT LUẬN CỦA BỘ TRƯỞNG TẠI BUỔI LÀM VIỆC VỚI VIỆN NGHIÊN CỨU BIỂN"),
    # the enacting line under the title is not the title's; a wrapped period line is
    (PROVINCE, "QUYẾT ĐỊNH\n\nVỀ VIỆC BAN HÀNH KẾ HOẠCH TRỒNG RỪNG GIAI ĐOẠN\n2026 - 2030\n\n"
               "ỦY BAN NHÂN DÂN TỈNH HÒA MỸ\n\n" + GROUNDS,
     "VỀ VIỆC BAN HÀNH KẾ HOẠCH TRỒNG RỪNG GIAI ĐOẠN 2026 - 2030"),
    # who enacts it, printed on the title's line, is cut off
    (MINISTRY, "CÔNG ĐIỆN VỀ VIỆC BẢO ĐẢM AN TOÀN PHÒNG THÍ NGHIỆM MÙA MƯA BÃO BỘ TRƯỞNG BỘ KHOA HỌC điện:\n\n"
               "- Các viện nghiên cứu trực thuộc.\n\n",
     "VỀ VIỆC BẢO ĐẢM AN TOÀN PHÒNG THÍ NGHIỆM MÙA MƯA BÃO"),
    # a title naming an issuer inside it is kept whole
    (PROVINCE, "QUYẾT ĐỊNH\n\nBAN HÀNH QUY CHẾ LÀM VIỆC CỦA\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ NHIỆM KỲ 2021 - 2026\n\n" + GROUNDS,
     "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH HÒA MỸ NHIỆM KỲ 2021 - 2026"),
], ids=["subject-opening-with-a-type-word", "enacting-line-below", "enacting-on-the-title-line", "issuer-inside"])
def test_the_title_is_the_subject_line(issuer: str, rest: str, title: str) -> None:
    assert _meta(issuer, "41/QĐ-UBND", "Hòa Mỹ", rest).title == title


def test_a_title_ending_on_the_issuers_name_after_a_connective_is_kept_whole() -> None:
    for title in ("BAN HÀNH QUY CHẾ LÀM VIỆC CỦA\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ",
                  "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH HÒA MỸ"):
        meta = _meta(PROVINCE, "81/QĐ-UBND", "Hòa Mỹ",
                     f"QUYẾT ĐỊNH\n\n{title}\n\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ\n\n" + GROUNDS)
        assert meta.title == "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH HÒA MỸ", title


def test_a_place_name_wrapped_before_its_date_line_is_read_whole() -> None:
    meta = _meta("ỦY BAN NHÂN DÂN\nTỈNH XUÂN HÒA\n\n", "79/KH-UBND", "Xuân\nHòa",
                 "KẾ HOẠCH\n\nTRỒNG CÂY XANH NĂM 2026\n\n")
    assert (meta.extra.get("place"), meta.date) == ("Xuân Hòa", "2025-04-05")


def test_a_breadcrumb_above_the_date_line_is_no_part_of_the_place() -> None:
    meta = _meta(MINISTRY, "42/BKH-VP", "Trang chủ\nTin tức\nHà Nội", "KẾ HOẠCH\n\nSỐ HÓA TƯ LIỆU NĂM 2026\n\n")
    assert meta.extra.get("place") == "Hà Nội"


BULLETIN = ("Chỉ đạo, điều hành nổi bật của UBND tỉnh trong tuần\n\n"
            "1. UBND tỉnh ban hành Kế hoạch phát triển du lịch tỉnh Lạng Sơn năm 2026.\n\n"
            "2. Chủ tịch UBND tỉnh yêu cầu các sở phối hợp với tỉnh Cao Bằng kiểm tra tuyến đường biên giới.\n\n"
            "3. UBND tỉnh Lạng Sơn giao Sở Tài chính rà soát nguồn vốn; Báo Lạng Sơn đưa tin.\n\n"
            "4. Các sở, ngành của tỉnh Lạng Sơn triển khai kế hoạch.\n\n")


def test_a_document_without_a_dated_header_is_placed_where_its_text_is_about() -> None:
    """A bulletin crawled from a province's portal has no "Lạng Sơn, ngày …" line: its place is the province
    its text names far more than any other, so a question naming the province finds it held."""
    meta = parse_bytes("ban-tin.txt", BULLETIN.encode("utf-8")).meta
    assert meta.extra.get("place") == "Lạng Sơn"


@pytest.mark.parametrize("text", [
    # a law names provinces only in passing, and Hồ Chí Minh as a person
    "Điều 5. Giáo dục thế hệ trẻ theo tư tưởng Hồ Chí Minh; Đoàn Thanh niên Cộng sản Hồ Chí Minh.\n\n"
    "Điều 6. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.\n\n",
    # a letter to several provinces is about none of them
    "Gửi UBND các tỉnh: Lạng Sơn, Cao Bằng, Hà Giang, Lào Cai.\n\nĐề nghị tỉnh Lạng Sơn, tỉnh Cao Bằng, "
    "tỉnh Hà Giang báo cáo trước ngày 15/12.\n\n",
    # named twice only: too little to say what the document is about
    "Đoàn công tác làm việc tại tỉnh Lạng Sơn.\n\nKết quả làm việc với tỉnh Lạng Sơn được báo cáo.\n\n",
    # four times, but under 60% of the provinces' mentions
    "Tỉnh Lạng Sơn, tỉnh Lạng Sơn, tỉnh Lạng Sơn và tỉnh Lạng Sơn; tỉnh Cao Bằng; tỉnh Hà Giang; tỉnh Lào Cai.\n\n",
    # three times, the next one twice: no lead
    "Tỉnh Lạng Sơn, tỉnh Lạng Sơn, tỉnh Lạng Sơn; tỉnh Cao Bằng, tỉnh Cao Bằng.\n\n",
    # a name inside a longer one is no province: a person, a street, a region
    "Bà Nguyễn Thị Huế phát biểu. Ý kiến của bà Nguyễn Thị Huế được ghi nhận; bà Nguyễn Thị Huế đề nghị.\n\n",
    "Đường Điện Biên Phủ, số 1 Điện Biên Phủ, số 3 Điện Biên Phủ.\n\n",
    "Khu vực Châu Á - Thái Bình Dương; hợp tác Châu Á - Thái Bình Dương; diễn đàn Châu Á - Thái Bình Dương.\n\n",
], ids=["law", "letter-to-several", "twice", "under-the-share", "no-lead", "a-person", "a-street", "a-region"])
def test_no_place_when_no_province_dominates(text: str) -> None:
    assert not parse_bytes("van-ban.txt", text.encode("utf-8")).meta.extra.get("place")
