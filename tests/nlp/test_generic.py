"""Generic phrases: official words for "young people" are no topic evidence."""

from pathlib import Path

import pytest

from nlp import TopicTagger
from nlp.lexicon import GENERIC, Lexicon, read_lexicon
from nlp.text import Analyzer, load_abbreviations


@pytest.fixture(scope="module")
def lexicon() -> tuple[Analyzer, Lexicon]:
    analyzer = Analyzer(load_abbreviations())
    return analyzer, Lexicon(read_lexicon(analyzer))


def topics(pair: tuple[Analyzer, Lexicon], text: str) -> list[str]:
    analyzer, lexicon = pair
    return [hit.entry.topic for hit in lexicon.hits(analyzer.views(text))]


@pytest.mark.parametrize(
    "text",
    [
        "Đoàn viên, thanh niên muốn vay vốn làm ăn thì liên hệ ở đâu?",
        "doan vien thanh nien muon vay von lam an",
        "Em là đoàn viên, em muốn hỏi về vay vốn nuôi bò",
        "Cán bộ, đoàn viên, thanh niên trong xã mong có sân bóng",
        "Thanh thiếu nhi trong xã không có chỗ vui chơi dịp hè",
    ],
)
def test_young_people_phrases_are_not_union_evidence(
    lexicon: tuple[Analyzer, Lexicon], text: str
) -> None:
    assert "doan_hoi" not in topics(lexicon, text)


def test_union_words_still_count(lexicon: tuple[Analyzer, Lexicon]) -> None:
    assert "doan_hoi" in topics(lexicon, "Đoàn viên ưu tú được giới thiệu kết nạp Đảng thế nào?")
    assert "doan_hoi" in topics(lexicon, "Chi đoàn ấp sinh hoạt ít quá")


def test_chat_luong_is_not_luong(lexicon: tuple[Analyzer, Lexicon]) -> None:
    assert "khac" not in topics(lexicon, "giai phap nang cao chat luong kham benh")
    assert "khac" in topics(lexicon, "luong cong nhan qua thap")


def test_generic_phrases_never_show_as_hits(lexicon: tuple[Analyzer, Lexicon]) -> None:
    analyzer, lex = lexicon
    assert any(e.topic == GENERIC for e in lex.entries)
    hits = lex.hits(analyzer.views("Đoàn viên, thanh niên hỏi về chất lượng nước"))
    assert all(hit.entry.topic != GENERIC for hit in hits)


def test_generic_topic_is_accepted_and_others_rejected(tmp_path: Path) -> None:
    analyzer = Analyzer(load_abbreviations())
    path = tmp_path / "lexicon.tsv"
    path.write_text("-\tthanh thiếu nhi\t0\n", encoding="utf-8")
    assert read_lexicon(analyzer, path)[0].topic == GENERIC
    path.write_text("nothing\tthanh thiếu nhi\t0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected topic"):
        read_lexicon(analyzer, path)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Em là đoàn viên, em muốn hỏi về vay vốn để mở tiệm sửa xe máy.", "khoi_nghiep"),
        ("Đoàn viên, thanh niên có nhu cầu học nghề hàn thì đăng ký ở đâu?", "khac"),
        ("Khu vui chơi cho thiếu nhi ở khu tái định cư bị bỏ hoang.", "van_hoa_tinh_than"),
        ("Tuổi kết hôn tối thiểu của nữ hiện nay là bao nhiêu?", "suc_khoe"),
        ("Công ty tư nhân của em muốn thành lập chi đoàn thì làm sao?", "doan_hoi"),
    ],
)
def test_scope_cases(tagger: TopicTagger, text: str, topic: str) -> None:
    assert tagger.tag(text).topic == topic
