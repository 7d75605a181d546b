"""/thongke: counts per topic, unit (vs allocation), channel and day; review, late, answers, ratings."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from handlers import campaigns
from handlers.admin import texts
from handlers.admin.campaign import countdown
from handlers.admin.context import Act
from handlers.choices import fold
from handlers.scope import covers, label
from storage import Question
from storage.clock import from_db


EVERY_CAMPAIGN = {"tatca", "tat ca", "all"}


@dataclass(frozen=True)
class Overview:
    """The statistics of a scope, for /thongke and the desk's overview."""

    scope: str  # "" for everything
    total: int
    review: int
    late: int
    answered: int
    topics: list[tuple[str, int]]  # (short name, count)
    units: list[tuple[str, int, int]]  # (name, count, allocation)
    no_unit: int
    channels: list[tuple[str, int]]
    days: list[tuple[str, int]]  # the last seven days, dd/mm
    ratings: dict[str, int]  # good, bad
    countdown: str


async def scoped_questions(act: Act) -> list[Question]:
    """Every question the actor may see in the campaign they work on."""
    return [q for q in await act.uow.questions.all() if covers(act.scope, q)]


async def overview(act: Act, questions: list[Question]) -> Overview:
    """Count the questions of the actor's scope."""
    zone = act.settings.campaign.zone
    mine = act.actor.scope  # its campaign is the working one: only the entries are named
    topics = Counter(q.topic or "khac" for q in questions)
    units = Counter(q.unit_code or "" for q in questions)
    channels = Counter(q.channel for q in questions)
    days = Counter(from_db(q.created_at).astimezone(zone).date() for q in questions)
    today = act.now.astimezone(zone).date()
    last_week = [today - timedelta(days=back) for back in range(6, -1, -1)]
    return Overview(
        scope="" if mine.everything else label(act.settings, mine, texts.SCOPE_ALL),
        total=len(questions),
        review=sum(q.needs_review for q in questions),
        late=sum(q.late for q in questions),
        answered=campaigns.tally(questions)["answered"],
        topics=[(t.short, topics.get(t.id, 0)) for t in act.settings.topics],
        units=[(u.name, units.get(u.code, 0), u.allocation) for u in act.settings.units],
        no_unit=units.get("", 0),
        channels=[(texts.CHANNEL_NAMES.get(c, c), n) for c, n in sorted(channels.items())],
        days=[(day.strftime("%d/%m"), days.get(day, 0)) for day in last_week],
        ratings=await act.uow.admin.ratings([q.id for q in questions if q.id is not None]),
        countdown=countdown(act.settings.campaign, act.now),
    )


async def show(act: Act) -> None:
    """/thongke: the statistics of the actor's scope; /thongke tatca: every campaign (province admins)."""
    if fold(act.msg.args) in EVERY_CAMPAIGN:
        await every_campaign(act)
        return
    questions = await scoped_questions(act)
    await act.audit("thongke", detail=f"{len(questions)} questions")
    view = await overview(act, questions)
    scope = texts.STATS_SCOPE.format(scope=view.scope) if view.scope else ""
    if act.settings.key != campaigns.PRIMARY:  # a local campaign's statistics say whose they are
        scope += texts.STATS_CAMPAIGN.format(name=act.settings.campaign.name)
    lines = [texts.STATS_HEAD.format(scope=scope), texts.STATS_TOTAL.format(
        total=view.total, review=view.review, late=view.late, answered=view.answered,
    )]
    lines.append(texts.STATS_TOPICS)
    lines += [texts.STATS_LINE.format(label=name, count=count) for name, count in view.topics]
    lines.append(texts.STATS_UNITS)
    lines += [texts.STATS_UNIT_LINE.format(label=name, count=count, allocation=allocation)
              for name, count, allocation in view.units]
    if view.no_unit:
        lines.append(texts.STATS_LINE.format(label="—", count=view.no_unit))
    lines.append(texts.STATS_CHANNELS)
    lines += [texts.STATS_LINE.format(label=name, count=count) for name, count in view.channels]
    lines.append(texts.STATS_DAYS)
    lines += [texts.STATS_LINE.format(label=day, count=count) for day, count in view.days]
    lines.append(texts.STATS_RATINGS.format(**view.ratings))
    lines.append(view.countdown)
    act.say("\n".join(lines))


async def every_campaign(act: Act) -> None:
    """One line per campaign (questions, on time / late, answered) and the totals: province admins."""
    if not act.actor.province_wide:
        await act.audit("thongke", detail="every campaign refused", allowed=False)
        act.say(texts.CAMPAIGN_SWITCH_FORBIDDEN)
        return
    questions = await act.uow.questions.all()
    every = await campaigns.every(act.settings.province, act.uow)
    grouped = campaigns.by_campaign(questions)
    lines = [texts.STATS_EVERY_HEAD]
    for key, one in every.items():
        lines.append(texts.STATS_EVERY_LINE.format(key=key, name=one.campaign.name,
                                                   **campaigns.tally(grouped.get(key, []))))
    lines.append(texts.STATS_EVERY_TOTAL.format(campaigns=len(every), **campaigns.tally(
        [q for q in questions if q.campaign in every])))
    await act.audit("thongke", detail=f"every campaign: {len(every)}")
    act.say("\n".join(lines))

