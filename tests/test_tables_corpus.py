"""Tables of the crawled corpora (../shared/corpus-extra, ../shared/corpus-wide; skipped when absent): how many
row passages each file gives, and the shape of every one of them — as many values as columns, each value
labelled by its column for the embedding, no column-name or column-number row read as data, no layout block
(issuer | motto, recipients | signature) read as a table, lead/deadline roles where the columns name them —
and no text of a table lost."""

from __future__ import annotations

import re

import pytest

from ingest.chunker import MAX_EMBED_CHARS
from ingest.pipeline import parse_bytes
from ingest.textnorm import clean_line
from ingest.texttables import find_tables
from ingest.types import Line

from .conftest import SHARED

DIRS = [SHARED / "corpus-extra", SHARED / "corpus-wide"]
FILES = sorted(p for d in DIRS if d.is_dir() for p in d.glob("*.txt"))
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus-extra and corpus-wide not present")

# Row passages per file as measured when the table reader was written (bench/tables.py); a file not listed
# has no data table (letters, directives, decrees: their only `|` blocks are layout). Lower bounds leave room
# for better reading, not for losing tables.
MEASURED = {
    "camau_kh0204_2025_ke_hoach_tai_chinh_ngan_sach_2026_2028.txt": 174,
    "dongthap_kh617_2025_ke_hoach_chuyen_doi_so_doanh_nghiep.txt": 11,
    "hanoi_nq78_2025_hdnd_muc_chi_xay_dung_vbqppl.txt": 42,
    "hcm_sgddt_cv5155_2025_danh_gia_trung_tam_hoc_tap_cong_dong.txt": 24,
    "nghean_kh980_2025_ke_hoach_phong_thu_dan_su.txt": 18,
    "sonla_qd2954_2025_ke_hoach_xuat_khau_2026_2030.txt": 45,
    "ttg_cd220_2025_cong_dien_cat_giam_thu_tuc_hanh_chinh.txt": 145,
    "bacninh_kh144_2025_ke_hoach_kinh_te_so_xa_hoi_so.txt": 21,
    "bnnmt_tt69_2025_thong_tu_danh_muc_loai_ngoai_lai_xam_hai.txt": 67,
    "cantho_kh157_2025_ke_hoach_thi_dua_chi_tra_khong_dung_tien_mat.txt": 10,
    "caobang_qd2003_2025_quyet_dinh_danh_sach_xa_phuong_mien_nui.txt": 56,
    "dongnai_qd62_2025_quyet_dinh_bang_gia_thue_tai_nguyen_2026.txt": 44,
    "dongthap_kh552_2025_ke_hoach_doi_moi_cong_nghe_2035.txt": 19,
    "gialai_qd48_2025_quyet_dinh_trang_cap_hoc_sinh_dan_toc_noi_tru.txt": 23,
    "haiphong_qd213_2025_quyet_dinh_cap_du_bao_chay_rung.txt": 5,
    "hanoi_nq66_2025_hdnd_phi_tham_quan_di_tich.txt": 8,
    "hanoi_nq82_2025_hdnd_muc_chi_phuc_vu_bau_cu.txt": 48,
    "hcm_qd2820_2025_quyet_dinh_ke_hoach_csdl_quoc_gia_ve_quy_hoach.txt": 28,
    "hue_nq35_2025_hdnd_von_ctmtqg_dan_toc_mien_nui.txt": 22,
    "quangninh_qd96_2025_quyet_dinh_phong_chay_chua_chay_rung.txt": 5,
    "quangtri_qd2715_2025_quyet_dinh_cong_bo_tthc_dien_luc.txt": 17,
    "thainguyen_qd1936_2025_quyet_dinh_cong_bo_tthc_dau_tu.txt": 6,
    "thanhhoa_kh235_2025_ke_hoach_quan_trac_moi_truong_thuy_san.txt": 76,
}
LAYOUT_TEXT = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA|Độc lập - Tự do - Hạnh phúc|Nơi nhận:|THƯ VIỆN PHÁP LUẬT")


def _squash(text: str) -> str:
    """Text without spacing nor footnote markers: a bracketed marker "a1[1]" is kept as a superscript "a1¹"
    (ingest/bracketnotes.py), so neither counts."""
    return re.sub(r"\s+|\[\d{1,3}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]", "", text)


@pytest.fixture(scope="module")
def parsed() -> dict[str, object]:
    return {p.name: parse_bytes(p.name, p.read_bytes()) for p in FILES}


def test_row_counts_per_file(parsed) -> None:  # type: ignore[no-untyped-def]
    counts = {name: sum(1 for p in doc.passages if p.kind == "table_row") for name, doc in parsed.items()}
    for name, n in counts.items():
        expected = MEASURED.get(name, 0)
        assert (n >= 0.9 * expected) if expected else n == 0, (name, n, expected)
    assert sum(counts.values()) >= 0.9 * sum(v for k, v in MEASURED.items() if k in counts)


def test_every_row_has_its_columns(parsed) -> None:  # type: ignore[no-untyped-def]
    for name, doc in parsed.items():
        for p in (p for p in doc.passages if p.kind == "table_row"):
            columns = p.metadata["columns"]
            lines = p.text.split("\n")
            values = lines[-1].split("\t")
            assert " | ".join(columns) in lines and len(values) == len(columns), (name, p.text[:200])
            assert all(columns) and len(set(columns)) == len(columns), (name, columns)
            for col, value in zip(columns[1:], values[1:]):  # each filled cell labelled by its column
                if value.strip() and len(p.embed_text) < MAX_EMBED_CHARS:  # (a long row's embedding is cut)
                    assert f"{col}: {value.rstrip('. ')}." in p.embed_text, (name, col, value)
            cells = [v.strip().lower() for v in values[1:]]
            assert cells != [c.lower() for c in columns[1:]], (name, "column names read as a row")
            assert not all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in cells if c) or not any(cells), \
                (name, "column numbers read as a row", values)
            assert not LAYOUT_TEXT.search(p.text), (name, p.text[:200])


def test_roles_filled_where_columns_name_them(parsed) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for name, doc in parsed.items():
        rows = [p for p in doc.passages if p.kind == "table_row"]
        lead_rows = [p for p in rows if any(re.search(r"chủ trì|^(cơ quan|đơn vị)\b.*thực hiện", c, re.I)
                                            for c in p.metadata["columns"])]
        if len(lead_rows) >= 5:
            checked += 1
            filled = sum(1 for p in lead_rows if p.metadata.get("row_lead"))
            assert filled >= 0.8 * len(lead_rows), (name, filled, len(lead_rows))
    assert checked >= 4  # the task tables of Nghệ An, Đồng Tháp, Bắc Ninh, Hồ Chí Minh…


def test_no_table_text_is_lost(parsed) -> None:  # type: ignore[no-untyped-def]
    """Every line inside a table (cell text, column names, titles of parts) is in some passage."""
    from ingest.textnorm import looks_markdown, strip_markdown

    for path in FILES:
        raw = path.read_text(encoding="utf-8")
        # as the text reader sees it: a file written as markdown loses its emphasis marks
        lines = [Line(strip_markdown(t) if looks_markdown(raw) else t) for t in raw.split("\n")]
        haystack = _squash("\n".join(p.text for p in parsed[path.name].passages))  # type: ignore[attr-defined]
        for table in find_tables(lines):
            for ln in lines[table.start : table.end]:
                text = clean_line(ln.text)
                if re.search(r"\w", text) and not re.fullmatch(r"[\s|\-=_+*:]*", text):
                    assert _squash(text) in haystack, (path.name, text)


def test_tables_are_read_in_reasonable_time() -> None:
    """The whole of both corpora (the row search tries several column counts per table) parses in seconds."""
    import time

    t0 = time.perf_counter()
    for path in FILES:
        find_tables([Line(t) for t in path.read_text(encoding="utf-8").split("\n")])
    assert time.perf_counter() - t0 < 20
