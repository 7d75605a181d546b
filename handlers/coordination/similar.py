"""Near-duplicate questions: word-shingle Jaccard on folded text, candidates found with MinHash LSH.

Linear in the number of questions: each text gets a MinHash signature (numpy, vectorised), texts
sharing a band of the signature become candidates, and a candidate joins a group only when its
exact shingle Jaccard with the bucket's first text reaches the threshold.
"""

import re
import unicodedata
import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np

_PRIME = (1 << 31) - 1
_BANDS, _ROWS = 8, 2  # 16 hashes; pairs with Jaccard 0.6 collide in some band with p ≈ 0.98


_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)


@cache
def _accent_table() -> dict[int, str]:
    """Accented Latin letters (Vietnamese included) → their bare lower-case letter."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0xC0, 0x1F00):
        bare = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if bare and bare != chr(code) and bare.isascii():
            table[code] = bare.lower()
    return table


def fold_fast(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces (like handlers.choices.fold, faster)."""
    bare = unicodedata.normalize("NFC", text).translate(_accent_table()).lower()
    return _NOT_WORD.sub(" ", bare).strip()


def shingles(text: str) -> frozenset[int]:
    """Hashed word bigrams of the folded text (single words when the text is one word)."""
    words = fold_fast(text).split()
    grams = [f"{a} {b}" for a, b in zip(words, words[1:])] or words
    return frozenset(zlib.crc32(g.encode()) for g in grams)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _signatures(sets: Sequence[frozenset[int]]) -> np.ndarray:
    """MinHash signatures, one row per set, _BANDS * _ROWS columns."""
    rng = np.random.default_rng(20230615)
    a = rng.integers(1, _PRIME, size=_BANDS * _ROWS, dtype=np.int64)
    b = rng.integers(0, _PRIME, size=_BANDS * _ROWS, dtype=np.int64)
    lengths = np.fromiter((max(len(s), 1) for s in sets), dtype=np.int64, count=len(sets))
    flat = np.fromiter((h for s in sets for h in (s or (0,))), dtype=np.int64, count=int(lengths.sum()))
    hashed = (np.outer(flat, a) + b) % _PRIME
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.minimum.reduceat(hashed, starts, axis=0)


def group_similar(texts: Sequence[str], threshold: float = 0.5) -> list[list[int]]:
    """Groups of indexes of near-identical texts (size ≥ 2), each in first-seen order."""
    if len(texts) < 2:
        return []
    sets = [shingles(t) for t in texts]
    signatures = _signatures(sets)
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for band in range(_BANDS):
        columns = signatures[:, band * _ROWS : (band + 1) * _ROWS]
        keys = columns[:, 0] * _PRIME + columns[:, 1]
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        heads = first[inverse]
        for index in np.flatnonzero(heads != np.arange(len(texts))).tolist():
            head = int(heads[index])
            if root(head) != root(index) and jaccard(sets[head], sets[index]) >= threshold:
                parent[root(index)] = root(head)
    groups: dict[int, list[int]] = {}
    for index in range(len(texts)):
        groups.setdefault(root(index), []).append(index)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
