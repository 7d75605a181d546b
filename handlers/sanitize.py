"""Make user text safe to store: no NUL bytes (PostgreSQL rejects them), no unpaired surrogates."""


def clean_text(text: str) -> str:
    """`text` without NUL, with each unpaired UTF-16 surrogate replaced by U+FFFD."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def collapse_spaces(text: str) -> str:
    """Whitespace runs as single spaces: the stored normal form when no tagger normaliser is injected."""
    return " ".join(text.split())
