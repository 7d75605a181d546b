"""What the fake Bot API remembers about chats and messages."""

import copy
import zlib
from collections.abc import Callable
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tests.fakes import telegram_updates as build

JsonDict = dict[str, Any]
ChatId = int | str


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


class ChatStore:
    """Known chats, every message by (chat, message_id), and the bot's sends in order."""

    def __init__(self) -> None:
        self.chats: dict[ChatId, JsonDict] = {}
        self._messages: dict[tuple[ChatId, int], JsonDict] = {}
        self._last_message_id: dict[ChatId, int] = {}
        self._last_bot_message: dict[ChatId, int] = {}
        self.sent: list[JsonDict] = []
        self.sent_counts: Counter[ChatId] = Counter()
        self.listeners: list[Callable[[JsonDict], None]] = []  # called on each successful send

    def register(self, chat_obj: JsonDict) -> JsonDict:
        """Remember a chat seen in an incoming update."""
        self.chats[chat_obj["id"]] = chat_obj
        return chat_obj

    def chat(self, chat_id: ChatId) -> JsonDict:
        """The chat object for an id, inventing a plausible one if unseen."""
        if chat_id not in self.chats:
            self.chats[chat_id] = _guess_chat(chat_id)
        return self.chats[chat_id]

    def next_message_id(self, chat_id: ChatId) -> int:
        """Message ids are per chat and shared by the user and the bot."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def store(self, message: JsonDict) -> None:
        """Keep the current version of a message (new or edited)."""
        self._messages[(message["chat"]["id"], message["message_id"])] = message

    def record_bot_send(self, message: JsonDict, markup: JsonDict | None) -> None:
        """A successful send: kept for inspection with the markup exactly as sent."""
        self.store(message)
        chat_id = message["chat"]["id"]
        self._last_bot_message[chat_id] = message["message_id"]
        record = dict(message)  # stored messages are replaced on edit, never mutated
        if markup is not None:
            record["reply_markup"] = markup
        self.sent.append(record)
        for listener in self.listeners:
            listener(record)
        self.sent_counts[chat_id] += 1

    def get(self, chat_id: ChatId, message_id: int) -> JsonDict | None:
        """The current version of a message, None if unknown or deleted."""
        return self._messages.get((chat_id, message_id))

    def delete(self, chat_id: ChatId, message_id: int) -> bool:
        """Forget a message; False if there was none."""
        return self._messages.pop((chat_id, message_id), None) is not None

    def last_bot_message(self, chat_id: ChatId) -> JsonDict | None:
        """The newest message the bot sent to a chat that still exists."""
        message_id = self._last_bot_message.get(chat_id)
        return None if message_id is None else self.get(chat_id, message_id)

    def sent_to(self, chat_id: ChatId | None) -> list[JsonDict]:
        """Copies of the bot's successful sends, optionally to one chat."""
        return [
            copy.deepcopy(record)
            for record in self.sent
            if chat_id is None or record["chat"]["id"] == chat_id
        ]

    def count_sent(self, chat_id: ChatId) -> int:
        """How many sends reached a chat (O(1), for wait predicates)."""
        return self.sent_counts[chat_id]


def _guess_chat(chat_id: ChatId) -> JsonDict:
    if isinstance(chat_id, str):
        numeric_id = -1_009_000_000_000 - zlib.crc32(chat_id.encode()) % 1_000_000
        return {"id": numeric_id, "type": "channel", "title": chat_id, "username": chat_id[1:]}
    if chat_id > 0:
        return build.chat(chat_id)
    chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
    return build.chat(chat_id, chat_type)
