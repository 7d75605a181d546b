"""Who may do what: admins and coordinators from config plus grants stored in the database."""

from dataclasses import dataclass

from handlers.settings import Person, Settings
from handlers.types import Address
from storage import Question, UnitOfWork

ADMIN, COORDINATOR, YOUTH = "admin", "coordinator", "youth"


@dataclass(frozen=True)
class Actor:
    """The sender of a message with their role; scope () means everything."""

    address: Address
    role: str
    name: str = ""
    scope: tuple[str, ...] = ()

    @property
    def is_staff(self) -> bool:
        """Admins and coordinators."""
        return self.role in (ADMIN, COORDINATOR)

    @property
    def label(self) -> str:
        """How answers and audit lines name this person."""
        return self.name or str(self.address)


def _from_person(address: Address, role: str, person: Person) -> Actor:
    scope = () if person.scope == "all" else tuple(person.scope)
    return Actor(address, role, person.name, scope)


def configured(settings: Settings, address: Address) -> Actor | None:
    """The role given to this address in config.yaml, if any (admin wins)."""
    for role, people in ((ADMIN, settings.roles.admins), (COORDINATOR, settings.roles.coordinators)):
        for person in people:
            if person.channel == address.channel and person.chat_id == address.chat_id:
                return _from_person(address, role, person)
    return None


async def resolve(settings: Settings, uow: UnitOfWork, address: Address) -> Actor:
    """The sender's role: configured first, then a stored grant, else youth."""
    actor = configured(settings, address)
    if actor is not None:
        return actor
    grant = await uow.admin.grant(address.channel, address.chat_id)
    if grant is not None and grant.role in (ADMIN, COORDINATOR):
        return Actor(address, grant.role, grant.name, tuple(grant.scope))
    return Actor(address, YOUTH)


def question_departments(settings: Settings, topic: str | None) -> tuple[str, ...]:
    """The departments that answer a topic."""
    found = settings.topic(topic or "khac")
    return found.departments if found else ()


def covers(settings: Settings, actor: Actor, question: Question) -> bool:
    """Whether a question is in the actor's scope (a topic id, a department code or a unit code)."""
    if actor.role == ADMIN or not actor.scope:
        return actor.is_staff
    keys = {question.topic or "", (question.unit_code or "").upper(), *question_departments(settings, question.topic)}
    return any(item in keys or item.upper() in keys for item in actor.scope)


def valid_scope_item(settings: Settings, item: str) -> bool:
    """Whether a scope entry names a topic, a department or a unit."""
    return (
        settings.topic(item) is not None
        or any(d.code == item for d in settings.departments)
        or settings.unit(item) is not None
    )


async def staff(settings: Settings, uow: UnitOfWork) -> list[Actor]:
    """Every admin and coordinator, configured and granted."""
    people = [_from_person(Address(p.channel, p.chat_id), ADMIN, p) for p in settings.roles.admins]
    people += [_from_person(Address(p.channel, p.chat_id), COORDINATOR, p) for p in settings.roles.coordinators]
    seen = {a.address for a in people}
    for grant in await uow.admin.grants():
        address = Address(grant.channel, grant.chat_id)
        if address not in seen and grant.role in (ADMIN, COORDINATOR):
            people.append(Actor(address, grant.role, grant.name, tuple(grant.scope)))
    return people


def parse_address(text: str) -> Address | None:
    """channel:chat_id typed by an admin."""
    channel, sep, chat_id = text.strip().partition(":")
    if not sep or not channel or not chat_id or len(channel) > 16 or len(chat_id) > 128:
        return None
    return Address(channel.lower(), chat_id)
