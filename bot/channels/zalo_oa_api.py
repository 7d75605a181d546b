"""A small client for the Zalo Official Account Open API v3 and its OAuth v4 token renewal.

Zalo answers errors as HTTP 200 with a negative `error`; `error_for` maps them into our error
tree (bot/errors.py). The codes are written from Zalo's published error table as remembered,
not checked against the live service (see the README's OA section).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from bot.errors import PermanentChannelError, RateLimited, RecipientUnreachable, TransientChannelError

log = logging.getLogger(__name__)

DEFAULT_API = "https://openapi.zalo.me"
DEFAULT_OAUTH = "https://oauth.zaloapp.com"
SEND_PATH = "/v3.0/oa/message/cs"
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"
UPLOAD_FILE_PATH = "/v2.0/oa/upload/file"
TOKEN_PATH = "/v4/oa/access_token"
TEXT_LIMIT = 2000
INVALID_TOKEN = frozenset({-216, -220, -124})  # access token invalid or expired
UNREACHABLE = frozenset({
    -213,  # the user does not follow the OA (unfollowed)
    -217,  # the user blocked the OA
    -227,  # the user's account is locked or inactive
    -230,  # no interaction within the consultation window
    -232,  # no interaction yet, or the last one is past the window
})
RATE_OR_QUOTA = frozenset({-32, -211, -218, -223})  # request rate, daily quota, per-user quota


Form = Callable[[], aiohttp.FormData]


class OAApiError(PermanentChannelError):
    """A Zalo OA error that maps to no more specific error."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo OA error {code}: {message}")
        self.code = code


class InvalidAccessToken(OAApiError):
    """The access token was refused: renew it once, then fail loud."""


class RefreshRejected(PermanentChannelError):
    """Zalo refused the refresh token (spent, revoked or wrong app secret)."""


def error_for(code: int, message: str) -> Exception:
    """Our error for a negative Zalo OA error code."""
    if code in INVALID_TOKEN:
        return InvalidAccessToken(code, message)
    if code in UNREACHABLE:
        return RecipientUnreachable(f"Zalo OA {code}: {message}")
    if code in RATE_OR_QUOTA:
        return RateLimited(0.0, f"Zalo OA {code}: {message}")
    return OAApiError(code, message)


@dataclass(frozen=True)
class TokenPair:
    """What a renewal returns; never logged."""

    access_token: str
    refresh_token: str
    expires_in: int  # seconds

    def __repr__(self) -> str:
        return f"TokenPair(expires_in={self.expires_in}, tokens=<redacted>)"


class TokenSource(Protocol):
    """Hands out the current access token and renews one Zalo refused."""

    def access_token(self) -> Awaitable[str]: ...

    def renew(self, stale: str) -> Awaitable[str]: ...


class _Http:
    """One lazily opened aiohttp session."""

    def __init__(self, request_timeout: float) -> None:
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._session: aiohttp.ClientSession | None = None

    def http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


async def _json(response: aiohttp.ClientResponse, what: str) -> dict[str, Any]:
    """The JSON object of a 2xx answer; 429 and 5xx are ours to retry."""
    if response.status == 429:
        raise RateLimited(0.0, f"Zalo OA {what}: HTTP 429")
    if response.status >= 500:
        raise TransientChannelError(f"Zalo OA {what}: HTTP {response.status}")
    try:
        body = await response.json(content_type=None)
    except ValueError:
        body = None
    if response.status >= 400 or not isinstance(body, dict):
        raise PermanentChannelError(f"Zalo OA {what}: HTTP {response.status}, not a JSON object")
    return body


class OAuthClient(_Http):
    """Renews the OA access token with a refresh token (each refresh token works once)."""

    def __init__(
        self, app_id: str, app_secret: str, *, base_url: str | None = None, request_timeout: float = 15.0
    ) -> None:
        super().__init__(request_timeout)
        self.app_id = app_id
        self._secret = app_secret
        self.base_url = (base_url or DEFAULT_OAUTH).rstrip("/")

    def __repr__(self) -> str:
        return f"OAuthClient(base_url={self.base_url!r}, app_secret=<redacted>)"

    async def refresh(self, refresh_token: str) -> TokenPair:
        """A new access token and a new refresh token; the given one is spent."""
        form = {"app_id": self.app_id, "grant_type": "refresh_token", "refresh_token": refresh_token}
        try:
            headers = {"secret_key": self._secret}
            async with self.http().post(self.base_url + TOKEN_PATH, data=form, headers=headers) as response:
                body = await _json(response, "token renewal")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientChannelError(f"Zalo OA token renewal: {type(exc).__name__}") from None
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if not isinstance(access, str) or not isinstance(refresh, str) or not access or not refresh:
            raise RefreshRejected(f"Zalo OA token renewal refused: {body.get('error')} {body.get('error_name', '')}")
        try:
            expires_in = int(body.get("expires_in") or 90_000)
        except (TypeError, ValueError):
            expires_in = 90_000
        return TokenPair(access, refresh, expires_in)


class ZaloOAAPI(_Http):
    """Sends consultation messages and uploads files; renews a refused token once per call."""

    def __init__(self, tokens: TokenSource, *, base_url: str | None = None, request_timeout: float = 15.0) -> None:
        super().__init__(request_timeout)
        self.tokens = tokens
        self.base_url = (base_url or DEFAULT_API).rstrip("/")

    def __repr__(self) -> str:
        return f"ZaloOAAPI(base_url={self.base_url!r})"

    async def call(self, path: str, *, json: dict[str, Any] | None = None, form: Form | None = None) -> Any:
        """POST once; an invalid access token is renewed and the call made once more."""
        token = await self.tokens.access_token()
        try:
            return await self._post(path, token, json, form)
        except InvalidAccessToken:
            log.warning("zalo oa access token refused; renewing once")
        token = await self.tokens.renew(token)
        try:
            return await self._post(path, token, json, form)
        except InvalidAccessToken as exc:
            log.error("zalo oa refused a freshly renewed access token (%s): check the OA app's permissions", exc.code)
            raise

    async def _post(self, path: str, token: str, json: dict[str, Any] | None, form: Form | None) -> Any:
        headers = {"access_token": token}
        try:
            data = form() if form else None
            async with self.http().post(self.base_url + path, json=json, data=data, headers=headers) as response:
                body = await _json(response, path)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise TransientChannelError(f"Zalo OA {path}: {type(exc).__name__}") from None
        code = body.get("error", 0)
        if isinstance(code, int) and code < 0:
            raise error_for(code, str(body.get("message", "")))
        return body.get("data")

    async def send(self, user_id: str, message: dict[str, Any]) -> Any:
        """One consultation message to a follower."""
        return await self.call(SEND_PATH, json={"recipient": {"user_id": user_id}, "message": message})

    async def upload(self, kind: str, filename: str, content: bytes, mime_type: str) -> str:
        """Upload an image (its attachment_id) or a file (its token) for a later message."""
        def form() -> aiohttp.FormData:  # a FormData is consumed by one request
            data = aiohttp.FormData()
            data.add_field("file", content, filename=filename, content_type=mime_type)
            return data

        path = UPLOAD_IMAGE_PATH if kind == "image" else UPLOAD_FILE_PATH
        data = await self.call(path, form=form)
        key = "attachment_id" if kind == "image" else "token"
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, str) or not value:
            raise PermanentChannelError(f"Zalo OA upload gave no {key}")
        return value
