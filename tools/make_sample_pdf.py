"""Regenerate samples/cong-van-tinh-son-mai.pdf (fictional) with a Vietnamese-capable font: `python tools/make_sample_pdf.py`."""

from __future__ import annotations

import os
import sys

FONT_CANDIDATES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"]


def vietnamese_font() -> str:
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    raise SystemExit("DejaVuSans.ttf not found: apt-get install fonts-dejavu-core")


def write_pdf(path: str, pages: list[list[str]]) -> None:
    """Each page is a list of paragraphs; a paragraph starting with a superscript digit is set small (footnote)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", vietnamese_font())
    pdf.set_auto_page_break(False)
    for paragraphs in pages:
        pdf.add_page()
        for para in paragraphs:
            small = para[:1] in "¹²³⁴⁵⁶⁷⁸⁹"
            pdf.set_font("DejaVu", size=9 if small else 12)
            pdf.multi_cell(0, 5 if small else 7, para)
            pdf.ln(3)
    pdf.output(path)


PAGES = [
    [
        "TÀI LIỆU MẪU HƯ CẤU — tỉnh Sơn Mai không có thật.",
        "ỦY BAN NHÂN DÂN TỈNH SƠN MAI",
        "Số: 530/UBND-VX",
        "Sơn Mai, ngày 07 tháng 3 năm 2025",
        "V/v tăng cường công tác y tế dự phòng mùa xuân",
        "Trong 02 tháng đầu năm, toàn tỉnh ghi nhận 146 ca sốt xuất huyết, giảm 21,5% so với cùng kỳ¹. Để chủ động "
        "phòng, chống dịch bệnh, Chủ tịch UBND tỉnh yêu cầu các cơ quan, đơn vị thực hiện tốt các nội dung sau đây, "
        "bảo đảm kịp thời, hiệu quả và đúng",
        "¹ Trong đó: huyện Đông Sơn 58 ca, huyện Mai Lĩnh 41 ca, các huyện còn lại 47 ca.",
    ],
    [
        "quy định của pháp luật về phòng, chống bệnh truyền nhiễm.",
        "1. Sở Y tế chủ trì, phối hợp với UBND các huyện giám sát chặt chẽ các ổ dịch, báo cáo kết quả trước ngày "
        "31/3/2025.",
        "2. Sở Tài chính bố trí kinh phí 2,5 tỷ đồng cho công tác phòng, chống dịch theo quy định.",
    ],
]

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "samples", "cong-van-tinh-son-mai.pdf")
    write_pdf(out, PAGES)
    print(out)
