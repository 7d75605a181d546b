"""Language check: Vietnamese by diacritics, else by the share of Vietnamese syllables."""

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from nlp.normalize import has_vietnamese_marks, strip_accents
from nlp.text import Views

_WORDLIST = ("corpus", "data", "Viet74K.txt")  # underthesea's Vietnamese word list
_LETTERS = re.compile(r"[^\W\d_]+")
# Loanwords common in Vietnamese messages; they say nothing about the language either way.
NEUTRAL = frozenset(
    "online app zalo facebook tiktok youtube internet wifi email website web startup "
    "vneid ocop covid game ok shop livestream smartphone laptop google hiv ai".split()
)
# English words that are not (common) Vietnamese syllables once accents are stripped.
ENGLISH = frozenset(
    "the is are was were be been how what where when why who whom which you your my i it "
    "this that these those and of for with please hello hi help want would could should "
    "have has had get got need does did there their about from will not yes we they he she "
    "our us if or at by up into just any some can't don't i'm it's thank thanks".split()
)
# Shape of an accent-stripped Vietnamese syllable; filters loanwords out of the word list.
_SYLLABLE = re.compile(
    r"(?:b|c|ch|d|g|gh|gi|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)?"
    r"[aeiouy]{1,3}(?:c|ch|m|n|ng|nh|p|t)?"
)
MIN_SHARE = 0.6


@lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Accent-stripped Vietnamese syllables from underthesea's shipped word list."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("underthesea is not installed")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*_WORDLIST)
    words: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:  # line by line: splitting the whole file at once costs ~15 MB RSS
            words.update(line.lower().split())
    words = {strip_accents(w) for w in words}
    return frozenset(w for w in words if _SYLLABLE.fullmatch(w)) - ENGLISH


def detect(views: Views) -> str:
    """Return "vi", "other" or "empty" (no letters at all) for an analysed message."""
    if has_vietnamese_marks(views.clean):
        return "vi"
    if not _LETTERS.search(views.clean):
        return "empty"
    # Tokens after abbreviation expansion: teencode (ko, dc, mk …) counts as Vietnamese.
    tokens = [t for t in views.tokens if not t.isdigit() and t not in NEUTRAL]
    if not tokens:
        return "vi"
    known = syllables()
    hits = sum(1 for t in tokens if t in known)
    return "vi" if hits / len(tokens) >= MIN_SHARE else "other"
