"""Training: deterministic, refuses a worse model, shipped model meets its floor."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nlp import LABELS, TopicTagger
from nlp.lexicon import Lexicon, read_lexicon
from nlp.model import MODEL_PATH, LinearModel
from nlp.text import Analyzer, load_abbreviations
from nlp.normalize import has_diacritics, strip_accents
from nlp.training import (
    CORPUS_PATH,
    FOLDS,
    cross_validate,
    evaluate,
    fit,
    fold_of,
    gate_sets,
    read_examples,
    rebuild,
    split,
    training_rows,
)

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


def test_training_rows_add_unaccented_copies(corpus: list[tuple[str, str]]) -> None:
    analyzer = Analyzer(load_abbreviations())
    lexicon = Lexicon(read_lexicon(analyzer))
    some = corpus[:40]
    rows = training_rows(some, lexicon)
    accented = [(t, label) for t, label in some if has_diacritics(t)]
    assert all((strip_accents(t), label) in rows for t, label in accented)
    assert not any(label == "-" for _, label in rows)  # generic phrases are no examples
    assert len(rows) == 2 * len(accented) + (len(some) - len(accented)) + 2 * sum(
        1 for e in lexicon.entries if e.topic in LABELS and has_diacritics(e.phrase)
    ) + sum(1 for e in lexicon.entries if e.topic in LABELS and not has_diacritics(e.phrase))


def test_heldout_is_fold_zero_and_gates_both_spellings(corpus: list[tuple[str, str]]) -> None:
    _, held = split(corpus)
    assert all(fold_of(t) == 0 for t, _ in held)
    gates = gate_sets(held)
    assert gates["held-out"] == held
    assert all(t.isascii() or not has_diacritics(t) for t, _ in gates["held-out, accents removed"])


def test_cross_validation_tags_every_item_once_out_of_fold(corpus: list[tuple[str, str]]) -> None:
    analyzer = Analyzer(load_abbreviations())
    lexicon = Lexicon(read_lexicon(analyzer))
    small = corpus[::12]
    out = cross_validate(small, analyzer, lexicon)
    expected = small + [(strip_accents(t), label) for t, label in small if has_diacritics(t)]
    assert sorted(e for e, _ in out) == sorted(expected)
    assert {fold_of(t) for t, _ in small} <= set(range(FOLDS))


def test_eval_file_is_reported_not_a_gate(tmp_path: Path) -> None:
    target = tmp_path / "model.pkl"
    shutil.copyfile(MODEL_PATH, target)
    text = "Ấp Tà Nốt có lớp dạy đờn kìm cho thanh niên không?"
    outside = tmp_path / "outside.jsonl"
    outside.write_text(
        json.dumps({"text": text, "label": "van_hoa_tinh_than"}, ensure_ascii=False), "utf-8"
    )
    # corrections that make the new model worse on the outside set, and on it alone
    outcome = rebuild([(text, "khac")] * 3, target, outside)
    name = "outside.jsonl (reported only)"
    assert outcome.new[name] < outcome.old[name]
    assert outcome.accepted, outcome.message


def test_word_pairs_seen_once_are_left_out(corpus: list[tuple[str, str]]) -> None:
    analyzer = Analyzer(load_abbreviations())
    lexicon = Lexicon(read_lexicon(analyzer))
    base = corpus[::40]
    once = fit(base + [("zeta quokka", "khac")], analyzer, lexicon).vocab
    assert "wzeta" in once and "fzeta" in once  # single words always count
    assert "wzeta quokka" not in once and "fzeta quokka" not in once
    twice = fit(base + [("zeta quokka", "khac")] * 2, analyzer, lexicon).vocab
    assert "wzeta quokka" in twice and "fzeta quokka" in twice
