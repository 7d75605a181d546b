"""Staff files in the database: a link one worker made is served by another, on SQLite and PostgreSQL."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta, timezone

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.files import FileLinks
from handlers.types import Address, Attachment
from storage import Store, create_engine
from storage.migrate import upgrade
from tests.support import FakeClock

SECRET = b"staff-files-secret-0123456789abcdef"
CONTENT = bytes(range(256)) * 40  # binary, with every byte value


@asynccontextmanager
async def worker(engine: AsyncEngine, clock: FakeClock) -> AsyncIterator[tuple[FileLinks, str]]:
    """One worker's file links, served on its own port."""
    base = ["http://127.0.0.1:0"]
    links = FileLinks(
        Store(engine, secret=SECRET), SECRET, clock, lifetime=timedelta(hours=2), zone=timezone.utc,
        base_url=lambda: base[0],
    )
    app = web.Application()
    links.mount(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base[0] = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield links, base[0]
    finally:
        await runner.cleanup()


async def test_a_link_made_by_one_worker_is_served_by_another(engine: AsyncEngine, clock: FakeClock) -> None:
    await upgrade(engine)  # migration 0005 makes the table on each backend
    other = create_engine(engine.url.render_as_string(hide_password=False))
    try:
        async with worker(engine, clock) as (first, first_base), worker(other, clock) as (_, second_base):
            file = Attachment("bảng kê.bin", CONTENT, "application/octet-stream")
            link = await first.offer(file, Address("zalo", "a1"))
            async with aiohttp.ClientSession() as http:
                async with http.get(link.url.replace(first_base, second_base)) as response:
                    assert response.status == 200 and await response.read() == CONTENT
                    assert "filename*=UTF-8''b%E1%BA%A3ng%20k%C3%AA.bin" in response.headers["Content-Disposition"]
            clock.advance(hours=2)
            assert await first.prune() == 1
    finally:
        await other.dispose()
