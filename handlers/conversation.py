"""The intake conversation as a table of steps, and the engine that runs one message through it.

Flow (also drawn in README.md):
  /start [campaign[-unit]] → greeting + notice → [Đồng ý] → (CAMPAIGN when several are open and no link)
    → UNIT → NAME → QUESTION → stored at once, receipt → IDLE
  /doithoai, a new link or a closed campaign's offer → CAMPAIGN → the chosen campaign's next step
  receipt «Đổi chủ đề» → PICK_TOPIC → IDLE;  a text soon after a question → FOLLOWUP → added or new → IDLE
  notice «Xem chi tiết» → the full notice (nothing stored);  /donvi or «Đổi đơn vị» → UNIT
"""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from handlers import asking, choices, joining, prompts, publication, steps, texts
from handlers.admin import AdminDesk, Seams, effective_settings
from handlers.campaigns import of as campaign_settings, parse_link, several
from handlers.sanitize import clean_text, collapse_spaces
from handlers.coordination import optin
from handlers.clock import Clock
from handlers.settings import Settings
from handlers.tagging import Tagger
from handlers.turn import Step, Turn
from handlers.types import IncomingMessage, Kind, Reply
from storage import UnitOfWork, Youth

log = logging.getLogger(__name__)

ButtonHandler = Callable[[Turn, str], Awaitable[None]]
TextHandler = Callable[[Turn, str], Awaitable[None]]


@dataclass(frozen=True)
class StepSpec:
    """What a step accepts: typed text, and buttons by their data prefix."""

    on_text: TextHandler | None
    buttons: dict[str, ButtonHandler] = field(default_factory=dict)


TABLE: dict[Step, StepSpec] = {
    Step.CAMPAIGN: StepSpec(on_text=steps.campaign_text, buttons={"camp": steps.campaign_chosen}),
    Step.UNIT: StepSpec(on_text=steps.unit_text, buttons={"unit": steps.unit_chosen}),
    Step.NAME: StepSpec(on_text=steps.name_text, buttons={"name": steps.name_anonymous}),  # no name is a number
    Step.QUESTION: StepSpec(on_text=asking.question_text),
    Step.PICK_TOPIC: StepSpec(on_text=asking.question_text, buttons={"retopic": asking.retopic}),
    Step.FOLLOWUP: StepSpec(on_text=asking.question_text, buttons={"more": asking.followup_button}),
    Step.IDLE: StepSpec(on_text=asking.question_text),  # typed "2" picks from the receipt's choices
    Step.DELETE: StepSpec(on_text=None, buttons={"del": steps.delete_button}),
}
# Buttons that stay valid from any step (they come from receipts).
GLOBAL_BUTTONS: dict[str, ButtonHandler] = {
    "again": steps.again, "mine": steps.mine, "remind": optin.answer, "retopic": asking.retopic,
    "more": asking.followup_button, "notice": steps.notice_again, "reunit": steps.change_unit,
    publication.PREFIX: publication.toggle, "camp": steps.campaign_chosen,
}
# Typed answers to the first screen's choices, before anything is stored (same order as its buttons).
NOTICE_CHOICES = [
    (texts.BTN_CONSENT_YES, "consent:yes"), (texts.BTN_CONSENT_NO, "consent:no"), (texts.BTN_NOTICE_FULL, "notice:full"),
]
# Their labels typed press them too, whatever was offered last (Zalo shows no buttons to press).
GLOBAL_LABELS = [[texts.BTN_ASK_ANOTHER, "again"], [texts.BTN_MY_QUESTIONS, "mine"]]


class Conversation:
    """Runs one incoming message through the step table inside the caller's transaction."""

    def __init__(
        self,
        settings: Settings,
        tagger: Tagger | None,
        clock: Clock,
        normalise: Callable[[str], str] | None = None,
    ) -> None:
        self.settings = settings
        self.tagger = tagger
        self.clock = clock
        self.normalise = normalise or collapse_spaces
        self.admin = AdminDesk(Seams(tagger=tagger, normalise=self.normalise))  # staff commands, ratings, blocks
        self.links = joining.LinkMemo()  # a deep link until consent, in memory only (typed «Đồng ý» on Zalo)

    async def handle(self, msg: IncomingMessage, uow: UnitOfWork) -> list[Reply]:
        """The replies to `msg`; state and data changes go into `uow`."""
        msg = replace(msg, text=clean_text(msg.text), args=clean_text(msg.args),
                      button_data=clean_text(msg.button_data) if msg.button_data is not None else None)
        address = msg.address
        now = self.clock.now()
        settings = await effective_settings(self.settings, uow)  # admins may move the dialogue date
        state = await uow.states.get(str(address)) if msg.is_private else None
        # A typed «1» or label presses the button last offered to this chat, for youth and staff alike.
        msg = choices.as_pressed(msg, state.data.get(choices.KEY, []) if state is not None else [])
        if state is not None:
            msg = choices.as_pressed_label(msg, GLOBAL_LABELS)
        if msg.is_private:
            handled = await self.admin.handle(msg, uow, settings, now)
            if handled is not None:
                await _end_append_window(uow, str(address), now)  # a rating is an action too
                await choices.remember(uow, choices.recipients(handled, address), handled, address, now)
                return handled
        youth = await uow.youth.get(address.channel, address.chat_id)
        if youth is not None and youth.campaign != settings.key:  # a local campaign's youth: its dates and units
            settings = await campaign_settings(self.settings, uow, youth.campaign) or await _gone(uow, youth, settings)
        turn = Turn(
            msg=msg,
            uow=uow,
            settings=settings,
            tagger=self.tagger,
            now=now,
            youth=youth,
            normalise=self.normalise,
        )
        legacy = False
        if youth is not None and state is not None:
            turn.step, turn.data = Step.stored(state.step), dict(state.data)
        if youth is not None:
            legacy = await asking.store_legacy_draft(turn)
        if not msg.is_private:
            turn.say(texts.GROUP_CHAT)
            return turn.replies
        if not (legacy and (msg.button_data or "").startswith("topic:")):  # «Đúng» of the old confirm step
            await self._route(turn)
        if turn.erased:  # channels keeping a copy of the conversation (the web page) forget it
            turn.replies = [replace(r, erased=True) if r.address is None else r for r in turn.replies]
        if turn.youth is not None and not turn.erased:
            turn.data[choices.KEY] = choices.offered(turn.replies, turn.data.get(choices.KEY, []), address, address)
            await uow.states.put(turn.chat_key, turn.step.value, turn.data, turn.now)
        others = [chat for chat in choices.recipients(turn.replies, address) if chat != address]
        await choices.remember(uow, others, turn.replies, address, now)
        return turn.replies

    async def _route(self, turn: Turn) -> None:
        msg = turn.msg
        if turn.youth is not None:
            await self._before_anything_else(turn)
        if msg.kind is Kind.COMMAND:
            await self._command(turn, msg.command or "", msg.args)
        elif turn.youth is None:
            await self._before_consent(turn)
        elif msg.kind is Kind.BUTTON:
            await self._button(turn, msg.button_data or "")
        elif msg.kind is Kind.TEXT:
            await self._text(turn, msg.text)
        else:
            kind = texts.UNSUPPORTED_KINDS.get(msg.unsupported_kind or "", texts.UNSUPPORTED_DEFAULT)
            turn.say(texts.UNSUPPORTED.format(kind=kind))
            prompts.prompt(turn)

    async def _before_anything_else(self, turn: Turn) -> None:
        """Settle a follow-up the youth did not answer; any action but text ends the append window."""
        msg = turn.msg
        if turn.step is Step.FOLLOWUP:
            data = msg.button_data or ""
            if msg.kind is Kind.TEXT:
                data = choices.match_choice(msg.text, turn.data.get(choices.KEY, [])) or ""
            if not data.startswith("more:"):
                await asking.settle_here(turn)
        if msg.kind is not Kind.TEXT:
            turn.data.pop(asking.RECENT, None)

    async def _before_consent(self, turn: Turn) -> None:
        """Nothing is stored until the youth presses «Đồng ý» (a link's campaign rides on its buttons)."""
        msg = turn.msg
        data = msg.button_data or ""
        link = self.links.get(turn.chat_key)
        if msg.kind is Kind.TEXT:
            data = choices.match_choice(msg.text, NOTICE_CHOICES) or ""  # nothing is stored before consent
            if link and data in ("consent:yes", "notice:full"):  # typed: the greeting's link, kept in memory
                data = f"{data}:{link}"
        if data.startswith("consent:"):
            self.links.forget(turn.chat_key)
            await steps.consent(turn, data)
            return
        if data.startswith("notice:full"):  # «Xem chi tiết»: the whole notice, then the choice again
            where = await joining.arrival(turn, data.split(":", 2)[2] if data.count(":") >= 2 else "")
            prompts.full_notice(turn, where.payload, ask=True)
            return
        if msg.kind is Kind.TEXT:
            turn.say(texts.CONSENT_REQUIRED)
        await joining.greet(turn, link)

    async def _button(self, turn: Turn, data: str) -> None:
        prefix = data.split(":", 1)[0]
        handler = TABLE[turn.step].buttons.get(prefix) or GLOBAL_BUTTONS.get(prefix)
        if prefix == "consent":
            handler = None  # already consented: an old notice button
        await (handler or steps.stale)(turn, data)

    async def _text(self, turn: Turn, text: str) -> None:
        spec = TABLE[turn.step]  # a typed choice arrived as a button press (handle)
        if spec.on_text is not None:
            await spec.on_text(turn, text)
        else:
            turn.say(texts.CHOICE_UNKNOWN)
            prompts.prompt(turn)

    async def _command(self, turn: Turn, command: str, args: str) -> None:
        match command:
            case "start":
                await self._start(turn, args.strip())
            case "cauhoi":
                await steps.mine(turn)
            case "xoa":
                await self._delete(turn)
            case "huy":
                self._cancel(turn)
            case "donvi":
                await steps.change_unit(turn)
            case "doithoai":
                await steps.choose_campaign(turn)
            case "trogiup" | "help":
                campaign = turn.settings.campaign
                more = texts.HELP_CAMPAIGNS if await several(self.settings, turn.uow) else ""
                turn.say(texts.HELP.format(time=prompts.time_text(turn), campaign=campaign.name, theme=campaign.theme,
                                           more=more))
            case _:
                turn.say(texts.UNKNOWN_COMMAND.format(command=command[:32]))

    async def _start(self, turn: Turn, payload: str) -> None:
        """/start [KEY[-UNIT] | UNIT]: the greeting; for a consented youth a link to another campaign switches."""
        if turn.youth is None:
            where = await joining.greet(turn, payload)
            self.links.put(turn.chat_key, where.payload)
            return
        key, unit_code = parse_link(payload, await turn.campaigns()) if payload else (None, None)
        if key is not None and key != turn.settings.key:
            await steps.join(turn, key, unit_code)
            return
        unit = turn.settings.unit(unit_code) if unit_code else None
        if unit is not None:
            turn.youth.unit_code = unit.code
            await turn.uow.youth.save(turn.youth)
        prompts.greeting_short(turn)
        others = await joining.others_open(turn)
        if others:
            joining.say_closed(turn, others, stored=False)
        await steps.flow_next(turn)

    async def _delete(self, turn: Turn) -> None:
        if turn.youth is None or turn.youth.id is None:  # a blocked chat that never consented may have kept messages
            self.links.forget(turn.chat_key)
            address = turn.msg.address
            kept = await turn.uow.youth.erase_chat(address.channel, address.chat_id)
            turn.say(texts.DELETED_KEPT_MESSAGES.format(count=kept) if kept else texts.DELETE_NOTHING)
            return
        if turn.step is not Step.DELETE:
            turn.data["return_step"] = turn.step.value
        turn.data["delete_count"] = await turn.uow.questions.count_of_youth(turn.youth.id)
        turn.data["delete_items"] = prompts.stored_items(turn.youth, turn.data["delete_count"])
        turn.step = Step.DELETE
        prompts.prompt(turn)

    def _cancel(self, turn: Turn) -> None:
        if turn.youth is None or turn.step is Step.IDLE:
            turn.say(texts.NOTHING_TO_CANCEL)
            return
        turn.data.pop("return_step", None)
        turn.data.pop(asking.RETOPIC, None)
        turn.step = Step.IDLE
        turn.say(texts.CANCELLED)


async def _gone(uow: UnitOfWork, youth: Youth, province: Settings) -> Settings:
    """The youth's campaign is no longer in the registry (removed from the file, or left out): they
    take part in the province's from now on, their unit asked again if it is not one of its units."""
    log.warning("campaign %s of a youth on %s no longer exists: moved to the province's", youth.campaign, youth.channel)
    youth.campaign = province.key
    if youth.unit_code and province.unit(youth.unit_code) is None:
        youth.unit_code = None
    await uow.youth.save(youth)
    return province


async def _end_append_window(uow: UnitOfWork, chat_key: str, now: datetime) -> None:
    """After an action the conversation did not see, the next text is not a follow-up."""
    state = await uow.states.get(chat_key)
    if state is not None and asking.RECENT in state.data:
        data = {k: v for k, v in state.data.items() if k != asking.RECENT}
        await uow.states.put(chat_key, state.step, data, now)
