"""Retention: once the promised months after the dialogue are over, youth data of that dialogue goes.

Everything stored before the cut-off goes: each youth with every trace (storage/erasure.py), the
questions imported from forms (no youth, but a name and a text), what blocked chats sent, the web
outbox and the replies kept for redeliveries. What outlives them holds nobody in clear: blocks and
the audit lines of non-staff chats are keyed pseudonyms, receipt counters keep codes unique.
"""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.erasure import ERASED, erase_youth, pseudonymise_audit
from storage.models import ProcessedUpdate, Question, TopicCorrection, Youth
from storage.models_admin import Answer, AuditEntry, BlockedChat, BlockedMessage
from storage.models_channels import WebOutboxMessage
from storage.secret import blocked_key, secret_of

KEPT_ROLES = ("admin", "coordinator", "system")  # audit actors that are not youth


class RetentionRepo:
    """Erase, in batches, what was stored before a cut-off.

    Several campaigns (issue #18): youth and questions of one campaign (`campaign`), or of every
    campaign but some (`other_than`: the local campaigns, which have their own retention day).
    """

    def __init__(self, session: AsyncSession, campaign: str | None = None, other_than: Collection[str] = ()) -> None:
        self._session = session
        self._campaign, self._other_than = campaign, tuple(other_than)

    def _of(self, column: object) -> list[object]:
        """The campaign conditions on a `campaign` column."""
        conditions: list[object] = []
        if self._campaign is not None:
            conditions.append(col(column) == self._campaign)  # type: ignore[arg-type]
        if self._other_than:
            conditions.append(col(column).not_in(self._other_than))  # type: ignore[arg-type]
        return conditions

    async def erase_youth_before(self, cutoff: datetime, batch: int = 200) -> tuple[int, int]:
        """Erase up to `batch` youth who consented before `cutoff`; (youth, questions) erased."""
        query = (
            select(Youth).where(col(Youth.created_at) < to_db(cutoff), *self._of(Youth.campaign))
            .order_by(col(Youth.id)).limit(batch)
        )
        youth, questions = 0, 0
        for person in (await self._session.exec(query)).all():
            questions += await erase_youth(self._session, person)
            youth += 1
        return youth, questions

    async def erase_rest_before(self, cutoff: datetime) -> int:
        """Questions without a youth, kept messages, outbox and replies from before `cutoff`; and the
        chat ids still in clear in blocks and in non-staff audit lines. Returns questions erased.
        For one local campaign (`campaign`), only its questions: the rest is the province's run's."""
        moment = to_db(cutoff)
        query = select(Question.id).where(col(Question.created_at) < moment, *self._of(Question.campaign))
        ids = list((await self._session.exec(query)).all())
        if ids:
            await self._run(delete(TopicCorrection).where(col(TopicCorrection.question_id).in_(ids)))
            await self._run(delete(Answer).where(col(Answer.question_id).in_(ids)))
            await self._run(delete(Question).where(col(Question.id).in_(ids)))
        if self._campaign is not None:
            self._session.info[ERASED] = True
            return len(ids)
        await self._run(delete(BlockedMessage).where(col(BlockedMessage.created_at) < moment))
        await self._run(delete(WebOutboxMessage).where(col(WebOutboxMessage.created_at) < moment))
        await self._run(delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < moment))
        await self._pseudonymise_chats(moment)
        self._session.info[ERASED] = True
        return len(ids)

    async def _pseudonymise_chats(self, moment: datetime) -> None:
        secret = secret_of(self._session)
        blocks = select(BlockedChat).where(col(BlockedChat.created_at) < moment, ~col(BlockedChat.chat_id).startswith("~"))
        addresses = set()
        for block in (await self._session.exec(blocks)).all():
            addresses.add(f"{block.channel}:{block.chat_id}")
            block.chat_id = blocked_key(secret, block.channel, block.chat_id)
            self._session.add(block)
        actors = select(AuditEntry.actor).where(
            col(AuditEntry.created_at) < moment, col(AuditEntry.role).not_in(KEPT_ROLES),
            ~col(AuditEntry.actor).startswith("erased:"),
        )
        addresses |= set((await self._session.exec(actors)).all())
        for address in sorted(addresses):
            await pseudonymise_audit(self._session, secret, address)
        await self._session.flush()

    async def _run(self, statement: object) -> None:
        await self._session.exec(statement.execution_options(synchronize_session=False))  # type: ignore[attr-defined, call-overload]
