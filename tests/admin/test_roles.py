"""Who may run which command: allowed, refused politely, and every refusal in the audit log."""

import pytest

from handlers.admin import texts
from handlers.admin.commands import COMMANDS, menu, menus
from storage import Store
from storage.models_admin import AuditEntry
from tests.admin.conftest import ADMIN, HEALTH, rows
from tests.support import MemoryChannel, texts_of

ADMIN_ONLY = sorted(name for name, c in COMMANDS.items() if "coordinator" not in c.roles)
STAFF = sorted(COMMANDS)


@pytest.mark.parametrize("command", STAFF)
async def test_a_youth_is_refused_every_staff_command_and_it_is_audited(
    chat: MemoryChannel, store: Store, command: str
) -> None:
    replies = await chat.text("y1", f"/{command} ST2023-0001")
    assert texts_of(replies) == texts.FORBIDDEN
    [entry] = await rows(store, AuditEntry)
    assert (entry.actor, entry.role, entry.action, entry.allowed) == ("memory:y1", "youth", command, False)


@pytest.mark.parametrize("command", ADMIN_ONLY)
async def test_a_coordinator_is_refused_admin_commands(chat: MemoryChannel, store: Store, command: str) -> None:
    replies = await chat.text(HEALTH, f"/{command} x")
    assert texts_of(replies) == texts.FORBIDDEN
    [entry] = await rows(store, AuditEntry)
    assert (entry.role, entry.action, entry.allowed) == ("coordinator", command, False)


@pytest.mark.parametrize("command", STAFF)
async def test_an_admin_may_run_every_command(chat: MemoryChannel, command: str) -> None:
    replies = await chat.text(ADMIN, f"/{command}")
    assert texts.FORBIDDEN not in texts_of(replies)
    assert replies  # usage, a prompt or the result


async def test_staff_help_lists_the_role_commands(chat: MemoryChannel) -> None:
    admin_help = texts_of(await chat.text(ADMIN, "/trogiup"))
    coordinator_help = texts_of(await chat.text(HEALTH, "/trogiup"))
    assert "/nhap" in admin_help and "/thongke" in admin_help
    assert "/thongke" in coordinator_help and "/nhap" not in coordinator_help


async def test_a_coordinator_changing_the_campaign_is_refused(chat: MemoryChannel, store: Store) -> None:
    assert "Ngày đối thoại" in texts_of(await chat.text(HEALTH, "/chien_dich"))
    assert texts_of(await chat.text(HEALTH, "/chien_dich ngay=20/06/2023")) == texts.FORBIDDEN
    assert [e.allowed for e in await rows(store, AuditEntry)] == [False]


async def test_granted_roles_work_and_can_be_revoked(chat: MemoryChannel) -> None:
    assert texts_of(await chat.text("newbie", "/thongke")) == texts.FORBIDDEN
    done = texts_of(await chat.text(ADMIN, "/cap_quyen memory:newbie coordinator suc_khoe Sở Y tế 2"))
    assert "điều phối" in done and "phạm vi: Sức khỏe" in done and "suc_khoe" not in done  # names, not ids
    assert "Thống kê" in texts_of(await chat.text("newbie", "/thongke"))
    assert texts_of(await chat.text("newbie", "/nhap")) == texts.FORBIDDEN
    await chat.text(ADMIN, "/thu_quyen memory:newbie")
    assert texts_of(await chat.text("newbie", "/thongke")) == texts.FORBIDDEN
    assert "không phải" in texts_of(await chat.text(ADMIN, "/cap_quyen memory:x coordinator nope,suc_khoe"))


async def test_audit_log_is_readable_by_admins(chat: MemoryChannel) -> None:
    await chat.text("y1", "/thongke")
    await chat.text(ADMIN, "/thongke")
    log = texts_of(await chat.text(ADMIN, "/nhat_ky"))
    assert "memory:y1 thongke (bị từ chối)" in log and "memory:admin1 thongke" in log


def test_menus_per_role(config) -> None:
    youth = [name for name, _ in menu("youth")]
    assert youth == ["start", "cauhoi", "huy", "xoa", "trogiup"]
    published = menus(config)
    assert published[0][0] is None
    scoped = {str(address): [n for n, _ in commands] for address, commands in published[1:]}
    assert "nhap" in scoped["memory:admin1"] and "nhap" not in scoped["memory:coord_health"]
    assert all(1 <= len(d) <= 256 for _, commands in published for _, d in commands)
