"""Outgoing text split at each channel's limit (Telegram 4,096, Zalo 2,000), Vietnamese text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram_aiogram import TEXT_LIMIT as TELEGRAM_LIMIT
from bot.channels.textsplit import split_text
from bot.channels.zalo_api import TEXT_LIMIT as ZALO_LIMIT

SENTENCE = (
    "Đề nghị tỉnh quan tâm hỗ trợ thanh niên khởi nghiệp ở vùng nông thôn, nhất là vốn vay ưu đãi "
    "và đào tạo kỹ năng quản trị doanh nghiệp nhỏ! "
)
WORDS = ["thanh", "niên", "khởi", "nghiệp", "Sóc", "Trăng", "đối", "thoại", "việc", "làm", "ưu", "đãi",
         "chuyển", "đổi", "số", "sức", "khỏe", "tiếng", "Khmer", "điều", "kiện"]


def words(pieces: list[str]) -> list[str]:
    return [word for piece in pieces for word in piece.split()]


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, ZALO_LIMIT])
def test_long_vietnamese_text_is_cut_at_sentence_ends(limit: int) -> None:
    text = SENTENCE * (2 * limit // len(SENTENCE) + 3)
    pieces = split_text(text, limit)
    assert len(pieces) >= 3
    assert all(0 < len(piece) <= limit for piece in pieces)
    assert all(piece.endswith("doanh nghiệp nhỏ!") for piece in pieces)
    assert words(pieces) == text.split()  # no word was broken or lost


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, ZALO_LIMIT])
def test_lines_are_preferred_over_sentences(limit: int) -> None:
    lines = [f"{n}. Câu hỏi số {n} về việc làm cho thanh niên (đã tiếp nhận)" for n in range(1, 400)]
    text = "\n".join(lines)
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert [line for piece in pieces for line in piece.split("\n")] == lines


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, ZALO_LIMIT])
def test_text_at_the_limit_is_one_piece(limit: int) -> None:
    text = ("Sức khỏe " * limit)[:limit].strip()
    assert split_text(text, limit) == [text]
    assert split_text("", limit) == [""]


def test_only_a_word_longer_than_the_limit_is_broken() -> None:
    url = "https://tinhdoan.soctrang.gov.vn/" + "a" * 2100
    pieces = split_text(f"Xem chi tiết tại {url} nhé.", ZALO_LIMIT)
    assert all(len(piece) <= ZALO_LIMIT for piece in pieces)
    assert "".join(pieces).replace(" ", "") == f"Xem chi tiết tại {url} nhé.".replace(" ", "")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS + ["việc.", "làm!", "không?", "\n", "\n\n", "…"]), min_size=1, max_size=900),
    st.sampled_from([ZALO_LIMIT, TELEGRAM_LIMIT, 50]),
)
def test_pieces_fit_and_keep_every_word(tokens: list[str], limit: int) -> None:
    text = " ".join(tokens)
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert words(pieces) == text.split()
