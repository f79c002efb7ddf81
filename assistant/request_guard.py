"""Which requests a browser may have been tricked into sending. The pages are served by the app itself, so a
state-changing request (POST, PUT, PATCH, DELETE) from a browser carries the server's own origin; any other
origin is a foreign web page (cross-site request forgery: an upload that plants text, a delete). A request
naming a host the server does not answer to is a DNS-rebinding read (a foreign page whose name now points at
127.0.0.1). Requests from programs carry neither problem: they send no Origin, and their Host is ours."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from .settings import Settings

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
WILDCARD = ("0.0.0.0", "::", "")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _split(value: str) -> list[str]:
    return [v.strip().lower() for v in (value or "").split(",") if v.strip()]


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """Host names (no port) the server answers to; None = any (`CHIDAO_ALLOWED_HOSTS=*`)."""
    if settings.allowed_hosts is not None and settings.allowed_hosts.strip():
        listed = _split(settings.allowed_hosts)
        return None if "*" in listed else frozenset(n.strip("[]") for n in listed)
    names = set(LOOPBACK_NAMES)
    bound = settings.host.strip().lower().strip("[]")
    if bound in WILDCARD:  # every interface: the machine's own name answers too
        names.add(socket.gethostname().lower())
    else:
        names.add(bound)
    return frozenset(names)


def host_name(host_header: str) -> str:
    """`example.org:8765` → `example.org`; `[::1]:8765` → `::1`."""
    h = host_header.strip().lower()
    if h.startswith("["):
        return h[1:].split("]", 1)[0]
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def host_ok(host_header: str, allowed: frozenset[str] | None) -> bool:
    return allowed is None or host_name(host_header) in allowed


def origin_ok(method: str, origin: str | None, fetch_site: str | None, host_header: str,
              extra_origins: frozenset[str]) -> bool:
    """A state-changing request is accepted from no browser origin (a program), the server's own origin, or a
    configured one. `Origin: null` (sandboxed frames, files) and `Sec-Fetch-Site: cross-site` are foreign."""
    if method.upper() not in UNSAFE_METHODS:
        return True
    if origin is None:
        return fetch_site not in ("cross-site", "same-site")
    o = origin.strip().lower()
    if o in extra_origins:
        return True
    parts = urlsplit(o)
    return bool(parts.scheme in ("http", "https") and parts.netloc and parts.netloc == host_header.strip().lower())


def allowed_origins(settings: Settings) -> frozenset[str]:
    return frozenset(o.rstrip("/") for o in _split(settings.allowed_origins or ""))
