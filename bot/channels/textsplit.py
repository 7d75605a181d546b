"""Split outgoing text at a channel's limit, at line, sentence or word boundaries."""

import re

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` (longer than limit): last newline, else sentence end, else space."""
    window = text[: limit + 1]
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at > limit // 3:
            return at
    ends = [m.start() for m in _SENTENCE_END.finditer(window)]
    if ends and ends[-1] > limit // 3:
        return ends[-1]
    at = window.rfind(" ")
    return at if at > 0 else limit


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters; a word is only broken when longer than the limit."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        at = _cut_point(rest, limit)
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces
