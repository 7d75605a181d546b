"""Editable weighted keyword lexicon, matched on accent-stripped text."""

import re
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

from nlp.labels import COLLISIONS, LABELS
from nlp.text import DATA_DIR, Analyzer, Views

LEXICON_PATH = DATA_DIR / "lexicon.tsv"
# Topic column of a generic phrase («đoàn viên, thanh niên» meaning "young people"): it takes
# its words away from shorter topic phrases and points to no topic itself.
GENERIC = "-"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon line: a phrase that points to a topic with a weight."""

    topic: str
    phrase: str  # as written, with diacritics
    accented: str  # analysed (lower case, expanded) form
    flat: str  # accent-stripped analysed form
    weight: float


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon phrase found in a message."""

    entry: Entry
    start: int


def read_lexicon(analyzer: Analyzer, path: Path = LEXICON_PATH) -> list[Entry]:
    """Parse topic<TAB>phrase<TAB>weight lines; reject lone colliding syllables."""
    entries: list[Entry] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in (*LABELS, GENERIC):
            raise ValueError(f"{path}:{number}: expected topic<TAB>phrase<TAB>weight")
        views = analyzer.views(parts[1])
        if views.flat in COLLISIONS:
            raise ValueError(f"{path}:{number}: '{parts[1]}' collides without accents")
        entries.append(Entry(parts[0], parts[1], views.accented, views.flat, float(parts[2])))
    return entries


class Lexicon:
    """Finds lexicon phrases (longest first, whole words) and sums weights per topic.

    Generic phrases are matched like the others but never returned: they only hide their words.
    """

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        grouped: dict[tuple[str, ...], list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(tuple(_WORD.findall(entry.flat)), []).append(entry)
        # first word -> [(phrase length, {phrase words: entries})], longest first
        starts: dict[str, dict[int, dict[tuple[str, ...], list[Entry]]]] = {}
        for words, group in grouped.items():
            if words:
                starts.setdefault(words[0], {}).setdefault(len(words), {})[words] = group
        self._index = {
            first: sorted(by_size.items(), key=lambda item: -item[0])
            for first, by_size in starts.items()
        }

    def hits(self, views: Views) -> list[Hit]:
        """Phrases present in the message; with diacritics, accents must agree too."""
        tokens, accented = views.tokens, views.accented_tokens
        starts = list(map(self._index.get, tokens))  # phrases that may start at each word
        found: list[Hit] = []
        free = 0  # words before this one belong to a phrase already found
        for position in compress(range(len(tokens)), starts):
            if position < free:
                continue
            for size, phrases in starts[position]:
                end = position + size
                group = phrases.get(tokens[position:end])
                if group is None:
                    continue
                span = " ".join(accented[position:end])
                kept = [Hit(e, position) for e in group
                        if not views.marked or span in (e.accented, e.flat)]
                if kept:  # a span whose accents disagree may still hold a shorter phrase
                    found.extend(h for h in kept if h.entry.topic != GENERIC)
                    free = end
                    break
        return found

    @staticmethod
    def scores(hits: list[Hit]) -> list[float]:
        """Sum of weights per topic (each phrase counted once), in LABELS order."""
        totals = dict.fromkeys(LABELS, 0.0)
        seen: set[str] = set()
        for hit in hits:
            key = hit.entry.topic + "\t" + hit.entry.flat
            if key not in seen:
                seen.add(key)
                totals[hit.entry.topic] += hit.entry.weight
        return [totals[label] for label in LABELS]
