"""A desk form acts once: a reload that posts it again, or a double click, sends no second answer."""

import asyncio
import re

from sqlmodel import select

from bot.app import App
from handlers.desk import texts
from storage.models_admin import Answer
from tests.admin.telegram_files import FakeTelegramWithFiles
from tests.bot.telegram_user import TelegramUser
from tests.desk.conftest import COORDINATOR_ID, YOUTH_ID, client, csrf_of, login_link, sign_in, youth_asks

URL_PATH = "/desk/cau-hoi/ST2023-0001"


def form_of(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action` (its CSRF and one-time tokens)."""
    form = html[html.index(f'action="{action}"'):]
    form = form[:form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))


async def answers(app: App) -> list[Answer]:
    async with app.store.unit() as uow:
        return list((await uow.session.exec(select(Answer))).all())


async def test_an_answer_posted_again_is_not_sent_again(api: FakeTelegramWithFiles, app: App) -> None:
    youth = TelegramUser(api, YOUTH_ID)
    await youth_asks(youth)
    async with client() as browser:
        await sign_in(browser, await login_link(api, COORDINATOR_ID))
        url = f"http://127.0.0.1:{app.web_port}{URL_PATH}"
        async with browser.get(url) as page:
            html = await page.text()
        fields = {**form_of(html, f"{URL_PATH}/tra-loi"), "noi_dung": "Có gói vay ưu đãi."}
        assert fields["csrf"] == csrf_of(html) and len(fields["lan"]) >= 16
        before = len(youth.received)
        async with browser.post(f"{url}/tra-loi", data=fields) as first:
            assert first.status == 200
        [delivered] = await youth._expect(before, 1)
        assert "Có gói vay ưu đãi." in delivered["text"]
        async with browser.post(f"{url}/tra-loi", data=fields) as again:  # the browser's «resubmit»
            assert again.status == 409 and texts.ALREADY_DONE in await again.text()
        twice = await asyncio.gather(*(browser.post(f"{url}/tra-loi", data={**fields, "lan": "B" * 22})
                                       for _ in range(2)))  # a double click on a fresh form
        assert sorted(r.status for r in twice) == [200, 409]
        for response in twice:
            response.release()
        async with browser.get(url) as page:
            history = (await page.text()).split(texts.Q_HISTORY, 1)[1]
        assert "Sở KH&amp;ĐT" in history and f"telegram:{COORDINATOR_ID}" not in history  # staff by name
    await asyncio.sleep(0.3)
    assert len(youth.received) == before + 2 and len(await answers(app)) == 2
