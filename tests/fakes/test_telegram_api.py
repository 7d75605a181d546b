"""The fake Bot API behaves like Telegram for the real aiogram and PTB clients."""

import asyncio
import datetime
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram
import telegram.error
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from tests.fakes.telegram_api import FAKE_TOKEN, FakeTelegramAPI

USER_A = 1001
USER_B = 1002


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeTelegramAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
    aiogram_bot = Bot(FAKE_TOKEN, session=session)
    yield aiogram_bot
    await aiogram_bot.session.close()


@pytest.fixture
async def ptb_bot(api: FakeTelegramAPI) -> AsyncIterator[telegram.Bot]:
    ptb = telegram.Bot(
        FAKE_TOKEN, base_url=f"{api.base_url}/bot", base_file_url=f"{api.base_url}/file/bot"
    )
    async with ptb:
        yield ptb


def keyboard(*data: str) -> InlineKeyboardMarkup:
    buttons = [[InlineKeyboardButton(text=item, callback_data=item)] for item in data]
    return InlineKeyboardMarkup(inline_keyboard=buttons)


async def raw_post(
    api: FakeTelegramAPI, method: str, **kwargs: object
) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        url = f"{api.base_url}/bot{FAKE_TOKEN}/{method}"
        async with session.post(url, **kwargs) as response:  # type: ignore[arg-type]
            return response.status, await response.json()


# --- aiogram ------------------------------------------------------------------------


async def test_base_url_is_loopback_with_ephemeral_port(api: FakeTelegramAPI) -> None:
    assert api.base_url.startswith("http://127.0.0.1:")
    assert int(api.base_url.rsplit(":", 1)[1]) > 0


async def test_aiogram_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.id == bot.id
    assert me.username == "doithoai_test_bot"


async def test_aiogram_send_message_records_inline_keyboard(api: FakeTelegramAPI, bot: Bot) -> None:
    message = await bot.send_message(USER_A, "Chọn chủ đề", reply_markup=keyboard("topic:1"))
    assert message.chat.id == USER_A and message.from_user and message.from_user.is_bot
    assert (
        message.reply_markup
        and message.reply_markup.inline_keyboard[0][0].callback_data == "topic:1"
    )
    [sent] = api.sent_messages(USER_A)
    assert sent["text"] == "Chọn chủ đề" and sent["message_id"] == message.message_id
    assert sent["reply_markup"] == {
        "inline_keyboard": [[{"text": "topic:1", "callback_data": "topic:1"}]]
    }


async def test_reply_keyboard_is_recorded_but_not_echoed(api: FakeTelegramAPI, bot: Bot) -> None:
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Đồng ý")]], resize_keyboard=True)
    message = await bot.send_message(USER_A, "Bạn có đồng ý?", reply_markup=markup)
    assert message.reply_markup is None  # Telegram only echoes inline keyboards
    assert api.sent_messages(USER_A)[0]["reply_markup"]["keyboard"] == [[{"text": "Đồng ý"}]]


async def test_get_updates_returns_pushed_updates_and_offset_confirms(
    api: FakeTelegramAPI, bot: Bot
) -> None:
    first = api.push_text(USER_A, "xin chào")
    second = api.push_command(USER_B, "start", "ref_abc")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first, second]
    assert updates[1].message and updates[1].message.text == "/start ref_abc"
    assert updates[1].message.entities and updates[1].message.entities[0].type == "bot_command"
    assert len(api.pending_updates()) == 2  # handed out but not yet confirmed
    assert await bot.get_updates(offset=second + 1) == []
    assert api.pending_updates() == []
    await api.wait_drained(timeout=1)


async def test_get_updates_limit(api: FakeTelegramAPI, bot: Bot) -> None:
    ids = [api.push_text(USER_A, f"m{i}") for i in range(5)]
    updates = await bot.get_updates(limit=2)
    assert [u.update_id for u in updates] == ids[:2]
    updates = await bot.get_updates(offset=ids[1] + 1, limit=10)
    assert [u.update_id for u in updates] == ids[2:]


async def test_long_poll_returns_as_soon_as_an_update_is_pushed(
    api: FakeTelegramAPI, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await api.wait_until(lambda: any(c.status is None for c in api.calls_to("getUpdates")), 2)
    started = time.monotonic()
    update_id = api.push_text(USER_A, "đang chờ")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [update_id]
    assert time.monotonic() - started < 1.0


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    assert await bot.get_updates(timeout=1) == []


async def test_redelivered_update_keeps_its_id(api: FakeTelegramAPI, bot: Bot) -> None:
    update_id = api.push_text(USER_A, "câu hỏi")
    await bot.get_updates()
    assert await bot.get_updates(offset=update_id + 1) == []
    api.redeliver(update_id)
    again = await bot.get_updates(offset=update_id + 1)
    assert [u.update_id for u in again] == [update_id]
    assert again[0].message and again[0].message.text == "câu hỏi"
    assert await bot.get_updates(offset=update_id + 1) == []


async def test_aiogram_retry_after_on_injected_429(api: FakeTelegramAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER_A, "lần 1")
    assert caught.value.retry_after == 7
    await bot.send_message(USER_A, "lần 2")
    assert [m["text"] for m in api.sent_messages(USER_A)] == ["lần 2"]
    assert [c.status for c in api.calls_to("sendmessage")] == [429, 200]


async def test_aiogram_forbidden_for_blocked_chat(api: FakeTelegramAPI, bot: Bot) -> None:
    api.block_chat(USER_A)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER_A, "chào")
    await bot.send_message(USER_B, "chào")
    assert api.sent_messages(USER_A) == []
    assert api.send_counts() == {USER_B: 1}


async def test_aiogram_server_error_on_500(api: FakeTelegramAPI, bot: Bot) -> None:
    api.fail_next("sendmessage", 500, count=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(USER_A, "x")
    await bot.send_message(USER_A, "x")
    assert api.send_counts() == {USER_A: 1}


async def test_aiogram_bad_requests(api: FakeTelegramAPI, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER_A, "a" * 4097)
    await bot.send_message(USER_A, "a" * 4096)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER_A, "x", reply_markup=keyboard("đ" * 33))
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER_A, "1 < 2", parse_mode="HTML")
    await bot.send_message(USER_A, "<b>1 &lt; 2</b>", parse_mode="HTML")
    assert api.send_counts() == {USER_A: 2}


async def test_raw_errors_have_telegram_shape(api: FakeTelegramAPI) -> None:
    status, body = await raw_post(api, "noSuchMethod", json={})
    assert (status, body) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    status, body = await raw_post(api, "sendMessage", json={"text": "x"})
    assert status == 400 and body["description"] == "Bad Request: chat_id is empty"
    status, body = await raw_post(api, "sendMessage", data={"chat_id": "5"})
    assert status == 400 and body["description"] == "Bad Request: message text is empty"
    status, body = await raw_post(api, "SENDMESSAGE", data={"chat_id": "5", "text": "123"})
    assert status == 200 and body["result"]["text"] == "123" and body["result"]["chat"]["id"] == 5


async def test_fail_ratio_is_deterministic_for_a_seed(api: FakeTelegramAPI, bot: Bot) -> None:
    async def outcomes() -> list[int]:
        api.fail_ratio(0.5, seed=3)
        results = []
        for i in range(20):
            try:
                await bot.send_message(USER_A, f"m{i}")
                results.append(200)
            except (TelegramRetryAfter, TelegramServerError) as error:
                results.append(429 if isinstance(error, TelegramRetryAfter) else 500)
        return results

    first, second = await outcomes(), await outcomes()
    assert first == second
    assert 200 in first and 429 in first and 500 in first
    api.fail_ratio(0)
    await bot.send_message(USER_A, "ok")


async def test_send_document_multipart(api: FakeTelegramAPI, bot: Bot) -> None:
    file = BufferedInputFile(b"cau,hoi\n1,2\n", filename="bao_cao.csv")
    message = await bot.send_document(USER_A, file, caption="Báo cáo")
    assert message.document and message.document.file_name == "bao_cao.csv"
    assert message.caption == "Báo cáo"
    [upload] = api.uploads
    assert upload.data == b"cau,hoi\n1,2\n" and upload.filename == "bao_cao.csv"
    photo = await bot.send_photo(USER_A, BufferedInputFile(b"\x89PNG", filename="a.png"))
    assert photo.photo
    assert len(api.sent_messages(USER_A)) == 2


async def test_callback_edit_delete_and_chat_action(api: FakeTelegramAPI, bot: Bot) -> None:
    sent = await bot.send_message(USER_A, "Chọn", reply_markup=keyboard("a", "b"))
    await bot.send_chat_action(USER_A, "typing")
    api.push_callback(USER_A, "b")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert (
        query
        and query.data == "b"
        and query.message
        and query.message.message_id == sent.message_id
    )
    assert await bot.answer_callback_query(query.id, text="Đã chọn")
    assert api.callback_answers[query.id] == {"callback_query_id": query.id, "text": "Đã chọn"}
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("nope")
    edited = await bot.edit_message_text("Đã chọn b", chat_id=USER_A, message_id=sent.message_id)
    assert (
        isinstance(edited, Message) and edited.text == "Đã chọn b" and edited.reply_markup is None
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Đã chọn b", chat_id=USER_A, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=USER_A, message_id=sent.message_id, reply_markup=keyboard("c")
    )
    current = api.message(USER_A, sent.message_id)
    assert current and current["reply_markup"] == keyboard("c").model_dump(exclude_none=True)
    assert await bot.delete_message(USER_A, sent.message_id)
    assert api.message(USER_A, sent.message_id) is None
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER_A, sent.message_id)
    assert api.sent_messages(USER_A)[0]["text"] == "Chọn"  # the record keeps what was sent


async def test_other_update_kinds(api: FakeTelegramAPI, bot: Bot) -> None:
    api.push_sticker(USER_A)
    api.push_photo(USER_A, caption="ảnh")
    api.push_voice(USER_A)
    text_id = api.push_text(USER_A, "cũ")
    message_id = api.pending_updates()[-1]["message"]["message_id"]
    api.push_edited_text(USER_A, message_id, "mới")
    api.push_text(USER_B, "nhóm", chat_id=-1001234, chat_type="supergroup")
    api.push_raw({"my_chat_member": None, "update_id": text_id + 100})
    updates = await bot.get_updates()
    assert updates[0].message and updates[0].message.sticker
    assert updates[1].message and updates[1].message.photo and updates[1].message.caption == "ảnh"
    assert updates[2].message and updates[2].message.voice
    edited = updates[4].edited_message
    assert edited and edited.text == "mới" and edited.message_id == message_id and edited.edit_date
    group = updates[5].message
    assert group and group.chat.type == "supergroup" and group.chat.id == -1001234
    assert updates[6].update_id == text_id + 100


async def test_commands_and_webhook_methods(api: FakeTelegramAPI, bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Bắt đầu"),
        BotCommand(command="hoi", description="Đặt câu hỏi"),
    ]
    assert await bot.set_my_commands(commands)
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Bắt đầu"),
        ("hoi", "Đặt câu hỏi"),
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    assert await bot.set_webhook("https://example.invalid/hook", secret_token="s3cret")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.invalid/hook" and info.pending_update_count == 0
    with pytest.raises(Exception, match="webhook is active"):
        await bot.get_updates()
    api.push_text(USER_A, "x")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert api.pending_updates() == []
    assert await bot.close() and await bot.log_out()


# --- python-telegram-bot ---------------------------------------------------------------


async def test_ptb_get_me_and_send_message(api: FakeTelegramAPI, ptb_bot: telegram.Bot) -> None:
    me = await ptb_bot.get_me()
    assert me.is_bot and me.username == "doithoai_test_bot"
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Có", callback_data="yes")]]
    )
    message = await ptb_bot.send_message(USER_A, "Xin chào bạn", reply_markup=markup)
    assert message.text == "Xin chào bạn" and message.chat.id == USER_A
    assert message.reply_markup == markup
    [sent] = api.sent_messages(USER_A)
    assert sent["reply_markup"] == {"inline_keyboard": [[{"text": "Có", "callback_data": "yes"}]]}


async def test_ptb_retry_after_and_forbidden(
    api: FakeTelegramAPI, ptb_bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # opt in to PTB's future timedelta retry_after
    api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await ptb_bot.send_message(USER_A, "x")
    assert caught.value.retry_after == datetime.timedelta(seconds=3)
    api.block_chat(USER_B)
    with pytest.raises(telegram.error.Forbidden):
        await ptb_bot.send_message(USER_B, "x")
    assert api.sent_messages() == []


async def test_ptb_get_updates(api: FakeTelegramAPI, ptb_bot: telegram.Bot) -> None:
    update_id = api.push_command(USER_A, "start")
    api.push_callback(USER_A, "yes")
    updates = await ptb_bot.get_updates(timeout=1)
    assert updates[0].update_id == update_id and updates[0].message
    assert updates[0].message.text == "/start"
    assert updates[1].callback_query and updates[1].callback_query.data == "yes"


# --- a dispatcher end to end ------------------------------------------------------------


async def test_aiogram_dispatcher_polling_echo(api: FakeTelegramAPI, bot: Bot) -> None:
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10)
    )
    api.push_text(USER_A, "một")
    api.push_text(USER_B, "hai")
    api.push_text(USER_A, "ba")
    replies_a = await api.wait_for_messages(USER_A, 2)
    replies_b = await api.wait_for_messages(USER_B, 1)
    assert [m["text"] for m in replies_a] == ["echo: một", "echo: ba"]
    assert [m["text"] for m in replies_b] == ["echo: hai"]
    await dispatcher.stop_polling()
    await asyncio.wait_for(polling, 5)
    api.assert_no_duplicates()


async def test_wait_for_messages_explains_a_timeout(api: FakeTelegramAPI, bot: Bot) -> None:
    await bot.send_message(USER_A, "chỉ một")
    with pytest.raises(AssertionError, match="got 1 of 2 messages.*chỉ một"):
        await api.wait_for_messages(USER_A, 2, timeout=0.2)


async def test_duplicate_detection(api: FakeTelegramAPI, bot: Bot) -> None:
    await bot.send_message(USER_A, "Đã nhận câu hỏi")
    await bot.send_message(USER_A, "Đã nhận câu hỏi")
    assert api.duplicate_sends() == {(USER_A, "Đã nhận câu hỏi"): 2}
    with pytest.raises(AssertionError, match="duplicate sends"):
        api.assert_no_duplicates()


# --- rate limits ---------------------------------------------------------------------------


async def test_rate_limit_per_chat_and_global(api: FakeTelegramAPI, bot: Bot) -> None:
    api.set_rate_limit(global_per_second=3, per_chat_per_second=1)
    await bot.send_message(USER_A, "1")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER_A, "2")
    assert caught.value.retry_after == 1
    await bot.send_message(USER_B, "1")
    await bot.send_message(3, "1")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(4, "1")  # fourth send within one second
    assert api.send_counts() == {USER_A: 1, USER_B: 1, 3: 1}
    api.set_rate_limit()
    await bot.send_message(USER_A, "2")
    assert [m["text"] for m in api.sent_messages(USER_A)] == ["1", "2"]


# --- webhook delivery ------------------------------------------------------------------------


async def test_webhook_delivery_retries_until_2xx(api: FakeTelegramAPI) -> None:
    received: list[tuple[int, str | None]] = []

    async def receiver(request: web.Request) -> web.Response:
        update = await request.json()
        received.append(
            (update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response(status=500 if len(received) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", receiver)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        update_id = api.push_text(USER_A, "qua webhook")
        await api.deliver_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        await api.wait_drained(timeout=5)
        second_id = api.push_text(USER_B, "tiếp")
        await api.wait_drained(timeout=5)
    finally:
        await api.stop_webhook()
        await runner.cleanup()
    assert received == [(update_id, "s3cret"), (update_id, "s3cret"), (second_id, "s3cret")]
    assert [(a.update_id, a.attempt, a.status) for a in api.webhook_attempts] == [
        (update_id, 1, 500),
        (update_id, 2, 200),
        (second_id, 1, 200),
    ]


async def test_webhook_reply_method_is_executed(api: FakeTelegramAPI) -> None:
    async def receiver(request: web.Request) -> web.Response:
        update = await request.json()
        chat_id = update["message"]["chat"]["id"]
        return web.json_response({"method": "sendMessage", "chat_id": chat_id, "text": "đã nhận"})

    app = web.Application()
    app.router.add_post("/hook", receiver)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        api.push_text(USER_A, "xin chào")
        await api.deliver_webhook(f"http://127.0.0.1:{port}/hook")
        replies = await api.wait_for_messages(USER_A, 1)
    finally:
        await api.stop_webhook()
        await runner.cleanup()
    assert replies[0]["text"] == "đã nhận"


async def test_aiogram_webhook_handler_multipart_reply(api: FakeTelegramAPI, bot: Bot) -> None:
    router = Router()

    @router.message(F.text)
    async def reply_in_webhook_answer(message: Message) -> object:
        return message.answer(f"echo: {message.text}")  # a method returned, not awaited

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token="s3cret").register(app, path="/hook")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        api.push_text(USER_A, "một")
        await api.deliver_webhook(f"http://127.0.0.1:{port}/hook", secret_token="wrong")
        await api.wait_until(lambda: len(api.webhook_attempts) >= 2, 5)
        await api.stop_webhook()
        assert {a.status for a in api.webhook_attempts} == {401}
        await api.deliver_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        replies = await api.wait_for_messages(USER_A, 1)
    finally:
        await api.stop_webhook()
        await runner.cleanup()
    assert replies[0]["text"] == "echo: một"
    assert api.webhook_attempts[-1].status == 200


async def test_ptb_application_polling_echo(api: FakeTelegramAPI) -> None:
    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message
        await update.effective_message.reply_text(f"start {context.args}")

    async def echo(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    application = (
        Application.builder()
        .token(FAKE_TOKEN)
        .base_url(f"{api.base_url}/bot")
        .base_file_url(f"{api.base_url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        assert application.updater
        await application.updater.start_polling(poll_interval=0, timeout=10)
        api.push_command(USER_A, "start", "ref_1")
        api.push_text(USER_A, "một")
        api.push_text(USER_B, "hai")
        replies = await api.wait_for_messages(USER_A, 2)
        await api.wait_for_messages(USER_B, 1)
        await application.updater.stop()
        await application.stop()
    assert [m["text"] for m in replies] == ["start ['ref_1']", "echo: một"]
    await api.wait_drained(timeout=1)


async def test_stop_answers_a_pending_long_poll() -> None:
    fake = FakeTelegramAPI()
    await fake.start()
    other = Bot(FAKE_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)))
    try:
        poll = asyncio.create_task(other.get_updates(timeout=30))
        await fake.wait_until(lambda: bool(fake.calls), 2)
        started = time.monotonic()
        await fake.stop()
        assert await asyncio.wait_for(poll, 2) == []
        assert time.monotonic() - started < 1.5
    finally:
        await other.session.close()


async def test_token_is_checked_when_given() -> None:
    async with FakeTelegramAPI(token=FAKE_TOKEN) as fake:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{fake.base_url}/bot1:wrong/getMe") as response:
                assert response.status == 401
                assert (await response.json())["description"] == "Unauthorized"
