"""A bare aiogram echo bot: the baseline the pipeline benchmark compares doithoai against.

With ECHO_SETTLE_PRESSES=1 it also makes the Bot API calls doithoai makes for a button press: the
reply carries a one-button keyboard, and a press is answered (answerCallbackQuery) and its keyboard
removed while the echo is sent. That is the same 2.33 calls per update as doithoai's conversation,
with no state, tagging or storage: the ceiling for doithoai's throughput with those calls.
"""

import asyncio
import os

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    router = Router()
    settle = os.environ.get("ECHO_SETTLE_PRESSES") == "1"
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]])
    markup = keyboard if settle else None

    @router.message()
    async def echo(message: Message) -> None:
        await bot.send_message(message.chat.id, message.text or "?", reply_markup=markup)

    async def settle_press(callback: CallbackQuery) -> None:
        try:  # cosmetic, as in doithoai: the bench may stop the fake API while the last ones are in flight
            await callback.answer()
            if isinstance(callback.message, Message) and callback.message.reply_markup:
                await callback.message.edit_reply_markup(reply_markup=None)
        except TelegramAPIError:
            pass

    @router.callback_query()
    async def press(callback: CallbackQuery) -> None:
        reply = bot.send_message(callback.from_user.id, callback.data or "?", reply_markup=markup)
        if settle:
            await asyncio.gather(settle_press(callback), reply)
        else:
            await reply

    dp = Dispatcher()
    dp.include_router(router)
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
