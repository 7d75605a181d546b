"""Typed answers to offered buttons: a number ("2") or the label itself ("dong y")."""

import re
import unicodedata
from collections.abc import Sequence

_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free, emoji/punctuation-free, single-spaced text for matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare).lower().split())


def match_choice(text: str, choices: Sequence[Sequence[str]], *, allow_number: bool = True) -> str | None:
    """The button data a typed answer selects among (label, data) choices, if any."""
    wanted = text.strip().rstrip(".)")
    if allow_number and wanted.isdigit():
        index = int(wanted) - 1
        return choices[index][1] if 0 <= index < len(choices) else None
    folded = fold(text)
    if not folded:
        return None
    for label, data in choices:
        if fold(label) == folded:
            return data
    return None
