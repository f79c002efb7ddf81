"""What the PostgreSQL catalog stores of a passage's tokens: per field (accented, folded) its term counts
and length as the in-process index counts them (index/lexical.py), and the diacritic restorer's counts the
passage's accented tokens teach (index/vntext.py `DiacriticRestorer.add_tokens`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..vntext import fold_word, token_fields

FIELDS = ("acc", "fold")  # field 0: accented tokens, field 1: diacritics folded
TF_MAX = 32767  # int2 (the in-process index caps at 65535; no passage near the chunker's size comes close)


@dataclass
class PassageTokens:
    acc: Counter[str]
    fold: Counter[str]
    acc_len: int
    fold_len: int

    @classmethod
    def of(cls, embed_text: str) -> PassageTokens:
        acc, fold = token_fields(embed_text)
        return cls(Counter(acc), Counter(fold), len(acc) or 1, len(fold) or 1)


RestorerKey = tuple[bool, str, str]  # (bigram, folded key, accented form)


def restorer_counts(acc: Counter[str]) -> Counter[RestorerKey]:
    """The counts `DiacriticRestorer.add_tokens` would add for these accented tokens."""
    out: Counter[RestorerKey] = Counter()
    for t, n in acc.items():
        key = _restorer_key(t)
        if key is not None:
            out[key] += n
    return out


@lru_cache(maxsize=500_000)
def _restorer_key(t: str) -> RestorerKey | None:
    """What one accented token teaches the restorer (None: nothing), memoised like `fold_word`."""
    if not t or t[0].isdigit() or t.isupper() or not t.replace("_", "").isalpha():
        return None
    if "_" in t:
        a, _, b = t.partition("_")
        return True, fold_word(a) + " " + fold_word(b), a + " " + b
    return False, fold_word(t), t
