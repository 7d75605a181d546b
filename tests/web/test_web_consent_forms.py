"""The web channel recognises every form of «Đồng ý» the conversation accepts, so none escapes the cap."""

import pytest

from bot.channels.web_api import may_consent
from handlers.types import Address, IncomingMessage, Kind
from storage import Store
from tests.support import MemoryChannel

TYPED = ["1", " 1 ", "1.", "１", "đồng ý", "Đồng ý", "dong y", "DONG Y!", "✅ Đồng ý", "2", "không đồng ý", "ok",
         "có", "yes", "đồng ý ạ", "em đồng ý", "01", "Xin chào"]


@pytest.mark.parametrize("text", TYPED)
async def test_a_typed_consent_is_recognised_whenever_the_conversation_takes_it(
    chat: MemoryChannel, store: Store, text: str
) -> None:
    await chat.text("u1", "/start")
    await chat.text("u1", text)
    async with store.unit() as uow:
        consented = await uow.youth.get(chat.channel, "u1") is not None
    message = IncomingMessage(Address("web", "u1"), Kind.TEXT, text=text)
    assert may_consent(message) or not consented  # a consent the cap did not count would escape it


@pytest.mark.parametrize(("data", "counted"), [("consent:yes", True), ("consent:yes:U05", True), ("consent:no", False)])
def test_consent_buttons(data: str, counted: bool) -> None:
    assert may_consent(IncomingMessage(Address("web", "u1"), Kind.BUTTON, button_data=data)) is counted
