"""Diacritic restoration for words typed without accents: syllable pairs, then single syllables."""

import importlib.util
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlp.normalize import has_diacritics, normalize, strip_accents

# underthesea's word lists: the 22k list holds the common words, the 74k list every word.
_WORDLISTS = {"Viet22K.txt": 1.0, "Viet74K.txt": 1.0}
_WORD = re.compile(r"\w+")
CORPUS_WEIGHT = 3.0  # a syllable seen in our own questions outweighs one dictionary entry
# A word list counts each word once however rare it is, so it says little about which form of
# a lone syllable is usual (thập is in more words than thấp): it counts less for single forms.
WORDLIST_SINGLE_SHARE = 0.2
MIN_PAIR = 2.0  # a pair found in one word list only (the rare words of the 74k list) is dropped

Pair = tuple[str, str]


@dataclass(slots=True)
class Restorer:
    """Puts accents back on unaccented syllables from their neighbours (`van de` -> `vấn đề`)."""

    # flat syllable -> its most frequent accented form (only when that form has accents)
    single: dict[str, str]
    # flat syllable pair -> (accented first, accented second, weight) of its most frequent
    # reading, kept only where one of the two syllables has several accented forms
    pairs: dict[Pair, tuple[str, str, float]]

    def restore(self, flat: tuple[str, ...], typed: tuple[str, ...]) -> tuple[str, ...]:
        """Accented words of a message: words typed with accents stay, the others are restored.

        An unaccented word takes the reading of the stronger of its two syllable pairs (with
        the word before, with the word after), else its usual form, else stays as it is.
        """
        pairs, single = self.pairs, self.single
        out = list(typed)
        last = len(flat) - 1
        left = None  # the pair (previous word, this word), looked up only when it may be used
        for i, word in enumerate(typed):
            bare = word.isascii()
            right = (
                pairs.get((flat[i], flat[i + 1]))
                if i < last and (bare or typed[i + 1].isascii())
                else None
            )
            if bare:
                if left is not None and (right is None or left[2] >= right[2]):
                    out[i] = left[1]
                elif right is not None:
                    out[i] = right[0]
                else:
                    out[i] = single.get(word, word)
            left = right
        return tuple(out)


def wordlist_path(name: str) -> Path:
    """Path of one of underthesea's shipped word lists."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("underthesea is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "corpus" / "data" / name


def _syllables(text: str) -> list[str]:
    return _WORD.findall(normalize(text).lower())


def count_forms(texts: Iterable[str], wordlists: dict[str, float] = _WORDLISTS) -> tuple[
    Counter[str], Counter[Pair]
]:
    """Accented syllable and syllable-pair counts from our texts plus underthesea's word lists."""
    singles: Counter[str] = Counter()
    pairs: Counter[Pair] = Counter()
    accented = [text for text in texts if has_diacritics(text)]  # typed flat: no evidence
    sources: list[tuple[Iterable[str], float, float]] = [(accented, CORPUS_WEIGHT, 1.0)]
    for name, weight in wordlists.items():
        with wordlist_path(name).open(encoding="utf-8") as handle:
            lines = [line.strip() for line in handle if line.strip()]
        sources.append((lines, weight, WORDLIST_SINGLE_SHARE))
    for lines, weight, share in sources:
        for line in lines:
            words = _syllables(line)
            for word in words:
                singles[word] += weight * share
            for pair in zip(words, words[1:]):
                pairs[pair] += weight
    return singles, pairs


def build(texts: Iterable[str], wordlists: dict[str, float] = _WORDLISTS) -> Restorer:
    """Learn a restorer from our texts and underthesea's word lists, for the syllables we use."""
    texts = list(texts)
    # Only syllables of our own texts have features to gain from accents: pairs of other
    # syllables would cost memory for nothing.
    written = {w for text in texts for w in _syllables(text)}
    ours = {strip_accents(w) for w in written}
    singles, pairs = count_forms(texts, wordlists)
    best_single: dict[str, tuple[float, str]] = {}
    forms: Counter[str] = Counter()
    for word, n in sorted(singles.items()):
        flat = strip_accents(word)
        if not flat.isascii():
            continue
        forms[flat] += 1
        if flat not in best_single or n > best_single[flat][0]:
            best_single[flat] = (n, word)
    single = {flat: word for flat, (_, word) in best_single.items() if word != flat}
    best_pair: dict[Pair, tuple[float, str, str]] = {}
    for (a, b), n in sorted(pairs.items()):
        key = (strip_accents(a), strip_accents(b))
        if (forms[key[0]] < 2 and forms[key[1]] < 2) or not ours.issuperset(key):
            continue  # nothing to choose, or nothing the model knows
        if key not in best_pair or n > best_pair[key][0]:
            best_pair[key] = (n, a, b)
    kept: dict[Pair, tuple[str, str, float]] = {}
    for key, (n, a, b) in best_pair.items():
        changed = [w for w, flat in zip((a, b), key) if w != single.get(flat, flat)]
        # A pair earns its memory by reading a syllable as a word of ours, or, seen in our
        # own texts, by confirming the usual reading against a rarer pair next to it.
        if (changed and n >= MIN_PAIR and written.issuperset(changed)) or n >= CORPUS_WEIGHT:
            kept[_shared(key)] = (*_shared((a, b)), n)
    return Restorer({_SHARE(k): _SHARE(v) for k, v in single.items()}, kept)


_SHARE = sys.intern  # one object per syllable, so the pickled model stores each once


def _shared(pair: Pair) -> Pair:
    return _SHARE(pair[0]), _SHARE(pair[1])
