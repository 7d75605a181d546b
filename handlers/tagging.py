"""The seam to the topic tagger (nlp.TopicTagger satisfies it)."""

from collections.abc import Mapping, Sequence
from typing import Protocol


class TagResultLike(Protocol):
    """What the conversation reads from a tagging result."""

    @property
    def topic(self) -> str: ...
    @property
    def scores(self) -> Mapping[str, float]: ...
    @property
    def secondary(self) -> str | None: ...
    @property
    def needs_review(self) -> bool: ...
    @property
    def evidence(self) -> Sequence[str]: ...


class Tagger(Protocol):
    """Assigns one of the six topic ids to a question."""

    def tag(self, text: str) -> TagResultLike: ...
