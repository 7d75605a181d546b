"""/thongke: counts per topic, unit (vs allocation), channel and day; review, late, answers, ratings."""

from collections import Counter
from datetime import timedelta

from handlers.admin import texts
from handlers.admin.campaign import countdown
from handlers.admin.context import Act
from handlers.scope import covers, label
from storage import Question
from storage.clock import from_db


async def scoped_questions(act: Act) -> list[Question]:
    """Every question the actor may see."""
    return [q for q in await act.uow.questions.all() if covers(act.actor.scope, q)]


async def show(act: Act) -> None:
    """Reply with the statistics of the actor's scope."""
    questions = await scoped_questions(act)
    await act.audit("thongke", detail=f"{len(questions)} questions")
    zone = act.settings.campaign.zone
    mine = act.actor.scope
    scope = "" if mine.everything else texts.STATS_SCOPE.format(scope=label(act.settings, mine, texts.SCOPE_ALL))
    lines = [texts.STATS_HEAD.format(scope=scope), texts.STATS_TOTAL.format(
        total=len(questions),
        review=sum(q.needs_review for q in questions),
        late=sum(q.late for q in questions),
        answered=sum(q.status == "answered" for q in questions),
    )]
    topics = Counter(q.topic or "khac" for q in questions)
    lines.append(texts.STATS_TOPICS)
    lines += [texts.STATS_LINE.format(label=t.short, count=topics.get(t.id, 0)) for t in act.settings.topics]
    units = Counter(q.unit_code or "" for q in questions)
    lines.append(texts.STATS_UNITS)
    lines += [
        texts.STATS_UNIT_LINE.format(label=u.name, count=units.get(u.code, 0), allocation=u.allocation)
        for u in act.settings.units
    ]
    if units.get(""):
        lines.append(texts.STATS_LINE.format(label="—", count=units[""]))
    channels = Counter(q.channel for q in questions)
    lines.append(texts.STATS_CHANNELS)
    lines += [texts.STATS_LINE.format(label=texts.CHANNEL_NAMES.get(c, c), count=n) for c, n in sorted(channels.items())]
    days = Counter(from_db(q.created_at).astimezone(zone).date() for q in questions)
    today = act.now.astimezone(zone).date()
    lines.append(texts.STATS_DAYS)
    for back in range(6, -1, -1):
        day = today - timedelta(days=back)
        lines.append(texts.STATS_LINE.format(label=day.strftime("%d/%m"), count=days.get(day, 0)))
    ratings = await act.uow.admin.ratings([q.id for q in questions if q.id is not None])
    lines.append(texts.STATS_RATINGS.format(**ratings))
    lines.append(countdown(act.settings.campaign, act.now))
    act.say("\n".join(lines))
