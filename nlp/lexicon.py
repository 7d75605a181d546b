"""Editable weighted keyword lexicon, matched on accent-stripped text."""

import re
from dataclasses import dataclass
from pathlib import Path

from nlp.labels import COLLISIONS, LABELS
from nlp.text import DATA_DIR, Analyzer, Views

LEXICON_PATH = DATA_DIR / "lexicon.tsv"
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
        if len(parts) != 3 or parts[0] not in LABELS:
            raise ValueError(f"{path}:{number}: expected topic<TAB>phrase<TAB>weight")
        views = analyzer.views(parts[1])
        if views.flat in COLLISIONS:
            raise ValueError(f"{path}:{number}: '{parts[1]}' collides without accents")
        entries.append(Entry(parts[0], parts[1], views.accented, views.flat, float(parts[2])))
    return entries


class Lexicon:
    """Finds lexicon phrases (longest first, whole words) and sums weights per topic."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        grouped: dict[tuple[str, ...], list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(tuple(_WORD.findall(entry.flat)), []).append(entry)
        # first word -> [(phrase words, entries)], longest phrase first
        self._index: dict[str, list[tuple[tuple[str, ...], list[Entry]]]] = {}
        for words, group in sorted(grouped.items(), key=lambda kv: -len(kv[0])):
            if words:
                self._index.setdefault(words[0], []).append((words, group))

    def hits(self, views: Views) -> list[Hit]:
        """Phrases present in the message; with diacritics, accents must agree too."""
        tokens, accented = views.tokens, views.accented_tokens
        found: list[Hit] = []
        position = 0
        while position < len(tokens):
            step = 1
            for words, group in self._index.get(tokens[position], ()):
                end = position + len(words)
                if tokens[position:end] != words:
                    continue
                span = " ".join(accented[position:end])
                kept = [Hit(e, position) for e in group
                        if not views.marked or span in (e.accented, e.flat)]
                if kept:  # a span whose accents disagree may still hold a shorter phrase
                    found.extend(kept)
                    step = len(words)
                    break
            position += step
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
