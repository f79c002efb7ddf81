"""How a directive's text relates it to agencies, deadlines and other documents: who leads (`Sở Nội vụ chủ
trì`), who partners (`phối hợp với …`), by when (`hoàn thành trước ngày 30/6/2025`), which document it
implements (`triển khai Kế hoạch số …`) or replaces (`thay thế Quyết định số …`), who issued a number it cites
(`… của UBND tỉnh`) and what that number is about (`về việc …`). Ingest reads these once per passage
(ingest/directive_fields.py); the directive catalog only gathers what was read."""

from __future__ import annotations

import re

from .agencies import LEAD_HEADS

_HEADS = "|".join(map(re.escape, LEAD_HEADS))
LEAD = re.compile(rf"(?:giao|yêu cầu|đề nghị)?\s*((?:{_HEADS})[^.;:]{{2,80}}?)\s+chủ trì", re.I)
PARTNER = re.compile(r"phối hợp với\s+([^.;:]{4,120}?)(?=\s+(?:tổ chức|thực hiện|xây dựng|triển khai|rà soát|"
                     r"tham mưu|kiểm tra|để|nhằm)|[.;:]|$)", re.I)
# A deadline given with its words: the date, month, quarter or year it names (group 1).
DEADLINE = re.compile(r"(?:trước ngày|chậm nhất (?:ngày|trước ngày)?|hoàn thành (?:trước|trong)?\s*(?:ngày)?)\s*"
                      r"(\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4}|tháng \d{1,2}(?:/\d{4})?|quý [IV]+(?:/\d{4})?|năm \d{4})",
                      re.I)
# Right before a cited number: the citing document implements it, or replaces it.
IMPLEMENTS = re.compile(r"(?:triển khai|thực hiện|hướng dẫn thực hiện|cụ thể hóa|theo)\s+(?:[^.;]{0,40}?)$", re.I)
REPLACES = re.compile(r"(?:thay thế|bãi bỏ|sửa đổi, bổ sung|sửa đổi)\s+(?:[^.;]{0,20}?)$", re.I)
# Right after a cited number: its issuer (group 1) …
OF_ISSUER = re.compile(r"^\s*(?:,\s*)?(?:ngày\s*\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{4}\s*)?(?:,\s*)?của\s+"
                       r"((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ&-]*|và|tỉnh|thành phố|nhân dân|huyện|Nhân dân|cấp)"
                       r"(?:\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ&-]*|và|tỉnh|thành phố|nhân dân|huyện|cấp|giao thông|vận tải|"
                       r"tài chính|nội vụ|xây dựng|y tế|công thương|tư pháp|ngoại giao|quốc phòng|công an|"
                       r"kế hoạch|đầu tư|giáo dục|đào tạo|lao động|thương binh|xã hội|nông nghiệp|môi trường|"
                       r"tài nguyên|khoa học|công nghệ|thông tin|truyền thông|văn hóa|thể thao|du lịch|dân tộc|"
                       r"phát triển nông thôn))*)")
# … and its subject, its trích yếu (group 1).
ABOUT = re.compile(r"\b(?:về việc|về|V/v)\s+([^.;()]{8,160})", re.I)
