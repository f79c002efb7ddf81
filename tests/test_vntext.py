from index.lexical import LexicalIndex
from index.vntext import DiacriticRestorer, fold, normalize_tone, tokens


def test_fold_and_tone() -> None:
    assert fold("Đường giao thông") == "Duong giao thong"
    assert normalize_tone("hoà") == normalize_tone("hòa") == "hòa"
    assert normalize_tone("thuỷ") == "thủy"
    assert normalize_tone("quả") == "quả"


def test_number_tokens_stay_whole_and_match_variants() -> None:
    toks = tokens("đạt 6.137,6 ha, tăng 81% trong tháng 02/2024")
    assert "6.137,6" in toks and "6137,6" in toks and "81%" in toks and "02/2024" in toks and "2/2024" in toks
    assert "1887/UBND-NC" in tokens("Công văn số 1887/UBND-NC")


def test_accented_match_outranks_folded() -> None:
    idx = LexicalIndex()
    idx.add([("a", "kế hoạch xuất khẩu"), ("b", "kẻ hoạch xuât khâu"), ("c", "ngân sách nhà nước")])
    ranked = [pid for pid, _ in idx.search("kế hoạch xuất khẩu", 3, diacritics=True)]
    assert ranked[:2] == ["a", "b"]
    folded = [pid for pid, _ in idx.search("ke hoach xuat khau", 3, diacritics=False)]
    assert set(folded[:2]) == {"a", "b"}
    idx.remove(["a"])
    assert "a" not in [pid for pid, _ in idx.search("kế hoạch", 3, diacritics=True)]


def test_restorer_uses_corpus_words() -> None:
    r = DiacriticRestorer()
    for _ in range(3):
        r.add("Tổng kim ngạch xuất khẩu qua địa bàn tỉnh")
    assert r.restore("tong kim ngach xuat khau") == "tổng kim ngạch xuất khẩu"


def test_a_stop_word_restores_to_itself_not_to_the_content_word_sharing_its_letters() -> None:
    from index.vntext import DiacriticRestorer, tokens

    r = DiacriticRestorer()
    r.add_tokens(tokens("Công văn của Văn phòng Chính phủ về việc mở cửa khẩu. Cửa hàng, cửa ngõ, cửa sông, cửa biển. "
                        "Ý kiến của Bộ Tài chính, của Bộ Xây dựng và của các địa phương từ ngày 5 về việc này."))
    assert r.restore("y kien cua bo ve viec") == "ý kiến của bộ về việc"
