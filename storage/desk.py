"""Repository of the staff desk: login links and sessions, looked up by the pseudonym of their token."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import to_db
from storage.models import TopicCorrection
from storage.models_admin import AuditEntry
from storage.models_desk import DeskLogin, DeskSession
from storage.secret import pseudonym, secret_of

LOGIN_PURPOSE, SESSION_PURPOSE = "desk-login", "desk-session"


class DeskRepo:
    """Stores only HMACs of the tokens: a copy of the database opens no desk."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _hash(self, purpose: str, token: str) -> str:
        return pseudonym(secret_of(self._session), purpose, token)

    async def add_login(self, token: str, channel: str, chat_id: str, now: datetime, expires_at: datetime) -> None:
        """Remember a fresh login link."""
        self._session.add(DeskLogin(
            token_hash=self._hash(LOGIN_PURPOSE, token), channel=channel, chat_id=chat_id,
            expires_at=to_db(expires_at), created_at=to_db(now),
        ))
        await self._session.flush()

    async def login(self, token: str) -> DeskLogin | None:
        """The login link with this token, used or not."""
        found = await self._session.exec(select(DeskLogin).where(DeskLogin.token_hash == self._hash(LOGIN_PURPOSE, token)))
        return found.first()

    async def use_login(self, login: DeskLogin) -> bool:
        """Mark the link used; False when another request used it first (single use under races)."""
        result = await self._session.exec(  # type: ignore[call-overload]
            update(DeskLogin).where(col(DeskLogin.id) == login.id, col(DeskLogin.used).is_(False)).values(used=True)
        )
        return bool(result.rowcount == 1)

    async def add_session(self, token: str, channel: str, chat_id: str, now: datetime) -> None:
        """Open a desk session for this person."""
        self._session.add(DeskSession(
            token_hash=self._hash(SESSION_PURPOSE, token), channel=channel, chat_id=chat_id,
            created_at=to_db(now), seen_at=to_db(now),
        ))
        await self._session.flush()

    async def session(self, token: str) -> DeskSession | None:
        """The open session with this cookie, if any."""
        found = await self._session.exec(select(DeskSession).where(
            DeskSession.token_hash == self._hash(SESSION_PURPOSE, token), col(DeskSession.ended).is_(False)
        ))
        return found.first()

    async def touch(self, desk_session: DeskSession, now: datetime) -> None:
        """Record activity (the idle timeout counts from here)."""
        desk_session.seen_at = to_db(now)
        self._session.add(desk_session)

    async def end(self, desk_session: DeskSession) -> None:
        """End one session (logout, timeout)."""
        desk_session.ended = True
        self._session.add(desk_session)

    async def end_all(self, channel: str, chat_id: str) -> int:
        """End every session of a person (their role was revoked); how many were open."""
        result = await self._session.exec(  # type: ignore[call-overload]
            update(DeskSession)
            .where(DeskSession.channel == channel, DeskSession.chat_id == chat_id, col(DeskSession.ended).is_(False))
            .values(ended=True)
        )
        return int(result.rowcount or 0)

    async def corrections_of(self, question_id: int) -> list[TopicCorrection]:
        """The question's retags, oldest first."""
        found = await self._session.exec(
            select(TopicCorrection).where(TopicCorrection.question_id == question_id).order_by(col(TopicCorrection.id))
        )
        return list(found.all())

    async def audit_of(self, code: str, limit: int = 100) -> list[AuditEntry]:
        """The audit lines naming this question, oldest first."""
        found = await self._session.exec(
            select(AuditEntry).where(AuditEntry.question_code == code).order_by(col(AuditEntry.id)).limit(limit)
        )
        return list(found.all())
