"""The linear n-gram model: vocabulary, weights, restorer, and batch scoring with numpy."""

import pickle
import sys
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path

import numpy as np

from nlp.accents import Restorer
from nlp.features import GROUP_WEIGHTS, GROUPS, accented_tokens, char_ngrams, word_features
from nlp.labels import LABELS
from nlp.normalize import strip_accents
from nlp.text import DATA_DIR, Views

MODEL_PATH = DATA_DIR / "tagger_model.pkl"
FORMAT = 2
_WEIGHTS = np.array([GROUP_WEIGHTS[g] for g in GROUPS], dtype=np.float64)
_UNIGRAMS, _CHARS, _FLAT = itemgetter(0), itemgetter(1), itemgetter(2)
Entry = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
_KNOWN = (-1).__ne__  # -1 stands for a feature outside the vocabulary


def _known(vocab: dict[str, int], names: list[str]) -> tuple[int, ...]:
    """Indices of the names that are in the vocabulary."""
    return tuple(filter(_KNOWN, map(vocab.get, names, repeat(-1))))


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
    restorer: Restorer
    settings: dict[str, float] = field(default_factory=dict)
    # per accented word: vocabulary indices as a unigram, of its char n-grams, and as a flat
    # unigram (its accents stripped); bounded, see `_word_entry`
    _word_cache: dict[str, Entry] = field(default_factory=dict, repr=False)
    # Bigram features keyed by their two words, per group; rebuilt when `vocab` changes.
    _pairs: dict[str, dict[tuple[str, str], int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _indexed: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def encode(self, batch: list[Views]) -> Encoded:
        """Map messages to normalised feature vectors (per-group L2, unknown features dropped)."""
        # Same features as `feature_groups`, but the features of each word are looked up once
        # per distinct accented word and cached (its flat form is its accents stripped). Each
        # group's set is filled in the same order whatever the batch, so rows keep their
        # feature order and float sums their bits.
        self.prepare()
        cache, pairs, flat_pairs = self._word_cache, self._pairs["w"], self._pairs["f"]
        indices: list[int] = []
        sizes: list[int] = []  # per row, the number of features in each group
        for views in batch:
            flat = views.tokens
            tokens = accented_tokens(views, self.restorer)
            try:
                entries = list(map(cache.__getitem__, tokens))
            except KeyError:
                entries = [cache.get(t) or self._word_entry(t) for t in tokens]
            words = set(chain.from_iterable(map(_UNIGRAMS, entries)))
            words.update(filter(_KNOWN, map(pairs.get, zip(tokens, tokens[1:]), repeat(-1))))
            chars = set(chain.from_iterable(map(_CHARS, entries)))
            flats = set(chain.from_iterable(map(_FLAT, entries)))
            flats.update(filter(_KNOWN, map(flat_pairs.get, zip(flat, flat[1:]), repeat(-1))))
            indices += words
            indices += chars
            indices += flats
            sizes += (len(words), len(chars), len(flats))
        counts = np.array(sizes, dtype=np.int64)
        indptr = np.zeros(len(batch) + 1, dtype=np.int64)
        np.cumsum(counts.reshape(-1, len(GROUPS)).sum(axis=1), out=indptr[1:])
        # weight / sqrt(size) in float64 like the scalar formula, then rounded to float32
        scale = np.tile(_WEIGHTS, len(batch)) / np.sqrt(np.maximum(counts, 1))
        return Encoded(
            indptr,
            np.array(indices, dtype=np.int64),
            np.repeat(scale, counts).astype(np.float32),
        )

    def prepare(self) -> None:
        """Index bigrams by their words and fill the word cache with known words; done once."""
        if self._indexed is self.vocab:
            return
        self._pairs = {"w": {}, "f": {}}
        known: list[str] = []
        for name, index in self.vocab.items():
            if name[0] in self._pairs and " " in name:
                first, _, second = name[1:].partition(" ")
                self._pairs[name[0]][sys.intern(first), sys.intern(second)] = index
            elif name[0] == "w":
                known.append(name[1:])
        self._indexed = self.vocab
        # The words the model knows are looked up now: new text then pays only for new words.
        self._word_cache.clear()
        for word in known:
            self._word_entry(word)

    def _word_entry(self, token: str) -> Entry:
        """Vocabulary indices of a word as a unigram, of its char n-grams, as a flat unigram."""
        vocab = self.vocab
        entry = (
            _known(vocab, ["w" + f for f in word_features((token,))]),
            _known(vocab, ["c" + f for f in char_ngrams(token)]),
            _known(vocab, ["f" + f for f in word_features((strip_accents(token),))]),
        )
        cache = self._word_cache
        if len(cache) > 100_000:
            cache.clear()  # bound memory on endless streams of new words
        cache[token] = entry
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
            "accents": (self.restorer.single, self.restorer.pairs),
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
        restorer = Restorer(*payload["accents"])
        return cls(
            payload["vocab"], payload["coef"], payload["intercept"], restorer, payload["settings"]
        )
