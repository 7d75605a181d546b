"""A bare aiogram echo bot: the baseline the pipeline benchmark compares doithoai against."""

import asyncio
import os

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await bot.send_message(message.chat.id, message.text or "?")

    @router.callback_query()
    async def press(callback: CallbackQuery) -> None:
        await bot.send_message(callback.from_user.id, callback.data or "?")

    dp = Dispatcher()
    dp.include_router(router)
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
