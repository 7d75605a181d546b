"""Repository of the admin features: grants, audit log, pending inputs, answers, blocks, overrides."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.lookups import LookupCache
from storage.primed import pending_key, take
from storage.secret import blocked_key, secret_of
from storage.statements import Statement, columns, detached
from storage.models import Question, StoredCampaign, Youth
from storage.models_admin import (
    Answer,
    AuditEntry,
    BlockedChat,
    BlockedMessage,
    CampaignOverride,
    PendingInput,
    RoleGrant,
)

# Every youth text asks whether a rating comment is awaited: a plain statement built once
# (storage/statements.py), answered with a detached row.
_PENDING_COLUMNS = columns(PendingInput)
_PENDING_NAMES = [c.key for c in _PENDING_COLUMNS]
_PENDING = Statement(select(*_PENDING_COLUMNS).where(col(PendingInput.chat_key) == bindparam("chat_key")))
# /cauhoi shows the answers of the youth's questions.
_ANSWER_NAMES = [c.key for c in columns(Answer)]
_ANSWERS_OF = Statement(select(*columns(Answer)).where(col(Answer.question_id).in_(bindparam("ids", expanding=True)))
                        .order_by(col(Answer.id)))


def pending_of(row: Sequence[Any]) -> PendingInput:
    """The PendingInput of a row of every column, in table order (also read by storage/opening.py)."""
    return detached(PendingInput, _PENDING_NAMES, row)


class AdminRepo:
    """Everything the admin and coordinator commands read and write."""

    def __init__(self, session: AsyncSession, cache: LookupCache | None = None) -> None:
        self._session = session
        self._cache = cache or LookupCache(ttl=0)
        self.wrote_lookups = False  # the Store clears the cache again when this transaction ends

    def _changed_lookups(self) -> None:
        self.wrote_lookups = True
        self._cache.clear()

    # --- roles ----------------------------------------------------------------

    async def grant(self, channel: str, chat_id: str) -> RoleGrant | None:
        """The stored role of a chat, if any (read it, don't change it).

        Every message asks; the table holds a few dozen staff, so all of it is cached briefly.
        """
        async def by_chat() -> dict[tuple[str, str], RoleGrant]:
            return {(g.channel, g.chat_id): g for g in await self.grants()}

        grants = await self._cache.fetch("grants", by_chat)
        return grants.get((channel, chat_id))  # type: ignore[no-any-return]

    async def _stored_grant(self, channel: str, chat_id: str) -> RoleGrant | None:
        result = await self._session.exec(
            select(RoleGrant).where(RoleGrant.channel == channel, RoleGrant.chat_id == chat_id)
        )
        return result.first()

    async def grants(self) -> Sequence[RoleGrant]:
        """Every stored role."""
        return (await self._session.exec(select(RoleGrant).order_by(col(RoleGrant.id)))).all()

    async def put_grant(self, grant: RoleGrant) -> RoleGrant:
        """Create or replace the role of grant.channel:grant.chat_id."""
        await self.revoke(grant.channel, grant.chat_id)
        grant.created_at = to_db(grant.created_at)
        self._session.add(grant)
        await self._session.flush()
        self._changed_lookups()
        return grant

    async def revoke(self, channel: str, chat_id: str) -> bool:
        """Remove a stored role; True when there was one."""
        existing = await self._stored_grant(channel, chat_id)
        if existing is None:
            return False
        await self._session.delete(existing)
        await self._session.flush()
        self._changed_lookups()
        return True

    # --- audit ----------------------------------------------------------------

    async def audit(
        self, actor: str, role: str, action: str, now: datetime, *,
        code: str | None = None, detail: str = "", allowed: bool = True,
    ) -> None:
        """Append one line to the audit log."""
        self._session.add(
            AuditEntry(actor=actor, role=role, action=action, question_code=code,
                       detail=detail[:500], allowed=allowed, created_at=to_db(now))
        )
        await self._session.flush()

    async def audit_log(self, limit: int = 100) -> Sequence[AuditEntry]:
        """The latest audit lines, newest first."""
        query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
        return (await self._session.exec(query)).all()

    # --- pending input --------------------------------------------------------

    async def pending(self, chat_key: str) -> PendingInput | None:
        """What this chat's next message is awaited for, if anything (read it: `set_pending` changes it)."""
        primed, pending = take(self._session.info, pending_key(chat_key))
        if primed:
            return pending  # type: ignore[no-any-return]
        row = await _PENDING.first(self._session, {"chat_key": chat_key})
        return None if row is None else pending_of(row)

    async def set_pending(self, chat_key: str, kind: str, payload: dict[str, Any], now: datetime) -> None:
        """Await a message of `kind` from this chat (replaces what was awaited)."""
        row = await self._session.get(PendingInput, chat_key)
        if row is None:
            row = PendingInput(chat_key=chat_key, kind=kind, payload=dict(payload), created_at=to_db(now))
        else:
            row.kind, row.payload, row.created_at = kind, dict(payload), to_db(now)
        self._session.add(row)
        await self._session.flush()

    async def clear_pending(self, chat_key: str) -> None:
        """Stop awaiting anything from this chat."""
        await self._session.exec(delete(PendingInput).where(PendingInput.chat_key == chat_key))  # type: ignore[arg-type]
        await self._session.flush()

    # --- answers --------------------------------------------------------------

    async def add_answer(self, answer: Answer) -> Answer:
        """Store an answer."""
        answer.created_at = to_db(answer.created_at)
        self._session.add(answer)
        await self._session.flush()
        return answer

    async def answer(self, answer_id: int) -> Answer | None:
        """An answer by id."""
        return await self._session.get(Answer, answer_id)

    async def answers_of(self, question_ids: Sequence[int]) -> dict[int, Answer]:
        """The latest answer of each question that has one (detached rows: read them; `answer` to change one)."""
        if not question_ids:
            return {}
        rows = await _ANSWERS_OF.all(self._session, {"ids": list(question_ids)})
        answers = [detached(Answer, _ANSWER_NAMES, row) for row in rows]
        return {a.question_id: a for a in answers}

    async def save(self, row: Any) -> None:
        """Persist changed fields of any admin row."""
        self._session.add(row)
        await self._session.flush()

    async def ratings(self, question_ids: Sequence[int] | None = None) -> dict[str, int]:
        """How many answers were rated good and bad (optionally among some questions)."""
        query = select(Answer.rating).where(col(Answer.rating).is_not(None))
        if question_ids is not None:
            query = query.where(col(Answer.question_id).in_(list(question_ids)))
        counts = {"good": 0, "bad": 0}
        for rating in (await self._session.exec(query)).all():
            if rating in counts:
                counts[rating] += 1
        return counts

    # --- questions and youth --------------------------------------------------

    async def question(self, question_id: int) -> Question | None:
        """A question by id."""
        return await self._session.get(Question, question_id)

    async def youth_by_id(self, youth_id: int) -> Youth | None:
        """A youth by id."""
        return await self._session.get(Youth, youth_id)

    async def youth_list(self, unit_code: str | None = None) -> Sequence[Youth]:
        """Consented youth, optionally of one unit."""
        query = select(Youth).order_by(col(Youth.id))
        if unit_code:
            query = query.where(Youth.unit_code == unit_code)
        return (await self._session.exec(query)).all()

    # --- blocks ---------------------------------------------------------------

    async def is_blocked(self, channel: str, chat_id: str) -> bool:
        """Whether this chat is blocked (every message asks; the few blocked chats are cached briefly).

        A youth who erased their data while blocked is blocked under a pseudonym (storage/erasure.py).
        """
        blocked = await self._cache.fetch("blocked", self.blocked_chats)
        if not blocked:
            return False
        return (channel, chat_id) in blocked or (channel, self._blocked_key(channel, chat_id)) in blocked

    def _blocked_key(self, channel: str, chat_id: str) -> str:
        return blocked_key(secret_of(self._session), channel, chat_id)

    def _block_of(self, channel: str, chat_id: str) -> Any:
        """Rows blocking this chat, in clear or under its pseudonym."""
        ids = [chat_id, self._blocked_key(channel, chat_id)]
        return (BlockedChat.channel == channel) & col(BlockedChat.chat_id).in_(ids)

    async def _stored_block(self, channel: str, chat_id: str) -> bool:
        query = select(BlockedChat.id).where(self._block_of(channel, chat_id))
        return (await self._session.exec(query)).first() is not None

    async def blocked_chats(self) -> set[tuple[str, str]]:
        """Every blocked (channel, chat_id)."""
        rows = (await self._session.exec(select(BlockedChat.channel, BlockedChat.chat_id))).all()
        return {(channel, chat_id) for channel, chat_id in rows}

    async def block(self, channel: str, chat_id: str, by: str, now: datetime) -> bool:
        """Block a chat; False when it already was."""
        if await self._stored_block(channel, chat_id):
            return False
        self._session.add(BlockedChat(channel=channel, chat_id=chat_id, blocked_by=by, created_at=to_db(now)))
        await self._session.flush()
        self._changed_lookups()
        return True

    async def unblock(self, channel: str, chat_id: str) -> bool:
        """Unblock a chat; False when it was not blocked."""
        if not await self._stored_block(channel, chat_id):
            return False
        await self._session.exec(delete(BlockedChat).where(self._block_of(channel, chat_id)))
        await self._session.flush()
        self._changed_lookups()
        return True

    async def keep_blocked_message(self, channel: str, chat_id: str, text: str, now: datetime) -> None:
        """Keep what a blocked chat sent."""
        self._session.add(BlockedMessage(channel=channel, chat_id=chat_id, text=text[:4000], created_at=to_db(now)))
        await self._session.flush()

    # --- campaign -------------------------------------------------------------

    async def campaign_override(self) -> CampaignOverride | None:
        """The admins' change to the campaign dates, if any (cached briefly: read it, don't change it)."""
        return await self._cache.fetch("override", lambda: self._session.get(CampaignOverride, 1))  # type: ignore[no-any-return]

    async def set_campaign_override(
        self, dialogue_date: date | None, deadline_days_before: int | None, by: str, now: datetime
    ) -> CampaignOverride:
        """Store the dialogue date and/or deadline rule (None keeps the previous value)."""
        row = await self._session.get(CampaignOverride, 1) or CampaignOverride(changed_by=by, changed_at=to_db(now))
        if dialogue_date is not None:
            row.dialogue_date = dialogue_date
        if deadline_days_before is not None:
            row.deadline_days_before = deadline_days_before
        row.changed_by, row.changed_at = by, to_db(now)
        self._session.add(row)
        await self._session.flush()
        self._changed_lookups()
        return row

    # --- local campaigns (handlers/campaigns.py validates their specs) -----------------------------

    async def stored_campaigns(self) -> list[StoredCampaign]:
        """The campaigns created at run time, oldest first (cached briefly: every worker reads them)."""
        async def load() -> list[StoredCampaign]:
            rows = await self._session.exec(select(StoredCampaign).order_by(col(StoredCampaign.created_at)))
            return list(rows.all())

        return await self._cache.fetch("campaigns", load)  # type: ignore[no-any-return]

    async def save_campaign(self, key: str, spec: dict[str, Any], by: str, now: datetime) -> StoredCampaign:
        """Create or replace a stored campaign's settings."""
        row = await self._session.get(StoredCampaign, key)
        if row is None:
            row = StoredCampaign(key=key, spec=spec, created_by=by, created_at=to_db(now), updated_at=to_db(now))
        else:
            row.spec, row.updated_at = spec, to_db(now)
        self._session.add(row)
        await self._session.flush()
        self._changed_lookups()
        return row
