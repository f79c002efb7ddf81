"""What a document's header says of it, whatever way the header is laid out: its title is its subject line —
never the issuer block above it, nor the line under it that names who enacts it —, its place the whole place
name even when a crawl wrapped it."""

from __future__ import annotations

from ingest.pipeline import parse_bytes


def _title(text: str) -> str:
    return parse_bytes("header.txt", text.encode("utf-8")).meta.title


BODY = "Ngày 03 tháng 4, tại trụ sở, đoàn công tác đã làm việc về tình hình thực hiện nhiệm vụ được giao.\n"


def test_a_subject_line_opening_with_a_type_word_is_the_title_under_a_bare_type_line() -> None:
    text = ("BỘ KHOA HỌC\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nSố: 41/TB-BKH\n\n"
            "Hà Nội, ngày 05 tháng 4 năm 2025\n\nTHÔNG BÁO\n\n"
            "KẾT LUẬN CỦA BỘ TRƯỞNG TẠI BUỔI LÀM VIỆC VỚI VIỆN NGHIÊN CỨU BIỂN\n\n" + BODY)
    assert _title(text) == "KẾT LUẬN CỦA BỘ TRƯỞNG TẠI BUỔI LÀM VIỆC VỚI VIỆN NGHIÊN CỨU BIỂN"


def test_the_enacting_line_under_the_title_and_a_wrapped_period_line() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA MỸ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "Số: 77/QĐ-UBND\n\nHòa Mỹ, ngày 05 tháng 4 năm 2025\n\nQUYẾT ĐỊNH\n\n"
            "VỀ VIỆC BAN HÀNH KẾ HOẠCH TRỒNG RỪNG GIAI ĐOẠN\n2026 - 2030\n\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ\n\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương;\n\n" + BODY)
    assert _title(text) == "VỀ VIỆC BAN HÀNH KẾ HOẠCH TRỒNG RỪNG GIAI ĐOẠN 2026 - 2030"


def test_who_enacts_printed_on_the_title_line_is_cut_off() -> None:
    text = ("BỘ KHOA HỌC\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nSố: 12/CĐ-BKH\n\n"
            "Hà Nội, ngày 05 tháng 4 năm 2025\n\n"
            "CÔNG ĐIỆN VỀ VIỆC BẢO ĐẢM AN TOÀN PHÒNG THÍ NGHIỆM MÙA MƯA BÃO BỘ TRƯỞNG BỘ KHOA HỌC điện:\n\n"
            "- Các viện nghiên cứu trực thuộc.\n\n" + BODY)
    assert _title(text) == "VỀ VIỆC BẢO ĐẢM AN TOÀN PHÒNG THÍ NGHIỆM MÙA MƯA BÃO"


def test_a_title_naming_an_issuer_inside_it_is_kept_whole() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA MỸ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "Số: 78/QĐ-UBND\n\nHòa Mỹ, ngày 05 tháng 4 năm 2025\n\nQUYẾT ĐỊNH\n\n"
            "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ NHIỆM KỲ 2021 - 2026\n\n"
            "Căn cứ Luật Tổ chức chính quyền địa phương;\n\n" + BODY)
    assert _title(text) == "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH HÒA MỸ NHIỆM KỲ 2021 - 2026"


def test_a_place_name_wrapped_before_its_date_line_is_read_whole() -> None:
    text = ("ỦY BAN NHÂN DÂN\nTỈNH XUÂN HÒA\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "Số: 79/KH-UBND\n\nXuân\nHòa, ngày 05 tháng 4 năm 2025\n\nKẾ HOẠCH\n\nTRỒNG CÂY XANH NĂM 2026\n\n" + BODY)
    meta = parse_bytes("header.txt", text.encode("utf-8")).meta
    assert (meta.extra.get("place"), meta.date) == ("Xuân Hòa", "2025-04-05")


def test_a_title_ending_on_the_issuers_name_after_a_connective_is_kept_whole() -> None:
    head = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA MỸ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "Số: 81/QĐ-UBND\n\nHòa Mỹ, ngày 05 tháng 4 năm 2025\n\nQUYẾT ĐỊNH\n\n")
    tail = "\n\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n\n" + BODY
    for title in ("BAN HÀNH QUY CHẾ LÀM VIỆC CỦA\nỦY BAN NHÂN DÂN TỈNH HÒA MỸ",
                  "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH HÒA MỸ"):
        assert _title(head + title + tail) == "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH HÒA MỸ", title


def test_a_breadcrumb_above_the_date_line_is_no_part_of_the_place() -> None:
    text = ("BỘ KHOA HỌC\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nSố: 42/BKH-VP\n\n"
            "Trang chủ\nTin tức\nHà Nội, ngày 05 tháng 4 năm 2025\n\nKẾ HOẠCH\n\nSỐ HÓA TƯ LIỆU NĂM 2026\n\n" + BODY)
    assert parse_bytes("header.txt", text.encode("utf-8")).meta.extra.get("place") == "Hà Nội"
