"""A fake Telegram Bot API server on 127.0.0.1 for the real aiogram and PTB clients.

    async with FakeTelegramAPI() as api:
        bot = Bot(FAKE_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
        api.push_text(42, "xin chào")
        ...
        await api.wait_for_messages(42, 1)

Tests inject updates (push_*), inspect what the bot did (calls, sent_messages),
and script failures (fail_next, fail_ratio, block_chat, set_rate_limit).
Everything is event-driven: waits wake on fake activity, never on a timer.
"""

import copy
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

from tests.fakes import telegram_updates as build
from tests.fakes.telegram_chats import ChatId, ChatStore, UploadedFile
from tests.fakes.telegram_faults import (
    ApiError,
    FaultInjector,
    RateLimiter,
    method_key,
    normalize_chat_id,
)
from tests.fakes.telegram_methods import BotApiMethods
from tests.fakes.telegram_params import params_from_request
from tests.fakes.telegram_queue import Signal, UpdateQueue
from tests.fakes.telegram_webhook import DeliveryAttempt, WebhookDeliverer

JsonDict = dict[str, Any]
FAKE_TOKEN = "123456789:AAFakeTokenForDoithoaiTests_0123456789"


@dataclass
class ApiCall:
    """One Bot API request; status is None while it is still being answered."""

    method: str
    params: JsonDict
    time: float
    status: int | None = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        """True when the call succeeded."""
        return self.status == 200


class FakeTelegramAPI:
    """The fake server: routes /bot{token}/{method}, queues updates, records calls."""

    def __init__(
        self,
        token: str | None = None,
        *,
        bot_username: str = "doithoai_test_bot",
        bot_name: str = "Doithoai Test Bot",
        strict_chats: bool = False,
    ) -> None:
        self.token = token
        bot_id = int((token or FAKE_TOKEN).split(":")[0])
        self.bot = build.bot_user(bot_id, bot_username, bot_name)
        self.calls: list[ApiCall] = []
        self._signal = Signal()
        self._queue = UpdateQueue(self._signal)
        self._chats = ChatStore()
        self._faults = FaultInjector()
        self._limiter = RateLimiter()
        self._methods = BotApiMethods(
            self.bot, self._chats, self._queue, self._signal, self._limiter, strict_chats
        )
        self._webhook = WebhookDeliverer(
            self._queue, self._signal, self.execute, self._webhook_failed
        )
        self._runner: web.AppRunner | None = None
        self._base_url = ""
        self._callback_ids = 0

    # --- lifecycle ------------------------------------------------------------

    async def start(self) -> str:
        """Listen on an ephemeral loopback port; returns the base URL."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file_not_found)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._methods.closing = False
        self._base_url = f"http://127.0.0.1:{port}"
        return self._base_url

    async def stop(self) -> None:
        """Answer pending long polls, stop webhook delivery and close the server."""
        self._methods.closing = True
        self._signal.notify()
        await self._webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT once started."""
        return self._base_url

    # --- HTTP ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if self.token is not None and request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        try:
            params = await params_from_request(request)
        except ValueError:
            error = ApiError.bad_request("can't parse request body")
            return web.json_response(error.payload(), status=400)
        status, body = await self.execute(request.match_info["method"], params)
        return web.json_response(body, status=status)

    async def _file_not_found(self, request: web.Request) -> web.Response:
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    async def execute(self, method: str, params: JsonDict) -> tuple[int, JsonDict]:
        """Run one Bot API call as the server would: faults, validation, result."""
        call = ApiCall(method, params, time.monotonic())
        self.calls.append(call)
        self._signal.notify()
        key = method_key(method)
        try:
            if key not in self._methods.handlers:
                raise ApiError(404, "Not Found: method not found")
            self._faults.check(key, params)
            result = await self._methods.call(key, params)
        except ApiError as error:
            call.status, call.description = error.status, error.description
            self._signal.notify()
            return error.status, error.payload()
        call.status = 200
        self._signal.notify()
        return 200, {"ok": True, "result": result}

    # --- injecting updates ---------------------------------------------------------

    def push_raw(self, update: JsonDict) -> int:
        """Queue any update dict (copied); update_id is filled in when missing."""
        return self._queue.push(copy.deepcopy(update))

    def push_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Test",
    ) -> int:
        """A user writes a text (commands get their bot_command entity)."""
        return self._push_message(user_id, build.text_content(text), chat_id, chat_type, first_name)

    def push_command(
        self, user_id: int, command: str, payload: str | None = None, **kwargs: Any
    ) -> int:
        """A user sends /command [payload], e.g. push_command(1, "start", "ref_abc")."""
        text = f"/{command.lstrip('/')}" + (f" {payload}" if payload else "")
        return self.push_text(user_id, text, **kwargs)

    def push_sticker(
        self, user_id: int, *, chat_id: int | None = None, chat_type: str = "private"
    ) -> int:
        """A user sends a sticker."""
        return self._push_message(user_id, build.sticker_content(str(user_id)), chat_id, chat_type)

    def push_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        """A user sends a photo, optionally with a caption."""
        content = build.photo_content(f"{user_id}:{time.monotonic_ns()}", caption)
        return self._push_message(user_id, content, chat_id, chat_type)

    def push_voice(
        self, user_id: int, *, chat_id: int | None = None, chat_type: str = "private"
    ) -> int:
        """A user sends a voice note."""
        content = build.voice_content(f"{user_id}:{time.monotonic_ns()}")
        return self._push_message(user_id, content, chat_id, chat_type)

    def push_callback(
        self, user_id: int, data: str, *, message_id: int | None = None, chat_id: int | None = None
    ) -> int:
        """A user presses an inline button on a bot message (default: the bot's last one)."""
        chat_key = chat_id if chat_id is not None else user_id
        if message_id is None:
            origin = self._chats.last_bot_message(chat_key)
        else:
            origin = self._chats.get(chat_key, message_id)
            if origin is None:
                raise LookupError(f"chat {chat_key} has no message {message_id}")
        self._callback_ids += 1
        query_id = f"{user_id}{self._callback_ids:06d}"
        self._methods.callback_queries[query_id] = None
        sender = build.user(user_id)
        query = build.callback_query(
            query_id, sender, data, copy.deepcopy(origin) if origin else None
        )
        return self._queue.push({"callback_query": query})

    def push_edited_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> int:
        """A user edits a text they sent earlier."""
        chat_key = chat_id if chat_id is not None else user_id
        original = self._chats.get(chat_key, message_id)
        if original is None:
            raise LookupError(f"chat {chat_key} has no message {message_id}")
        edited = {key: value for key, value in original.items() if key not in ("text", "entities")}
        edited.update(build.text_content(text), edit_date=build.now())
        self._chats.store(edited)
        return self._queue.push({"edited_message": edited})

    def redeliver(self, update_id: int) -> None:
        """Queue an earlier update again, same update_id, as a Telegram redelivery."""
        self._queue.redeliver(update_id)

    def _push_message(
        self,
        user_id: int,
        content: JsonDict,
        chat_id: int | None,
        chat_type: str,
        first_name: str = "Test",
    ) -> int:
        if chat_type == "private":
            chat_obj = build.chat(
                chat_id if chat_id is not None else user_id, "private", first_name
            )
        elif chat_id is None:
            raise ValueError(f"a {chat_type} message needs chat_id")
        else:
            chat_obj = build.chat(chat_id, chat_type)
        self._chats.register(chat_obj)
        message_id = self._chats.next_message_id(chat_obj["id"])
        message = build.message(message_id, chat_obj, build.user(user_id, first_name), **content)
        self._chats.store(message)
        return self._queue.push({"message": message})

    # --- inspecting ------------------------------------------------------------------

    def on_send(self, listener: Callable[[JsonDict], None]) -> None:
        """Call `listener(message)` after every successful send (benchmarks wait on this)."""
        self._chats.listeners.append(listener)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Every call of one method (case-insensitive), failed ones included."""
        key = method_key(method)
        return [call for call in self.calls if method_key(call.method) == key]

    def sent_messages(self, chat_id: ChatId | None = None) -> list[dict[str, Any]]:
        """Messages the bot sent successfully, in order; reply_markup exactly as sent."""
        return self._chats.sent_to(normalize_chat_id(chat_id))

    def message(self, chat_id: ChatId, message_id: int) -> JsonDict | None:
        """The current version of a message (after edits); None if deleted or unknown."""
        found = self._chats.get(normalize_chat_id(chat_id) or chat_id, message_id)
        return copy.deepcopy(found)

    @property
    def callback_answers(self) -> dict[str, JsonDict | None]:
        """Callback query id -> answerCallbackQuery params (None while unanswered)."""
        return copy.deepcopy(self._methods.callback_queries)

    @property
    def uploads(self) -> list[UploadedFile]:
        """Files the bot uploaded, in order."""
        return [
            value
            for call in self.calls
            if call.ok
            for value in call.params.values()
            if isinstance(value, UploadedFile)
        ]

    @property
    def commands(self) -> dict[str, list[JsonDict]]:
        """setMyCommands state by scope/language key."""
        return copy.deepcopy(self._methods.commands)

    @property
    def webhook_info(self) -> JsonDict:
        """What the bot set with setWebhook (url, secret_token, allowed_updates, max_connections)."""
        return copy.deepcopy(self._methods.webhook)

    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed by the bot."""
        return self._queue.pending()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until predicate() holds; it is re-checked after every fake API event."""
        if not await self._signal.wait_for(predicate, timeout):
            raise AssertionError(
                f"condition {getattr(predicate, '__name__', predicate)!r} not met in {timeout}s"
            )

    async def wait_for_messages(
        self, chat_id: ChatId, count: int, timeout: float = 5.0
    ) -> list[JsonDict]:
        """Wait until the bot has sent `count` messages to a chat; returns them all."""
        chat_key = normalize_chat_id(chat_id)
        assert chat_key is not None
        if not await self._signal.wait_for(
            lambda: self._chats.count_sent(chat_key) >= count, timeout
        ):
            texts = [m.get("text", m.get("caption")) for m in self.sent_messages(chat_key)]
            raise AssertionError(
                f"chat {chat_id} got {len(texts)} of {count} messages in {timeout}s: {texts!r}; "
                f"sends per chat: {self.send_counts()}; failed calls: {self._failed_calls()}"
            )
        return self.sent_messages(chat_key)

    async def wait_drained(self, timeout: float = 5.0) -> None:
        """Wait until every queued update was confirmed (polling) or answered 2xx (webhook)."""
        if not await self._signal.wait_for(lambda: len(self._queue) == 0, timeout):
            pending = [update["update_id"] for update in self._queue.pending()]
            raise AssertionError(f"updates still pending after {timeout}s: {pending}")

    def _failed_calls(self) -> list[tuple[str, int | None, str | None]]:
        failed = [c for c in self.calls if c.status is not None and c.status != 200]
        return [(c.method, c.status, c.description) for c in failed][-10:]

    # --- statistics ------------------------------------------------------------------

    def send_counts(self) -> dict[ChatId, int]:
        """Successful sends per chat."""
        return dict(self._chats.sent_counts)

    def duplicate_sends(self) -> dict[tuple[ChatId, str], int]:
        """(chat, text) pairs the bot sent more than once, with their counts."""
        counts: Counter[tuple[ChatId, str]] = Counter(
            (record["chat"]["id"], str(record.get("text", record.get("caption", ""))))
            for record in self._chats.sent
        )
        return {key: count for key, count in counts.items() if count > 1}

    def assert_no_duplicates(self) -> None:
        """Fail if any chat got the same text twice (exactly-once tests)."""
        duplicates = self.duplicate_sends()
        assert not duplicates, f"duplicate sends (chat, text) -> count: {duplicates}"

    # --- faults and limits -------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next `count` calls of `method` fail with Telegram's error shape."""
        self._faults.fail_next(method, status, count, retry_after, description)

    def fail_ratio(
        self,
        ratio: float,
        statuses: Iterable[int] = (429, 500, 502),
        seed: int = 0,
        methods: Iterable[str] = ("sendMessage",),
        retry_after: int = 1,
    ) -> None:
        """A seeded-random share of calls to `methods` fail; fail_ratio(0) stops it."""
        self._faults.fail_ratio(ratio, statuses, seed, methods, retry_after)

    def clear_faults(self) -> None:
        """Cancel scripted and random failures."""
        self._faults.clear()

    def block_chat(self, chat_id: ChatId) -> None:
        """Sends to this chat answer 403 "Forbidden: bot was blocked by the user"."""
        self._faults.blocked_chats.add(normalize_chat_id(chat_id) or chat_id)

    def unblock_chat(self, chat_id: ChatId) -> None:
        """The user unblocked the bot."""
        self._faults.blocked_chats.discard(normalize_chat_id(chat_id) or chat_id)

    def set_rate_limit(
        self, global_per_second: int | None = None, per_chat_per_second: int | None = None
    ) -> None:
        """Enforce send limits over a sliding second (429 + retry_after); None lifts one."""
        self._limiter.configure(global_per_second, per_chat_per_second)

    # --- webhook mode ----------------------------------------------------------------

    async def deliver_webhook(
        self,
        url: str | None = None,
        secret_token: str | None = None,
        *,
        max_connections: int = 1,
        max_attempts: int = 10,
        backoff: float = 0.05,
    ) -> None:
        """POST queued updates to `url` (default: the one set by setWebhook) until 2xx."""
        target = url or self._methods.webhook["url"]
        if not target:
            raise ValueError("no webhook URL given and none set with setWebhook")
        secret = secret_token if url else secret_token or self._methods.webhook["secret_token"]
        self._webhook.start(target, secret, max_connections, max_attempts, backoff)

    async def stop_webhook(self) -> None:
        """Stop webhook delivery; undelivered updates stay queued."""
        await self._webhook.stop()

    @property
    def webhook_attempts(self) -> list[DeliveryAttempt]:
        """Every webhook POST: update_id, attempt number, HTTP status or error."""
        return list(self._webhook.attempts)

    @property
    def webhook_dropped(self) -> list[int]:
        """Update ids given up after max_attempts failed deliveries."""
        return list(self._webhook.dropped)

    def _webhook_failed(self, message: str) -> None:
        self._methods.webhook_error = (build.now(), message)
