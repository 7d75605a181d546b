"""The province's admins' pages: every campaign at a glance, and «Tạo chiến dịch» (phone first, no script)."""

from collections.abc import Mapping

from handlers.admin.args import parse_date
from handlers.admin.roles import Actor
from handlers.desk import texts
from handlers.desk.campaigns import CHOICE, Row, Where
from bot.desk.pages import csrf_field, e, layout, notes, url

PATH = "/desk/chien-dich"
CREATE_PATH = f"{PATH}/tao"
COLUMNS = (texts.COL_CAMPAIGN_KEY, texts.COL_CAMPAIGN_NAME, texts.COL_DIALOGUE, texts.COL_DEADLINE,
           texts.COL_QUESTIONS, texts.COL_LATE, texts.COL_ANSWERED, texts.COL_LINKS)


def _links(links: list[tuple[str, str]]) -> str:
    return "<ul class=\"links\">" + "".join(f"<li>{e(label)}: <code>{e(value)}</code></li>" for label, value in links) + "</ul>"


def _row(row: Row, links: list[tuple[str, str]]) -> str:
    state = texts.CAMPAIGN_OPEN if row.is_open else texts.CAMPAIGN_CLOSED
    name = (f'<a href="{url("/desk", {CHOICE: row.key})}">{e(row.name)}</a>'
            f'<br><span class="muted">{e(state)}</span>')
    values = (e(row.key), name, e(row.dialogue), e(row.deadline), e(row.questions), e(row.late), e(row.answered),
              _links(links))
    kinds = ("", "", "", "", "num", "num", "num", "")
    return "<tr>" + "".join(
        f'<td data-label="{e(head)}"' + (f' class="{kind}"' if kind else "") + f">{value}</td>"
        for head, kind, value in zip(COLUMNS, kinds, values)
    ) + "</tr>"


def overview_page(rows: list[Row], links: Mapping[str, list[tuple[str, str]]], actor: Actor, csrf: str,
                  where: Where | None) -> str:
    """One row per campaign (stacked with labels on a phone), each linking to its own desk."""
    heading = "".join(f'<th scope="col">{e(h)}</th>' for h in COLUMNS)
    body = (
        f'<p><a href="{CREATE_PATH}">{e(texts.CREATE_TITLE)}</a></p>'
        f'<table class="stack"><caption>{e(texts.CAMPAIGNS_CAPTION)}</caption><thead><tr>{heading}</tr></thead>'
        f'<tbody>{"".join(_row(row, links.get(row.key, [])) for row in rows)}</tbody></table>'
    )
    return layout(texts.CAMPAIGNS_TITLE, body, actor, csrf, where=where, path="/desk")


def _field(name: str, label: str, value: str, kind: str = "text", extra: str = "") -> str:
    return (f'<label for="c-{name}">{e(label)}</label>'
            f'<input id="c-{name}" name="{name}" type="{kind}" value="{e(value)}"{extra}>')


def _iso(typed: str) -> str:
    """A typed date as the date field shows it (yyyy-mm-dd); as typed when it is no date."""
    day = parse_date(typed) if typed.strip() else None
    return day.isoformat() if day is not None else typed


def create_page(typed: Mapping[str, str], problems: list[str], actor: Actor, csrf: str, where: Where | None) -> str:
    """The form, refilled with what was typed and the reasons above it after a refusal."""
    refused = notes([texts.CREATE_REFUSED, *problems], "error") if problems else ""
    form = (
        f'<form method="post" action="{CREATE_PATH}" class="create">{csrf_field(csrf)}'
        + _field("key", texts.CREATE_KEY, typed.get("key", ""), extra=' required maxlength="16" autocapitalize="none"')
        + _field("name", texts.CREATE_NAME, typed.get("name", ""), extra=' required maxlength="200"')
        + _field("theme", texts.CREATE_THEME, typed.get("theme", ""), extra=' maxlength="300"')
        + _field("dialogue_date", texts.CREATE_DIALOGUE, _iso(typed.get("dialogue_date", "")), "date", " required")
        + _field("deadline_days_before", texts.CREATE_DEADLINE, typed.get("deadline_days_before", "20"), "number",
                 ' min="0" max="365" inputmode="numeric"')
        + _field("receipt_prefix", texts.CREATE_PREFIX, typed.get("receipt_prefix", ""),
                 extra=' required maxlength="12" autocapitalize="characters"')
        + f'<label for="c-units">{e(texts.CREATE_UNITS)}</label>'
        f'<textarea id="c-units" name="units" rows="5" placeholder="{e(texts.CREATE_UNITS_EXAMPLE)}">'
        f'{e(typed.get("units", ""))}</textarea>'
        f'<p><button type="submit">{e(texts.CREATE_RUN)}</button></p></form>'
    )
    body = refused + f'<p class="muted">{e(texts.CREATE_HOW)}</p>' + form
    return layout(texts.CREATE_TITLE, body, actor, csrf, where=where, path="/desk")


def created_page(key: str, name: str, links: list[tuple[str, str]], actor: Actor, csrf: str,
                 where: Where | None) -> str:
    """What a new campaign is reached by, and a link to work on it."""
    body = (
        notes([texts.CREATE_DONE.format(name=name, key=key)])
        + f'<h2>{e(texts.CAMPAIGN_LINKS)}</h2>{_links(links)}'
        + f'<p><a href="{url("/desk", {CHOICE: key})}">{e(texts.CREATE_OPEN)}</a> · '
        f'<a href="{PATH}">{e(texts.CAMPAIGNS_TITLE)}</a></p>'
    )
    return layout(texts.CREATE_TITLE, body, actor, csrf, where=where, path="/desk")
