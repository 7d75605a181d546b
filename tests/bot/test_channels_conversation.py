"""The whole conversation on every channel: aiogram and PTB against the fake Telegram Bot API,
Zalo against the fake Zalo Bot API, and the web chat through its HTTP API.

The topic assertions need the shipped tagger (`from nlp import TopicTagger`).
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import load_config
from handlers import texts
from handlers.types import Address, Reply
from storage import Question, Youth, create_all
from tests.bot.channel_users import CHANNELS, Harness, harness_for
from tests.conftest import ROOT
from tests.support import FakeClock

QUESTION = "Em muốn mở tiệm sửa xe máy mà thiếu vốn, tỉnh có chính sách cho vay ưu đãi không ạ?"
MORE = "Cụ thể là vay 50 triệu thì cần thủ tục gì ạ?"


@pytest.fixture(params=CHANNELS)
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    async with harness_for(request.param) as h:
        yield h


async def started(harness: Harness, db: Path, clock: FakeClock) -> App:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{db}", "WEB_PORT": "0", **harness.env()}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
    await create_all(app.store.engine)  # tables newer than the migrations (the lead regenerates them)
    await app.start()
    return app


async def questions(app: App) -> list[Question]:
    async with app.store.unit() as uow:
        return list((await uow.session.exec(select(Question))).all())


async def test_whole_conversation(harness: Harness, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(harness, tmp_path / "bot.db", clock)
    try:
        youth = harness.user(app)
        [notice] = await youth.say("/start")  # the greeting and the privacy notice are one message
        assert "26/05/2023" in notice.text and "còn 16 ngày" in notice.text and "/xoa" in notice.text
        assert notice.choices == (texts.BTN_CONSENT_YES, texts.BTN_CONSENT_NO, texts.BTN_NOTICE_FULL)
        [full] = await youth.choose("Xem chi tiết")  # the full notice, typed on Zalo, before consent
        assert "91/2025/QH15" in full.text and "12 tháng sau buổi đối thoại" in full.text
        assert full.choices == (texts.BTN_CONSENT_YES, texts.BTN_CONSENT_NO)
        [ask_unit] = await youth.choose("Đồng ý")
        assert "Thành phố Sóc Trăng" in ask_unit.choices
        [ask_name] = await youth.choose("Mỹ Xuyên")  # the acknowledgement rides on the next prompt
        assert "Mỹ Xuyên" in ask_name.text and texts.ASK_NAME in ask_name.text
        assert ask_name.choices == (texts.BTN_ANONYMOUS,)
        [ask_question] = await youth.choose("Ẩn danh")
        assert texts.NAME_ANONYMOUS in ask_question.text and texts.ASK_QUESTION in ask_question.text
        [receipt] = await youth.say(QUESTION)  # stored at once, no confirm step
        assert "ST2023-0001" in receipt.text and "Khởi nghiệp" in receipt.text
        assert texts.BTN_CHANGE_TOPIC in receipt.choices
        [offer] = await youth.say(MORE)  # the question's second part, sent right after
        assert offer.choices == (texts.BTN_FOLLOWUP_ADD.format(code="ST2023-0001"), texts.BTN_FOLLOWUP_NEW)
        [added] = await youth.choose("Thêm vào câu hỏi")
        assert "ST2023-0001" in added.text
        [topics] = await youth.choose(texts.BTN_CHANGE_TOPIC)
        assert "Sức khỏe" in topics.choices
        [changed] = await youth.choose("Sức khỏe")
        assert "ST2023-0001" in changed.text
        [stored] = await questions(app)
        assert (stored.code, stored.channel, stored.unit_code, stored.topic, stored.topic_source) == (
            "ST2023-0001", harness.channel, "MYXUYEN", "suc_khoe", "youth"
        )
        assert stored.text_raw == f"{QUESTION}\n{MORE}"
    finally:
        await app.stop()


async def test_restart_mid_conversation_resumes(harness: Harness, tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "bot.db"
    app = await started(harness, db, clock)
    youth = harness.user(app)
    try:
        await youth.say("/start")
        await youth.choose("Đồng ý")
        await youth.choose("Trần Đề")
    finally:
        await app.stop()
    app = await started(harness, db, clock)  # a new process: nothing kept in memory
    if hasattr(youth, "app"):
        youth.app = app  # the web user talks to the new server
    try:
        [reply] = await youth.say("Trần Văn Bình")
        assert "Trần Văn Bình" in reply.text and texts.ASK_QUESTION in reply.text
        [receipt] = await youth.say(QUESTION)
        assert "ST2023-0001" in receipt.text
        async with app.store.unit() as uow:
            [person] = (await uow.session.exec(select(Youth))).all()
        assert (person.name, person.unit_code, person.channel) == ("Trần Văn Bình", "TRANDE", harness.channel)
    finally:
        await app.stop()


async def test_bad_input(harness: Harness, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(harness, tmp_path / "bot.db", clock)
    try:
        youth = harness.user(app)
        await youth.say("/start")
        await youth.choose("Đồng ý")
        await youth.choose("Thành phố Sóc Trăng")
        await youth.choose("Ẩn danh")
        if harness.name != "web":  # the web chat only sends text
            [reply] = await youth.send_kind("sticker")
            assert "nhãn dán" in reply.text and texts.ASK_QUESTION in reply.text
            [reply] = await youth.send_kind("photo")
            assert "hình ảnh" in reply.text
        [reply] = await youth.say("😀😀😀")
        assert reply.text == texts.QUESTION_EMPTY
        [reply] = await youth.say("x" * 4090)
        assert "4090" in reply.text
        [receipt] = await youth.say(QUESTION)
        assert "ST2023-0001" in receipt.text and len(await questions(app)) == 1
    finally:
        await app.stop()


async def test_every_channel_in_one_process(tmp_path: Path, clock: FakeClock) -> None:
    async with harness_for("ptb") as telegram, harness_for("zalo") as zalo:
        env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0",
               **telegram.env(), **zalo.env()}
        app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
        await create_all(app.store.engine)
        await app.start()
        try:
            assert set(app.channels) == {"web", "telegram", "zalo"}
            on_telegram, on_zalo = telegram.user(app), zalo.user(app)
            await on_telegram.say("/start")
            await on_zalo.say("/start")
            await app.deliver(Address("telegram", "601"), Reply("Câu hỏi của bạn đã có trả lời."))
            await app.deliver(Address("zalo", "zalo-user-1"), Reply("Câu hỏi của bạn đã có trả lời."))
            assert (await on_telegram.say("/trogiup"))[0].text.startswith("Mình giúp bạn")
            assert telegram.api.sent_messages(601)[1]["text"] == "Câu hỏi của bạn đã có trả lời."
            assert zalo.api.sent_messages("zalo-user-1")[1] == "Câu hỏi của bạn đã có trả lời."
        finally:
            await app.stop()
