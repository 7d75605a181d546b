"""The staff desk: runs before the youth conversation and takes what is not a youth's business."""

import logging
from datetime import datetime

from handlers.admin import answers, importing, texts, working
from handlers.admin.commands import BUTTONS, COMMANDS, help_text
from handlers.admin.context import Act, Seams
from handlers.admin.roles import resolve
from handlers.settings import Settings
from handlers.types import IncomingMessage, Kind, Reply
from storage import UnitOfWork

log = logging.getLogger(__name__)

STAFF_HELP = {"start", "trogiup", "help"}


class AdminDesk:
    """Decides whether a message is a staff action, a rating, or from a blocked chat."""

    def __init__(self, seams: Seams | None = None) -> None:
        self.seams = seams or Seams()

    async def handle(
        self, msg: IncomingMessage, uow: UnitOfWork, settings: Settings, now: datetime
    ) -> list[Reply] | None:
        """The replies when the desk handled `msg`; None to let the youth conversation have it.

        `settings` are the province's; a staff message works on the actor's campaign (working.py)."""
        actor = await resolve(settings, uow, msg.address)
        act = Act(msg=msg, uow=uow, settings=settings, now=now, actor=actor, seams=self.seams)
        if actor.is_staff:
            act.settings = await working.settings_for(settings, uow, actor, act.chat_key)
            handled = await self._staff(act)
        else:
            handled = await self._youth(act)
        return act.replies if handled else None

    async def _staff(self, act: Act) -> bool:
        msg = act.msg
        pending = await act.uow.admin.pending(act.chat_key)
        if msg.kind is Kind.COMMAND:
            name = msg.command or ""
            if name == "huy" and pending is not None:
                await act.uow.admin.clear_pending(act.chat_key)
                act.say(texts.CANCELLED)
            elif name in COMMANDS:
                await self._command(act, name)
            elif name in STAFF_HELP:
                act.say(help_text(act.actor.role, act.actor.province_wide))
            else:
                return False
            return True
        if msg.kind is Kind.BUTTON:
            return await self._button(act, msg.button_data or "")
        if pending is not None and pending.kind == answers.PENDING_ANSWER:
            await answers.answer_text(act, dict(pending.payload))
        elif msg.attachments and (pending is not None and pending.kind == importing.PENDING_IMPORT or _caption_is_import(msg)):
            if pending is None:
                await self._command(act, "nhap")  # a file captioned /nhap: the role check still applies
            else:
                await importing.import_file(act)
        elif pending is not None and pending.kind == importing.PENDING_IMPORT:
            act.say(texts.IMPORT_NEED_FILE)
        else:
            act.say(help_text(act.actor.role, act.actor.province_wide))
        return True

    async def _command(self, act: Act, name: str) -> None:
        command = COMMANDS[name]
        if act.actor.role not in command.roles or command.province and not act.actor.province_wide:
            await refuse(act, name)
            return
        log.info("staff command /%s by %s (%s)", name, act.actor.role, act.msg.address.channel)
        await command.run(act)

    async def _button(self, act: Act, data: str) -> bool:
        prefix, _, rest = data.partition(":")
        if prefix != "adm":
            return False
        roles_and_handler = BUTTONS.get(rest.split(":", 1)[0])
        if roles_and_handler is None:
            act.say(texts.STALE)
        elif act.actor.role not in roles_and_handler[0]:
            await refuse(act, f"button {data[:40]}")
        else:
            await roles_and_handler[1](act, data)
        return True

    async def _youth(self, act: Act) -> bool:
        msg = act.msg
        address = msg.address
        if await act.uow.admin.is_blocked(address.channel, address.chat_id) and not await _erasing(act):
            text = msg.text or msg.button_data or f"[{msg.unsupported_kind or msg.kind.value}]"
            await act.uow.admin.keep_blocked_message(address.channel, address.chat_id, text, act.now)
            log.info("message from a blocked chat on %s kept, not answered", address.channel)
            return True
        if msg.kind is Kind.COMMAND and (msg.command or "") in COMMANDS:
            await refuse(act, msg.command or "")
            return True
        if msg.kind is Kind.BUTTON:
            data = msg.button_data or ""
            if data.startswith("adm:"):
                await refuse(act, f"button {data[:40]}")
                return True
            if data.startswith("rate:"):
                await answers.rate_button(act, data)
                return True
            return False
        pending = await act.uow.admin.pending(act.chat_key)
        if pending is None or pending.kind != answers.PENDING_COMMENT:
            return False
        if msg.kind is Kind.TEXT and msg.text.strip():
            await answers.comment_text(act, dict(pending.payload))
            return True
        await act.uow.admin.clear_pending(act.chat_key)  # moved on: no comment
        return False


async def refuse(act: Act, what: str) -> None:
    """A polite refusal that reveals nothing, and an audit line."""
    log.info("refused %s for a %s on %s", what, act.actor.role, act.msg.address.channel)
    await act.audit(what.split(" ", 1)[0] if not what.startswith("button") else "button", detail=what, allowed=False)
    act.say(texts.FORBIDDEN)


async def _erasing(act: Act) -> bool:
    """A blocked youth may still erase their data: /xoa and the answer to its question pass the block."""
    msg = act.msg
    if msg.kind is Kind.COMMAND:
        return msg.command == "xoa"
    if msg.kind is Kind.BUTTON:
        return (msg.button_data or "").startswith("del:")
    state = await act.uow.states.get(act.chat_key)
    return state is not None and state.step == "delete"  # a typed choice on a channel without buttons


def _caption_is_import(msg: IncomingMessage) -> bool:
    return msg.text.strip().lower().startswith("/nhap")


