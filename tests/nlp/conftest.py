"""Shared fixtures for the tagger tests (no network, nothing read outside the repo)."""

import pytest

from nlp import TopicTagger


@pytest.fixture(scope="session")
def tagger() -> TopicTagger:
    """The shipped tagger, loaded once."""
    return TopicTagger.load()
