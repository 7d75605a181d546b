"""Near-duplicate questions: word-bigram Jaccard on folded text, candidates found with MinHash LSH.

Linear in the number of questions and vectorised: all texts are folded as one array of code points
(as fold_fast folds them), and the word hashes, bigram keys, MinHash signatures, the exact Jaccard
of candidate pairs and the grouping (connected components) are numpy/scipy array operations.
Texts sharing a band of the signature become candidates against the band bucket's first text; a
pair joins when its exact Jaccard reaches the threshold, and a group is a connected set of pairs.
"""

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

_BANDS, _ROWS = 8, 2  # 16 hashes; pairs with Jaccard 0.6 collide in some band with p ≈ 0.98
# Two rows per band, so a band is one 64-bit key of two 31-bit hashes (see _candidates).
_EMPTY = 1 << 31  # above every 31-bit hash: texts with no words collide only with each other
_TABLE_END = 0x1F00  # code points folded by table lookup; the rarer ones past it (emoji) one by one
_CAPITAL_SIGMA = "Σ"
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_PAIR = 0x9E3779B97F4A7C15  # odd multiplier that orders a bigram's two word hashes

_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


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


def _fold_char(code: int) -> str:
    """One character folded as fold_fast folds it (one character: str.lower only lengthens U+0130, mapped before)."""
    return chr(code).translate(_accent_table()).lower()


def _is_word(code: int) -> bool:
    """Whether the character is a regex word character (a letter, digit or underscore in any script)."""
    return _WORD.fullmatch(chr(code)) is not None


@cache
def _point_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point below _TABLE_END: its folded code point, and whether it is a word character."""
    folded = np.fromiter((ord(_fold_char(c)) for c in range(_TABLE_END)), dtype=np.uint32, count=_TABLE_END)
    word = np.fromiter((_is_word(c) for c in range(_TABLE_END)), dtype=bool, count=_TABLE_END)
    return folded, word


def _lookup(values: np.ndarray, table: np.ndarray, slow: Callable[[int], object]) -> np.ndarray:
    """table[v] for each value inside the table; slow(v), once per distinct value, for those past it (emoji)."""
    inside = values < len(table)
    result = table[np.where(inside, values, 0)]
    if not inside.all():
        past = np.flatnonzero(~inside)
        distinct, where = np.unique(values[past], return_inverse=True)
        result[past] = np.array([slow(int(v)) for v in distinct], dtype=table.dtype)[where.ravel()]
    return result


def _folded_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts' code points folded as fold_fast folds them, newline-separated, and which are word characters."""
    # '\n' is not a word character, so a text's own newlines becoming spaces changes none of its words.
    joined = unicodedata.normalize("NFC", "\n".join(t.replace("\n", " ") for t in texts))
    folded, word = _point_tables()
    if _CAPITAL_SIGMA in joined:  # str.lower picks σ or ς from the context, which a per-character table cannot
        points = _points(joined.translate(_accent_table()).lower())
    else:
        points = _lookup(_points(joined), folded, lambda c: ord(_fold_char(c)))
    return points, _lookup(points, word, _is_word)


def _points(text: str) -> np.ndarray:
    """The code points of a string (lone surrogates kept, as Telegram's JSON can carry them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _words(points: np.ndarray, word: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(text index, hash) of every word in order; the hash is polynomial in its code points, modulo 2**64."""
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    owners = np.cumsum(points == ord("\n"))[starts]
    # uint64 arithmetic wraps, which is the modulo; dividing out BASE**start makes a word's hash position-free.
    powers, inverse = _powers(_BASE, len(points)), _powers(_BASE_INVERSE, len(points))
    prefix = np.concatenate((np.zeros(1, dtype=np.uint64), np.cumsum(points * powers, dtype=np.uint64)))
    return owners, (prefix[ends] - prefix[starts]) * inverse[starts]


def _powers(base: int, count: int) -> np.ndarray:
    """base**0 … base**(count - 1) modulo 2**64."""
    powers = np.full(count, base, dtype=np.uint64)
    powers[:1] = 1
    return np.cumprod(powers, dtype=np.uint64)


def _shingles(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(text index, key) of each text's shingles, by text: word bigrams, or the word of a one-word text."""
    owners, hashes = _words(*_folded_points(texts))
    if not len(hashes):
        return owners, hashes
    alone = np.bincount(owners, minlength=len(texts))[owners] == 1
    followed = np.append(owners[1:] == owners[:-1], False)  # the next word is in the same text
    keys = np.where(alone, hashes, hashes * np.uint64(_PAIR) + np.append(hashes[1:], np.uint64(0)))
    kept = alone | followed
    return owners[kept], keys[kept]


def _signatures(owners: np.ndarray, keys: np.ndarray, count: int) -> np.ndarray:
    """MinHash signatures, one row per text, _BANDS * _ROWS columns of 31-bit multiply-shift hashes."""
    rng = np.random.default_rng(20230615)
    a = rng.integers(0, 1 << 63, size=_BANDS * _ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, size=_BANDS * _ROWS, dtype=np.uint64)
    signatures = np.full((count, _BANDS * _ROWS), _EMPTY, dtype=np.uint64)
    if len(keys):
        starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
        texts = owners[starts]
        for column in range(_BANDS * _ROWS):  # a column at a time stays in cache; a 2-D (keys × hashes) array did not
            hashed = (keys * a[column] + b[column]) >> np.uint64(33)
            signatures[texts, column] = np.minimum.reduceat(hashed, starts)
    return signatures


def _candidates(signatures: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (bucket head, member) pairs of texts that share some band of their signatures."""
    count = len(signatures)
    codes = []
    for band in range(_BANDS):
        high, low = signatures[:, band * _ROWS], signatures[:, band * _ROWS + 1]
        _, first, inverse = np.unique((high << np.uint64(32)) | low, return_index=True, return_inverse=True)
        heads = first[inverse.ravel()]
        moved = np.flatnonzero(heads != np.arange(count))
        codes.append(heads[moved] * count + moved)
    return np.divmod(np.unique(np.concatenate(codes)), count)


def _jaccard(owners: np.ndarray, keys: np.ndarray, count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Exact Jaccard of the shingle sets of each (left, right) pair (1.0 for two empty sets)."""
    from scipy.sparse import csr_array  # here, not at start-up: scipy takes ~0.2 s to import

    columns = np.unique(keys, return_inverse=True)[1].ravel()
    matrix = csr_array((np.ones(len(keys), dtype=np.int32), (owners, columns)),
                       shape=(count, int(columns.max(initial=0)) + 1))
    matrix.sum_duplicates()
    matrix.data[:] = 1  # a bigram said twice in one text counts once: these are sets
    sizes = np.diff(matrix.indptr)
    shared = np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()
    union = sizes[left] + sizes[right] - shared
    return np.where(union > 0, shared / np.maximum(union, 1), 1.0)


def _components(count: int, left: np.ndarray, right: np.ndarray) -> list[list[int]]:
    """Connected groups (size ≥ 2) of the graph with these edges, each ascending, ordered by first index."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    graph = coo_array((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    grouped = np.flatnonzero(np.bincount(labels)[labels] > 1)
    if not len(grouped):
        return []
    members = grouped[np.argsort(labels[grouped], kind="stable")]
    bounds = np.flatnonzero(np.diff(labels[members])) + 1
    return sorted((g.tolist() for g in np.split(members, bounds)), key=lambda g: g[0])


def group_similar(texts: Sequence[str], threshold: float = 0.5) -> list[list[int]]:
    """Groups of indexes of near-identical texts (size ≥ 2), each in first-seen order."""
    if len(texts) < 2:
        return []
    owners, keys = _shingles(texts)
    left, right = _candidates(_signatures(owners, keys, len(texts)))
    similar = _jaccard(owners, keys, len(texts), left, right) >= threshold
    return _components(len(texts), left[similar], right[similar])
