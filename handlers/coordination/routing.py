"""Which departments answer a question, and which questions a coordinator sees.

Routing is derived from the topic at read time, so a retagged question (QuestionRepo.correct_topic)
moves to its new departments at once. A coordinator's scope is "all" or a list whose entries are
topic ids or department codes; a question is in scope when its topic, or one of the departments
that answer it, is listed.
"""

from collections.abc import Iterable

from handlers.settings import Department, Person, Settings

ALL = "all"
CONSOLIDATOR = "so_noi_vu"  # Sở Nội vụ receives the final consolidated export (and forwards 'khac')


def departments_for(settings: Settings, topic_id: str | None) -> tuple[str, ...]:
    """Department codes answering a topic; an untagged or unrouted question goes to the consolidator."""
    topic = settings.topic(topic_id or "khac")
    return topic.departments if topic and topic.departments else (CONSOLIDATOR,)


def routes(settings: Settings) -> dict[str, tuple[str, ...]]:
    """Topic id → department codes, for fast lookups over many questions."""
    return {t.id: departments_for(settings, t.id) for t in settings.topics}


def in_scope(person: Person, topic_id: str | None, routing: dict[str, tuple[str, ...]]) -> bool:
    """Whether a question of this topic belongs to the coordinator's scope."""
    if person.scope == ALL:
        return True
    topic = topic_id or "khac"
    wanted = set(person.scope)
    return topic in wanted or bool(wanted.intersection(routing.get(topic, (CONSOLIDATOR,))))


def scope_departments(settings: Settings, person: Person) -> list[Department]:
    """The departments whose sheets a coordinator's export has, in config order."""
    if person.scope == ALL:
        return list(settings.departments)
    routing = routes(settings)
    codes = {c for c in person.scope if c not in routing}
    codes.update(code for topic in person.scope if topic in routing for code in routing[topic])
    return [d for d in settings.departments if d.code in codes]


def receives_final_export(person: Person, consolidator: str = CONSOLIDATOR) -> bool:
    """The final consolidated export goes to coordinators scoped 'all' or including the consolidator."""
    return person.scope == ALL or consolidator in person.scope


def unknown_scope_entries(settings: Settings, people: Iterable[Person]) -> list[str]:
    """Scope entries that are neither topic ids nor department codes (a config typo)."""
    known = {t.id for t in settings.topics} | {d.code for d in settings.departments}
    return sorted({e for p in people if p.scope != ALL for e in p.scope if e not in known})


def scope_label(settings: Settings, person: Person, all_label: str) -> str:
    """The scope in words: topic short names and department names."""
    if person.scope == ALL:
        return all_label
    names = []
    for entry in person.scope:
        topic = settings.topic(entry)
        department = next((d for d in settings.departments if d.code == entry), None)
        names.append(topic.short if topic else department.name if department else entry)
    return ", ".join(names)
