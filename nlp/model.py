"""The linear n-gram model: vocabulary, weights, and batch scoring with numpy."""

import pickle
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path

import numpy as np

from nlp.features import GROUP_WEIGHTS, accented_words, char_ngrams, word_features
from nlp.labels import LABELS
from nlp.text import DATA_DIR, Views

MODEL_PATH = DATA_DIR / "tagger_model.pkl"
FORMAT = 1
_GROUPS = ("w", "c", "a")  # order of the feature groups inside an encoded row
_WEIGHTS = np.array([GROUP_WEIGHTS[g] for g in _GROUPS], dtype=np.float64)
_UNIGRAMS, _CHARS = itemgetter(0), itemgetter(1)
_KNOWN = (-1).__ne__  # -1 stands for a feature outside the vocabulary


@dataclass(frozen=True, slots=True)
class Encoded:
    """A batch in CSR layout: row i owns indices/values[indptr[i]:indptr[i + 1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray


@dataclass(slots=True)
class LinearModel:
    """Multinomial logistic regression weights over a fixed feature vocabulary."""

    vocab: dict[str, int]
    coef: np.ndarray  # (n_features, n_labels) float32
    intercept: np.ndarray  # (n_labels,) float32
    settings: dict[str, float] = field(default_factory=dict)
    _token_cache: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = field(
        default_factory=dict, repr=False
    )
    # Bigram and accented-word features keyed by their words; rebuilt when `vocab` changes.
    _pairs: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)
    _marked: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _indexed: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def encode(self, batch: list[Views]) -> Encoded:
        """Map messages to normalised feature vectors (per-group L2, unknown features dropped)."""
        # Same features as `feature_groups`, but char n-grams are looked up once per distinct
        # word and cached. Each group's set is filled in the same order as a plain loop would
        # fill it, so rows keep their feature order and the float sums stay bit for bit.
        if self._indexed is not self.vocab:
            self._index_words()
        cache, pairs, marked = self._token_cache, self._pairs, self._marked
        indices: list[int] = []
        sizes: list[int] = []  # per row, the number of features in each group
        for views in batch:
            tokens = views.tokens
            try:
                entries = list(map(cache.__getitem__, tokens))
            except KeyError:
                entries = [cache.get(t) or self._token_entry(t) for t in tokens]
            words = set(chain.from_iterable(map(_UNIGRAMS, entries)))
            words.update(filter(_KNOWN, map(pairs.get, zip(tokens, tokens[1:]), repeat(-1))))
            chars = set(chain.from_iterable(map(_CHARS, entries)))
            accented = set(filter(_KNOWN, map(marked.get, accented_words(views), repeat(-1))))
            indices += words
            indices += chars
            indices += accented
            sizes += (len(words), len(chars), len(accented))
        counts = np.array(sizes, dtype=np.int64)
        indptr = np.zeros(len(batch) + 1, dtype=np.int64)
        np.cumsum(counts.reshape(-1, len(_GROUPS)).sum(axis=1), out=indptr[1:])
        # weight / sqrt(size) in float64 like the scalar formula, then rounded to float32
        scale = np.tile(_WEIGHTS, len(batch)) / np.sqrt(np.maximum(counts, 1))
        return Encoded(
            indptr,
            np.array(indices, dtype=np.int64),
            np.repeat(scale, counts).astype(np.float32),
        )

    def _index_words(self) -> None:
        """Key bigram and accented-word features by their words (no string building per lookup)."""
        self._pairs, self._marked = {}, {}
        for name, index in self.vocab.items():
            if name[0] == "w" and " " in name:
                first, _, second = name[1:].partition(" ")
                self._pairs[first, second] = index
            elif name[0] == "a":
                self._marked[name[1:]] = index
        self._indexed = self.vocab

    def _token_entry(self, token: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Vocabulary indices of a word as a unigram and of its char n-grams (cached)."""
        vocab = self.vocab
        unigram = word_features((token,))
        entry = (
            tuple(i for f in unigram if (i := vocab.get("w" + f)) is not None),
            tuple(i for f in char_ngrams(token) if (i := vocab.get("c" + f)) is not None),
        )
        if len(self._token_cache) > 100_000:
            self._token_cache.clear()  # bound memory on endless streams of new words
        self._token_cache[token] = entry
        return entry

    def logits(self, encoded: Encoded) -> np.ndarray:
        """Raw per-label scores for every row of the batch."""
        rows = len(encoded.indptr) - 1
        out = np.tile(self.intercept, (rows, 1))
        starts = encoded.indptr[:-1]
        filled = encoded.indptr[1:] > starts
        if filled.any():
            contrib = self.coef[encoded.indices] * encoded.values[:, None]
            out[filled] += np.add.reduceat(contrib, starts[filled], axis=0)
        return out

    def save(self, path: Path) -> None:
        """Write the model deterministically (same weights give the same bytes)."""
        payload = {
            "format": FORMAT,
            "labels": LABELS,
            "vocab": self.vocab,
            "coef": self.coef,
            "intercept": self.intercept,
            "settings": self.settings,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(pickle.dumps(payload, protocol=4))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "LinearModel":
        """Read a model written by `save`."""
        payload = pickle.loads(path.read_bytes())  # noqa: S301 - our own artefact
        if payload.get("format") != FORMAT or tuple(payload["labels"]) != LABELS:
            raise ValueError(f"{path}: not a tagger model of format {FORMAT}")
        return cls(payload["vocab"], payload["coef"], payload["intercept"], payload["settings"])
