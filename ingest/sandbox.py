"""Parsing in a separate worker process with a wall-clock timeout and a memory cap, because parsers of
untrusted files (pypdf above all: many denial-of-service advisories, limits on streams but not on CPU) can
loop, blow up memory or crash. A file that times out or kills the worker is reported; the worker is
started again for the next file. The worker is spawned (not forked) so it never inherits the server's
threads or open index handles.

Time: the no-progress limit (`timeout_s`) restarts after each page, so a long scan that keeps reading pages
is not mistaken for a loop; the total budget (`total_s`, CHIDAO_PARSE_TOTAL_S) bounds the whole file however
steadily its pages come. A pool of workers (`ParsePool`) parses several files at once, so one long file
holds up only itself."""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from .loaders import CorruptFile
from .types import Chunker, ParsedDocument


class ParseFailed(CorruptFile):
    """The file could not be parsed within the worker's limits."""


def _serve(conn: Connection, mem_bytes: int, chunker: Chunker) -> None:  # runs in the worker process
    import resource

    from . import loaders
    from .pipeline import parse_bytes

    if mem_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
    loaders.PAGE_DONE.append(lambda: conn.send(("tick",)))
    while True:
        try:
            name, data, doc_id, max_pages = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", parse_bytes(name, data, chunker, doc_id, max_pages)))
        except MemoryError:
            conn.send(("error", "MemoryError", "the file needs more memory than the parser may use (bomb?)"))
        except RecursionError:
            conn.send(("error", "RecursionError", "document structure too deeply nested"))
        except Exception as exc:  # noqa: BLE001 - reported to the parent with its type
            conn.send(("error", type(exc).__name__, str(exc)[:300]))


class ParseWorker:
    """One worker process, reused across files; thread-safe (one file at a time). It cuts passages with the
    chunker it is given (sent to the process when it starts: it must pickle)."""

    def __init__(self, chunker: Chunker, timeout_s: float = 60.0, mem_mb: int = 2048, total_s: float = 1800.0,
                 max_pages: int = 0) -> None:
        self.chunker = chunker
        self.timeout_s = timeout_s
        self.total_s = total_s
        self.max_pages = max_pages
        self.mem_bytes = mem_mb * 1024 * 1024
        self._proc: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, self.mem_bytes, self.chunker), daemon=True, name="chidao-parse")
        try:
            proc.start()
        except BaseException:  # a process that never started cannot be killed: keep none, the next file retries
            parent.close()
            child.close()
            raise
        child.close()
        self._proc, self._conn = proc, parent

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def parse(self, name: str, data: bytes, doc_id: str | None = None) -> ParsedDocument:
        with self._lock:
            if self._proc is None or not self._proc.is_alive():
                self._kill()
                self._start()
            assert self._conn is not None
            try:
                self._conn.send((name, data, doc_id, self.max_pages))
                deadline = time.monotonic() + self.total_s
                while True:  # the time limit runs between signs of progress (a page done), within the total
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._conn.poll(min(self.timeout_s, left)):
                        self._kill()
                        if time.monotonic() >= deadline:
                            raise ParseFailed(f"parsing took longer than {self.total_s:g} s in all (stopped; "
                                              "CHIDAO_PARSE_TOTAL_S)")
                        raise ParseFailed(f"parsing made no progress for {self.timeout_s:g} s (stopped)")
                    reply = self._conn.recv()
                    if reply[0] != "tick":
                        break
            except (EOFError, BrokenPipeError, ConnectionResetError, OSError) as exc:
                code = self._proc.exitcode if self._proc is not None else None
                self._kill()
                raise ParseFailed(f"the parser process died on this file (exit {code}): {exc or 'no reply'}") from exc
        if reply[0] == "ok":
            parsed: ParsedDocument = reply[1]
            return parsed
        _, kind, message = reply
        if kind in ("CorruptFile", "UnsupportedFormat", "ParseFailed", "TooLarge"):
            raise CorruptFile(message) if kind != "UnsupportedFormat" else _unsupported(message)
        raise ParseFailed(f"{kind}: {message}")

    def close(self) -> None:
        with self._lock:
            self._kill()


class ParsePool:
    """`size` workers, started on first use; a file waits only when every worker is busy."""

    def __init__(self, chunker: Chunker, size: int = 2, **worker: Any) -> None:
        self._idle: queue.LifoQueue[ParseWorker] = queue.LifoQueue()
        self._all = [ParseWorker(chunker, **worker) for _ in range(max(1, size))]
        for w in reversed(self._all):
            self._idle.put(w)

    def parse(self, name: str, data: bytes, doc_id: str | None = None) -> ParsedDocument:
        worker = self._idle.get()
        try:
            return worker.parse(name, data, doc_id)
        finally:
            self._idle.put(worker)

    def close(self) -> None:
        for w in self._all:
            w.close()


def _unsupported(message: str) -> Exception:
    from .loaders import UnsupportedFormat

    return UnsupportedFormat(message)
