"""The minimal intake bot: doithoai's conversation with its Bot API calls and nothing else.

The anchor `bench/pipeline.py` compares doithoai against. The same steps with the same buttons
(notice with Đồng ý / Không đồng ý / Xem chi tiết → the shipped config's 16 unit buttons → «Ẩn danh» → the question prompt → the
receipt with its reminder, «Đổi chủ đề», «Gửi câu hỏi khác» and «Câu hỏi của mình» → the list),
one message per step, and on every press an answerCallbackQuery and the removal of the pressed
keyboard while the next step is sent, as bot/channels/telegram_aiogram.py does. Its messages are
about as long as doithoai's. State lives in a dict; nothing is stored, tagged or checked.
"""

import asyncio
import os
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

UNITS = {"TPST": "Thành phố Sóc Trăng", "CHAUTHANH": "Huyện Châu Thành", "KESACH": "Huyện Kế Sách",
         "MYTU": "Huyện Mỹ Tú", "CULAODUNG": "Huyện Cù Lao Dung", "LONGPHU": "Huyện Long Phú",
         "MYXUYEN": "Huyện Mỹ Xuyên", "NGANAM": "Thị xã Ngã Năm", "THANHTRI": "Huyện Thạnh Trị",
         "VINHCHAU": "Thị xã Vĩnh Châu", "TRANDE": "Huyện Trần Đề",
         "DOANKHOI": "Đoàn Khối các cơ quan và doanh nghiệp tỉnh", "CONGAN": "Công an tỉnh",
         "QUANSU": "Bộ Chỉ huy Quân sự tỉnh", "BIENPHONG": "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "KHAC": "Khác"}
# doithoai's notice is 1,255 characters (the campaign, the bot's nature and the privacy terms).
NOTICE = ("Xin chào bạn! Đây là kênh tiếp nhận câu hỏi của thanh niên cho buổi đối thoại. "
          + "Chúng tôi lưu mã tài khoản, đơn vị, tên nếu bạn muốn ghi và nội dung câu hỏi. " * 15)[:1255]
UNIT_ASK = "Bạn thuộc đơn vị nào? Hãy chọn một đơn vị bên dưới."
NAME_ASK = ("Đơn vị của bạn: {unit}.\n\nBạn muốn ghi tên của mình kèm câu hỏi không? Hãy nhập họ tên, "
            "hoặc bấm «Ẩn danh» nếu không muốn ghi tên.")
QUESTION_ASK = ("Câu hỏi của bạn sẽ được gửi ẩn danh.\n\nMời bạn nhập câu hỏi hoặc kiến nghị gửi lãnh đạo "
                "tỉnh (một câu hỏi mỗi lần). Bạn có thể gõ có dấu hoặc không dấu.")
RECEIPT = ("✅ Mình đã nhận câu hỏi của bạn.\nMã câu hỏi: ST2027-{number:04d}\nChủ đề: Khởi nghiệp\n"
           "Bạn giữ mã này để theo dõi. Nếu chủ đề chưa đúng, bạn chọn «Đổi chủ đề».\n\n"
           "Bạn có muốn nhận tin nhắc trước hạn gửi câu hỏi (hết ngày 16/12/2026) không?")
MINE = "Các câu hỏi của bạn (1):\n• ST2027-{number:04d} — đã tiếp nhận\n  {question}\n  Công khai: không"
NOT_NOW = "Nút này đã hết hiệu lực."


def markup(*rows: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d) for t, d in row]
                                                 for row in rows])


CONSENT = markup((("✅ Đồng ý", "consent:yes"), ("Không đồng ý", "consent:no")), (("Xem chi tiết", "notice:full"),))
UNIT_BUTTONS = markup(*(tuple((name, f"unit:{code}") for code, name in list(UNITS.items())[i:i + 2])
                        for i in range(0, len(UNITS), 2)))
ANONYMOUS = markup((("Ẩn danh", "name:anon"),))


def receipt_buttons(number: int) -> InlineKeyboardMarkup:
    """The receipt's keyboard: reminder opt-in, topic change, publication consent, then the next actions."""
    return markup((("🔔 Có", "remind:yes"), ("Không", "remind:no")), (("Đổi chủ đề", f"retopic:{number}"),),
                  (("Cho phép công khai câu hỏi, không kèm tên", f"public:{number}:on"),),
                  (("✍️ Gửi câu hỏi khác", "again"), ("📋 Câu hỏi của mình", "mine")))


def mine_buttons(number: int) -> InlineKeyboardMarkup:
    """/cauhoi's keyboard: the question's publication toggle."""
    return markup(((f"Cho phép công khai ST2027-{number:04d}", f"public:{number}:on"),))


class Intake:
    """The conversation, one dict entry per chat."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.chats: dict[int, dict[str, Any]] = {}
        self.questions = 0

    async def on_message(self, message: Message) -> None:
        chat = message.chat.id
        state = self.chats.get(chat)
        if message.text == "/start" or state is None:
            self.chats[chat] = {"step": "notice"}
            await self.bot.send_message(chat, NOTICE, reply_markup=CONSENT)
        elif state["step"] == "question":
            self.questions += 1
            state.update(step="idle", number=self.questions, question=message.text or "")
            await self.bot.send_message(chat, RECEIPT.format(number=self.questions),
                                        reply_markup=receipt_buttons(self.questions))
        else:
            await self.bot.send_message(chat, NOT_NOW)

    async def on_press(self, callback: CallbackQuery) -> None:
        await asyncio.gather(self.settle(callback), self.step(callback.from_user.id, callback.data or ""))

    async def settle(self, callback: CallbackQuery) -> None:
        """Stop the spinner and remove the pressed keyboard, as doithoai does."""
        try:  # cosmetic: the bench may stop the fake API while the last ones are in flight
            await callback.answer()
            if isinstance(callback.message, Message) and callback.message.reply_markup:
                await callback.message.edit_reply_markup(reply_markup=None)
        except TelegramAPIError:
            pass

    async def step(self, chat: int, data: str) -> None:
        state = self.chats.setdefault(chat, {"step": "notice"})
        kind, _, value = data.partition(":")
        if kind == "consent" and state["step"] == "notice":
            state["step"] = "unit"
            await self.bot.send_message(chat, UNIT_ASK, reply_markup=UNIT_BUTTONS)
        elif kind == "unit" and state["step"] == "unit" and value in UNITS:
            state.update(step="name", unit=value)
            await self.bot.send_message(chat, NAME_ASK.format(unit=UNITS[value]), reply_markup=ANONYMOUS)
        elif kind == "name" and state["step"] == "name":
            state["step"] = "question"
            await self.bot.send_message(chat, QUESTION_ASK)
        elif kind == "mine" and "number" in state:
            await self.bot.send_message(chat, MINE.format(number=state["number"], question=state["question"]),
                                        reply_markup=mine_buttons(state["number"]))
        else:
            await self.bot.send_message(chat, NOT_NOW)


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    intake = Intake(bot)
    router = Router()
    router.message.register(intake.on_message)
    router.callback_query.register(intake.on_press)
    dp = Dispatcher()
    dp.include_router(router)
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
