"""Issue 12 rows 2 and 4: one strict parser for CHIDAO_API_KEYS. Whitespace is tolerated; an empty or
malformed spec stops `chidao serve` with a clear message instead of failing open; nothing a caller sends can
match a group name or a fragment of the spec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.auth import KeySpecError, parse_keys

from ..backends import backend_env
from ..conftest import ROOT, free_port
from .conftest import MAT, PUB, leaks

BAD_SPECS = [",", ";", " , ", "kx:", "kpub:public,kmat:public,mat", "kpub:public; kx", "k1,k1", "k1:a; k1:b",
             "kpub: public;", "k one", "kpub: pub lic", "kpub:public;;kmat:mat", "k1;k2", "kpub:,"]


def test_the_grammar() -> None:
    assert parse_keys("kpub: public; kmat: public, mat") == {"kpub": frozenset({"public"}),
                                                             "kmat": frozenset({"public", "mat"})}
    assert parse_keys(" k-one , k-two ") == {"k-one": None, "k-two": None}  # a plain list: unrestricted keys
    assert parse_keys("kpub:public\nkmat:public,mat")["kmat"] == frozenset({"public", "mat"})
    assert parse_keys("") == {} and parse_keys("   ") == {}
    for spec in BAD_SPECS:
        with pytest.raises(KeySpecError):
            parse_keys(spec)


@pytest.mark.parametrize("host,specs", [("127.0.0.1", BAD_SPECS), ("0.0.0.0", [",", ";", "kx:"])])
def test_serve_refuses_a_bad_spec(tmp_path: Path, host: str, specs: list[str]) -> None:
    """Empty key lists (`,` `;`) never pass the non-loopback guard as "keys configured"."""
    procs = {spec: subprocess.Popen([sys.executable, "-m", "assistant.cli", "--data-dir", str(tmp_path / str(i)),
                                     "serve", "--host", host, "--port", str(free_port())], cwd=ROOT, text=True,
                                    env={"CHIDAO_API_KEYS": spec, "PATH": "/usr/bin:/bin",
                                         **backend_env(tmp_path / str(i))},  # a replica refuses it too
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i, spec in enumerate(specs)}
    for spec, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"serve started with CHIDAO_API_KEYS={spec!r}")
        assert proc.returncode == 2 and "CHIDAO_API_KEYS" in err and "Grammar" in err, (spec, err[-300:])


def test_keys_with_spaces_do_not_fail_open(mat_site: str) -> None:
    q = {"question": "Kinh phí phương án Zebrafin là bao nhiêu?"}
    assert "777,77" in httpx.post(mat_site + "/v1/ask", headers=MAT, json=q, timeout=120).json()["answer"]
    assert not leaks(httpx.post(mat_site + "/v1/ask", headers=PUB, json=q, timeout=120).json(), q["question"])
    for wrong in ("public", "mat", "public,", "kpub:public", "kmat: public, mat", "kpub;", "kpub,", "pub"):
        r = httpx.post(mat_site + "/v1/ask", headers={"Authorization": f"Bearer {wrong}"}, json=q, timeout=60)
        assert r.status_code == 401 and not leaks(r.json()), wrong
