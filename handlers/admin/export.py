"""/xuat: the consolidated questions of the caller's scope as .xlsx and .csv, with filters."""

import csv
import io
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from handlers import campaigns, texts as youth_texts
from handlers.admin import texts
from handlers.admin.args import parse_date, parse_pairs
from handlers.admin.context import Act
from handlers.admin.questions import departments_text
from handlers.admin.stats import EVERY_CAMPAIGN, scoped_questions
from handlers.campaigns import PRIMARY
from handlers.choices import fold
from handlers.coordination.export import build_workbook, rows_for
from handlers.coordination.routing import departments_for
from handlers.types import Attachment
from storage import Question
from storage.clock import from_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_KEYS = {"chu_de", "don_vi", "trang_thai", "tu", "den"}
log = logging.getLogger(__name__)


async def export(act: Act) -> None:
    """Reply with the filtered questions as two attachments."""
    pairs, rest = parse_pairs(act.msg.args)
    if rest and not pairs and fold(" ".join(rest)) in EVERY_CAMPAIGN:
        await every_campaign(act)
        return
    bad = [w for w in rest] + [f"{k}={v}" for k, v in pairs.items() if k not in FILTER_KEYS]
    if bad:
        _say_bad_key(act, bad[0])
        return
    keep = _filter(act, pairs)
    if keep is None:
        return
    questions = [q for q in await scoped_questions(act) if keep(q)]
    await act.audit("xuat", detail=" ".join(f"{k}={v}" for k, v in pairs.items())[:200] + f" ({len(questions)})")
    if not questions:
        act.say(texts.EXPORT_EMPTY)
        return
    act.say(texts.EXPORT_DONE.format(count=len(questions)), attachments=await files(act, questions))


async def files(act: Act, questions: list[Question]) -> tuple[Attachment, Attachment]:
    """The questions as .xlsx and .csv (for /xuat and the desk's export)."""
    answers = await act.uow.admin.answers_of([q.id for q in questions if q.id is not None])
    rows = [_row(act, q, answers.get(q.id or 0)) for q in questions]
    stamp = act.now.astimezone(act.settings.campaign.zone).strftime("%Y%m%d-%H%M")
    if act.settings.key != PRIMARY:  # a local campaign's file says whose it is
        stamp = f"{act.settings.key}-{stamp}"
    return (
        Attachment(f"cau-hoi-{stamp}.xlsx", workbook(act, questions), XLSX),
        Attachment(f"cau-hoi-{stamp}.csv", to_csv(rows), "text/csv"),
    )


async def every_campaign(act: Act) -> None:
    """/xuat tatca: every campaign's questions in one .xlsx and .csv (the province's admins), each
    row named with its own campaign's units."""
    if not act.actor.province_wide:
        await act.audit("xuat", detail="every campaign refused", allowed=False)
        act.say(texts.CAMPAIGN_SWITCH_FORBIDDEN)
        return
    every = await campaigns.every(act.settings.province, act.uow)
    questions = [q for q in await act.uow.questions.all() if q.campaign in every]
    await act.audit("xuat", detail=f"every campaign ({len(questions)})")
    if not questions:
        act.say(texts.EXPORT_EMPTY)
        return
    answers = await act.uow.admin.answers_of([q.id for q in questions if q.id is not None])
    rows: list[list[str]] = []
    sheet_rows = []
    used: set[str] = set()
    for key, settings in every.items():
        one = replace(act, settings=settings)
        mine = [q for q in questions if q.campaign == key]
        rows += [_row(one, q, answers.get(q.id or 0)) for q in mine]
        sheet_rows += rows_for(settings, mine)
        used |= {code for q in mine for code in departments_for(settings, q.topic)}
    departments = [d for d in act.settings.province.departments if d.code in used]
    stamp = "tatca-" + act.now.astimezone(act.settings.campaign.zone).strftime("%Y%m%d-%H%M")
    act.say(texts.EXPORT_EVERY_DONE.format(count=len(questions), campaigns=len(every)), attachments=(
        Attachment(f"cau-hoi-{stamp}.xlsx", build_workbook(departments, sheet_rows), XLSX),
        Attachment(f"cau-hoi-{stamp}.csv", to_csv(rows), "text/csv"),
    ))


def workbook(act: Act, questions: list[Question]) -> bytes:
    """Issue #4's consolidated workbook: one sheet per answering department among these questions."""
    used = {code for q in questions for code in departments_for(act.settings, q.topic)}
    departments = [d for d in act.settings.departments if d.code in used]
    return build_workbook(departments, rows_for(act.settings, questions))


def _filter(act: Act, pairs: dict[str, str]):  # type: ignore[no-untyped-def]
    """A predicate over questions, or None after saying which filter is wrong."""
    topic = pairs.get("chu_de")
    if topic is not None and act.settings.topic(topic.lower()) is None:
        _say_bad(act, "chu_de", topic)
        return None
    unit = act.settings.unit(pairs["don_vi"]) if "don_vi" in pairs else None
    if "don_vi" in pairs and unit is None:
        _say_bad(act, "don_vi", pairs["don_vi"])
        return None
    status = _status(pairs.get("trang_thai"))
    if "trang_thai" in pairs and status is None:
        _say_bad(act, "trang_thai", pairs["trang_thai"])
        return None
    start, end = (parse_date(pairs[k]) if k in pairs else None for k in ("tu", "den"))
    for key, value in (("tu", start), ("den", end)):
        if key in pairs and value is None:
            _say_bad(act, key, pairs[key])
            return None
    zone = act.settings.campaign.zone

    def keep(q: Question) -> bool:
        day: date = from_db(q.created_at).astimezone(zone).date()
        return (
            (topic is None or q.topic == topic.lower())
            and (unit is None or q.unit_code == unit.code)
            and (status is None or q.status == status)
            and (start is None or day >= start)
            and (end is None or day <= end)
        )

    return keep


def _say_bad_key(act: Act, item: str) -> None:
    """Say which word is not a filter, and which filters there are."""
    log.info("/xuat: not a filter (%d characters)", len(item))
    act.say(texts.EXPORT_BAD_KEY.format(item=item[:60]) + "\n" + texts.USAGE.format(usage=texts.EXPORT_USAGE))


def _say_bad(act: Act, key: str, value: str) -> None:
    """Say which filter value is wrong and what that filter accepts."""
    settings = act.settings
    if key == "chu_de":
        items = [texts.EXPORT_ITEM.format(id=t.id, name=t.short) for t in settings.topics]
        accepted = texts.EXPORT_TOPICS.format(items=", ".join(items))
    elif key == "don_vi":
        accepted = texts.EXPORT_UNITS.format(items=", ".join(u.code for u in settings.units))
    elif key == "trang_thai":
        items = [texts.EXPORT_ITEM.format(id=k, name=v) for k, v in youth_texts.STATUS.items()]
        accepted = texts.EXPORT_STATUSES.format(items=", ".join(items))
    else:
        example = settings.campaign.deadline_date.strftime("%d/%m/%Y")
        accepted = texts.EXPORT_DATES.format(key=key, example=example)
    log.info("/xuat: invalid %s filter", key)
    act.say(texts.EXPORT_BAD_FILTER.format(key=key, value=value[:60], accepted=accepted))


def _status(value: str | None) -> str | None:
    """A status id from its id or its Vietnamese wording."""
    if value is None:
        return None
    wanted = fold(value.replace("_", " "))
    for status, label in youth_texts.STATUS.items():
        if wanted in (status, fold(label)):
            return status
    return None


def _row(act: Act, q: Question, answer: object) -> list[str]:
    unit = act.settings.unit(q.unit_code or "")
    return [
        q.code or "",
        act.date_text(q.created_at),
        unit.name if unit else (q.unit_code or ""),
        act.topic_label(q.topic),
        departments_text(act, q.topic),
        q.asker_name or texts.ANONYMOUS,
        q.text_raw,
        youth_texts.STATUS.get(q.status, q.status),
        texts.YES if q.late else texts.NO,
        texts.YES if q.needs_review else texts.NO,
        q.source,
        texts.CHANNEL_NAMES.get(q.channel, q.channel),
        getattr(answer, "text", "") or "",
    ]


def to_csv(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 CSV with a BOM so Excel shows Vietnamese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(texts.EXPORT_HEADERS)
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe_cell(value: str) -> str:
    """Youth text starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
