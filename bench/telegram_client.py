"""CPU the Telegram client costs the bot per Bot API call: aiogram's own session against ours.

The fake Bot API runs in a child process (so its CPU is not counted); this process makes the calls
an intake step makes (sendMessage with an inline keyboard, editMessageReplyMarkup on it, a plain
sendMessage), `--concurrency` at once, through aiogram's `Bot` with each session in turn, then as
the adapter makes them (`JsonSession.send`: the result not read into aiogram's types), and prints
CPU milliseconds per call (process time, this process only).

    .venv/bin/python bench/telegram_client.py --calls 6000 --rounds 3
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bot.channels.aiogram_lazy  # noqa: E402,F401 - as the app imports it: schemas built on first use
from aiogram import Bot  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from aiogram.methods import EditMessageReplyMarkup, SendMessage  # noqa: E402
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402

from bot.channels.aiogram_session import JsonSession  # noqa: E402

TOKEN = "123456789:AAFakeTokenForDoithoaiTests_0123456789"
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[
    [InlineKeyboardButton(text="Đồng ý", callback_data="consent:yes")],
    [InlineKeyboardButton(text="Không đồng ý", callback_data="consent:no")]])
TEXT = "Chào bạn! Đây là kênh gửi câu hỏi tới buổi đối thoại giữa lãnh đạo tỉnh với thanh niên."


async def serve() -> None:
    """Child: the fake Bot API until stdin closes; prints its base URL."""
    from tests.fakes.telegram_api import FakeTelegramAPI
    async with FakeTelegramAPI(TOKEN) as api:
        print(api.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def step(bot: Bot, chat: int) -> None:
    """The calls of one intake step."""
    sent = await bot.send_message(chat, TEXT, reply_markup=KEYBOARD)
    await bot.edit_message_reply_markup(chat_id=chat, message_id=sent.message_id, reply_markup=None)
    await bot.send_message(chat, TEXT)


SENT: dict[int, int] = {}  # chat → messages sent to it (step_unread's chats are its own)


async def step_unread(bot: Bot, chat: int) -> None:
    """The same calls as the adapter makes them: results not read (JsonSession.send)."""
    session = bot.session
    assert isinstance(session, JsonSession)
    await session.send(bot, SendMessage(chat_id=chat, text=TEXT, reply_markup=KEYBOARD))
    SENT[chat] = SENT.get(chat, 0) + 1  # the fake numbers each chat's messages 1, 2, …
    await session.send(bot, EditMessageReplyMarkup(chat_id=chat, message_id=SENT[chat], reply_markup=None))
    await session.send(bot, SendMessage(chat_id=chat, text=TEXT))
    SENT[chat] += 1


async def measure(session: AiohttpSession, calls: int, concurrency: int, step: Any = step) -> float:
    """CPU ms per call with `session`."""
    bot = Bot(TOKEN, session=session)
    base = 1000 if step is not step_unread else 10_000_000  # chats of its own: the fake numbers messages per chat
    steps = calls // 3
    await asyncio.gather(*(step(bot, base + n) for n in range(concurrency)))  # warm: connections, schemas
    began = time.process_time()
    for start in range(0, steps, concurrency):
        await asyncio.gather(*(step(bot, base + n) for n in range(start, min(steps, start + concurrency))))
    spent = time.process_time() - began
    await bot.session.close()
    return spent * 1000 / (steps * 3)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        await serve()
        return
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None and child.stdin is not None
    base = (await child.stdout.readline()).decode().strip()
    api = TelegramAPIServer.from_base(base)
    sessions = {"aiogram's AiohttpSession": (lambda: AiohttpSession(api=api), step),
                "JsonSession": (lambda: JsonSession(api=api), step),
                "JsonSession.send (result not read, as the adapter calls it)": (lambda: JsonSession(api=api), step_unread)}
    try:
        for _ in range(args.rounds):
            figures = [f"{name} {await measure(make(), args.calls, args.concurrency, how):.3f}"
                       for name, (make, how) in sessions.items()]
            print("CPU ms per Bot API call: " + ", ".join(figures), flush=True)
    finally:
        child.stdin.close()
        await child.wait()


if __name__ == "__main__":
    asyncio.run(main())
