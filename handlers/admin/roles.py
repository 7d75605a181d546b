"""Who may do what: admins and coordinators from config plus grants stored in the database."""

from dataclasses import dataclass, field

from handlers.scope import Scope, load, parse
from handlers.settings import Person, Settings
from handlers.types import Address
from storage import UnitOfWork

ADMIN, COORDINATOR, YOUTH = "admin", "coordinator", "youth"


@dataclass(frozen=True)
class Actor:
    """The sender of a message with their role and the scope handlers/scope.py applies to them."""

    address: Address
    role: str
    name: str = ""
    scope: Scope = field(default_factory=Scope.none)

    @property
    def is_staff(self) -> bool:
        """Admins and coordinators."""
        return self.role in (ADMIN, COORDINATOR)

    @property
    def label(self) -> str:
        """How answers and audit lines name this person."""
        return self.name or str(self.address)


def _from_person(settings: Settings, address: Address, role: str, person: Person) -> Actor:
    scope = Scope.all() if role == ADMIN else parse(settings, person.scope)
    return Actor(address, role, person.name, scope)


def configured(settings: Settings, address: Address) -> Actor | None:
    """The role given to this address in config.yaml, if any (admin wins)."""
    for role, people in ((ADMIN, settings.roles.admins), (COORDINATOR, settings.roles.coordinators)):
        for person in people:
            if person.channel == address.channel and person.chat_id == address.chat_id:
                return _from_person(settings, address, role, person)
    return None


async def resolve(settings: Settings, uow: UnitOfWork, address: Address) -> Actor:
    """The sender's role: configured first, then a stored grant, else youth."""
    actor = configured(settings, address)
    if actor is not None:
        return actor
    grant = await uow.admin.grant(address.channel, address.chat_id)
    if grant is not None and grant.role == ADMIN:
        return Actor(address, ADMIN, grant.name, Scope.all())
    if grant is not None and grant.role == COORDINATOR:
        return Actor(address, COORDINATOR, grant.name, load(settings, grant.scope))
    return Actor(address, YOUTH)


async def admins(settings: Settings, uow: UnitOfWork) -> list[Actor]:
    """Every admin: configured, then granted (read now; a configured chat keeps its configured role)."""
    people = [_from_person(settings, Address(p.channel, p.chat_id), ADMIN, p) for p in settings.roles.admins]
    taken = {a.address for a in people} | {Address(p.channel, p.chat_id) for p in settings.roles.coordinators}
    for grant in await uow.admin.grants():
        address = Address(grant.channel, grant.chat_id)
        if grant.role == ADMIN and address not in taken:
            taken.add(address)
            people.append(Actor(address, ADMIN, grant.name, Scope.all()))
    return people


def parse_address(text: str) -> Address | None:
    """channel:chat_id typed by an admin."""
    channel, sep, chat_id = text.strip().partition(":")
    if not sep or not channel or not chat_id or len(channel) > 16 or len(chat_id) > 128:
        return None
    return Address(channel.lower(), chat_id)
