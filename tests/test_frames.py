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
