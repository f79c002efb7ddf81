"""The ingested files themselves, kept under the data dir by content hash: with the catalog they are the
source of truth, so passages can be re-cut by a new chunker and the vector index rebuilt without the
uploader's copy. Writes go to a temporary file renamed into place (a crash leaves no half file). Server mode
keeps them in PostgreSQL (index/pg/originals.py); both are `Originals`."""

from __future__ import annotations

import os
from typing import Protocol


class Originals(Protocol):
    def save(self, sha256: str, data: bytes) -> None: ...
    def load(self, sha256: str) -> bytes: ...
    def remove(self, sha256: str) -> None: ...


class OriginalStore:
    def __init__(self, directory: str) -> None:
        self.dir = directory

    def path(self, sha256: str) -> str:
        return os.path.join(self.dir, sha256[:2], sha256)

    def save(self, sha256: str, data: bytes) -> None:
        path = self.path(sha256)
        if os.path.exists(path):
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def load(self, sha256: str) -> bytes:
        with open(self.path(sha256), "rb") as fh:
            return fh.read()

    def remove(self, sha256: str) -> None:
        try:
            os.remove(self.path(sha256))
        except FileNotFoundError:
            pass
