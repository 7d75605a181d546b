"""/xoa: every trace of one youth leaves the database (Law 91/2025/QH15, the processing notice).

What must outlive them is kept only under a keyed pseudonym (HMAC with the server secret): a block
(so erasing is not a way around it) and the audit lines of what they tried. tests/privacy walks
every table and column and checks each is erased here or exempt for a stated reason.
"""

import json
import re
from typing import Any

from sqlalchemy import String, cast, delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ConversationState, ProcessedUpdate, Question, TopicCorrection, Youth
from storage.models_admin import Answer, AuditEntry, BlockedChat, BlockedMessage, PendingInput
from storage.models_channels import WebOutboxMessage
from storage.models_coordination import Delivery
from storage.staff_files import StaffFile
from storage.secret import blocked_key, erased_actor, recipient_key, secret_of, update_chat_key
from storage.updates import digest

ERASED = "doithoai.erased"  # session flag: the Store checkpoints SQLite's WAL after the commit
WEB = "web"  # the web chat's channel name: its outbox is keyed by the session's chat id
ANNOUNCE_RUN = "announce-run"  # a kept /thongbao run (bot/announce.py): payload["to"] lists [channel, chat_id]
EXCERPT, MIN_NEEDLE = 40, 6  # replies quote a question's beginning; shorter needles would hit anything


async def erase_youth(session: AsyncSession, youth: Youth) -> int:
    """Erase `youth` and everything stored about them; returns how many questions went."""
    secret = secret_of(session)
    address = f"{youth.channel}:{youth.chat_id}"
    texts = await _texts_of(session, youth)
    count = await _erase_questions(session, youth)
    await _run(session, delete(ConversationState).where(col(ConversationState.chat_key) == address))
    await _run(session, delete(PendingInput).where(col(PendingInput.chat_key) == address))
    await _leave_announcements(session, youth.channel, youth.chat_id)
    legacy = digest(address)  # keys written before 0002 were a bare SHA-256
    await _run(session, delete(ProcessedUpdate).where(
        col(ProcessedUpdate.chat_key).in_([update_chat_key(secret, address), legacy])))
    await _run(session, delete(Delivery).where(
        col(Delivery.recipient).in_([recipient_key(secret, address), digest("delivery", address)])))
    if youth.channel == WEB:
        await _run(session, delete(WebOutboxMessage).where(col(WebOutboxMessage.chat_id) == youth.chat_id))
    await _forget_chat(session, secret, youth.channel, youth.chat_id)
    await _scrub_replies(session, [address, youth.name or "", *texts])
    if count:  # an export or digest file waiting for staff may quote the question: staff ask again
        await _run(session, delete(StaffFile))
    await session.delete(youth)
    await session.flush()
    session.info[ERASED] = True
    return count


async def erase_chat(session: AsyncSession, channel: str, chat_id: str) -> int:
    """/xoa from a chat without a youth (blocked before it consented): the messages kept from it go,
    its block and audit lines stay under a pseudonym. Returns how many kept messages went; with none,
    nothing is touched (a staff chat's audit lines keep naming it)."""
    kept = select(BlockedMessage.id).where(
        col(BlockedMessage.channel) == channel, col(BlockedMessage.chat_id) == chat_id)
    count = len((await session.exec(kept)).all())
    if count:
        secret = secret_of(session)
        address = f"{channel}:{chat_id}"
        await _run(session, delete(ProcessedUpdate).where(
            col(ProcessedUpdate.chat_key).in_([update_chat_key(secret, address), digest(address)])))
        await _forget_chat(session, secret, channel, chat_id)
        await _scrub_replies(session, [address])  # a staff reply kept for redelivery («Đã chặn …»)
        await session.flush()
        session.info[ERASED] = True
    return count


async def _leave_announcements(session: AsyncSession, channel: str, chat_id: str) -> None:
    """Kept /thongbao runs lose the youth's address: one resumed after a crash must not message them."""
    runs = await session.exec(select(PendingInput).where(col(PendingInput.kind) == ANNOUNCE_RUN))
    for run in runs.all():
        to = list(run.payload.get("to") or [])
        left = [pair for pair in to if list(pair) != [channel, chat_id]]
        if len(left) != len(to):
            run.payload = {**run.payload, "to": left}
            session.add(run)


async def _erase_questions(session: AsyncSession, youth: Youth) -> int:
    """The youth's questions, with the answers, ratings and topic corrections that hang on them."""
    ids = list((await session.exec(select(Question.id).where(Question.youth_id == youth.id))).all())
    if ids:
        await _run(session, delete(TopicCorrection).where(col(TopicCorrection.question_id).in_(ids)))
        await _run(session, delete(Answer).where(col(Answer.question_id).in_(ids)))
        await _run(session, delete(Question).where(col(Question.id).in_(ids)))
    return len(ids)


async def _texts_of(session: AsyncSession, youth: Youth) -> list[str]:
    """The beginnings of what the youth wrote (replies quote an excerpt that starts there)."""
    written = select(Question.text_raw).where(Question.youth_id == youth.id)
    public = select(Question.public_text).where(Question.youth_id == youth.id, col(Question.public_text).is_not(None))
    comments = select(Answer.comment).join(Question, col(Question.id) == col(Answer.question_id)).where(
        Question.youth_id == youth.id, col(Answer.comment).is_not(None))
    found = [*(await session.exec(written)).all(), *(await session.exec(public)).all(),  # an approved, edited text
             *(await session.exec(comments)).all()]
    return [text[:EXCERPT] for text in found if text]


async def _scrub_replies(session: AsyncSession, needles: list[str]) -> None:
    """Replies kept for a redelivery in other chats (staff who read the question) lose their text:
    the mark stays, so a redelivered staff command is still not run twice."""
    # JSON columns hold json.dumps output (\u escapes): search for the same encoding.
    encoded = [json.dumps(n)[1:-1] for n in needles if len(n) >= MIN_NEEDLE]
    if not encoded:
        return
    replies = cast(col(ProcessedUpdate.replies), String)
    await _run(session, update(ProcessedUpdate).where(
        or_(*(replies.contains(n, autoescape=True) for n in encoded))).values(replies=[]))


async def _forget_chat(session: AsyncSession, secret: bytes, channel: str, chat_id: str) -> None:
    """Kept messages go; a block and audit lines stay, under a pseudonym instead of the chat id."""
    address = f"{channel}:{chat_id}"
    await _run(session, delete(BlockedMessage).where(
        col(BlockedMessage.channel) == channel, col(BlockedMessage.chat_id) == chat_id))
    await _run(session, update(BlockedChat).where(
        col(BlockedChat.channel) == channel, col(BlockedChat.chat_id) == chat_id,
    ).values(chat_id=blocked_key(secret, channel, chat_id)))
    await pseudonymise_audit(session, secret, address)


async def pseudonymise_audit(session: AsyncSession, secret: bytes, address: str) -> None:
    """Audit lines by or about `address` name it by its pseudonym instead (the same on each line)."""
    tag = erased_actor(secret, address)
    lines = await session.exec(select(AuditEntry).where(or_(
        col(AuditEntry.actor) == address, col(AuditEntry.detail).contains(address, autoescape=True))))
    for line in lines.all():
        line.actor = tag if line.actor == address else line.actor
        line.detail = re.sub(re.escape(address) + r"(?![\w-])", tag, line.detail)  # not telegram:12 for :1
        session.add(line)


async def _run(session: AsyncSession, statement: Any) -> None:
    await session.exec(statement.execution_options(synchronize_session=False))
