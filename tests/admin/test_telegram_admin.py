"""Staff over the real aiogram client against the fake Bot API: answers reach the youth, menus, imports."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App, build_app
from handlers.admin import texts
from handlers.settings import Person, Roles
from storage import Question, create_all
from storage.models_admin import Answer
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import QUESTION, TOKEN, app_config
from tests.support import FakeClock

ADMIN_ID, COORDINATOR_ID, YOUTH_ID = 9001, 9002, 501


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramWithFiles]:
    async with FakeTelegramWithFiles(TOKEN) as fake:
        yield fake


async def started(api: FakeTelegramWithFiles, db: Path, clock: FakeClock) -> App:
    roles = Roles(
        admins=(Person(name="Tỉnh đoàn", channel="telegram", chat_id=str(ADMIN_ID)),),
        coordinators=(Person(name="Sở KH&ĐT", channel="telegram", chat_id=str(COORDINATOR_ID), scope=("khoi_nghiep",)),),
    )
    config = app_config(api, db).model_copy(update={"roles": roles})
    app = await build_app(config, clock=clock)
    await create_all(app.store.engine)  # until the lead regenerates the migration with the admin tables
    await app.start()
    return app


async def youth_asks(youth: TelegramUser) -> None:
    await youth.say("/start")
    await youth.press("consent:yes")
    await youth.press("unit:MYXUYEN")
    await youth.press("name:anon")
    await youth.say(QUESTION)  # stored at once


async def test_the_answer_reaches_the_youth_on_telegram_and_is_rated(
    api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        youth, coordinator = TelegramUser(api, YOUTH_ID), TelegramUser(api, COORDINATOR_ID)
        await youth_asks(youth)
        await coordinator.say("/tra_loi ST2023-0001")
        before = len(youth.received)
        [done] = await coordinator.say("Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH.")
        assert "Đã lưu câu trả lời" in done["text"]
        [answer_message] = await youth._expect(before, 1)
        assert "gói vay ưu đãi" in answer_message["text"]
        [rate_good, _bad] = youth.buttons(answer_message)
        [thanks] = await youth.press(rate_good)
        assert thanks["text"] == texts.RATING_THANKS
        async with app.store.unit() as uow:
            [answer] = (await uow.session.exec(select(Answer))).all()
            [question] = (await uow.session.exec(select(Question))).all()
        assert answer.rating == "good" and question.status == "answered"
        # A youth typing a staff command gets the polite refusal, nothing else.
        [refusal] = await youth.say("/thongke")
        assert refusal["text"] == texts.FORBIDDEN
    finally:
        await app.stop()


async def test_a_blocked_youth_keeps_the_answer_for_cauhoi(api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        youth, admin = TelegramUser(api, YOUTH_ID), TelegramUser(api, ADMIN_ID)
        await youth_asks(youth)
        api.block_chat(YOUTH_ID)  # the youth blocked the bot: 403
        await admin.say("/tra_loi ST2023-0001")
        [done] = await admin.say("Câu trả lời của Sở.")
        assert "Đã lưu câu trả lời" in done["text"]
        api.unblock_chat(YOUTH_ID)
        [mine] = await youth.say("/cauhoi")
        assert "Câu trả lời của Sở." in mine["text"]
    finally:
        await app.stop()


async def test_menus_are_published_per_role(api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        await api.wait_until(lambda: len(api.commands) >= 3)
        by_scope = {key.split("|")[0]: [c["command"] for c in commands] for key, commands in api.commands.items()}
        default = next(v for k, v in by_scope.items() if "default" in k)
        admin = next(v for k, v in by_scope.items() if str(ADMIN_ID) in k)
        coordinator = next(v for k, v in by_scope.items() if str(COORDINATOR_ID) in k)
        assert default == ["start", "cauhoi", "huy", "xoa", "trogiup"]
        assert "nhap" in admin and "thongbao" in admin
        assert "tra_loi" in coordinator and "nhap" not in coordinator
    finally:
        await app.stop()


async def test_a_granted_or_revoked_role_changes_that_chats_menu(
    api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    admin = TelegramUser(api, ADMIN_ID)
    newcomer = 9010

    def menu_of(chat_id: int) -> list[str] | None:
        found = [commands for key, commands in api.commands.items() if f"('chat_id', {chat_id})" in key]
        return [c["command"] for c in found[-1]] if found else None

    try:
        await api.wait_until(lambda: len(api.commands) >= 3)
        assert menu_of(newcomer) is None
        await admin.say(f"/cap_quyen telegram:{newcomer} coordinator suc_khoe Sở Y tế")
        await api.wait_until(lambda: menu_of(newcomer) is not None)
        assert "tra_loi" in menu_of(newcomer) and "nhap" not in menu_of(newcomer)
        await admin.say(f"/thu_quyen telegram:{newcomer}")
        await api.wait_until(lambda: "tra_loi" not in (menu_of(newcomer) or []))
        assert menu_of(newcomer) == ["start", "cauhoi", "huy", "xoa", "trogiup"]
    finally:
        await app.stop()


async def test_an_admin_granted_in_a_local_campaign_gets_no_province_only_command(
    api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock
) -> None:
    app = await started(api, tmp_path / "bot.db", clock)
    admin = TelegramUser(api, ADMIN_ID)
    local_admin, province_admin = 9020, 9021

    def menu_of(chat_id: int) -> list[str] | None:
        found = [commands for key, commands in api.commands.items() if f"('chat_id', {chat_id})" in key]
        return [c["command"] for c in found[-1]] if found else None

    try:
        await api.wait_until(lambda: len(api.commands) >= 3)
        await admin.say(f"/cap_quyen telegram:{province_admin} admin Văn phòng Tỉnh đoàn")
        await api.wait_until(lambda: menu_of(province_admin) is not None)
        assert "tao_chien_dich" in menu_of(province_admin)
        await admin.say('/tao_chien_dich ma=phuong1 ten="Đối thoại phường 1" ngay=20/06/2023 han=10 tien_to=P1')
        await admin.say("/chien_dich phuong1")
        await admin.say(f"/cap_quyen telegram:{local_admin} admin Đoàn phường 1")
        await api.wait_until(lambda: menu_of(local_admin) is not None)
        assert "thongbao" in menu_of(local_admin) and "tao_chien_dich" not in menu_of(local_admin)
    finally:
        await app.stop()


@pytest.mark.parametrize("library", ["aiogram", "ptb"])
async def test_an_admin_imports_a_csv_sent_as_a_document(
    api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock, library: str
) -> None:
    api.library = library  # type: ignore[attr-defined]  # read by app_config
    app = await started(api, tmp_path / "bot.db", clock)
    try:
        admin = TelegramUser(api, ADMIN_ID)
        csv = "nội dung,đơn vị\nĐề nghị tỉnh hỗ trợ vốn cho thanh niên khởi nghiệp nông nghiệp,MYTU\n".encode()
        before = len(admin.received)
        api.push_document(ADMIN_ID, "phieu.csv", csv, caption="/nhap")
        [done] = await admin._expect(before, 1)
        assert "Đã nhập 1 câu hỏi" in done["text"]
        # A youth's document is never downloaded.
        youth = TelegramUser(api, YOUTH_ID)
        await youth.say("/start")
        before = len(youth.received)
        api.push_document(YOUTH_ID, "x.csv", csv, caption="/nhap")
        await youth._expect(before, 1)
        assert [c.params.get("file_id") for c in api.calls_to("getFile")] == ["doc1"]
    finally:
        await app.stop()
