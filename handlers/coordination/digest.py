"""A coordinator's digest: counts, the questions needing review first, near-duplicates grouped,
split below Telegram's limit between questions, with a chart and an .xlsx attached."""

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers.coordination import texts
from handlers.coordination.chart import render_chart
from handlers.coordination.export import QuestionRow, rows_for
from handlers.coordination.naming import is_local, named, stamped
from handlers.coordination.offload import workbook_beside
from handlers.coordination.similar import group_similar
from handlers.scope import Coordinator, Scope, covers, departments, label
from handlers.settings import Settings
from handlers.types import Attachment, Reply
from storage import Question

TEXT_LIMIT = 3800  # below Telegram's 4,096, with room for the part marker and UTF-16 surrogates
ITEM_TEXT_MAX = 1000  # the full text is in the .xlsx
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Digest:
    """What one coordinator receives, and the questions it brings them."""

    replies: list[Reply]
    new_count: int
    question_ids: tuple[int, ...]


def build_digest(
    settings: Settings, person: Coordinator, questions: Sequence[Question], *, now: datetime,
    digested: Collection[int] = frozenset(), limit: int = TEXT_LIMIT, files: bool = True,
) -> Digest:
    """The digest of the questions in the coordinator's scope that no earlier digest brought them
    (`questions`: all, by id; `digested`: the ids already sent to this coordinator)."""
    scoped = [q for q in questions if covers(person.scope, q)]
    seen = set(digested)
    new = [q for q in scoped if q.id not in seen]
    moment = now.astimezone(settings.campaign.zone).strftime("%H:%M %d/%m/%Y")
    to = person.address
    if not new:
        none = texts.DIGEST_CAMPAIGN_NONE if is_local(settings) else texts.DIGEST_NONE
        text = none.format(name=person.label, moment=moment, campaign=settings.campaign.name)
        return Digest([Reply(text, address=to)], 0, ())
    rows = rows_for(settings, new)
    ids = tuple(q.id for q in new if q.id is not None)
    with workbook_beside(departments(settings, person.scope), rows, wanted=files) as workbook:
        # The worker writes the .xlsx while this process groups, packs and draws.
        blocks = [_summary(settings, person, scoped, new, moment), *_question_blocks(rows)]
        if files:
            blocks.append(texts.DIGEST_FILES)
        replies = [Reply(piece, address=to) for piece in pack(blocks, limit)]
        if files:
            stamp = stamped(settings, now.astimezone(settings.campaign.zone).strftime("%Y%m%d-%H%M"))
            attachments = _attachments(settings, scoped, workbook, stamp)
            replies[-1] = Reply(replies[-1].text, address=to, attachments=attachments)
    return Digest(replies, len(new), ids)


def digest_files(
    settings: Settings, scope: Scope, scoped: Sequence[Question], rows: Sequence[QuestionRow], stamp: str
) -> tuple[Attachment, ...]:
    """The chart (PNG) of everything in scope and the .xlsx of the given rows, one sheet per department."""
    with workbook_beside(departments(settings, scope), rows) as workbook:
        return _attachments(settings, scoped, workbook, stamp)


def _attachments(
    settings: Settings, scoped: Sequence[Question], workbook: Callable[[], bytes], stamp: str
) -> tuple[Attachment, ...]:
    """The chart, drawn here, and the workbook, waited for (or written now when it was not offloaded)."""
    chart = render_chart(settings, scoped)
    return (
        Attachment(texts.CHART_FILENAME.format(stamp=stamp), chart, "image/png"),
        Attachment(texts.XLSX_FILENAME.format(stamp=stamp), workbook(), XLSX_MIME),
    )


def _summary(
    settings: Settings, person: Coordinator, scoped: Sequence[Question], new: Sequence[Question], moment: str
) -> str:
    """Head, totals, counts per topic and per unit (against the unit's allocation)."""
    lines = [
        named(settings, texts.DIGEST_HEAD.format(
            name=person.label, moment=moment, scope=label(settings, person.scope, texts.DIGEST_SCOPE_ALL),
        )),
        texts.DIGEST_TOTALS.format(new=len(new), total=len(scoped)),
        texts.DIGEST_BY_TOPIC,
    ]
    new_topics, all_topics = Counter(q.topic or "khac" for q in new), Counter(q.topic or "khac" for q in scoped)
    for topic in settings.topics:
        if all_topics[topic.id]:
            lines.append(texts.DIGEST_TOPIC_LINE.format(topic=topic.short, new=new_topics[topic.id], total=all_topics[topic.id]))
    lines.append(texts.DIGEST_BY_UNIT)
    new_units, all_units = Counter(q.unit_code for q in new), Counter(q.unit_code for q in scoped)
    youth = {u.code: set() for u in settings.units}  # type: dict[str, set[int]]
    for q in scoped:
        if q.unit_code in youth and q.youth_id is not None:
            youth[q.unit_code].add(q.youth_id)
    for unit in settings.units:
        if all_units[unit.code] or unit.allocation:
            lines.append(texts.DIGEST_UNIT_LINE.format(
                unit=unit.name, new=new_units[unit.code], total=all_units[unit.code],
                youth=len(youth[unit.code]), allocation=unit.allocation,
            ))
    return "\n".join(lines)


def _item(row: QuestionRow) -> str:
    text = row.text if len(row.text) <= ITEM_TEXT_MAX else row.text[: ITEM_TEXT_MAX - 1] + "…"
    return texts.DIGEST_ITEM.format(
        code=row.code, unit=row.unit, topic=row.topic, late=texts.DIGEST_LATE if row.late else "", text=text
    )


def _question_blocks(rows: Sequence[QuestionRow]) -> list[str]:
    """Questions needing review first, then the others with near-duplicates grouped."""
    review = [r for r in rows if r.needs_review]
    rest = [r for r in rows if not r.needs_review]
    blocks: list[str] = []
    if review:
        blocks.append(texts.DIGEST_REVIEW_HEAD.format(count=len(review)))
        blocks.extend(_item(r) for r in review)
    if rest:
        blocks.append(texts.DIGEST_LIST_HEAD.format(count=len(rest)))
        grouped = {g[0]: g for g in group_similar([r.text for r in rest])}
        inside = {i for g in grouped.values() for i in g[1:]}
        for index, row in enumerate(rest):
            if index in inside:
                continue
            group = grouped.get(index)
            if group:
                codes = ", ".join(rest[i].code for i in group)
                blocks.append(texts.DIGEST_GROUP.format(count=len(group), codes=codes) + "\n" + _item(row))
            else:
                blocks.append(_item(row))
    return blocks


def pack(blocks: Sequence[str], limit: int) -> list[str]:
    """Join blocks into messages of at most `limit` characters, never cutting a block."""
    marker = len(texts.DIGEST_PART.format(index=999, count=999)) + 2
    budget = limit - marker
    pieces: list[str] = []
    current = ""
    for block in blocks:
        block = block if len(block) <= budget else block[: budget - 1] + "…"
        if current and len(current) + 2 + len(block) > budget:
            pieces.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}" if current else block
    if current:
        pieces.append(current)
    if len(pieces) > 1:
        pieces = [f"{p}\n\n{texts.DIGEST_PART.format(index=i, count=len(pieces))}" for i, p in enumerate(pieces, 1)]
    return pieces
