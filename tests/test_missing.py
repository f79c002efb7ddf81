"""What an abstention says the documents do not hold (assistant/missing.py): a thing the question names, never
the abbreviation of the document it points at, half of a place's name or half of a compound."""

from __future__ import annotations

from assistant.analysis import analyze
from assistant.features import QuestionTerms
from assistant.missing import missing_phrase


def terms(weights: dict[str, float]) -> QuestionTerms:
    return QuestionTerms(weights, sum(weights.values()), [], 0.0, False)


def test_the_document_a_question_points_at_is_not_what_is_missing() -> None:
    a = analyze("Theo KH 624/KH-UBND, tỉnh Hà Tĩnh hiện có bao nhiêu khu công nghiệp đang hoạt động?")
    held = ["Kế hoạch số 624/KH-UBND của UBND tỉnh Hà Tĩnh về giáo dục mầm non ở địa bàn có khu công nghiệp"]
    w = terms({"kh": 8.0, "624/KH-UBND": 5.0, "tỉnh": 1.0, "hà": 2.0, "tĩnh": 2.0, "khu": 2.0, "công": 1.0,
               "nghiệp": 1.0, "hiện": 1.5, "hoạt": 3.0, "động": 1.0, "hoạt_động": 2.0})
    assert missing_phrase(a, held, w) == "hoạt động"


def test_a_proper_name_is_held_whole_or_not_at_all() -> None:
    a = analyze("Kinh phí tiêm phòng của tỉnh Hà Tĩnh nêu trong Công văn 9476/BNNMT-CNTY là bao nhiêu?")
    # "Hà" (of Hà Nam) and "tỉnh" are written, "Hà Tĩnh" is not
    held = ["Công văn 9476/BNNMT-CNTY trả lời kiến nghị cử tri tỉnh Hà Nam về kinh phí tiêm phòng"]
    w = terms({"kinh": 2.0, "phí": 2.0, "tiêm": 3.0, "phòng": 1.0, "tỉnh": 1.0, "hà": 2.0, "tĩnh": 4.0,
               "nêu": 1.0, "9476/BNNMT-CNTY": 5.0})
    assert missing_phrase(a, held, w) == "Hà Tĩnh"


def test_a_run_takes_the_compounds_its_edges_belong_to() -> None:
    a = analyze("Nhà máy thủy điện có công suất lắp máy là bao nhiêu?")
    held = ["Nhà máy thủy điện được khởi công, công trình hoàn thành trong năm; máy móc lắp đặt"]
    # only "suất" is not held: a lone syllable, it takes the neighbour it pairs with in the question ("công
    # suất" comes first; "suất lắp" is never tried once the left pair is taken)
    w = terms({"nhà": 1.0, "máy": 1.0, "thủy": 2.0, "điện": 1.0, "công": 1.0, "suất": 3.0, "lắp": 2.0,
               "công_suất": 1.5, "suất_lắp": 4.0, "lắp_máy": 4.0})
    assert missing_phrase(a, held, w) == "công suất"


def test_a_bracket_opened_in_the_phrase_is_closed() -> None:
    a = analyze("Chỉ tiêu mức độ hài lòng của người dân (SIPAS) là bao nhiêu phần trăm?")
    held = ["Chỉ tiêu mức độ hài lòng của tổ chức đạt trên 85%"]
    w = terms({"chỉ": 1.0, "tiêu": 1.0, "mức": 1.0, "độ": 1.0, "hài": 2.0, "lòng": 2.0, "người": 1.0,
               "dân": 2.0, "sipas": 8.0, "người_dân": 1.5})
    assert missing_phrase(a, held, w) == "người dân (SIPAS)"


def test_an_english_question_names_nothing() -> None:
    a = analyze("How many industrial parks does Ha Tinh have?")
    assert missing_phrase(a, ["Kế hoạch số 624/KH-UBND"], terms({"industrial": 8.0})) == ""


def test_words_are_compared_with_their_diacritics() -> None:
    """"Nam" of Quảng Nam folds to "nam" like "năm" (a period word): with diacritics it is part of the name."""
    a = analyze("Số khu công nghiệp đang hoạt động của Quảng Nam là bao nhiêu?")
    held = ["Khu công nghiệp đang hoạt động của tỉnh Quảng Ngãi: 05 khu"]
    w = terms({"số": 1.0, "khu": 2.0, "công": 1.0, "nghiệp": 1.0, "hoạt": 2.0, "động": 1.0, "quảng": 3.0,
               "nam": 3.0})
    assert missing_phrase(a, held, w) == "Quảng Nam"


def test_a_document_named_by_its_spelled_out_type_and_number_is_not_what_is_missing() -> None:
    a = analyze("Nghị quyết 82/2025 quy định mức chi khắc dấu là bao nhiêu?")
    held = ["Nghị quyết số 82/2025/NQ-HĐND quy định nội dung chi, mức chi phục vụ bầu cử"]
    w = terms({"82/2025": 9.0, "quy": 1.0, "định": 1.0, "mức": 1.0, "chi": 1.0, "khắc": 4.0, "dấu": 4.0})
    assert missing_phrase(a, held, w) == "khắc dấu"


def test_an_acronym_before_a_year_is_no_document() -> None:
    a = analyze("Chỉ số CPI 2025 của tỉnh tăng bao nhiêu?")
    w = terms({"chỉ": 1.0, "số": 1.0, "cpi": 8.0, "tỉnh": 1.0, "tăng": 1.0})
    assert missing_phrase(a, ["Chỉ số sản xuất công nghiệp của tỉnh tăng 5%"], w) == "CPI"


def test_the_weightiest_run_of_a_question_typed_without_diacritics() -> None:
    """Its terms are folded; the words the restorer gave diacritics weigh what their folded terms weigh."""
    a = analyze("nguoi dan xa vung cao ngheo duoc ho tro bao nhieu",
                lambda _: "người dân xã vùng cao nghèo được hỗ trợ bao nhiêu")
    held = ["Hỗ trợ vùng cao: mỗi hộ được cấp 15 kg gạo"]
    w = terms({"nguoi": 1.0, "dan": 1.0, "xa": 1.0, "ngheo": 5.0, "cao": 1.0, "vung": 1.0, "ho": 1.0, "tro": 1.0})
    assert missing_phrase(a, held, w) == "ngheo"


def test_a_longer_run_takes_one_compound_neighbour_on_each_edge() -> None:
    """"suất lắp" is cut inside "công suất", a pair the corpus writes: the run takes "công", and no more ("điện
    công" is known too, but the run would swallow the question word by word)."""
    a = analyze("Nhà máy thủy điện công suất lắp máy bao nhiêu?")
    held = ["Nhà máy thủy điện khởi công; máy móc được kiểm tra"]
    w = terms({"nhà": 1.0, "máy": 1.0, "thủy": 2.0, "điện": 1.0, "công": 1.0, "suất": 3.0, "lắp": 3.0,
               "điện_công": 1.5, "công_suất": 1.5, "suất_lắp": 4.0, "lắp_máy": 4.0})
    assert missing_phrase(a, held, w) == "công suất lắp"


def test_a_measure_the_passages_never_write_is_what_is_missing() -> None:
    """"bao nhiêu ha" of a passage that names the reservoir but no area: the documents lack its area, not the
    adverb "mới" nobody near writes; the words before the asking word come along when the passages do not write
    them ("diện tích"), not when they do ("được trang bị mấy cái bàn": they write "trang bị"); a place the
    passages do not name is what they lack before any measure."""
    a = analyze("Hồ chứa nước mới được phê duyệt dự án có diện tích bao nhiêu ha?")
    held = ["UBND tỉnh đã phê duyệt dự án hồ chứa nước phục vụ tưới tiêu"]
    w = terms({"hồ": 2.0, "chứa": 2.0, "nước": 1.0, "mới": 6.0, "phê": 1.0, "duyệt": 1.0, "dự": 1.0, "án": 1.0,
               "diện": 2.0, "tích": 2.0})
    assert missing_phrase(a, held, w) == "diện tích (ha)"
    a = analyze("Mỗi lớp học được trang bị mấy cái bàn?")
    held = ["Ghế học sinh | Chiếc | Số lượng được trang bị: 40"]
    w = terms({"lớp": 1.0, "học": 1.0, "trang": 1.0, "bị": 1.0, "cái": 3.0, "bàn": 5.0})
    assert missing_phrase(a, held, w) == "cái bàn"
    a = analyze("Tỉnh Hòa Bình có bao nhiêu hồ chứa đạt chuẩn an toàn?")
    held = ["Tỉnh Sơn La có 40 công trình thủy lợi đạt chuẩn an toàn"]
    w = terms({"tỉnh": 1.0, "hòa": 3.0, "bình": 3.0, "hồ": 2.0, "chứa": 2.0, "đạt": 1.0, "chuẩn": 1.0, "an": 1.0,
               "toàn": 1.0})
    assert missing_phrase(a, held, w) == "Hòa Bình"
    w_pair = terms({**w.weights, "tỉnh_hòa": 1.5})  # the run takes "Tỉnh" along: it still holds the name
    assert missing_phrase(a, held, w_pair) == "Tỉnh Hòa Bình"
    a = analyze("Tỉnh Sơn La có bao nhiêu hồ chứa đạt chuẩn an toàn?")
    assert missing_phrase(a, held, w) == "hồ chứa"


def test_a_measure_written_but_never_counted_is_its_number() -> None:
    """Every word of the question is written near, or the missing run is no name, but the quotes give no count of
    what it counts: the abstention says its number — the counted phrase, three words at most, or "số tiền" for an
    amount — is what the documents lack; a missing name still is the name."""
    a = analyze("Năm 2026 tỉnh hỗ trợ bao nhiêu doanh nghiệp đổi mới công nghệ?")
    held = ["Năm 2026 tỉnh xây dựng chương trình hỗ trợ đổi mới công nghệ cho doanh nghiệp"]
    w = terms({"năm": 1.0, "tỉnh": 1.0, "hỗ": 2.0, "trợ": 2.0, "doanh": 2.0, "nghiệp": 1.0, "đổi": 2.0, "mới": 1.0,
               "công": 1.0, "nghệ": 2.0})
    assert missing_phrase(a, held, w, held[0]) == "số doanh nghiệp"
    assert missing_phrase(a, held, w, "hỗ trợ 120 doanh nghiệp đổi mới công nghệ") == ""
    assert missing_phrase(a, ["Năm 2026 tỉnh hỗ trợ đổi mới cho doanh nghiệp"], w, held[0]) == "số doanh nghiệp"
    named = analyze("Năm 2026 tỉnh Hà Tĩnh hỗ trợ bao nhiêu doanh nghiệp đổi mới công nghệ?")
    other = ["Năm 2026 tỉnh Hà Nam hỗ trợ đổi mới công nghệ cho doanh nghiệp"]
    assert missing_phrase(named, other, terms({**w.weights, "hà": 2.0, "tĩnh": 4.0}), other[0]) == "Hà Tĩnh"
    visitors = analyze("Năm 2025 tỉnh đón bao nhiêu khách du lịch quốc tế?")
    wv = terms({"năm": 1.0, "tỉnh": 1.0, "đón": 2.0, "khách": 2.0, "du": 1.0, "lịch": 1.0, "quốc": 2.0, "tế": 1.0})
    quoted = "Năm 2025 tỉnh đón khách du lịch quốc tế qua cửa khẩu"
    assert missing_phrase(visitors, [quoted], wv, quoted) == "số khách du lịch"
    fee = analyze("Phí tham quan đền là bao nhiêu đồng?")
    wf = terms({"phí": 2.0, "tham": 1.0, "quan": 1.0, "đền": 3.0})
    assert missing_phrase(fee, ["Phí tham quan đền do Sở quy định"], wf, "Phí tham quan đền do Sở quy định") == "số tiền"
