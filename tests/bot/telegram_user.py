"""A youth talking to the bot through the fake Telegram Bot API."""

from typing import Any

from tests.fakes.telegram_api import FakeTelegramAPI


class TelegramUser:
    """Pushes updates as one private chat and waits for the bot's answers."""

    def __init__(self, api: FakeTelegramAPI, user_id: int) -> None:
        self.api, self.user_id = api, user_id

    @property
    def received(self) -> list[dict[str, Any]]:
        return self.api.sent_messages(self.user_id)

    async def _expect(self, before: int, count: int) -> list[dict[str, Any]]:
        messages = await self.api.wait_for_messages(self.user_id, before + count)
        return messages[before:]

    async def say(self, text: str, expect: int = 1) -> list[dict[str, Any]]:
        before = len(self.received)
        self.api.push_text(self.user_id, text)
        return await self._expect(before, expect)

    async def press(self, data: str, expect: int = 1) -> list[dict[str, Any]]:
        before = len(self.received)
        self.api.push_callback(self.user_id, data)
        return await self._expect(before, expect)

    def buttons(self, message: dict[str, Any]) -> list[str]:
        markup = message.get("reply_markup") or {}
        return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]
