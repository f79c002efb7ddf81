"""Search filters: `type`, `source`, `doc_id`, `kind`, `date_from`, `date_to`, `number`, compiled to one
predicate over passage metadata. Filters fail closed (a filter that matches nothing returns nothing) and every
malformed value — a non-string, a list of other things, an operator object, a date that does not exist — is a
BadFilter (an HTTP 400), never a crash."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .vntext import fold

FILTER_KEYS = ("type", "source", "doc_id", "kind", "date_from", "date_to", "number")


class BadFilter(ValueError):
    pass


def type_key(value: str) -> str:
    return fold(value or "").lower().strip()


def effective_type(md: Mapping[str, Any]) -> str:
    return str(md.get("directive_type") or md.get("doc_type") or "")


def number_key(text: Any) -> str:
    if not text:
        return ""
    return fold(re.sub(r"\s+", "", str(text))).upper().lstrip("0")


def parse_date(value: Any, end: bool = False) -> tuple[int, int, int]:
    """A filter date — `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `DD/MM/YYYY` — as (year, month, day), a missing
    month or day 0 (or its last for an end date); anything else, or a date that does not exist, is BadFilter."""
    import datetime as dt

    text = value.strip() if isinstance(value, str) else ""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    m2 = None if m else re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m2:
        y, mo, d = int(m2.group(3)), int(m2.group(2)), int(m2.group(1))
    elif m:
        y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    else:
        raise BadFilter(f"bad date {str(value)[:40]!r} (use YYYY-MM-DD)")
    try:
        dt.date(y, mo or 1, d or 1)
    except ValueError:
        raise BadFilter(f"no such date {text!r} (use YYYY-MM-DD)") from None
    if end:
        mo, d = mo or 12, d or 31
    return y, mo, d


def iso_date(value: str) -> str:
    """A filter date written the ISO way at the precision given (`2025-3` → `2025-03`); BadFilter if invalid."""
    y, mo, d = parse_date(value)
    return f"{y:04d}" + (f"-{mo:02d}" if mo else "") + (f"-{d:02d}" if d else "")


def _date_int(value: Any, end: bool) -> int:
    y, mo, d = parse_date(value, end)
    return y * 10000 + mo * 100 + d


def _strings(name: str, value: Any, many: bool = False) -> list[str]:
    """A filter's value as strings: a string, or (for `doc_id` and `kind`) a list of strings; else BadFilter."""
    if isinstance(value, str):
        return [value]
    if many and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    want = "a string or a list of strings" if many else "a string"
    raise BadFilter(f"filter '{name}' must be {want}, not {type(value).__name__}"
                    + (" holding other types" if many and isinstance(value, list) else ""))


def compile_filters(filters: dict[str, Any]) -> Callable[[Mapping[str, Any]], bool] | None:
    if not isinstance(filters, dict):
        raise BadFilter("filters must be an object")
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise BadFilter(f"unknown filter(s): {', '.join(sorted(map(str, unknown)))[:200]} "
                        f"(known: {', '.join(FILTER_KEYS)})")
    active = {k: v for k, v in filters.items() if v is not None and v != "" and v != []}
    values = {k: _strings(k, v, many=k in ("doc_id", "kind")) for k, v in active.items()}
    if not active:
        return None
    checks: list[Callable[[Mapping[str, Any]], bool]] = []
    if "type" in active:
        want = type_key(values["type"][0])
        checks.append(lambda md: type_key(effective_type(md)) == want or type_key(str(md.get("doc_type"))) == want)
    if "source" in active:
        src = type_key(values["source"][0])
        checks.append(lambda md: src in type_key(str(md.get("source"))))
    if "doc_id" in active:
        ids = set(values["doc_id"])
        checks.append(lambda md: md.get("doc_id") in ids)
    if "kind" in active:
        kinds = set(values["kind"])
        checks.append(lambda md: md.get("kind") in kinds)
    if "date_from" in active:
        lo = _date_int(values["date_from"][0], end=False)
        checks.append(lambda md: int(md.get("date_int") or 0) >= lo)
    if "date_to" in active:
        hi = _date_int(values["date_to"][0], end=True)
        checks.append(lambda md: 0 < int(md.get("date_int") or 0) <= hi)
    if "number" in active:
        key = number_key(values["number"][0])
        checks.append(lambda md: key in (md.get("doc_numbers") or []) or md.get("directive_key") == key)
    return lambda md: all(c(md) for c in checks)
