"""Which departments answer a question.

Routing is derived from the topic at read time, so a retagged question (QuestionRepo.correct_topic)
moves to its new departments at once. Which questions a coordinator sees is handlers/scope.py.
"""

from handlers.settings import Settings

FALLBACK_TOPIC = "khac"


def departments_for(settings: Settings, topic_id: str | None) -> tuple[str, ...]:
    """Department codes answering a topic; an untagged, unknown or unrouted topic goes where 'khac' goes."""
    topic = settings.topic(topic_id or FALLBACK_TOPIC)
    if topic is not None and topic.departments:
        return topic.departments
    fallback = settings.topic(FALLBACK_TOPIC)
    return fallback.departments if fallback else ()


def routes(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Topic id → department codes, for fast lookups over many questions."""
    return {t.id: departments_for(settings, t.id) for t in settings.topics}
