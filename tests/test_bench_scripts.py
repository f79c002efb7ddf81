"""The measuring scripts of bench/ stay runnable: each one's imports still resolve against the code (a script
that imports a function since renamed or removed only fails when someone next measures with it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
SCRIPTS = sorted(p for p in BENCH.glob("*.py"))

# Load each script as a module, not as __main__: its imports run, its measurement does not. The script's own
# folder comes first on the path, as when it is run (`python bench/x.py`), for its sibling helpers.
_LOAD = """
import importlib.util, sys
path = sys.argv[1]
sys.path[:0] = [sys.argv[2], sys.argv[3]]
spec = importlib.util.spec_from_file_location("bench_script_under_test", path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module  # dataclasses look their module up
spec.loader.exec_module(module)
"""


def test_there_are_bench_scripts() -> None:
    assert len(SCRIPTS) >= 10


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_bench_script_imports(script: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _LOAD, str(script), str(BENCH), str(BENCH.parent)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
