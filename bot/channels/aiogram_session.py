"""aiogram's aiohttp session, sending a JSON body and reading the answer with pydantic's JSON parser.

aiogram's own session sends every call as a form (each nested object such as a keyboard dumped to
a JSON string, then the form URL-encoded) and reads the answer with `json.loads` before pydantic
validates it. Telegram accepts a JSON body as well, and pydantic parses JSON itself; together they
took about a tenth of the bot's CPU per update (bench/telegram_client.py). This subclass changes
only the encoding: the same fields (aiogram's own `prepare_value`, defaults and dates as aiogram
sends them), the same result types, the same errors (an answer that is not a success goes through
aiogram's own `check_response`), and a call with a file goes through aiogram's multipart form.
"""

import asyncio
import json
from http import HTTPStatus
from typing import Any, cast

import bot.channels.aiogram_lazy  # noqa: F401 - before aiogram: its schemas built on first use
import orjson
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiohttp import ClientError
from pydantic import ValidationError

JSON_HEADERS = {"Content-Type": "application/json"}


def _dumps(value: Any) -> str:
    """aiogram's codec for the form's nested values: orjson, or json for what orjson cannot write
    (an integer past 64 bits, which aiogram's form would write as text)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


class JsonSession(AiohttpSession):
    """`AiohttpSession` with a JSON request body and pydantic's JSON parsing of the answer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("json_dumps", _dumps)  # reading stays json.loads: it reads integers past 64 bits
        super().__init__(**kwargs)

    def json_body(self, bot: Bot, method: "TelegramMethod[Any]") -> bytes | None:  # a string: pydantic would make a class
        """The call's fields as a JSON object, or None when a form is needed (a file, or a value
        orjson cannot write).

        The fields are the ones aiogram's form would carry: a field left out there (None, or an
        empty string) is left out here; nested objects stay objects instead of JSON strings."""
        files: dict[str, Any] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is None or prepared == "":
                continue
            body[key] = prepared
        if files:
            return None
        try:
            return orjson.dumps(body)
        except TypeError:  # orjson cannot write it (an integer past 64 bits): aiogram's form can
            return None

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None,
    ) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        status, raw = await self._post(bot, method, body, timeout)
        if HTTPStatus.OK <= status <= HTTPStatus.IM_USED:
            try:
                response = Response[method.__returning__].model_validate_json(  # type: ignore[name-defined]
                    raw, context={"bot": bot})
            except ValidationError:  # e.g. an integer past 64 bits, which pydantic's JSON parser refuses
                response = None
            if response is not None and response.ok:
                return cast(TelegramType, response.result)
        # Not a success (or not one we could read): aiogram's own reading raises its own errors.
        return cast(TelegramType, self.check_response(
            bot=bot, method=method, status_code=status, content=raw.decode("utf-8", "replace")).result)

    async def send(self, bot: Bot, method: "TelegramMethod[Any]", timeout: int | None = None) -> None:
        """Make the call and check that it succeeded, without reading its result into aiogram's types.

        For calls whose result the caller never reads (a reply, a keyboard removal, a press's
        acknowledgement): building the `Message` Telegram sends back was a tenth of the bot's CPU
        at 500 updates/s. A failure raises exactly what `make_request` raises. No request
        middleware runs (the app registers none)."""
        body = self.json_body(bot, method)
        if body is None:
            await self.make_request(bot, method, timeout)
            return
        status, raw = await self._post(bot, method, body, timeout)
        if HTTPStatus.OK <= status <= HTTPStatus.IM_USED:
            try:
                answer = orjson.loads(raw)
            except orjson.JSONDecodeError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True:
                return
        self.check_response(bot=bot, method=method, status_code=status, content=raw.decode("utf-8", "replace"))

    async def _post(self, bot: Bot, method: "TelegramMethod[Any]", body: bytes,
                    timeout: int | None) -> tuple[int, bytes]:
        """POST the JSON body; the status and the raw answer (network failures as aiogram raises them)."""
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(url, data=body, headers=JSON_HEADERS,
                                    timeout=self.timeout if timeout is None else timeout) as resp:
                return resp.status, await resp.read()
        except asyncio.TimeoutError as e:
            raise TelegramNetworkError(method=method, message="Request timeout error") from e
        except ClientError as e:
            raise TelegramNetworkError(method=method, message=f"{type(e).__name__}: {e}") from e
