"""The reminder opt-in offered with the first receipt."""

from handlers.coordination import texts
from storage import Store
from tests.support import MemoryChannel, buttons_of, texts_of

QUESTION = "Em muốn mở tiệm sửa xe máy mà thiếu vốn, tỉnh có chính sách cho vay ưu đãi không ạ?"


async def submit(chat: MemoryChannel) -> list:
    await chat.press("u1", "again")  # an action between questions: the second is not a follow-up
    return await chat.text("u1", QUESTION)  # stored at once: the receipt is the reply


async def test_first_receipt_asks_once_and_the_answer_is_stored(chat: MemoryChannel, store: Store) -> None:
    await chat.text("u1", "/start KESACH")
    await chat.press("u1", "consent:yes:KESACH")
    await chat.press("u1", "name:anon")
    receipt = await submit(chat)
    assert texts.OPTIN_ASK.split("(")[0] in texts_of(receipt)
    assert buttons_of(receipt)[:2] == ["remind:yes", "remind:no"]
    reply = await chat.text("u1", "co")  # typed label, no diacritics
    assert texts.OPTIN_YES in texts_of(reply)
    async with store.unit() as uow:
        youth = await uow.youth.get("memory", "u1")
        assert youth is not None and youth.reminders_ok is True
    second = await submit(chat)
    assert "remind:yes" not in buttons_of(second)  # asked once only
    reply = await chat.press("u1", "remind:no")  # an old button still works: withdraw
    assert texts.OPTIN_NO in texts_of(reply)
    async with store.unit() as uow:
        youth = await uow.youth.get("memory", "u1")
        assert youth is not None and youth.reminders_ok is False


async def test_after_answering_the_receipt_still_offers_its_other_choices(chat: MemoryChannel) -> None:
    """On Zalo the receipt's choices are a numbered list: «Đổi chủ đề» typed after «Có» still changes the
    topic instead of becoming a second question."""
    await chat.text("u1", "/start KESACH")
    await chat.press("u1", "consent:yes:KESACH")
    await chat.press("u1", "name:anon")
    receipt = await submit(chat)
    retopic = next(data for data in buttons_of(receipt) if data.startswith("retopic:"))
    answered = await chat.text("u1", "co")
    assert texts.OPTIN_YES in texts_of(answered)
    assert retopic in buttons_of(answered) and "remind:yes" not in buttons_of(answered)
    picker = await chat.text("u1", "doi chu de")
    assert "Mã câu hỏi" not in texts_of(picker) and any(b.startswith("retopic:") for b in buttons_of(picker))
