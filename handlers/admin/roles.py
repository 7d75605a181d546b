"""Who may do what: admins and coordinators from config plus grants stored in the database."""

from dataclasses import dataclass, field

from handlers import campaigns
from handlers.scope import Scope, load, parse, within
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
    campaign: str = campaigns.PRIMARY  # the campaign they belong to (the province's admins may work on any)

    @property
    def province_wide(self) -> bool:
        """The province's admins: every campaign is theirs."""
        return self.scope.campaigns is None

    @property
    def is_staff(self) -> bool:
        """Admins and coordinators."""
        return self.role in (ADMIN, COORDINATOR)

    @property
    def label(self) -> str:
        """How answers and audit lines name this person."""
        return self.name or str(self.address)


def staff_scope(settings: Settings, role: str, entries: "Scope | tuple[str, ...] | list[str] | str") -> Scope:
    """The scope of a role in the campaign `settings` describes: the one place campaigns narrow scopes.

    The province's admins cover every campaign; anyone else covers only their campaign."""
    scope = entries if isinstance(entries, Scope) else Scope.all() if role == ADMIN else parse(settings, entries)
    if role == ADMIN and settings.key == campaigns.PRIMARY:
        return scope
    return within(scope, settings.key)


def _from_person(settings: Settings, address: Address, role: str, person: Person) -> Actor:
    return Actor(address, role, person.name, staff_scope(settings, role, person.scope), settings.key)


def configured(settings: Settings, address: Address) -> Actor | None:
    """The role given to this address in `settings`' campaign's configuration, if any (admin wins)."""
    for role, people in ((ADMIN, settings.roles.admins), (COORDINATOR, settings.roles.coordinators)):
        for person in people:
            if person.channel == address.channel and person.chat_id == address.chat_id:
                return _from_person(settings, address, role, person)
    return None


async def resolve(settings: Settings, uow: UnitOfWork, address: Address) -> Actor:
    """The sender's role: configured (the province's file, then each local campaign's), then a
    stored grant, else youth. `settings` is the province's."""
    actor = configured(settings, address)
    if actor is not None:
        return actor
    local = await campaigns.staff_campaign(settings, uow, address.channel, address.chat_id)
    if local is not None:
        return configured(local, address) or Actor(address, YOUTH)
    grant = await uow.admin.grant(address.channel, address.chat_id)
    if grant is None or grant.role not in (ADMIN, COORDINATOR):
        return Actor(address, YOUTH)
    campaign = await campaigns.of(settings, uow, grant.campaign) if grant.campaign else settings
    if campaign is None:  # its campaign is gone from the configuration: no role anywhere
        return Actor(address, YOUTH)
    entries = Scope.all() if grant.role == ADMIN else load(campaign, grant.scope)
    return Actor(address, grant.role, grant.name, staff_scope(campaign, grant.role, entries), campaign.key)


async def admins(settings: Settings, uow: UnitOfWork) -> list[Actor]:
    """Every admin of `settings`' campaign: its configured ones, then granted ones, and for a local
    campaign the province's admins too (read now; a configured chat keeps its configured role)."""
    province = settings.key == campaigns.PRIMARY
    people = [_from_person(settings, Address(p.channel, p.chat_id), ADMIN, p) for p in settings.roles.admins]
    taken = {a.address for a in people} | {Address(p.channel, p.chat_id) for p in settings.roles.coordinators}
    for grant in await uow.admin.grants():
        address = Address(grant.channel, grant.chat_id)
        if grant.role == ADMIN and address not in taken and (grant.campaign or campaigns.PRIMARY) == settings.key:
            taken.add(address)
            people.append(Actor(address, ADMIN, grant.name, staff_scope(settings, ADMIN, Scope.all()), settings.key))
    if not province:
        people += [a for a in await admins(settings.province, uow) if a.address not in taken]
    return people


def parse_address(text: str) -> Address | None:
    """channel:chat_id typed by an admin."""
    channel, sep, chat_id = text.strip().partition(":")
    if not sep or not channel or not chat_id or len(channel) > 16 or len(chat_id) > 128:
        return None
    return Address(channel.lower(), chat_id)
