"""Desk login without a password: /dangnhap's single-use link, and the sessions it opens."""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.admin.context import Act
from handlers.admin.roles import Actor, resolve
from handlers.desk import texts
from handlers.settings import Settings
from handlers.types import Address
from storage import UnitOfWork
from storage.clock import from_db

LOGIN_LIFETIME = timedelta(minutes=10)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opened:
    """The outcome of opening a login link: a session token, or why not (a key of texts.LOGIN_REFUSED)."""

    token: str | None
    refused: str = ""


async def login_command(act: Act) -> None:
    """/dangnhap: a link that opens a desk session once, within ten minutes."""
    base = act.seams.desk_url() if act.seams.desk_url is not None else None
    if not base:
        act.say(texts.LOGIN_UNAVAILABLE)
        return
    token = secrets.token_urlsafe(32)
    address = act.actor.address
    await act.uow.desk.add_login(token, address.channel, address.chat_id, act.now, act.now + LOGIN_LIFETIME)
    await act.audit("dangnhap")
    minutes = int(LOGIN_LIFETIME.total_seconds() // 60)
    act.say(texts.LOGIN_LINK.format(url=f"{base.rstrip('/')}/desk/login?token={token}", minutes=minutes))


async def link_refusal(uow: UnitOfWork, token: str, now: datetime) -> str:
    """Why a login link cannot be used ("" when it can), without using it."""
    login = await uow.desk.login(token) if TOKEN_RE.fullmatch(token) else None
    if login is None:
        return "forged"
    if login.used:
        return "used"
    return "expired" if from_db(login.expires_at) <= now else ""


async def open_link(uow: UnitOfWork, settings: Settings, token: str, now: datetime) -> Opened:
    """Use a login link: a new session for its staff member, or the reason it is refused."""
    refused = await link_refusal(uow, token, now)
    if refused:
        return Opened(None, refused)
    login = await uow.desk.login(token)
    if login is None or not await uow.desk.use_login(login):
        return Opened(None, "used")
    actor = await resolve(settings, uow, Address(login.channel, login.chat_id))
    if not actor.is_staff:
        return Opened(None, "forbidden")
    session = secrets.token_urlsafe(32)
    await uow.desk.add_session(session, login.channel, login.chat_id, now)
    await uow.admin.audit(str(actor.address), actor.role, "desk_login", now)
    log.info("desk session opened for a %s on %s", actor.role, login.channel)
    return Opened(session)


async def current(uow: UnitOfWork, settings: Settings, token: str, now: datetime) -> Actor | None:
    """The staff member of a live session (its idle time restarts), or None when it is over."""
    session = await uow.desk.session(token) if TOKEN_RE.fullmatch(token) else None
    if session is None:
        return None
    if now - from_db(session.seen_at) > IDLE_TIMEOUT or now - from_db(session.created_at) > ABSOLUTE_LIMIT:
        await uow.desk.end(session)
        return None
    actor = await resolve(settings, uow, Address(session.channel, session.chat_id))
    if not actor.is_staff:  # the role was revoked: every session of this person ends
        ended = await uow.desk.end_all(session.channel, session.chat_id)
        log.info("role revoked: %d desk sessions ended", ended)
        return None
    await uow.desk.touch(session, now)
    return actor


async def logout(uow: UnitOfWork, token: str) -> None:
    """End this session (Đăng xuất)."""
    session = await uow.desk.session(token) if TOKEN_RE.fullmatch(token) else None
    if session is not None:
        await uow.desk.end(session)
