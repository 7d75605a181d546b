"""A small client for the Zalo Bot Platform API (Telegram-like), over aiohttp.

Why our own: python-zalo-bot 0.1.9 sends form bodies, ignores `ok` and calls asyncio.run in
its webhook helpers; pyzalo 0.1.0 posts sendSticker to /sendPhoto (see /work/shared/FACTS.md).
"""

import asyncio
import logging
from typing import Any

import aiohttp

from bot.errors import PermanentChannelError, RateLimited, RecipientUnreachable, TransientChannelError

log = logging.getLogger(__name__)

DEFAULT_BASE = "https://bot-api.zaloplatforms.com"
TEXT_LIMIT = 2000
POLL_TIMEOUT = 30  # seconds the server holds a getUpdates call


class ZaloApiError(PermanentChannelError):
    """An `ok: false` answer that maps to no more specific error."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"Zalo API error {status}: {description}")
        self.status = status
        self.description = description


class ZaloTimeout(TransientChannelError):
    """408: the request (or an empty long poll) timed out on Zalo's side."""


def error_for(status: int, description: str) -> Exception:
    """Our error for a Zalo error code (the HTTP status or the body's error_code)."""
    if status == 429:
        return RateLimited(0.0, f"Zalo: {description}")
    if status == 403:
        return RecipientUnreachable(f"Zalo: {description}")
    if status == 408:
        return ZaloTimeout(f"Zalo 408: {description}")
    if status >= 500:
        return TransientChannelError(f"Zalo {status}: {description}")
    return ZaloApiError(status, description)


class ZaloBotAPI:
    """POSTs JSON to <base>/bot<token>/<method> and returns `result` or raises our errors."""

    def __init__(self, token: str, *, base_url: str | None = None, request_timeout: float = 15.0) -> None:
        self._token = token
        self.base_url = (base_url or DEFAULT_BASE).rstrip("/")
        self._timeout = request_timeout
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"ZaloBotAPI(base_url={self.base_url!r}, token=<redacted>)"

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def call(self, method: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None) -> Any:
        """One API call; the token is never part of a log line or an error message."""
        url = f"{self.base_url}/bot{self._token}/{method}"
        client_timeout = aiohttp.ClientTimeout(total=timeout or self._timeout)
        try:
            async with self._http().post(url, json=payload or {}, timeout=client_timeout) as response:
                status = response.status
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientChannelError(f"Zalo {method}: {type(exc).__name__}") from None
        if not isinstance(body, dict):
            raise error_for(status if status >= 400 else 502, f"{method}: not a JSON object")
        if body.get("ok") is True and status < 400:
            return body.get("result")
        code = body.get("error_code") if isinstance(body.get("error_code"), int) else status
        raise error_for(code if code >= 400 else 400, f"{method}: {body.get('description', 'error')}")

    async def get_me(self) -> dict[str, Any]:
        """The bot's identity (checks the token)."""
        return dict(await self.call("getMe"))

    async def get_update(self, timeout: int = POLL_TIMEOUT) -> dict[str, Any] | None:
        """One update by long polling, or None when the server had nothing."""
        try:
            result = await self.call("getUpdates", {"timeout": timeout}, timeout=timeout + 10)
        except ZaloTimeout:  # the long poll expired with no update
            return None
        return result if isinstance(result, dict) and result.get("event_name") else None

    async def send_message(self, chat_id: str, text: str) -> Any:
        """Send 1–2,000 characters of plain text."""
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Any:
        """Send a photo by URL."""
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        """Show "typing…"."""
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        """Have Zalo POST updates to `url` with the secret header."""
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("the Zalo webhook secret must be 8–256 characters")
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        """Stop webhook delivery (getUpdates works again)."""
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook URL currently set ('' when none)."""
        return dict(await self.call("getWebhookInfo"))

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None
