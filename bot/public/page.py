"""The public page's HTML: server-rendered, every value escaped, no script, one stylesheet."""

from html import escape
from urllib.parse import quote

from handlers import texts
from handlers.publication import Entry, PublicView
from handlers.settings import Settings

STYLESHEET = "/cong-khai/static/public.css"


def e(value: object) -> str:
    """Escape for HTML text and attribute values."""
    return escape(str(value), quote=True)


def _entry(settings: Settings, entry: Entry) -> str:
    date = entry.answered_at.astimezone(settings.campaign.zone).strftime("%d/%m/%Y")
    by = (texts.PUBLIC_ANSWERED_BY.format(departments=entry.departments, date=date) if entry.departments
          else texts.PUBLIC_ANSWERED_ON.format(date=date))
    return (
        f'<article><h3 class="q"><span class="tag">{e(texts.PUBLIC_QUESTION)}</span> {e(entry.text)}</h3>'
        f'<div class="a"><span class="tag">{e(texts.PUBLIC_ANSWER)}</span><p>{e(entry.answer)}</p></div>'
        f'<p class="by">{e(by)}</p></article>'
    )


def _search(view: PublicView, path: str) -> str:
    return (
        f'<form method="get" action="{e(path)}" role="search"><label for="q">{e(texts.PUBLIC_SEARCH_LABEL)}</label>'
        f'<div class="row"><input id="q" name="q" type="search" value="{e(view.query)}" '
        f'placeholder="{e(texts.PUBLIC_SEARCH_PLACEHOLDER)}" maxlength="200">'
        f'<button type="submit">{e(texts.PUBLIC_SEARCH_BUTTON)}</button></div></form>'
    )


def _results(settings: Settings, view: PublicView, path: str) -> str:
    count = sum(len(s.entries) for s in view.sections)
    head = ""
    if view.query:
        found = texts.PUBLIC_FOUND if count else texts.PUBLIC_NONE_FOUND
        head = (f'<p class="found" role="status">{e(found.format(count=count, query=view.query))} '
                f'<a href="{e(path)}">{e(texts.PUBLIC_SHOW_ALL)}</a></p>')
    elif not view.total:
        return f'<p class="found">{e(texts.PUBLIC_NONE)}</p>'
    toc = ""
    if len(view.sections) > 1:
        links = "".join(f'<li><a href="#chu-de-{i}">{e(s.topic)} ({len(s.entries)})</a></li>'
                        for i, s in enumerate(view.sections, 1))
        toc = f'<nav aria-label="{e(texts.PUBLIC_TOPICS)}"><ul class="toc">{links}</ul></nav>'
    sections = "".join(
        f'<section id="chu-de-{i}"><h2>{e(s.topic)}</h2>{"".join(_entry(settings, x) for x in s.entries)}</section>'
        for i, s in enumerate(view.sections, 1)
    )
    return head + toc + sections


def public_page(settings: Settings, view: PublicView, path: str) -> str:
    """The whole page: title and description for search engines, search box, questions by topic."""
    campaign = settings.campaign
    title = texts.PUBLIC_PAGE_TITLE.format(campaign=campaign.name)
    description = texts.PUBLIC_PAGE_DESCRIPTION.format(campaign=campaign.name)
    canonical = path + (f"?q={quote(view.query)}" if view.query else "")
    organizer = f'<p class="org">{e(campaign.organizer)}</p>' if campaign.organizer else ""
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)}</title><meta name="description" content="{e(description)}">'
        f'<link rel="canonical" href="{e(canonical)}"><link rel="stylesheet" href="{STYLESHEET}">'
        '<link rel="icon" href="data:,">'  # no /favicon.ico request, a 404 on every visit
        f'</head><body><header>{organizer}<h1>{e(title)}</h1><p>{e(description)}</p>'
        f'<p><a href="/">{e(texts.PUBLIC_ASK)}</a></p></header>'
        f'<main>{_search(view, path)}{_results(settings, view, path)}</main></body></html>'
    )
