"""The desk's question list: filters from a form, accent-insensitive search, near-duplicate groups, pages."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from handlers.admin.args import parse_date
from handlers.coordination.routing import departments_for
from handlers.coordination.similar import fold_fast, group_similar
from handlers.settings import Settings
from handlers.texts import STATUS
from storage import Question
from storage.clock import from_db

PAGE_SIZE = 20
FIELDS = ("q", "chu_de", "don_vi", "co_quan", "trang_thai", "xem_lai", "tre", "tu", "den")


@dataclass(frozen=True)
class Filters:
    """What the list shows; `values` are the form's fields as typed (kept to refill the form)."""

    values: dict[str, str] = field(default_factory=dict)
    search: str = ""
    topic: str | None = None
    unit: str | None = None
    department: str | None = None
    status: str | None = None
    review: bool = False
    late: bool = False
    start: date | None = None
    end: date | None = None
    bad: tuple[str, ...] = ()  # fields whose values were not understood (ignored)


def parse(settings: Settings, form: Mapping[str, str]) -> Filters:
    """Filters from query parameters; a value that names nothing is ignored and reported."""
    values = {k: form.get(k, "").strip()[:200] for k in FIELDS if form.get(k, "").strip()}
    bad: list[str] = []

    def known(key: str, ok: bool) -> str | None:
        if key not in values:
            return None
        if not ok:
            bad.append(key)
            return None
        return values[key]

    topic = known("chu_de", settings.topic(values.get("chu_de", "")) is not None)
    unit = known("don_vi", settings.unit(values.get("don_vi", "")) is not None)
    department = known("co_quan", any(d.code == values.get("co_quan") for d in settings.departments))
    status = known("trang_thai", values.get("trang_thai") in STATUS)
    dates = {k: parse_date(values[k]) if k in values else None for k in ("tu", "den")}
    bad += [k for k, v in dates.items() if k in values and v is None]
    return Filters(
        values=values, search=fold_fast(values.get("q", "")), topic=topic,
        unit=settings.unit(unit).code if unit else None,  # type: ignore[union-attr]
        department=department, status=status, review="xem_lai" in values, late="tre" in values,
        start=dates["tu"], end=dates["den"], bad=tuple(bad),
    )


def matches(settings: Settings, filters: Filters, question: Question) -> bool:
    """Whether the question passes every filter (the search folds accents on both sides)."""
    day = from_db(question.created_at).astimezone(settings.campaign.zone).date()
    return (
        (filters.topic is None or (question.topic or "khac") == filters.topic)
        and (filters.unit is None or (question.unit_code or "").upper() == filters.unit.upper())
        and (filters.department is None or filters.department in departments_for(settings, question.topic))
        and (filters.status is None or question.status == filters.status)
        and (not filters.review or question.needs_review)
        and (not filters.late or question.late)
        and (filters.start is None or day >= filters.start)
        and (filters.end is None or day <= filters.end)
        and (not filters.search or filters.search in fold_fast(f"{question.code} {question.text_raw}"))
    )


@dataclass(frozen=True)
class Group:
    """One row of the list: a question and the near-duplicates collapsed under it."""

    question: Question
    similar: list[Question]


@dataclass(frozen=True)
class Page:
    """One page of groups."""

    groups: list[Group]
    matched: list[Question]  # every matching question (the export takes them all)
    number: int
    pages: int


def grouped(questions: list[Question]) -> list[Group]:
    """Newest first; near-identical questions collapse under the newest of them."""
    ordered = sorted(questions, key=lambda q: (from_db(q.created_at), q.id or 0), reverse=True)
    leader: dict[int, int] = {}
    for members in group_similar([q.text_norm for q in ordered]):
        first = min(members)
        leader.update({member: first for member in members})
    similar: dict[int, list[Question]] = {}
    for index, question in enumerate(ordered):
        similar.setdefault(leader.get(index, index), []).append(question)
    return [Group(ordered[first], members[1:]) for first, members in sorted(similar.items())]


def page(settings: Settings, filters: Filters, questions: list[Question], number: int) -> Page:
    """The matching questions, grouped, on page `number` (1-based, clamped)."""
    matched = [q for q in questions if matches(settings, filters, q)]
    groups = grouped(matched)
    pages = max(1, -(-len(groups) // PAGE_SIZE))
    number = min(max(1, number), pages)
    return Page(groups[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], matched, number, pages)


def stamp(settings: Settings, moment: datetime) -> str:
    """dd/mm/yyyy hh:mm in the campaign's zone."""
    return from_db(moment).astimezone(settings.campaign.zone).strftime("%d/%m/%Y %H:%M")
