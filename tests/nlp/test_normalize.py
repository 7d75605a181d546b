"""Normalisation: NFC, tone placement, zero-width, lookalikes, teencode, accent stripping."""

import dataclasses
import importlib
import re
import unicodedata

import pytest

from nlp import normalize
from nlp.normalize import has_diacritics, strip_accents
from nlp.text import Analyzer, load_abbreviations

text_module = importlib.import_module("nlp.text")
normalize_module = importlib.import_module("nlp.normalize")  # `nlp.normalize` is also a function


def test_nfd_input_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Sức khỏe thanh niên")
    assert decomposed != "Sức khỏe thanh niên"
    assert normalize(decomposed) == "Sức khỏe thanh niên"


@pytest.mark.parametrize(
    ("old", "new"),
    [("hoà", "hòa"), ("khoẻ", "khỏe"), ("Thuỷ", "Thủy"), ("HOÀ", "HÒA"), ("tuỳ", "tùy")],
)
def test_old_tone_placement_is_unified(old: str, new: str) -> None:
    assert normalize(f"xã {old}, ấp") == f"xã {new}, ấp"


def test_tone_placement_inside_punctuation() -> None:
    assert normalize("(hoà) khoẻ?") == "(hòa) khỏe?"


def test_zero_width_and_whitespace_are_cleaned() -> None:
    assert normalize("  vay\u200b vốn \u00a0 khởi\ufeff nghiệp \n\n\n ok ") == (
        "vay vốn khởi nghiệp\nok"
    )


@pytest.mark.parametrize("lookalike", ["\u00d0", "\u0189"])
def test_eth_lookalikes_become_d_stroke(lookalike: str) -> None:
    assert normalize(f"{lookalike}oàn viên") == "Đoàn viên"
    assert normalize("\u00f0oàn") == "đoàn"


def test_agrees_with_underthesea_on_words() -> None:
    from underthesea.pipeline.text_normalize import text_normalize

    for text in ["Hoà bình khoẻ mạnh", "thuỷ lợi quí giá", "Ðoàn xã hoà giải"]:
        assert normalize(text) == text_normalize(text)


def test_strip_accents_keeps_length() -> None:
    text = "Đoàn viên hỏi về sổ đỏ"
    flat = strip_accents(text)
    assert flat == "Doan vien hoi ve so do"
    assert len(flat) == len(text)
    assert has_diacritics(text) and not has_diacritics(flat)


@pytest.mark.parametrize(
    ("raw", "expanded"),
    [
        ("e ko bít j hết", "em không bít gì hết"),
        ("dc hay đc, ntn ad?", "được hay được, như thế nào admin?"),
        ("mk hỏi bn tiền r v", "mình hỏi bao nhiêu tiền rồi vậy"),
        ("CĐS, BHYT, NHCSXH", "chuyển đổi số, bảo hiểm y tế, ngân hàng chính sách xã hội"),
        ("ĐVTN và TNCS, CNTT", "đoàn viên thanh niên và thanh niên cộng sản, công nghệ thông tin"),
    ],
)
def test_teencode_and_domain_abbreviations_expand(raw: str, expanded: str) -> None:
    views = Analyzer(load_abbreviations()).views(raw)
    assert views.accented == expanded
    assert views.flat == strip_accents(expanded)


def test_vneid_and_ocop_stay_words() -> None:
    views = Analyzer(load_abbreviations()).views("VNeID và OCOP")
    assert views.tokens == ("vneid", "va", "ocop")


def test_doubly_wrapped_word_is_replaced_only_when_some_word_asks() -> None:
    # A word is looked up bare or with one character trimmed at either end; "((hoà))" is
    # neither, so it is fixed only when another word of the line sends the line to the map.
    assert normalize("((hoà))") == "((hoà))"
    assert normalize("((hoà)) hoà") == "((hòa)) hòa"
    analyzer = Analyzer(load_abbreviations())
    assert analyzer.views("((ko))").accented == "((ko))"
    assert analyzer.views("((ko)) ko").accented == "((không)) không"


AWKWARD = [
    "",
    "  Em   hỏi\tthủ tục\u00a0BHYT  ",
    "dòng một ko\n\n dòng hai (dc) 12 tuổi\r\nxã Hoà 2024",
    "ĐVTN, CĐS; e ko bít j hết...",
    "((ko)) hoà thuỷ 3,5tr/tháng",
    "Hello how are you",
    "VNeID\u200b và OCOP x²",
]


def reference_views(analyzer: Analyzer, text: str) -> tuple[object, ...]:
    """The views spelled out step by step over the whole message (no per-word memo)."""
    clean = normalize(text)
    expanded = re.sub(r"\d+", "0", analyzer.expand(clean.lower().replace("\n", " ")))
    flat = strip_accents(expanded)
    tokens = tuple(re.findall(r"\w+", flat))
    accented = tuple(re.findall(r"\w+", expanded))
    return clean, expanded, flat, has_diacritics(clean), tokens, accented


@pytest.mark.parametrize("text", AWKWARD)
def test_views_match_the_whole_message_pipeline(text: str) -> None:
    analyzer = Analyzer(load_abbreviations())
    for _ in range(2):  # cold, then from the per-word memo
        views = analyzer.views(text)
        assert dataclasses.astuple(views) == reference_views(analyzer, text)


def test_forgetting_words_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [Analyzer(load_abbreviations()).views(text) for text in AWKWARD]
    monkeypatch.setattr(text_module, "MEMO_LIMIT", 2)
    monkeypatch.setattr(normalize_module, "MEMO_LIMIT", 2)  # the tone fixer's memo
    analyzer = Analyzer(load_abbreviations())
    assert [analyzer.views(text) for text in AWKWARD * 2] == expected * 2
