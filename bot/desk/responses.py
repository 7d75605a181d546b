"""What every desk route shares: its HTML responses, 403/404 pages and what a request carries."""

from aiohttp import web

from bot.desk import pages
from handlers.admin.roles import Actor
from handlers.desk import texts
from handlers.desk.campaigns import Where

NO_STORE = {"Cache-Control": "no-store"}
CSRF = web.RequestKey("desk_csrf", str)
FORM = web.RequestKey("desk_form", object)
WHERE = web.RequestKey("desk_where", object)  # the campaign the page works on (handlers/desk/campaigns.Where)
REAL = web.RequestKey("desk_person", object)  # the signed-in Actor before narrowing to that campaign
AFTER = web.RequestKey("desk_after", list)  # hooks run once the page's transaction committed


def html(text: str, status: int = 200) -> web.Response:
    """A desk page, never cached."""
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8", headers=NO_STORE)


def missing(forbidden: bool) -> web.Response:
    """403 for a question out of the person's scope, 404 for none."""
    if forbidden:
        return html(pages.message(texts.FORBIDDEN_TITLE, [texts.FORBIDDEN], "error"), 403)
    return html(pages.message(texts.NOT_FOUND, [texts.NOT_FOUND], "error"), 404)


def where(request: web.Request) -> Where | None:
    """The campaign the page works on."""
    found = request.get(WHERE)
    return found if isinstance(found, Where) else None


def person(request: web.Request) -> Actor:
    """The signed-in person as they are, before the page narrowed them to its campaign."""
    found = request[REAL]
    assert isinstance(found, Actor)
    return found
