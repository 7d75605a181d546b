"""The linear n-gram model: vocabulary, weights, and batch scoring with numpy."""

import math
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nlp.features import GROUP_WEIGHTS, accented_words, char_ngrams, word_features
from nlp.labels import LABELS
from nlp.text import DATA_DIR, Views

MODEL_PATH = DATA_DIR / "tagger_model.pkl"
FORMAT = 1


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

    def encode(self, batch: list[Views]) -> Encoded:
        """Map messages to normalised feature vectors (per-group L2, unknown features dropped).

        Same features as `feature_groups`, but char n-grams are looked up once per distinct
        word and cached, which is what makes tagging fast.
        """
        vocab = self.vocab
        cache = self._token_cache
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for views in batch:
            tokens = views.tokens
            words: set[int] = set()
            chars: set[int] = set()
            for token in tokens:
                entry = cache.get(token) or self._token_entry(token)
                words.update(entry[0])
                chars.update(entry[1])
            for a, b in zip(tokens, tokens[1:]):
                if (i := vocab.get("w" + a + " " + b)) is not None:
                    words.add(i)
            accented = {
                i for f in accented_words(views) if (i := vocab.get("a" + f)) is not None
            }
            for group, known in (("w", words), ("c", chars), ("a", accented)):
                if known:
                    indices.extend(known)
                    values.extend([GROUP_WEIGHTS[group] / math.sqrt(len(known))] * len(known))
            indptr.append(len(indices))
        return Encoded(
            np.asarray(indptr, dtype=np.int64),
            np.asarray(indices, dtype=np.int64),
            np.asarray(values, dtype=np.float32),
        )

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
