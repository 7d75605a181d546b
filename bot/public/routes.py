"""GET /cong-khai: no login, plain HTML, the web chat's security headers (its CSP and frame-ancestors)."""

import logging
from pathlib import Path

from aiohttp import web

from bot.public.page import public_page
from handlers.admin.campaign import effective_settings
from handlers.publication import public_view
from handlers.settings import Settings
from storage import Store

PATH = "/cong-khai"
STATIC = Path(__file__).resolve().parent / "static"
MAX_QUERY = 200
# Revalidated on each visit: a withdrawn or erased question must not linger in a cache.
HEADERS = {"Cache-Control": "no-cache"}
log = logging.getLogger(__name__)


class PublicPage:
    """Serves one campaign's published answers; the settings are passed in (one campaign today)."""

    def __init__(self, store: Store, settings: Settings, path: str = PATH) -> None:
        self.store, self.settings, self.path = store, settings, path

    def mount(self, app: web.Application) -> None:
        """Add the page and its stylesheet to the web server (its middleware adds the headers)."""
        app.router.add_get(self.path, self.page)
        app.router.add_static(f"{self.path}/static", STATIC)

    async def page(self, request: web.Request) -> web.Response:
        """The page, searched by ?q= without diacritics."""
        query = request.query.get("q", "")[:MAX_QUERY]
        async with self.store.unit() as uow:
            settings = await effective_settings(self.settings, uow)
            view = await public_view(uow, settings, query)
        log.debug("public page: %d sections for a %d-character search", len(view.sections), len(query))
        response = web.Response(text=public_page(settings, view, self.path), content_type="text/html",
                                charset="utf-8", headers=HEADERS)
        response.enable_compression()  # gzip when the phone accepts it: the text shrinks several times
        return response
