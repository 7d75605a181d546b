"""/chan, /bo_chan (spammers), /cap_quyen, /thu_quyen (roles) and /nhat_ky (the audit log)."""

import logging

from handlers.admin import texts
from handlers.admin.args import looks_like_code
from handlers.admin.context import Act, notify
from handlers.admin.roles import ADMIN, COORDINATOR, parse_address, resolve
from handlers.campaigns import PRIMARY
from handlers.scope import ALL, Scope, ScopeError, covers, entry, label, parse
from handlers.types import Address
from storage.models_admin import RoleGrant

log = logging.getLogger(__name__)


async def _role_changed(act: Act, address: Address) -> None:
    """Tell the app the chat's role now (config wins over a stored grant): it republishes the menu."""
    actor = await resolve(act.settings.province, act.uow, address)
    notify(act.seams.role_listeners, address, actor.role, actor.province_wide)


def _grant_campaign(act: Act) -> str | None:
    """The campaign a grant made now is stored in: the working one (None: the province's)."""
    return None if act.settings.key == PRIMARY else act.settings.key


async def _foreign(act: Act, address: Address) -> bool:
    """Whether a local campaign's admin is touching a role of another campaign (refused, said why)."""
    if act.actor.province_wide:
        return False
    existing = await act.uow.admin.grant(address.channel, address.chat_id)
    if existing is None or existing.campaign == _grant_campaign(act):
        return False
    await act.audit("cap_quyen", detail=f"{address}: a role of another campaign", allowed=False)
    act.say(texts.GRANT_OTHER_CAMPAIGN)
    return True


async def _target(act: Act, text: str) -> Address | None:
    """A person by the receipt code of one of their questions (in the working campaign and the
    actor's scope), or channel:chat_id."""
    text = text.strip()
    if looks_like_code(text):
        question = await act.uow.questions.by_code(text)
        if question is not None and not covers(act.scope, question):
            question = None  # another campaign's or out of scope: as if unknown
        youth = await act.uow.admin.youth_by_id(question.youth_id) if question and question.youth_id else None
        return Address(youth.channel, youth.chat_id) if youth else None
    return parse_address(text)


async def block(act: Act) -> None:
    """/chan MÃ | kênh:id."""
    await _set_block(act, blocked=True)


async def unblock(act: Act) -> None:
    """/bo_chan MÃ | kênh:id."""
    await _set_block(act, blocked=False)


async def _set_block(act: Act, *, blocked: bool) -> None:
    target = act.msg.args.strip()
    if not target:
        act.say(texts.USAGE.format(usage=texts.BLOCK_USAGE if blocked else texts.UNBLOCK_USAGE))
        return
    address = await _target(act, target)
    if address is not None and not act.actor.province_wide:  # a local admin: their campaign's youth only
        youth = await act.uow.youth.get(address.channel, address.chat_id)
        address = None if youth is not None and youth.campaign != act.settings.key else address
    if address is None:
        act.say(texts.WHO_UNKNOWN.format(target=target[:60]))
        return
    who = target if looks_like_code(target) else str(address)
    if blocked:
        if (await resolve(act.settings.province, act.uow, address)).is_staff:
            act.say(texts.BLOCK_STAFF)
            return
        changed = await act.uow.admin.block(address.channel, address.chat_id, str(act.actor.address), act.now)
        act.say((texts.BLOCK_DONE if changed else texts.BLOCK_ALREADY).format(who=who))
    else:
        changed = await act.uow.admin.unblock(address.channel, address.chat_id)
        act.say((texts.UNBLOCK_DONE if changed else texts.UNBLOCK_NONE).format(who=who))
    code = target.upper() if looks_like_code(target) else None
    await act.audit("chan" if blocked else "bo_chan", code=code, detail=str(address) if changed else "no change")


async def grant(act: Act) -> None:
    """/cap_quyen kênh:id admin|coordinator [scope,scope] [name…]."""
    words = act.msg.args.split()
    address = parse_address(words[0]) if words else None
    role = words[1].lower() if len(words) > 1 else ""
    if address is None or role not in (ADMIN, COORDINATOR):
        act.say(texts.USAGE.format(usage=texts.GRANT_USAGE))
        return
    if await _foreign(act, address):
        return
    rest = words[2:]
    scope = Scope.all()
    if rest and _is_scope(act, rest[0]):
        try:
            scope = parse(act.settings, [] if rest[0].lower() == ALL else [s for s in rest[0].split(",") if s])
        except ScopeError as exc:
            log.info("/cap_quyen refused: scope entry %r names nothing", exc.entry[:32])
            unit = act.settings.unit(exc.entry)
            bad = texts.GRANT_UNIT_SCOPE.format(item=exc.entry[:32], code=unit.code) if unit else None
            act.say(bad or texts.GRANT_BAD_SCOPE.format(item=exc.entry[:32]))
            return
        rest = rest[1:]
    name = " ".join(rest)[:200]
    await act.uow.admin.put_grant(RoleGrant(
        channel=address.channel, chat_id=address.chat_id, role=role, name=name, scope=list(scope.entries),
        campaign=_grant_campaign(act), granted_by=str(act.actor.address), created_at=act.now,
    ))
    await act.audit("cap_quyen", detail=f"{address} {role} {','.join(scope.entries) or ALL} in {act.settings.key}")
    await _role_changed(act, address)
    done = texts.GRANT_DONE.format(
        who=name or address, role=texts.ROLE_NAMES[role], scope=label(act.settings, scope, texts.SCOPE_ALL)
    )
    if act.settings.key != PRIMARY:
        done += texts.GRANT_IN_CAMPAIGN.format(name=act.settings.campaign.name, key=act.settings.key)
    act.say(done)


def _is_scope(act: Act, word: str) -> bool:
    """Whether the word after the role is a scope (then it must be valid) rather than the start of a name."""
    # A list, anything with ':' or '_', or a known code: a mistyped entry must not silently grant everything.
    if "," in word or ":" in word or "_" in word or word.lower() == ALL or act.settings.unit(word) is not None:
        return True
    try:
        entry(act.settings, word)
    except ScopeError:
        return False
    return True


async def revoke(act: Act) -> None:
    """/thu_quyen kênh:id."""
    address = parse_address(act.msg.args)
    if address is None:
        act.say(texts.USAGE.format(usage=texts.REVOKE_USAGE))
        return
    if await _foreign(act, address):
        return
    removed = await act.uow.admin.revoke(address.channel, address.chat_id)
    await act.audit("thu_quyen", detail=f"{address} {'removed' if removed else 'none'}")
    if removed:
        await _role_changed(act, address)
    act.say((texts.REVOKE_DONE if removed else texts.REVOKE_NONE).format(who=address))


async def _campaign_people(act: Act) -> set[str]:
    """The chats of the working campaign's own staff (configured in it or granted in it)."""
    roles = act.settings.roles
    people = {str(Address(p.channel, p.chat_id)) for p in (*roles.admins, *roles.coordinators)}
    people |= {str(Address(g.channel, g.chat_id)) for g in await act.uow.admin.grants() if g.campaign == act.settings.key}
    return people


async def audit_log(act: Act) -> None:
    """/nhat_ky: the latest audit lines."""
    entries = list(await act.uow.admin.audit_log(30 if act.actor.province_wide else 500))
    if not act.actor.province_wide:  # a local campaign's admin: their campaign's staff's lines only
        people = await _campaign_people(act)
        entries = [e for e in entries if e.actor in people][:30]
    lines = [texts.AUDIT_HEAD.format(count=len(entries))]
    for e in entries:
        lines.append(texts.AUDIT_LINE.format(
            time=act.date_text(e.created_at), actor=e.actor, action=e.action,
            code=f" {e.question_code}" if e.question_code else "", refused="" if e.allowed else texts.AUDIT_REFUSED,
        ))
    act.say("\n".join(lines))
