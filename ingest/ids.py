"""Document identity: which file is which document, so two files never become one by accident.

A document id is a readable slug of the file's name plus a hash of (scope, key):

- `key` — for `chidao ingest`, the file's path under the directory given, with that directory's own name in
  front (`chidao ingest ../shared/corpus` → `corpus/bao-cao.txt`; a file given alone: `its-folder/x.txt`),
  so two `bao-cao.txt` in two folders are two documents and re-ingesting the same path is a no-op whatever
  the working directory. For an upload, the file name as sent, sanitised (`upload_key`): separators
  normalised, `.` and empty parts dropped, `..` kept as a harmless literal `__`, so `../../x.txt` and
  `x.txt` are different documents and no part of a name is ever used as a path.
- `scope` — who may write it: `*` for an unrestricted caller (the CLI on the data dir, a key without groups,
  a server without keys), else the caller's access groups. Uploads by keys of different group sets
  therefore never share an id: a `public` key uploading the name of a `mat` document makes a new document
  and learns nothing; the `mat` one is untouched.

Documents ingested before this scheme (id from the base name alone, `ID_SCHEME` absent from their record)
are adopted by the first re-ingest of the same name that may write them (see assistant/ingestion.py) and
reported by `chidao check` until then."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata

ID_SCHEME = 2
UNRESTRICTED = "*"
MAX_KEY = 300


def scope_of(groups: frozenset[str] | None) -> str:
    return UNRESTRICTED if groups is None else ",".join(sorted(groups))


def _slug(name: str) -> str:
    stem = unicodedata.normalize("NFKD", os.path.splitext(os.path.basename(name))[0])
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(c for c in stem if not unicodedata.combining(c)).lower()).strip("-")
    return slug[:60] or "doc"


def doc_id_for(key: str, scope: str = UNRESTRICTED) -> str:
    digest = hashlib.sha256(f"{scope}\x1f{key}".encode()).hexdigest()[:12]
    return f"{_slug(key)}-{digest}"


def legacy_doc_id(name: str) -> str:
    """The id an earlier version gave a file: from its base name alone."""
    base = os.path.basename(name)
    return f"{_slug(base)}-{hashlib.sha1(base.encode()).hexdigest()[:6]}"


def upload_key(filename: str) -> str:
    """An uploaded file's name as a key: `a\\b/../c.txt` → `a/b/__/c.txt`; control characters dropped."""
    name = "".join(ch for ch in unicodedata.normalize("NFC", filename or "") if ch.isprintable())
    parts = []
    for part in name.replace("\\", "/").split("/"):
        part = part.strip()
        if part in ("", "."):
            continue
        parts.append("_" * len(part) if set(part) == {"."} else part)
    return "/".join(parts)[-MAX_KEY:] or "upload"


def path_key(path: str, root: str) -> str:
    """`root`'s own name, then the path under it: (`/x/corpus/a/b.txt`, `/x/corpus`) → `corpus/a/b.txt`."""
    abs_root = os.path.abspath(root)
    rel = os.path.relpath(os.path.abspath(path), abs_root)
    return upload_key(f"{os.path.basename(abs_root)}/{rel}")
