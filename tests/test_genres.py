"""A new document genre is one entry in the domain (domain/doctypes.py `DOC_TYPES`): a "Biên bản" (minutes,
type letters BB), unknown before the entry, is ingested, typed by its header and its số hiệu, found by a
type filter and by a question naming the type, and filed in the directive catalog — with nothing else
changed. A "Tờ trình", an entry already, goes the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.analysis import analyze
from domain.doctypes import DocType, register, unregister

from .conftest import make_container

MINUTES = """ỦY BAN NHÂN DÂN
TỈNH SƠN MAI

Số: 17/BB-UBND

Sơn Mai, ngày 14 tháng 5 năm 2025

BIÊN BẢN

Kiểm tra công tác phòng cháy tại kho lưu trữ tỉnh

Hồi 9 giờ ngày 14/5/2025, đoàn kiểm tra của UBND tỉnh làm việc tại kho lưu trữ tỉnh Sơn Mai.

Đoàn ghi nhận 12 bình chữa cháy đã hết hạn kiểm định và đề nghị thay thế trước ngày 30/6/2025.

Biên bản số 17/BB-UBND được lập thành 03 bản có giá trị như nhau.
"""
SUBMISSION = MINUTES.replace("Số: 17/BB-UBND", "Số: 21/TTr-UBND").replace("BIÊN BẢN", "TỜ TRÌNH").replace(
    "Biên bản số 17/BB-UBND", "Tờ trình số 21/TTr-UBND").replace("Kiểm tra công tác", "Đề nghị kinh phí cho công tác")


def _container(tmp_path: Path) -> Any:
    return make_container(tmp_path / "data", parse_isolated=False)  # the genre is kept by either catalog


@pytest.fixture()
def minutes_genre() -> Iterator[None]:
    register(DocType("Biên bản", "BB", ("minutes",), ("bb",)))  # the one entry
    yield
    unregister("Biên bản")


def test_unknown_before_the_entry(tmp_path: Path) -> None:
    c = _container(tmp_path)
    rep = c.ingestor.ingest_bytes("bien-ban-kiem-tra.txt", MINUTES.encode())
    doc = c.catalog.document(rep.doc_id)
    assert rep.status == "ingested" and doc is not None and doc["doc_type"] != "Biên bản"
    assert analyze("biên bản số 17").bare_numbers == []  # "biên bản" is no type word yet


@pytest.mark.usefixtures("minutes_genre")
@pytest.mark.parametrize("name,text,genre,code,number", [
    ("bien-ban-kiem-tra.txt", MINUTES, "Biên bản", "BB", "17/BB-UBND"),
    ("to-trinh-kinh-phi.txt", SUBMISSION, "Tờ trình", "TTR", "21/TTr-UBND"),
])
def test_ingested_typed_and_searchable(tmp_path: Path, name: str, text: str, genre: str, code: str,
                                       number: str) -> None:
    c = _container(tmp_path)
    rep = c.ingestor.ingest_bytes(name, text.encode())
    assert rep.status == "ingested", rep.reason
    doc = c.catalog.document(rep.doc_id)
    assert doc is not None and doc["doc_type"] == genre and doc["number"] == number
    assert all(p.metadata["doc_type"] == genre for p in c.catalog.passages(rep.doc_id))

    found = c.search.search("bình chữa cháy hết hạn kiểm định", 5, {"type": genre}).hits
    assert found and {h.passage.doc_id for h in found} == {rep.doc_id}
    folded = c.search.search("binh chua chay het han", 5, {"type": genre.lower()}).hits
    assert folded and folded[0].passage.doc_id == rep.doc_id

    a = analyze(f"{genre.lower()} số {number.split('/')[0]} đề nghị gì?")
    assert a.bare_numbers == [(number.split("/")[0], code)]
    named = c.search.search(f"{genre} về kho lưu trữ tỉnh", 3).hits
    assert named and named[0].passage.doc_id == rep.doc_id

    record = c.directives.get(number)
    assert record is not None and record.type == genre and record.in_corpus
