"""JsonSession (bot/channels/aiogram_session.py) sends what aiogram's own session sends, as JSON.

Each call goes through both sessions to the fake Bot API: the server must receive the same
parameters and the bot the same result; errors must come back as aiogram's own exceptions; a
call with a file must still go as a multipart form."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
)

from bot.channels.aiogram_session import JsonSession
from tests.fakes.telegram_api import FAKE_TOKEN, FakeTelegramAPI

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[
    [InlineKeyboardButton(text="Đồng ý", callback_data="consent:yes")],
    [InlineKeyboardButton(text="Không", callback_data="consent:no")]])


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


async def _bots(api: FakeTelegramAPI) -> tuple[Bot, Bot]:
    server = TelegramAPIServer.from_base(api.base_url)
    default = DefaultBotProperties(parse_mode="HTML")  # a Default value aiogram fills in per call
    return (Bot(FAKE_TOKEN, session=AiohttpSession(api=server), default=default),
            Bot(FAKE_TOKEN, session=JsonSession(api=server), default=default))


async def _calls(bot: Bot, chat: int) -> list[Any]:
    """The kinds of call the app makes, with nested objects, defaults, booleans and lists."""
    sent = await bot.send_message(chat, "Chào <b>bạn</b> — câu hỏi?", reply_markup=KEYBOARD,
                                  disable_notification=False,
                                  link_preview_options=LinkPreviewOptions(is_disabled=True))
    edited = await bot.edit_message_reply_markup(chat_id=chat, message_id=sent.message_id, reply_markup=None)
    commands = await bot.set_my_commands([BotCommand(command="cauhoi", description="Câu hỏi của mình")],
                                         scope=BotCommandScopeChat(chat_id=chat))
    updates = await bot(GetUpdates(offset=0, timeout=0, limit=5))
    return [sent.model_dump(exclude={"date"}), edited if isinstance(edited, bool) else edited.model_dump(
        exclude={"date", "edit_date"}), commands, [u.model_dump() for u in updates]]


def _params(api: FakeTelegramAPI, first: int) -> list[tuple[str, dict[str, Any]]]:
    return [(call.method, call.params) for call in api.calls[first:]]


async def test_same_parameters_and_results_as_aiogram_session(api: FakeTelegramAPI,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    form_bot, json_bot = await _bots(api)
    api.push_text(7, "xin chào")
    try:
        form_results = await _calls(form_bot, 501)
        form_params = _params(api, 0)
        first = len(api.calls)

        def no_form(*_: Any, **__: Any) -> None:
            raise AssertionError("a call without a file went as a form")

        monkeypatch.setattr(JsonSession, "build_form_data", no_form)
        json_results = await _calls(json_bot, 501)
        json_params = _params(api, first)
    finally:
        await form_bot.session.close()
        await json_bot.session.close()

    def without_ids(params: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
        return [(method, {k: v for k, v in p.items() if k != "message_id"}) for method, p in params]

    assert without_ids(json_params) == without_ids(form_params)
    assert [type(v) for _, p in json_params for v in p.values()] == [type(v) for _, p in form_params for v in p.values()]
    assert json_params[0][1]["parse_mode"] == "HTML"  # the bot's default, filled in as aiogram does
    assert json_params[0][1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "consent:yes"
    for form_result, json_result in zip(form_results, json_results):
        if isinstance(form_result, dict):
            form_result = {k: v for k, v in form_result.items() if k != "message_id"}
            json_result = {k: v for k, v in json_result.items() if k != "message_id"}
        assert json_result == form_result
    assert len(json_results[3]) == 1 and json_results[3][0]["message"]["text"] == "xin chào"


@pytest.mark.parametrize(("status", "error", "extra"), [
    (400, TelegramBadRequest, {}),
    (429, TelegramRetryAfter, {"retry_after": 3}),
    (500, TelegramServerError, {}),
])
async def test_errors_are_aiograms_own(api: FakeTelegramAPI, status: int, error: type[Exception],
                                        extra: dict[str, int]) -> None:
    _, bot = await _bots(api)
    api.fail_next("sendMessage", status, **extra)
    try:
        with pytest.raises(error) as raised:
            await bot.send_message(9, "x")
    finally:
        await bot.session.close()
    if status == 429:
        assert raised.value.retry_after == 3  # type: ignore[attr-defined]


async def test_blocked_chat_is_forbidden(api: FakeTelegramAPI) -> None:
    _, bot = await _bots(api)
    api.block_chat(11)
    try:
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(11, "x")
        assert (await bot.send_message(12, "y")).text == "y"  # the session goes on working
    finally:
        await bot.session.close()


async def test_a_file_goes_as_a_multipart_form(api: FakeTelegramAPI) -> None:
    _, bot = await _bots(api)
    try:
        sent = await bot.send_document(13, BufferedInputFile(b"a,b\n1,2\n", filename="cau_hoi.csv"),
                                       caption="Danh sách")
    finally:
        await bot.session.close()
    assert sent.document is not None and sent.caption == "Danh sách"
    assert [upload.filename for upload in api.uploads] == ["cau_hoi.csv"]


async def test_a_value_json_cannot_carry_goes_as_aiograms_form(api: FakeTelegramAPI) -> None:
    """A chat id past 64 bits (a forged update): orjson cannot write it, so aiogram's form carries
    it, and the answer (also past 64 bits) is read as aiogram reads it: the same outcome both ways."""
    form_bot, json_bot = await _bots(api)
    outcomes: list[object] = []
    try:
        for bot in (form_bot, json_bot):
            try:
                outcomes.append((await bot.send_message(10**20, "x")).chat.id)
            except Exception as error:  # noqa: BLE001 - whatever aiogram's own session does, ours must too
                outcomes.append(type(error))
    finally:
        await form_bot.session.close()
        await json_bot.session.close()
    assert outcomes[0] == outcomes[1] == 10**20
    assert [call.params["chat_id"] for call in api.calls_to("sendMessage")] == [10**20, 10**20]


async def test_send_checks_success_and_raises_aiograms_errors_without_reading_the_result(
        api: FakeTelegramAPI) -> None:
    """`send` (for calls whose result is not read) reaches the server with the same parameters
    and fails as aiogram fails."""
    from aiogram.methods import SendMessage

    _, bot = await _bots(api)
    session = bot.session
    assert isinstance(session, JsonSession)
    try:
        assert await session.send(bot, SendMessage(chat_id=21, text="Chào bạn", reply_markup=KEYBOARD)) is None
        [sent] = api.sent_messages(21)
        assert sent["text"] == "Chào bạn" and sent["reply_markup"]["inline_keyboard"][1][0]["text"] == "Không"
        api.fail_next("sendMessage", 429, retry_after=2)
        with pytest.raises(TelegramRetryAfter):
            await session.send(bot, SendMessage(chat_id=21, text="x"))
        api.block_chat(22)
        with pytest.raises(TelegramForbiddenError):
            await session.send(bot, SendMessage(chat_id=22, text="x"))
    finally:
        await bot.session.close()
