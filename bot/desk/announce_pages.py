"""The admins' announcements page: each /thongbao with its progress, «Tiếp tục gửi» for a paused one."""

from handlers.admin.roles import Actor
from handlers.desk import texts
from handlers.desk.announcements import DONE, PAUSED, Announcement
from handlers.desk.listing import stamp
from handlers.settings import Settings
from bot.desk.pages import csrf_field, e, layout, link, notes
from handlers.desk.campaigns import Where

PATH = "/desk/quan-tri/thong-bao"
RESUME_PATH = f"{PATH}/tiep-tuc"
REFRESH_SECONDS = 10
COLUMNS = (
    (texts.COL_ANN_TEXT, ""), (texts.COL_ANN_TARGET, ""), (texts.COL_ANN_STARTED, ""), (texts.COL_ANN_BY, ""),
    (texts.COL_ANN_SENT, "num"), (texts.COL_ANN_FAILED, "num"), (texts.COL_ANN_WAITING, "num"),
    (texts.COL_STATUS, ""), (texts.COL_ACTION, ""),
)


def _resume(settings: Settings, item: Announcement, csrf: str, where: Where | None) -> str:
    if item.status != PAUSED:
        return ""
    label = texts.ANN_RESUME_LABEL.format(time=stamp(settings, item.started))
    return (
        f'<form method="post" action="{link(RESUME_PATH, where)}">{csrf_field(csrf)}'
        f'<input type="hidden" name="run" value="{e(item.run)}">'
        f'<button type="submit" aria-label="{e(label)}">{e(texts.ANN_RESUME)}</button></form>'
    )


def _row(settings: Settings, item: Announcement, csrf: str, where: Where | None) -> str:
    values = (item.text, item.target, stamp(settings, item.started), item.by, item.sent, item.failed, item.waiting)
    cells = "".join(
        f'<td data-label="{e(head)}"' + (f' class="{kind}"' if kind else "") + f">{e(value)}</td>"
        for (head, kind), value in zip(COLUMNS, values)
    )
    state = f'<td data-label="{e(texts.COL_STATUS)}"><strong class="state-{e(item.status)}">{e(item.label)}</strong></td>'
    action = f'<td data-label="{e(texts.COL_ACTION)}">{_resume(settings, item, csrf, where)}</td>'
    return f"<tr>{cells}{state}{action}</tr>"


def announcements_page(settings: Settings, items: list[Announcement], actor: Actor, csrf: str, said: list[str],
                       where: Where | None = None) -> str:
    """The table (a caption, column headers; stacked with labels on a phone), refreshed while one is unfinished."""
    unfinished = any(item.status != DONE for item in items)
    head = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}; url={link(PATH, where)}">' if unfinished else ""
    if items:
        heading = "".join(f'<th scope="col">{e(h)}</th>' for h, _ in COLUMNS)
        rows = "".join(_row(settings, item, csrf, where) for item in items)
        table = (f'<table class="stack"><caption>{e(texts.ANN_CAPTION)}</caption>'
                 f"<thead><tr>{heading}</tr></thead><tbody>{rows}</tbody></table>")
    else:
        table = f"<p>{e(texts.ANN_NONE)}</p>"
    refresh = f'<p class="muted">{e(texts.ANN_REFRESH.format(seconds=REFRESH_SECONDS))}</p>' if unfinished else ""
    body = (notes(said) + f'<p>{e(texts.ANN_HOW)} <a href="{link("/desk/quan-tri", where)}">{e(texts.NAV_ADMIN)}</a></p>'
            + refresh + table)
    return layout(texts.ANN_TITLE, body, actor, csrf, head, where, PATH)
