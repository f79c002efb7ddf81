"""Bad files for the hostile-batch test and bench, generated on demand (nothing binary is committed).
Each entry: (file name, bytes, whether it must be indexed)."""

from __future__ import annotations

import io
import os
import random
import unicodedata
import zipfile
import zlib

GOOD_TEXT = ("BÁO CÁO\nKết quả công tác tháng 4 năm 2025\n\nI. TÌNH HÌNH CHUNG\n\n"
             "Trong tháng, toàn tỉnh trồng mới {n} ha rừng, đạt 21,5% kế hoạch năm.\n")


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra.decode()} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _stream(data: bytes, flate: bool = True) -> bytes:
    body = zlib.compress(data) if flate else data
    filt = b"/Filter /FlateDecode " if flate else b""
    return b"<< " + filt + f"/Length {len(body)} >>\nstream\n".encode() + body + b"\nendstream"


def simple_pdf(text: str) -> bytes:
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R >> >> >>", _stream(content),
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def bomb_pdf() -> bytes:
    """A content stream that inflates to about 1 GB of spaces."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(comp.compress(chunk) for _ in range(1024)) + comp.flush()
    stream = b"<< /Filter /FlateDecode " + f"/Length {len(body)} >>\nstream\n".encode() + body + b"\nendstream"
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>", stream])


def looping_pdf() -> bytes:
    """Pages whose parent is themselves and an xref that points into a cycle."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
                 b"<< /Type /Page /Parent 3 0 R /Contents 3 0 R >>"])


def docx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * (300 * 1024 * 1024) + "</w:document>")
    return buf.getvalue()


def nested_html(mb: int = 10) -> bytes:
    depth = mb * 1024 * 1024 // 11
    return (b"<html><body><script>alert('x')</script>" + b"<div><span>" * (depth // 2) + b"tin" +
            b"</span></div>" * (depth // 2) + b"</body></html>")


def tcvn3(text: str) -> bytes:
    """Vietnamese text in the legacy TCVN3 (ABC) 8-bit font encoding: a few characters mapped, enough to
    produce the mojibake a converter must recognise (full conversion is issue 7)."""
    table = {"á": "\xb8", "à": "\xb5", "ả": "\xb6", "ã": "\xb7", "ạ": "\xb9", "â": "\xa9", "ê": "\xaa", "ô": "\xab",
             "ơ": "\xac", "ư": "\xad", "đ": "\xae", "é": "\xd0", "ó": "\xe3", "ố": "\xe8", "ệ": "\xd6"}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", errors="replace")


def batch(tmp: str, big_mb: int = 300) -> list[tuple[str, bool]]:
    """Writes the files into `tmp`; returns (path, must be indexed)."""
    rnd = random.Random(7)
    good = GOOD_TEXT.format(n=1234)
    files: list[tuple[str, bytes, bool]] = [
        ("empty.txt", b"", False),
        ("empty.pdf", b"", False),
        ("random-bytes.pdf", bytes(rnd.getrandbits(8) for _ in range(4096)), False),
        ("random-bytes.docx", bytes(rnd.getrandbits(8) for _ in range(4096)), False),
        ("random-bytes.html", bytes(rnd.getrandbits(8) for _ in range(2048)).replace(b"\x00", b"\x01"), None),
        ("truncated.pdf", simple_pdf("Bao cao thang 4")[:300], False),
        ("header-only.pdf", b"%PDF-1.7\n", False),
        ("garbage-after-header.pdf", b"%PDF-1.4\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 3, False),
        ("encrypted.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
                                b"<< /Filter /Standard /V 2 /R 3 /O (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) "
                                b"/U (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) /P -44 /Length 128 >>"],
                               b"/Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]"),
         False),
        ("bomb.pdf", bomb_pdf(), False),
        ("loop.pdf", looping_pdf(), False),
        ("no-text.pdf", _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]), False),
        ("zip-bomb.docx", docx_bomb(), False),
        ("not-a-docx.docx", b"PK\x03\x04" + b"\x00" * 100, False),
        ("nested.html", nested_html(10), None),
        ("script-only.html", b"<html><script>" + b"var a=1;" * 1000 + b"</script></html>", False),
        ("binary.txt", b"\x00\x01\x02" * 5000, False),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, False),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, False),
        ("archive.zip", b"PK\x05\x06" + b"\x00" * 18, False),
        ("noextension", b"hello", False),
        ("spaces-only.txt", b" \n \n\t\n" * 100, False),
        ("pdf-named.txt", simple_pdf("khong phai van ban")[:200], False),
        ("html-comment-only.html", b"<!-- " + b"x" * 1000 + b" -->", False),
        ("huge-line.txt", b"a" * (8 * 1024 * 1024), None),
        ("null-heavy.html", b"<p>" + b"\x00" * 10000 + b"</p>", False),
        ("svg.html", b"<svg xmlns='http://www.w3.org/2000/svg'><text>x</text></svg>", False),
        ("deep-json.txt", b"[" * 100000 + b"]" * 100000, None),
        ("control-chars.txt", bytes(range(1, 32)) * 200, False),
        ("lone-surrogates.txt", b"\xed\xa0\x80\xed\xb0\x80" * 100, None),
        ("big.txt", b"", False),  # filled below: larger than the upload/ingest limit
        # good files, including the legacy encodings and NFD
        ("good-utf8.txt", good.encode(), True),
        ("good-cp1258.txt", good.replace("ồ", "ô").encode("cp1258", errors="replace"), True),
        ("good-utf16.txt", good.encode("utf-16"), True),
        ("good-nfd.txt", unicodedata.normalize("NFD", good).encode(), True),
        ("good-tcvn3.txt", tcvn3(good), True),
        ("good.html", f"<html><body><script>evil()</script><h1>Tin</h1><p>{good}</p></body></html>".encode(), True),
        ("good.pdf", simple_pdf("Bao cao: trong thang trong moi 4321 ha rung."), True),
    ]
    out = []
    for name, data, must in files:
        path = os.path.join(tmp, name)
        if name == "big.txt":
            with open(path, "wb") as fh:
                fh.truncate(big_mb * 1024 * 1024)  # sparse: the size is real, the disk cost is not
        else:
            with open(path, "wb") as fh:
                fh.write(data)
        out.append((path, must))
    return out  # type: ignore[return-value]
