"""The real aiogram and PTB bots, polling a fake Telegram Bot API on 127.0.0.1, through the whole conversation.

Every test runs once per library (channels.telegram.library: aiogram | ptb).
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from storage import Question, Youth, create_all
from tests.bot.telegram_user import TelegramUser
from tests.conftest import ROOT
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.support import FakeClock

TOKEN = "123456:TEST-token"
QUESTION = "Em muốn mở tiệm sửa xe máy mà thiếu vốn, tỉnh có chính sách cho vay ưu đãi không ạ?"


LIBRARIES = ("aiogram", "ptb")


class LibraryAPI(FakeTelegramAPI):
    """The fake Bot API plus the client library the bot under test uses."""

    library = "aiogram"


def app_config(api: FakeTelegramAPI, db: Path):
    return load_config(
        ROOT / "config.yaml",
        env={
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": api.base_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
            "WEB_PORT": "0",
            "TELEGRAM_LIBRARY": getattr(api, "library", "aiogram"),
        },
    )


@pytest.fixture(params=LIBRARIES)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[FakeTelegramAPI]:
    async with LibraryAPI(TOKEN) as fake:
        fake.library = request.param
        yield fake


async def started(api: FakeTelegramAPI, db: Path, clock: FakeClock) -> App:
    app = await build_app(app_config(api, db), clock=clock)
    await create_all(app.store.engine)  # tables newer than the migrations (the lead regenerates them)
    await app.start()
    return app


async def questions(app: App) -> list[Question]:
    async with app.store.unit() as uow:
        return list((await uow.session.exec(select(Question))).all())


async def test_whole_conversation_over_telegram(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        youth = TelegramUser(api, 501)
        [notice] = await youth.say("/start")  # the greeting and the privacy notice are one message
        assert "26/05/2023" in notice["text"]
        assert youth.buttons(notice) == ["consent:yes", "consent:no", "notice:full"]
        [ask_unit] = await youth.press("consent:yes")
        assert "unit:TPST" in youth.buttons(ask_unit)
        [ask_name] = await youth.press("unit:MYXUYEN")  # the acknowledgement rides on the next prompt
        assert "Mỹ Xuyên" in ask_name["text"] and youth.buttons(ask_name) == ["name:anon"]
        await youth.press("name:anon")
        [receipt] = await youth.say(QUESTION)  # stored at once
        assert youth.buttons(receipt) == ["remind:yes", "remind:no", "retopic:1", "public:1:on", "again", "mine"]
        assert "Khởi nghiệp" in receipt["text"] and "ST2023-0001" in receipt["text"]
        [stored] = await questions(app)
        assert (stored.code, stored.channel, stored.unit_code, stored.topic) == (
            "ST2023-0001", "telegram", "MYXUYEN", "khoi_nghiep"
        )
        # The pressed keyboards were removed and every callback was answered.
        assert all(answer is not None for answer in api.callback_answers.values())
        assert api.calls_to("editMessageReplyMarkup")
    finally:
        await app.stop()


async def test_redelivered_update_creates_nothing_new(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        youth = TelegramUser(api, 502)
        await youth.say("/start VINHCHAU")
        await youth.press("consent:yes:VINHCHAU")
        await youth.press("name:anon")
        before = len(youth.received)
        update_id = api.push_text(502, QUESTION)
        await api.wait_for_messages(502, before + 1)
        api.redeliver(update_id)
        await api.wait_drained()
        # The redelivery is answered with the same receipt again, never stored twice.
        assert [q.code for q in await questions(app)] == ["ST2023-0001"]
    finally:
        await app.stop()


async def test_restart_mid_conversation_resumes(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "bot.db"
    app = await started(api, db, clock)
    youth = TelegramUser(api, 503)
    try:
        await youth.say("/start")
        await youth.press("consent:yes")
        await youth.press("unit:TRANDE")
    finally:
        await app.stop()
    app = await started(api, db, clock)  # a new process: nothing kept in memory
    try:
        [reply] = await youth.say("Trần Văn Bình")
        assert texts.ASK_QUESTION in reply["text"]
        [receipt] = await youth.say(QUESTION)
        assert "ST2023-0001" in receipt["text"]
        async with app.store.unit() as uow:
            [person] = (await uow.session.exec(select(Youth))).all()
        assert person.name == "Trần Văn Bình" and person.unit_code == "TRANDE"
    finally:
        await app.stop()


async def test_bad_input_over_telegram(api: FakeTelegramAPI, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        youth = TelegramUser(api, 504)
        await youth.say("/start")
        await youth.press("consent:yes")
        await youth.press("unit:TPST")
        await youth.press("name:anon")
        before = len(youth.received)
        api.push_sticker(504)
        [reply] = await youth._expect(before, 1)
        assert "nhãn dán" in reply["text"] and texts.ASK_QUESTION in reply["text"]
        before = len(youth.received)
        api.push_photo(504)
        [reply] = await youth._expect(before, 1)
        assert "hình ảnh" in reply["text"]
        [reply] = await youth.say("😀😀😀")
        assert reply["text"] == texts.QUESTION_EMPTY
        [reply] = await youth.say("x" * 4090)
        assert "4090" in reply["text"]
        await youth.say(QUESTION)
        [stale] = await youth.press("topic:ok:1")  # a button of the old confirm step
        assert stale["text"].startswith(texts.STALE_BUTTON) and youth.buttons(stale) == ["again", "mine"]
        assert len(await questions(app)) == 1
        [group] = await _group_message(api)
        assert group["text"] == texts.GROUP_CHAT
    finally:
        await app.stop()


async def _group_message(api: FakeTelegramAPI) -> list[dict]:
    api.push_text(505, "cho hỏi về vay vốn", chat_id=-1001, chat_type="supergroup")
    return await api.wait_for_messages(-1001, 1)


async def test_webhook_asks_for_telegrams_most_connections(api: FakeTelegramAPI) -> None:
    """Each worker answers a webhook request only once it is handled: 100 in flight, not Telegram's default 40."""
    from bot.channels.telegram_aiogram import AiogramChannel

    async def nothing(_msg):  # type: ignore[no-untyped-def]
        return []

    channel = AiogramChannel(TOKEN, nothing, api_base=api.base_url, mode="webhook", webhook_secret="s3cret-token")
    try:
        await channel.set_webhook("https://bot.example.vn/telegram/webhook", "s3cret-token")
        assert api.webhook_info["max_connections"] == 100
    finally:
        await channel.close()
