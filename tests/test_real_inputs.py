"""Real-world inputs. Legacy TCVN3 (ABC) text is detected and converted: the shared report re-encoded to TCVN3 parses to
the same passages as the original (accented capitals aside, which TCVN3 writes in a separate font). A task table
in a .docx gives the same rows as the tab-separated text."""

from __future__ import annotations

import difflib
import re

import pytest

from ingest.legacy import looks_tcvn3, tcvn3_to_unicode, unicode_to_tcvn3
from ingest.pipeline import parse_bytes

from .conftest import CORPUS

# A clone alone has no ../shared beside it: the tests that read the shared corpus say so and skip.
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present (a clone alone)")


def test_round_trip_and_detection() -> None:
    text = "Tổng diện tích gieo trồng vụ Đông Xuân toàn tỉnh đạt 6.137,6 ha, bằng 12,7% kế hoạch"
    legacy = unicode_to_tcvn3(text.lower())
    assert "®" in legacy and "Ö" in legacy  # "đ" and "ệ" as TCVN3 writes them
    assert looks_tcvn3(legacy) and not looks_tcvn3(text)
    assert tcvn3_to_unicode(legacy) == text.lower()


@needs_corpus
def test_tcvn3_file_parses_like_the_original() -> None:
    src = (CORPUS / "bao-cao-kinh-te-xa-hoi-thang-02-2024.txt").read_text(encoding="utf-8").lower()
    # what a TCVN3 font can hold: no superscript digits (footnote markers become "(n)"), plain quotes and dashes
    src = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "(" + m.group(0).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")) + ")",
                 src)
    src = src.translate(str.maketrans("“”‘’–—…", "\"\"''--."))
    legacy_bytes = unicode_to_tcvn3(src).encode("latin-1", errors="replace")
    original = parse_bytes("bao-cao.txt", src.encode())
    converted = parse_bytes("bao-cao.txt", legacy_bytes)
    assert any("TCVN3" in w for w in converted.warnings)  # detected, and said so
    assert not any("TCVN3" in w for w in original.warnings)
    a = "\n".join(p.text for p in original.passages)
    b = "\n".join(p.text for p in converted.passages)
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    assert ratio >= 0.99, ratio
    assert len(converted.passages) == len(original.passages)


@needs_corpus
def test_docx_task_table_gives_the_same_rows_as_the_text() -> None:
    import io

    import docx

    path = CORPUS / "phu-luc-ke-hoach-126-par-index-2024.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    doc = docx.Document()
    for line in lines[:6]:
        if "\t" not in line and line.strip():
            doc.add_paragraph(line)
    table = doc.add_table(rows=0, cols=6)
    for line in lines:
        if "\t" in line:
            cells = table.add_row().cells
            for i, value in enumerate(line.split("\t")[:6]):
                cells[i].text = value
    buf = io.BytesIO()
    doc.save(buf)
    from_docx = parse_bytes("phu-luc.docx", buf.getvalue())
    from_text = parse_bytes("phu-luc.txt", path.read_bytes())
    rows_docx = [p.metadata.get("stt") for p in from_docx.passages if p.kind == "table_row"]
    rows_text = [p.metadata.get("stt") for p in from_text.passages if p.kind == "table_row"]
    assert rows_docx == rows_text and len(rows_text) > 50


def test_raised_footnote_digits_never_alter_a_figure() -> None:
    """`năm 2023` followed by a small raised `6` extracts as `20236` from the text layer; it must stay 2023
    and the 6 must become the marker that links footnote 6."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dv", size=12)
    pdf.multi_cell(0, 8, "BÁO CÁO\nTình hình kinh tế - xã hội tháng 4 năm 2025\n\nI. TÌNH HÌNH CHUNG\n")
    pdf.write(8, "Tổng diện tích gieo trồng đạt 6.137,6 ha, tăng 3,2% so với năm 2023")
    pdf.char_vpos = "SUP"
    pdf.write(8, "6")
    pdf.char_vpos = "LINE"
    pdf.write(8, ". Đàn gia súc phát triển ổn định.\n\n")
    pdf.set_y(260)
    pdf.set_font("dv", size=9)
    pdf.char_vpos = "SUP"
    pdf.write(6, "6")
    pdf.char_vpos = "LINE"
    pdf.write(6, " Trong đó: lúa 1.840 ha, ngô 1.112,5 ha.")
    doc = parse_bytes("bao-cao.pdf", bytes(pdf.output()))
    text = "\n".join(p.text for p in doc.passages)
    assert "20236" not in text and "2023⁶" in text
    footnote = next(p for p in doc.passages if p.kind == "footnote")
    assert footnote.metadata["footnote_no"] == 6 and "1.112,5 ha" in footnote.text
    holder = next(p for p in doc.passages if p.kind == "paragraph")
    assert holder.metadata["footnotes"][0]["n"] == 6


def scanned(pdf_bytes: bytes, dpi: int = 200) -> bytes:
    """The same pages rasterised and wrapped as an image-only PDF (what a scanner produces)."""
    import io

    import pypdfium2 as pdfium
    from fpdf import FPDF

    src = pdfium.PdfDocument(pdf_bytes)
    out = FPDF(unit="pt", format="A4")
    for i in range(len(src)):
        buf = io.BytesIO()
        src[i].render(scale=dpi / 72).to_pil().save(buf, format="PNG")
        width, height = src[i].get_size()
        out.add_page(format=(width, height))
        out.image(buf, x=0, y=0, w=width, h=height)
    return bytes(out.output())


def test_scanned_pdf_is_read_by_ocr() -> None:
    import io

    from pypdf import PdfReader

    from ingest import ocr

    from .conftest import SAMPLES

    if not ocr.available():
        pytest.skip("tesseract-ocr and tesseract-ocr-vie are installed by `make test`")
    original = (SAMPLES / "cong-van-tinh-son-mai.pdf").read_bytes()
    scan = scanned(original)
    assert not (PdfReader(io.BytesIO(scan)).pages[0].extract_text() or "").strip()  # no text layer at all
    doc = parse_bytes("cong-van-scan.pdf", scan)
    assert doc.passages and all(p.metadata.get("ocr") for p in doc.passages)
    assert all(p.metadata["ocr_confidence"] > 80 for p in doc.passages)
    assert any("OCR" in w for w in doc.warnings)
    layer = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(original)).pages]
    for i, expected in enumerate(layer):
        got = re.sub(r"\s+", " ", ocr.ocr_pdf_page(scan, i).text)
        assert difflib.SequenceMatcher(None, expected.strip(), got.strip(), autojunk=False).ratio() >= 0.95
    text = "\n".join(p.text for p in doc.passages)
    assert "530/UBND-VX" in text and "146 ca" in text and "21,5%" in text


def test_a_lying_text_layer_is_read_again() -> None:
    """A page whose text layer is garbage (fonts without Vietnamese mappings) but whose image is right: the
    garbage is detected (share of Vietnamese syllables) and the page is read again — here by OCR."""
    import io

    from fpdf import FPDF
    from fpdf.enums import TextMode

    from ingest import ocr
    from ingest.quality import vietnamese_score

    if not ocr.available():
        pytest.skip("tesseract-ocr and tesseract-ocr-vie are installed by `make test`")
    good = ("Về việc đẩy mạnh công tác quản lý nhà nước về tài nguyên nước, UBND tỉnh giao Sở Tài nguyên và Môi "
            "trường chủ trì kiểm tra 45 giấy phép khai thác nước mặt trong năm 2025.")
    garbage = "vế+ việc đầ7y mạ1nh cô6ng tá9c quả1n lý nhà nưó9c vế+ tà1i nguyê8n nưó9c, UBN2D tỉ3nh gia7o Sở+ Tà1i"
    assert vietnamese_score(good) > 0.95 > 0.75 > vietnamese_score(garbage)
    picture = FPDF()
    picture.add_page()
    picture.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    picture.set_font("dv", size=13)
    picture.multi_cell(0, 9, good)
    import pypdfium2 as pdfium

    buf = io.BytesIO()
    pdfium.PdfDocument(bytes(picture.output()))[0].render(scale=200 / 72).to_pil().save(buf, format="PNG")
    lying = FPDF()
    lying.add_page()
    lying.image(buf, x=0, y=0, w=lying.w, h=lying.h)
    lying.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    lying.set_font("dv", size=13)
    lying.text_mode = TextMode.INVISIBLE
    lying.set_xy(10, 10)
    lying.multi_cell(0, 9, garbage)
    doc = parse_bytes("lying.pdf", bytes(lying.output()))
    text = "\n".join(p.text for p in doc.passages)
    assert any("text layer unreadable" in w for w in doc.warnings)
    assert "45 giấy phép" in text and "đầ7y" not in text


@needs_corpus
def test_vni_file_parses_like_the_original() -> None:
    from ingest.legacy import looks_vni, unicode_to_vni

    src = (CORPUS / "bao-cao-kinh-te-xa-hoi-thang-02-2024.txt").read_text(encoding="utf-8")
    src = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "(" + m.group(0).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")) + ")",
                 src).translate(str.maketrans("“”‘’–—…", "\"\"''--."))
    vni = unicode_to_vni(src)
    assert looks_vni(vni) and not looks_vni(src) and "BAÙO CAÙO" in vni  # the title, as VNI writes it
    original = parse_bytes("bao-cao.txt", src.encode())
    converted = parse_bytes("bao-cao.txt", vni.encode("latin-1", errors="replace"))
    a = "\n".join(p.text for p in original.passages)
    b = "\n".join(p.text for p in converted.passages)
    assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.99
    assert len(converted.passages) == len(original.passages)


@needs_corpus
def test_task_table_inside_a_pdf_keeps_its_rows() -> None:
    """The PAR-index appendix rendered as a real PDF table (bordered cells, wrapped lines, header repeated on
    every page): plain extraction runs the cells together; positions and borders give back the same rows,
    in the same order, with the same cells as the tab-separated text."""
    from fpdf import FPDF

    path = CORPUS / "phu-luc-ke-hoach-126-par-index-2024.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if "\t" in line]
    header, body = rows[0], [r for r in rows if r[0] != "STT"]
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_page()
    pdf.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.add_font("dv", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    pdf.set_font("dv", size=8)
    for line in lines[:5]:
        if "\t" not in line and line.strip():
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(pdf.epw, 5, line)
    pdf.set_x(pdf.l_margin)
    with pdf.table(col_widths=(12, 70, 25, 35, 35, 70), repeat_headings=1, line_height=4) as table:
        for r in [header, *body]:
            row = table.row()
            for value in (r + [""] * 6)[:6]:
                row.cell(value)
    from_pdf = parse_bytes("phu-luc.pdf", bytes(pdf.output()))
    from_text = parse_bytes("phu-luc.txt", path.read_bytes())
    pdf_rows = {p.metadata["stt"]: p.metadata for p in from_pdf.passages if p.kind == "table_row"}
    text_rows = [p.metadata for p in from_text.passages if p.kind == "table_row"]
    assert list(pdf_rows) == [md["stt"] for md in text_rows]
    fields = ("row_task", "row_deadline", "row_lead", "row_partner", "row_result")
    ratios = [difflib.SequenceMatcher(None, " ".join(str(md.get(f, "")).split()),
                                      " ".join(str(pdf_rows[md["stt"]].get(f, "")).split()), autojunk=False).ratio()
              for md in text_rows for f in fields]
    assert sum(ratios) / len(ratios) >= 0.99 and min(ratios) >= 0.9


def test_pdf_paragraphs_come_from_the_page_layout() -> None:
    """Justified paragraphs with first-line indents and no spacing, a folio, a paragraph running over the
    page: plain extraction gives bare lines; the parse gives the paragraphs as printed."""
    from fpdf import FPDF

    from ingest.loaders import PdfParser
    from ingest.structure import join_lines

    body = ("Tổng diện tích gieo trồng vụ Đông Xuân toàn tỉnh đạt 6.137,6 ha, bằng 12,7% kế hoạch, tăng 3,2% so với "
            "cùng kỳ. Đàn gia súc, gia cầm tiếp tục phát triển ổn định; công tác trồng, chăm sóc và khoanh nuôi "
            "bảo vệ rừng được quan tâm.")
    pdf = FPDF()
    pdf.set_margins(30, 20, 15)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dv", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 7, "1.1. Sản xuất nông, lâm nghiệp")
    title = "Chỉ đạo tăng cường công tác phòng, chống dịch bệnh mùa Đông Xuân"  # a bulletin item's title
    for k in range(9):
        pdf.set_x(pdf.l_margin)
        if k == 4:
            pdf.multi_cell(0, 7, title)
            pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, 7, f"      Đoạn {k + 1}. {body}", align="J")
    for page in (1, 2):
        pdf.page = page
        pdf.set_xy(100, 8)
        pdf.cell(10, 5, str(page))  # the folio above the text
    paragraphs = [ln.text for ln in join_lines(PdfParser().read("r.pdf", bytes(pdf.output())).lines)]
    assert paragraphs[0] == "1.1. Sản xuất nông, lâm nghiệp"
    assert paragraphs.pop(5) == title  # not run into the paragraph under it
    assert [t.split(".")[0] for t in paragraphs[1:]] == [f"Đoạn {k + 1}" for k in range(9)]  # one line each
    assert all(t.endswith("bảo vệ rừng được quan tâm.") for t in paragraphs[1:])  # incl. the one over the page
    assert "1" not in paragraphs and "2" not in paragraphs


def test_word_97_doc_is_read_through_libreoffice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A real .doc (made here by LibreOffice from HTML) reads like the same content as .docx: headings,
    paragraphs, the task table's rows. Without LibreOffice the report says what to install."""
    import subprocess

    from ingest.loaders import office_program

    program = office_program()
    if program is None:
        pytest.skip("LibreOffice is not installed (make office)")
    rows = [["STT", "Nhiệm vụ", "Tiến độ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả"],
            ["1", "Tổ chức thực hiện các nhiệm vụ tại Kế hoạch CCHC", "Trong năm 2024", "Sở Nội vụ",
             "Các sở, ban, ngành", "100% nhiệm vụ hoàn thành"],
            ["2", "Báo cáo kết quả thực hiện công tác CCHC", "Quý IV/2024", "Văn phòng UBND tỉnh", "",
             "Báo cáo đúng hạn"]]
    rows += [[str(k), f"Nhiệm vụ số {k} về chuyển đổi số", "Thường xuyên", "Sở Thông tin và Truyền thông",
              "UBND cấp huyện", f"Kết quả {k}"] for k in range(3, 8)]
    table = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    (tmp_path / "ke-hoach.html").write_text(
        "<html><body><h1>KẾ HOẠCH cải cách hành chính năm 2024</h1><p>I. MỤC ĐÍCH, YÊU CẦU</p>"
        "<p>Tổng diện tích gieo trồng đạt 6.137,6 ha, tăng 3,2% so với cùng kỳ.</p>"
        f"<table border='1'>{table}</table></body></html>", encoding="utf-8")
    subprocess.run([program, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--infilter=HTML (StarWriter)", "--convert-to", "doc:MS Word 97", "--outdir", str(tmp_path),
                    str(tmp_path / "ke-hoach.html")], capture_output=True, timeout=120, check=True)
    data = (tmp_path / "ke-hoach.doc").read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    doc = parse_bytes("ke-hoach.doc", data)
    text = "\n".join(p.text for p in doc.passages)
    assert "6.137,6 ha" in text and "3,2%" in text
    table_rows = [p for p in doc.passages if p.kind == "table_row"]
    assert len(table_rows) == 7
    assert "Văn phòng UBND tỉnh" in table_rows[1].text and "Quý IV/2024" in table_rows[1].text
    assert table_rows[6].metadata["stt"] == "7" and "Kết quả 7" in table_rows[6].text


def _report_with_raised_markers() -> bytes:
    """A report page whose footnote markers are small raised digits, with the footnotes at the page foot."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dv", size=12)
    pdf.multi_cell(0, 8, "BÁO CÁO\nTình hình kinh tế - xã hội tháng 4 năm 2025\n\nI. TÌNH HÌNH CHUNG\n")
    for n, (before, after) in enumerate([("Tổng diện tích gieo trồng đạt 6.137,6 ha, tăng 3,2% so với năm 2023",
                                          ". Đàn gia súc phát triển ổn định."),
                                         ("Kim ngạch xuất nhập khẩu ước đạt 570 triệu USD, tăng 81% so với cùng kỳ",
                                          "; xuất khẩu 260 triệu USD.")], start=6):
        pdf.set_x(pdf.l_margin)
        pdf.write(8, before)
        pdf.char_vpos = "SUP"
        pdf.write(8, str(n))
        pdf.char_vpos = "LINE"
        pdf.write(8, after + "\n")
    pdf.set_y(250)
    pdf.set_font("dv", size=10)
    for n, body in ((6, " Trong đó: lúa 1.840 ha, ngô 1.112,5 ha."), (7, " Nhập khẩu 310 triệu USD, tăng 87,9%.")):
        pdf.set_x(pdf.l_margin)
        pdf.char_vpos = "SUP"
        pdf.write(6, str(n))
        pdf.char_vpos = "LINE"
        pdf.write(6, body + "\n")
    return bytes(pdf.output())


def test_scanned_footnotes_keep_their_numbers_and_figures() -> None:
    """OCR reads a raised `⁶` as `6`, `!` or a quote mark and glues it to the figure: the glyph boxes tell it
    is raised, so the figure stays intact and the footnotes keep their numbers."""
    from ingest import ocr

    if not ocr.available():
        pytest.skip("tesseract-ocr and tesseract-ocr-vie are installed by `make test`")
    doc = parse_bytes("bao-cao-scan.pdf", scanned(_report_with_raised_markers()))
    text = "\n".join(p.text for p in doc.passages)
    assert "20236" not in text and "81%7" not in text and "817" not in text  # no figure altered
    assert "6.137,6 ha" in text and "570 triệu USD" in text
    notes = {p.metadata["footnote_no"]: p.text for p in doc.passages if p.kind == "footnote"}
    assert set(notes) == {6, 7} and "1.112,5 ha" in notes[6] and "87,9%" in notes[7]
    assert any(p.metadata.get("footnotes") for p in doc.passages if p.kind == "paragraph")  # a marker links


@needs_corpus
def test_scanned_task_table_keeps_its_rows_and_columns() -> None:
    """The bordered task table rasterised: its rows come back from the OCR'd words' positions and the
    page's ruled lines, with the same cells as the tab-separated text (OCR errors aside)."""
    from fpdf import FPDF

    from ingest import ocr

    if not ocr.available():
        pytest.skip("tesseract-ocr and tesseract-ocr-vie are installed by `make test`")
    source = (CORPUS / "phu-luc-ke-hoach-126-par-index-2024.txt").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in source.splitlines() if "\t" in line][:14]  # header + the first rows
    pdf = FPDF(orientation="L", format="A4")
    pdf.add_font("dv", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.add_font("dv", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    pdf.set_font("dv", size=8)
    pdf.add_page()
    pdf.multi_cell(pdf.epw, 5, "PHỤ LỤC CÁC NHIỆM VỤ, GIẢI PHÁP NHẰM NÂNG CAO CHỈ SỐ PAR INDEX NĂM 2024")
    pdf.set_x(pdf.l_margin)
    with pdf.table(col_widths=(12, 70, 25, 35, 35, 70), repeat_headings=1, line_height=4) as table:
        for r in rows:
            row = table.row()
            for value in (r + [""] * 6)[:6]:
                row.cell(value)
    text_pdf = bytes(pdf.output())
    clean = [p for p in parse_bytes("phu-luc.pdf", text_pdf).passages if p.kind == "table_row"]
    read = [p for p in parse_bytes("phu-luc-scan.pdf", scanned(text_pdf)).passages if p.kind == "table_row"]
    assert len(read) == len(clean) >= 8
    assert [p.metadata["stt"] for p in read] == [p.metadata["stt"] for p in clean]
    for a, b in zip(clean, read):
        for field in ("lead", "deadline"):
            assert difflib.SequenceMatcher(None, a.metadata.get(field, ""), b.metadata.get(field, "")).ratio() > 0.9
    similarity = [difflib.SequenceMatcher(None, a.text, b.text, autojunk=False).ratio() for a, b in zip(clean, read)]
    assert sum(similarity) / len(similarity) >= 0.95


def test_docx_list_numbers_give_the_sections() -> None:
    """Word draws "I.", "1.", "a)" from numbering definitions, not text: they are rendered, so a plan's
    numbered headings give its sections and a bullet stays a list item."""
    import io

    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        p = d.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    d.add_paragraph("KẾ HOẠCH Cải cách hành chính năm 2024")
    numbered("MỤC ĐÍCH, YÊU CẦU", 0)
    numbered("Mục đích", 1)
    d.add_paragraph("Nâng cao Chỉ số cải cách hành chính của tỉnh năm 2024 lên nhóm khá.")
    numbered("Yêu cầu", 1)
    numbered("Bảo đảm đúng tiến độ", 2)
    numbered("Bảo đảm hiệu quả", 2)
    numbered("NỘI DUNG", 0)
    numbered("Cải cách thể chế", 1)
    d.add_paragraph("Rà soát 100% văn bản quy phạm pháp luật do tỉnh ban hành.")
    buf = io.BytesIO()
    d.save(buf)
    from ingest.loaders import DocxParser

    lines = [ln.text for ln in DocxParser().read("ke-hoach.docx", buf.getvalue()).lines if ln.text]
    assert lines[1:6] == ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", lines[3], "2. Yêu cầu", "a) Bảo đảm đúng tiến độ"]
    assert lines[6:9] == ["b) Bảo đảm hiệu quả", "II. NỘI DUNG", "1. Cải cách thể chế"]  # levels restart
    doc = parse_bytes("ke-hoach.docx", buf.getvalue())
    last = next(p for p in doc.passages if "Rà soát 100%" in p.text)
    assert last.metadata["section_title"].startswith("II. NỘI DUNG")


@needs_corpus
def test_text_layer_with_stray_tone_marks_is_read_again_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared report rendered with fonts that lack Vietnamese mappings (bench/renderings.py `garble`: the
    ToUnicode maps turn hook/tilde vowels into vowel + digit and grave capitals into capital + "+"): pypdf
    reads "tỉ7nh", "chỉ7 đạo", "ĐIỀ+U" while most syllables survive, so the share of Vietnamese syllables
    alone does not flag it. The stray marks do: the page is read again by OCR — or, without OCR, the file is
    refused as unreadable instead of being indexed as garbage."""
    import io

    from pypdf import PdfReader

    from bench.renderings import garble, render_text
    from ingest import ocr
    from ingest.loaders import CorruptFile
    from ingest.quality import GARBLED_BELOW, stray_marks, vietnamese_score

    source = (CORPUS / "bao-cao-kinh-te-xa-hoi-thang-02-2024.txt").read_text(encoding="utf-8").split("\n")
    body = [ln for ln in source if len(ln) > 200][:3]  # three paragraphs of the report: one page
    pdf = garble(render_text("\n\n".join(body)))
    layer = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert stray_marks(layer) >= 10 and vietnamese_score(layer) > GARBLED_BELOW  # the sly case, for real
    with monkeypatch.context() as m:
        m.setattr(ocr, "available", lambda: False)
        with pytest.raises(CorruptFile, match="unreadable"):
            parse_bytes("bao-cao.pdf", pdf)
    if not ocr.available():
        pytest.skip("tesseract-ocr and tesseract-ocr-vie are installed by `make test`")
    doc = parse_bytes("bao-cao.pdf", pdf)
    text = "\n".join(p.text for p in doc.passages)
    assert any("stray marks), read by OCR" in w for w in doc.warnings)
    assert stray_marks(text) == 0 and all(p.metadata.get("ocr") for p in doc.passages)
    original = parse_bytes("bao-cao.txt", "\n\n".join(body).encode())
    expected = " ".join(" ".join(p.text for p in original.passages).split())
    ratio = difflib.SequenceMatcher(None, expected, " ".join(text.split()), autojunk=False).ratio()
    assert ratio >= 0.95, ratio
