"""The staff commands as data: who may run each, its handler, and the per-role command menus."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.admin import (
    announce, answers, campaign, creation, export, importing, moderation, publication, questions, stats, texts,
)
from handlers.admin.context import Act
from handlers.admin.roles import ADMIN, COORDINATOR
from handlers.desk import sessions
from handlers.settings import Settings
from handlers.types import Address

BOTH = frozenset({ADMIN, COORDINATOR})
ADMINS = frozenset({ADMIN})


@dataclass(frozen=True)
class Command:
    """One staff command."""

    roles: frozenset[str]
    run: Callable[[Act], Awaitable[None]]
    province: bool = False  # only the province's admins (who work across campaigns)


COMMANDS: dict[str, Command] = {
    "thongke": Command(BOTH, stats.show),
    "xuat": Command(BOTH, export.export),
    "xem": Command(BOTH, questions.view),
    "gan_chu_de": Command(BOTH, questions.retag_command),
    "tra_loi": Command(BOTH, answers.start),
    "cong_khai": Command(BOTH, publication.publish_command),
    "bo_cong_khai": Command(BOTH, publication.unpublish_command),
    "chien_dich": Command(BOTH, campaign.show),  # coordinators see it; admins change it; province admins switch
    "tao_chien_dich": Command(ADMINS, creation.create_command, province=True),
    "thongbao": Command(ADMINS, announce.preview),
    "chan": Command(ADMINS, moderation.block),
    "bo_chan": Command(ADMINS, moderation.unblock),
    "nhap": Command(ADMINS, importing.start),
    "cap_quyen": Command(ADMINS, moderation.grant),
    "thu_quyen": Command(ADMINS, moderation.revoke),
    "nhat_ky": Command(ADMINS, moderation.audit_log),
    "dangnhap": Command(BOTH, sessions.login_command),
}
# Button data prefixes of staff buttons ("adm:<action>:…") and who may press them.
BUTTONS: dict[str, tuple[frozenset[str], Callable[[Act, str], Awaitable[None]]]] = {
    "retag": (BOTH, questions.retag_button),
    "ann": (ADMINS, announce.confirm_button),
    "camp": (ADMINS, campaign.switch_button),  # the province's admins only (checked inside)
}

YOUTH_MENU = ("start", "cauhoi", "huy", "xoa", "trogiup")
STAFF_COMMON = ("trogiup", "huy")


def menu(role: str, province_wide: bool = True) -> list[tuple[str, str]]:
    """(command, Vietnamese description) shown in the role's command menu (a local campaign's
    admins, `province_wide` False, do not see the province admins' commands)."""
    if role not in (ADMIN, COORDINATOR):
        return [(name, texts.CMD[name]) for name in YOUTH_MENU]
    names = [name for name, command in COMMANDS.items()
             if role in command.roles and (province_wide or not command.province)]
    return [(name, texts.CMD[name]) for name in (*names, *STAFF_COMMON)]


def menus(settings: Settings) -> list[tuple[Address | None, list[tuple[str, str]]]]:
    """Every menu to publish: None is the default (youth) menu, then one per configured staff chat
    (the province's, then the file's local campaigns'; a chat configured twice keeps its first role)."""
    published: list[tuple[Address | None, list[tuple[str, str]]]] = [(None, menu("youth"))]
    seen: set[Address] = set()
    for roles, province_wide in ((settings.roles, True), *((spec.roles, False) for spec in settings.campaigns)):
        for role, people in ((ADMIN, roles.admins), (COORDINATOR, roles.coordinators)):
            for person in people:
                address = Address(person.channel, person.chat_id)
                if address not in seen:
                    seen.add(address)
                    published.append((address, menu(role, province_wide)))
    return published


def help_text(role: str, province_wide: bool = True) -> str:
    """The staff help: the role's commands with their descriptions."""
    lines = [texts.HELP_HEAD.format(role=texts.ROLE_NAMES.get(role, role))]
    lines += [f"/{name} — {description}" for name, description in menu(role, province_wide)]
    return "\n".join(lines)
