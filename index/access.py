"""Access groups. Every document carries groups (`public` unless ingested with others, e.g. `mat` for văn bản
mật); an API key maps to the groups its holder may read. The caller's groups live in a context variable set
once per request by the API, and are enforced here, at the bottom — by the retriever, the catalog views and
the directive catalog — so no surface can forget them. `None` means unrestricted (no keys configured, CLI)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

DEFAULT_GROUPS = ("public",)
CALLER_GROUPS: ContextVar[frozenset[str] | None] = ContextVar("chidao_caller_groups", default=None)


def groups_of(md: Mapping[str, Any]) -> list[str]:
    g = md.get("groups")
    return list(g) if g else list(DEFAULT_GROUPS)


def caller_groups() -> frozenset[str] | None:
    return CALLER_GROUPS.get()


def visible(md: Mapping[str, Any], groups: frozenset[str] | None = None) -> bool:
    allowed = caller_groups() if groups is None else groups
    return allowed is None or bool(allowed.intersection(groups_of(md)))


@contextmanager
def as_caller(groups: frozenset[str] | None) -> Iterator[None]:
    token = CALLER_GROUPS.set(groups)
    try:
        yield
    finally:
        CALLER_GROUPS.reset(token)
