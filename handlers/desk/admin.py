"""The desk's admin tools run the chat commands themselves: same parsing, checks, audit and replies."""

from handlers.admin import importing, texts as admin_texts
from handlers.admin.commands import BUTTONS, COMMANDS
from handlers.admin.context import Act
from handlers.admin.desk import refuse
from handlers.desk.campaigns import mine
from handlers.types import Attachment, IncomingMessage, Kind
from storage.models_admin import AuditEntry

# The commands the admin page offers, in its order, with the usage line shown as the field's hint.
TOOLS: tuple[tuple[str, str], ...] = (
    ("thongbao", admin_texts.ANNOUNCE_USAGE),
    ("cap_quyen", admin_texts.GRANT_USAGE),
    ("thu_quyen", admin_texts.REVOKE_USAGE),
    ("chien_dich", admin_texts.CAMPAIGN_USAGE),
    ("chan", admin_texts.BLOCK_USAGE),
    ("bo_chan", admin_texts.UNBLOCK_USAGE),
)
MAX_UPLOAD = importing.MAX_BYTES


async def run_command(act: Act, name: str, args: str, attachments: tuple[Attachment, ...] = ()) -> None:
    """Run /name args as if typed in the person's chat (refused politely when their role may not)."""
    command = COMMANDS.get(name)
    if command is None or act.actor.role not in command.roles:
        await refuse(act, name[:32])
        return
    text = f"/{name} {args}".strip()
    act.msg = IncomingMessage(address=act.actor.address, kind=Kind.COMMAND, text=text, command=name,
                              args=args.strip(), attachments=attachments)
    await command.run(act)


async def press(act: Act, data: str) -> None:
    """A staff button from a reply (adm:…), as the chat's button press."""
    prefix, _, rest = data.partition(":")
    found = BUTTONS.get(rest.split(":", 1)[0]) if prefix == "adm" else None
    if found is None or act.actor.role not in found[0]:
        await refuse(act, f"button {data[:40]}")
        return
    act.msg = IncomingMessage(address=act.actor.address, kind=Kind.BUTTON, button_data=data)
    await found[1](act, data)


async def upload(act: Act, attachment: Attachment) -> None:
    """/nhap with the uploaded file: all rows or none, with line errors."""
    await run_command(act, "nhap", "", (attachment,))


async def audit_log(act: Act, limit: int = 200, staff: set[str] | None = None) -> list[AuditEntry]:
    """The latest audit lines (admins only; the page checks), itself audited; with `staff`, only the
    campaign's lines (handlers/desk/campaigns.own_staff)."""
    await act.audit("nhat_ky", detail="desk")
    if staff is None:
        return list(await act.uow.admin.audit_log(limit))
    lines = await act.uow.admin.audit_log(limit * 5)
    return [a for a in lines if mine(a.question_code, a.actor, act.settings, staff)][:limit]
