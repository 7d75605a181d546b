"""Words that collide once accents are gone only count inside longer phrases."""

from pathlib import Path

import pytest

from nlp import TopicTagger
from nlp.lexicon import Lexicon, read_lexicon
from nlp.text import Analyzer, load_abbreviations


@pytest.fixture(scope="module")
def lexicon() -> tuple[Analyzer, Lexicon]:
    analyzer = Analyzer(load_abbreviations())
    return analyzer, Lexicon(read_lexicon(analyzer))


def topics(pair: tuple[Analyzer, Lexicon], text: str) -> set[str]:
    analyzer, lexicon = pair
    return {hit.entry.topic for hit in lexicon.hits(analyzer.views(text))}


def test_doan_duong_is_not_youth_union_evidence(
    lexicon: tuple[Analyzer, Lexicon], tagger: TopicTagger
) -> None:
    text = "Đoạn đường từ ấp ra chợ bị sụt lún, xe không đi được"
    assert "doan_hoi" not in topics(lexicon, text)
    result = tagger.tag(text)
    assert result.topic != "doan_hoi"
    assert not any("doan_hoi" in note or "đoàn" in note.lower() for note in result.evidence)


def test_hoi_vien_needs_matching_accents(lexicon: tuple[Analyzer, Lexicon]) -> None:
    assert "doan_hoi" not in topics(lexicon, "Em muốn hỏi viên chức xã về giấy tờ")
    assert "doan_hoi" in topics(lexicon, "Em muốn làm hội viên Hội Liên hiệp Thanh niên")
    assert "khac" in topics(lexicon, "Em muốn hỏi viên chức xã về giấy tờ")


def test_tiem_versus_tiem(lexicon: tuple[Analyzer, Lexicon], tagger: TopicTagger) -> None:
    shop = "Em muốn mở tiệm sửa xe mà thiếu tiền, tỉnh có hỗ trợ gì không?"
    jab = "Thanh niên đi tiêm vắc xin ở trạm y tế xã có mất tiền không?"
    assert "suc_khoe" not in topics(lexicon, shop)
    assert "khoi_nghiep" not in topics(lexicon, jab)
    assert tagger.tag(shop).topic == "khoi_nghiep"
    assert tagger.tag(jab).topic == "suc_khoe"


def test_lone_colliding_syllable_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.tsv"
    path.write_text("doan_hoi\tđoàn\t2.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="collides"):
        read_lexicon(Analyzer(load_abbreviations()), path)


def test_shipped_lexicon_has_no_lone_collisions(lexicon: tuple[Analyzer, Lexicon]) -> None:
    from nlp.labels import COLLISIONS

    _, lex = lexicon
    assert not [e.phrase for e in lex.entries if e.flat in COLLISIONS]
