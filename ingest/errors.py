"""Why a file is not read: its type is not one chidao reads, or it claims a type but cannot be read as it."""

from __future__ import annotations


class UnsupportedFormat(ValueError):
    """The file's type is not one chidao reads."""


class CorruptFile(ValueError):
    """The file claims a type but cannot be read as it."""
