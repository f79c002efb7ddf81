"""Snapshots of the serving indexes under the data dir, so a restart loads two files instead of every passage's
tokens. Both are plain, documented formats (no pickle: nothing in them is executed when read), both carry the
tokenizer version (index/vntext.py `TOKENIZER_VERSION`) and are ignored when it differs — tokens of two
tokenizers never mix — and both are written to a temporary file renamed into place.

`lexical.snapshot.npz` — a NumPy `.npz` archive (read with `allow_pickle=False`) of the BM25 index
(index/lexical.py), per field (`acc` accented, `fold` folded):
  `<f>_vocab`   uint8  the terms, UTF-8, "\\n"-separated; term i's postings are `<f>_off[i]:<f>_off[i+1]`
  `<f>_slots`   uint32 passage slot of each posting          `<f>_freqs`   uint16 its term frequency
  `<f>_off`     int64  posting offsets per term (len(vocab) + 1)
  `<f>_lengths` float32 passage length in tokens per slot (0: a removed passage)
  `<f>_stats`   float64 [total length, live passages]
  `ids`         uint8  passage id per slot, UTF-8, "\\n"-separated
  `meta`        uint8  JSON {"format": "chidao-lexical", "version": 1, "tokenizer": "<TOKENIZER_VERSION>"}

`restorer.snapshot.json.gz` — gzip'd UTF-8 JSON of the diacritic restorer's vocabulary (index/vntext.py),
kept apart per access-group set (index/visibility.py):
  {"format": "chidao-restorer", "version": 1, "tokenizer": "<TOKENIZER_VERSION>",
   "partitions": [{"groups": ["public"], "uni": {"folded": {"accented": count}}, "bi": {"a b": {"á b": count}}}]}
"""

from __future__ import annotations

import gzip
import json
import os
from typing import Any

LEXICAL = "lexical.snapshot.npz"
RESTORER = "restorer.snapshot.json.gz"
RESTORER_FORMAT = "chidao-restorer-2"  # 2: stop words counted as unigrams (vntext.DiacriticRestorer.add_tokens)
LEXICAL_FORMAT = "chidao-lexical"
VERSION = 1
# Written by earlier versions (a pickle): never read; removed when a snapshot is written.
LEGACY = ("restorer.snapshot.pickle",)

Partitions = dict[tuple[str, ...], tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]]


def paths(data_dir: str) -> tuple[str, str]:
    return os.path.join(data_dir, LEXICAL), os.path.join(data_dir, RESTORER)


def lexical_meta(tokenizer: str) -> dict[str, Any]:
    return {"format": LEXICAL_FORMAT, "version": VERSION, "tokenizer": tokenizer}


def lexical_meta_ok(meta: Any, tokenizer: str) -> bool:
    return isinstance(meta, dict) and meta == lexical_meta(tokenizer)


def save_restorer(path: str, partitions: Partitions, tokenizer: str) -> None:
    body = {"format": RESTORER_FORMAT, "version": VERSION, "tokenizer": tokenizer,
            "partitions": [{"groups": list(groups), "uni": uni, "bi": bi}
                           for groups, (uni, bi) in sorted(partitions.items())]}
    tmp = f"{path}.{os.getpid()}.tmp"
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
        json.dump(body, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)
    for legacy in LEGACY:
        try:
            os.remove(os.path.join(os.path.dirname(path), legacy))
        except FileNotFoundError:
            pass


def load_restorer(path: str, tokenizer: str) -> Partitions | None:
    """The partitions, or None when the file is missing, unreadable, of another format or tokenizer."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            body = json.load(fh)
    except (OSError, ValueError, EOFError):
        return None
    if not isinstance(body, dict) or body.get("format") != RESTORER_FORMAT or body.get("version") != VERSION \
            or body.get("tokenizer") != tokenizer:
        return None
    try:
        return {tuple(part["groups"]): (part["uni"], part["bi"]) for part in body["partitions"]}
    except (KeyError, TypeError):
        return None
