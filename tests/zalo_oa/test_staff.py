"""Staff on Zalo OA: every command answers, /nhap takes a file they send, the export is a link (OA takes no .xlsx)."""

import io
import re
from datetime import timedelta
from pathlib import Path

import aiohttp
from openpyxl import load_workbook

from bot.app import build_app
from bot.config import load_config
from handlers import texts
from handlers.admin.commands import COMMANDS
from handlers.settings import Person, Roles
from storage import create_all
from tests.bot.channel_users import OA_APP_ID, OA_APP_SECRET, OA_SECRET_KEY, ZaloOAChatUser
from tests.conftest import ROOT
from tests.fakes.zalo_oa_api import FakeZaloOA
from tests.support import FakeClock

CSV = (
    "nội dung,đơn vị\n"
    "Đề nghị tỉnh hỗ trợ vốn cho thanh niên khởi nghiệp nông nghiệp,MYTU\n"
    "Đề nghị mở thêm lớp tin học miễn phí cho đoàn viên vùng sâu,TRANDE\n"
).encode()


async def test_every_staff_command_answers_on_the_oa(tmp_path: Path, clock: FakeClock) -> None:
    async with FakeZaloOA(OA_APP_ID, OA_SECRET_KEY, OA_APP_SECRET) as oa:
        env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0", **oa.env(),
               "ZALO_OA_REFRESH_TOKEN": oa.issue_refresh_token()}
        config = load_config(ROOT / "config.yaml", env=env)
        admin = Person(name="Tỉnh đoàn", channel="zalo_oa", chat_id="admin-1")
        app = await build_app(config.model_copy(update={"roles": Roles(admins=(admin,))}), clock=clock)
        await create_all(app.store.engine)
        await app.start()
        try:
            staff = ZaloOAChatUser(oa, app, "admin-1")
            for name in COMMANDS:
                said = await staff.say(f"/{name}")
                assert said and said[0].text and said[0].text != texts.INTERNAL_ERROR, name
                await staff.say("/huy")
                clock.moment += timedelta(minutes=1)  # staff are not flooding
            await staff.say("/nhap")
            [done] = await staff.send_file("phieu.csv", CSV)
            assert "ST2023-0001" in done.text and oa.file_downloads == 1
            youth = ZaloOAChatUser(oa, app, "youth-1")
            [refused] = await youth.send_file("phieu.csv", CSV)  # nobody else's file is fetched
            assert oa.file_downloads == 1 and refused.text
            await staff.say("/xuat", expect=3)  # the count, then the .xlsx and the .csv as links (OA takes neither)
            texts_sent = [m.get("text", "") for m in oa.messages("admin-1")]
            [link] = [t for t in texts_sent if "/files/" in t and ".xlsx" in t]
            async with aiohttp.ClientSession() as http, http.get(re.findall(r"http://\S+", link)[0]) as response:
                assert response.status == 200
                sheet = load_workbook(io.BytesIO(await response.read())).worksheets[0]
            assert "khởi nghiệp nông nghiệp" in str(list(sheet.values))
        finally:
            await app.stop()
