"""One running bot for the web chat scenarios (starting the real process costs seconds)."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.channels.web_session import SessionSigner
from tests.acceptance.bot_process import SECRET, BotProcess, write_config
from tests.acceptance.web_client import WebUser

# Staff who use the web chat: the config names their session ids, the server signs their tokens.
ADMIN_ID = "acceptance-admin-00000"
COORD_KHAC_ID = "acceptance-coord-khac0"  # scoped to the topic «khac» (whose id is also a unit code)
COORD_HEALTH_ID = "acceptance-coord-suckh"  # scoped to the topic «suc_khoe»
APPEND_WINDOW_MINUTES = 0.1  # 6 seconds: the split-question scenario waits past it


@pytest.fixture(scope="module")
def web_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    roles = {
        "admins": [{"name": "Tỉnh đoàn (kiểm thử)", "channel": "web", "chat_id": ADMIN_ID}],
        "coordinators": [
            {"name": "Phụ trách Khác", "channel": "web", "chat_id": COORD_KHAC_ID, "scope": ["khac"]},
            {"name": "Sở Y tế", "channel": "web", "chat_id": COORD_HEALTH_ID, "scope": ["suc_khoe"]},
        ],
    }
    folder = tmp_path_factory.mktemp("web")
    return write_config(folder, roles=roles, limits={"append_window_minutes": APPEND_WINDOW_MINUTES})


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def web_bot(web_config: Path) -> AsyncIterator[BotProcess]:
    async with BotProcess(web_config) as bot:
        yield bot
    assert "Traceback" not in bot.log, bot.log[-3000:]


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def staff(http: aiohttp.ClientSession, bot: BotProcess, session_id: str) -> WebUser:
    """A configured staff member's browser: their known session id, signed as the server signs it."""
    return WebUser(http, bot.base, session=SessionSigner(SECRET.encode()).token(session_id))
