"""The one scope rule: which questions a coordinator covers, for every reader.

Commands (/thongke /xuat /xem /tra_loi /gan_chu_de), digests, reminders' counts, overdue notices
and the final export all ask this module. A scope is "all" or a list of entries:
- a topic id (`suc_khoe`): questions of that topic (an untagged question is `khac`);
- a department code (`so_khdt`): questions of every topic that department answers;
- a unit, written `don_vi:KESACH`: questions from that unit.
Topic ids and department codes are bare and checked disjoint at start (`config_errors`); a unit is
never bare, so no entry can mean two things (the unit `KHAC` is `don_vi:KHAC`, the topic is `khac`).

Several campaigns (handlers/campaigns.py): a scope also names the campaigns it covers. The
province's admins cover every campaign (`campaigns` None); everyone else covers their own campaign
only (`within`), so no entry, whatever it lists, reaches a question of another campaign.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from handlers.coordination.routing import departments_for
from handlers.settings import Department, Person, Settings, Unit
from handlers.types import Address
from storage import UnitOfWork
from storage.models import PRIMARY_CAMPAIGN

log = logging.getLogger(__name__)

ALL = "all"
UNIT_PREFIX = "don_vi:"
COORDINATOR = "coordinator"
Entries = Literal["all"] | Sequence[str]


class ScopeError(ValueError):
    """A scope entry that names no topic, department or unit."""

    def __init__(self, entry: str) -> None:
        super().__init__(f"not a topic id, department code or don_vi:UNIT: {entry!r}")
        self.entry = entry


class Scoped(Protocol):
    """What the rule reads of a question."""

    campaign: str
    topic: str | None
    unit_code: str | None


@dataclass(frozen=True)
class Scope:
    """A parsed scope: its canonical entries and what they cover."""

    entries: tuple[str, ...] = ()
    everything: bool = False
    topics: frozenset[str] = frozenset()  # topic ids covered: listed, or answered by a listed department
    units: frozenset[str] = frozenset()  # unit codes, upper-case
    known: frozenset[str] = field(default=frozenset(), repr=False)  # the configured topic ids
    campaigns: frozenset[str] | None = None  # the campaigns covered; None: every one (the province's admins)

    @classmethod
    def all(cls) -> "Scope":
        """Everything in every campaign (the province's admins); `within` narrows it to one campaign."""
        return cls(everything=True)

    @classmethod
    def none(cls) -> "Scope":
        """Nothing (youth)."""
        return cls()


def within(scope: Scope, campaign: str) -> Scope:
    """The scope limited to one campaign (a local campaign's staff; the province's coordinators)."""
    return replace(scope, campaigns=frozenset({campaign}))


def covers(scope: Scope, question: Scoped) -> bool:
    """Whether the question is in the scope: the one rule every reader uses."""
    if scope.campaigns is not None and question.campaign not in scope.campaigns:
        return False
    if scope.everything:
        return True
    topic = question.topic if question.topic in scope.known else "khac"
    return topic in scope.topics or (question.unit_code or "").upper() in scope.units


def entry(settings: Settings, text: str) -> str:
    """The canonical form of one typed or configured entry; ScopeError when it names nothing."""
    word = text.strip()
    if word.lower().startswith(UNIT_PREFIX):
        unit = settings.unit(word[len(UNIT_PREFIX):])
        if unit is None:
            raise ScopeError(word)
        return UNIT_PREFIX + unit.code
    topic = settings.topic(word.lower())
    if topic is not None:
        return topic.id
    department = next((d for d in settings.departments if d.code.lower() == word.lower()), None)
    if department is None:
        raise ScopeError(word)
    return department.code


def parse(settings: Settings, entries: Entries) -> Scope:
    """A scope from config or /cap_quyen ("all" or [] is everything); ScopeError on a bad entry."""
    if entries == ALL or not entries:
        return Scope.all()
    canonical = tuple(dict.fromkeys(entry(settings, e) for e in entries))
    topics = {e for e in canonical if settings.topic(e) is not None}
    departments = {e for e in canonical if not e.startswith(UNIT_PREFIX) and e not in topics}
    topics |= {t.id for t in settings.topics if departments.intersection(departments_for(settings, t.id))}
    units = {e[len(UNIT_PREFIX):].upper() for e in canonical if e.startswith(UNIT_PREFIX)}
    return Scope(canonical, False, frozenset(topics), frozenset(units), frozenset(t.id for t in settings.topics))


def load(settings: Settings, entries: Entries) -> Scope:
    """A stored (granted) scope: entries the config no longer knows are dropped, never widened to all."""
    if entries == ALL or not entries:
        return Scope.all()
    kept = []
    for item in entries:
        try:
            kept.append(entry(settings, item))
        except ScopeError:
            log.warning("stored scope entry %r names nothing in the config: ignored", item)
    return parse(settings, kept) if kept else Scope(known=frozenset(t.id for t in settings.topics))


def departments(settings: Settings, scope: Scope) -> list[Department]:
    """The departments whose sheets the scope's exports have, in config order."""
    # A listed department, those answering a listed topic; every department for "all" or a unit.
    if scope.everything or scope.units:
        return list(settings.departments)
    codes = {e for e in scope.entries if settings.topic(e) is None}
    codes.update(code for e in scope.entries if settings.topic(e) is not None for code in departments_for(settings, e))
    return [d for d in settings.departments if d.code in codes]


def units(settings: Settings, scope: Scope) -> list[Unit]:
    """The units a scope reports on: its listed units, or every unit."""
    if scope.units:
        return [u for u in settings.units if u.code.upper() in scope.units]
    return list(settings.units)


def label(settings: Settings, scope: Scope, all_label: str) -> str:
    """The scope in words: topic short names, department names, unit names; never raw ids."""
    if scope.everything:
        return all_label
    names = []
    for item in scope.entries:
        topic = settings.topic(item)
        department = next((d for d in settings.departments if d.code == item), None)
        unit = settings.unit(item[len(UNIT_PREFIX):]) if item.startswith(UNIT_PREFIX) else None
        names.append(topic.short if topic else department.name if department else unit.name if unit else item)
    return ", ".join(names) or "—"


def receives_final_export(scope: Scope, consolidator: str) -> bool:
    """The final consolidated export goes to coordinators scoped "all" or listing the consolidator."""
    return scope.everything or consolidator in scope.entries


def config_errors(settings: Settings, people: Iterable[Person]) -> list[str]:
    """Why the configured scopes are ambiguous or wrong (empty when they are fine)."""
    topics = {t.id for t in settings.topics}
    clashes = sorted(d.code for d in settings.departments if d.code.lower() in topics or d.code.lower() == ALL)
    errors = [f"department codes that are also topic ids or 'all': {clashes}"] if clashes else []
    unknown: set[str] = set()
    for person in people:
        for item in () if person.scope == ALL else person.scope:
            try:
                entry(settings, item)
            except ScopeError:
                unknown.add(item)
    if unknown:
        errors.append(f"roles.coordinators scope: not a topic id, department code or don_vi:UNIT: {sorted(unknown)}")
    return errors


@dataclass(frozen=True)
class Coordinator:
    """A coordinator, configured or granted, with the scope every reader applies."""

    address: Address
    name: str
    scope: Scope

    @property
    def label(self) -> str:
        """How messages address this person."""
        return self.name or str(self.address)


def configured(settings: Settings) -> list[Coordinator]:
    """The coordinators configured for `settings`' campaign (each covers that campaign only)."""
    people = settings.roles.coordinators
    return [Coordinator(Address(p.channel, p.chat_id), p.name, within(parse(settings, p.scope), settings.key))
            for p in people]


async def coordinators(settings: Settings, uow: UnitOfWork) -> list[Coordinator]:
    """Every coordinator of `settings`' campaign: configured, then granted in it (read now; a
    configured chat keeps its configured role)."""
    people = configured(settings)
    taken = {c.address for c in people} | {Address(p.channel, p.chat_id) for p in settings.roles.admins}
    for grant in await uow.admin.grants():
        address = Address(grant.channel, grant.chat_id)
        if grant.role == COORDINATOR and address not in taken and (grant.campaign or PRIMARY_CAMPAIGN) == settings.key:
            taken.add(address)
            people.append(Coordinator(address, grant.name, within(load(settings, grant.scope), settings.key)))
    return people
