"""Analysis views of a message: expanded lower-case text and its accent-stripped twin."""

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.normalize import has_diacritics, normalize, replace_words, strip_accents

DATA_DIR = Path(__file__).parent / "data"
ABBREVIATIONS_PATH = DATA_DIR / "abbreviations.tsv"
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")


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

    def expand(self, lowered: str) -> str:
        """Replace whole-word short forms (ko, dc, bhyt …) by their expansion."""
        table = self.abbreviations
        parts = lowered.split(" ")
        if table.keys().isdisjoint(parts) and table.keys().isdisjoint([p[:-1] for p in parts]):
            if table.keys().isdisjoint([p[1:] for p in parts]):
                return lowered  # fast path: no short form in the message
        return replace_words(parts, table)

    def views(self, text: str) -> Views:
        """Build the analysis views of one message."""
        clean = normalize(text)
        lowered = clean.lower().replace("\n", " ")
        expanded = self.expand(lowered)
        if _DIGIT.search(expanded):
            expanded = _DIGITS.sub("0", expanded)
        flat = strip_accents(expanded)
        tokens = tuple(_WORD.findall(flat))
        marked = has_diacritics(clean)
        accented_tokens = tuple(_WORD.findall(expanded)) if flat != expanded else tokens
        return Views(clean, expanded, flat, marked, tokens, accented_tokens)
