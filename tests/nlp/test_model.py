"""Encoding: the same features and weights as `feature_groups`, row by row, in any batch."""

import math

import numpy as np
import pytest

from nlp import TopicTagger
from nlp.features import GROUP_WEIGHTS, feature_groups
from nlp.model import Encoded
from nlp.training import CORPUS_PATH, read_examples

TEXTS = [text for text, _ in read_examples(CORPUS_PATH)[::9]] + [
    "",
    "Hello there",
    "ko dc ko dc ko dc",
    "Hoà 2024 ((bhyt)) x² ĐVTN",
]


def row(encoded: Encoded, i: int) -> tuple[np.ndarray, np.ndarray]:
    start, end = encoded.indptr[i], encoded.indptr[i + 1]
    return encoded.indices[start:end], encoded.values[start:end]


@pytest.fixture(scope="module")
def encoded(tagger: TopicTagger) -> Encoded:
    return tagger.model.encode([tagger.analyzer.views(text) for text in TEXTS])


def test_encoding_matches_feature_groups(tagger: TopicTagger, encoded: Encoded) -> None:
    vocab = tagger.model.vocab
    for i, text in enumerate(TEXTS):
        expected: dict[int, np.float32] = {}
        views = tagger.analyzer.views(text)
        for group, features in feature_groups(views, tagger.model.restorer).items():
            known = {vocab[group + f] for f in features if group + f in vocab}
            for index in known:
                expected[index] = np.float32(GROUP_WEIGHTS[group] / math.sqrt(len(known)))
        indices, values = row(encoded, i)
        assert dict(zip(indices.tolist(), values.tolist())) == expected
        assert len(indices) == len(expected)


def test_a_row_is_encoded_the_same_alone(tagger: TopicTagger, encoded: Encoded) -> None:
    # Feature order decides the order of the float sums, so it must not depend on the batch.
    for i, text in enumerate(TEXTS):
        alone = tagger.model.encode([tagger.analyzer.views(text)])
        for got, want in zip(row(alone, 0), row(encoded, i)):
            assert got.dtype == want.dtype and np.array_equal(got, want)
