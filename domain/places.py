"""The provinces and centrally-run cities of Viet Nam, as documents write their names: the 63 of 2008–2025 (most
documents before the 2025 merger name them) and the names the merged ones kept. Used to tell which province a
document is about when its header does not say (ingest/metadata.py `dominant_place`)."""

from __future__ import annotations

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng",
    "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
# spellings documents also use for the same province (old and new accent placement)
VARIANTS = {"Khánh Hoà": "Khánh Hòa", "Hoà Bình": "Hòa Bình", "Thanh Hoá": "Thanh Hóa", "Đắc Lắc": "Đắk Lắk",
            "Thừa Thiên - Huế": "Thừa Thiên Huế", "Huế": "Thừa Thiên Huế",
            "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu", "Bà Rịa – Vũng Tàu": "Bà Rịa - Vũng Tàu",
            # Hồ Chí Minh alone is also a person ("tư tưởng Hồ Chí Minh", "Đoàn TNCS Hồ Chí Minh"): the city
            # only as a city
            "Thành phố Hồ Chí Minh": "Hồ Chí Minh", "thành phố Hồ Chí Minh": "Hồ Chí Minh",
            "TP. Hồ Chí Minh": "Hồ Chí Minh", "TP Hồ Chí Minh": "Hồ Chí Minh", "TP.HCM": "Hồ Chí Minh",
            "TP. HCM": "Hồ Chí Minh"}
