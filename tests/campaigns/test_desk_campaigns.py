"""The desk across two campaigns over HTTP: a local coordinator sees Kế Sách's only, a province admin
switches campaign, sees every campaign at once and creates one with «Tạo chiến dịch»."""

import re
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import AppConfig
from handlers import campaigns
from handlers.campaigns import FIELD_NAMES
from handlers.desk import texts
from handlers.settings import Campaign, Person, Roles
from storage import Question, create_all
from storage.models_admin import AuditEntry
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.bot.test_telegram_aiogram import QUESTION, app_config
from tests.campaigns.conftest import LOCAL_ADMIN, LOCAL_COORDINATOR, LOCAL_KEY
from tests.desk.conftest import ADMIN_ID, COORDINATOR_ID, api, client, csrf_of, login_link, sign_in  # noqa: F401
from tests.support import FakeClock, local

HEALTH = "Em muốn hỏi về bảo hiểm y tế cho học sinh và khám sức khỏe định kỳ ở trạm y tế xã ạ?"
LOCAL_HEALTH = "Trạm y tế thị trấn Kế Sách có khám sức khỏe định kỳ và bảo hiểm y tế cho thanh niên không ạ?"
LOCAL_YOUTH, LOCAL_LATE_YOUTH = 601, 602


@pytest.fixture
def clock() -> FakeClock:
    """Before Kế Sách's deadline (10/4/2023): both campaigns take questions on time."""
    return FakeClock(local(2023, 4, 5))


async def start_app(api: FakeTelegramWithFiles, db: Path, clock: FakeClock, campaigns: AppConfig,  # noqa: F811
                    public_url: str | None = None) -> App:
    """The whole bot with both campaigns: a province admin and coordinator on Telegram, Kế Sách's people."""
    roles = Roles(
        admins=(Person(name="Tỉnh đoàn", channel="telegram", chat_id=str(ADMIN_ID)),),
        coordinators=(Person(name="Sở KH&ĐT", channel="telegram", chat_id=str(COORDINATOR_ID), scope=("khoi_nghiep",)),),
    )
    config = app_config(api, db)
    web = config.channels.web.model_copy(update={"public_url": public_url})
    channels = config.channels.model_copy(update={"web": web})
    config = config.model_copy(update={"roles": roles, "campaigns": campaigns.campaigns, "channels": channels})
    started = await build_app(config, clock=clock)
    await create_all(started.store.engine)
    await started.start()
    return started


@pytest.fixture
async def app(api: FakeTelegramWithFiles, tmp_path: Path, clock: FakeClock, two_campaigns: AppConfig  # noqa: F811
              ) -> AsyncIterator[App]:
    started = await start_app(api, tmp_path / "bot.db", clock, two_campaigns)
    try:
        yield started
    finally:
        await started.stop()


def base(app: App) -> str:
    return f"http://127.0.0.1:{app.web_port}"


async def asks(app: App, youth: TelegramUser, text: str, campaign: str | None = None) -> list[str]:
    """The youth comes by a unit's deep link (the province's `KESACH`, or `KEY-KESACH`), consents,
    stays anonymous and asks; the receipt's buttons."""
    link = f"{campaign}-KESACH" if campaign is not None else "KESACH"
    await youth.say(f"/start {link}")  # the greeting with the notice and «Đồng ý»
    await youth.press(f"consent:yes:{link}")
    await youth.press("name:anon")
    [receipt] = await youth.say(text)
    return youth.buttons(receipt)


async def both_campaigns(app: App, api: FakeTelegramWithFiles, clock: FakeClock) -> None:  # noqa: F811
    """ST2023-0001 (a loan), ST2023-0002 (health) in the province's; KS2023-0001 (health), KS2023-0002 (late)."""
    await asks(app, TelegramUser(api, 501), QUESTION)
    await asks(app, TelegramUser(api, 502), HEALTH)
    await asks(app, TelegramUser(api, LOCAL_YOUTH), LOCAL_HEALTH, LOCAL_KEY)
    clock.advance(days=10)  # past Kế Sách's deadline, before the province's
    await asks(app, TelegramUser(api, LOCAL_LATE_YOUTH), HEALTH, LOCAL_KEY)
    async with app.store.unit() as uow:
        codes = {q.code: (q.campaign, q.topic, q.late) for q in (await uow.session.exec(select(Question))).all()}
    assert codes == {
        "ST2023-0001": ("tinh", "khoi_nghiep", False), "ST2023-0002": ("tinh", "suc_khoe", False),
        "KS2023-0001": (LOCAL_KEY, "suc_khoe", False), "KS2023-0002": (LOCAL_KEY, "suc_khoe", True),
    }


async def local_login(app: App, clock: FakeClock, person: dict[str, str] = LOCAL_COORDINATOR) -> str:  # noqa: F811
    """The link /dangnhap gives Kế Sách's people (telegram:ks-yte and zalo:ks-admin, not chats the fake Telegram has)."""
    token = secrets.token_urlsafe(32)
    async with app.store.unit() as uow:
        await uow.desk.add_login(token, person["channel"], person["chat_id"], clock.now(), clock.now() + timedelta(minutes=10))
    return f"{base(app)}/desk/login?token={token}"


def cards(html: str) -> dict[str, int]:
    return {label: int(n) for n, label in re.findall(r'<div class="card"><strong>(\d+)</strong>([^<]+)</div>', html)}


def codes_in(html: str) -> set[str]:
    return set(re.findall(r"\b(?:ST|KS)2023-\d{4}\b", html))


async def test_a_local_coordinator_sees_only_their_campaign(
    api: FakeTelegramWithFiles, app: App, clock: FakeClock  # noqa: F811
) -> None:
    await both_campaigns(app, api, clock)
    province_youth = TelegramUser(api, 502)
    async with client() as browser:
        overview = await sign_in(browser, await local_login(app, clock))
        assert cards(overview)[texts.TOTAL] == 2 and cards(overview)[texts.LATE] == 1
        assert texts.CAMPAIGN_NOW.format(name="Đối thoại giữa lãnh đạo huyện Kế Sách với thanh niên năm 2023") in overview
        assert 'name="chien_dich"' not in overview  # no switcher: one campaign is theirs
        async with browser.get(f"{base(app)}/desk/cau-hoi") as listing:
            assert codes_in(await listing.text()) == {"KS2023-0001", "KS2023-0002"}
        async with browser.get(f"{base(app)}/desk/cau-hoi", params={"q": "bao hiem y te"}) as found:
            assert codes_in(await found.text()) == {"KS2023-0001", "KS2023-0002"}  # ST2023-0002 says it too
        async with browser.get(f"{base(app)}/desk/cau-hoi/xuat.csv") as csv:
            exported = (await csv.read()).decode("utf-8-sig")
        assert "KS2023-0001" in exported and "ST2023" not in exported

        async with browser.get(f"{base(app)}/desk/cau-hoi/ST2023-0002") as other:
            body = await other.text()
            assert other.status == 404 and HEALTH not in body  # the same topic, another campaign: not there
        async with browser.get(f"{base(app)}/desk/cau-hoi/KS2023-0001") as mine:
            html = await mine.text()
            assert mine.status == 200 and LOCAL_HEALTH in html
        before = len(province_youth.received)
        async with browser.post(f"{base(app)}/desk/cau-hoi/ST2023-0002/tra-loi",
                                data={"csrf": csrf_of(html), "noi_dung": "Trả lời nhầm chiến dịch."}) as posted:
            assert posted.status == 404 and HEALTH not in await posted.text()
        for action in ("gan-chu-de", "da-xem", "cong-khai", "bo-cong-khai"):
            async with browser.post(f"{base(app)}/desk/cau-hoi/ST2023-0002/{action}",
                                    data={"csrf": csrf_of(html), "chu_de": "khac", "noi_dung_cong_khai": "x"}) as posted:
                assert posted.status == 404, action
        async with browser.get(f"{base(app)}/desk", params={"chien_dich": "tinh"}) as switched:
            assert switched.status == 403
        for path in ("/desk/chien-dich", "/desk/chien-dich/tao"):
            async with browser.get(f"{base(app)}{path}") as refused:
                assert refused.status == 403, path
        async with browser.post(f"{base(app)}/desk/chien-dich/tao", data={"csrf": csrf_of(html), "key": "moi2024"}) as refused:
            assert refused.status == 403

        local_youth = TelegramUser(api, LOCAL_YOUTH)
        count = len(local_youth.received)
        async with browser.post(f"{base(app)}/desk/cau-hoi/KS2023-0001/tra-loi",
                                data={"csrf": csrf_of(html), "noi_dung": "Trạm y tế khám miễn phí mỗi quý."}) as done:
            assert done.status == 200
        [answer] = await local_youth._expect(count, 1)
        assert "khám miễn phí" in answer["text"]
    assert len(province_youth.received) == before  # nothing reached the province's youth
    async with app.store.unit() as uow:
        refused = (await uow.session.exec(select(AuditEntry).where(AuditEntry.question_code == "ST2023-0002"))).all()
        question = (await uow.session.exec(select(Question).where(Question.code == "ST2023-0002"))).one()
    assert refused and all(not a.allowed for a in refused) and question.status != "answered"


async def test_a_province_admin_switches_campaign_and_sees_every_campaign(
    api: FakeTelegramWithFiles, app: App, clock: FakeClock  # noqa: F811
) -> None:
    await both_campaigns(app, api, clock)
    async with client() as browser:
        overview = await sign_in(browser, await login_link(api, ADMIN_ID))
        assert cards(overview)[texts.TOTAL] == 2 and cards(overview)[texts.LATE] == 0  # the province's
        assert f'<option value="{LOCAL_KEY}">' in overview and '<option value="tinh" selected>' in overview
        async with browser.get(f"{base(app)}/desk", params={"chien_dich": LOCAL_KEY}) as switched:
            html = await switched.text()
        assert cards(html)[texts.TOTAL] == 2 and cards(html)[texts.LATE] == 1
        assert f'<option value="{LOCAL_KEY}" selected>' in html
        assert f'href="/desk/cau-hoi?chien_dich={LOCAL_KEY}"' in html  # the navigation stays on Kế Sách
        assert "Xã An Mỹ" in html and "Mỹ Xuyên" not in html  # its units, not the province's
        async with browser.get(f"{base(app)}/desk/cau-hoi", params={"chien_dich": LOCAL_KEY}) as listing:
            assert codes_in(await listing.text()) == {"KS2023-0001", "KS2023-0002"}
        async with browser.get(f"{base(app)}/desk/cau-hoi") as listing:
            assert codes_in(await listing.text()) == {"ST2023-0001", "ST2023-0002"}
        async with browser.get(f"{base(app)}/desk/cau-hoi/KS2023-0002") as question:
            html = await question.text()  # a question's page is its campaign's, whatever the link said
        assert question.status == 200 and f'<option value="{LOCAL_KEY}" selected>' in html
        async with browser.get(f"{base(app)}/desk", params={"chien_dich": "khongco"}) as unknown:
            assert unknown.status == 404 and texts.CAMPAIGN_UNKNOWN in await unknown.text()

        async with browser.get(f"{base(app)}/desk/chien-dich") as page:
            campaigns = await page.text()
        assert page.status == 200
        rows = re.findall(r"<tr>(.*?)</tr>", campaigns.split("<tbody>", 1)[1])
        assert len(rows) == 2
        province, kesach = rows
        assert ">tinh<" in province and "15/06/2023" in province and "26/05/2023" in province
        assert f">{LOCAL_KEY}<" in kesach and "20/04/2023" in kesach and "10/04/2023" in kesach
        numbers = [re.findall(r'class="num">(\d+)<', row) for row in rows]
        assert numbers == [["2", "0", "0"], ["2", "1", "0"]]  # questions, late, answered
        assert f"/start {LOCAL_KEY}" in kesach and f"/?campaign={LOCAL_KEY}" in kesach
        assert f'href="/desk?chien_dich={LOCAL_KEY}"' in kesach

    async with client() as browser:  # the province's coordinator works on the province's campaign only
        await sign_in(browser, await login_link(api, COORDINATOR_ID))
        async with browser.get(f"{base(app)}/desk", params={"chien_dich": LOCAL_KEY}) as refused:
            assert refused.status == 403
        async with browser.get(f"{base(app)}/desk/cau-hoi/KS2023-0001") as refused:
            assert refused.status == 404


async def test_the_create_form_creates_a_campaign_and_refuses_a_bad_one_with_reasons(
    api: FakeTelegramWithFiles, app: App, clock: FakeClock  # noqa: F811
) -> None:
    heard: list[Campaign] = []
    app.dispatcher.conversation.admin.seams.campaign_listeners.append(heard.append)
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        async with browser.get(f"{base(app)}/desk/chien-dich/tao") as page:
            form = await page.text()
        assert page.status == 200 and texts.CREATE_UNITS in form
        bad = {"csrf": csrf_of(form), "key": "An My 2026", "name": "Đối thoại xã An Mỹ", "dialogue_date": "",
               "deadline_days_before": "10", "receipt_prefix": "ST2023", "units": "ANMY: Xã An Mỹ: 5"}
        async with browser.post(f"{base(app)}/desk/chien-dich/tao", data=bad) as refused:
            html = await refused.text()
        assert refused.status == 422 and texts.CREATE_REFUSED in html
        reasons = re.findall(r'<p class="text">([^<]+)</p>', html)[1:]
        assert reasons == [f"Sai {FIELD_NAMES['key']}", f"Sai {FIELD_NAMES['dialogue_date']}"]  # campaigns.create's
        assert "Đối thoại xã An Mỹ" in html and "ANMY: Xã An Mỹ: 5" in html  # what was typed is kept
        with_units = {**bad, "csrf": csrf_of(html), "key": "anmy2026", "dialogue_date": "2026-04-25",
                 "units": "ANMY: Xã An Mỹ: 5\nkhông đúng"}
        async with browser.post(f"{base(app)}/desk/chien-dich/tao", data=with_units) as refused:
            html = await refused.text()
        assert refused.status == 422 and texts.CREATE_BAD_UNIT.format(item="không đúng") in html
        fixed = {**with_units, "csrf": csrf_of(html), "units": "ANMY: Xã An Mỹ: 5\nKHAC: Khác"}
        async with browser.post(f"{base(app)}/desk/chien-dich/tao", data=fixed) as taken:
            html = await taken.text()
        assert taken.status == 422 and "Tiền tố mã câu hỏi: đã được dùng" in html  # campaigns.create's reason
        good = {**fixed, "csrf": csrf_of(html), "receipt_prefix": "AM2026"}
        async with browser.post(f"{base(app)}/desk/chien-dich/tao", data=good) as created:
            html = await created.text()
        assert created.status == 200
        assert texts.CREATE_DONE.format(name="Đối thoại xã An Mỹ", key="anmy2026") in html
        assert "/start anmy2026" in html and "/start anmy2026-ANMY" in html and "/cong-khai/anmy2026" in html
        assert [(c.key, c.dialogue_date.isoformat(), c.deadline_days_before) for c in heard] == [("anmy2026", "2026-04-25", 10)]

        async with browser.post(f"{base(app)}/desk/chien-dich/tao", data={**good, "csrf": csrf_of(html)}) as again:
            assert again.status == 422 and campaigns.TAKEN in await again.text()  # never replaced
        async with browser.get(f"{base(app)}/desk/chien-dich") as page:
            assert ">anmy2026<" in await page.text()
        async with browser.get(f"{base(app)}/desk", params={"chien_dich": "anmy2026"}) as page:
            assert page.status == 200 and "Xã An Mỹ" in await page.text()
    assert len(heard) == 1
    async with app.store.unit() as uow:
        lines = (await uow.session.exec(select(AuditEntry).where(AuditEntry.action == "tao_chien_dich"))).all()
    assert [a.allowed for a in lines] == [False, False, False, True, False]


async def test_a_local_admin_sees_their_campaign_s_audit_lines_only(
    api: FakeTelegramWithFiles, app: App, clock: FakeClock  # noqa: F811
) -> None:
    await both_campaigns(app, api, clock)
    admin = TelegramUser(api, ADMIN_ID)
    await admin.say("/xem ST2023-0002")  # the province's admin reads a province question in the chat
    async with client() as browser:
        await sign_in(browser, await local_login(app, clock))  # Kế Sách's coordinator reads theirs
        async with browser.get(f"{base(app)}/desk/cau-hoi/KS2023-0001") as page:
            assert page.status == 200
    async with client() as browser:
        overview = await sign_in(browser, await local_login(app, clock, LOCAL_ADMIN))
        assert texts.NAV_CAMPAIGNS not in overview
        async with browser.get(f"{base(app)}/desk/quan-tri") as page:
            html = await page.text()
        assert page.status == 200 and texts.CREATE_TITLE not in html  # creating is the province's
        audit = html.split(texts.ADMIN_AUDIT, 1)[1]
        assert "KS2023-0001" in audit and "zalo:ks-admin" in audit
        assert "ST2023" not in audit and f"telegram:{ADMIN_ID}" not in audit
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        async with browser.get(f"{base(app)}/desk/quan-tri") as page:
            html = await page.text()  # the province's admins on the province's campaign: every line, as before
        assert texts.CREATE_TITLE in html and "ST2023-0002" in html and "KS2023-0001" in html
