"""TopicTagger API: result shape, multi-topic, language handling, batches."""

import dataclasses

import pytest

from nlp import LABELS, TagResult, TopicTagger
from nlp.training import CORPUS_PATH, read_examples


def test_labels_order() -> None:
    assert LABELS == (
        "suc_khoe", "van_hoa_tinh_than", "khoi_nghiep", "chuyen_doi_so", "doan_hoi", "khac"
    )


def test_result_shape(tagger: TopicTagger) -> None:
    result = tagger.tag("cho em hoi ve von vay khoi nghiep")
    assert isinstance(result, TagResult)
    assert result.topic == "khoi_nghiep"
    assert set(result.scores) == set(LABELS)
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert result.language == "vi"
    assert any("khởi nghiệp" in note for note in result.evidence)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.topic = "khac"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Em muốn mở tiệm sửa xe mà thiếu tiền, tỉnh có hỗ trợ gì không?", "khoi_nghiep"),
        ("the bhyt cua e het han r, gia han o dau v ad", "suc_khoe"),
        ("tk vneid cua mk bi khoa ko dang nhap dc", "chuyen_doi_so"),
        ("Kính gửi lãnh đạo tỉnh, em xin hỏi khi nào nhà văn hóa ấp được sửa lại "
         "để thanh niên có chỗ sinh hoạt văn nghệ ạ?", "van_hoa_tinh_than"),
        ("Chi đoàn ấp em lâu rồi không sinh hoạt, ĐVTN đi làm xa hết", "doan_hoi"),
        ("đường vô ấp toàn ổ gà, mưa xuống lầy lội", "khac"),
    ],
)
def test_typical_questions(tagger: TopicTagger, text: str, topic: str) -> None:
    assert tagger.tag(text).topic == topic


def test_two_topics_give_a_secondary(tagger: TopicTagger) -> None:
    result = tagger.tag(
        "Em muốn vay vốn khởi nghiệp mở quán cà phê, đồng thời hỏi luôn thẻ bảo hiểm y tế "
        "cho công nhân mua ở đâu, khám bệnh ở trạm y tế có được không?"
    )
    assert {result.topic, result.secondary} == {"khoi_nghiep", "suc_khoe"}


def test_single_topic_has_no_secondary(tagger: TopicTagger) -> None:
    result = tagger.tag("Lãi suất vay vốn khởi nghiệp ở ngân hàng chính sách là bao nhiêu?")
    assert result.topic == "khoi_nghiep"
    assert result.secondary is None
    assert not result.needs_review


@pytest.mark.parametrize(
    "text", ["How can I get a startup loan for young people?", "Bonjour, je voudrais savoir"]
)
def test_foreign_language_is_flagged(tagger: TopicTagger, text: str) -> None:
    result = tagger.tag(text)
    assert (result.language, result.topic, result.needs_review) == ("other", "khac", True)
    assert sum(result.scores.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("text", ["", "   ", "😀😀🙏", "\u200b", "???"])
def test_empty_or_emoji_is_flagged(tagger: TopicTagger, text: str) -> None:
    result = tagger.tag(text)
    assert (result.language, result.topic, result.needs_review) == ("empty", "khac", True)


def test_unaccented_vietnamese_is_vietnamese(tagger: TopicTagger) -> None:
    assert tagger.tag("nha van hoa xa minh xuong cap qua").language == "vi"


def test_tag_many_matches_tag(tagger: TopicTagger) -> None:
    texts = ["vay von mo tiem tap hoa", "", "Hello there", "lễ hội Ok Om Bok có đua ghe ngo không"]
    texts = texts * 300  # crosses the internal chunk size
    batch = tagger.tag_many(texts)
    assert len(batch) == len(texts)
    for text, result in zip(texts[:4], batch[:4]):
        assert result == tagger.tag(text)
    assert batch[4] == batch[0]


def test_evidence_ngrams_are_the_three_strongest_word_features(tagger: TopicTagger) -> None:
    texts = [text for text, _ in read_examples(CORPUS_PATH)]
    model = tagger.model
    encoded = model.encode([tagger.analyzer.views(text) for text in texts])
    topics = model.logits(encoded).argmax(axis=1)
    names = {index: name for name, index in model.vocab.items()}
    got = tagger._top_ngrams(encoded, topics)
    for i, topic in enumerate(topics.tolist()):
        start, end = encoded.indptr[i], encoded.indptr[i + 1]
        pushes = [
            (float(model.coef[index, topic] * value), names[index])
            for index, value in zip(encoded.indices[start:end], encoded.values[start:end])
            if names[index][0] in "wf"
        ]
        # strongest first; equal pushes keep the row's feature order (sorted() is stable)
        top = sorted((p for p in pushes if p[0] > 0), key=lambda p: -p[0])[:3]
        assert got[i] == tuple(f"n-gram '{name[1:]}' (+{push:.2f})" for push, name in top)
