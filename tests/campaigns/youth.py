"""The youth's side of two campaigns: a Dispatcher on the two-campaign configuration, a chat, lookups."""

from sqlmodel import select

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from handlers.conversation import Conversation
from storage import Question, Store, Youth
from tests.support import FakeClock, MemoryChannel, ScriptedTagger

QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, huyện có hỗ trợ vay vốn không ạ?"
SECOND = "Xã mình có lớp học nghề sửa chữa điện thoại miễn phí cho thanh niên không ạ?"
PROVINCE_NAME = "Đối thoại giữa lãnh đạo tỉnh Sóc Trăng với thanh niên năm 2023"
LOCAL_NAME = "Đối thoại giữa lãnh đạo huyện Kế Sách với thanh niên năm 2023"


def chat_on(config: AppConfig, store: Store, clock: FakeClock, channel: str = "memory") -> MemoryChannel:
    """A chat with the whole conversation on `config` (Zalo-like when `channel` is "zalo": typed only)."""
    dispatcher = Dispatcher(store, Conversation(config, ScriptedTagger(), clock), clock)
    return MemoryChannel(dispatcher.handle, channel=channel)


async def youth_of(store: Store, user: str) -> Youth:
    async with store.unit() as uow:
        found = (await uow.session.exec(select(Youth).where(Youth.chat_id == user))).one()
    return found


async def questions_of(store: Store) -> list[Question]:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(Question).order_by(Question.id))).all())  # type: ignore[arg-type]
