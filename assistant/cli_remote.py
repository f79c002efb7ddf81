"""The CLI talking to a running server that owns the data dir (its lock names its URL): `chidao ingest` sends
the files through `POST /v1/documents`, `chidao docs rm` through `DELETE /v1/documents/{id}`, with the key in
CHIDAO_API_KEY."""

from __future__ import annotations

import os
from typing import Any

import httpx

from .settings import Settings


def server_headers(settings: Settings) -> dict[str, str]:
    """The key sent to a running server: CHIDAO_API_KEY (a key of that server's CHIDAO_API_KEYS)."""
    key = (settings.api_key or "").strip()
    return {"Authorization": f"Bearer {key}"} if key else {}


def http_problem(r: Any, settings: Settings) -> str:
    detail = r.json().get("detail", "") if r.headers.get("content-type", "").endswith("json") else r.text[:100]
    if r.status_code == 401:
        said = "CHIDAO_API_KEY is not accepted" if server_headers(settings) else "no key set"
        return f"HTTP 401: the server requires an API key ({said}): set CHIDAO_API_KEY to one of its keys"
    if r.status_code == 403 and "group" in detail:
        return f"HTTP 403: {detail} (the key in CHIDAO_API_KEY lacks those groups)"
    return f"HTTP {r.status_code}: {detail}"


def ingest_via_server(url: str, files: list[tuple[str, str]], groups: str | None, settings: Settings) -> int:
    """Another process (the server) owns the data dir: send the files through its API, each named by its
    document key (folder name and path under it), so ids are the same as a direct ingest's."""
    headers = server_headers(settings)
    limit = settings.max_upload_mb
    timeout = httpx.Timeout(60.0, read=settings.parse_total_s + 600)  # a long parse, then embedding
    failed = 0
    for i, (path, key) in enumerate(files, 1):
        size = os.path.getsize(path) if os.path.exists(path) else -1
        if size < 0 or size > limit * 1024 * 1024:
            failed += 1
            why = "cannot read" if size < 0 else f"file too large: {size / 1e6:.0f} MB > limit {limit} MB"
            print(f"{i:>3}/{len(files)}  failed    {os.path.basename(path)}  ({why})", flush=True)
            continue
        with open(path, "rb") as fh:
            data = {"groups": groups} if groups else None
            r = httpx.post(url + "/v1/documents", files={"files": (key, fh)}, data=data, headers=headers,
                           timeout=timeout)
        if r.status_code != 200:
            failed += 1
            print(f"{i:>3}/{len(files)}  failed    {os.path.basename(path)}  ({http_problem(r, settings)})", flush=True)
            if r.status_code in (401, 403):
                break  # every other file would get the same answer
            continue
        for rep in r.json()["reports"]:
            detail = f"{rep['passages']} passages" if rep["status"] != "failed" else rep["reason"]
            if rep.get("coverage"):
                detail += f"; {rep['coverage']}"
            failed += rep["status"] == "failed"
            print(f"{i:>3}/{len(files)}  {rep['status']:<9} {rep['source']}  ({detail})", flush=True)
    return 1 if failed == len(files) else 0


def delete_via_server(url: str, doc_id: str, settings: Settings) -> int:
    r = httpx.delete(f"{url}/v1/documents/{doc_id}", headers=server_headers(settings), timeout=120)
    print(f"removed {doc_id} through the server ({r.json().get('deleted_passages', '?')} passages)"
          if r.status_code == 200 else f"error: {http_problem(r, settings)}")
    return 0 if r.status_code == 200 else 1
