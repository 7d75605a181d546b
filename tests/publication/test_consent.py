"""The youth's choice: off by default, on from the receipt (pressed or typed), toggled in /cauhoi."""

from handlers import texts
from storage import Store
from tests.publication.conftest import ask, question_of
from tests.support import MemoryChannel, buttons_of, texts_of

QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"


async def test_publication_is_off_until_the_youth_presses_the_receipts_button(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1", QUESTION)
    receipt = chat.last["y1"]
    assert texts.BTN_PUBLIC_ALLOW in [b.label for r in receipt for b in r.flat_buttons()]
    assert not (await question_of(store, code)).public_ok

    replies = await chat.press_label("y1", texts.BTN_PUBLIC_ALLOW)
    assert texts_of(replies) == texts.PUBLIC_ALLOWED.format(code=code)
    stored = await question_of(store, code)
    assert stored.public_ok and stored.public_ok_at is not None and stored.public_at is None
    assert f"public:{stored.id}:off" in buttons_of(replies)  # changing one's mind is one tap away


async def test_the_consent_typed_without_diacritics_presses_the_button(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1", QUESTION)
    replies = await chat.text("y1", "cho phep cong khai cau hoi khong kem ten")
    assert texts_of(replies) == texts.PUBLIC_ALLOWED.format(code=code)
    assert (await question_of(store, code)).public_ok


async def test_cauhoi_shows_each_state_and_toggles_it_pressed_or_typed(chat: MemoryChannel, store: Store) -> None:
    first = await ask(chat, "y1", QUESTION)
    await chat.press_label("y1", texts.BTN_PUBLIC_ALLOW)
    await chat.text("y1", "Cho em hỏi thủ tục đăng ký hộ kinh doanh cá thể cần giấy tờ gì ạ?")
    second = (await question_of(store, "ST2023-0002")).code
    mine = await chat.text("y1", "/cauhoi")
    lines = texts_of(mine).splitlines()
    assert lines[lines.index(next(x for x in lines if first in x)) + 2] == texts.PUBLIC_STATE_ON
    assert lines[lines.index(next(x for x in lines if second in x)) + 2] == texts.PUBLIC_STATE_OFF
    labels = [b.label for r in mine for b in r.flat_buttons()]
    assert texts.BTN_PUBLIC_OFF.format(code=first) in labels and texts.BTN_PUBLIC_ON.format(code=second) in labels

    replies = await chat.text("y1", f"khong cong khai {first.lower()}")  # typed label, no diacritics
    assert texts_of(replies) == texts.PUBLIC_WITHDRAWN.format(code=first)
    assert not (await question_of(store, first)).public_ok

    await chat.text("y1", "/cauhoi")
    number = [b.label for r in chat.last["y1"] for b in r.flat_buttons()].index(texts.BTN_PUBLIC_ON.format(code=second))
    replies = await chat.text("y1", str(number + 1))  # its number
    assert texts_of(replies) == texts.PUBLIC_ALLOWED.format(code=second)
    assert (await question_of(store, second)).public_ok


async def test_a_button_for_someone_elses_question_changes_nothing(chat: MemoryChannel, store: Store) -> None:
    code = await ask(chat, "y1", QUESTION)
    await ask(chat, "y2", "Thanh niên nông thôn muốn học nghề thì đăng ký ở đâu ạ?")
    target = await question_of(store, code)
    replies = await chat.press("y2", f"public:{target.id}:on")
    assert texts.STALE_BUTTON in texts_of(replies)
    assert not (await question_of(store, code)).public_ok
    assert texts.STALE_BUTTON in texts_of(await chat.press("y2", "public:abc:on"))  # forged data: no crash


async def test_the_privacy_notice_names_publication_with_its_conditions() -> None:
    notice = texts.PRIVACY
    assert "chỉ khi bạn cho phép" in notice and "không kèm tên và đơn vị" in notice and "cán bộ xem lại" in notice
