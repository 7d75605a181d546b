"""The public page's HTML: server-rendered, every value escaped, no script, one stylesheet."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class Listed:
    """A campaign in the page's list of dialogues."""

    key: str
    name: str
    path: str
    dialogue: date


def _campaigns(listed: Sequence[Listed], current: str) -> str:
    """Links to every campaign's page (only when there are several)."""
    if len(listed) < 2:
        return ""
    here = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{e(c.path)}"{here if c.key == current else ""}>{e(c.name)}</a> '
        f'<span class="when">{e(c.dialogue.strftime("%d/%m/%Y"))}</span></li>'
        for c in listed
    )
    return f'<nav aria-label="{e(texts.PUBLIC_CAMPAIGNS)}" class="campaigns"><h2>{e(texts.PUBLIC_CAMPAIGNS)}</h2><ul>{items}</ul></nav>'


def _document(title: str, description: str, canonical: str, header: str, main: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)}</title><meta name="description" content="{e(description)}">'
        f'<link rel="canonical" href="{e(canonical)}"><link rel="stylesheet" href="{STYLESHEET}">'
        '<link rel="icon" href="data:,">'  # no /favicon.ico request, a 404 on every visit
        f'</head><body><header>{header}</header><main>{main}</main></body></html>'
    )


def public_page(settings: Settings, view: PublicView, path: str, listed: Sequence[Listed] = (), ask: str = "/") -> str:
    """The whole page: title and description for search engines, the campaign's name and dialogue
    date, search box, questions by topic, and the other campaigns' pages."""
    campaign = settings.campaign
    title = texts.PUBLIC_PAGE_TITLE.format(campaign=campaign.name)
    description = texts.PUBLIC_PAGE_DESCRIPTION.format(campaign=campaign.name)
    canonical = path + (f"?q={quote(view.query)}" if view.query else "")
    organizer = f'<p class="org">{e(campaign.organizer)}</p>' if campaign.organizer else ""
    dialogue = texts.PUBLIC_DIALOGUE.format(date=campaign.dialogue_date.strftime("%d/%m/%Y"))
    header = (f'{organizer}<h1>{e(title)}</h1><p class="when">{e(dialogue)}</p><p>{e(description)}</p>'
              f'<p><a href="{e(ask)}">{e(texts.PUBLIC_ASK)}</a></p>')
    main = _search(view, path) + _results(settings, view, path) + _campaigns(listed, settings.key)
    return _document(title, description, canonical, header, main)


def unknown_page(key: str, listed: Sequence[Listed], path: str) -> str:
    """The 404 of a campaign key no campaign has: what happened, and the pages there are."""
    title = texts.PUBLIC_UNKNOWN_TITLE
    main = f'<p class="found" role="alert">{e(texts.PUBLIC_UNKNOWN.format(key=key))}</p>'
    items = "".join(f'<li><a href="{e(c.path)}">{e(c.name)}</a></li>' for c in listed)
    main += f'<nav aria-label="{e(texts.PUBLIC_CAMPAIGNS)}"><h2>{e(texts.PUBLIC_CAMPAIGNS)}</h2><ul>{items}</ul></nav>'
    return _document(title, title, path, f"<h1>{e(title)}</h1>", main)
