"""Finding a unit from what a youth types: its code, or its name with or without «Xã», «Phường», ….

Since the 2025 reorganisation a province's units can be about a hundred communes and wards
(Cần Thơ city: 103, plus the Union's branches), too many for buttons: the youth types a name,
partial and with or without diacritics, and picks among the matches.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from handlers.choices import fold
from handlers.settings import Unit

BUTTON_LIMIT = 20  # up to this many units are all offered as buttons; more are searched by name
MATCH_LIMIT = 8  # at most this many matches are offered at once
# Administrative prefixes, folded, longest first ("thi xa" before "xa").
PREFIXES = ("thanh pho", "thi tran", "thi xa", "huyen", "quan", "phuong", "xa", "tp")
_JOINED_MIN = 3  # a typed fragment this long may match inside a joined name ("sach" in "kesach")


@dataclass(frozen=True)
class _Entry:
    """One unit's name in the forms a typed text is compared with."""

    unit: Unit
    full: str  # folded name: "xa ke sach"
    core: str  # without its administrative prefix: "ke sach"
    joined: str  # the core without spaces: "kesach"
    words: tuple[str, ...]  # the core's words: ("ke", "sach")


def prefix_words(folded: str) -> int:
    """How many leading words of a folded name are its administrative prefix (0 if none)."""
    for prefix in PREFIXES:
        if folded.startswith(prefix + " "):
            return len(prefix.split())
    return 0


def core(folded: str) -> str:
    """A folded name without its administrative prefix: "thanh pho soc trang" → "soc trang"."""
    return " ".join(folded.split()[prefix_words(folded):])


@lru_cache(maxsize=16)
def _index(units: tuple[Unit, ...]) -> tuple[_Entry, ...]:
    """The units' names folded once per unit list (hashing the 108 units of config.cantho.yaml: 30 µs)."""
    entries = []
    for unit in units:
        full = fold(unit.name)
        bare = core(full)
        entries.append(_Entry(unit, full, bare, bare.replace(" ", ""), tuple(bare.split())))
    return tuple(entries)


def search(units: Sequence[Unit], text: str) -> list[Unit]:
    """The units a typed text names, best first: one means found, several are offered, none is explained."""
    folded = fold(text)
    if not folded:
        return []
    entries = _index(tuple(units))
    code = text.strip().upper()
    found = (
        [e for e in entries if e.unit.code.upper() == code]
        or [e for e in entries if e.full == folded]
        or _exact(entries, core(folded))
        or _partial(entries, core(folded))
    )
    return [entry.unit for entry in found]


def _exact(entries: Sequence[_Entry], wanted: str) -> list[_Entry]:
    """The same name (spaces optional), then the names that extend it ("Long Phú" → "Long Phú 1")."""
    joined = wanted.replace(" ", "")
    same = [e for e in entries if e.core == wanted or e.joined == joined]
    if not same:
        return []
    longer = [e for e in entries if e.core.startswith(wanted + " ")]  # never one of `same`
    return same + longer


def _partial(entries: Sequence[_Entry], wanted: str) -> list[_Entry]:
    """Names whose words start with every typed word, or that contain the typed letters joined."""
    words = wanted.split()
    joined = wanted.replace(" ", "")
    ranked = []
    for entry in entries:
        if all(any(w.startswith(typed) for w in entry.words) for typed in words):
            ranked.append((0 if entry.core.startswith(wanted) else 1, entry))
        elif len(joined) >= _JOINED_MIN and joined in entry.joined:
            ranked.append((2, entry))
    return [entry for _, entry in sorted(ranked, key=lambda pair: pair[0])]


def example(units: Sequence[Unit]) -> tuple[str, str]:
    """A name to show as an example, as written and without diacritics: ("Ninh Kiều", "ninh kieu")."""
    for unit in units:
        skip = prefix_words(fold(unit.name))
        if skip:
            name = " ".join(unit.name.split()[skip:])
            return name, fold(name)
    return units[0].name, fold(units[0].name)
