"""A crawl's hard wrap falling before the dash of "kinh tế - xã hội", "2021 - 2025" or "05 - 06%" does not
open a list item: the sentence is read whole. A real list (short items under a line that ends with a colon)
stays a list."""

from __future__ import annotations

from ingest.structure import join_lines
from ingest.types import Line


def _paragraphs(text: str) -> list[str]:
    return [ln.text for ln in join_lines([Line(t, 1) for t in text.splitlines()])]


def test_a_wrap_before_a_dash_inside_a_sentence_is_undone() -> None:
    text = ("Tăng cường phối hợp giữa các sở, ngành trong việc triển khai kế hoạch phát triển kinh tế\n"
            "- xã hội của tỉnh; tốc độ tăng bình quân giai đoạn 2026 - 2030 dự kiến đạt 05\n"
            "- 06%/năm.")
    assert _paragraphs(text) == [
        "Tăng cường phối hợp giữa các sở, ngành trong việc triển khai kế hoạch phát triển kinh tế - xã hội của "
        "tỉnh; tốc độ tăng bình quân giai đoạn 2026 - 2030 dự kiến đạt 05 - 06%/năm."]


def test_a_real_list_stays_a_list() -> None:
    text = "Kết quả hỗ trợ sau lũ:\n- 120 hộ được hỗ trợ\n- 35 xã được cấp gạo\n- Sở Tài chính bố trí kinh phí"
    assert _paragraphs(text) == ["Kết quả hỗ trợ sau lũ:", "- 120 hộ được hỗ trợ", "- 35 xã được cấp gạo",
                                 "- Sở Tài chính bố trí kinh phí"]
