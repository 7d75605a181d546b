"""The youth's first minute (issue 19): a short first screen, the full notice one tap away, one voice.

Seed campaign: Tỉnh đoàn Sóc Trăng, dialogue 15/06/2023, last on-time day 26/05/2023; the clock
starts on 10/05/2023, so 16 days are left.
"""

import re

from sqlmodel import select

from handlers import texts
from storage import ConversationState, Store, Youth
from tests.support import MemoryChannel, buttons_of, texts_of

QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"


async def rows(store: Store, model: type) -> list:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(model))).all())


async def test_the_first_screen_says_who_why_when_and_asks(chat: MemoryChannel) -> None:
    replies = await chat.text("u1", "/start")  # the dispatcher may join the two into one message
    greeting, _, notice = texts_of(replies).partition("🔒")
    for fact in ("Tỉnh đoàn Sóc Trăng", "trợ lý tự động", "năm 2023", "15/06/2023", "26/05/2023", "còn 16 ngày"):
        assert fact in greeting, fact
    # The short notice: data is collected, by whom, for what, and consent can be withdrawn with /xoa.
    for fact in ("lưu", "Tỉnh đoàn Sóc Trăng", "câu hỏi", "trả lời", "/xoa", "91/2025/QH15"):
        assert fact in notice, fact
    assert buttons_of(replies) == ["consent:yes", "consent:no", "notice:full"]
    assert len(greeting) + len(notice) < 700  # a phone screen, not 25 lines


async def test_the_full_notice_is_a_tap_or_a_typed_choice_away_and_stores_nothing(
    chat: MemoryChannel, store: Store
) -> None:
    await chat.text("u1", "/start")
    for typed in ("Xem chi tiết", "xem chi tiet", "3"):  # Zalo: typed, with or without diacritics, or the number
        replies = await chat.text("u1", typed)
        assert "12 tháng sau buổi đối thoại" in texts_of(replies) and "Sở Nội vụ" in texts_of(replies), typed
        assert buttons_of(replies) == ["consent:yes", "consent:no"]
    assert await rows(store, Youth) == [] and await rows(store, ConversationState) == []
    await chat.text("u1", "1")
    assert len(await rows(store, Youth)) == 1


async def test_a_deep_link_keeps_its_unit_through_the_full_notice(chat: MemoryChannel) -> None:
    replies = await chat.text("u1", "/start KESACH")
    assert "Huyện Kế Sách" in texts_of(replies) and "notice:full:KESACH" in buttons_of(replies)
    replies = await chat.press("u1", "notice:full:KESACH")
    assert buttons_of(replies) == ["consent:yes:KESACH", "consent:no"]
    replies = await chat.press("u1", "consent:yes:KESACH")
    assert "Huyện Kế Sách" in texts_of(replies) and "reunit" in buttons_of(replies)  # «Đổi đơn vị»


async def test_the_unit_can_be_changed_by_button_or_command(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes:KESACH")
    replies = await chat.press("u1", "reunit")
    assert texts.ASK_UNIT in texts_of(replies) and "unit:TPST" in buttons_of(replies)
    replies = await chat.press("u1", "unit:TPST")
    assert "Thành phố Sóc Trăng" in texts_of(replies) and "reunit" not in buttons_of(replies)
    await chat.press("u1", "name:anon")
    replies = await chat.text("u1", "/donvi")
    assert texts.ASK_UNIT in texts_of(replies)
    await chat.text("u1", "2")  # typed, as on Zalo
    [youth] = await rows(store, Youth)
    assert youth.unit_code != "KESACH"


async def test_change_unit_before_consent_greets_again_without_the_unit(chat: MemoryChannel, store: Store) -> None:
    await chat.text("u1", "/start KESACH")
    replies = await chat.text("u1", "/donvi")
    assert "Huyện Kế Sách" not in texts_of(replies) and "consent:yes" in buttons_of(replies)
    assert await rows(store, Youth) == []


async def test_erasure_confirmation_names_only_what_exists(chat: MemoryChannel) -> None:
    await chat.press("u1", "consent:yes")
    bare = texts_of(await chat.text("u1", "/xoa"))
    assert "0 câu hỏi" not in bare and "đơn vị" not in bare and "tên" not in bare
    await chat.press("u1", "del:no")
    await chat.press("u1", "unit:KESACH")
    await chat.press("u1", "name:anon")
    await chat.text("u1", QUESTION)
    await chat.press("u1", "again")
    await chat.text("u1", "Xã em cần thêm sân chơi cho thanh niên, tỉnh có kế hoạch gì không ạ?")
    ask = texts_of(await chat.text("u1", "/xoa"))
    assert "đơn vị và 2 câu hỏi" in ask and "tên" not in ask
    await chat.press("u1", "del:yes")
    after = texts_of(await chat.text("u1", "/cauhoi"))
    assert after == texts.MY_QUESTIONS_NONE_STORED and "chưa gửi" not in after


def youth_texts() -> dict[str, str]:
    """Every youth-facing text in handlers/texts.py (the web page's own texts included)."""
    found: dict[str, str] = {}
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str):
            found[name] = value
        elif name.isupper() and isinstance(value, dict):
            found.update({f"{name}[{k}]": v for k, v in value.items()})
    return found


def test_one_voice_mình_and_bạn() -> None:
    """The bot is «mình», never «tôi»/«chúng tôi»; no semicolons in chat lines; no joking emoji."""
    every = youth_texts()
    assert len(every) > 80
    assert [n for n, t in every.items() if re.search(r"\btôi\b", t, re.IGNORECASE)] == []
    assert [n for n, t in every.items() if ";" in t] == []
    assert [n for n, t in every.items() if any(e in t for e in "🙈😂🤣😜😉😅")] == []


async def test_rewritten_texts_keep_their_facts(chat: MemoryChannel) -> None:
    """Help, an unknown command, a question typed at the name step, a follow-up too long to add."""
    await chat.press("u1", "consent:yes")
    help_text = texts_of(await chat.text("u1", "/trogiup"))
    assert "/donvi" in help_text and "lập nghiệp" in help_text and "còn 16 ngày" in help_text
    assert "/abc" in texts_of(await chat.text("u1", "/abc"))
    await chat.press("u1", "unit:KESACH")
    replies = await chat.text("u1", QUESTION)  # typed where the name was asked: kept as the question
    assert "ST2023-0001" in texts_of(replies) and "ẩn danh" in texts_of(replies)
    assert buttons_of(replies)[-2:] == ["name:anon", "retopic:1"]
    await chat.press("u1", "name:anon")
    await chat.text("u1", ("Em hỏi về vay vốn. " * 300)[:3990].strip())
    replies = await chat.text("u1", "Em hỏi thêm: lãi suất bao nhiêu ạ?")
    assert "câu hỏi ST2023-0002" in texts_of(replies) and "4000" in texts_of(replies) and "ST2023-0003" in texts_of(replies)
