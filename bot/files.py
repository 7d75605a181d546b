"""The staff file store and its links: a file a channel cannot carry goes as a short-lived signed URL.

An adapter that must send an `Attachment` its channel cannot carry (an .xlsx on the Zalo Bot
Platform, the web chat or Zalo OA) calls `FileLinks.offer`: the bytes are kept in the database (so
any worker can serve them) and the staff member gets

    <public base>/files/<id>?exp=<unix seconds>&sig=<HMAC-SHA256 of id and exp, keyed by the server secret>

served by the web chat's aiohttp server until `exp`. The signature is checked before the database
is read, so an unsigned, tampered or expired link learns nothing; the sweep deletes expired rows.
"""

import hmac
import html
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from urllib.parse import quote

from aiohttp import web

from handlers import texts
from handlers.clock import Clock
from handlers.types import Address, Attachment
from storage import Store
from storage.secret import pseudonym
from storage.staff_files import StaffFile, StaffFileRepo

log = logging.getLogger(__name__)

ROUTE = "/files/{file_id}"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FILE_ID = re.compile(r"[A-Za-z0-9_-]{16,32}")
EXP = re.compile(r"[0-9]{1,12}")
SIG = re.compile(r"[0-9a-f]{64}")
DeskCheck = Callable[[web.Request, StaffFile], Awaitable[bool]]


@dataclass(frozen=True)
class FileLink:
    """Where one kept file can be downloaded, and until when."""

    filename: str
    mime_type: str
    url: str
    expires: datetime


class FileLinks:
    """Keeps files for staff and serves them at GET /files/<id> while the link's signature holds."""

    def __init__(
        self, store: Store, secret: bytes, clock: Clock, *, lifetime: timedelta, zone: tzinfo,
        base_url: Callable[[], str],
    ) -> None:
        if not secret:
            raise ValueError("file links need the server secret")
        self._store, self._secret, self._clock = store, secret, clock
        self.lifetime, self.zone, self._base_url = lifetime, zone, base_url
        self.desk_allows: DeskCheck | None = None  # the staff desk's session check (a link without exp/sig)

    def __repr__(self) -> str:
        return f"FileLinks(lifetime={self.lifetime!r}, secret=<redacted>)"

    def signature(self, file_id: str, exp: int) -> str:
        """The link's HMAC over the file id and its expiry."""
        return pseudonym(self._secret, "staff-file", file_id, str(exp))

    async def offer(self, attachment: Attachment, to: Address) -> FileLink:
        """Keep the file for `lifetime` and return its signed link."""
        now = self._clock.now()
        exp = int((now + self.lifetime).timestamp())
        file_id = secrets.token_urlsafe(16)
        row = StaffFile(
            id=file_id, filename=attachment.filename[:255], mime_type=attachment.mime_type[:128],
            content=attachment.content, owner=pseudonym(self._secret, "staff-file-owner", str(to)),
            created_at=now, expires_at=datetime.fromtimestamp(exp, now.tzinfo),
        )
        async with self._store.unit() as uow:
            await StaffFileRepo(uow.session).add(row)
        log.info("staff file kept for a %s link (%s, %d bytes)", to.channel, row.mime_type, len(row.content))
        url = f"{self._base_url().rstrip('/')}/files/{file_id}?exp={exp}&sig={self.signature(file_id, exp)}"
        return FileLink(attachment.filename, attachment.mime_type, url, row.expires_at)

    def local_time(self, moment: datetime) -> str:
        """A link's expiry as staff read it: 17:30 ngày 06/12/2026."""
        return moment.astimezone(self.zone).strftime("%H:%M ngày %d/%m/%Y")

    def line(self, link: FileLink) -> str:
        """The Vietnamese line that carries a link in a chat message."""
        return texts.FILE_LINK.format(filename=link.filename, url=link.url, time=self.local_time(link.expires))

    async def lines(self, attachments: Sequence[Attachment], to: Address) -> str:
        """One message offering every attachment by its link."""
        return "\n\n".join([self.line(await self.offer(a, to)) for a in attachments])

    def mount(self, app: web.Application) -> None:
        """Serve GET /files/<id> on the web chat's server."""
        app.router.add_get(ROUTE, self.serve)

    async def serve(self, request: web.Request) -> web.Response:
        """The file, when the link's signature holds and it has not expired (403/404 page otherwise)."""
        file_id = request.match_info["file_id"]
        exp, sig = request.query.get("exp", ""), request.query.get("sig", "")
        if not FILE_ID.fullmatch(file_id):
            return _page(texts.FILE_GONE, 404)
        if not exp and not sig and self.desk_allows is not None:
            return await self._serve_to_desk(request, file_id)
        if not self.signed(file_id, exp, sig):
            log.warning("file link refused: bad signature")
            return _page(texts.FILE_REFUSED, 403)
        if int(exp) <= self._clock.now().timestamp():
            log.info("file link refused: expired")
            return _page(texts.FILE_EXPIRED, 403)
        row = await self._get(file_id)
        if row is None:
            return _page(texts.FILE_GONE, 404)
        return _download(row)

    def signed(self, file_id: str, exp: str, sig: str) -> bool:
        """Whether `sig` is our signature of this id and expiry (compared in constant time)."""
        if not (EXP.fullmatch(exp) and SIG.fullmatch(sig)):
            return False
        return hmac.compare_digest(sig, self.signature(file_id, int(exp)))

    async def _serve_to_desk(self, request: web.Request, file_id: str) -> web.Response:
        """A link without a signature: only a desk session in scope may fetch the file."""
        row = await self._get(file_id)
        if row is None or self.desk_allows is None or not await self.desk_allows(request, row):
            return _page(texts.FILE_REFUSED, 403)
        return _download(row)

    async def _get(self, file_id: str) -> StaffFile | None:
        """The unexpired file with this id."""
        async with self._store.unit() as uow:
            row = await StaffFileRepo(uow.session).get(file_id)
        return row if row is not None and row.expires_at > self._clock.now() else None

    async def prune(self) -> int:
        """Delete every expired file (the quarter-hourly sweep)."""
        async with self._store.unit() as uow:
            return await StaffFileRepo(uow.session).prune(self._clock.now())


def _download(row: StaffFile) -> web.Response:
    """The file as an attachment nobody caches."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", row.filename) or "tep"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.filename, safe='')}"
    headers = {**NO_STORE, "Content-Disposition": disposition}
    return web.Response(body=row.content, content_type=row.mime_type, headers=headers)


def _page(message: str, status: int) -> web.Response:
    """A short Vietnamese page for a refused link."""
    title = html.escape(texts.FILE_PAGE_TITLE)
    body = (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
        f"<body><h1>{title}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=NO_STORE)
