"""A crawl's hard wrap falling before the dash of "kinh tế - xã hội", "2021 - 2025" or "05 - 06%", or before
a year ("đến năm / 2050 đã được …"), does not open a list item: the sentence is read whole. A real list (short
items under a line that ends with a colon) stays a list; a bulletin item's long title still opens its item."""

from __future__ import annotations

from ingest.structure import join_lines
from ingest.types import Line


def _paragraphs(text: str) -> list[str]:
    return [ln.text for ln in join_lines([Line(t, 1) for t in text.splitlines()])]


def test_a_wrap_before_a_dash_inside_a_sentence_is_undone() -> None:
    text = ("Tăng cường phối hợp giữa các sở, ngành trong việc triển khai kế hoạch phát triển kinh tế\n"
            "- xã hội của tỉnh; tốc độ tăng bình quân giai đoạn 2026 - 2030 dự kiến đạt 10\n"
            "- 12%/năm.")
    assert _paragraphs(text) == [
        "Tăng cường phối hợp giữa các sở, ngành trong việc triển khai kế hoạch phát triển kinh tế - xã hội của "
        "tỉnh; tốc độ tăng bình quân giai đoạn 2026 - 2030 dự kiến đạt 10 - 12%/năm."]


def test_a_real_list_stays_a_list() -> None:
    text = "Kết quả hỗ trợ sau lũ:\n- 120 hộ được hỗ trợ\n- 35 xã được cấp gạo\n- Sở Tài chính bố trí kinh phí"
    assert _paragraphs(text) == ["Kết quả hỗ trợ sau lũ:", "- 120 hộ được hỗ trợ", "- 35 xã được cấp gạo",
                                 "- Sở Tài chính bố trí kinh phí"]
    items = ["- 1.200 hộ được hỗ trợ kinh phí sửa chữa nhà ở bị hư hỏng do lũ quét trên địa bàn",
             "- 35 xã được cấp gạo cứu đói trong thời gian giáp hạt cho các hộ bị ảnh hưởng",
             "- kinh phí hỗ trợ được bố trí từ nguồn dự phòng ngân sách tỉnh năm 2025 theo quy định",
             "- 120 tấn gạo dự trữ quốc gia được xuất cấp kịp thời"]
    assert _paragraphs("Kết quả hỗ trợ sau lũ\n" + "\n".join(items)) == ["Kết quả hỗ trợ sau lũ", *items]


def test_a_wrap_before_a_year_inside_a_sentence_is_undone() -> None:
    text = ("Rà soát quy hoạch mạng lưới đường bộ thời kỳ 2021 - 2030, tầm nhìn đến năm\n"
            "2050 đã được Thủ tướng Chính phủ phê duyệt.\n\nKết quả đạt được\n2025 là năm bản lề.")
    assert _paragraphs(text) == [
        "Rà soát quy hoạch mạng lưới đường bộ thời kỳ 2021 - 2030, tầm nhìn đến năm 2050 đã được Thủ tướng "
        "Chính phủ phê duyệt.", "Kết quả đạt được", "2025 là năm bản lề."]


def test_an_item_title_as_long_as_a_trich_yeu_opens_its_item() -> None:
    """A bulletin item's title is its directive's trích yếu, some 300 characters at most: the item under it is
    its own passage, filed under its own number — not appended to the item before."""
    from ingest.structure import UNNUMBERED_LEVEL, to_blocks

    title = ("Quyết định công bố Danh mục thủ tục hành chính sửa đổi, bổ sung và phê duyệt quy trình nội bộ giải "
             "quyết thủ tục hành chính theo cơ chế một cửa, một cửa liên thông lĩnh vực Thư viện thuộc thẩm quyền "
             "giải quyết của Sở Văn hóa, Thể thao và Du lịch tỉnh Hòa Mỹ")
    assert 250 < len(title) <= 320
    body = (f"UBND tỉnh {title[0].lower()}{title[1:]} (Quyết định số 4411/QĐ-UBND, ngày 27/12/2025). Theo đó, "
            "công bố danh mục 04 thủ tục hành chính sửa đổi, bổ sung.")
    blocks = to_blocks([Line(t, 1) for t in ["Việc chia sẻ dữ liệu giữa các cơ quan bảo đảm an toàn thông tin.",
                                             "", title, "", body]])
    assert [(b.kind, b.level) for b in blocks if b.text == title] == [("heading", UNNUMBERED_LEVEL)]


def test_a_list_marker_alone_on_its_line_opens_the_line_after_it() -> None:
    """PDF extraction puts a clause's number on a line of its own ("3." / "Trách nhiệm của …"): the clause is
    that number and the line after it, so it is read as clause 3 and its heading, not as a text line "3."."""
    text = ("Điều 9. Trách nhiệm thi hành\n1.\nSở Tài chính hướng dẫn, kiểm tra việc thực hiện.\n\n2.\n"
            "Trách nhiệm của Ủy ban nhân dân cấp xã:\na)\nPhối hợp tuyên truyền chính sách;\nb)\n"
            "Thực hiện các nhiệm vụ khác.")
    assert _paragraphs(text) == [
        "Điều 9. Trách nhiệm thi hành", "1. Sở Tài chính hướng dẫn, kiểm tra việc thực hiện.",
        "2. Trách nhiệm của Ủy ban nhân dân cấp xã:", "a) Phối hợp tuyên truyền chính sách;",
        "b) Thực hiện các nhiệm vụ khác."]


def test_a_marker_cell_of_a_table_laid_out_one_cell_per_line_stays_a_cell() -> None:
    text = "|\n1.\n|\nBộ Tư pháp\n|\n19\n|"
    assert _paragraphs(text) == ["1.", "Bộ Tư pháp", "19"]


def test_a_date_wrapped_after_a_word_that_takes_a_number_is_read_whole() -> None:
    """"… kể từ ngày 08 tháng / 12 năm 2025." is one date: the "12" does not open a list item, so no passage ends
    inside the date. A heading in capitals ending "THÁNG" keeps its numbered list."""
    text = ("Điều 3. Hiệu lực thi hành\n\nQuyết định có hiệu lực kể từ ngày 08 tháng\n12 năm 2025.\n"
            "Các khoản thu thực hiện theo khoản\n2 Điều 5 Nghị định này.\n"
            "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ TRONG THÁNG\n1. Về nông nghiệp")
    assert _paragraphs(text) == [
        "Điều 3. Hiệu lực thi hành", "Quyết định có hiệu lực kể từ ngày 08 tháng 12 năm 2025.",
        "Các khoản thu thực hiện theo khoản 2 Điều 5 Nghị định này.",
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ TRONG THÁNG", "1. Về nông nghiệp"]


def test_a_marker_that_ends_an_open_sentence_stays_in_it() -> None:
    """"… thay thế cụm từ tại Phụ lục / VIII." and "… đến ngày 31 tháng / 12." end their sentences: read as list
    markers they would open a clause and leave the sentence cut."""
    text = ("10. Thay thế cụm từ “Ban Dân tộc” thành “Sở Dân tộc và Tôn giáo” tại Phụ lục\nVIII.\n"
            "11. Thay thế cụm từ “Sở Tư pháp” tại khoản 2.\n\n"
            "Thời hạn nộp hồ sơ kéo dài đến ngày 31 tháng\n12.\n\nĐiều 9. Cơ cấu tổ chức của Quỹ\n1.\nGiám đốc Quỹ.")
    assert _paragraphs(text) == [
        "10. Thay thế cụm từ “Ban Dân tộc” thành “Sở Dân tộc và Tôn giáo” tại Phụ lục VIII.",
        "11. Thay thế cụm từ “Sở Tư pháp” tại khoản 2.", "Thời hạn nộp hồ sơ kéo dài đến ngày 31 tháng 12.",
        "Điều 9. Cơ cấu tổ chức của Quỹ", "1. Giám đốc Quỹ."]


def test_a_list_marker_is_no_sentence_of_its_own() -> None:
    """A long block is cut between sentences; "11." after "… Phụ lục VIII." opens the next clause, so no passage
    or quoted span ends on a bare "11." and none starts without its number."""
    from ingest.textnorm import split_sentences

    text = "10. Thay thế cụm từ tại Phụ lục VIII.\n11. Thay thế cụm từ “Sở Tư pháp”. Các sở thực hiện."
    assert split_sentences(text) == ["10. Thay thế cụm từ tại Phụ lục VIII.", "11. Thay thế cụm từ “Sở Tư pháp”.",
                                     "Các sở thực hiện."]
