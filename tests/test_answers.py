"""The extractive answerer on the fictional samples: the figure with its period, the agency that acts,
the document, footnote figures with the sentence citing them, listings, follow-ups, English, abstention,
and citations that name the source and the quoted span."""

from __future__ import annotations

import re

import pytest

from .conftest import SAMPLES, make_container


@pytest.fixture(scope="module")
def c(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    container = make_container(tmp_path_factory.mktemp("answers"))
    container.ingestor.ingest_paths([str(SAMPLES)])
    return container


def grounded(a) -> bool:  # type: ignore[no-untyped-def]
    """Every [n] maps to a citation, and every figure of a marked line is in the passages it cites."""
    by_n = {x.n: x.text for x in a.citations}
    for line in a.answer.splitlines():
        marks = [int(m) for m in re.findall(r"\[(\d+)\]", line)]
        if any(m not in by_n for m in marks):
            return False
        cited = " ".join(by_n[m] for m in marks)
        for fig in re.findall(r"\d+(?:[.,]\d+)*%?", re.sub(r"\[\d+\]", "", line)):
            if marks and (len(fig) > 1 or "%" in fig) and fig not in cited:
                return False
    return True


def over(tmp_path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    """A container holding only these documents (name → text), ingested from files as a user's would be."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / name).write_text(text, encoding="utf-8")
    container = make_container(tmp_path / "data")
    container.ingestor.ingest_paths([str(docs)])
    return container


FIGURE_QUESTIONS = [
    ("Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?", ["640,5 tỷ đồng"]),
    ("Trong tháng thu ngân sách nhà nước được bao nhiêu?", ["215 tỷ đồng"]),
    ("Diện tích gieo trồng vụ Xuân đạt bao nhiêu, bằng mấy phần trăm kế hoạch?", ["4.215,3 ha", "35,2%"]),
    ("Ai chủ trì tổ chức trực 24/24 giờ phòng cháy rừng?", ["Sở Nông nghiệp và Môi trường"]),
    ("Văn bản nào chỉ đạo phòng, chống cháy rừng mùa khô?", ["512/UBND-KT"]),
    ("Ngô gieo trồng được bao nhiêu ha?", ["1.112,5 ha"]),
    ("tong chi ngan sach dia phuong luy ke quy I", ["1.020,4"]),
    ("How much local budget spending was recorded in the first quarter?", ["1.020,4"]),
]


@pytest.mark.parametrize("question,expected", FIGURE_QUESTIONS)
def test_answers_hold_the_figure_and_are_grounded(c, question: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The span chosen holds the figure — quoted as the answer, or as the closest passage when the answerability
    model is not sure enough (its threshold is fitted on the training sets, not on these samples)."""
    a = c.answerer.answer(question)
    assert all(e in a.answer for e in expected), a.answer
    assert grounded(a) and len(a.answer) <= 700
    first = a.citations[0]
    assert first.label and 0 <= first.quote_start < first.quote_end <= len(first.text)


def test_most_sample_figure_questions_are_answered(c) -> None:  # type: ignore[no-untyped-def]
    abstained = [q for q, _ in FIGURE_QUESTIONS if c.answerer.answer(q).abstained]
    assert len(abstained) <= 2, abstained


def test_footnote_answer_cites_the_sentence_that_refers_to_it(c) -> None:  # type: ignore[no-untyped-def]
    a = c.answerer.answer("Thu nội địa đạt bao nhiêu?")
    assert "585,2 tỷ đồng" in a.answer and "chú thích 2" in a.answer
    assert len(a.citations) == 2 and a.citations[1].kind == "paragraph"


def test_citation_labels_name_the_source_as_an_official_would(c) -> None:  # type: ignore[no-untyped-def]
    a = c.answerer.answer("Công văn 512/UBND-KT chỉ đạo gì?")
    assert a.citations[0].label.startswith("Công văn số 512/UBND-KT ngày 04/03/2025 của UBND tỉnh")
    t = c.answerer.answer("Nhiệm vụ số hóa hồ sơ thủ tục hành chính do cơ quan nào chủ trì?")
    assert "Trung tâm Phục vụ hành chính công" in t.answer and "nhiệm vụ I.2" in t.citations[0].label


def test_a_row_no_one_leads_is_cited_as_a_row() -> None:
    """A row of a species list, of statistics or of procedures with their processing times is no task: "dòng B.32",
    in the citation and in the answer's source line; a row someone leads, or with a deadline in a table whose
    columns name tasks, is "nhiệm vụ"."""
    from assistant.citations import citation_label
    from assistant.compose import Quote, attribution
    from domain.passages import Passage, PassageKind
    from index.retrieval import Hit

    md = {"doc_type": "Thông tư", "doc_number": "69/2025/TT-BNNMT", "stt": "B.32", "row_task": "Tôm hùm nước ngọt",
          "columns": ["STT", "Tên tiếng Việt", "Tên khoa học"]}
    procedure = {**md, "row_deadline": "14 ngày làm việc", "columns": ["STT", "Tên thủ tục", "Thời hạn giải quyết"]}
    task = {**md, "row_deadline": "Quý II/2026", "columns": ["STT", "Nội dung công việc", "Thời gian hoàn thành"]}
    assert citation_label(md, "table_row").endswith(", dòng B.32")
    assert citation_label(procedure, "table_row").endswith(", dòng B.32")
    assert citation_label(task, "table_row").endswith(", nhiệm vụ B.32")
    assert citation_label({**md, "row_lead": "Sở Tài chính"}, "table_row").endswith(", nhiệm vụ B.32")

    def source_line(meta: dict, english: bool = False) -> str:  # type: ignore[type-arg]
        p = Passage("p", "d", 0, PassageKind.TABLE_ROW, "B.32\tTôm hùm", "", meta)  # type: ignore[arg-type]
        return attribution(Quote(Hit(p, 1.0, {}), 0, 5, "B.32", "row"), english)

    assert source_line(md).endswith(", dòng B.32:") and source_line(md, True).endswith(", row B.32:")
    assert source_line(task).endswith(", nhiệm vụ B.32:") and source_line(task, True).endswith(", task B.32:")


def test_follow_up_uses_the_conversation(c) -> None:  # type: ignore[no-untyped-def]
    a = c.answerer.answer("còn chi ngân sách địa phương thì sao?",
                          ["Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?"])
    assert "1.020,4" in a.answer


def test_listing_answer_names_every_row(c) -> None:  # type: ignore[no-untyped-def]
    a = c.answerer.answer("Sở Nội vụ chủ trì những nhiệm vụ nào?")
    rows = [p for p in c.catalog.passages() if p.kind == "table_row" and "Sở Nội vụ" in str(p.metadata.get("row_lead"))]
    assert len(a.citations) == len(rows) and all(f"[{x.n}]" in a.answer for x in a.citations)


@pytest.mark.parametrize("question", [
    "Ai ký báo cáo tình hình kinh tế - xã hội tháng 3 năm 2025?",
    "Who signed the March 2025 socio-economic report?",
])
def test_who_signed_is_answered_from_the_signature(c, question: str) -> None:  # type: ignore[no-untyped-def]
    """The signer recorded at ingest is quoted from the closing block that holds it, whatever words the
    question shares with that block."""
    a = c.answerer.answer(question)
    assert not a.abstained and "Trần Văn Mẫu" in a.answer, a.answer
    assert "Trần Văn Mẫu" in a.citations[0].text
    assert a.citations[0].label == "Báo cáo số 88/BC-UBND ngày 28/03/2025"  # the document's, not its last section's


@pytest.mark.parametrize("question", [
    "Ai ký báo cáo tình hình kinh tế - xã hội tháng 4 năm 2025?",
    "Who signed the April 2025 socio-economic report?",
])
def test_who_signed_a_document_described_by_its_month_reads_that_documents_signature(tmp_path, question: str) -> None:  # type: ignore[no-untyped-def]
    """The question names no number: the document it means is the one whose title names that month first, then
    the one dated in it — even when another document shares more of its words and comes first."""
    c2 = over(tmp_path, {
        "ke-hoach-cai-cach.txt": (
            "ỦY BAN NHÂN DÂN TỈNH BẮC TRUNG\nSố: 77/KH-UBND\nBắc Trung, ngày 10 tháng 6 năm 2025\n\nKẾ HOẠCH\n"
            "Báo cáo kết quả cải cách hành chính và tình hình kinh tế - xã hội của tỉnh\n\n"
            "1. Mục tiêu\nCác sở báo cáo tình hình kinh tế - xã hội và kết quả cải cách hành chính hằng tháng.\n"
            "2. Tổ chức thực hiện\nVăn phòng UBND tỉnh tổng hợp báo cáo tình hình kinh tế - xã hội.\n\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Văn Bình\n"),
        # the March report is dated in April and names April (its next month's tasks); the April report is dated May
        "bao-cao-thang-3.txt": (
            "ỦY BAN NHÂN DÂN TỈNH BẮC TRUNG\nSố: 41/BC-UBND\nBắc Trung, ngày 05 tháng 4 năm 2025\n\nBÁO CÁO\n"
            "Tình hình kinh tế - xã hội tháng 3, nhiệm vụ trọng tâm tháng 4 năm 2025\n\n"
            "I. Kết quả\n1. Nông nghiệp\nDiện tích gieo trồng lúa vụ xuân đạt 9.800 ha.\n\n"
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nĐỗ Quang Minh\n"),
        "bao-cao-thang-4.txt": (
            "ỦY BAN NHÂN DÂN TỈNH BẮC TRUNG\nSố: 60/BC-UBND\nBắc Trung, ngày 06 tháng 5 năm 2025\n\nBÁO CÁO\n"
            "Tình hình thực hiện nhiệm vụ tháng 4, nhiệm vụ trọng tâm tháng 5 năm 2025\n\n"
            "I. Kết quả\n1. Nông nghiệp\nDiện tích gieo trồng lúa vụ xuân đạt 12.500 ha.\n"
            "2. Công nghiệp\nGiá trị sản xuất công nghiệp tăng 7,2%.\n\n"
            "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nPhạm Thị Hoa\n"),
    })
    a = c2.answerer.answer(question)
    assert not a.abstained and "Phạm Thị Hoa" in a.answer and "Lê Văn Bình" not in a.answer, a.answer
    assert "Đỗ Quang Minh" not in a.answer, a.answer


@pytest.mark.parametrize("question", [
    "Chỉ số giá tiêu dùng CPI tháng 3 tăng bao nhiêu?",
    "Tổng thu ngân sách tháng 7/2025 là bao nhiêu?",
    "Ai ký Công văn số 512/UBND-KT?",
])
def test_abstains_when_the_documents_do_not_say(c, question: str) -> None:  # type: ignore[no-untyped-def]
    a = c.answerer.answer(question)
    assert a.abstained and a.related
    assert "Không tìm thấy" in a.answer or "Tài liệu không nêu" in a.answer
    # what the closest passage says may be quoted, marked and cited, never as the answer
    assert len(a.citations) <= 2 and all(f"[{x.n}]" in a.answer for x in a.citations)


def test_a_documents_own_bracketed_footnote_refs_never_pass_for_citation_markers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Crawled texts write footnote references as "[3]": in an answer "[n]" is chidao's marker of the n-th
    citation, so the document's own references are shown as superscripts and every marker maps to a citation."""
    c2 = over(tmp_path, {"bao-cao-thanh-tra.txt": (
        "ỦY BAN NHÂN DÂN TỈNH BẮC TRUNG\n\nBÁO CÁO\nKết quả thanh tra đất đai năm 2025\n\n"
        "1. Kết quả rà soát\nTheo Báo cáo số 2554/BC-TTCP ngày 17/10/2025 của Thanh tra Chính phủ[3], "
        "tỉnh rà soát 215 dự án có tình huống pháp lý tương tự[4].\n"
        "2. Thời hạn giải quyết\nĐối với các trường hợp a1 và a2[5]: 17 ngày kể từ ngày nhận được hồ sơ hợp lệ.\n")})
    for question in ("Tỉnh rà soát bao nhiêu dự án có tình huống pháp lý tương tự?",
                     "Thời hạn giải quyết đối với các trường hợp a1 và a2 là bao nhiêu ngày?"):
        a = c2.answerer.answer(question)
        shown = a.answer if not a.abstained else a.answer.split("\n", 1)[-1]
        assert ("215" in shown or "17 ngày" in shown), a.answer
        assert grounded(a), a.answer
        assert "³" in a.answer or "⁵" in a.answer, a.answer


def test_the_agency_heading_says_who_even_when_the_task_names_the_agencies_it_directs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A dispatch lists each agency's tasks under its name; a task naming the bodies it directs ("chỉ đạo các
    Ban Quản lý dự án …") does not name who carries it out: the answer says it from the heading."""
    c2 = over(tmp_path, {"cong-dien.txt": (
        "BỘ GIAO THÔNG BIỂN\nSố: 31/CĐ-BGTB\nHà Nội, ngày 12 tháng 10 năm 2025\n\nCÔNG ĐIỆN\n"
        "VỀ VIỆC ỨNG PHÓ TRIỀU CƯỜNG TẠI CÁC CẢNG BIỂN PHÍA NAM\n\n"
        "1. Cục Hàng hải phía Nam\n- Chỉ đạo các Ban Quản lý cảng, doanh nghiệp cảng kiểm tra toàn bộ cầu cảng đang "
        "khai thác trong vùng triều cường, bố trí lực lượng trực 24/24 giờ.\n"
        "2. Cục Đường thủy nội địa\n- Rà soát phương tiện thủy đang neo đậu, hướng dẫn di chuyển đến nơi tránh trú.\n"
        "3. Vụ Kết cấu hạ tầng\n- Tổng hợp thiệt hại, báo cáo Bộ trưởng trước 16 giờ hằng ngày.\n\n"
        "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nNgô Văn Hải\n")})
    a = c2.answerer.answer("Đơn vị nào phải chỉ đạo các ban quản lý cảng kiểm tra cầu cảng trong vùng triều cường?")
    assert not a.abstained and "Cục Hàng hải phía Nam" in a.answer, a.answer
    assert "Cục Hàng hải phía Nam: Cục Hàng hải phía Nam" not in a.answer, a.answer  # a heading framed by itself


def test_a_follow_up_asking_its_own_thing_does_not_inherit_what_the_previous_question_asked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """After "who signed it?", "where do they send reports?" asks for a destination, not a signer: the
    previous question's asked kind carries over to "và văn bản kia thì sao?", not to a question with an
    interrogative of its own."""
    c2 = over(tmp_path, {"cong-dien.txt": (
        "BỘ GIAO THÔNG BIỂN\nSố: 31/CĐ-BGTB\nHà Nội, ngày 12 tháng 10 năm 2025\n\nCÔNG ĐIỆN\n"
        "VỀ VIỆC ỨNG PHÓ TRIỀU CƯỜNG TẠI CÁC CẢNG BIỂN PHÍA NAM\n\n"
        "1. Cục Hàng hải phía Nam chỉ đạo các doanh nghiệp cảng kiểm tra toàn bộ cầu cảng đang khai thác.\n"
        "2. Cục Đường thủy nội địa rà soát phương tiện thủy đang neo đậu, hướng dẫn di chuyển đến nơi tránh trú.\n"
        "3. Các cảng vụ hàng hải tổ chức trực ban nghiêm túc và gửi báo cáo về Trung tâm Điều hành Bộ Giao thông "
        "Biển trước 15 giờ hằng ngày.\n\n"
        "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nNgô Văn Hải\n")})
    # short, or pointing back ("đó", "này"), it is still a question of its own
    for question in ("Các cảng vụ hàng hải gửi báo cáo về đâu?", "Báo cáo gửi về đâu?",
                     "Theo công điện này, các cảng vụ đó gửi báo cáo về đâu?"):
        a = c2.answerer.answer(question, ["Công điện 31/CĐ-BGTB do ai ký?"])
        assert not a.abstained and "Trung tâm Điều hành" in a.answer, (question, a.answer)
        assert "Ngô Văn Hải" not in a.answer, (question, a.answer)
