"""Tables whatever their text layout: the same small task table (made up here) written the ways crawled pages,
Markdown, plain-text exports and PDFs flatten tables gives the same row passages — cells named by the column
names, part titles as context, lead / partner / deadline roles from the column names —; a table between
paragraphs keeps the paragraphs; two-row headers, column-numbering rows and rows under cells spanning rows are
read as drawn; layout blocks (issuer | motto) stay text. Real parse throughout; listings over HTTP."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import parse_bytes

from .conftest import CORPUS, Server

HEADER = ["STT", "Nội dung công việc", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời gian hoàn thành"]
ROWS = [
    ["I", "XÂY DỰNG THỂ CHẾ", "", "", ""],
    ["1", "Ban hành quy chế phối hợp quản lý chợ đêm", "Sở Công Thương", "Công an tỉnh", "Quý II/2026"],
    ["2", "Rà soát danh mục hàng hóa thiết yếu", "Sở Tài chính", "UBND các xã, phường", "Tháng 9/2026"],
    ["II", "TRUYỀN THÔNG", "", "", ""],
    ["1", "Tổ chức hội thi tìm hiểu pháp luật về thương mại", "Sở Tư pháp", "Đoàn Thanh niên", "Năm 2026"],
    ["2", "Xây dựng chuyên mục trên cổng thông tin điện tử", "Sở Tài chính", "", "Thường xuyên"],
]
EXPECTED = {  # full STT → (task, lead, partner, deadline, part title)
    "I.1": (ROWS[1][1], "Sở Công Thương", "Công an tỉnh", "Quý II/2026", "I. XÂY DỰNG THỂ CHẾ"),
    "I.2": (ROWS[2][1], "Sở Tài chính", "UBND các xã, phường", "Tháng 9/2026", "I. XÂY DỰNG THỂ CHẾ"),
    "II.1": (ROWS[4][1], "Sở Tư pháp", "Đoàn Thanh niên", "Năm 2026", "II. TRUYỀN THÔNG"),
    "II.2": (ROWS[5][1], "Sở Tài chính", "", "Thường xuyên", "II. TRUYỀN THÔNG"),
}
INTRO = ("KẾ HOẠCH\nQuản lý chợ đêm trên địa bàn tỉnh năm 2026\n\nI. MỤC ĐÍCH\n\nBảo đảm trật tự, an toàn và vệ sinh "
         "thực phẩm tại các chợ đêm; phân công rõ trách nhiệm của từng cơ quan.\n\nPHỤ LỤC\nDANH MỤC NHIỆM VỤ\n\n")
OUTRO = "\n\nCác cơ quan báo cáo kết quả thực hiện trước ngày 15 tháng 12 hằng năm.\n"


def cell_per_line(header: list[str], rows: list[list[str]], wrap: bool = True) -> str:
    """Crawled pages: `|` on its own line before every cell and after the last one of a row; names in bold;
    long cells hard-wrapped."""
    out = []
    for k, r in enumerate([header, *rows]):
        for c in r:
            out.append("|")
            text = f"**{c}**" if k == 0 and c else c
            if wrap and len(text) > 30:
                cut = text.rfind(" ", 0, 30)
                text = text[:cut] + "\n" + text[cut + 1 :]
            if text:
                out.append(text)
        out.append("|")
    return "\n".join(out)


def pipe_rows(header: list[str], rows: list[list[str]]) -> str:
    line = lambda cells: "| " + " | ".join(cells) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "---|" * len(header), *[line(r) for r in rows]])


def grid(header: list[str], rows: list[list[str]]) -> str:
    """A grid table (`+----+` borders) whose long cells run over several lines."""
    width = 16
    rule = "+" + "+".join("-" * (width + 2) for _ in header) + "+"
    out = [rule]
    for r in [header, *rows]:
        import textwrap

        wrapped = [textwrap.wrap(c, width) or [""] for c in r]
        for k in range(max(len(w) for w in wrapped)):
            out.append("| " + " | ".join((w[k] if k < len(w) else "").ljust(width) for w in wrapped) + " |")
        out.append(rule)
    return "\n".join(out)


def tabbed(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join("\t".join(r) for r in [header, *rows])


def between_rules(header: list[str], rows: list[list[str]]) -> str:
    """One cell per line, rows between dashed lines (an empty cell written as `-`)."""
    out = ["-" * 40]
    for r in [header, *rows]:
        out += [c or "-" for c in r] + ["-" * 40]
    return "\n".join(out)


def short_lines(header: list[str], rows: list[list[str]]) -> str:
    """No borders at all: the column names one per line, then each row one cell per line, a blank line
    between rows."""
    out = list(header) + [""]
    for r in rows:
        out += [c for c in r if c] if not any(r[2:]) else [c or "-" for c in r]
        out.append("")
    return "\n".join(out)


LAYOUTS = {"cell-per-line": cell_per_line, "pipe-rows": pipe_rows, "grid": grid, "tab": tabbed,
           "rules": between_rules, "short-lines": short_lines}


def _rows(text: str, name: str = "ke-hoach.txt") -> list:  # type: ignore[type-arg]
    doc = parse_bytes(name, text.encode("utf-8"))
    return [p for p in doc.passages if p.kind == "table_row"]


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_gives_the_same_rows(layout: str) -> None:
    text = INTRO + LAYOUTS[layout](HEADER, ROWS) + OUTRO
    doc = parse_bytes("ke-hoach.txt", text.encode("utf-8"))
    rows = [p for p in doc.passages if p.kind == "table_row"]
    assert [p.metadata["stt"] for p in rows] == list(EXPECTED)
    for p in rows:
        task, lead, partner, deadline, part = EXPECTED[p.metadata["stt"]]
        md = p.metadata
        assert (md.get("row_task"), md.get("row_lead"), md.get("row_partner", "").strip("-"),
                md.get("row_deadline")) == (task, lead, partner, deadline)
        assert md["columns"] == HEADER
        assert part in p.text and " | ".join(HEADER) in p.text  # the part title and the column names
        assert f"Đơn vị thực hiện: {lead}." in p.embed_text  # labelled for the embedding
        assert "DANH MỤC NHIỆM VỤ" in p.text  # the table's caption names it
    # the prose around the table stays ordinary passages, and no cell is lost
    others = "\n".join(p.text for p in doc.passages if p.kind != "table_row")
    assert "phân công rõ trách nhiệm" in others and "trước ngày 15 tháng 12 hằng năm" in others
    assert all(c in "\n".join(p.text for p in rows) for r in ROWS for c in r if c and c != "-")


@pytest.mark.parametrize("layout", ["cell-per-line", "tab"])
def test_two_tables_in_one_document_keep_their_own_columns(layout: str) -> None:
    rates_header = ["STT", "Loại phương tiện", "Đơn vị tính", "Mức thu"]
    rates = [["1", "Xe đạp", "đồng/lượt", "2.000"], ["2", "Xe máy", "đồng/lượt", "5.000"],
             ["3", "Ô tô dưới 9 chỗ", "đồng/lượt", "25.000"]]
    write = LAYOUTS[layout]
    text = (INTRO + write(HEADER, ROWS) + "\n\nPHỤ LỤC II\nMỨC THU PHÍ TRÔNG GIỮ XE\n\n"
            + write(rates_header, rates) + OUTRO)
    rows = _rows(text)
    tasks = [p for p in rows if p.metadata["columns"] == HEADER]
    fees = [p for p in rows if p.metadata["columns"] == rates_header]
    assert len(tasks) == 4 and [p.metadata["stt"] for p in fees] == ["1", "2", "3"]
    car = fees[2]
    assert "Mức thu: 25.000." in car.embed_text and "MỨC THU PHÍ TRÔNG GIỮ XE" in car.text
    assert car.metadata["row_task"] == "Ô tô dưới 9 chỗ" and not car.metadata.get("row_lead")


def test_tables_one_after_the_other_split_at_the_new_column_names() -> None:
    text = INTRO + tabbed(HEADER, ROWS) + "\n\n" + tabbed(["STT", "Loại phương tiện", "Mức thu"],
                                                          [["1", "Xe đạp", "2.000"], ["2", "Xe máy", "5.000"]])
    rows = _rows(text)
    assert [len(p.metadata["columns"]) for p in rows] == [5, 5, 5, 5, 3, 3]
    assert rows[-1].metadata["row_task"] == "Xe máy" and "Mức thu: 5.000." in rows[-1].embed_text


def test_two_row_header_and_column_numbers() -> None:
    """`Giai đoạn 2026 - 2027` spans `Năm 2026` and `Năm 2027`; the row `1 2 3 4 5 6` only numbers columns."""
    top = ["STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Giai đoạn 2026 - 2027"]
    text = "\n".join(["|", "**STT**", "|", "**Chỉ tiêu**", "|", "**Đơn vị tính**", "|", "**Năm 2025**", "|",
                      "**Giai đoạn 2026 - 2027**", "|", "|", "**Năm 2026**", "|", "**Năm 2027**", "|", "|",
                      *[x for n in range(1, 7) for x in ("|", f"*{n}*")], "|",
                      *[x for c in ["1", "Số trạm sạc điện công cộng", "Trạm", "40", "55", "70"] for x in ("|", c)],
                      "|",
                      *[x for c in ["2", "Tỷ lệ xe buýt dùng điện", "%", "12", "20", "35"] for x in ("|", c)],
                      "|", "", "Nguồn: Sở Xây dựng tổng hợp."])
    assert top[4] in text
    rows = _rows("CHỈ TIÊU GIAO THÔNG XANH\n\n" + text)
    assert [p.metadata["stt"] for p in rows] == ["1", "2"]
    cols = rows[0].metadata["columns"]
    assert cols == ["STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Giai đoạn 2026 - 2027 – Năm 2026",
                    "Giai đoạn 2026 - 2027 – Năm 2027"]
    assert "Giai đoạn 2026 - 2027 – Năm 2027: 70." in rows[0].embed_text and "Năm 2025: 40." in rows[0].embed_text


def test_rows_under_cells_spanning_rows_are_placed_under_their_columns() -> None:
    """`Đã ban hành | 3` drawn under `1 | Sở Xây dựng | Tổng | 7` (STT and unit span three rows): the values go
    under `Tình trạng` and `Số văn bản`, and the row keeps its unit as context."""
    header = ["STT", "Cơ quan", "Tình trạng", "Số văn bản"]
    drawn: list[list[str]] = []
    for stt, unit, total, done in (("1", "Sở Xây dựng", "7", "3"), ("2", "Sở Y tế", "5", "5")):
        drawn += [[stt, unit, "Tổng", total], ["Đã ban hành", done], ["Chưa ban hành", str(int(total) - int(done))]]
    table = cell_per_line(header, [])
    for r in drawn:  # each row drawn with the cells it has: `|` before each cell and after the last
        table += "\n" + "\n".join(x for c in r for x in ("|", c)) + "\n|"
    rows = _rows("BẢNG THEO DÕI VĂN BẢN\n\n" + table + "\n\nGhi chú: số liệu đến hết tháng 10.")
    done = [p for p in rows if p.metadata["columns"] == header and "Tình trạng: Đã ban hành." in p.embed_text]
    assert len(done) == 2 and "Số văn bản: 3." in done[0].embed_text and "1. Sở Xây dựng" in done[0].text
    assert "Số văn bản: 5." in done[1].embed_text and "2. Sở Y tế" in done[1].text


def test_layout_blocks_are_not_tables() -> None:
    """The issuer | motto block and the recipients | signature block are laid out as tables on crawled pages;
    they hold no column names and stay text."""
    text = "\n".join(["|", "**ỦY BAN NHÂN DÂN", "TỈNH BÌNH MINH**", "-------", "|", "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA "
                      "VIỆT NAM**", "Độc lập - Tự do - Hạnh phúc", "---------------", "|", "|", "Số: 15/KH-UBND",
                      "|", "*Bình Minh, ngày 02 tháng 3 năm 2026*", "|", "", "**KẾ HOẠCH**", "",
                      "Tổ chức ngày hội đọc sách năm 2026 tại các trường học trên địa bàn tỉnh.", "", "|",
                      "Nơi nhận:", "- Sở Giáo dục và Đào tạo;", "- Lưu: VT.", "|", "**KT. CHỦ TỊCH**",
                      "PHÓ CHỦ TỊCH", "Trần Văn An", "|"])
    doc = parse_bytes("ke-hoach-15.txt", text.encode("utf-8"))
    assert not [p for p in doc.passages if p.kind == "table_row"]
    assert "ngày hội đọc sách" in "\n".join(p.text for p in doc.passages)


def test_numbered_rows_give_context_to_the_rows_under_them() -> None:
    """`5 | Điểm cộng | 15` has a value (a row) and is the title of `5.1`, `5.2`; `- Diện tích` rows take the
    number of the row they sit under."""
    header = ["TT", "Tiêu chí", "Điểm"]
    rows = [["5", "Điểm cộng", "15"], ["5.1", "Hoàn thành trước hạn", "5"], ["5.2", "Có sáng kiến được công nhận", "10"],
            ["6", "Cây ăn quả", ""], ["-", "Diện tích", "120"], ["-", "Sản lượng", "900"]]
    got = _rows("THANG ĐIỂM\n\n" + cell_per_line(header, rows))
    by_text = {p.metadata.get("row_task"): p for p in got}
    assert by_text["Điểm cộng"].metadata["stt"] == "5" and "Điểm: 15." in by_text["Điểm cộng"].embed_text
    assert "5. Điểm cộng" in by_text["Hoàn thành trước hạn"].text
    assert by_text["Diện tích"].metadata["stt"] == "6" and "6. Cây ăn quả" in by_text["Diện tích"].text
    assert "Cây ăn quả" not in by_text  # a title with rows under it is their context, not a row of its own


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed: make office")
def test_office_suite_pdf_of_the_seed_appendix_gives_the_same_rows(tmp_path: Path) -> None:
    """The seed appendix as an office suite exports it: a .docx with a real bordered table (python-docx, sized
    columns, header row repeated on each page), converted to PDF by LibreOffice, which draws every border as a
    line and splits long rows over pages. Row by row it gives the text file's rows: STT, task, lead, deadline,
    partner, result."""
    import difflib

    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    from ingest.textnorm import strip_leaked_html

    src = CORPUS / "phu-luc-ke-hoach-126-par-index-2024.txt"
    # the crawl's leaked HTML (`<ul style=…>`) is no part of the table an office suite would hold
    lines = [strip_leaked_html(x) for x in src.read_text(encoding="utf-8").splitlines()]
    table_rows = [line.split("\t") for line in lines if "\t" in line]
    header, body = table_rows[0], [r for r in table_rows if r[0] != "STT"]
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for line in lines[: lines.index(next(x for x in lines if "\t" in x))]:
        if line.strip():
            document.add_paragraph(line)
    table = document.add_table(rows=0, cols=6)
    table.style = "Table Grid"
    for k, r in enumerate([header, *body]):
        row = table.add_row()
        if k == 0:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(repeat)
        for cell, value, width in zip(row.cells, (r + [""] * 6)[:6], (12, 70, 25, 35, 35, 70)):
            cell.text = value
            cell.width = Mm(width)
    buf = io.BytesIO()
    document.save(buf)
    (tmp_path / "phu-luc.docx").write_bytes(buf.getvalue())
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "phu-luc.docx")],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "phu-luc.pdf").read_bytes()
    from_pdf = {p.metadata["stt"]: p.metadata for p in parse_bytes("phu-luc.pdf", pdf).passages
                if p.kind == "table_row"}
    from_text = [p.metadata for p in parse_bytes(src.name, src.read_bytes()).passages if p.kind == "table_row"]
    assert list(from_pdf) == [md["stt"] for md in from_text] and len(from_text) > 80
    for md in from_text:
        for field in ("row_task", "row_lead", "row_deadline", "row_partner", "row_result"):
            a, b = (" ".join(str(x.get(field, "")).split()) for x in (md, from_pdf[md["stt"]]))
            assert difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.95, (md["stt"], field, a, b)


def test_parts_lettered_a_b_c_are_siblings() -> None:
    """Parts A, B, C of a list: "C" is the third part (not the Roman hundred under B): its rows are C.1, C.2."""
    header = ["STT", "Tên tiếng Việt", "Tên khoa học"]
    rows = [["A", "Vi sinh vật", ""], ["1", "Nấm thối rễ", "Phytophthora cinnamomi"],
            ["B", "Động vật", ""], ["1", "Ốc bươu vàng", "Pomacea canaliculata"],
            ["C", "Thực vật", ""], ["1", "Bèo tai chuột lớn", "Salvinia molesta"], ["2", "Cây cúc leo", "Mikania micrantha"]]
    got = {p.metadata["stt"]: p.metadata["section_title"] for p in _rows(INTRO + pipe_rows(header, rows) + OUTRO)}
    assert list(got) == ["A.1", "B.1", "C.1", "C.2"]
    assert got["C.1"].endswith("C. Thực vật") and "Động vật" not in got["C.1"]


def test_a_row_is_shown_between_its_neighbours() -> None:
    """A search result shows a row under its table's header (and column-numbering row) between the rows above
    and below it in the same part (a row of three short cells is read, and quoted by the question writers, with
    its neighbours; a row of another part would read as one of this one); the passage — what is embedded and
    quoted — stays the row alone. A neighbour longer than WINDOW_CHARS keeps its head (STT, first cell) and, above
    the row, its end; both cut at spaces."""
    from ingest.chunker import WINDOW_CHARS, WINDOW_HEAD

    long_task = "Tổ chức kiểm tra định kỳ " + " ".join(f"chợ đêm số {i}" for i in range(60))
    rows = [*ROWS[:4], ["1", long_task, "Sở Tư pháp", "Đoàn Thanh niên", "Năm 2026"], ["2", "Xây dựng chuyên mục",
            "Sở Tài chính", "", "Thường xuyên"], ["3", "Tổng kết " + long_task, "Sở Tài chính", "", "Quý IV/2026"]]
    by_stt = {p.metadata["stt"]: p for p in _rows(INTRO + pipe_rows(HEADER, rows) + OUTRO)}
    first, second, long_above, middle, long_below = (by_stt[k] for k in ("I.1", "I.2", "II.1", "II.2", "II.3"))
    line = lambda p: p.text.rsplit("\n", 1)[1]  # noqa: E731 - the row's own line, after the header
    # I.2 under I.1, and nothing of part II below it
    assert second.window_text() == second.text.replace(line(second), line(first) + "\n" + line(second))
    assert first.window_text() == first.text + "\n" + line(second)
    assert line(first) not in second.text and line(first) not in second.embed_text
    assert " | ".join(HEADER) in second.window_text()
    # long neighbours: the one above by its head and end, the one below by its head
    shown = middle.window_text()
    above, below = shown.split("\n")[-3], shown.split("\n")[-1]
    head, tail = above.split(" … ")
    assert line(long_above).startswith(head + " ") and line(long_above).endswith(" " + tail)
    assert head.startswith("II.1\tTổ chức") and len(head) <= WINDOW_HEAD and len(above) <= WINDOW_CHARS + 3
    assert below.endswith("…") and len(below) <= WINDOW_CHARS + 1 and line(long_below).startswith(below[:-1] + " ")
    assert shown.split("\n")[-2] == line(middle)


def test_a_numbered_header_keeps_the_row_above_under_it() -> None:
    """The row above is shown after the column-numbering row, right above the row."""
    numbering = ["(1)", "(2)", "(3)", "(4)", "(5)"]
    text = INTRO + pipe_rows(HEADER, [numbering, *ROWS]) + OUTRO
    second = next(p for p in _rows(text) if p.metadata["stt"] == "I.2")
    shown = second.window_text().split("\n")
    assert shown[-3] == "((1) (2) (3) (4) (5))" and shown[-3] in second.text  # the numbering row, as the row shows it
    assert shown[-2].startswith("I.1\t") and shown[-1].startswith("I.2\t")


def test_a_row_cut_into_pieces_shows_its_neighbours_once() -> None:
    """A row far over the passage size is cut into pieces (ingest/pipeline.py bound_passages): the row above
    stands before the first piece, the row below after the last, none around the pieces between."""
    huge = " ".join(f"Nội dung chi tiết thứ {i} của nhiệm vụ quản lý chợ đêm." for i in range(120))
    rows = [ROWS[0], ROWS[1], ["2", huge, "Sở Tài chính", "", "Tháng 9/2026"],
            ["3", "Rà soát danh mục hàng hóa", "Sở Tài chính", "", "Năm 2026"]]
    pieces = [p for p in _rows(INTRO + pipe_rows(HEADER, rows) + OUTRO) if p.metadata["stt"] == "I.2"]
    assert len(pieces) >= 3
    shown = [p.window_text() for p in pieces]
    assert "Ban hành quy chế" in shown[0] and "Rà soát danh mục" not in shown[0]
    assert all("Ban hành quy chế" not in x and "Rà soát danh mục" not in x for x in shown[1:-1])
    assert "Rà soát danh mục" in shown[-1] and "Ban hành quy chế" not in shown[-1]


def test_listing_and_who_questions_on_a_crawled_table(tmp_path: Path) -> None:
    """Over HTTP: a crawled page's table (one cell per line between `|` lines) answers a listing by its lead
    column (`Đơn vị thực hiện`) and a `who / when` question from the row."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ke-hoach-cho-dem.txt").write_text(INTRO + cell_per_line(HEADER, ROWS) + OUTRO, encoding="utf-8")
    data = tmp_path / "data"
    import sys

    from .conftest import ROOT, data_env

    subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(docs)], env=data_env(data),
                   check=True, cwd=ROOT, capture_output=True)
    srv = Server(data).start()
    try:
        out = httpx.post(srv.base + "/v1/search", json={"query": "Sở Tài chính thực hiện những nhiệm vụ nào?",
                                                          "k": 5}, timeout=60).json()
        assert out["listing"]["field"] == "lead" and out["listing"]["count"] == 2
        assert {r["metadata"]["stt"] for r in out["results"]} == {"I.2", "II.2"}
        assert all("Công an tỉnh" not in r["text"] for r in out["results"])  # a listing's rows alone
        found = httpx.post(srv.base + "/v1/search", json={"query": "Rà soát danh mục hàng hóa thiết yếu",
                                                            "k": 3}, timeout=60).json()["results"][0]
        assert found["metadata"]["stt"] == "I.2"  # a search result: the row under the one above it, same part only
        assert found["text"].index("chợ đêm") < found["text"].index("thiết yếu") and "hội thi" not in found["text"]
        assert found["passage_text"].endswith("Tháng 9/2026") and "chợ đêm" not in found["passage_text"]
        ans = httpx.post(srv.base + "/v1/ask", json={"question": "Nhiệm vụ ban hành quy chế phối hợp quản lý "
                                                                 "chợ đêm do đơn vị nào thực hiện?"}, timeout=60).json()
        assert "Sở Công Thương" in ans["answer"] and ans["citations"][0]["text"].find("Quý II/2026") >= 0
    finally:
        srv.stop()
