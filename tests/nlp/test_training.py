"""Training: deterministic, refuses a worse model, shipped model meets its floor."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp import LABELS, TopicTagger
from nlp.lexicon import Lexicon, read_lexicon
from nlp.model import MODEL_PATH, LinearModel
from nlp.text import Analyzer, load_abbreviations
from nlp.training import CORPUS_PATH, evaluate, fit, read_examples, rebuild, split

HELDOUT_FLOOR = 0.85  # shipped model, macro-F1 on the held-out fifth of the corpus


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, str]]:
    return read_examples(CORPUS_PATH)


def test_corpus_size_and_balance(corpus: list[tuple[str, str]]) -> None:
    for label in LABELS:
        assert sum(1 for _, lab in corpus if lab == label) >= 150
    flat = sum(1 for text, _ in corpus if text.isascii())
    assert 0.25 <= flat / len(corpus) <= 0.45


def test_split_is_fixed(corpus: list[tuple[str, str]]) -> None:
    train, held = split(corpus)
    assert split(corpus) == (train, held)
    assert not set(train) & set(held)
    assert 0.1 < len(held) / len(corpus) < 0.3


def test_shipped_model_meets_floor_on_heldout(
    corpus: list[tuple[str, str]], tagger: TopicTagger
) -> None:
    _, held = split(corpus)
    assert evaluate(tagger, held).macro_f1 >= HELDOUT_FLOOR


def test_training_is_deterministic(corpus: list[tuple[str, str]], tmp_path: Path) -> None:
    analyzer = Analyzer(load_abbreviations())
    lexicon = Lexicon(read_lexicon(analyzer))
    train, held = split(corpus)
    first = fit(train, analyzer, lexicon)
    second = fit(train, analyzer, lexicon)
    assert first.vocab == second.vocab
    assert np.array_equal(first.coef, second.coef)
    assert np.array_equal(first.intercept, second.intercept)
    first.save(tmp_path / "a.pkl")
    second.save(tmp_path / "b.pkl")
    assert (tmp_path / "a.pkl").read_bytes() == (tmp_path / "b.pkl").read_bytes()
    texts = [text for text, _ in held]
    one = TopicTagger(LinearModel.load(tmp_path / "a.pkl"), lexicon, analyzer).tag_many(texts)
    two = TopicTagger(LinearModel.load(tmp_path / "b.pkl"), lexicon, analyzer).tag_many(texts)
    assert one == two


def test_worse_model_is_refused(corpus: list[tuple[str, str]], tmp_path: Path) -> None:
    target = tmp_path / "model.pkl"
    shutil.copyfile(MODEL_PATH, target)
    before = target.read_bytes()
    train, _ = split(corpus)
    shifted = {label: LABELS[(i + 1) % len(LABELS)] for i, label in enumerate(LABELS)}
    wrong = [(text, shifted[label]) for text, label in train] * 2
    outcome = rebuild(wrong, target)
    assert not outcome.accepted
    assert "refused" in outcome.message
    assert target.read_bytes() == before


def test_good_corrections_are_accepted(tmp_path: Path) -> None:
    target = tmp_path / "model.pkl"
    shutil.copyfile(MODEL_PATH, target)
    corrections = [("Em muốn hỏi về lớp dạy đờn kìm cho thanh niên ở ấp", "van_hoa_tinh_than")]
    outcome = rebuild(corrections, target)
    assert outcome.accepted, outcome.message
    assert LinearModel.load(target).vocab
