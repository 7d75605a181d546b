"""Normalisation: NFC, tone placement, zero-width, lookalikes, teencode, accent stripping."""

import unicodedata

import pytest

from nlp import normalize
from nlp.normalize import has_diacritics, strip_accents
from nlp.text import Analyzer, load_abbreviations


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
