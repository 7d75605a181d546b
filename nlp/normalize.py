"""Text clean-up: NFC, tone placement, zero-width and whitespace, accent stripping."""

import importlib.util
import pickle
import re
import unicodedata
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

# underthesea's own normalisation rules (character lookalikes + old/new tone placement).
# Read directly: importing the underthesea package costs ~1.5 s (it loads joblib and every
# pipeline), while its rule file is a plain pickle of two dicts.
_RULES_RELATIVE = ("pipeline", "text_normalize", "tn_rules_2023_07_14.bin")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
# Lookalikes of Đ/đ that underthesea's map does not cover (it covers U+00D0/U+00F0).
_LOOKALIKES = {0x00D0: "Đ", 0x00F0: "đ", 0x0189: "Đ", 0x0256: "đ"}
_CLEAN = {**_ZERO_WIDTH, **_LOOKALIKES}
_CLEAN_CHARS = re.compile("[" + re.escape("".join(map(chr, _CLEAN))) + "]")
_ODD_SPACE = re.compile(r"[^\S ]|  |^ | $")  # whitespace that split-and-join would change
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
MEMO_LIMIT = 50_000  # distinct words remembered (~0.6 kB each in views) before starting afresh


class WordReplacer:
    """Whole-word replacement from a table, applied only when some word of the text asks."""

    # A text is left as it is unless one of its words, or that word with one character
    # trimmed from the start or the end (or both, with `inner`), is a key of the table; then
    # every word goes through `replace`. The outcome per word is remembered, since words
    # repeat across messages far more than whole messages do.

    def __init__(self, table: dict[str, str], *, inner: bool) -> None:
        self.table = table
        self.inner = inner
        self._memo: dict[str, tuple[str, bool]] = {}  # word -> (replacement, asks)

    def __call__(self, text: str) -> str:
        """Return `text` with its words replaced, or `text` itself when none asks for it."""
        memo = self._memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()  # bound memory on endless streams of new words
        parts = text.split(" ")
        try:
            found = list(map(memo.__getitem__, parts))
        except KeyError:
            found = [memo.get(part) or self._learn(part) for part in parts]
        if any(map(_ASKS, found)):
            return " ".join(map(_REPLACED, found))
        return text

    def asks(self, word: str) -> bool:
        """True when `word` sends its whole text to replacement."""
        variants = [word, word[:-1], word[1:]] + ([word[1:-1]] if self.inner else [])
        return not self.table.keys().isdisjoint(variants)

    def replace(self, word: str) -> str:
        """The replacement of one space-free word (itself when the table has none)."""
        table = self.table
        fixed = table.get(word)
        if fixed is None:
            core = word.strip(_EDGE)
            fixed = word.replace(core, table[core]) if core != word and core in table else word
        return fixed

    def _learn(self, word: str) -> tuple[str, bool]:
        self._memo[word] = known = (self.replace(word), self.asks(word))
        return known


_REPLACED, _ASKS = itemgetter(0), itemgetter(1)


@lru_cache(maxsize=1)
def _tone_fixer() -> WordReplacer:
    """underthesea's token map (tone placement), applied word by word, keeping punctuation."""
    return WordReplacer(_rules()[1], inner=True)


def normalize(text: str) -> str:
    """Return cleaned NFC text with unified tone placement (safe to store and show)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if not text.isascii() and _CLEAN_CHARS.search(text):
        text = text.translate(_CLEAN)
    for odd, standard in _rules()[0].items():
        text = text.replace(odd, standard)
    if "\n" in text:
        lines = (" ".join(line.split()) for line in text.split("\n"))
        text = "\n".join(line for line in lines if line)
    elif _ODD_SPACE.search(text):
        text = " ".join(text.split())
    # Same rule as underthesea.text_normalize, without its punctuation spacing.
    fix_tones = _tone_fixer()
    if "\n" not in text:
        return fix_tones(text)
    return "\n".join(fix_tones(line) for line in text.split("\n"))


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


def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics, one character for one (đ -> d); keeps alignment."""
    return text if text.isascii() else text.translate(_STRIP)


def has_vietnamese_marks(text: str) -> bool:
    """True when the text contains letters used only by Vietnamese (ơ, ư, ă, đ, ạ, ả …)."""
    return not _VI_DISTINCT.isdisjoint(text)


def has_diacritics(text: str) -> bool:
    """True when the text contains any Vietnamese accented letter."""
    return not _VI_ANY.isdisjoint(text)
