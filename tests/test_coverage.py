"""Nothing lost between file and passage: every line of each official body is in some passage (headings
included), every line left out is furniture and says so, official words are never filtered as noise, and
the document header never becomes a section. Checked on samples/ (always) and on the shared corpora: the
three seed documents and the 57 crawled ones of corpus-extra and corpus-wide (skipped, saying so, when
../shared is not beside the clone)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ingest.coverage import content_of, normalised
from ingest.furniture import MOTTO, MOTTO_LINE
from ingest.pipeline import parse_bytes

from .conftest import ROOT, SAMPLES, SHARED, data_env

CORPORA = [SHARED / "corpus", SHARED / "corpus-extra", SHARED / "corpus-wide", SHARED / "eval" / "laws" / "laws"]
SUFFIXES = (".txt", ".html", ".pdf", ".docx")
# Where an official text opens and where its signature block starts: a line of the site's header or footer
# may only be dropped outside [opening, signature]; inside, only whole-line widgets may go.
_OPENING = re.compile(r"C[ỘO]NG\s*H(?:ÒA|OÀ)|^Độc lập", re.I)
_SIGNED = re.compile(r"^\s*(Nơi\s*nhận|(?:TM|KT|Q|TL|TUQ)\.?\s)")
_POSITIONAL = ("site header", "site footer")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES)


def _shared(folder: Path) -> list[Path]:
    if not folder.is_dir():
        pytest.skip(f"{folder} not present: a clone alone has no ../shared")
    return _files(folder)


def _check_nothing_lost(path: Path) -> None:
    doc = parse_bytes(path.name, path.read_bytes())
    ledger = doc.ledger
    assert ledger is not None and ledger.lines_read > 0, path.name
    lost = [d.text[:120] for d in ledger.lost]
    assert not lost, f"{path.name}: lines in no passage: {lost[:5]}"
    assert all(d.reason.startswith("furniture: ") for d in ledger.dropped), path.name
    kept_chars = ledger.chars_read - sum(len(normalised(d.text)) for d in ledger.dropped)
    assert ledger.chars_kept == kept_chars, path.name  # the rest, all of it, is in the passages
    # Independently of the furniture finder: no line between the official opening and the signature block
    # is dropped for its position, and official words are never a reason to drop a line.
    raw = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n") if path.suffix == ".txt" else []
    opening = next((i for i, t in enumerate(raw) if _OPENING.search(t)), None)
    signed = next((i for i, t in enumerate(raw) if _SIGNED.match(content_of(t))), None)
    for d in ledger.dropped:
        if opening is not None and signed is not None and any(k in d.reason for k in _POSITIONAL):
            assert d.line is not None and not opening <= d.line <= signed, (path.name, d.line, d.text)


def _check_headers_are_not_sections(path: Path) -> None:
    doc = parse_bytes(path.name, path.read_bytes())
    title = doc.meta.title
    header_lines = [ln for p in doc.passages if p.kind == "header" for ln in p.text.split("\n")]
    issuer_lines = [ln for ln in header_lines if re.match(r"^(ỦY|UỶ) BAN NHÂN DÂN|^HỘI ĐỒNG NHÂN DÂN|^BỘ |^VĂN PHÒNG", ln)]
    for p in doc.passages:
        for key in ("section", "section_title"):
            value = str(p.metadata.get(key, ""))
            assert not MOTTO.search(value) and not MOTTO_LINE.search(value), (path.name, key, value[:100])
            assert not any(line and line in value for line in issuer_lines), (path.name, key, value[:100])
            if len(title) >= 12:
                assert title not in value, (path.name, key, value[:100])


def test_samples_lose_nothing() -> None:
    for path in _files(SAMPLES):
        _check_nothing_lost(path)
        _check_headers_are_not_sections(path)


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_shared_corpora_lose_nothing(corpus: Path) -> None:
    files = _shared(corpus)
    assert len(files) >= 3
    for path in files:
        _check_nothing_lost(path)


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_shared_corpora_headers_are_not_sections(corpus: Path) -> None:
    """The motto, the issuer block and the title ("mục CỘNG HÒA XÃ HỘI…" in answers) are the document's header:
    a header passage, the metadata's title and issuer — never the section of a passage."""
    for path in _shared(corpus):
        _check_headers_are_not_sections(path)
        doc = parse_bytes(path.name, path.read_bytes())
        # the motto as printed (capitals), not "nước Cộng hòa xã hội chủ nghĩa Việt Nam" inside a law's sentence
        if any((m := MOTTO.search(t)) and m.group(0).upper() == m.group(0)
               for t in path.read_text(encoding="utf-8").splitlines()[:120]):
            assert doc.passages[0].kind == "header" and MOTTO.search(doc.passages[0].text), path.name
            assert doc.meta.issuer and doc.meta.title, path.name


def test_crawled_pages_lose_their_site_and_keep_their_text() -> None:
    """The crawl site's banner, metadata table, summary, caption, related documents and notices are dropped;
    the official text between the motto and the signature is whole."""
    path = SHARED / "corpus-extra" / "hcm_cv4240_2025_cong_van_csdl_can_bo_cong_chuc.txt"
    if not path.is_file():
        pytest.skip("../shared/corpus-extra not present: a clone alone has no ../shared")
    doc = parse_bytes(path.name, path.read_bytes())
    text = "\n".join(p.text for p in doc.passages)
    dropped = "\n".join(d.text for d in doc.ledger.dropped)
    for site in ("Đang tải văn bản", "Số hiệu:", "Văn bản liên quan", "Tiếp tục sử dụng", "Mã số thuế:"):
        assert site not in text and site in dropped, site
    for official in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 4240/UBND-VX", "https://csdlcbccvc.tphcm.gov.vn",
                     "trước ngày 06 tháng 12 năm 2025", "Nơi nhận:", "Nguyễn Mạnh Cường"):
        assert official in text, official
    reasons = {d.reason for d in doc.ledger.dropped}
    assert {"furniture: site header (before the issuer/motto block)",
            "furniture: site footer (from the site's caption of the document)"} <= reasons


def test_official_words_are_not_noise() -> None:
    """Words that the old topic filter took for site furniture are ordinary words of official texts."""
    body = ["ỦY BAN NHÂN DÂN", "TỈNH SƠN MAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "Số: 12/KH-UBND", "KẾ HOẠCH", "Chuyển đổi số và bảo vệ quyền sở hữu trí tuệ năm 2025", "",
            "1. Mỗi doanh nghiệp được cấp một tài khoản định danh; mật khẩu được đổi sau 90 ngày.",
            "2. Hồ sơ ghi rõ mã số thuế; vi phạm bản quyền và sở hữu trí tuệ bị xử lý theo quy định.",
            "3. Đăng nhập Cổng dịch vụ công bằng tài khoản VNeID; Quý doanh nghiệp liên hệ Sở để được hỗ trợ.",
            "Nơi nhận:", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    doc = parse_bytes("ke-hoach.txt", "\n".join(body).encode())
    text = "\n".join(p.text for p in doc.passages)
    for line in body[6:]:
        assert not line or line in text, line
    assert doc.ledger.kept_share == 1.0 and not doc.ledger.dropped and not doc.ledger.lost


def test_seed_report_science_paragraph_is_whole() -> None:
    """The paragraph runs on after two footnotes: "…lần" / footnotes / "thứ 16, năm 2024. Triển khai …": it is
    whole, in one passage or two consecutive ones."""
    path = SHARED / "corpus" / "bao-cao-kinh-te-xa-hoi-thang-02-2024.txt"
    if not path.is_file():
        pytest.skip("../shared/corpus not present: a clone alone has no ../shared")
    doc = parse_bytes(path.name, path.read_bytes())
    start = "Tiếp tục quản lý và theo dõi thực hiện 53"
    end = "sở hữu trí tuệ tiếp tục được tăng cường."
    first = next(p for p in doc.passages if start in p.text)
    span = [first] + [p for p in doc.passages if p.position == first.position + 1]
    joined = normalised(" ".join(p.text for p in span))
    assert "lần thứ 16 năm 2024 Triển khai hỗ trợ hệ sinh thái khởi nghiệp" in joined
    assert normalised(end) in joined and joined.index(normalised(start)) < joined.index(normalised(end))


def test_plain_text_stays_plain() -> None:
    """A .txt is not HTML: what looks like a tag is text; markdown marks go only where the file is markdown."""
    lines = ["BÁO CÁO", "Kết quả quý I năm 2025", "", "I. TÌNH HÌNH CHUNG", "",
             "Quy tắc phân loại: chỉ số a<b, giá trị x > 7.",
             "<ghi chú nội bộ: số thực là 15%>",
             "Công thức tính: diện tích * hệ số; ghi chú (*) ở cuối bảng; mã hồ sơ B_04b.",
             "Hồ sơ <b> nộp trước ngày 15/4/2025."]  # a bare "<b>" too: not provably markup
    doc = parse_bytes("bao-cao.txt", "\n".join(lines).encode())
    text = "\n".join(p.text for p in doc.passages)
    for line in lines[5:]:
        assert line in text, line
    assert doc.ledger.kept_share == 1.0
    leaked = parse_bytes("bang.txt", 'STT\tNội dung\n1\t<ul style="list-style-type: none"> - Rà soát hồ sơ</ul>\n'.encode())
    assert "Rà soát hồ sơ" in leaked.passages[-1].text and "style=" not in leaked.passages[-1].text  # web-export debris
    md = parse_bytes("trang.txt", "**KẾ HOẠCH**\n\n**I. MỤC ĐÍCH** và *yêu cầu*\n\nGhi chú (*) và (**): 2 * 3 = 6.\n".encode())
    md_text = "\n".join(p.text for p in md.passages)
    assert "**" not in md_text.replace("(**)", "") and "I. MỤC ĐÍCH và yêu cầu" in md_text
    assert "Ghi chú (*) và (**): 2 * 3 = 6." in md_text


def test_html_is_parsed_once() -> None:
    html = ("<html><body><h1>Tin chỉ đạo</h1><p>UBND tỉnh chỉ đạo các sở triển khai kế hoạch năm 2025.</p>"
            "<p>it&#39;s 12&#39;34 &quot;x&quot; done.</p><p>Giá &amp;amp; phí: a&lt;b, x &gt; 7.</p></body></html>")
    doc = parse_bytes("tin.html", html.encode())
    text = "\n".join(p.text for p in doc.passages)
    assert "it's 12'34 \"x\" done." in text and "Giá &amp; phí: a<b, x > 7." in text
    assert "&#39;" not in text and doc.ledger.kept_share == 1.0


def test_ledger_is_stored_reported_and_shown(samples_data: Path, server: str, tmp_path: Path) -> None:
    """The ledger goes with the document: in the per-file ingest report, `chidao docs show` and
    GET /v1/documents/{id}, with every dropped line and its reason."""
    env = data_env(tmp_path / "data")
    page = SAMPLES / "tin-chi-dao-tuan-tinh-son-mai.html"
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(page)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert re.search(r"ingested\s+tin-chi-dao-tuan-tinh-son-mai\.html .*kept \d+\.\d%, dropped \d+ lines \(furniture\)",
                     out.stdout), out.stdout + out.stderr
    doc_id = next(d["doc_id"] for d in httpx.get(server + "/v1/documents").json()["documents"]
                  if d["source"] == page.name)
    got = httpx.get(f"{server}/v1/documents/{doc_id}").json()
    ledger = got["coverage"]
    assert ledger["chars_read"] >= ledger["chars_kept"] > 0 and not ledger["lost"]
    reasons = {d["reason"] for d in ledger["dropped"]}
    assert "furniture: page widget" in reasons and "furniture: image link" in reasons
    assert any(d["text"] == "Click để đánh giá bài viết" for d in ledger["dropped"])
    shown = subprocess.run([sys.executable, "-m", "assistant.cli", "docs", "show", doc_id],
                           env=data_env(samples_data), cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert "=== coverage: kept" in shown.stdout and "[furniture: page widget] Click để đánh giá bài viết" in shown.stdout
    listed = json.loads(shown.stdout.split("\n--- ")[0])
    assert listed["coverage"]["dropped_lines"] == len(ledger["dropped"])


def test_a_law_mentioning_the_republic_keeps_its_first_articles() -> None:
    """"… điều ước quốc tế mà nước Cộng hòa xã hội chủ nghĩa Việt Nam là thành viên" inside an article is no
    national motto: nothing before it is a site header (a law without a site around it loses no line)."""
    text = ("LUẬT THỬ NGHIỆM\n\nĐiều 1. Phạm vi điều chỉnh\n\nLuật này quy định về việc thử nghiệm.\n\n"
            "Điều 2. Nguyên tắc\n\n1. Phù hợp điều ước quốc tế mà nước Cộng hòa xã hội chủ nghĩa Việt Nam là "
            "thành viên.\n\n2. Công khai, minh bạch.\n")
    doc = parse_bytes("luat-thu-nghiem.txt", text.encode())
    assert doc.ledger is not None and not doc.ledger.dropped and not doc.ledger.lost
    assert any("Phạm vi điều chỉnh" in p.text for p in doc.passages)
    assert doc.meta.doc_type == "Luật"
    sections = {p.metadata["section"] for p in doc.passages}
    assert "Điều 2" in " ".join(sections)
