"""Vietnamese topic tagging for doithoai: normalise, tag, explain."""

from nlp.labels import LABELS
from nlp.normalize import normalize
from nlp.tagger import TagResult, TopicTagger

__all__ = ["LABELS", "TagResult", "TopicTagger", "normalize"]
