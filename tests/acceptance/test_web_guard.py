"""The web chat refuses what issue 13 found it accepted: invented sessions, cross-site posts, floods."""

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from handlers import texts
from tests.acceptance.bot_process import BotProcess, write_config
from tests.acceptance.web_client import WebUser

pytestmark = pytest.mark.asyncio(loop_scope="module")

INVENTED = ["aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaa.00000000000000000000000000000000", "", None, 12]
CONSENTS = 10  # this bot's consents per address; sessions keep the shipped 60


@pytest.fixture(scope="module")
def guard_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("guard"), channels={
        "web": {"host": "127.0.0.1", "port": 0, "consents_per_address": CONSENTS},
    })


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def guard_bot(guard_config: Path) -> AsyncIterator[BotProcess]:
    async with BotProcess(guard_config) as bot:
        yield bot
    assert "Traceback" not in bot.log, bot.log[-3000:]


async def _post(bot: BotProcess, path: str, body: object = None, **kwargs: object) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{bot.base}{path}", json=body, **kwargs) as response:  # type: ignore[arg-type]
            return response.status, await response.json()


def _youth_rows(config: Path) -> int:
    with sqlite3.connect(config.parent / "doithoai.db") as db:
        return int(db.execute("select count(*) from youth").fetchone()[0])


@pytest.mark.parametrize("session", INVENTED)
async def test_an_invented_session_is_refused(guard_bot: BotProcess, guard_config: Path, session: object) -> None:
    for text in ("/start", "1"):
        status, body = await _post(guard_bot, "/api/message", {"session": session, "mid": "m1", "text": text})
        assert status == 401 and body["error"] == texts.WEB_BAD_SESSION, (status, body)
    status, _ = await _post(guard_bot, "/api/poll", {"session": session, "after": 0})
    assert status == 401
    assert _youth_rows(guard_config) == 0


async def test_cross_site_and_non_json_posts_are_refused(guard_bot: BotProcess) -> None:
    async with aiohttp.ClientSession() as http:
        user = WebUser(http, guard_bot.base)
        session = await user.open()
    body = {"session": session, "mid": "x1", "text": "/start"}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"}):
        for path in ("/api/session", "/api/message", "/api/poll"):
            status, answer = await _post(guard_bot, path, body, headers=headers)
            assert status == 403 and answer["error"] == texts.WEB_CROSS_SITE, (path, headers, status)
    async with aiohttp.ClientSession() as http:
        for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
            data = '{"session": "%s", "mid": "x2", "text": "/start"}' % session
            async with http.post(f"{guard_bot.base}/api/message", data=data, headers={"Content-Type": kind}) as r:
                assert r.status == 415 and (await r.json())["error"] == texts.WEB_NOT_JSON, kind
        async with http.get(f"{guard_bot.base}/api/poll", params={"session": session}) as r:
            assert r.status == 405, "the token never travels in a URL"
        async with http.get(f"{guard_bot.base}/") as page:
            policy = page.headers["Content-Security-Policy"]
            assert "frame-ancestors 'self'" in policy and page.headers["X-Content-Type-Options"] == "nosniff"
    same_site = {"Origin": guard_bot.base, "Sec-Fetch-Site": "same-origin"}
    status, answer = await _post(guard_bot, "/api/message", body, headers=same_site)
    assert status == 200 and answer["replies"], "the page itself still works"


async def test_a_fresh_session_flood_is_limited_per_address(guard_bot: BotProcess, guard_config: Path) -> None:
    """Last in this module: it spends the address's budgets. A class of 45 passes, a script does not."""
    consented = refused_consent = 0
    statuses: list[int] = []
    async with aiohttp.ClientSession() as http:
        for _ in range(75):
            async with http.post(f"{guard_bot.base}/api/session", json={}) as response:
                statuses.append(response.status)
                body = await response.json()
            if response.status != 200:
                assert response.status == 429 and body["error"] == texts.WEB_TOO_MANY_SESSIONS.format(minutes=10)
                continue
            user = WebUser(http, guard_bot.base, session=str(body["session"]))
            answer = await user.post({"text": "dong y"})
            if answer.status == 200:
                consented += 1
            else:
                assert answer.status == 429 and answer.body["error"] == texts.WEB_TOO_MANY_CONSENTS.format(minutes=10)
                refused_consent += 1
    assert statuses.count(200) >= 45 and statuses[-1] == 429, statuses
    assert consented <= CONSENTS and refused_consent > 0, (consented, refused_consent)
    assert _youth_rows(guard_config) <= CONSENTS
    assert guard_bot.log.count("too_many_sessions") <= 1, "one warning per address and window, not one per request"
