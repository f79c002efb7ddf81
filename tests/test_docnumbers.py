import pytest

from assistant.analysis import analyze
from assistant.search import prefer_patterns
from ingest.docnumbers import find_dates, number_key, numbers_with_dates, parse_number


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Công văn số 1887/UBND-NC", "1887/UBND-NC"),
        ("Quyết định số 29 /2023/QĐ-UBND", "29/2023/QĐ-UBND"),
        ("Số: 126 /KH-UBND", "126/KH-UBND"),
        ("Nghị quyết số 135-NQ/TU", "135-NQ/TU"),
        ("Chương trình hành động số 98-CTr/TU", "98-CTr/TU"),
        ("Công điện số 1404/CĐ-TTg", "1404/CĐ-TTg"),
        ("Công văn số 14679/BGTVT-KHCN&MT", "14679/BGTVT-KHCN&MT"),
        ("Nghị định số 59/2012/NĐ-CP", "59/2012/NĐ-CP"),
    ],
)
def test_numbers_are_found_and_normalised(text: str, expected: str) -> None:
    n = parse_number(text)
    assert n is not None and n.text == expected


def test_keys_fold_case_spaces_and_d() -> None:
    assert number_key("29 /2023/QĐ-UBND") == number_key("29/2023/qd-ubnd") == "29/2023/QD-UBND"
    assert number_key("2233/QD-UBND") == number_key("2233/QĐ-UBND")
    assert parse_number("1887/UBND-NC").doc_type == "Công văn"  # type: ignore[union-attr]
    assert parse_number("243/KH-UBND").doc_type == "Kế hoạch"  # type: ignore[union-attr]


def test_trailing_dates() -> None:
    pairs = numbers_with_dates("(Công văn số 1887/UBND-NC, ngày 28/12/2023)")
    assert [(n.text, d) for n, d in pairs] == [("1887/UBND-NC", "2023-12-28")]
    assert [d for d, _, _ in find_dates("ngày 03 /6/2024 và ngày 28 tháng 11 năm 2025")] == ["2024-06-03", "2025-11-28"]
    assert [d for d, _, _ in find_dates("ngày   tháng 02 năm 2024")] == ["2024-02"]


def test_query_variants() -> None:
    assert analyze("CV 1887 nói gì").bare_numbers == [("1887", "")]
    assert analyze("QĐ 2233 về việc gì").bare_numbers == [("2233", "QD")]
    assert analyze("quyet dinh so 2233").bare_numbers == [("2233", "QD")]
    assert analyze("Văn bản 1887/UBND-NC ngày 28/12/2023").number_keys == ["1887/UBND-NC"]


@pytest.mark.parametrize("text", ["Số: 1887/UBND-NC", "số 1887 /UBND-NC", "1887/ubnd-nc", "1887 / UBND-NC",
                                  "công văn số 1887/UBND-NC ngày 28/12/2023"])
def test_every_variant_of_the_domain_notes_resolves(text: str) -> None:
    n = parse_number(text)
    assert n is not None and n.key == "1887/UBND-NC"


def test_d_for_dj_and_missing_year() -> None:
    assert analyze("QD 2233/QD-UBND").number_keys == [number_key("2233/QĐ-UBND")]
    assert analyze("quyết định 29/QĐ-UBND").number_keys == ["29/QD-UBND"]


def test_query_features() -> None:
    assert prefer_patterns(analyze("Cộng dồn 2 tháng đầu năm xuất khẩu bao nhiêu?"))
    a = analyze("Sở Nội vụ chủ trì những nhiệm vụ nào?")
    assert "list" in a.intents and a.row_field == "lead"
    assert "who" in analyze("ai chủ trì việc này?").intents
    assert any("25" in p for p in prefer_patterns(analyze("tuần từ 25/12 có văn bản nào")))
