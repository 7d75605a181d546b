"""TopicTagger: lexicon + linear n-gram model, combined into calibrated topic scores."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.labels import FALLBACK, LABELS
from nlp.language import detect
from nlp.lexicon import LEXICON_PATH, Lexicon, read_lexicon
from nlp.model import MODEL_PATH, Encoded, LinearModel
from nlp.text import ABBREVIATIONS_PATH, Analyzer, Views, load_abbreviations

# Decision settings; a trained model may override them in its `settings`.
DEFAULTS = {
    "lexicon_scale": 0.6,  # logit added per unit of lexicon weight
    "lexicon_cap": 4.0,  # lexicon weight counted per topic at most
    # needs_review rules, chosen on the corpus's 5-fold cross-validation (88% of its
    # out-of-fold errors flagged, 24% of all questions), never on the dev set
    "review_below": 0.8,  # top probability under this
    "review_margin": 0.2,  # top minus second probability under this
    "review_unsupported": 0.85,  # top probability under this and no lexicon phrase for it
    "review_lexicon_gap": 1.0,  # another topic's lexicon weight exceeds the top one's by this
    "secondary_min": 0.2,  # second probability needed for a secondary topic
}
CHUNK = 512
_FALLBACK_SCORES = {label: float(label == FALLBACK) for label in LABELS}


@dataclass(frozen=True, slots=True)
class TagResult:
    """Topic decision for one message."""

    topic: str
    scores: dict[str, float]
    secondary: str | None
    needs_review: bool
    evidence: tuple[str, ...]
    language: str  # "vi", "other" or "empty"


class TopicTagger:
    """Tags Vietnamese youth questions with one of LABELS."""

    def __init__(self, model: LinearModel, lexicon: Lexicon, analyzer: Analyzer) -> None:
        self.model = model
        self.lexicon = lexicon
        self.analyzer = analyzer
        self.settings = {**DEFAULTS, **model.settings}
        self._names: list[str] | None = None
        self._mask: np.ndarray | None = None
        model.prepare()  # built now, so the first message pays nothing extra
        self._word_mask()

    @classmethod
    def load(
        cls,
        model_path: Path | None = None,
        lexicon_path: Path | None = None,
        abbreviations_path: Path | None = None,
    ) -> "TopicTagger":
        """Load the shipped model (or the given files); works offline."""
        analyzer = Analyzer(load_abbreviations(abbreviations_path or ABBREVIATIONS_PATH))
        lexicon = Lexicon(read_lexicon(analyzer, lexicon_path or LEXICON_PATH))
        return cls(LinearModel.load(model_path or MODEL_PATH), lexicon, analyzer)

    def tag(self, text: str) -> TagResult:
        """Tag one message."""
        return self.tag_many([text])[0]

    def tag_many(self, texts: Iterable[str]) -> list[TagResult]:
        """Tag many messages, vectorised in chunks (bounded memory for big batches)."""
        texts = list(texts)
        results: list[TagResult] = []
        for start in range(0, len(texts), CHUNK):
            results.extend(self._tag_chunk(texts[start : start + CHUNK]))
        return results

    def _tag_chunk(self, texts: list[str]) -> list[TagResult]:
        views = [self.analyzer.views(t) for t in texts]
        languages = [detect(v) for v in views]
        picked = [i for i, lang in enumerate(languages) if lang == "vi"]
        results: list[TagResult | None] = [None] * len(views)
        for i, lang in enumerate(languages):
            if lang != "vi":
                note = ("no text to tag",) if lang == "empty" else ("not Vietnamese",)
                results[i] = TagResult(FALLBACK, dict(_FALLBACK_SCORES), None, True, note, lang)
        if picked:
            for i, result in zip(picked, self._tag_views([views[i] for i in picked])):
                results[i] = result
        return [r for r in results if r is not None]

    def _tag_views(self, batch: list[Views]) -> list[TagResult]:
        s = self.settings
        hits = [self.lexicon.hits(v) for v in batch]
        lex = np.array([Lexicon.scores(h) for h in hits], dtype=np.float32)
        encoded = self.model.encode(batch)
        logits = self.model.logits(encoded)
        logits += s["lexicon_scale"] * np.minimum(lex, s["lexicon_cap"])
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        order = np.argsort(-probs, axis=1, kind="stable")[:, :2]
        ngrams = self._top_ngrams(encoded, order[:, 0])
        results = []
        for prob, (first, second), lex_row, row_hits, notes in zip(
            probs.tolist(), order.tolist(), lex.tolist(), hits, ngrams
        ):
            p1, p2 = prob[first], prob[second]
            touches = p2 >= s["secondary_min"] and (lex_row[second] > 0 or p2 >= 0.3)
            results.append(
                TagResult(
                    topic=LABELS[first],
                    scores=dict(zip(LABELS, prob)),
                    secondary=LABELS[second] if touches else None,
                    needs_review=self._needs_review(p1, p2, lex_row[first], max(lex_row)),
                    evidence=tuple(
                        f"lexicon '{h.entry.phrase}' -> {h.entry.topic} (+{h.entry.weight:g})"
                        for h in row_hits
                    ) + notes,
                    language="vi",
                )
            )
        return results

    def _needs_review(self, p1: float, p2: float, support: float, strongest: float) -> bool:
        """Unsure, or sure on n-grams alone, or against the lexicon: a person should look."""
        s = self.settings
        return (
            p1 < s["review_below"]
            or p1 - p2 < s["review_margin"]
            or (support == 0 and p1 < s["review_unsupported"])
            or strongest - support > s["review_lexicon_gap"]
        )

    def _top_ngrams(self, encoded: Encoded, topics: np.ndarray) -> list[tuple[str, ...]]:
        """Per row, the (at most 3) word n-grams that pushed hardest toward its topic."""
        rows = np.repeat(np.arange(len(topics)), np.diff(encoded.indptr))
        words = self._word_mask()[encoded.indices]  # char n-grams explain nothing to a reader
        rows, index = rows[words], encoded.indices[words]
        contrib = self.model.coef[index, topics[rows]] * encoded.values[words]
        keep = contrib > 0
        rows, contrib, index = rows[keep], contrib[keep], index[keep]
        # Rows are ascending already; sort by (row, contrib descending) with one stable sort
        # of a packed int64, since the bits of a positive float32 grow with its value.
        descending = np.int32(0x7FFFFFFF) - contrib.view(np.int32)
        ranked = np.argsort((rows << 31) | descending, kind="stable")
        rows, contrib, index = rows[ranked], contrib[ranked], index[ranked]
        # rank within the row = position minus where the row starts in the sorted order
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
        top = rank < 3
        names = self._feature_names()
        out: list[list[str]] = [[] for _ in range(len(topics))]
        for row, value, feature in zip(
            rows[top].tolist(), contrib[top].tolist(), index[top].tolist()
        ):
            out[row].append(f"n-gram '{names[feature][1:]}' (+{value:.2f})")
        return [tuple(notes) for notes in out]

    def _word_mask(self) -> np.ndarray:
        if self._mask is None:
            self._mask = np.array([n[0] in "wf" for n in self._feature_names()], dtype=bool)
        return self._mask

    def _feature_names(self) -> Sequence[str]:
        if self._names is None:
            names = [""] * len(self.model.vocab)
            for name, index in self.model.vocab.items():
                names[index] = name
            self._names = names
        return self._names
