"""What the PostgreSQL catalog stores of a passage's tokens: per field (accented, folded) its term counts
and length as the in-process index counts them (index/lexical.py), and the diacritic restorer's counts the
passage's accented tokens teach (index/vntext.py `DiacriticRestorer.add_tokens`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..vntext import DiacriticRestorer, token_fields

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
        for key in _restorer_keys(t):
            out[key] += n
    return out


@lru_cache(maxsize=500_000)
def _restorer_keys(t: str) -> tuple[RestorerKey, ...]:
    """What one accented token teaches the restorer, read off `DiacriticRestorer.add_tokens` itself (so the
    database's counts follow whatever it counts), memoised like `fold_word`."""
    blank = DiacriticRestorer.__new__(DiacriticRestorer)  # without the seeded question words
    blank.uni, blank.bi = {}, {}
    blank.add_tokens([t])
    return tuple((bigram, key, form) for bigram, table in ((False, blank.uni), (True, blank.bi))
                 for key, forms in table.items() for form in forms)
