"""Periods a figure belongs to. A report gives the same measure for the month and for the year so far
(`trong tháng` vs `lũy kế`, `cộng dồn`, `N tháng đầu năm`): a figure quoted without its period is a wrong
answer. Questions and texts say periods in the same words; both are matched on folded text."""

from __future__ import annotations

import re

from .words import fold, folded_pattern

# The year so far / up to a date: the words reports write it with (also in questions), and the further ways
# questions ask for it.
_YTD_TEXT_WORDS = ("lũy kế", "luỹ kế", "cộng dồn", "từ đầu năm")
_YTD_QUESTION_WORDS = ("tính từ đầu năm", "tính đến", "tính tới", "đến nay", "tới nay", "từ ngày 01/01", "từ ngày 1/1")
YEAR_TO_DATE = folded_pattern(
    _YTD_TEXT_WORDS + _YTD_QUESTION_WORDS,
    ("year to date", "so far this year", "cumulative", "cumulatively", "as of", "up to now", "so far"))
_N_MONTHS = re.compile(r"\b(\d{1,2}|hai|ba|bon|sau|chin|muoi|two|three|four|six|nine)\s+(thang|months?)\s+"
                       r"(dau nam|qua|first)|\bfirst\s+(\d{1,2}|two|three|four|six|nine)\s+months\b", re.I)
# The month alone.
_IN_MONTH_TEXT_WORDS = ("trong tháng",)
IN_MONTH = folded_pattern(_IN_MONTH_TEXT_WORDS + ("riêng tháng", "tháng này", "trong tháng này"),
                          ("in the month", "this month", "during the month", "monthly"))
# The same periods as a report's text writes them (matched on the text as written, case-insensitively): what a
# passage holding a figure of that period shows.
YEAR_TO_DATE_TEXT = "|".join(_YTD_TEXT_WORDS) + r"|\d+ tháng đầu năm"
IN_MONTH_TEXT = "|".join(_IN_MONTH_TEXT_WORDS)
_QUARTER = re.compile(r"\b(?:quy|quarter)\s+([IV]{1,3}|\d)\b", re.I)
_QUARTER_NUM = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def is_year_to_date(text: str) -> bool:
    f = fold(text)
    return bool(YEAR_TO_DATE.search(f) or _N_MONTHS.search(f))


def is_in_month(text: str) -> bool:
    return bool(IN_MONTH.search(fold(text)))


def period_of(text: str) -> str:
    """"ytd", "month" or "" — what period the words of a question or a span name."""
    if is_year_to_date(text):
        return "ytd"
    if is_in_month(text):
        return "month"
    return ""


def quarter_of(text: str) -> str:
    m = _QUARTER.search(fold(text))
    if not m:
        return ""
    q = m.group(1).upper()
    return _QUARTER_NUM.get(q, q)


def period_words(text: str) -> list[tuple[int, int]]:
    """Spans of period words (they are matched as a period, not as topic words)."""
    f = fold(text)
    return [m.span() for rx in (YEAR_TO_DATE, IN_MONTH, _N_MONTHS) for m in rx.finditer(f)]
