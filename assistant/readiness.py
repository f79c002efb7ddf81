"""Readiness at start: the index is checked against the catalog in a subprocess (a crash in Chroma's native
code cannot take the API down), within `CHIDAO_READY_TIMEOUT_S`. Until it finishes, /v1 answers 503 with
Retry-After; afterwards `/readyz` says whether the index is sound and, if not, what to run."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from typing import Any

from .settings import Settings


def start_check(state: dict[str, Any], settings: Settings, sample: int = 200) -> threading.Thread:
    state.clear()
    state.update(state="checking", ready=False, since=time.time())

    def run() -> None:
        cmd = [sys.executable, "-m", "assistant.cli", "--data-dir", settings.data_dir, "check", "--reconcile", "--json",
               "--sample", str(sample)]
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        t0 = time.perf_counter()
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=settings.ready_timeout_s, cwd=root)
        except subprocess.TimeoutExpired:
            state.update(state="timeout", ready=False,
                         message=f"the index check did not finish in {settings.ready_timeout_s:g} s")
            return
        seconds = round(time.perf_counter() - t0, 2)
        line = next((ln for ln in reversed(out.stdout.splitlines()) if ln.startswith("{")), "")
        if out.returncode not in (0, 1) or not line:
            state.update(state="check_failed", ready=False, seconds=seconds,
                         message=f"the index check crashed (exit {out.returncode}): {out.stderr.strip()[-300:]}")
            logging.getLogger("chidao.ready").error("%s", state["message"])
            return
        report = json.loads(line)
        ok = bool(report.get("index_ok"))
        state.update(state="ready" if ok else "not_ready", ready=ok, seconds=seconds, check=report,
                     message="" if ok else "; ".join(report.get("problems", [])) + " — run `chidao repair`")

    thread = threading.Thread(target=run, name="chidao-ready-check", daemon=True)
    thread.start()
    return thread


def public_state(state: dict[str, Any]) -> dict[str, Any]:
    """What anyone may see: the state and what to run, without the check's counts (how many passages the
    index holds is a fact about documents a caller may not be allowed to know of)."""
    out = {"state": state.get("state", "unknown"), "ready": bool(state.get("ready"))}
    if out["state"] == "check_failed":
        out["message"] = "the index check crashed; see the server log"
    elif state.get("message"):
        out["message"] = _COUNTS.sub("", str(state["message"]))
    return out


# "12 of 480 passages are not reachable", "3 passages …", "in 30 s" → the words without the numbers
_COUNTS = re.compile(r"\b\d+(?:\s+of\s+\d+)?\s+(?=[a-z]{2})")
