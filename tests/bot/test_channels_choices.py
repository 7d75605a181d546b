"""Every choice can be typed, on every channel: the same typed answers through aiogram and PTB
(fake Telegram Bot API), Zalo (fake Zalo Bot API) and the web chat (its HTTP API).

The campaign is config.cantho.yaml (108 units: the unit is searched by typed name). A youth types
everything: consent, unit, name, the reminder opt-in and the rating of an answer; an admin on the
same channel types the /gan_chu_de pick by number and confirms /thongbao with «Gửi» and «1».
"""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from handlers.admin import texts as admin_texts
from handlers.coordination import texts as coordination_texts
from handlers.settings import Person, Roles
from handlers.types import Address
from storage import Question, Youth, create_all
from storage.models_admin import Answer
from tests.bot.channel_users import (
    CHANNELS, ChatUser, Harness, Said, TelegramChatUser, WebChatUser, ZaloChatUser, ZaloOAChatUser, harness_for,
)
from tests.conftest import ROOT
from tests.support import FakeClock

QUESTION = "Em muốn mở tiệm sửa xe máy mà thiếu vốn, thành phố có chính sách cho vay ưu đãi không ạ?"
ANSWER = "Thành phố có gói vay ưu đãi qua Ngân hàng Chính sách xã hội."


@pytest.fixture(params=CHANNELS)
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    async with harness_for(request.param) as h:
        yield h


def admin_address(harness: Harness) -> Address:
    chat_id = {"aiogram": "900", "ptb": "900", "zalo": "zalo-admin", "web": "websessionadmin0000001",
               "zalo_oa": "oa-admin"}[harness.name]
    return Address(harness.channel, chat_id)


def admin_user(harness: Harness, app: App) -> ChatUser:
    chat_id = admin_address(harness).chat_id
    if harness.name == "web":
        return WebChatUser(app, app.web.signer.token(chat_id))
    if harness.name == "zalo":
        return ZaloChatUser(harness.api, chat_id)  # type: ignore[union-attr]
    if harness.name == "zalo_oa":
        return ZaloOAChatUser(harness.api, app, chat_id)  # type: ignore[arg-type]
    return TelegramChatUser(harness.api, int(chat_id))  # type: ignore[union-attr]


async def started(harness: Harness, db: Path, clock: FakeClock) -> App:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "WEB_PORT": "0", **harness.env()}
    config = load_config(ROOT / "config.cantho.yaml", env=env)
    admin = admin_address(harness)
    roles = Roles(admins=(Person(name="Thành đoàn", channel=admin.channel, chat_id=admin.chat_id),))
    app = await build_app(config.model_copy(update={"roles": roles}), clock=clock)
    await create_all(app.store.engine)  # tables newer than the migrations (the lead regenerates them)
    await app.start()
    return app


async def received(youth: ChatUser, fragment: str) -> None:
    """Wait until a message pushed to the youth (not a reply) has arrived; the web chat polls for it."""
    if isinstance(youth, WebChatUser):
        return
    for _ in range(100):
        if any(fragment in said.text for said in youth.history):  # type: ignore[attr-defined]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{fragment!r} never reached the youth")


def number(said: Said, label: str) -> str:
    """The number a youth types for a choice: its place in the offered list."""
    return str(said.choices.index(label) + 1)


async def receipt(youth: ChatUser) -> Said:
    """The question's receipt, typed all the way (whether or not the flow asks to confirm the topic)."""
    [reply] = await youth.say(QUESTION)
    if any("Đúng" in choice for choice in reply.choices):
        [reply] = await youth.say("dung")
    return reply


async def test_every_choice_can_be_typed(harness: Harness, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(harness, tmp_path / "bot.db", clock)
    try:
        youth, admin = harness.user(app), admin_user(harness, app)
        await youth.say("/start")
        [ask_unit] = await youth.say("dong y")
        assert "«Ninh Kiều» hoặc «ninh kieu»" in ask_unit.text and ask_unit.choices == ()
        [unknown] = await youth.say("xyz")
        assert "Mình chưa tìm thấy đơn vị nào khớp với «xyz»" in unknown.text
        [matches] = await youth.say("vi thanh")
        assert matches.choices == ("Phường Vị Thanh", "Xã Vị Thanh 1")
        [ask_name] = await youth.say("2")
        assert "Xã Vị Thanh 1" in ask_name.text and texts.ASK_NAME in ask_name.text
        [ask_question] = await youth.say("an danh")
        assert texts.ASK_QUESTION in ask_question.text
        receipt_said = await receipt(youth)
        assert "CT2026-0001" in receipt_said.text
        [opted] = await youth.say(number(receipt_said, coordination_texts.BTN_OPTIN_YES))
        assert coordination_texts.OPTIN_YES in opted.text

        async with app.store.unit() as uow:
            [question] = (await uow.session.exec(select(Question))).all()
            [youth_row] = (await uow.session.exec(select(Youth))).all()  # the admin never consented
        assert question.unit_code == "VITHANH1" and question.topic != "suc_khoe"
        assert youth_row.reminders_ok and youth_row.channel == harness.channel

        [picker] = await admin.say(f"/gan_chu_de {question.code}")
        assert len(picker.choices) == 6 and picker.choices[0] == "Sức khỏe"
        [retagged] = await admin.say("1")
        assert "«Sức khỏe»" in retagged.text

        await admin.say(f"/tra_loi {question.code}")
        [done] = await admin.say(ANSWER)
        assert "CT2026-0001" in done.text
        await received(youth, ANSWER)
        [thanks] = await youth.say("1")  # «👍 Hài lòng»
        assert thanks.text == admin_texts.RATING_THANKS
        [skipped] = await youth.say("bo qua")
        assert skipped.text == admin_texts.SKIP_DONE

        [preview] = await admin.say("/thongbao don_vi=CONGAN Hạn gửi câu hỏi sắp đến")
        assert preview.choices == (admin_texts.BTN_SEND, admin_texts.BTN_CANCEL)
        [sent] = await admin.say("Gửi")
        assert sent.text == admin_texts.ANNOUNCE_SENT.format(count=0)
        await admin.say("/thongbao don_vi=CONGAN Lần hai")
        [sent] = await admin.say("1")
        assert sent.text == admin_texts.ANNOUNCE_SENT.format(count=0)

        async with app.store.unit() as uow:
            question = await uow.questions.by_code(question.code or "")
            [answer] = (await uow.session.exec(select(Answer))).all()
        assert question is not None and question.topic == "suc_khoe" and answer.rating == "good"
    finally:
        await app.stop()

