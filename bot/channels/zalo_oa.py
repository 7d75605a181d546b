"""Zalo Official Account: signed webhook events in, consultation messages out; Zalo's JSON stops here.

Buttons are real: a list template of query buttons whose press comes back as a user message
carrying the payload (BUTTON_PREFIX + our button data). Choices beyond one template's buttons
are numbered in the text; typed numbers and labels work either way (handlers/choices.py).
"""

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.channels.base import MayUpload
from bot.channels.retry import Sleep, with_retry
from bot.channels.textsplit import split_text
from bot.channels.web import parse_text
from bot.channels.zalo import render as render_numbered
from bot.channels.zalo_oa_api import TEXT_LIMIT, OAuthClient, ZaloOAAPI
from bot.channels.zalo_oa_files import send_attachments, with_staff_file
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.errors import ChannelError, RecipientUnreachable
from bot.files import FileLinks
from bot.pacing import Pacer
from handlers import texts
from handlers.clock import Clock
from handlers.types import Address, IncomingMessage, Kind, Reply
from storage import Store
from storage.coordination import CoordinationRepo

if TYPE_CHECKING:
    from bot.channels.registry import Wiring

log = logging.getLogger(__name__)

CHANNEL = "zalo_oa"
SIGNATURE_HEADER = "X-ZEvent-Signature"
BUTTON_PREFIX = "#btn:"
MAX_BUTTONS = 5  # buttons in one list template
MAX_WEBHOOK_BYTES = 256 * 1024
UNSUPPORTED_EVENTS = {
    "user_send_image": "photo", "user_send_sticker": "sticker", "user_send_gif": "animation",
    "user_send_audio": "voice", "user_send_video": "video", "user_send_location": "location",
    "user_send_file": "document", "user_send_business_card": "contact", "user_send_link": "link",
}
Handle = Callable[[IncomingMessage], Awaitable[list[Reply]]]


def signature(app_id: str, body: bytes, timestamp: str, secret_key: str) -> str:
    """Zalo's event MAC: hex SHA-256 of app_id + raw body + timestamp + OA secret key (no HMAC)."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret_key.encode()).hexdigest()


def incoming_from_event(event: dict[str, Any]) -> IncomingMessage | None:
    """Our message type from one OA event; None for events we do not handle (our own sends too)."""
    name = str(event.get("event_name") or "")
    timestamp = str(event.get("timestamp") or "")
    if name == "follow":
        user_id = str((event.get("follower") or {}).get("id") or "")
        if not user_id:
            return None
        return IncomingMessage(Address(CHANNEL, user_id), Kind.COMMAND, text="/start", command="start",
                               update_id=f"follow:{user_id}:{timestamp}")
    if not name.startswith("user_send_"):
        log.debug("zalo oa event %r ignored", name)
        return None
    user_id = str((event.get("sender") or {}).get("id") or "")
    message = event.get("message") if isinstance(event.get("message"), dict) else {}
    if not user_id:
        return None
    address = Address(CHANNEL, user_id)
    msg_id = str(message.get("msg_id") or "") or f"t{timestamp}"
    update_id = f"{user_id}:{msg_id}"
    text = message.get("text")
    if name == "user_send_text" and isinstance(text, str):
        if text.startswith(BUTTON_PREFIX) and len(text) > len(BUTTON_PREFIX):
            return IncomingMessage(address, Kind.BUTTON, button_data=text[len(BUTTON_PREFIX):], update_id=update_id)
        return parse_text(address, text, update_id)
    kind = UNSUPPORTED_EVENTS.get(name, "unsupported")
    return IncomingMessage(address, Kind.UNSUPPORTED, update_id=update_id, unsupported_kind=kind)


def button_template(reply: Reply) -> dict[str, Any]:
    """A list template whose query buttons send back BUTTON_PREFIX + the button's data."""
    buttons = [
        {"title": b.label[:100], "type": "oa.query.hide", "payload": BUTTON_PREFIX + b.data}
        for b in reply.flat_buttons()
    ]
    payload = {"template_type": "list", "elements": [{"title": texts.OA_CHOICES_TITLE}], "buttons": buttons}
    return {"attachment": {"type": "template", "payload": payload}}


def render(reply: Reply) -> list[dict[str, Any]]:
    """The OA messages for one reply: its text, then its buttons (numbered text when too many)."""
    buttons = reply.flat_buttons()
    native = 0 < len(buttons) <= MAX_BUTTONS
    text = reply.text if native or not buttons else render_numbered(reply)
    messages: list[dict[str, Any]] = [{"text": piece} for piece in split_text(text, TEXT_LIMIT)] if text else []
    if native:
        messages.append(button_template(reply))
    return messages


class ZaloOAChannel:
    """Receives signed OA events on the shared web server and sends our replies back."""

    name = CHANNEL

    def __init__(
        self, api: ZaloOAAPI, handle: Handle, *, app_id: str, secret_key: str, clock: Clock,
        webhook_path: str = "/zalo-oa/webhook", max_event_age: timedelta = timedelta(minutes=5),
        keeper: TokenKeeper | None = None, pacer: Pacer | None = None, sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.api, self.handle, self.clock = api, handle, clock
        self.app_id, self._secret_key = app_id, secret_key
        self.webhook_path, self.max_event_age = webhook_path, max_event_age
        self.keeper, self.pacer, self._sleep = keeper, pacer, sleep
        self.may_upload: MayUpload | None = None
        self.files: FileLinks | None = None  # an .xlsx goes as a signed link (bot/files.py)
        self.reopened: Callable[[Address], Awaitable[None]] | None = None  # the user's window opened again
        self.left: Callable[[Address], Awaitable[None]] | None = None  # the user unfollowed the OA
        self._handling: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"ZaloOAChannel(app_id={self.app_id!r}, secret_key=<redacted>)"

    # --- receiving -------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """Serve the webhook Zalo's developer console points at."""
        app.router.add_post(self.webhook_path, self.on_webhook)

    async def on_webhook(self, request: web.Request) -> web.Response:
        """Verify the signature over the raw body, refuse replays, answer 200 at once."""
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given.startswith("mac="):
            return web.json_response({"error": "signature missing"}, status=401)
        if request.content_length is not None and request.content_length > MAX_WEBHOOK_BYTES:
            return web.json_response({"error": "too large"}, status=413)
        raw = await request.read()
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "bad json"}, status=400)
        if not isinstance(event, dict):
            return web.json_response({"error": "bad json"}, status=400)
        timestamp = str(event.get("timestamp") or "")
        expected = signature(self.app_id, raw, timestamp, self._secret_key)
        if not hmac.compare_digest(given[4:].strip().lower().encode(), expected.encode()):
            log.warning("zalo oa webhook: bad signature")
            return web.json_response({"error": "bad signature"}, status=403)
        if not self._fresh(timestamp):
            log.warning("zalo oa webhook: stale or missing timestamp (replay?)")
            return web.json_response({"error": "stale"}, status=403)
        task = asyncio.create_task(self._process_logged(event))
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)
        return web.json_response({"error": 0})

    def _fresh(self, timestamp: str) -> bool:
        """Whether the event's time (ms) is within max_event_age of our clock, either way."""
        if not timestamp.isdigit():
            return False
        age = self.clock.now().timestamp() - int(timestamp) / 1000
        return abs(age) <= self.max_event_age.total_seconds()

    async def _process_logged(self, event: dict[str, Any]) -> None:
        try:
            await self.process(event)
        except Exception:  # noqa: BLE001 - one bad event must not affect the others
            log.exception("zalo oa event failed")

    async def process(self, event: dict[str, Any]) -> None:
        """Run one event through the conversation and send the replies."""
        if event.get("event_name") == "unfollow" and self.left is not None:
            user_id = str((event.get("follower") or {}).get("id") or "")
            if user_id:
                await self.left(Address(CHANNEL, user_id))
            return
        incoming = incoming_from_event(event)
        if incoming is None:
            return
        log.debug("zalo oa %s from %s", event.get("event_name"), incoming.address.chat_id)  # staff ids: README
        if self.reopened is not None:
            await self.reopened(incoming.address)
        if event.get("event_name") == "user_send_file":
            incoming = await with_staff_file(incoming, event, self.may_upload, self.api.http())
        for reply in await self.handle(incoming):
            try:
                await self.send(reply.address or incoming.address, reply)
            except ChannelError as exc:
                log.warning("zalo oa reply not delivered: %s", type(exc).__name__)

    async def drain(self) -> None:
        """Wait until every accepted event is handled (tests, and stop)."""
        while self._handling:
            await asyncio.gather(*list(self._handling), return_exceptions=True)

    async def start(self) -> None:
        """Adopt a new operator refresh token; the webhook itself is set in Zalo's console."""
        if self.keeper is not None:
            await self.keeper.start()

    async def stop(self) -> None:
        """Let running handlers finish, close the sessions."""
        await self.drain()
        await self.api.close()
        if self.keeper is not None:
            await self.keeper.close()

    # --- sending ----------------------------------------------------------------------

    async def send(self, address: Address, reply: Reply) -> None:
        """Deliver one reply; a closed window, an unfollow or a block raise RecipientUnreachable."""
        try:
            for message in render(reply):
                await self._send_one(address.chat_id, message)
            if reply.attachments:
                await send_attachments(self, address.chat_id, reply.attachments)
        except RecipientUnreachable as exc:
            log.info("zalo oa user unreachable: %s", exc)
            raise

    async def _send_one(self, user_id: str, message: dict[str, Any]) -> None:
        await with_retry(lambda: self.api.send(user_id, message), sleep=self._sleep, pacer=self.pacer, chat_id=user_id)


def build(wiring: "Wiring") -> ZaloOAChannel | None:
    """The OA channel from channels.zalo_oa, when ZALO_OA_APP_ID and its secrets are set."""
    oa = wiring.config.channels.zalo_oa
    if oa.app_id is None or oa.secret_key is None or oa.app_secret is None:
        return None
    oauth = OAuthClient(oa.app_id, oa.app_secret.get_secret_value(), base_url=oa.oauth_base)
    keeper = TokenKeeper(
        wiring.store, oauth, wiring.clock, renew_before=timedelta(minutes=oa.renew_before_minutes),
        seed=oa.refresh_token.get_secret_value() if oa.refresh_token is not None else None,
    )
    channel = ZaloOAChannel(
        ZaloOAAPI(keeper, base_url=oa.api_base), wiring.handle, app_id=oa.app_id,
        secret_key=oa.secret_key.get_secret_value(), clock=wiring.clock, webhook_path=oa.webhook_path,
        max_event_age=timedelta(seconds=oa.max_event_age_seconds), keeper=keeper,
        pacer=Pacer(oa.sends_per_second, per_chat_interval=0.2),
    )
    channel.may_upload = wiring.may_upload
    channel.files = wiring.files
    channel.reopened, channel.left = _reachability(wiring.store)
    return channel


Mark = Callable[[Address], Awaitable[None]]


def _reachability(store: Store) -> tuple[Mark, Mark]:
    """A youth who writes is reachable again (a closed window reopened); one who unfollows is not."""

    async def reopened(address: Address) -> None:
        async with store.unit() as uow:
            await CoordinationRepo(uow.session).mark_reachable(address.channel, address.chat_id)

    async def left(address: Address) -> None:
        async with store.unit() as uow:
            await CoordinationRepo(uow.session).mark_unreachable(address.channel, address.chat_id)

    return reopened, left
