"""The fake Bot API plus documents: users send files, the bot downloads them (getFile + /file/bot…)."""

from typing import Any

from aiohttp import web

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.telegram_faults import ApiError


class FakeTelegramWithFiles(FakeTelegramAPI):
    """Adds push_document, getFile and file downloads to the shared fake."""

    def __init__(self, token: str | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.files: dict[str, bytes] = {}
        self._methods.handlers["getfile"] = self._get_file

    def push_document(self, user_id: int, filename: str, content: bytes, caption: str | None = None) -> int:
        """A user sends a document (with an optional caption)."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = content
        fields: dict[str, Any] = {"document": {
            "file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": filename,
            "mime_type": "text/csv", "file_size": len(content),
        }}
        if caption:
            fields["caption"] = caption
        return self._push_message(user_id, fields, None, "private", "Test")

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise ApiError.bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}"}

    async def _file_not_found(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return await super()._file_not_found(request)
        return web.Response(body=self.files[file_id])


