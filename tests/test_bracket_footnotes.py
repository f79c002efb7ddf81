"""Footnotes with bracketed markers (crawled legal sites): "địa phương[1]" in the body, "[1] Lâm" + "Đồng, …"
after the signature become the same footnote passages, linked to their citing sentence, as superscript
footnotes do; a bracketed number that is never cited, or cited without a body, stays as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import parse_bytes

from .conftest import ROOT

WIDE = ROOT.parent / "shared" / "corpus-wide"

DOC = """ỦY BAN NHÂN DÂN TỈNH THỬ
Số: 12/CĐ-UBND
CÔNG ĐIỆN
Về việc rà soát dự án tồn đọng

Đến ngày 17/11/2025, 7 địa phương[1] và 3 sở [2] chưa rà soát dự án; xem thêm tài liệu [9].
Các đơn vị hoàn thành trước ngày 30/11/2025.
[5] Mục này là một dòng đánh số không được dẫn chiếu.

Nơi nhận:
- Như trên;
- Lưu: VT.
CHỦ TỊCH
Nguyễn Văn An
[1] Lâm
Đồng, Bắc Ninh, Huế, Tuyên Quang, Phú Thọ, Cà Mau, Hà Nội.
[2] Sở Tài chính, Sở Xây dựng,
Sở Nội vụ.
"""


def _footnotes(name: str, data: bytes) -> dict[int, dict[str, object]]:
    doc = parse_bytes(name, data)
    return {int(p.metadata["footnote_no"]): {"text": p.text, **p.metadata}
            for p in doc.passages if p.kind == "footnote"}


def test_bracketed_footnotes_become_linked_footnote_passages() -> None:
    doc = parse_bytes("cd-12.txt", DOC.encode())
    notes = {int(p.metadata["footnote_no"]): p for p in doc.passages if p.kind == "footnote"}
    assert sorted(notes) == [1, 2]
    assert notes[1].text == "Chú thích 1: Lâm Đồng, Bắc Ninh, Huế, Tuyên Quang, Phú Thọ, Cà Mau, Hà Nội."
    assert notes[2].text == "Chú thích 2: Sở Tài chính, Sở Xây dựng, Sở Nội vụ."
    citing = next(p for p in doc.passages if p.metadata.get("footnotes"))
    assert {f["n"] for f in citing.metadata["footnotes"]} == {1, 2}
    assert notes[1].metadata["cited_by"] == citing.id
    assert "7 địa phương" in str(notes[1].metadata["citing_sentence"])
    # a reference with no footnote body and a numbered line nobody cites keep their brackets
    body = " ".join(p.text for p in doc.passages)
    assert "tài liệu [9]" in body and "[5] Mục này" in body
    assert not any("Lâm" in p.text for p in doc.passages if p.kind != "footnote")


def test_a_footnote_is_shown_between_its_neighbours() -> None:
    """A search result shows a footnote after the one before it and before the one after it — the first with
    the next only, the last with the previous only; the passage and its embedding stay the footnote alone."""
    doc = parse_bytes("cd-12.txt", DOC.replace("3 sở [2]", "3 sở [2] và 2 ban [3]").replace(
        "Sở Nội vụ.\n", "Sở Nội vụ.\n[3] Ban Dân tộc, Ban Quản lý các khu công nghiệp.\n").encode())
    notes = {int(p.metadata["footnote_no"]): p for p in doc.passages if p.kind == "footnote"}
    one, two, three = (notes[n].text for n in (1, 2, 3))
    assert notes[2].window_text() == f"{one}\n{two}\n{three}"
    assert notes[1].window_text() == f"{one}\n{two}"
    assert notes[3].window_text() == f"{two}\n{three}"
    assert "Sở Nội vụ" not in notes[1].text and "Sở Nội vụ" not in notes[1].embed_text


@pytest.mark.skipif(not WIDE.is_dir(), reason="../shared/corpus-wide not present")
def test_crawled_documents_with_bracketed_footnotes_link_every_one() -> None:
    checked = 0
    for path in sorted(Path(WIDE).glob("*.txt")):
        data = path.read_bytes()
        if b"\n[1] " not in data and b"\n[1]\n" not in data:
            continue
        notes = _footnotes(path.name, data)
        assert notes, path.name
        assert all(n["cited_by"] for n in notes.values()), path.name
        checked += 1
    assert checked >= 5
