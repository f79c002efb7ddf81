"""API keys and the access groups they carry. `CHIDAO_API_KEYS` lists keys, either plainly
(`key1,key2`: each reads every group) or with groups (`key1:public,mat; key2:public`: entries separated by
`;` or whitespace, groups by `,`)."""

from __future__ import annotations

import hashlib
import hmac
import re


def parse_keys(spec: str | None) -> dict[str, frozenset[str] | None]:
    spec = (spec or "").strip()
    if not spec:
        return {}
    if ":" not in spec:
        return {k: None for k in re.split(r"[,;\s]+", spec) if k}
    out: dict[str, frozenset[str] | None] = {}
    for entry in re.split(r"[;\s]+", spec):
        if not entry:
            continue
        key, _, groups = entry.partition(":")
        names = frozenset(g.strip() for g in groups.split(",") if g.strip())
        out[key.strip()] = names or None
    return out


def match(keys: dict[str, frozenset[str] | None], authorization: str) -> tuple[bool, frozenset[str] | None, str]:
    """(authorised, groups, caller id) for an `Authorization` header value."""
    given = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    for key, groups in keys.items():
        if given and hmac.compare_digest(given.encode(), key.encode()):
            return True, groups, hashlib.sha256(key.encode()).hexdigest()[:16]
    return False, None, ""
