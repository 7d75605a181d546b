"""Sheet titles for every workbook the bot builds: Excel-safe, short, cut between words, unique."""

import re

MAX_TITLE = 31  # Excel refuses longer sheet names
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_PUNCTUATION = ",;.–—-(&"
# Words that open a new phrase in Vietnamese body names: cutting before one keeps whole phrases
# («Ngân hàng Chính sách xã hội | chi nhánh tỉnh», «Sở Lao động – Thương binh | và Xã hội»).
_LINKS = frozenset({"và", "của", "cho", "các", "chi", "tỉnh", "thành", "tại", "thuộc", "trực", "về", "với"})
_MIN_PHRASE = 12  # a phrase cut shorter than this loses too much; cut between words instead


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel-safe sheet title (≤ 31 characters, cut between words), unique among `taken` (case-blind)."""
    units = _units(_FORBIDDEN.sub(" ", name).replace("'", " "))
    base = _shorten(units, MAX_TITLE) or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = (_shorten(_units(base), MAX_TITLE - len(suffix)) or base[: MAX_TITLE - len(suffix)]) + suffix, n + 1
    taken.add(title.casefold())
    return title


def _shorten(units: list[str], limit: int) -> str:
    """The longest run of whole units that fits: ending at a phrase break if that keeps enough, else anywhere."""
    fits = [i for i in range(1, len(units) + 1) if len(" ".join(units[:i])) <= limit]
    if not fits:
        return units[0][:limit].rstrip() if units else ""
    if fits[-1] == len(units):
        return " ".join(units)
    phrases = [i for i in fits if _breaks_before(units, i) and len(_joined(units[:i])) >= _MIN_PHRASE]
    return _joined(units[: (phrases or fits)[-1]])


def _units(text: str) -> list[str]:
    """Words, with runs of capitalised syllables after the first word kept together («Việt Nam», «Sóc Trăng»)."""
    words = text.split()
    units: list[str] = []
    for index, word in enumerate(words):
        if index > 1 and word[:1].isupper() and words[index - 1][:1].isupper():
            units[-1] += " " + word
        else:
            units.append(word)
    return units


def _breaks_before(units: list[str], index: int) -> bool:
    """Whether a phrase ends before units[index]: after punctuation or before a linking word."""
    before, after = units[index - 1], units[index]
    return before[-1] in _PUNCTUATION or after[0] in _PUNCTUATION or after.split()[0].casefold() in _LINKS


def _joined(units: list[str]) -> str:
    """The units as text, without a dangling linking word or punctuation at the end."""
    kept = list(units)
    while len(kept) > 1 and (kept[-1].casefold() in _LINKS or kept[-1] in _PUNCTUATION):
        kept.pop()
    return " ".join(kept).rstrip(_PUNCTUATION + " ")
