"""Analysis views of a message: expanded lower-case text and its accent-stripped twin."""

import re
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path

from nlp.normalize import MEMO_LIMIT, WordReplacer, has_diacritics, normalize, strip_accents

DATA_DIR = Path(__file__).parent / "data"
ABBREVIATIONS_PATH = DATA_DIR / "abbreviations.tsv"
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
# A remembered word: (digits folded, accents stripped, flat words, accented words) of its
# lower-case form, the same four of its abbreviation expansion, and whether its short form
# sends the whole message to expansion.
Word = tuple[
    str, str, tuple[str, ...], tuple[str, ...],
    str, str, tuple[str, ...], tuple[str, ...],
    bool,
]
_PLAIN, _EXPANDED = ([itemgetter(start + i) for i in range(4)] for start in (0, 4))
_ASKS = itemgetter(8)


def load_abbreviations(path: Path = ABBREVIATIONS_PATH) -> dict[str, str]:
    """Read the editable short-form dictionary (short <TAB> expansion)."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, _, expansion = line.partition("\t")
        if expansion.strip():
            table[normalize(short.strip()).lower()] = normalize(expansion.strip()).lower()
    return table


@dataclass(frozen=True, slots=True)
class Views:
    """One message seen several ways; `accented` and `flat` align char for char."""

    clean: str  # normalize() output
    accented: str  # lower case, abbreviations expanded, digits folded to 0
    flat: str  # `accented` without diacritics
    marked: bool  # the original message carried Vietnamese diacritics
    tokens: tuple[str, ...]  # words of `flat`
    accented_tokens: tuple[str, ...]  # the same words in `accented`


class Analyzer:
    """Turns raw text into the views used by the lexicon and the model."""

    def __init__(self, abbreviations: dict[str, str]) -> None:
        self.abbreviations = abbreviations
        self._expander = WordReplacer(abbreviations, inner=False)
        self._words: dict[str, Word] = {}

    def expand(self, lowered: str) -> str:
        """Replace whole-word short forms (ko, dc, bhyt …) by their expansion."""
        return self._expander(lowered)

    def views(self, text: str) -> Views:
        """Build the analysis views of one message."""
        clean = normalize(text)
        # Lower-casing, expansion, digit folding, accent stripping and word splitting all
        # work space-separated word by word, so each word is analysed once and remembered.
        parts = clean.replace("\n", " ").split(" ")
        words = self._words
        if len(words) > MEMO_LIMIT:
            words.clear()  # bound memory on endless streams of new words
        try:
            found = list(map(words.__getitem__, parts))
        except KeyError:
            found = [words.get(part) or self._word(part) for part in parts]
        # as in `expand`: all words or none, depending on whether some word asks for it
        pick = _EXPANDED if any(map(_ASKS, found)) else _PLAIN
        folded_of, flat_of, flat_words_of, accented_words_of = pick
        expanded = " ".join(map(folded_of, found))
        flat = " ".join(map(flat_of, found))
        tokens = tuple(chain.from_iterable(map(flat_words_of, found)))
        marked = has_diacritics(clean)
        accented_tokens = (
            tuple(chain.from_iterable(map(accented_words_of, found)))
            if flat != expanded
            else tokens
        )
        return Views(clean, expanded, flat, marked, tokens, accented_tokens)

    def _word(self, part: str) -> Word:
        """Remember the views of one space-free piece of normalised text."""
        lowered = part.lower()
        expanded = self._expander.replace(lowered)
        plain = _word_views(lowered)
        word = (
            *plain,
            *(_word_views(expanded) if expanded != lowered else plain),
            self._expander.asks(lowered),
        )
        self._words[part] = word
        return word


def _word_views(text: str) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """Digits folded, accents stripped, and the words of both, for a piece of expanded text."""
    folded = _DIGITS.sub("0", text) if _DIGIT.search(text) else text
    flat = strip_accents(folded)
    return folded, flat, tuple(_WORD.findall(flat)), tuple(_WORD.findall(folded))
