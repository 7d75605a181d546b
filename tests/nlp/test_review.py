"""needs_review: unsure, unsupported by the lexicon, or against the lexicon."""

from nlp import TopicTagger


def test_review_rules(tagger: TopicTagger) -> None:
    review = tagger._needs_review
    assert not review(0.95, 0.02, support=2.0, strongest=2.0)
    assert review(0.7, 0.2, support=2.0, strongest=2.0)  # unsure
    assert review(0.82, 0.1, support=0.0, strongest=0.0)  # sure on n-grams alone
    assert not review(0.9, 0.05, support=0.0, strongest=0.0)  # n-grams alone, very sure
    assert review(0.99, 0.0, support=0.5, strongest=2.0)  # the lexicon points elsewhere


def test_abstract_question_without_topic_words_is_flagged(tagger: TopicTagger) -> None:
    result = tagger.tag("Định hướng của tỉnh trong thời gian tới là gì?")
    assert result.needs_review
