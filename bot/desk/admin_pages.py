"""The admins' page: each chat command as a form, reply buttons as forms, the import upload, the audit log."""

from handlers.admin.roles import Actor
from handlers.desk import texts
from handlers.desk.admin import TOOLS
from handlers.settings import Settings
from handlers.types import Reply
from storage.models_admin import AuditEntry
from bot.desk.announce_pages import PATH
from bot.desk.pages import csrf_field, e, layout, link, notes
from handlers.desk.campaigns import Where
from handlers.desk.listing import stamp


def _buttons(replies: list[Reply], csrf: str, where: Where | None) -> str:
    """Staff buttons of the replies (adm:…, e.g. an announcement's Gửi/Hủy) as small forms."""
    forms = [
        f'<form method="post" action="{link("/desk/quan-tri/nut", where)}">{csrf_field(csrf)}'
        f'<input type="hidden" name="data" value="{e(b.data)}"><button type="submit">{e(b.label)}</button></form>'
        for reply in replies for b in reply.flat_buttons() if b.data.startswith("adm:")
    ]
    return f'<div class="cards">{"".join(forms)}</div>' if forms else ""


def _tool(name: str, usage: str, csrf: str, where: Where | None) -> str:
    return (
        f'<form method="post" action="{link("/desk/quan-tri/lenh", where)}">{csrf_field(csrf)}'
        f'<input type="hidden" name="lenh" value="{e(name)}">'
        f'<label for="t-{e(name)}">{e(texts.ADMIN_ARGS.format(name=name))}</label>'
        f'<p class="muted" id="h-{e(name)}">{e(usage)}</p>'
        f'<textarea id="t-{e(name)}" name="tham_so" aria-describedby="h-{e(name)}" rows="2"></textarea>'
        f'<p><button type="submit">{e(texts.ADMIN_RUN.format(name=name))}</button></p></form>'
    )


def _audit(settings: Settings, lines: list[AuditEntry]) -> str:
    head = (texts.COL_TIME, texts.COL_ACTOR, texts.COL_ROLE, texts.COL_ACTION, texts.COL_CODE, texts.COL_DETAIL,
            texts.COL_ALLOWED)
    rows = "".join(
        "<tr>" + "".join(f"<td>{e(v)}</td>" for v in (
            stamp(settings, a.created_at), a.actor, a.role, a.action, a.question_code or "", a.detail,
            texts.YES if a.allowed else texts.NO)) + "</tr>"
        for a in lines
    )
    heading = "".join(f'<th scope="col">{e(h)}</th>' for h in head)
    return f"<table><thead><tr>{heading}</tr></thead><tbody>{rows}</tbody></table>"


def _campaigns(where: Where | None) -> str:
    """For the province's admins: the overview of every campaign and «Tạo chiến dịch»."""
    if where is None or not where.wide:
        return ""
    return (f'<h2>{e(texts.NAV_CAMPAIGNS)}</h2><p><a href="/desk/chien-dich">{e(texts.CAMPAIGNS_TITLE)}</a> · '
            f'<a href="/desk/chien-dich/tao">{e(texts.CREATE_TITLE)}</a></p>')


def admin_page(settings: Settings, actor: Actor, csrf: str, replies: list[Reply], audit: list[AuditEntry],
               announced: bool = False, where: Where | None = None) -> str:
    """The page, with what the last command said on top (and, after «Gửi», where to follow it)."""
    upload = (
        f'<form method="post" action="{link("/desk/quan-tri/nhap", where)}" enctype="multipart/form-data">{csrf_field(csrf)}'
        f'<label for="file">{e(texts.ADMIN_IMPORT_FILE)}</label>'
        f'<input id="file" name="tep" type="file" accept=".xlsx,.csv" required>'
        f'<p><button type="submit">{e(texts.ADMIN_IMPORT_RUN)}</button></p></form>'
    )
    follow = f'<p><a href="{link(PATH, where)}">{e(texts.ANN_LINK)}</a></p>'
    body = (
        notes([r.text for r in replies]) + (follow if announced else "") + _buttons(replies, csrf, where)
        + _campaigns(where)
        + f'<h2>{e(texts.ADMIN_TOOLS)}</h2>{follow}<div class="grid2">'
        + "".join(_tool(name, usage, csrf, where) for name, usage in TOOLS) + "</div>"
        + f"<h2>{e(texts.ADMIN_IMPORT)}</h2>{upload}"
        + f"<h2>{e(texts.ADMIN_AUDIT)}</h2>{_audit(settings, audit)}"
    )
    return layout(texts.NAV_ADMIN, body, actor, csrf, where=where, path="/desk/quan-tri")
