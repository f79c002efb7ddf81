"""Agencies: the heads agency names begin with, the bodies every province has, the issuer codes of a số hiệu
(`UBND` in `1887/UBND-NC`, `BTC` in `123/BTC-NSNN`) and how an official names them, and the issuer block of a
document's header in capitals. The single source of agency vocabulary for ingest, index and assistant."""

from __future__ import annotations

import re

from .words import fold

AGENCY_HEADS = ("Sở", "Ban", "UBND", "Ủy ban", "Uỷ ban", "Văn phòng", "Thanh tra", "Công an", "Bộ", "Trung tâm",
                "Cục", "Chi cục", "Đài", "Báo", "Kho bạc", "Hội", "Liên đoàn", "Tỉnh đoàn", "Đoàn", "Viện",
                "Trường", "Bệnh viện", "Công ty", "Tổng công ty", "Bộ Chỉ huy", "Ngân hàng", "Tòa án", "Viện kiểm sát",
                "Chính phủ", "Thủ tướng", "Hội đồng", "Quỹ", "Tổng cục", "Các sở", "các sở", "Chủ tịch", "Tổ")
AGENCY = re.compile(r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, AGENCY_HEADS), key=len, reverse=True)) +
                    r")\s+[A-ZĐÀ-Ỹa-zđ]")
# The heads a lead agency's phrase starts with, matched case-insensitively ("giao Sở … chủ trì"): the heads above
# that are also common words in lower case (tổ chức, hội nghị, báo cáo, đoàn kết, trường hợp) are left out.
LEAD_HEADS = ("Sở", "Ban", "UBND", "Ủy ban nhân dân", "Văn phòng", "Thanh tra", "Công an", "Trung tâm", "Cục",
              "Chi cục", "Bộ Chỉ huy", "Kho bạc", "Các sở")

# Issuer codes of a số hiệu → how an official names the issuer (the province's own bodies, the centre).
ISSUERS = {"UBND": "UBND tỉnh", "VP": "Văn phòng UBND tỉnh", "TTG": "Thủ tướng Chính phủ", "CP": "Chính phủ",
           "VPCP": "Văn phòng Chính phủ", "HDND": "HĐND tỉnh", "TU": "Tỉnh ủy", "BCĐ": "Ban Chỉ đạo"}
ISSUER_CODES = {
    **ISSUERS, "BGTVT": "Bộ Giao thông vận tải", "BTC": "Bộ Tài chính", "BNV": "Bộ Nội vụ", "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế", "BXD": "Bộ Xây dựng", "BTP": "Bộ Tư pháp", "BCA": "Bộ Công an", "BQP": "Bộ Quốc phòng",
    "BKHDT": "Bộ Kế hoạch và Đầu tư", "BGDDT": "Bộ Giáo dục và Đào tạo", "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn", "BLDTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BTTTT": "Bộ Thông tin và Truyền thông", "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ", "NHNN": "Ngân hàng Nhà nước", "TTCP": "Thanh tra Chính phủ",
    "TTR": "Thanh tra", "BCD": "Ban Chỉ đạo", "LMHTX": "Liên minh Hợp tác xã", "TANDTC": "Tòa án nhân dân tối cao",
}
# Sector abbreviations: "S" + sector is a provincial department (Sở), "B" + sector a ministry (Bộ).
SECTORS = {"TTTT": "Thông tin và Truyền thông", "TNMT": "Tài nguyên và Môi trường", "KHDT": "Kế hoạch và Đầu tư",
           "GTVT": "Giao thông vận tải", "LDTBXH": "Lao động - Thương binh và Xã hội", "NNPTNT": "Nông nghiệp và Phát "
           "triển nông thôn", "NNMT": "Nông nghiệp và Môi trường", "VHTTDL": "Văn hóa, Thể thao và Du lịch",
           "GDDT": "Giáo dục và Đào tạo", "KHCN": "Khoa học và Công nghệ", "TC": "Tài chính", "NV": "Nội vụ",
           "TP": "Tư pháp", "XD": "Xây dựng", "YT": "Y tế", "CT": "Công Thương", "NGV": "Ngoại vụ", "DL": "Du lịch"}


def issuer_name(code: str) -> str:
    """How an official names the issuer of a số hiệu's code (`BTC` → Bộ Tài chính, `SGDDT` → Sở Giáo dục và
    Đào tạo); the code itself when unknown."""
    c = fold(code).upper().replace("-", "")
    if c in ISSUER_CODES:
        return ISSUER_CODES[c]
    if c in SECTORS:
        return f"Bộ {SECTORS[c]}" if c == "LDTBXH" else f"Sở {SECTORS[c]}"
    if c[:1] in ("S", "B") and c[1:] in SECTORS:
        return ("Sở " if c[0] == "S" else "Bộ ") + SECTORS[c[1:]]
    return code


# Bodies every province has: a question naming one prefers passages that name it.
STANDARD_AGENCIES = (
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Công Thương", "Sở Xây dựng",
    "Sở Giao thông vận tải", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội", "Sở Ngoại vụ", "Sở Du lịch", "Thanh tra tỉnh", "Ban Dân tộc",
    "Văn phòng UBND tỉnh", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Bộ đội Biên phòng tỉnh",
    "Ban Quản lý Khu kinh tế", "Cục Thuế tỉnh", "Cục Hải quan", "Kho bạc Nhà nước", "Đài Phát thanh và Truyền hình",
    "Trung tâm Phục vụ hành chính công", "Liên đoàn Lao động tỉnh", "Tỉnh đoàn", "UBND cấp huyện", "UBND cấp xã",
    "UBND các huyện, thành phố")

# The issuer block of a header, in capitals: the kinds of body that issue documents (generic, from the rules on
# the form of official documents), and the units a block is read in.
ISSUER_HEAD = re.compile(
    r"^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|HĐND|BỘ [A-ZÀ-Ỹ ]+|VĂN PHÒNG [A-ZÀ-Ỹ ]+|"
    r"THỦ TƯỚNG CHÍNH PHỦ|CHÍNH PHỦ|SỞ [A-ZÀ-Ỹ ]+|BAN [A-ZÀ-Ỹ ]+|TỔNG CỤC [A-ZÀ-Ỹ ]+|CỤC [A-ZÀ-Ỹ ]+)(.*)$")
ISSUER_UNITS = re.compile(r"\b(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|HĐND|VĂN PHÒNG|THỦ TƯỚNG|BỘ|"
                          r"SỞ|BAN|TỔNG CỤC|CỤC|TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|XÃ|PHƯỜNG)\b")
ABBREVIATED_UNITS = {"ỦY BAN NHÂN DÂN": "UBND", "UỶ BAN NHÂN DÂN": "UBND", "HỘI ĐỒNG NHÂN DÂN": "HĐND"}
PLACE_UNITS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG")
