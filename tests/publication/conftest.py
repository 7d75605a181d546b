"""Publication fixtures: the admin tests' roles and recording outbox, and helpers for the whole path."""

from sqlmodel import select

from storage import Question, Store
from tests.admin.conftest import ADMIN, ask, config, dispatcher  # noqa: F401 - fixtures
from tests.support import MemoryChannel

__all__ = ["answered", "ask_named", "published", "question_of"]


async def question_of(store: Store, code: str) -> Question:
    """The stored question with this receipt code."""
    async with store.unit() as uow:
        return (await uow.session.exec(select(Question).where(Question.code == code))).one()


async def answered(chat: MemoryChannel, user: str, text: str, answer: str = "Tỉnh có gói vay ưu đãi cho thanh niên.",
                   allow: bool = True) -> str:
    """A youth asks (allowing publication on the receipt), the admin answers; the code."""
    code = await ask(chat, user, text)
    if allow:
        await chat.press_label(user, "Cho phép công khai")
    await chat.text(ADMIN, f"/tra_loi {code}")
    await chat.text(ADMIN, answer)
    return code


async def published(chat: MemoryChannel, user: str, text: str, answer: str = "Tỉnh có gói vay ưu đãi cho thanh niên.") -> str:
    """Asked, allowed, answered and approved as written."""
    code = await answered(chat, user, text, answer)
    await chat.text(ADMIN, f"/cong_khai {code}")
    return code


async def ask_named(chat: MemoryChannel, user: str, name: str, text: str) -> str:
    """A youth who gave their name asks and allows publication; the code."""
    await chat.text(user, "/start")
    await chat.press(user, "consent:yes")
    await chat.press(user, "unit:KESACH")
    await chat.text(user, name)
    receipt = await chat.text(user, text)
    await chat.press_label(user, "Cho phép công khai")
    return next(line.split(": ")[1] for r in receipt for line in r.text.splitlines() if line.startswith("Mã câu hỏi"))
