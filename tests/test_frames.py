"""A document's frame (issuer, place, title, signer) read once per catalog generation, and a name the question
gives counted as written when only the frame writes it."""

from __future__ import annotations

from typing import Any

from assistant.features import _names_absent
from assistant.frames import DocumentFrames


def test_frames_are_read_once_per_generation() -> None:
    reads: list[str] = []
    generation = [1]

    def document(doc_id: str) -> dict[str, Any] | None:
        reads.append(doc_id)
        return {"issuer": "UBND thành phố Cần Thơ", "place": "Cần Thơ", "title": "Kế hoạch phòng, chống ma túy",
                "signer": "Trần Văn A", "number": "12/KH-UBND"} if doc_id == "d1" else None

    frames = DocumentFrames(document, lambda: generation[0])
    assert frames("d1") == "UBND thành phố Cần Thơ Cần Thơ Kế hoạch phòng, chống ma túy Trần Văn A"
    assert frames("d1") == frames("d1") and reads == ["d1"]
    assert frames.signer("d1") == "Trần Văn A" and reads == ["d1"]  # the signer from the same read
    assert frames("gone") == ""
    generation[0] = 2  # an ingest or delete happened: read again
    frames("d1")
    assert reads == ["d1", "gone", "d1"]


def test_a_name_only_the_documents_frame_writes_is_not_absent() -> None:
    passage = "Trên 80% số trạm y tế xã, phường đủ điều kiện xác định tình trạng nghiện."
    assert _names_absent(["Cần Thơ"], passage, []) == (1.0, 1.0)
    assert _names_absent(["Cần Thơ"], f"UBND thành phố Cần Thơ\n{passage}", []) == (0.0, 0.0)


def test_words_only_the_documents_frame_writes_are_not_absent_topic() -> None:
    """A plan of Cần Thơ's committee writes "trên địa bàn thành phố", not its name: a question about Cần Thơ asks
    of it all the same — the frame's words count as held, for the topic measures as for the names."""
    from assistant.analysis import analyze
    from assistant.features import QuestionTerms, topic_absence
    from index.catalog import StoredPassage

    text = "Phấn đấu 100% xã, phường trên địa bàn thành phố xây dựng mô hình quản lý người sau cai nghiện."
    p = StoredPassage("p1", "d1", 0, "paragraph", text, text, {})
    a = analyze("Theo kế hoạch, Cần Thơ phấn đấu bao nhiêu phần trăm xã, phường xây dựng mô hình quản lý người sau cai nghiện?")
    terms = QuestionTerms.build(a, lambda t, folded: 1.0)
    alone = topic_absence(a, terms, p, frozenset(), [p], {})
    framed = topic_absence(a, terms, p, frozenset(), [p], {"d1": "UBND thành phố Cần Thơ Cần Thơ Kế hoạch"})
    assert framed["absent_share"] < alone["absent_share"] and framed["absent_share_top"] < alone["absent_share_top"]
    assert alone["names_absent"] == 1.0 and framed["names_absent"] == 0.0


def test_a_measure_the_question_counts_that_the_passage_never_writes_is_absent() -> None:
    """"bao nhiêu biên chế" of a passage about the same board that gives its leadership, not its staff quota."""
    from assistant.analysis import analyze
    from assistant.features import QuestionTerms, topic_absence
    from index.catalog import StoredPassage

    text = "Ban Quản lý Khu kinh tế có Trưởng ban và không quá 03 Phó Trưởng ban."
    p = StoredPassage("p1", "d1", 0, "paragraph", text, text, {})
    for question, absent in (("Ban Quản lý Khu kinh tế được giao bao nhiêu biên chế?", 1.0),
                             ("Ban Quản lý Khu kinh tế có bao nhiêu Phó Trưởng ban?", 0.0),
                             ("Ban Quản lý Khu kinh tế gồm những ai?", 0.0)):  # nothing counted
        a = analyze(question)
        row = topic_absence(a, QuestionTerms.build(a, lambda t, folded: 1.0), p, frozenset(), [p], {})
        assert row["measure_absent"] == absent, question
    # compared with diacritics: "biện pháp" does not write "biên chế"; "nhà máy" counts nothing ("máy" is no "mấy")
    from assistant.analysis import counted_nouns
    from assistant.measures import measure_absent

    assert measure_absent(analyze("Ban được giao bao nhiêu biên chế?"), "Ban áp dụng các biện pháp quản lý.")
    assert counted_nouns("Nhà máy xử lý được bao nhiêu tấn rác?") == ["tấn rác"]


def test_what_a_question_counts_is_a_noun_never_a_function_word() -> None:
    """The word after "bao nhiêu" that is a quantifier or a function word counts nothing ("bao nhiêu tiền mỗi
    người" asks money, not "mỗi"), compared with the question's diacritics ("cơ sở" is no "có", "ca" no "cả", "ổ"
    no "ở", "thẻ" no English "the"); the noun ends at a function word; typed without diacritics, "nhà máy" counts
    nothing. A classifier and its noun each hold it ("mấy chiếc ghế" by "ghế", "bao nhiêu cây xanh" by "12.000
    cây"), typed without diacritics the noun only; a spelled-out unit is held by its symbol, hyphenated too."""
    from assistant.analysis import analyze, counted_nouns
    from assistant.measures import measure_absent

    assert counted_nouns("Vé vào cổng là bao nhiêu tiền mỗi người?") == []
    assert counted_nouns("Sở chi bao nhiêu cho việc in tài liệu?") == []
    assert counted_nouns("Tuyến đê dài bao nhiêu mét và khi nào xong?") == ["mét"]
    assert counted_nouns("Thư viện mở từ mấy giờ đến mấy giờ?") == ["giờ"]
    assert counted_nouns("Nha may xi mang co cong suat bao nhieu tan?") == ["tan"]
    assert counted_nouns("Tỉnh có bao nhiêu cơ sở giáo dục?") == ["cơ sở"]
    assert counted_nouns("Có bao nhiêu ca mắc sốt xuất huyết?") == ["ca mắc"]
    assert counted_nouns("Phát hiện bao nhiêu ổ dịch?") == ["ổ dịch"]
    assert counted_nouns("At what AQI level may district schools close?") == []  # English "may" is no "mấy"
    assert counted_nouns("Đã cấp bao nhiêu thẻ bảo hiểm?") == ["thẻ bảo"]
    row = "Ghế học sinh | Chiếc | Số lượng: 40"
    assert not measure_absent(analyze("Mỗi lớp được trang bị mấy chiếc ghế?"), row)
    assert measure_absent(analyze("Mỗi lớp được trang bị mấy cái bàn?"), row)
    assert not measure_absent(analyze("Moi lop duoc trang bi may chiec ghe?"), row)
    assert not measure_absent(analyze("Thành phố trồng bao nhiêu cây xanh?"), "trồng mới 12.000 cây")
    assert measure_absent(analyze("Tỉnh xây bao nhiêu cây cầu?"), "trồng mới 12.000 cây xanh")  # not "cây" alone
    assert not measure_absent(analyze("Phải khai thác bao nhiêu mét khối cát?"), "khai thác khoảng 20.000 m3 cát")
    assert measure_absent(analyze("Phải khai thác bao nhiêu mét khối cát?"), "khai thác cát lòng sông")
    assert not measure_absent(analyze("Rừng trồng mới bao nhiêu héc-ta?"), "trồng mới 50 ha rừng")


def test_quotes_that_name_the_measure_without_counting_it() -> None:
    """`measure_uncounted`: the answer's quotes name what the question counts but give no count of it. A count is
    a figure before it (a multiplier, the figure spelled out, a share, a classifier or "lượt" may stand between;
    not a year or list number ending on a comma or full stop), before another word of the counted phrase, "số
    <noun>" then a figure, a figure it labels, a row naming it with a count or unit column, its initials after a
    figure, "N người" for a noun of people, an amount for a noun of money (with or without its currency word, or
    under a caption giving it), a classifier with a figure and nothing after it."""
    from assistant.analysis import analyze, counted_nouns
    from assistant.measures import measure_uncounted

    q = analyze("Năm 2026 tỉnh hỗ trợ bao nhiêu doanh nghiệp đổi mới công nghệ?")
    for uncounted in ("Xây dựng chương trình hỗ trợ đổi mới công nghệ cho doanh nghiệp, hợp tác xã.",
                      "Năm 2026, doanh nghiệp được hỗ trợ đổi mới công nghệ.", "3. Doanh nghiệp được hỗ trợ."):
        assert measure_uncounted(q, uncounted), uncounted
    for counted in ("hỗ trợ 120 doanh nghiệp", "đạt 1,2 nghìn doanh nghiệp", "ít nhất 30% số doanh nghiệp",
                    "Số doanh nghiệp được hỗ trợ: 120", "hỗ trợ 03 (ba) doanh nghiệp", "Tổng số doanh nghiệp là 120.",
                    "“Số doanh nghiệp được hỗ trợ” — Năm 2026: 120", "hỗ trợ 1.250 (một nghìn hai trăm năm mươi) doanh nghiệp"):
        assert not measure_uncounted(q, counted), counted
    procedures = analyze("Quyết định công bố bao nhiêu thủ tục hành chính mới?")
    assert not measure_uncounted(procedures, "I. Danh mục thủ tục hành chính ban hành mới (9 TTHC)")
    assert measure_uncounted(procedures, "I. Danh mục thủ tục hành chính ban hành mới")
    notebooks = analyze("Học sinh được cấp bao nhiêu quyển vở?")
    assert not measure_uncounted(notebooks, "“Vở viết” — Đơn vị tính: quyển; Số lượng - cấp THPT: 40")
    assert measure_uncounted(notebooks, "“Vở viết” — Đơn vị tính: quyển")
    printed = analyze("Tỉnh in bao nhiêu cuốn tài liệu tuyên truyền?")
    assert not measure_uncounted(printed, "Số lượng in: 5.000 cuốn.")  # the classifier with its figure, nothing after
    assert measure_uncounted(printed, "In tài liệu tuyên truyền, phát hành 5.000 cuốn sổ tay.")
    assert not measure_uncounted(analyze("Đào tạo bao nhiêu khách du lịch?"), "đón 8,1 triệu lượt khách du lịch")
    assert not measure_uncounted(analyze("Trồng bao nhiêu ha rừng?"), "trồng mới 1.200 héc-ta rừng")
    staff = analyze("Mỗi xã bình quân có bao nhiêu cán bộ, công chức?")
    assert not measure_uncounted(staff, "đội ngũ được bố trí hợp lý (trung bình 64 người/xã)")
    assert measure_uncounted(analyze("Mỗi xã có bao nhiêu trạm y tế?"), "đội ngũ được bố trí (trung bình 64 người/xã)")
    # a figure per unit answers a question per unit, not a total
    assert measure_uncounted(analyze("Tổng số cán bộ cấp xã là bao nhiêu người?"), "bố trí (trung bình 64 người/xã)")
    capital = analyze("Tỉnh giải ngân được bao nhiêu vốn đầu tư công?")
    assert not measure_uncounted(capital, "giải ngân 189 tỷ đồng, đạt 4,8% kế hoạch")
    assert not measure_uncounted(capital, "đã giải ngân 1.500 tỷ")
    assert not measure_uncounted(capital, "KẾ HOẠCH (Đơn vị: triệu đồng)\n“Đường tỉnh 245” — Năm 2026: 4.800.000")
    assert measure_uncounted(capital, "KẾ HOẠCH ĐẦU TƯ CÔNG\n“Đường tỉnh 245” — Năm 2026: 4.800.000")
    assert measure_uncounted(capital, "đẩy nhanh tiến độ giải ngân vốn đầu tư công")
    # the unit in a unit column; another word of the counted phrase after a figure
    assert not measure_uncounted(analyze("Diện tích cà phê năm 2025 đạt bao nhiêu ha?"),
                                 "“Diện tích” — ĐVT: Ha; Năm 2025: 26.120")
    communes = analyze("Cả nước có bao nhiêu đơn vị hành chính cấp xã (xã, phường, đặc khu)?")
    assert not measure_uncounted(communes, "từ ngày 01/7/2025 có 34 tỉnh, thành phố, 3.321 xã, phường, đặc khu")
    assert measure_uncounted(communes, "sắp xếp đơn vị hành chính cấp xã bảo đảm tinh gọn")
    # what counts nothing blocks nothing: a share asked, an English question (no counted noun)
    assert counted_nouns("Tỷ lệ giải ngân đạt bao nhiêu phần trăm?") == []
    assert not measure_uncounted(analyze("Tỷ lệ giải ngân đạt bao nhiêu phần trăm?"), "đẩy nhanh giải ngân")
    # "so với", "đối với" after "bao nhiêu" are prepositions, not what is counted
    assert counted_nouns("Chỉ số tăng hay giảm bao nhiêu so với cùng kỳ?") == []
    assert counted_nouns("Lãi suất giảm bao nhiêu đối với hộ nghèo?") == []
    assert counted_nouns("Tỉnh có bao nhiêu đội tuyển?") == ["đội tuyển"]
