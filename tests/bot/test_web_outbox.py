"""Messages that are not a direct reply reach the web chat through its outbox and /api/poll."""

from pathlib import Path

import aiohttp

from bot.app import build_app
from bot.config import load_config
from handlers.types import Address, Button, Reply
from storage import create_all
from tests.conftest import ROOT
from tests.support import FakeClock



async def test_deliver_then_poll(tmp_path: Path, clock: FakeClock) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "WEB_PORT": "0"}
    app = await build_app(load_config(ROOT / "config.yaml", env=env), clock=clock)
    await create_all(app.store.engine)
    await app.start()
    base = f"http://127.0.0.1:{app.web_port}/api"
    try:
        assert "web" in app.channels
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/session", json={}) as response:
                token = (await response.json())["session"]
            session = token.split(".")[0]
            await app.deliver(Address("web", session), Reply("Câu hỏi ST2023-0001 đã có trả lời."))
            await app.deliver(Address("web", session), Reply("Bạn muốn nhận nhắc hạn?", ((Button("Có", "remind:yes"),),)))
            await app.deliver(Address("web", "another-session-0002"), Reply("không phải của bạn"))
            async with http.post(f"{base}/poll", json={"session": token, "after": 0}) as response:
                assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
                messages = (await response.json())["messages"]
            assert [m["text"] for m in messages] == ["Câu hỏi ST2023-0001 đã có trả lời.", "Bạn muốn nhận nhắc hạn?"]
            assert messages[1]["buttons"] == [[{"label": "Có", "data": "remind:yes"}]]
            async with http.post(f"{base}/poll", json={"session": token, "after": messages[-1]["id"]}) as response:
                assert (await response.json())["messages"] == []
            async with http.post(f"{base}/poll", json={"session": session, "after": 0}) as response:
                assert response.status == 401  # the id alone is not the token
            async with http.post(f"{base}/poll", json={"session": token, "after": -1}) as response:
                assert response.status == 400
    finally:
        await app.stop()
