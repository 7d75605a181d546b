"""Builders for Bot API objects (users, chats, messages, updates) as plain dicts.

The shapes follow https://core.telegram.org/bots/api closely enough that both
aiogram and python-telegram-bot parse them; only the fields those clients
need, plus the ones tests commonly assert on, are filled.
"""

import hashlib
import re
import time
from typing import Any

JsonDict = dict[str, Any]

COMMAND_PATTERN = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")


def now() -> int:
    """Unix time in whole seconds, as Telegram sends it."""
    return int(time.time())


def file_ids(kind: str, seed: str) -> tuple[str, str]:
    """Stable fake (file_id, file_unique_id) for a file of some kind."""
    digest = hashlib.sha1(f"{kind}:{seed}".encode()).hexdigest()
    return f"{kind.upper()}_{digest[:24]}", digest[:12]


def bot_user(bot_id: int, username: str, first_name: str) -> JsonDict:
    """The User object getMe returns, also used as `from` of bot messages."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def user(user_id: int, first_name: str = "Test", language_code: str | None = "vi") -> JsonDict:
    """A human User object."""
    result: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        result["language_code"] = language_code
    return result


def chat(chat_id: int, chat_type: str = "private", first_name: str = "Test") -> JsonDict:
    """A Chat object; private chats carry the user's name, groups a title."""
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": first_name}
    return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}


def command_entities(text: str) -> list[JsonDict]:
    """The bot_command entity Telegram adds when a text starts with a command."""
    match = COMMAND_PATTERN.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": match.end()}]


def message(message_id: int, chat_obj: JsonDict, sender: JsonDict, **content: Any) -> JsonDict:
    """A Message object; `content` holds text, photo, sticker, reply_markup and so on."""
    result: JsonDict = {
        "message_id": message_id,
        "from": sender,
        "chat": chat_obj,
        "date": now(),
    }
    result.update({key: value for key, value in content.items() if value is not None})
    return result


def text_content(text: str) -> JsonDict:
    """Message fields for a plain or command text."""
    content: JsonDict = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


def sticker_content(seed: str) -> JsonDict:
    """Message fields for a regular static sticker."""
    file_id, unique_id = file_ids("sticker", seed)
    return {
        "sticker": {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "\U0001f44d",
            "file_size": 20480,
        }
    }


def photo_content(seed: str, caption: str | None = None) -> JsonDict:
    """Message fields for a photo in two sizes."""
    sizes = []
    for width, height, size in ((90, 60, 1500), (1280, 853, 120000)):
        file_id, unique_id = file_ids("photo", f"{seed}:{width}")
        sizes.append(
            {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": width,
                "height": height,
                "file_size": size,
            }
        )
    content: JsonDict = {"photo": sizes}
    if caption:
        content["caption"] = caption
    return content


def voice_content(seed: str, duration: int = 3) -> JsonDict:
    """Message fields for a voice note."""
    file_id, unique_id = file_ids("voice", seed)
    return {
        "voice": {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 8000 * duration,
        }
    }


def document_content(seed: str, filename: str, mime_type: str, size: int) -> JsonDict:
    """Message fields for a document the bot sent."""
    file_id, unique_id = file_ids("document", seed)
    return {
        "document": {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": size,
        }
    }


def callback_query(query_id: str, sender: JsonDict, data: str, origin: JsonDict | None) -> JsonDict:
    """A CallbackQuery pressed on `origin`, a message the bot sent."""
    chat_id = origin["chat"]["id"] if origin else sender["id"]
    result: JsonDict = {
        "id": query_id,
        "from": sender,
        "chat_instance": str(int(hashlib.sha1(f"chat:{chat_id}".encode()).hexdigest()[:15], 16)),
        "data": data,
    }
    if origin is not None:
        result["message"] = origin
    return result
