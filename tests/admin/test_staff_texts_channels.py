"""Staff texts through real transports: /nhap's range and /xuat's replies on Telegram, a filter error on Zalo."""

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import build_app
from bot.config import load_config
from handlers.coordination.sheets import MAX_TITLE
from handlers.settings import Person, Roles
from storage import create_all
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.admin.test_telegram_admin import ADMIN_ID, started
from tests.bot.channel_users import ZALO_TOKEN, ZaloChatUser
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import TOKEN
from tests.conftest import ROOT
from tests.fakes.zalo_api import FakeZaloAPI
from tests.support import FakeClock

CODE = re.compile(r"\b[A-Z0-9]{2,12}-\d{4,}\b")
CSV = (
    "nội dung,đơn vị\n"
    "Đề nghị tỉnh hỗ trợ vốn cho thanh niên khởi nghiệp nông nghiệp,MYTU\n"
    "Đề nghị mở thêm lớp tin học miễn phí cho đoàn viên vùng sâu,TRANDE\n"
    "Xin hỏi tỉnh có chương trình khám sức khỏe sinh sản miễn phí không,KESACH\n"
).encode()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramWithFiles]:
    async with FakeTelegramWithFiles(TOKEN) as fake:
        yield fake


async def test_import_range_filter_error_and_sheet_names_on_telegram(
    telegram: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(telegram, tmp_path / "bot.db", clock)
    try:
        admin = TelegramUser(telegram, ADMIN_ID)
        before = len(admin.received)
        telegram.push_document(ADMIN_ID, "phieu.csv", CSV, caption="/nhap")
        [done] = await admin._expect(before, 1)
        assert re.search(r"\b3 câu hỏi", done["text"])
        assert CODE.findall(done["text"]) == ["ST2023-0001", "ST2023-0003"]
        [bad] = await admin.say("/xuat chu_de=bong_da")
        assert "chu_de=bong_da" in bad["text"] and all(t.id in bad["text"] for t in app.config.topics)
        await admin.say("/xuat")
        await telegram.wait_until(lambda: any(u.filename.endswith(".xlsx") for u in telegram.uploads))
        [xlsx] = [u for u in telegram.uploads if u.filename.endswith(".xlsx")]
        names = load_workbook(io.BytesIO(xlsx.data), read_only=True).sheetnames
        assert names and all(len(n) <= MAX_TITLE for n in names)
        assert "Ngân hàng Chính sách xã hội" in names  # the bank's 42-character name, cut between words
    finally:
        await app.stop()


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloAPI]:
    async with FakeZaloAPI(ZALO_TOKEN) as fake:
        yield fake


async def test_an_invalid_export_filter_on_zalo_lists_the_unit_codes(
    zalo: FakeZaloAPI, tmp_path: Path, clock: FakeClock
) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0",
           "ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_API_BASE": zalo.base_url}
    config = load_config(ROOT / "config.yaml", env=env)
    admin = Person(name="Tỉnh đoàn", channel="zalo", chat_id="a1")
    config = config.model_copy(update={"roles": Roles(admins=(admin,))})
    app = await build_app(config, clock=clock)
    await create_all(app.store.engine)
    await app.start()
    try:
        [bad] = await ZaloChatUser(zalo, "a1").say("/xuat don_vi=XYZ")
        assert "don_vi=XYZ" in bad.text and all(u.code in bad.text for u in config.units)
        [dates] = await ZaloChatUser(zalo, "a1").say("/xuat tu=32/13/2023")
        assert "tu=32/13/2023" in dates.text and "dd/mm/yyyy" in dates.text
    finally:
        await app.stop()
