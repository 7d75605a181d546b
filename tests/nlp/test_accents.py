"""Accent restoration: unaccented syllables read from their neighbours, typed accents kept."""

import pytest

from nlp import TopicTagger
from nlp.accents import Restorer, build
from nlp.features import accented_tokens, feature_groups


def restored(tagger: TopicTagger, text: str) -> str:
    return " ".join(accented_tokens(tagger.analyzer.views(text), tagger.model.restorer))


@pytest.mark.parametrize(
    ("flat", "accented"),
    [
        ("van de viec lam", "vấn đề việc làm"),
        ("giu gin van hoa", "giữ gìn văn hóa"),
        ("chinh sach ho tro", "chính sách hỗ trợ"),
        ("doc sach", "đọc sách"),
        ("nang cao chat luong", "nâng cao chất lượng"),
        ("luong cong nhan thap", "lương công nhân thấp"),
    ],
)
def test_collisions_are_read_from_context(tagger: TopicTagger, flat: str, accented: str) -> None:
    assert restored(tagger, flat) == accented


def test_typed_accents_are_kept_and_bare_words_restored(tagger: TopicTagger) -> None:
    assert restored(tagger, "Em muốn hỏi ve vay von") == "em muốn hỏi về vay vốn"
    assert restored(tagger, "văn đề") == "văn đề"  # what the youth typed is never changed


def test_stronger_pair_decides_and_unknown_words_stay() -> None:
    restorer = Restorer(
        single={"ban": "bạn"},
        pairs={("mua", "ban"): ("mua", "bán", 5.0), ("ban", "be"): ("bạn", "bè", 2.0)},
    )
    words = ("mua", "ban", "be", "xyz")
    assert restorer.restore(words, words) == ("mua", "bán", "bè", "xyz")
    assert restorer.restore(("ban",), ("ban",)) == ("bạn",)
    assert restorer.restore((), ()) == ()


def test_build_learns_only_from_accented_text() -> None:
    # a text typed without accents says nothing about which accents belong where
    restorer = build(["vấn đề", "van de", "van de", "van de"], wordlists={})
    assert restorer.single["van"] == "vấn"
    assert restorer.single["de"] == "đề"


def test_unaccented_question_gets_the_accented_word_features(tagger: TopicTagger) -> None:
    restorer = tagger.model.restorer
    typed = feature_groups(tagger.analyzer.views("Vấn đề việc làm"), restorer)
    bare = feature_groups(tagger.analyzer.views("van de viec lam"), restorer)
    assert typed["w"] == bare["w"]
    assert "vấn đề" in typed["w"] and "văn" not in typed["w"]
