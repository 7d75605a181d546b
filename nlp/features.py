"""Sparse features of a message: words as typed or restored with accents, pairs, char n-grams."""

from nlp.accents import Restorer
from nlp.labels import COLLISIONS
from nlp.text import Views

CHAR_SIZES = (3, 4, 5)
# Relative weight of each feature group after per-group L2 normalisation.
GROUP_WEIGHTS = {"w": 1.0, "c": 1.0, "f": 1.0}
GROUPS = tuple(GROUP_WEIGHTS)


def char_ngrams(token: str) -> set[str]:
    """Char 3- to 5-grams of one padded word; none for colliding syllables left unaccented."""
    if token in COLLISIONS:
        return set()  # they would be the bare colliding syllable again
    padded = " " + token + " "
    size = len(padded)
    return {padded[i : i + n] for n in CHAR_SIZES if n <= size for i in range(size - n + 1)}


def word_features(tokens: tuple[str, ...]) -> set[str]:
    """Unigrams (unaccented colliding syllables left out) and bigrams."""
    words = {t for t in tokens if t not in COLLISIONS}
    words.update(a + " " + b for a, b in zip(tokens, tokens[1:]))
    return words


def accented_tokens(views: Views, restorer: Restorer) -> tuple[str, ...]:
    """The message's words with accents: as typed where typed, restored elsewhere."""
    return restorer.restore(views.tokens, views.accented_tokens)


def feature_groups(views: Views, restorer: Restorer) -> dict[str, set[str]]:
    """All binary features of one message by group (w: words, c: chars, f: flat words)."""
    tokens = accented_tokens(views, restorer)
    chars: set[str] = set()
    for token in tokens:
        chars |= char_ngrams(token)
    return {"w": word_features(tokens), "c": chars, "f": word_features(views.tokens)}
