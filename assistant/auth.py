"""API keys and the access groups they carry, from one strict parser of `CHIDAO_API_KEYS`.

Grammar (whitespace around `:` `,` `;` and at the ends is ignored):

    spec    := plain | grouped
    plain   := key ("," key)*                      every key reads every group (no ':' anywhere)
    grouped := entry (";" entry)*                  entries separated by ';' (or new lines)
    entry   := key ":" group ("," group)*          the key reads exactly these groups
    key     := 1+ characters, none of them whitespace or one of  : , ; " '
    group   := 1+ of  A-Z a-z 0-9 _ . -

A spec is refused (KeySpecError, so the server does not start) when it holds an empty entry (`,`, `;`, a
trailing separator), a key without groups in a grouped spec (`kx:` or a bare `kx`), a key or group with
characters outside the grammar (`k one`), more than one `:` in an entry (`k1:public,k2:mat` — entries are
separated by `;`), a `;` in a plain list, or the same key twice. Nothing is ever widened to "all groups"
by a parsing accident: only a plain list, which has no `:` at all, makes unrestricted keys."""

from __future__ import annotations

import hashlib
import hmac
import re

Keys = dict[str, frozenset[str] | None]

_KEY = re.compile(r"[^\s:,;\"']+")
GROUP_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class KeySpecError(ValueError):
    """CHIDAO_API_KEYS does not follow the grammar; the message says where."""


def _key(raw: str, where: str) -> str:
    key = raw.strip()
    if not key:
        raise KeySpecError(f"empty key in {where}")
    if not _KEY.fullmatch(key):
        raise KeySpecError(f"bad key {key[:3]}… in {where}: a key has no spaces and none of : , ; \" '")
    return key


def parse_keys(spec: str | None) -> Keys:
    """{key: its groups, or None for an unrestricted key}; {} when the spec is empty (no keys: no auth)."""
    spec = (spec or "").strip()
    if not spec:
        return {}
    out: Keys = {}

    def add(key: str, groups: frozenset[str] | None, n: int) -> None:
        if key in out:
            raise KeySpecError(f"entry {n}: the same key is listed twice")
        out[key] = groups

    if ":" not in spec:
        if ";" in spec or "\n" in spec:
            raise KeySpecError("';' separates grouped entries (key:group,group); plain keys are separated by ','")
        for n, raw in enumerate(spec.split(","), 1):
            add(_key(raw, f"entry {n}"), None, n)
        return out
    for n, entry in enumerate(re.split(r"[;\n]", spec), 1):
        if not entry.strip():
            raise KeySpecError(f"entry {n} is empty (a stray ';')")
        if entry.count(":") != 1:
            raise KeySpecError(f"entry {n} needs exactly one ':' (key:group,group) — separate entries with ';'")
        raw_key, _, raw_groups = entry.partition(":")
        key = _key(raw_key, f"entry {n}")
        groups = [g.strip() for g in raw_groups.split(",")]
        if not any(groups):
            raise KeySpecError(f"entry {n}: a key without groups (write key:group,group)")
        for g in groups:
            if not GROUP_NAME.fullmatch(g):
                raise KeySpecError(f"entry {n}: bad group name {g!r} (letters, digits, _ . - only; no empty group)")
        add(key, frozenset(groups), n)
    return out


def match(keys: Keys, authorization: str) -> tuple[bool, frozenset[str] | None, str]:
    """(authorised, groups, caller id) for an `Authorization` header value."""
    given = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    found: tuple[bool, frozenset[str] | None, str] = (False, None, "")
    for key, groups in keys.items():  # every key compared, in constant time each
        if given and hmac.compare_digest(given.encode(), key.encode()):
            found = (True, groups, hashlib.sha256(key.encode()).hexdigest()[:16])
    return found
