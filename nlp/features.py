"""Sparse features of a message: accent-stripped words, bigrams, char n-grams, accented words."""

from itertools import filterfalse

from nlp.labels import COLLISIONS
from nlp.text import Views

CHAR_SIZES = (3, 4, 5)
# Relative weight of each feature group after per-group L2 normalisation.
GROUP_WEIGHTS = {"w": 1.0, "c": 1.0, "a": 0.6}


def char_ngrams(token: str) -> set[str]:
    """Char 3- to 5-grams of one padded word; none for colliding syllables."""
    if token in COLLISIONS:
        return set()  # they would be the bare colliding syllable again
    padded = " " + token + " "
    size = len(padded)
    return {padded[i : i + n] for n in CHAR_SIZES if n <= size for i in range(size - n + 1)}


def word_features(tokens: tuple[str, ...]) -> set[str]:
    """Accent-stripped unigrams (colliding syllables left out) and bigrams."""
    words = {t for t in tokens if t not in COLLISIONS}
    words.update(a + " " + b for a, b in zip(tokens, tokens[1:]))
    return words


def accented_words(views: Views) -> set[str]:
    """Words that carry diacritics, kept apart so hội and hỏi stay different."""
    if not views.marked:
        return set()
    return set(filterfalse(str.isascii, views.accented_tokens))


def feature_groups(views: Views) -> dict[str, set[str]]:
    """All binary features of one message by group (w: words, c: chars, a: accented)."""
    chars: set[str] = set()
    for token in views.tokens:
        chars |= char_ngrams(token)
    return {"w": word_features(views.tokens), "c": chars, "a": accented_words(views)}
