"""Issue 12 row 8: a PDF with a huge page count is refused before parsing (CHIDAO_MAX_PAGES); a file whose pages
keep coming is stopped at its total budget (CHIDAO_PARSE_TOTAL_S), not reset page after page; and while one
file parses, another upload goes through (parsing and embedding hold no global lock)."""

from __future__ import annotations

import io
import threading
import time

import httpx
from pypdf import PdfReader, PdfWriter

from ..conftest import Server


def pdf_of(pages: int) -> bytes:
    """A real text page (fpdf2), repeated: cheap to build, each page parsed for real."""
    from fpdf import FPDF

    one = FPDF()
    one.set_font("Helvetica", size=6)
    one.add_page()
    one.multi_cell(0, 2.6, "Bao cao so lieu thu chi ngan sach nha nuoc trong thang. " * 110)  # a full page
    page = PdfReader(io.BytesIO(bytes(one.output()))).pages[0]
    w = PdfWriter()
    for _ in range(pages):
        w.add_page(page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_a_huge_page_count_is_refused_early(open_site: Server) -> None:
    data = pdf_of(2500)  # over the default CHIDAO_MAX_PAGES (2000)
    t0 = time.perf_counter()
    r = httpx.post(open_site.base + "/v1/documents", files={"files": ("sach-dai.pdf", data)}, timeout=300)
    rep = r.json()["reports"][0]
    assert rep["status"] == "failed" and "too many pages" in rep["reason"] and "CHIDAO_MAX_PAGES" in rep["reason"]
    assert time.perf_counter() - t0 < 30


def test_total_budget_and_no_global_lock(open_site: Server) -> None:
    """open_site runs with CHIDAO_PARSE_TOTAL_S=10: a 1,990-page file (each page well within the no-progress
    limit, ≥ 30 s in all) is stopped near 10 s; a small upload sent meanwhile finishes first."""
    data = pdf_of(1990)
    result: dict[str, object] = {}

    def big() -> None:
        t0 = time.perf_counter()
        r = httpx.post(open_site.base + "/v1/documents", files={"files": ("bao-cao-dai.pdf", data)}, timeout=600)
        result["big"] = (r.json()["reports"][0], time.perf_counter() - t0, time.perf_counter())

    thread = threading.Thread(target=big)
    thread.start()
    time.sleep(1.0)
    small = httpx.post(open_site.base + "/v1/documents", timeout=300, files={"files": (
        "ghi-chu-nho.txt", "Ghi chú nhỏ: họp giao ban ngày 14/3/2025 tại phòng họp số 2.".encode())})
    small_done = time.perf_counter()
    thread.join()
    report, seconds, big_done = result["big"]  # type: ignore[misc]
    assert small.status_code == 200 and small.json()["reports"][0]["status"] == "ingested"
    assert report["status"] == "failed" and "CHIDAO_PARSE_TOTAL_S" in report["reason"], report
    assert seconds < 40
    assert small_done < big_done  # the small file did not wait for the big one
    httpx.delete(open_site.base + f"/v1/documents/{small.json()['reports'][0]['doc_id']}")
