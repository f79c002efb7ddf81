"""Unanswerable training questions derived from answerable ones (the standard trick): the same question about
another period or another place, which the documents do not cover.

    python bench/train/derive.py      # writes bench/train/corpus_wide_derived.jsonl

- period: a year the question names becomes a year that its document never mentions;
- place: a province or city the question names becomes one no document of the corpus mentions.
A derived question is kept only when the new year or place occurs nowhere in the corpus, so no document can
answer it. Deterministic (no randomness): the replacement is the first candidate that qualifies."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT.parent / "shared" / "corpus-wide"
SOURCE = ROOT / "bench" / "train" / "corpus_wide.jsonl"
OUT = ROOT / "bench" / "train" / "corpus_wide_derived.jsonl"
# The provinces and centrally-run cities of Viet Nam (names as commonly written).
PROVINCES = """An Giang, Bà Rịa - Vũng Tàu, Bắc Giang, Bắc Kạn, Bạc Liêu, Bắc Ninh, Bến Tre, Bình Định, Bình Dương,
Bình Phước, Bình Thuận, Cà Mau, Cần Thơ, Cao Bằng, Đà Nẵng, Đắk Lắk, Đắk Nông, Điện Biên, Đồng Nai, Đồng Tháp,
Gia Lai, Hà Giang, Hà Nam, Hà Nội, Hà Tĩnh, Hải Dương, Hải Phòng, Hậu Giang, Hòa Bình, Hưng Yên, Khánh Hòa,
Kiên Giang, Kon Tum, Lai Châu, Lâm Đồng, Lạng Sơn, Lào Cai, Long An, Nam Định, Nghệ An, Ninh Bình, Ninh Thuận,
Phú Thọ, Phú Yên, Quảng Bình, Quảng Nam, Quảng Ngãi, Quảng Ninh, Quảng Trị, Sóc Trăng, Sơn La, Tây Ninh,
Thái Bình, Thái Nguyên, Thanh Hóa, Thừa Thiên Huế, Tiền Giang, Trà Vinh, Tuyên Quang, Vĩnh Long, Vĩnh Phúc,
Yên Bái""".replace("\n", " ").split(", ")
_YEAR = re.compile(r"(?<![\d/.,])(20[0-4]\d)(?![\d/.,])")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def main() -> None:
    corpus = {p.name: nfc(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}
    everything = "\n".join(corpus.values())
    absent_places = [p for p in PROVINCES if nfc(p) not in everything]
    out = []
    places_seen = 0
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["kind"] in ("unanswerable", "followup", "english"):
            continue
        text = nfc(q["question"])
        docs = q["doc"] if isinstance(q["doc"], list) else [q["doc"]]
        doc_text = "\n".join(corpus.get(d, "") for d in docs)
        years = _YEAR.findall(text)
        if years:
            y = years[0]
            new = next((str(c) for c in (int(y) + 7, int(y) + 11, int(y) - 9) if str(c) not in everything), None)
            if new and new not in doc_text:
                out.append({**q, "id": f"{q['id']}-y", "kind": "unanswerable", "derived_from": q["id"],
                            "change": f"year {y} → {new}", "question": _YEAR.sub(new, text, count=1),
                            "answer": "", "must_contain": [], "evidence": []})
                continue
        places_seen += 1
        for place in PROVINCES:
            # a place swap for one question in three: the real unanswerable questions stay the majority
            if nfc(place) in text and absent_places and places_seen % 3 == 0:
                new_place = absent_places[len(out) % len(absent_places)]
                out.append({**q, "id": f"{q['id']}-p", "kind": "unanswerable", "derived_from": q["id"],
                            "change": f"place {place} → {new_place}", "question": text.replace(nfc(place), new_place),
                            "answer": "", "must_contain": [], "evidence": []})
                break
    OUT.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in out), encoding="utf-8")
    print(f"{len(out)} derived questions → {OUT}")


if __name__ == "__main__":
    main()
