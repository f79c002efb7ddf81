"""The domain vocabulary: what questions ask for (with and without diacritics, in English), periods, the
shapes of answers, follow-ups, agency frames — on sentences written for these tests."""

from __future__ import annotations

import pytest

from assistant.analysis import analyze
from domain.figures import figures, number_spans, offers
from domain.followups import looks_like_followup
from domain.periods import period_of, quarter_of
from domain.questions import ask_count, intents_of, is_english


@pytest.mark.parametrize("question,english,expected", [
    ("Kinh phí hỗ trợ mỗi xã là bao nhiêu?", False, {"quantity", "money"}),
    ("kinh phi ho tro moi xa la bao nhieu", False, {"quantity", "money"}),
    ("Tỷ lệ hộ được cấp nước sạch đạt mấy phần trăm?", False, {"quantity", "percent"}),
    ("Đơn vị nào làm đầu mối tổng hợp báo cáo?", False, {"who"}),
    ("Báo cáo phải gửi trước ngày nào?", False, {"when"}),
    ("Dự án hoàn thành vào năm nào?", False, {"year"}),
    ("Thông tư nào hướng dẫn việc này?", False, {"doc"}),
    ("Which agency is responsible for the inspection?", True, {"who"}),
    ("How many households were relocated?", True, {"quantity"}),
    ("Who signed the decision?", True, {"signer"}),
])
def test_intents(question: str, english: bool, expected: set[str]) -> None:
    assert is_english(question) is english
    assert set(intents_of(question, english)) == expected


@pytest.mark.parametrize("question,expected,asks", [
    # typed with diacritics, words are read with them: "máy" is not "mấy", "quốc gia" holds no "giá"
    ("Nhà máy điện có công suất thiết kế bao nhiêu MW?", {"quantity"}, 1),
    ("Kế hoạch ưu tiên hoàn thiện bao nhiêu cơ sở dữ liệu quốc gia?", {"quantity"}, 1),
    ("Tiền hỗ trợ mỗi hộ là bao nhiêu?", {"quantity", "money"}, 1),
    ("Chương trình Tết Nhân ái do đơn vị nào làm đầu mối?", {"who"}, 1),
    # typed without them, the folded reading is all there is
    ("tien ho tro moi ho la bao nhieu", {"quantity", "money"}, 1),
])
def test_question_words_are_read_as_typed(question: str, expected: set[str], asks: int) -> None:
    a = analyze(question)
    assert set(a.intents) == expected and a.asks == asks


@pytest.mark.parametrize("question,english", [
    ("Who signed plan 308/KH-UBND?", True),  # one function word, but "signed" and "plan" are no Vietnamese syllables
    ("Who signed Hanoi's plan 308/KH-UBND on implementing Government Resolution 214/NQ-CP?", True),
    ("ai ky ke hoach 308 cua ubnd thanh pho", False),  # typed without diacritics: every word a syllable
    ("công văn 512/ubnd-kt", False),  # a lower-case abbreviation is not English
    ("Kênh Facebook, Zalo để tuyên truyền do cơ quan nào phụ trách?", False),  # two loanwords among many
])
def test_english_by_words_vietnamese_cannot_spell(question: str, english: bool) -> None:
    assert is_english(question) is english


def test_two_asks_and_follow_ups() -> None:
    assert ask_count("Vốn bao nhiêu và giải ngân được bao nhiêu?") == 2
    # why and how long ask as much as how many do
    assert ask_count("Vì sao số học sinh bỏ học tăng, tăng bao nhiêu em?") == 2
    assert ask_count("Tại sao cầu chưa thông xe và còn chậm bao lâu?") == 2
    assert looks_like_followup("Còn huyện kia thì sao?")
    assert looks_like_followup("what about that one")
    assert not looks_like_followup("Kế hoạch phòng chống thiên tai năm nay giao cho các sở những việc gì cụ thể?")


def test_periods() -> None:
    assert period_of("lũy kế từ đầu năm") == "ytd" and period_of("luy ke 5 thang dau nam") == "ytd"
    assert period_of("riêng trong tháng") == "month"
    assert quarter_of("quý III/2025") == "III" and quarter_of("quy 2") == "II"


def test_shapes_of_answers() -> None:
    assert "money" in offers("Mức chi 1.500.000 đồng/người/tháng cho cán bộ")
    assert "money" in offers("Vốn điều lệ lần đầu tối thiểu là 5.000 (năm nghìn) tỷ đồng")  # written out, as laws do
    assert "money" not in offers("cấp cho 45 (bốn mươi lăm) trường học")
    assert "money" not in offers("Điều 5 (sửa đổi) đồng thời bãi bỏ khoản 2")  # words in brackets, not a number
    assert "percent" in offers("đạt 12,7% kế hoạch năm")
    assert "when" in offers("hoàn thành trước ngày 15/12/2026")
    assert "when" not in offers("Kế hoạch năm 2026 của tỉnh")  # a year alone is not a deadline
    assert "year" in offers("Kế hoạch năm 2026 của tỉnh")
    assert "who" in offers("Giao Sở Tài chính chủ trì, phối hợp với các đơn vị")
    assert figures("Quyết định số 12/QĐ-UBND ngày 03/4/2025: hỗ trợ 250 hộ") == ["250"]


def test_number_spans_hold_whole_figures_dates_and_numbers() -> None:
    text = "đạt 6.137,6 ha theo Công văn 1887/UBND-NC ngày 19 tháng 12 năm 2025, tăng 3,2%"
    spans = [text[a:b] for a, b in number_spans(text)]
    assert "6.137,6" in spans and "1887/UBND-NC" in spans and "3,2%" in spans
    assert any(s.startswith("ngày 19 tháng 12 năm 2025") for s in spans)
    assert not any("2023\nĐồng" in s for s in number_spans("năm 2023\nĐồng chí Chủ tịch"))


def test_analysis_reads_numbers_dates_and_content_once() -> None:
    a = analyze("Công văn 4521 ngày 12/3/2025 yêu cầu những gì về phòng cháy rừng?")
    assert a.bare_numbers == [("4521", "")] and (12, 3) in a.day_months
    assert "phòng_cháy" in a.content_terms() and "gì" not in a.content_terms()
    folded = analyze("ty le giai ngan von dau tu cong luy ke den thang 6 nam 2025", restore=lambda t: t)
    assert folded.folded and folded.period == "ytd" and (6, 2025) in folded.months
    assert "luy" not in folded.content_terms(folded=True)  # the period words are matched as a period


@pytest.mark.parametrize(("question", "names"), [
    ("Lễ khánh thành Nhà máy điện Phú Mỹ 2 và Phú Mỹ 3 vào ngày nào?", ["Phú Mỹ"]),
    ("UBND TP Vĩnh Long giao Sở Y tế làm gì?", ["Vĩnh Long"]),  # acronyms and one-letter words aside
    ("Tinh Kon Tum co bao nhieu xa?", ["Kon Tum"]),  # typed without diacritics
    ("Kon Tum có bao nhiêu xã?", []),  # the first word is capitalised as a sentence start
    ("Who chairs the Provincial People's Committee?", []),  # English capitalises titles, not only names
])
def test_proper_names_of_a_question(question: str, names: list[str]) -> None:
    assert analyze(question).names == names


def test_a_name_the_passages_never_write_is_measured_absent() -> None:
    from assistant.features import _names_absent

    assert _names_absent(["Kon Tum"], "Sở Y tế tỉnh KON TUM báo cáo", []) == (0.0, 0.0)
    assert _names_absent(["Kon Tum", "Gia Lai"], "tỉnh Kon Tum", ["tỉnh Gia Lai"]) == (0.5, 0.0)
    assert _names_absent(["Gia Lai"], "tỉnh Kon Tum", ["tỉnh Đắk Lắk"]) == (1.0, 1.0)
    # a name of three words or more may be written with a word or two inside it; a two-word name (a place) not
    assert _names_absent(["Tết Giáp Thìn"], "dịp Tết Nguyên đán Giáp Thìn 2024", []) == (0.0, 0.0)
    assert _names_absent(["Quảng Nam"], "Quảng Ninh, Nam Định", []) == (1.0, 1.0)


def test_a_month_is_held_by_a_full_date_of_it() -> None:
    from assistant.features import _month_held

    assert _month_held([(5, 2024)], "Đến thời điểm ngày 03/5/2024, 12/25 cơ quan", {})
    assert _month_held([(2, 2024)], "trong tháng 02/2024", {})
    assert not _month_held([(6, 2024)], "Đến thời điểm ngày 03/5/2024", {})


def test_a_table_cell_offers_money_or_percent_by_its_column_label() -> None:
    assert "money" in offers("Tên dịch vụ: Gửi xe ô tô; Mức thu (đồng): 35.000")
    assert "money" in offers("Đơn vị tính: triệu đồng; Kinh phí: 1.250")
    assert "money" not in offers("Đơn vị tính: m3; Số lượng: 1.250")
    assert "percent" in offers("Tỷ lệ trích lại (%): 90")
    assert "percent" not in offers("Số người (người): 90")


def test_a_question_naming_a_footnote_marker() -> None:
    assert analyze("Chú thích [4] của Công điện 12/CĐ-TTg nêu dự án nào?").footnotes == ["4"]
    assert analyze("Footnote [ii] of the dispatch lists which ministries?").footnotes == ["ii"]
    assert analyze("Theo chú thích của Công điện 12/CĐ-TTg, bao nhiêu địa phương?").footnotes == []


@pytest.mark.parametrize("question,english,own", [
    ("Các sở gửi hồ sơ về đâu?", False, True),  # "đâu" as typed with diacritics
    ("Kinh phí lấy từ nguồn nào?", False, True),
    ("Việc đó nhằm mục đích gì?", False, True),
    ("Còn quý hai thì thế nào?", False, False),  # how the thing already asked about stands
    ("Kết quả ra sao?", False, False),
    ("cac so gui ho so ve dau", False, False),  # folded, "dau" is also "đầu": not read as asking
    ("Which office receives the reports?", True, True),
    ("Vì sao phải đẩy mạnh chuyển đổi số?", False, True),
])
def test_a_question_asks_its_own_thing_by_an_interrogative_of_its_own(question: str, english: bool, own: bool) -> None:
    from domain.questions import asks_its_own

    assert asks_its_own(question, english) is own


def test_a_year_before_a_comma_or_a_full_stop_is_a_year() -> None:
    """"… vào vận hành trong năm 2027, đảm bảo …" says when (a year); "2027,5" is a figure, not a year."""
    assert "year" in offers("Hoàn thành đưa dự án vào vận hành trong năm 2027, đảm bảo chất lượng công trình")
    assert "year" in offers("Dự án phải hoàn thành trong năm 2027.")
    assert "year" not in offers("Sản lượng đạt 2027,5 tấn")
    assert analyze("Năm 2024, tỉnh có bao nhiêu doanh nghiệp thành lập mới?").years == ["2024"]


@pytest.mark.parametrize("question,what_about", [
    ("Còn Đà Nẵng?", True), ("Thế còn năm 2026 thì phấn đấu mức nào?", True), ("con quy 2 thi sao", True),
    ("What about imports?", True), ("Báo cáo gửi về đâu?", False), ("Các cảng vụ đó gửi báo cáo về đâu?", False),
])
def test_a_question_asking_what_the_previous_one_asked_of_something_else(question: str, what_about: bool) -> None:
    from domain.followups import asks_what_about

    assert asks_what_about(question) is what_about
