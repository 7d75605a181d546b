"""Messages that are not a direct reply reach the web chat through its outbox and /api/poll."""

from pathlib import Path

import aiohttp

from bot.app import build_app
from bot.config import load_config
from handlers.types import Address, Button, Reply
from storage import create_all
from tests.conftest import ROOT
from tests.support import FakeClock

SESSION = "websession-outbox-0001"


async def test_deliver_then_poll(tmp_path: Path, clock: FakeClock) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0"}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
    await create_all(app.store.engine)
    await app.start()
    base = f"http://127.0.0.1:{app.web_port}/api/poll"
    try:
        assert "web" in app.channels
        await app.deliver(Address("web", SESSION), Reply("Câu hỏi ST2023-0001 đã có trả lời."))
        await app.deliver(Address("web", SESSION), Reply("Bạn muốn nhận nhắc hạn?", ((Button("Có", "remind:yes"),),)))
        await app.deliver(Address("web", "another-session-0002"), Reply("không phải của bạn"))
        async with aiohttp.ClientSession() as http:
            async with http.get(base, params={"session": SESSION, "after": "0"}) as response:
                assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
                messages = (await response.json())["messages"]
            assert [m["text"] for m in messages] == ["Câu hỏi ST2023-0001 đã có trả lời.", "Bạn muốn nhận nhắc hạn?"]
            assert messages[1]["buttons"] == [[{"label": "Có", "data": "remind:yes"}]]
            async with http.get(base, params={"session": SESSION, "after": str(messages[-1]["id"])}) as response:
                assert (await response.json())["messages"] == []
            async with http.get(base, params={"session": "bad", "after": "0"}) as response:
                assert response.status == 400
            async with http.get(base, params={"session": SESSION, "after": "-1"}) as response:
                assert response.status == 400
    finally:
        await app.stop()
