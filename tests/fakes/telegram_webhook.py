"""Webhook delivery for the fake Bot API: POST each queued update until a 2xx answer."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.fakes.telegram_params import params_from_multipart
from tests.fakes.telegram_queue import QueuedUpdate, Signal, UpdateQueue

JsonDict = dict[str, Any]
MethodRunner = Callable[[str, JsonDict], Awaitable[tuple[int, JsonDict]]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of one update; status is None when the connection failed."""

    update_id: int
    attempt: int
    status: int | None
    error: str | None
    time: float


class WebhookDeliverer:
    """Workers that push queued updates to a URL, retrying failures with a bounded backoff."""

    def __init__(
        self,
        queue: UpdateQueue,
        signal: Signal,
        run_method: MethodRunner,
        on_error: Callable[[str], None],
    ) -> None:
        self._queue = queue
        self._signal = signal
        self._run_method = run_method
        self._on_error = on_error
        self.attempts: list[DeliveryAttempt] = []
        self.dropped: list[int] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._session: aiohttp.ClientSession | None = None

    @property
    def running(self) -> bool:
        """True while delivery workers are active."""
        return bool(self._tasks)

    def start(
        self,
        url: str,
        secret_token: str | None,
        max_connections: int,
        max_attempts: int,
        backoff: float,
    ) -> None:
        """Start `max_connections` workers (1 keeps updates strictly ordered)."""
        if self._tasks:
            raise RuntimeError("webhook delivery is already running")
        headers = {SECRET_HEADER: secret_token} if secret_token else {}
        self._session = aiohttp.ClientSession(
            headers=headers, timeout=aiohttp.ClientTimeout(total=10)
        )
        settings = _Settings(url, max_attempts, backoff)
        self._tasks = [asyncio.create_task(self._worker(settings)) for _ in range(max_connections)]

    async def stop(self) -> None:
        """Stop the workers; an update being delivered stays queued."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _worker(self, settings: "_Settings") -> None:
        while True:
            await self._signal.wait_for(self._queue.has_claimable, None)
            entry = self._queue.claim()
            if entry is None:
                continue
            try:
                await self._deliver(entry, settings)
            except asyncio.CancelledError:
                self._queue.release(entry)
                raise

    async def _deliver(self, entry: QueuedUpdate, settings: "_Settings") -> None:
        while True:
            entry.attempts += 1
            status, reply = await self._post(entry, settings.url)
            if status is not None and 200 <= status < 300:
                self._queue.acknowledge(entry)
                await self._run_reply(reply)
                return
            if entry.attempts >= settings.max_attempts:
                self.dropped.append(entry.update_id)
                self._queue.acknowledge(entry)
                return
            await asyncio.sleep(min(settings.backoff * 2 ** (entry.attempts - 1), 1.0))

    async def _post(self, entry: QueuedUpdate, url: str) -> tuple[int | None, JsonDict | None]:
        assert self._session is not None
        reply: JsonDict | None = None
        try:
            async with self._session.post(url, json=entry.update) as response:
                status, error = response.status, None
                if 200 <= status < 300:
                    reply = await _read_reply(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        self.attempts.append(
            DeliveryAttempt(entry.update_id, entry.attempts, status, error, time.monotonic())
        )
        if status is None or not 200 <= status < 300:
            self._on_error(error or f"Wrong response from the webhook: {status}")
        return status, reply

    async def _run_reply(self, reply: JsonDict | None) -> None:
        """A webhook answer may carry one method call, which Telegram then performs."""
        if reply is not None and isinstance(reply.get("method"), str):
            params = {key: value for key, value in reply.items() if key != "method"}
            await self._run_method(reply["method"], params)


async def _read_reply(response: aiohttp.ClientResponse) -> JsonDict | None:
    """The answer body as parameters: JSON (most frameworks) or multipart (aiogram)."""
    try:
        if response.content_type == "multipart/form-data":
            return await params_from_multipart(aiohttp.MultipartReader.from_response(response))
        body = await response.read()
        payload = json.loads(body) if body else None
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


@dataclass(frozen=True)
class _Settings:
    url: str
    max_attempts: int
    backoff: float
