"""OCR for PDF pages without a usable text layer (scanned, signed and stamped decisions): the page is
rendered with pypdfium2 (it ships its renderer) and read by Tesseract's Vietnamese model (Debian packages
`tesseract-ocr`, `tesseract-ocr-vie`), with a time limit per page.

Tesseract's hOCR with character boxes is read rather than plain text: it gives each word's box (task tables
are rebuilt from them), each line's baseline, and each character's box, so a footnote marker printed as a
small raised digit is told from the figure it follows (plain OCR reads `2023¹` as `20231` or `2023!`)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from .textnorm import DIGIT_TO_SUP, SUP_RUN, SUPERSCRIPT_DIGITS, sup_to_int

DPI = 300
PAGE_TIMEOUT_S = 60.0
_ONE_LOOKALIKES = "!lI|i"  # a small raised 1 is often read as one of these
_TRAILING_PUNCT = set(".,;:)")
UNKNOWN_MARKER = "\ue000"  # a raised marker whose digit OCR misread (`²` as `”`, `⁴` as `*`); numbered later


@dataclass
class OcrWord:
    text: str
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, y downwards
    line: int
    paragraph: int
    confidence: float
    baseline: float  # y of the line's baseline under the word, pixels


@dataclass
class OcrPage:
    text: str
    confidence: float  # mean word confidence, 0–100
    words: list[OcrWord] = field(default_factory=list)
    scale: float = DPI / 72  # pixels per PDF point
    height: float = 0.0  # the page's height, pixels
    rules: list[float] = field(default_factory=list)  # y of long horizontal lines (table borders), pixels
    image: Any = field(default=None, repr=False)  # the page as read (ruled lines removed), for re-reading cells

    def read_cell(self, x0: float, top: float, x1: float, bottom: float, timeout_s: float = 15.0) -> str:
        """Read one table cell again (PDF points, y up), as a single line of numbering: Tesseract's page
        layout often drops a lone short number such as a row's STT."""
        if self.image is None:
            return ""
        box = (int(x0 * self.scale), int(self.height - top * self.scale), int(x1 * self.scale),
               int(self.height - bottom * self.scale))
        if box[2] - box[0] < 5 or box[3] - box[1] < 5:
            return ""
        cell = self.image.crop(box)
        if cell.getextrema()[0] > 128:  # no ink: an empty cell (a row continued from the page before)
            return ""
        try:
            out = _tesseract(cell, timeout_s, "--psm", "7", "-c", "tessedit_char_whitelist=0123456789.IVXLC")
        except subprocess.TimeoutExpired:
            return ""
        return out.stdout.decode("utf-8", errors="replace").strip() if out.returncode == 0 else ""


class OcrUnavailable(RuntimeError):
    pass


def available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_pdf_page(data: bytes, index: int, timeout_s: float = PAGE_TIMEOUT_S) -> OcrPage:
    if not available():
        raise OcrUnavailable("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-vie)")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        image = pdf[index].render(scale=DPI / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    cleaned, rules = without_ruled_lines(image)
    out = _tesseract(cleaned, timeout_s, "--psm", "3", "-c", "hocr_char_boxes=1", "hocr")
    if out.returncode != 0:
        raise RuntimeError(f"tesseract failed: {out.stderr.decode(errors='replace')[-200:]}")
    page = from_hocr(out.stdout.decode("utf-8", errors="replace"))
    page.height, page.rules, page.image = float(image.height), rules, cleaned
    return page


def _tesseract(image: Any, timeout_s: float, *options: str) -> subprocess.CompletedProcess[bytes]:
    """Tesseract's Vietnamese model on one image, PNG through stdin."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie", "--dpi", str(DPI), *options],
                          input=buf.getvalue(), capture_output=True, timeout=timeout_s)


LINE_MIN_PX = 90  # a dark run this long (7.6 mm at 300 dpi) is a ruled line, not a letter's stroke


def _long_runs(dark: Any, axis: int) -> Any:
    """Pixels lying in a run of at least LINE_MIN_PX dark pixels along the axis (prefix sums, no loops)."""
    import numpy as np

    d = np.asarray(dark, dtype=np.int32)
    n = LINE_MIN_PX
    if d.shape[axis] < n:
        return np.zeros(d.shape, dtype=bool)
    cs = np.cumsum(d, axis=axis)
    zero = np.zeros_like(np.take(cs, [0], axis=axis))
    cs = np.concatenate([zero, cs], axis=axis)
    full = (np.take(cs, range(n, cs.shape[axis]), axis=axis) - np.take(cs, range(0, cs.shape[axis] - n), axis=axis)) == n
    starts = np.cumsum(full.astype(np.int32), axis=axis)
    starts = np.concatenate([np.zeros_like(np.take(starts, [0], axis=axis)), starts], axis=axis)
    pad = [(0, 0), (0, 0)]
    pad[axis] = (0, n - 1)
    starts = np.pad(starts, pad, mode="edge")
    # a pixel at i is covered by a full window starting in [i - n + 1, i]
    hi = np.take(starts, range(1, d.shape[axis] + 1), axis=axis)
    lo_idx = np.clip(np.arange(d.shape[axis]) - n + 1, 0, None)
    lo = np.take(starts, lo_idx, axis=axis)
    return (hi - lo) > 0


def without_ruled_lines(image: Any) -> tuple[Any, list[float]]:
    """The page with its ruled lines (table borders, underlines) painted white, so Tesseract reads the cells'
    text instead of taking borders for letters; and the y of each long horizontal line (a table's row
    borders). Rows are counted on long dark runs only: a dense line of text darkens a row as much, but in
    short strokes."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image)
    if pixels.ndim != 2 or not pixels.shape[1]:
        return image, []
    dark = pixels < 128
    across = _long_runs(dark, 1)
    rows = np.flatnonzero(across.sum(axis=1) > 0.3 * dark.shape[1])
    rules: list[float] = []
    run: list[int] = []
    for r in rows.tolist():
        if run and r - run[-1] > 1:
            rules.append(sum(run) / len(run))
            run = []
        run.append(r)
    if run:
        rules.append(sum(run) / len(run))
    lines = across | _long_runs(dark, 0)
    if not lines.any():
        return image, rules
    for shift in (1, 2, -1, -2):  # the grey anti-aliased edges of a line go too
        lines = lines | np.roll(lines, shift, axis=0) | np.roll(lines, shift, axis=1)
    cleaned = pixels.copy()
    cleaned[lines] = 255
    return Image.fromarray(cleaned), rules


@dataclass
class _Char:
    text: str
    box: tuple[int, int, int, int]


@dataclass
class _Word:
    box: tuple[int, int, int, int]
    confidence: float
    chars: list[_Char] = field(default_factory=list)


@dataclass
class _Line:
    box: tuple[int, int, int, int]
    baseline: tuple[float, float]  # slope, offset from the box's bottom-left corner
    size: float  # Tesseract's x_size: the line's character height
    paragraph: int
    words: list[_Word] = field(default_factory=list)


def _numbers(title: str, key: str) -> list[float]:
    m = re.search(rf"{key}\s+([-\d.\s]+)", title)
    return [float(v) for v in m.group(1).split()] if m else []


class _Hocr(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[_Line] = []
        self._paragraph = 0
        self._char: _Char | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls, title = a.get("class") or "", a.get("title") or ""
        if cls == "ocr_par":
            self._paragraph += 1
        elif cls in ("ocr_line", "ocr_caption", "ocr_header", "ocr_textfloat"):
            box = _numbers(title, "bbox")
            base = _numbers(title, "baseline") or [0.0, 0.0]
            size = (_numbers(title, "x_size") or [0.0])[0]
            if len(box) == 4:
                self.lines.append(_Line(tuple(int(v) for v in box), (base[0], base[1]), size, self._paragraph))  # type: ignore[arg-type]
        elif cls == "ocrx_word" and self.lines:
            box = _numbers(title, "bbox")
            conf = (_numbers(title, "x_wconf") or [-1.0])[0]
            if len(box) == 4:
                self.lines[-1].words.append(_Word(tuple(int(v) for v in box), conf))  # type: ignore[arg-type]
        elif cls == "ocrx_cinfo" and self.lines and self.lines[-1].words:
            box = _numbers(title, "x_bboxes")
            if len(box) == 4:
                self._char = _Char("", tuple(int(v) for v in box))  # type: ignore[arg-type]
                self.lines[-1].words[-1].chars.append(self._char)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._char = None

    def handle_data(self, data: str) -> None:
        if self._char is not None:
            self._char.text += data


def _raised(char: _Char, reference: list[_Char], size: float) -> bool:
    """A glyph sitting clearly above its neighbours' baseline, smaller than their letters and taller than a
    quote mark or an apostrophe: a superscript digit, whatever OCR took it for. The neighbours are the
    letters of the same word (or of the next word, for a marker opening a footnote line); a line's own
    baseline is not used, because Tesseract may run one line across a table's cells."""
    letters = [c for c in reference if c.text.isalnum()]
    if not letters:
        return False
    bottoms = sorted(c.box[3] for c in letters)
    heights = sorted(c.box[3] - c.box[1] for c in letters)
    baseline, tall = bottoms[len(bottoms) // 2], heights[len(heights) // 2]
    size = max(size, tall)
    height = char.box[3] - char.box[1]
    return baseline - char.box[3] > 0.3 * size and 0.38 * size < height < 0.8 * size


def _with_markers(word: _Word, line: _Line, next_word: _Word | None, first_in_line: bool) -> str:
    """The word's text with raised trailing digits (or a raised word opening a footnote line) as superscripts."""
    chars = word.chars
    text = "".join(c.text for c in chars)
    size = line.size or (line.box[3] - line.box[1])
    end = len(chars)
    while end and chars[end - 1].text in _TRAILING_PUNCT:
        end -= 1
    start = end
    if first_in_line and next_word is not None and 0 < end <= 3 and all(
            _raised(c, next_word.chars, size) for c in chars[:end]):
        start = 0  # a marker opening a footnote line, raised above the words after it
    while start and end - start < 3:
        if not _raised(chars[start - 1], chars[: start - 1], size):
            break
        start -= 1
    if start == end or (start == 0 and not first_in_line):
        return text
    if start > 0 and any(_raised(c, chars[:start], size) for c in chars[:start]):
        return text  # raised letters inside the word too: a misread line, not a marker
    marker = "".join("1" if c.text in _ONE_LOOKALIKES else c.text for c in chars[start:end])
    marker = marker.translate(DIGIT_TO_SUP) if marker.isdigit() else UNKNOWN_MARKER
    return "".join(c.text for c in chars[:start]) + marker + "".join(c.text for c in chars[end:])


class MarkerNumbers:
    """Footnote markers through a document. A text layer's digits are trusted. OCR misreads small raised
    digits (`⁹` as `3`, `¹⁴` as `1`) or cannot read them at all, so on OCR pages the numbers are set from the
    order footnotes follow: footnote lines count on from the last one (a reading that does not fit the count
    is replaced; the document's first one is taken as read), and the markers in the text take the numbers of
    the footnotes printed on their page, in order, the reading only choosing among them."""

    def __init__(self) -> None:
        self.opening = 0  # the last footnote line's number
        self.in_text = 0

    @staticmethod
    def _read(piece: str) -> int | None:
        return None if piece == UNKNOWN_MARKER else sup_to_int(piece)

    def fill(self, text: str, read_by_ocr: bool = False) -> str:
        lines = [re.split(f"({UNKNOWN_MARKER}|{SUP_RUN.pattern})", line) for line in text.split("\n")]
        in_text: list[tuple[int, int]] = []
        on_page: list[int] = []
        for li, pieces in enumerate(lines):
            for k in range(1, len(pieces), 2):
                read = self._read(pieces[k])
                if k == 1 and not pieces[0].strip():  # a footnote line
                    n = read if read is not None else self.opening + 1
                    if read_by_ocr and self.opening and not self.opening < n <= self.opening + 3:
                        n = self.opening + 1
                    self.opening = n
                    on_page.append(n)
                    pieces[k] = str(n).translate(DIGIT_TO_SUP)
                else:
                    in_text.append((li, k))
        used: set[int] = set()
        for li, k in in_text:
            read = self._read(lines[li][k])
            if read_by_ocr:
                free = [n for n in on_page if n > self.in_text and n not in used]
                n = read if read in free else free[0] if free else read if read is not None else self.in_text + 1
            else:
                n = read if read is not None else self.in_text + 1
            used.add(n)
            self.in_text = max(self.in_text, n)
            lines[li][k] = str(n).translate(DIGIT_TO_SUP)
        return "\n".join("".join(pieces) for pieces in lines)


def _opens_footnote(line: str) -> bool:
    return line[:1] in (UNKNOWN_MARKER, *SUPERSCRIPT_DIGITS)


def from_hocr(hocr: str) -> OcrPage:
    """Words grouped back into lines; a blank line between paragraphs; raised digits as footnote markers."""
    parser = _Hocr()
    parser.feed(hocr)
    out: list[str] = []
    words: list[OcrWord] = []
    confs: list[float] = []
    last_par: int | None = None
    in_footnote = False
    for n, line in enumerate(parser.lines):
        texts = []
        for k, w in enumerate(line.words):
            following = line.words[k + 1] if k + 1 < len(line.words) else None
            t = _with_markers(w, line, following, k == 0).strip()
            if not t:
                continue
            texts.append(t)
            slope, offset = line.baseline
            base = line.box[3] + offset + slope * ((w.box[0] + w.box[2]) / 2 - line.box[0])
            words.append(OcrWord(t, w.box, n, line.paragraph, w.confidence, base))
            if w.confidence >= 0:
                confs.append(w.confidence)
        if not texts:
            continue
        joined = " ".join(texts)
        same_par = last_par is not None and line.paragraph == last_par
        if last_par is not None and not same_par:
            out.append("")
            in_footnote = False
        if same_par and in_footnote and not _opens_footnote(joined):
            out[-1] += " " + joined  # a footnote's next line (its first may start with a digit or a capital)
        else:
            out.append(joined)
            in_footnote = _opens_footnote(joined)
        last_par = line.paragraph
    return OcrPage("\n".join(out), sum(confs) / len(confs) if confs else 0.0, words)
