"""Bot API method implementations of the fake server (validation and results)."""

import copy
import html
import re
from collections.abc import Awaitable, Callable
from typing import Any

from tests.fakes import telegram_updates as build
from tests.fakes.telegram_chats import ChatId, ChatStore, UploadedFile
from tests.fakes.telegram_faults import ApiError, RateLimiter, normalize_chat_id
from tests.fakes.telegram_queue import Signal, UpdateQueue

JsonDict = dict[str, Any]
Handler = Callable[[JsonDict], Awaitable[Any]]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
HTML_TAG = re.compile(
    r"</?(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)"
    r"(\s[^<>]*)?>"
)
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class BotApiMethods:
    """The Bot API surface: one coroutine per method, keyed by lower-case name."""

    def __init__(
        self,
        bot: JsonDict,
        chats: ChatStore,
        queue: UpdateQueue,
        signal: Signal,
        limiter: RateLimiter,
        strict_chats: bool = False,
    ) -> None:
        self.bot = bot
        self.chats = chats
        self.queue = queue
        self.signal = signal
        self.limiter = limiter
        self.strict_chats = strict_chats
        self.closing = False
        self.webhook: JsonDict = {"url": "", "secret_token": None, "allowed_updates": None}
        self.webhook_error: tuple[int, str] | None = None
        self.commands: dict[str, list[JsonDict]] = {}
        self.callback_queries: dict[str, JsonDict | None] = {}
        self.handlers: dict[str, Handler] = {
            "getme": self.get_me,
            "getupdates": self.get_updates,
            "deletewebhook": self.delete_webhook,
            "setwebhook": self.set_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "setmycommands": self.set_my_commands,
            "deletemycommands": self.delete_my_commands,
            "getmycommands": self.get_my_commands,
            "sendmessage": self.send_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "answercallbackquery": self.answer_callback_query,
            "senddocument": self.send_document,
            "sendphoto": self.send_photo,
            "sendchataction": self.send_chat_action,
            "close": self.always_true,
            "logout": self.always_true,
        }

    async def call(self, key: str, params: JsonDict) -> Any:
        """Run a method by lower-case name; ApiError(404) if it does not exist."""
        handler = self.handlers.get(key)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return await handler(params)

    # --- bot, updates, webhook -------------------------------------------------

    async def get_me(self, params: JsonDict) -> JsonDict:
        return copy.deepcopy(self.bot)

    async def always_true(self, params: JsonDict) -> bool:
        return True

    async def get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _optional_int(params, "offset")
        limit = min(max(_optional_int(params, "limit") or 100, 1), 100)
        timeout = max(_optional_int(params, "timeout") or 0, 0)
        self.queue.confirm(offset)
        if timeout:
            await self.signal.wait_for(
                lambda: self.closing or self.queue.has_ready(offset), timeout
            )
        if self.closing:
            return []
        return self.queue.take(offset, limit)

    async def set_webhook(self, params: JsonDict) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.match(str(secret)):
            raise ApiError.bad_request("secret token contains unallowed characters")
        if url and not url.startswith("https://") and not url.startswith("http://"):
            raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        connections = int(params.get("max_connections") or 40)
        if not 1 <= connections <= 100:
            raise ApiError.bad_request("bad webhook: max_connections must be between 1 and 100")
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "allowed_updates": params.get("allowed_updates"),
            "max_connections": connections,
        }
        if params.get("drop_pending_updates"):
            self.queue.clear()
        return True

    async def delete_webhook(self, params: JsonDict) -> bool:
        self.webhook = {"url": "", "secret_token": None, "allowed_updates": None}
        if params.get("drop_pending_updates"):
            self.queue.clear()
        return True

    async def get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue),
        }
        if self.webhook["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            info["ip_address"] = "127.0.0.1"
        if self.webhook["allowed_updates"]:
            info["allowed_updates"] = self.webhook["allowed_updates"]
        if self.webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_error
        return info

    # --- commands ---------------------------------------------------------------

    async def set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError.bad_request('parameter "commands" is required')
        for command in commands:
            name, description = str(command.get("command", "")), str(command.get("description", ""))
            if not COMMAND_NAME.match(name) or not 1 <= len(description) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
        self.commands[_commands_key(params)] = copy.deepcopy(commands)
        return True

    async def delete_my_commands(self, params: JsonDict) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    async def get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return copy.deepcopy(self.commands.get(_commands_key(params), []))

    # --- sending ----------------------------------------------------------------

    async def send_message(self, params: JsonDict) -> JsonDict:
        chat_id = self._require_chat(params)
        text = params.get("text")
        if not text:
            raise ApiError.bad_request("message text is empty")
        _check_text(str(text), params.get("parse_mode"), TEXT_LIMIT, "message is too long")
        return self._deliver(chat_id, params, text=str(text))

    async def send_document(self, params: JsonDict) -> JsonDict:
        chat_id = self._require_chat(params)
        content = _file_content("document", params.get("document"))
        return self._deliver(chat_id, params, **content, **_caption(params))

    async def send_photo(self, params: JsonDict) -> JsonDict:
        chat_id = self._require_chat(params)
        content = _file_content("photo", params.get("photo"))
        return self._deliver(chat_id, params, **content, **_caption(params))

    async def send_chat_action(self, params: JsonDict) -> bool:
        self._require_chat(params)
        if not params.get("action"):
            raise ApiError.bad_request("wrong parameter action in request")
        return True

    def _deliver(self, chat_id: ChatId, params: JsonDict, **content: Any) -> JsonDict:
        markup = params.get("reply_markup")
        _check_markup(markup)
        self.limiter.check(chat_id)
        chat = self.chats.chat(chat_id)
        message = build.message(self.chats.next_message_id(chat_id), chat, self.bot, **content)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = copy.deepcopy(markup)
        self.limiter.record(chat_id)
        self.chats.record_bot_send(message, markup if isinstance(markup, dict) else None)
        self.signal.notify()
        return message  # serialised at once by the server, never mutated

    def _require_chat(self, params: JsonDict) -> ChatId:
        chat_id = normalize_chat_id(params.get("chat_id"))
        if chat_id is None or chat_id == "":
            raise ApiError.bad_request("chat_id is empty")
        if self.strict_chats and chat_id not in self.chats.chats:
            raise ApiError.bad_request("chat not found")
        return chat_id

    # --- editing, deleting, callbacks ---------------------------------------------

    async def edit_message_text(self, params: JsonDict) -> JsonDict | bool:
        text = params.get("text")
        if not text:
            raise ApiError.bad_request("message text is empty")
        _check_text(str(text), params.get("parse_mode"), TEXT_LIMIT, "MESSAGE_TOO_LONG")
        return self._edit(params, {"text": str(text)})

    async def edit_message_reply_markup(self, params: JsonDict) -> JsonDict | bool:
        return self._edit(params, {})

    def _edit(self, params: JsonDict, changes: JsonDict) -> JsonDict | bool:
        markup = params.get("reply_markup")
        _check_markup(markup)
        if params.get("inline_message_id"):
            return True
        chat_id = self._require_chat(params)
        message = self.chats.get(chat_id, _optional_int(params, "message_id") or 0)
        if message is None:
            raise ApiError.bad_request("message to edit not found")
        if message["from"]["id"] != self.bot["id"]:
            raise ApiError.bad_request("message can't be edited")
        edited = copy.deepcopy(message)
        edited.update(changes)
        edited.pop("reply_markup", None)
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            edited["reply_markup"] = copy.deepcopy(markup)
        if _same_content(message, edited):
            raise ApiError.bad_request(NOT_MODIFIED)
        edited["edit_date"] = build.now()
        self.chats.store(edited)
        self.signal.notify()
        return copy.deepcopy(edited)

    async def delete_message(self, params: JsonDict) -> bool:
        chat_id = self._require_chat(params)
        if not self.chats.delete(chat_id, _optional_int(params, "message_id") or 0):
            raise ApiError.bad_request("message to delete not found")
        self.signal.notify()
        return True

    async def answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self.callback_queries or self.callback_queries[query_id] is not None:
            raise ApiError.bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > 200:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        self.callback_queries[query_id] = copy.deepcopy(params)
        self.signal.notify()
        return True


def _optional_int(params: JsonDict, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError.bad_request(f"invalid {name} specified") from None


def _commands_key(params: JsonDict) -> str:
    scope = params.get("scope") or {"type": "default"}
    return f"{sorted(scope.items())}|{params.get('language_code') or ''}"


def _check_text(text: str, parse_mode: Any, limit: int, too_long: str) -> None:
    visible = text
    if str(parse_mode or "").upper() == "HTML":
        _check_html(text)
        visible = html.unescape(HTML_TAG.sub("", text))
    if len(visible) > limit:
        raise ApiError.bad_request(too_long)


def _check_html(text: str) -> None:
    position = text.find("<")
    while position != -1:
        if not HTML_TAG.match(text, position):
            name = re.match(r"</?([^\s>]*)", text[position:])
            offset = len(text[:position].encode())
            raise ApiError.bad_request(
                f'can\'t parse entities: Unsupported start tag "{name.group(1) if name else ""}" '
                f"at byte offset {offset}"
            )
        position = text.find("<", position + 1)


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                raise ApiError.bad_request("BUTTON_DATA_INVALID")


def _caption(params: JsonDict) -> JsonDict:
    caption = params.get("caption")
    if not caption:
        return {}
    _check_text(
        str(caption), params.get("parse_mode"), CAPTION_LIMIT, "message caption is too long"
    )
    return {"caption": str(caption)}


def _file_content(kind: str, value: Any) -> JsonDict:
    if not value:
        raise ApiError.bad_request(f"there is no {kind} in the request")
    if isinstance(value, UploadedFile):
        seed, filename, mime, size = (
            value.data.hex()[:64],
            value.filename,
            value.content_type,
            len(value.data),
        )
    else:
        seed, filename, mime, size = str(value), "file", "application/octet-stream", 1024
    if kind == "photo":
        return build.photo_content(seed)
    return build.document_content(seed, filename, mime, size)


def _same_content(before: JsonDict, after: JsonDict) -> bool:
    keys = ("text", "caption", "reply_markup")
    return all(before.get(key) == after.get(key) for key in keys)
