"""Server-rendered desk pages: every value passes html.escape; no inline script or style."""

import secrets
from collections.abc import Iterable
from html import escape
from urllib.parse import urlencode

from handlers.admin.roles import ADMIN, Actor
from handlers.campaigns import PRIMARY
from handlers.admin.stats import Overview
from handlers.admin.texts import ROLE_NAMES
from handlers.desk import texts
from handlers.desk.campaigns import CHOICE, Where


def e(value: object) -> str:
    """Escape for HTML text and attribute values."""
    return escape(str(value), quote=True)


def url(path: str, params: dict[str, str] | None = None) -> str:
    """A desk URL with query parameters, escaped for an attribute."""
    return e(path + ("?" + urlencode(params) if params else ""))


def link(path: str, where: Where | None, params: dict[str, str] | None = None) -> str:
    """A desk URL that stays on the page's campaign (its `chien_dich` parameter), escaped."""
    return url(path, {**(where.params() if where is not None else {}), **(params or {})})


def switcher(where: Where | None, path: str) -> str:
    """The campaign in use and, for the province's admins when there are several, a form to change it."""
    if where is None or not where.choices:
        return ""
    options = "".join(f'<option value="{e(k)}"{" selected" if k == where.key else ""}>{e(n)}</option>'
                      for k, n in where.choices)
    return (
        f'<form method="get" action="{e(path)}" class="switch"><label for="campaign">{e(texts.CAMPAIGN_SWITCH)}</label>'
        f'<select id="campaign" name="{CHOICE}">{options}</select>'
        f'<button type="submit">{e(texts.CAMPAIGN_SWITCH_GO)}</button></form>'
        f'<a href="/desk/chien-dich">{e(texts.NAV_CAMPAIGNS)}</a>'
    )


def layout(title: str, body: str, actor: Actor | None = None, csrf: str = "", head: str = "",
           where: Where | None = None, path: str = "/desk") -> str:
    """The page around `body`: header with navigation and Đăng xuất for a signed-in person.

    `head` adds trusted markup to <head> (a page's <meta> refresh), never a value from a request.
    `where` is the campaign the page works on: its links keep it, and the header names it and
    offers the others (at `path`) when the person may switch.
    """
    header = ""
    if actor is not None:
        who = texts.SIGNED_IN_AS.format(name=actor.label, role=ROLE_NAMES.get(actor.role, actor.role))
        campaign = (f'<p class="campaign">{e(texts.CAMPAIGN_NOW.format(name=where.name))}</p>'
                    if where is not None and (where.choices or where.key != PRIMARY) else "")
        header = (
            f'<header><a href="{link("/desk", where)}">{e(texts.NAV_OVERVIEW)}</a>'
            f'<a href="{link("/desk/cau-hoi", where)}">{e(texts.NAV_QUESTIONS)}</a>'
            + (f'<a href="{link("/desk/quan-tri", where)}">{e(texts.NAV_ADMIN)}</a>'
               f'<a href="{link("/desk/quan-tri/thong-bao", where)}">{e(texts.NAV_ANNOUNCEMENTS)}</a>'
               if actor.role == ADMIN else "")
            + f'<span>{e(who)}</span>'
            f'<form method="post" action="/desk/logout">{csrf_field(csrf)}'
            f'<button type="submit">{e(texts.LOGOUT)}</button></form>'
            + (f'<div class="campaigns">{campaign}{switcher(where, path)}</div>' if campaign else "")
            + "</header>"
        )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">' + head +
        f'<title>{e(title)} — {e(texts.TITLE)}</title><link rel="stylesheet" href="/desk/static/desk.css">'
        f'</head><body>{header}<main><h1>{e(title)}</h1>{body}</main></body></html>'
    )


ONCE = "lan"  # the form field of a form's one-time token (bot/desk/routes.py: a reload does not act twice)


def csrf_field(token: str) -> str:
    """The hidden fields every form carries: the session's CSRF token and a token of its own, used once."""
    return (f'<input type="hidden" name="csrf" value="{e(token)}">'
            f'<input type="hidden" name="{ONCE}" value="{secrets.token_urlsafe(16)}">')


def message(title: str, lines: Iterable[str], kind: str = "notice") -> str:
    """A page with a few sentences (refusals, logout)."""
    paragraphs = "".join(f"<p>{e(line)}</p>" for line in lines)
    return layout(title, f'<div class="{e(kind)}" role="alert">{paragraphs}</div>')


def notes(lines: Iterable[str], kind: str = "notice") -> str:
    """What a handler said after an action."""
    items = [line for line in lines if line]
    if not items:
        return ""
    return f'<div class="{e(kind)}" role="status">' + "".join(f'<p class="text">{e(x)}</p>' for x in items) + "</div>"


def login_confirm(token: str) -> str:
    """GET of a login link: a button that uses it (link previews only GET, so they cannot spend it)."""
    body = (
        f'<form method="post" action="/desk/login"><input type="hidden" name="token" value="{e(token)}">'
        f'<button type="submit">{e(texts.LOGIN_BUTTON)}</button></form>'
    )
    return layout(texts.TITLE, body)


def _table(caption: str, head: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in rows)
    heading = "".join(f'<th scope="col">{e(h)}</th>' for h in head)
    return f"<table><caption><h2>{e(caption)}</h2></caption><thead><tr>{heading}</tr></thead><tbody>{cells}</tbody></table>"


def overview(view: Overview, actor: Actor, csrf: str, where: Where | None = None) -> str:
    """The campaign at a glance."""
    scope = texts.OVERVIEW_SCOPE.format(scope=view.scope or texts.OVERVIEW_ALL)
    cards = [(texts.TOTAL, view.total), (texts.REVIEW, view.review), (texts.LATE, view.late),
             (texts.ANSWERED, view.answered), (texts.RATED_GOOD, view.ratings.get("good", 0)),
             (texts.RATED_BAD, view.ratings.get("bad", 0))]
    units = [*view.units, *([(texts.NO_UNIT, view.no_unit, "")] if view.no_unit else [])]
    body = (
        f'<p>{e(scope)}</p><p class="notice">{e(view.countdown)}</p>'
        f'<section aria-label="{e(texts.TOTALS)}" class="cards">'
        + "".join(f'<div class="card"><strong>{e(n)}</strong>{e(label)}</div>' for label, n in cards)
        + '</section><div class="grid2">'
        + _table(texts.BY_TOPIC, (texts.COL_NAME, texts.COL_COUNT), view.topics)
        + _table(texts.BY_CHANNEL, (texts.COL_NAME, texts.COL_COUNT), view.channels)
        + _table(texts.BY_DAY, (texts.COL_TIME, texts.COL_COUNT), view.days)
        + "</div>"
        + _table(texts.BY_UNIT, (texts.COL_NAME, texts.COL_COUNT, texts.COL_ALLOCATION), units)
        + f'<h2>{e(texts.CHART)}</h2><img class="chart" src="{link("/desk/chart.png", where)}" alt="{e(texts.CHART)}">'
    )
    return layout(texts.NAV_OVERVIEW, body, actor, csrf, where=where, path="/desk")
