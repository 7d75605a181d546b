"""The desk's overview, list (search, filters, groups), question page, actions and exports over HTTP."""

import io
import re

import openpyxl

from bot.app import App
from handlers.admin import texts as admin_texts
from handlers.desk import texts
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.desk.conftest import ADMIN_ID, COORDINATOR_ID, client, csrf_of, login_link, sign_in, youth_asks

OTHER = "Cho em hỏi thủ tục đăng ký hộ kinh doanh cá thể cần giấy tờ gì ạ?"


def base(app: App) -> str:
    return f"http://127.0.0.1:{app.web_port}"


async def three_questions(api: FakeTelegramWithFiles) -> None:
    """Two youth ask the same thing (near-duplicates), a third asks something else."""
    await youth_asks(TelegramUser(api, 501))
    await youth_asks(TelegramUser(api, 502))
    await youth_asks(TelegramUser(api, 503), OTHER)


async def test_the_overview_counts_the_scope_and_draws_the_chart(api: FakeTelegramWithFiles, app: App) -> None:
    await three_questions(api)
    async with client() as browser:
        overview = await sign_in(browser, await login_link(api, ADMIN_ID))
        cards = dict((label, int(n)) for n, label in re.findall(r'<div class="card"><strong>(\d+)</strong>([^<]+)</div>', overview))
        assert cards[texts.TOTAL] == 3
        assert "Mỹ Xuyên" in overview and "Còn" in overview  # a unit against its allocation; the countdown
        async with browser.get(f"{base(app)}/desk/chart.png") as chart:
            assert chart.content_type == "image/png" and (await chart.read()).startswith(b"\x89PNG")


async def test_search_ignores_accents_and_near_duplicates_collapse(api: FakeTelegramWithFiles, app: App) -> None:
    await three_questions(api)
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        async with browser.get(f"{base(app)}/desk/cau-hoi") as page:
            listing = await page.text()
        assert texts.SIMILAR.format(count=2) in listing
        assert listing.count('<tr><td><a href="/desk/cau-hoi/') == 2  # three questions, two rows
        async with browser.get(f"{base(app)}/desk/cau-hoi", params={"q": "vay uu dai"}) as page:
            found = await page.text()
        assert texts.FOUND.format(count=2) in found and "hộ kinh doanh" not in found
        async with browser.get(f"{base(app)}/desk/cau-hoi", params={"q": "HỘ KINH DOANH"}) as page:
            assert texts.FOUND.format(count=1) in await page.text()
        async with browser.get(f"{base(app)}/desk/cau-hoi", params={"chu_de": "suc_khoe"}) as page:
            assert texts.NONE_FOUND in await page.text()
        async with browser.get(f"{base(app)}/desk/cau-hoi", params={"chu_de": "khong_co", "tu": "99/99"}) as page:
            assert texts.F_BAD.format(names="chu_de, tu") in await page.text()


async def test_the_filtered_view_exports_as_xlsx_and_csv(api: FakeTelegramWithFiles, app: App) -> None:
    await three_questions(api)
    async with client() as browser:
        await sign_in(browser, await login_link(api, ADMIN_ID))
        async with browser.get(f"{base(app)}/desk/cau-hoi/xuat.xlsx", params={"q": "cho vay uu dai"}) as xlsx:
            workbook = openpyxl.load_workbook(io.BytesIO(await xlsx.read()))
        cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
        assert any("ST2023-0002" in c for c in cells) and not any("hộ kinh doanh" in c for c in cells)
        async with browser.get(f"{base(app)}/desk/cau-hoi/xuat.csv") as csv:
            body = (await csv.read()).decode("utf-8-sig")
            assert "attachment" in csv.headers["Content-Disposition"]
        assert body.startswith(",".join(admin_texts.EXPORT_HEADERS[:2])) and "ST2023-0003" in body


async def test_retag_answer_to_the_group_and_review_from_the_question_page(
    api: FakeTelegramWithFiles, app: App
) -> None:
    await three_questions(api)
    first, second = TelegramUser(api, 501), TelegramUser(api, 502)
    async with client() as browser:
        await sign_in(browser, await login_link(api, COORDINATOR_ID))
        url = f"{base(app)}/desk/cau-hoi/ST2023-0001"
        async with browser.get(url) as page:
            html = await page.text()
        assert texts.Q_SIMILAR.format(codes="ST2023-0002") in html
        before = len(first.received), len(second.received)
        async with browser.post(f"{url}/tra-loi", data={"csrf": csrf_of(html), "noi_dung": "Có gói vay ưu đãi.", "tuong_tu": "1"}) as done:
            html = await done.text()
        assert "ST2023-0001, ST2023-0002" in html
        [to_first] = await first._expect(before[0], 1)
        [to_second] = await second._expect(before[1], 1)
        assert "Có gói vay ưu đãi." in to_first["text"] and "Có gói vay ưu đãi." in to_second["text"]
        assert first.buttons(to_first)[0].startswith("rate:")
        async with browser.post(f"{url}/gan-chu-de", data={"csrf": csrf_of(html), "chu_de": "chuyen_doi_so"}) as retagged:
            html = await retagged.text()
        assert retagged.status == 200 and "Chuyển đổi số" in html  # the handler's own confirmation
        async with browser.get(url) as gone:
            assert gone.status == 403  # routed away from this coordinator
    [line] = await TelegramUser(api, ADMIN_ID).say("/nhat_ky")
    assert "tra_loi" in line["text"] and "gan_chu_de" in line["text"]
