"""Decoding Bot API parameters from JSON, urlencoded and multipart bodies.

Clients send form values as strings: aiogram and PTB JSON-encode numbers,
booleans, objects and arrays but send strings raw. We JSON-decode every form
value except fields that are always strings, so "123" stays text in `text`.
"""

import json
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.multipart import MultipartResponseWrapper

from tests.fakes.telegram_chats import UploadedFile

JsonDict = dict[str, Any]

STRING_FIELDS = frozenset(
    {
        "action", "callback_query_id", "caption", "data", "description", "emoji",
        "file_id", "inline_message_id", "ip_address", "language_code", "name",
        "parse_mode", "query", "secret_token", "short_description", "text", "title", "url",
    }
)  # fmt: skip
ATTACH_PREFIX = "attach://"


def decode_value(name: str, value: str) -> Any:
    """Turn one form string into the value a JSON body would have carried."""
    if name in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def params_from_request(request: web.Request) -> JsonDict:
    """All parameters of a Bot API request: query string plus body of any encoding."""
    params: JsonDict = {key: decode_value(key, value) for key, value in request.query.items()}
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
    elif request.content_type == "multipart/form-data":
        params.update(await params_from_multipart(await request.multipart()))
    else:
        form = await request.post()
        params.update({key: decode_value(key, str(value)) for key, value in form.items()})
    return params


async def params_from_multipart(reader: MultipartReader | MultipartResponseWrapper) -> JsonDict:
    """Fields and files of a multipart body; `attach://name` values point at files."""
    params: JsonDict = {}
    files: dict[str, UploadedFile] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            data = await part.read()
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            files[part.name] = UploadedFile(part.name, part.filename, content_type, bytes(data))
        else:
            params[part.name] = decode_value(part.name, await part.text())
    return _attach(params, files)


def _attach(params: JsonDict, files: dict[str, UploadedFile]) -> JsonDict:
    for name, value in params.items():
        if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
            params[name] = files.pop(value[len(ATTACH_PREFIX) :], value)
    params.update(files)
    return params
