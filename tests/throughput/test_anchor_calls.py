"""The pipeline benchmark's anchor (bench/anchor_bot.py) makes the Bot API calls doithoai makes.

Both run as processes against the fake Bot API and two youth go through the benchmark's
conversation; per chat, the calls by method and the keyboards of the messages sent must match.
"""

import signal
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench.pipeline import TOKEN, Waiter, spawn, youth
from tests.fakes.telegram_api import FakeTelegramAPI

CHATS = (10_000, 10_003)
STEP_METHODS = ("sendMessage", "answerCallbackQuery", "editMessageReplyMarkup")


def _keyboard(params: dict[str, Any]) -> list[list[str]]:
    """A message's buttons by their callback data. The reminder opt-in row is left out: doithoai
    offers it only before the deadline day (a date the anchor does not know), the anchor always."""
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    kept = [[button["callback_data"] for button in row] for row in rows]
    return [row for row in kept if not all(data.startswith("remind:") for data in row)]


def _of(params: dict[str, Any], chat: int) -> bool:
    """Whether a call concerns `chat` (the fake's callback query ids start with the youth's id)."""
    if "callback_query_id" in params:
        return str(params["callback_query_id"]).startswith(str(chat))
    return str(params.get("chat_id")) == str(chat)


async def _calls(bot: str) -> dict[int, tuple[Counter[str], list[list[list[str]]]]]:
    """Per chat: how many calls of each conversation method, and the sent messages' keyboards."""
    async with FakeTelegramAPI(TOKEN) as api:
        waiter = Waiter(api)
        with tempfile.TemporaryDirectory() as tmp:
            process = spawn(bot, api.base_url, Path(tmp), paced=False)
            try:
                await api.wait_until(lambda: bool(api.calls_to("getUpdates")), timeout=60)
                for chat in CHATS:
                    await youth(api, waiter, chat, bot, [], None, None)  # type: ignore[arg-type]
                await api.wait_until(lambda: len(api.calls_to("editMessageReplyMarkup")) >= 4 * len(CHATS), 10)
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(20)
    made: dict[int, tuple[Counter[str], list[list[list[str]]]]] = {}
    for chat in CHATS:
        methods = Counter(call.method for call in api.calls if call.method in STEP_METHODS and _of(call.params, chat))
        keyboards = [_keyboard(message) for message in api.sent_messages(chat)]
        made[chat] = (methods, keyboards)
    return made


async def test_the_anchor_makes_doithoais_calls() -> None:
    doithoai, anchor = await _calls("doithoai"), await _calls("anchor")
    assert doithoai == anchor
    methods, keyboards = doithoai[CHATS[0]]
    assert methods == Counter(sendMessage=6, answerCallbackQuery=4, editMessageReplyMarkup=4)
    assert keyboards[0] == [["consent:yes", "consent:no"], ["notice:full"]] and keyboards[3] == []
