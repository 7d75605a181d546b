"""/nhap: questions collected outside the bot, from an .xlsx or .csv, validated then stored all at once."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime

from handlers.admin import texts
from handlers.admin.context import Act
from handlers.choices import fold
from handlers.types import Attachment
from storage import Question
from storage.clock import to_db

PENDING_IMPORT = "import"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = {"noi dung": "text", "don vi": "unit", "nguoi hoi": "asker", "nguon": "source", "thoi gian": "time"}
TIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
LISTED_CODES = 5  # codes named one by one when they are not a run
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


class BadFile(Exception):
    """The attachment is not a readable .xlsx or .csv."""


@dataclass(frozen=True)
class Row:
    """One valid row, ready to store."""

    text: str
    unit_code: str | None
    asker: str | None
    source: str
    at: datetime


def read_table(attachment: Attachment) -> list[list[object]]:
    """The cells of the first sheet (or the CSV), header row first."""
    from openpyxl import load_workbook  # imported on use: staff only, kept out of the bot's resident memory
    from openpyxl.utils.exceptions import InvalidFileException

    name = attachment.filename.lower()
    if len(attachment.content) > MAX_BYTES:
        raise BadFile(name)
    try:
        if name.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(attachment.content), read_only=True, data_only=True)
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        if name.endswith(".csv"):
            text = attachment.content.decode("utf-8-sig")
            dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text.strip() else csv.excel
            return [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    except (InvalidFileException, zipfile.BadZipFile, UnicodeDecodeError, csv.Error, KeyError, OSError) as exc:
        raise BadFile(name) from exc
    raise BadFile(name)


def _cell(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _time(act: Act, value: object) -> datetime | str:
    """An aware datetime, or the problem text."""
    zone = act.settings.campaign.zone
    if value is None or value == "":
        return act.now
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(_cell(value), pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    return texts.IMPORT_TIME_BAD.format(value=_cell(value)[:40])


def validate(act: Act, table: list[list[object]]) -> tuple[list[Row], list[tuple[int, str]]]:
    """Valid rows and (line number, problem) for the others; lines count like the spreadsheet's."""
    if not table:
        return [], []
    header = {COLUMNS[fold(_cell(h))]: i for i, h in enumerate(table[0]) if fold(_cell(h)) in COLUMNS}
    if "text" not in header:
        raise BadFile("header")
    limits = act.settings.limits
    rows, errors = [], []
    for line, cells in enumerate(table[1:], start=2):
        get = lambda key: cells[header[key]] if key in header and header[key] < len(cells) else None  # noqa: E731
        if not any(_cell(c) for c in cells):
            continue
        text = str(get("text") or "").strip()
        unit_text = _cell(get("unit"))
        unit = act.settings.unit(unit_text) or _unit_by_name(act, unit_text) if unit_text else None
        at = _time(act, get("time"))
        asker = _cell(get("asker")) or None
        problem = (
            texts.IMPORT_TEXT_MISSING if not text
            else texts.IMPORT_TEXT_SHORT.format(min=limits.question_min_chars) if len(text) < limits.question_min_chars
            else texts.IMPORT_TEXT_LONG.format(max=limits.question_max_chars) if len(text) > limits.question_max_chars
            else texts.IMPORT_UNIT_UNKNOWN.format(unit=unit_text[:40]) if unit_text and unit is None
            else texts.IMPORT_NAME_LONG if asker and len(asker) > limits.name_max_chars
            else at if isinstance(at, str)
            else None
        )
        if problem:
            errors.append((line, problem))
        else:
            assert isinstance(at, datetime)
            source = _cell(get("source"))[:32] or texts.IMPORT_DEFAULT_SOURCE
            rows.append(Row(text, unit.code if unit else None, asker, source, at))
    return rows, errors


def _unit_by_name(act: Act, name: str):  # type: ignore[no-untyped-def]
    wanted = fold(name)
    return next((u for u in act.settings.units if fold(u.name) == wanted), None)


async def start(act: Act) -> None:
    """/nhap: wait for the file (or take the one sent with the command)."""
    if act.msg.attachments:
        await import_file(act)
        return
    await act.uow.admin.set_pending(act.chat_key, PENDING_IMPORT, {}, act.now)
    act.say(texts.IMPORT_ASK)


async def import_file(act: Act) -> None:
    """Validate every row; store all of them (tagged) or none."""
    if not act.msg.attachments:
        act.say(texts.IMPORT_NEED_FILE)
        return
    attachment = act.msg.attachments[0]
    try:
        rows, errors = validate(act, read_table(attachment))
    except BadFile as exc:
        act.say(texts.IMPORT_NO_TEXT_COLUMN if str(exc) == "header" else texts.IMPORT_BAD_FILE.format(name=attachment.filename[:60]))
        return
    await act.uow.admin.clear_pending(act.chat_key)
    if errors:
        await act.audit("nhap", detail=f"{attachment.filename[:60]}: {len(errors)} bad rows", allowed=False)
        lines = [texts.IMPORT_ERRORS.format(count=len(errors))]
        lines += [texts.IMPORT_ERROR_LINE.format(line=n, problem=p) for n, p in errors[:30]]
        act.say("\n".join(lines))
        return
    if not rows:
        act.say(texts.IMPORT_EMPTY)
        return
    if len(rows) > MAX_ROWS:
        act.say(texts.IMPORT_TOO_MANY.format(count=len(rows), max=MAX_ROWS))
        return
    stored = [await _store(act, row) for row in rows]
    await act.audit("nhap", detail=f"{attachment.filename[:60]}: {len(stored)} rows {stored[0].code}..{stored[-1].code}")
    review = sum(q.needs_review for q in stored)
    act.say(texts.IMPORT_DONE.format(count=len(stored), codes=code_range([q.code or "" for q in stored]))
            + (texts.IMPORT_REVIEW.format(review=review) if review else "."))


def code_range(codes: list[str]) -> str:
    """The codes as staff read them: one code, «first đến last» for a run, else the first few and how many more."""
    if len(codes) == 1:
        return codes[0]
    if _is_run(codes):
        return texts.IMPORT_CODE_RUN.format(first=codes[0], last=codes[-1])
    listed = ", ".join(codes[:LISTED_CODES])
    more = len(codes) - LISTED_CODES
    return texts.IMPORT_CODES_MORE.format(codes=listed, more=more) if more > 0 else listed


def _is_run(codes: list[str]) -> bool:
    """Whether the codes share a prefix and their numbers follow one another (…-0004, …-0005, …-0006)."""
    parts = [_NUMBERED.match(code) for code in codes]
    if not all(parts):
        return False
    prefixes = {p.group(1) for p in parts if p}
    numbers = [int(p.group(2)) for p in parts if p]
    return len(prefixes) == 1 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


async def _store(act: Act, row: Row) -> Question:
    topic, scores, review = "khac", {}, True
    if act.seams.tagger is not None:
        result = act.seams.tagger.tag(row.text)
        topic = result.topic
        scores = {k: round(float(v), 4) for k, v in result.scores.items()}
        review = bool(result.needs_review)
    question = Question(
        youth_id=None, channel="import", campaign=act.settings.key, source=row.source, unit_code=row.unit_code, asker_name=row.asker,
        text_raw=row.text, text_norm=act.seams.normalise(row.text), topic=topic, topic_source="tagger",
        topic_scores=scores, needs_review=review, late=act.settings.campaign.is_late(row.at),
        created_at=to_db(row.at),
    )
    return await act.uow.questions.add(question, act.settings.campaign.receipt_prefix)

