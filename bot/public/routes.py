"""GET /cong-khai (the province's), /cong-khai/KEY or /cong-khai?campaign=KEY (a local campaign's):
no login, plain HTML, the web chat's security headers (its CSP and frame-ancestors)."""

import logging
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.public.page import Listed, public_page, unknown_page
from handlers import campaigns
from handlers.publication import public_view
from handlers.settings import Settings
from storage import Store

PATH = "/cong-khai"
CHOICE = "campaign"  # ?campaign=KEY, as the web chat's deep link names it
STATIC = Path(__file__).resolve().parent / "static"
MAX_QUERY = 200
# Revalidated on each visit: a withdrawn or erased question must not linger in a cache.
HEADERS = {"Cache-Control": "no-cache"}
log = logging.getLogger(__name__)


def public_path(key: str, path: str = PATH) -> str:
    """A campaign's public page: the province's at /cong-khai, a local one's at /cong-khai/KEY."""
    return path if key == campaigns.PRIMARY else f"{path}/{quote(key)}"


class PublicPage:
    """Serves each campaign's published answers; the settings are the province's (the file's)."""

    def __init__(self, store: Store, settings: Settings, path: str = PATH) -> None:
        self.store, self.settings, self.path = store, settings, path

    def mount(self, app: web.Application) -> None:
        """Add the pages and their stylesheet to the web server (its middleware adds the headers)."""
        app.router.add_get(self.path, self.page)
        app.router.add_static(f"{self.path}/static", STATIC)  # before /KEY: the stylesheet wins
        app.router.add_get(self.path + "/{key}", self.page)

    async def page(self, request: web.Request) -> web.Response:
        """One campaign's page, searched by ?q= without diacritics; 404 for a key no campaign has."""
        key = (request.match_info.get("key") or request.query.get(CHOICE) or campaigns.PRIMARY).strip().lower()[:32]
        query = request.query.get("q", "")[:MAX_QUERY]
        async with self.store.unit() as uow:
            every = await campaigns.every(self.settings, uow)
            settings = every.get(key)
            view = await public_view(uow, settings, query) if settings is not None else None
        listed = [Listed(k, s.campaign.name, public_path(k, self.path), s.campaign.dialogue_date) for k, s in every.items()]
        if settings is None or view is None:
            log.info("public page: no campaign %r", key)
            return self._respond(unknown_page(key, listed, self.path), 404)
        log.debug("public page of %s: %d sections for a %d-character search", key, len(view.sections), len(query))
        ask = "/" if key == campaigns.PRIMARY else f"/?{CHOICE}={quote(key)}"
        return self._respond(public_page(settings, view, public_path(key, self.path), listed, ask))

    @staticmethod
    def _respond(text: str, status: int = 200) -> web.Response:
        response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8", headers=HEADERS)
        response.enable_compression()  # gzip when the phone accepts it: the text shrinks several times
        return response
