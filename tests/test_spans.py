"""Quoted spans never cut a figure, a date, a percentage or a document number: every candidate span of every
passage of the samples and of the shared corpora starts and ends outside them (through the real pipeline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SAMPLES, SHARED

CORPORA = [SHARED / "corpus", SHARED / "corpus-extra", SHARED / "corpus-wide"]


def _cuts(folder: Path) -> tuple[int, list[str]]:
    from assistant.spans import spans_of
    from domain.figures import number_spans
    from index.catalog import StoredPassage
    from ingest.pipeline import parse_bytes

    n, bad = 0, []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".txt", ".html", ".pdf", ".docx"):
            continue
        for p in parse_bytes(path.name, path.read_bytes()).passages:
            stored = StoredPassage(p.id, p.doc_id, p.position, p.kind, p.text, p.embed_text, p.metadata)
            protected = number_spans(p.text)
            for sp in spans_of(stored):
                n += 1
                if sp.unit == "row":
                    continue  # a row is quoted whole, from its labelled cells (a long cell's sentences are not)
                for a, b in protected:
                    if a < sp.start < b or a < sp.end < b:
                        bad.append(f"{path.name}: …{p.text[max(0, sp.start - 20):sp.end + 20]!r}")
    return n, bad


def test_spans_of_the_samples_never_cut_a_figure() -> None:
    n, bad = _cuts(SAMPLES)
    assert n > 40
    assert bad == []


@pytest.mark.parametrize("folder", CORPORA, ids=lambda p: p.name)
def test_spans_of_the_shared_corpora_never_cut_a_figure(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} not present (the shared corpora sit beside the repository in CI)")
    n, bad = _cuts(folder)
    assert n > 500
    assert bad == [], bad[:5]


def test_a_decimal_comma_and_a_wrapped_date_are_not_boundaries() -> None:
    from assistant.spans import spans_of
    from index.catalog import StoredPassage

    text = ("Diện tích gieo trồng đạt 6.137,6 ha, bằng 12,7% kế hoạch, tăng 3,2% so với cùng kỳ, trong đó lúa "
            "chiêm xuân đạt 1.234,5 ha, ngô 2.345,6 ha, rau các loại 987,6 ha, đậu các loại 123,4 ha, khoai lang "
            "345,6 ha, lạc 56,7 ha, thuốc lá 78,9 ha, các cây trồng khác 210,3 ha theo Quyết định số 12/QĐ-UBND ngày "
            "31 tháng 12 năm\n2023 của UBND tỉnh.")
    p = StoredPassage("x", "d", 0, "paragraph", text, text, {})
    spans = spans_of(p)
    assert spans
    for sp in spans:
        assert not sp.text.endswith(("6.137", "năm")), sp.text
        assert not sp.text.startswith(("6 ha", "2023")), sp.text


def test_a_long_table_cell_offers_its_sentences_and_items() -> None:
    """A row whose cell holds a whole scoring guide is quoted by the sentence or item that answers, under the
    row it belongs to, not as the row clipped to its first 140 characters."""
    from assistant.compose import Quote, span_text
    from assistant.spans import spans_of
    from index.catalog import StoredPassage
    from index.retrieval import Hit

    guide = ("Hướng dẫn đánh giá. Việc đánh giá căn cứ vào các minh chứng phù hợp của từng tiêu chí. Tổng số điểm "
             "tối đa cho tất cả các tiêu chí là 100 điểm. Xếp loại a) Loại tốt: tổng số điểm đạt được từ 85 đến 100; "
             "b) Loại khá: tổng số điểm đạt được từ 70 đến 84,5; c) Loại trung bình: tổng số điểm đạt được từ 50 "
             "đến 69,5; d) Chưa đạt: các trường hợp còn lại.")
    text = f"Bảng tiêu chí — Phần C\nĐánh giá xếp loại trung tâm\t{guide}"
    p = StoredPassage("r1", "d1", 0, "table_row", text, text, {"columns": ["Tiêu chí", "Mức điểm"]})
    spans = spans_of(p)
    assert spans[0].unit == "row"
    good = sorted((sp for sp in spans[1:] if "từ 70 đến 84,5" in sp.text), key=lambda sp: len(sp.text))
    assert good and good[0].unit == "item" and len(good[0].text) < 60
    assert all(p.text[sp.start:sp.end] == sp.text for sp in spans)
    shown = span_text(Quote(Hit(p, 1.0, {}), good[0].start, good[0].end, good[0].text, good[0].unit))
    assert shown.startswith("“Đánh giá xếp loại trung tâm” — ") and shown.endswith("từ 70 đến 84,5")


def test_a_clause_window_is_quoted_as_its_whole_sentence_when_the_answer_stays_short() -> None:
    """The model may choose a clause window of a long sentence; the answer quotes the whole sentence (the
    agency at its head, the second figure asked for) as long as the quotes stay within the budget."""
    from assistant.answer import Candidate, widened
    from assistant.compose import span_text
    from assistant.spans import spans_of
    from index.catalog import StoredPassage
    from index.retrieval import Hit

    sentence = ("Sở Tài chính chủ trì, phối hợp với các sở, ngành và UBND các huyện, thành phố rà soát nguồn vốn, "
                "tổng hợp nhu cầu, đề xuất phân bổ kế hoạch vốn năm 2026 cho các chương trình mục tiêu quốc gia, "
                "bảo đảm đúng quy định, công khai, minh bạch, hoàn thành trước ngày 15/12/2025 và báo cáo UBND tỉnh "
                "kết quả thực hiện trước ngày 31/12/2025.")
    p = StoredPassage("p1", "d1", 0, "paragraph", sentence, sentence, {})
    windows = [sp for sp in spans_of(p) if sp.unit == "window"]
    assert windows and all(len(sp.text) < len(sentence) for sp in windows)
    last = max(windows, key=lambda sp: sp.end)
    cand = Candidate(Hit(p, 1.0, {}), 0, last, {}, set(), frozenset())
    assert span_text(widened([cand])[0]) == sentence  # within the budget: the whole sentence
    assert span_text(widened([cand], budget=len(sentence) - 1)[0]) == span_text(cand.quote())  # past it: the window


def test_the_cell_a_question_asks_about_is_quoted_less_clipped_within_the_budget() -> None:
    """A whole row quotes each cell clipped to 140 characters; the cell holding the question's words (a long
    result cell) is shown up to 420 when the answer's quotes stay within their budget, so its tail ("trong 2 năm
    gần nhất") is not cut off."""
    from assistant.compose import ASKED_CELL_CHARS, CELL_CHARS, QUOTES_MAX_CHARS, Quote, compose
    from index.catalog import StoredPassage
    from index.retrieval import Hit

    result = ("Thực hiện tối thiểu 80% các kết luận thanh tra, kiểm tra, kiểm toán nhà nước về tài chính, ngân sách "
              "của cơ quan có thẩm quyền tại tỉnh, bảo đảm công khai, minh bạch trong 2 năm gần nhất.")
    assert CELL_CHARS < len(result) < ASKED_CELL_CHARS
    text = f"VI. Cải cách tài chính công\n3\tThực hiện các kiến nghị sau thanh tra\tTrong năm 2024\t{result}"
    md = {"columns": ["STT", "Nhiệm vụ", "Tiến độ", "Kết quả"], "stt": "3", "row_task": "Thực hiện các kiến nghị sau thanh tra"}
    p = StoredPassage("r1", "d1", 0, "table_row", text, text, md)
    row = Quote(Hit(p, 1.0, {}), 0, len(text), text, "row")
    asked = "Yêu cầu thực hiện tối thiểu bao nhiêu phần trăm kết luận thanh tra, trong khoảng thời gian nào?"
    answer = compose([row], False, asked, lambda pid: None).answer
    assert "trong 2 năm gần nhất" in answer, answer
    # a question sharing no words with the cell, or quotes over the budget, keep the clipped cell
    assert "trong 2 năm gần nhất" not in compose([row], False, "Ai chủ trì?", lambda pid: None).answer
    assert "trong 2 năm gần nhất" not in compose([row] * (QUOTES_MAX_CHARS // 200), False, asked, lambda pid: None).answer


def test_an_answer_whose_two_parts_and_source_lines_pass_the_limit_keeps_its_first_part() -> None:
    """Two quotes within their budget from two documents still pass 700 characters with two source lines: the
    answer keeps its first part (whole) and stays readable; an answer that fits keeps both; one quote too long
    alone (a row of many long cells) is cut at its last clause boundary that fits, never inside a figure."""
    from assistant.answer import Candidate, compose_within
    from assistant.compose import ANSWER_MAX_CHARS, QUOTES_MAX_CHARS, compose
    from assistant.spans import Span
    from index.catalog import StoredPassage
    from index.retrieval import Hit

    def cand(pid: str, doc: str, text: str) -> Candidate:
        md = {"doc_type": "Quyết định", "doc_number": f"{pid}/2025/QĐ-UBND", "date": "19/11/2025",
              "issuer": "Ủy ban nhân dân tỉnh Hòa Bình", "section": "Điều 7 khoản 3"}
        p = StoredPassage(pid, doc, 0, "paragraph", text, text, md)
        return Candidate(Hit(p, 1.0, {}), 0, Span(0, len(text), text, text, "sentence"), {}, set(), frozenset())

    first = cand("41", "d1", "Các trường học báo cáo số liệu tuyển sinh về Phòng Giáo dục và Đào tạo trước ngày 15 "
                             "hằng tháng.")
    second = cand("42", "d2", "Khi có thiên tai, hiệu trưởng nhà trường có trách nhiệm tổ chức di dời học sinh, "
                              "thiết bị, hồ sơ đến nơi an toàn và thông báo cho chính quyền địa phương; " * 3
                  + "Báo cáo ngay Ủy ban nhân dân cấp xã.")
    assert len(first.span.text) + len(second.span.text) <= QUOTES_MAX_CHARS  # the quotes' budget holds …
    naive = compose([first.quote(), second.quote()], False, "q", lambda pid: None)
    assert len(naive.answer) > ANSWER_MAX_CHARS  # … and their source lines take the answer past the limit
    both = compose_within([first, second], False, "q", lambda pid: None)
    assert len(both.answer) <= ANSWER_MAX_CHARS and first.span.text[:60] in both.answer
    assert "thiên tai" not in both.answer and len(both.citations) == 1
    short = cand("43", "d3", "Hạn báo cáo trước ngày 15/12/2025.")
    kept = compose_within([first, short], False, "q", lambda pid: None)
    assert "15/12/2025" in kept.answer and len(kept.citations) == 2
    cells = "; ".join(f"Chỉ tiêu {i}: đạt 1.234,5 tỷ đồng, tăng 12,5% so với cùng kỳ năm trước" for i in range(14))
    alone = compose_within([cand("44", "d4", cells)], False, "q", lambda pid: None)
    assert len(alone.answer) <= ANSWER_MAX_CHARS and alone.answer.endswith("… [1]")
    assert alone.answer.count("1.234,5 tỷ đồng") == alone.answer.count("12,5%")  # no figure cut in two
    from assistant.answer import shortened
    from assistant.types import Answer

    english = "Theo X:\n" + "The works open on December 19, 2025 and close on January 5, 2026; " * 12 + "[1]"
    cut = shortened(Answer(english, False, []))
    assert len(cut.answer) <= ANSWER_MAX_CHARS and cut.answer.endswith("2026… [1]")  # a clause, not "19,"
    unspaced = shortened(Answer("Theo X:\n" + "x" * 900 + " [1]", False, []))
    assert len(unspaced.answer) <= ANSWER_MAX_CHARS and "xxxx" in unspaced.answer  # a hard cut keeps the start


def test_the_agency_whose_duties_a_clause_lists_or_whose_item_a_clause_continues_says_who() -> None:
    """A decree's clause "3. Trách nhiệm của Bộ Y tế" lists the ministry's duties under it; an item "2. Trung tâm
    … tăng cường …; kịp thời …; đề xuất …" gives its agency once, and every clause after is its task — up to the
    item's end: the next line is another subject's. An opening that is no agency given a task is none ("Tổ chức
    thực hiện", "Trường hợp …", "Ban hành …", the issuer thanking or announcing)."""
    from assistant.spans import agency_frame, lead_agency
    from index.catalog import StoredPassage

    def passage(text: str, title: str = "") -> StoredPassage:
        return StoredPassage("p", "d", 0, "paragraph", text, "", {"section_title": title} if title else {})

    assert agency_frame(passage("x", "Điều 9. Trách nhiệm của các bộ > 3. Trách nhiệm của Bộ Y tế")) == "Bộ Y tế"
    assert agency_frame(passage("x", "Điều 5. Nhiệm vụ và quyền hạn của Sở Tư pháp")) == "Sở Tư pháp"
    assert agency_frame(passage("x", "V. Tổ chức thực hiện")) == ""  # a heading, not a team
    assert agency_frame(passage("x", "V. Tổ chức thực hiện > 2. Hội Nông dân tỉnh")) == "Hội Nông dân tỉnh"
    item = ("2. Trung tâm Kiểm soát bệnh tật tỉnh tăng cường giám sát các ổ dịch; kịp thời tổng hợp, báo cáo các "
            "trường hợp mắc mới; đề xuất biện pháp khoanh vùng, xử lý triệt để.\n"
            "Sở Y tế thông báo để các đơn vị biết, thực hiện./.")
    name, end = lead_agency(passage(item))
    assert name == "Trung tâm Kiểm soát bệnh tật tỉnh" and item[:end].endswith("xử lý triệt để.")
    assert lead_agency(passage("3. Ban Quản lý dự án đầu tư xây dựng tỉnh chủ trì, phối hợp với các sở."))[0] == \
        "Ban Quản lý dự án đầu tư xây dựng tỉnh"  # a task verb inside the name: the role ends it
    assert lead_agency(passage("4. Sở Tài chính: Chủ trì, phối hợp với các sở."))[0] == "Sở Tài chính"
    assert lead_agency(passage("c) Bộ Tài chính chủ trì, phối hợp với các bộ liên quan:"))[0] == "Bộ Tài chính"
    assert lead_agency(passage("Bộ Nông nghiệp và Môi trường khẩn trương chủ trì rà soát."))[0] == \
        "Bộ Nông nghiệp và Môi trường"  # the first verb ends the name, a role or not
    assert lead_agency(passage("2. Sở Nông nghiệp và Môi trường (Chi cục Kiểm lâm) có trách nhiệm kiểm tra."))[0] \
        == "Sở Nông nghiệp và Môi trường"
    assert agency_frame(passage("x", "V. Tổ chức thực hiện > 3. Hội đồng nhân dân tỉnh")) == "Hội đồng nhân dân tỉnh"
    for opening in ("Tổ chức thực hiện các nhiệm vụ được giao.", "Trường hợp cần thiết, báo cáo UBND tỉnh.",
                    "1. Ban hành Kế hoạch triển khai thực hiện.", "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện.",
                    "Bộ Xây dựng trân trọng đề nghị các địa phương phối hợp thực hiện.",
                    "Các lực lượng chức năng phải liên tục ra quân, xử lý nghiêm vi phạm.",
                    "UBND tỉnh yêu cầu các sở, ngành thực hiện các nội dung sau:",
                    "Thanh tra sở được thành lập trong các trường hợp sau đây:",
                    "i) Thanh tra, kiểm tra việc thực hiện các quy định.", "Ban đầu các đơn vị phải báo cáo.",
                    "Bộ đội biên phòng tăng cường tuần tra."):
        assert lead_agency(passage(opening)) == ("", 0), opening


def test_an_abstention_quoting_what_the_closest_spans_say_stays_within_the_limit() -> None:
    """An abstention quotes its two closest spans (260 characters each) under their source lines: with a long
    explanation it too is cut at a clause boundary to 700 characters, its citations kept."""
    from assistant.answer import shortened
    from assistant.compose import ANSWER_MAX_CHARS, Quote, abstain
    from index.catalog import StoredPassage
    from index.retrieval import Hit

    text = "; ".join(f"xã {i} được hỗ trợ 1.250 triệu đồng để sửa chữa trường học" for i in range(12))
    md = {"doc_type": "Kế hoạch", "doc_number": "77/KH-UBND", "issuer": "Ủy ban nhân dân tỉnh Hòa Bình",
          "section": "mục II.3.b", "title": "Kế hoạch khắc phục hậu quả mưa lũ năm 2025 trên địa bàn tỉnh " * 2}
    hits = [Hit(StoredPassage(f"p{i}", f"d{i}", 0, "paragraph", text, text, md), 1.0, {}) for i in range(2)]
    quotes = [Quote(h, 0, len(text), text, "sentence") for h in hits]
    out = abstain(False, hits, "q", "mức hỗ trợ mỗi hộ gia đình có nhà bị sập hoàn toàn do mưa lũ " * 3, quotes)
    assert len(out.answer) > ANSWER_MAX_CHARS  # the case: past the limit as composed
    cut = shortened(out)
    assert len(cut.answer) <= ANSWER_MAX_CHARS and cut.abstained and len(cut.citations) == 2
