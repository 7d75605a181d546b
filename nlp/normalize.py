"""Text clean-up: NFC, tone placement, zero-width and whitespace, accent stripping."""

import importlib.util
import pickle
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# underthesea's own normalisation rules (character lookalikes + old/new tone placement).
# Read directly: importing the underthesea package costs ~1.5 s (it loads joblib and every
# pipeline), while its rule file is a plain pickle of two dicts.
_RULES_RELATIVE = ("pipeline", "text_normalize", "tn_rules_2023_07_14.bin")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
# Lookalikes of Đ/đ that underthesea's map does not cover (it covers U+00D0/U+00F0).
_LOOKALIKES = {0x00D0: "Đ", 0x00F0: "đ", 0x0189: "Đ", 0x0256: "đ"}
_CLEAN = {**_ZERO_WIDTH, **_LOOKALIKES}
_CLEAN_CHARS = frozenset(map(chr, _CLEAN))
_VI_LETTERS = (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, str], dict[str, str]]:
    """Load underthesea's character and token maps from its installed rule file."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("underthesea is not installed")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*_RULES_RELATIVE)
    with path.open("rb") as handle:
        data = pickle.load(handle)  # noqa: S301 - file shipped inside a pinned package
    return dict(data["character"]), dict(data["token"])


_EDGE = "\"'()[]{}<>.,;:!?…“”‘’«»-–—/*"


def _fix_tokens(text: str) -> str:
    """Apply underthesea's token map (tone placement) word by word, keeping punctuation."""
    table = _rules()[1]
    parts = text.split(" ")
    if (
        table.keys().isdisjoint(parts)
        and table.keys().isdisjoint([p[:-1] for p in parts])
        and table.keys().isdisjoint([p[1:] for p in parts])
        and table.keys().isdisjoint([p[1:-1] for p in parts])
    ):
        return text  # fast path: nothing to fix
    return replace_words(parts, table)


def replace_words(parts: list[str], table: dict[str, str]) -> str:
    """Join `parts`, each replaced by its entry in `table`, also when wrapped in punctuation."""
    out = []
    for part in parts:
        fixed = table.get(part)
        if fixed is None:
            core = part.strip(_EDGE)
            fixed = part.replace(core, table[core]) if core != part and core in table else part
        out.append(fixed)
    return " ".join(out)


def normalize(text: str) -> str:
    """Return cleaned NFC text with unified tone placement (safe to store and show)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if not text.isascii() and not _CLEAN_CHARS.isdisjoint(text):
        text = text.translate(_CLEAN)
    for odd, standard in _rules()[0].items():
        text = text.replace(odd, standard)
    if "\n" in text:
        lines = (" ".join(line.split()) for line in text.split("\n"))
        text = "\n".join(line for line in lines if line)
    else:
        text = " ".join(text.split())
    # Same rule as underthesea.text_normalize, without its punctuation spacing.
    return "\n".join(_fix_tokens(line) for line in text.split("\n"))


def _strip_table() -> dict[int, str]:
    """Map every precomposed Vietnamese letter to its ASCII base letter."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for letter in _VI_LETTERS + _VI_LETTERS.upper():
        base = unicodedata.normalize("NFD", letter)[0]
        if base.isascii():
            table[ord(letter)] = base
    return table


_STRIP = _strip_table()
_VI_DISTINCT = frozenset(
    ch for ch in _VI_LETTERS + _VI_LETTERS.upper() if not "\u00c0" <= ch <= "\u00ff"
)
_VI_ANY = frozenset(_VI_LETTERS + _VI_LETTERS.upper())


_STRIP_CACHE: dict[str, str] = {}


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics, one character for one (đ -> d); keeps alignment."""
    if text.isascii():
        return text
    cache = _STRIP_CACHE
    if len(cache) > 200_000:
        cache.clear()
    out = []
    for word in text.split(" "):
        flat = cache.get(word)
        if flat is None:
            flat = cache[word] = word.translate(_STRIP)
        out.append(flat)
    return " ".join(out)


def has_vietnamese_marks(text: str) -> bool:
    """True when the text contains letters used only by Vietnamese (ơ, ư, ă, đ, ạ, ả …)."""
    return not _VI_DISTINCT.isdisjoint(text)


def has_diacritics(text: str) -> bool:
    """True when the text contains any Vietnamese accented letter."""
    return not _VI_ANY.isdisjoint(text)
