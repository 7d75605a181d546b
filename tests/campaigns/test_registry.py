"""The campaign registry (handlers/campaigns.py) and the scope rule across campaigns."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from bot.config import AppConfig
from handlers import campaigns
from handlers.admin.roles import ADMIN, COORDINATOR, resolve
from handlers.scope import covers, coordinators
from handlers.settings import CampaignSpec
from handlers.types import Address
from storage import Question, Store
from storage.models_admin import RoleGrant
from tests.campaigns.conftest import LOCAL_KEY, local_spec
from tests.support import local as local_time


def test_a_local_campaign_has_its_own_dates_prefix_units_and_people(two_campaigns: AppConfig, local: AppConfig) -> None:
    assert (local.key, local.campaign.receipt_prefix, local.campaign.deadline_date) == (
        LOCAL_KEY, "KS2023", date(2023, 4, 10))
    assert [u.code for u in local.units] == ["KESACH", "ANMY", "KHAC"]
    assert local.topics == two_campaigns.topics and local.privacy == two_campaigns.privacy  # the province's
    assert local.province is two_campaigns and two_campaigns.province is two_campaigns
    assert local.campaign.zone == two_campaigns.campaign.zone


@pytest.mark.parametrize(("change", "reason"), [
    ({"key": "tinh"}, "taken"),
    ({"key": "kesach"}, "unit code of the province"),  # /start KESACH stays the province's unit link
    ({"receipt_prefix": "ST2023"}, "prefix 'ST2023' is taken"),
    ({"key": "Ke-Sach"}, "pattern"),
    ({"units": [{"code": "A", "name": "A"}, {"code": "a", "name": "B"}]}, "unit codes repeat"),
])
def test_the_file_refuses_a_campaign_that_would_clash(config: AppConfig, change: dict, reason: str) -> None:
    raw = config.model_dump(mode="json")
    raw["campaigns"] = [local_spec(**change)]
    with pytest.raises(ValidationError, match=reason):
        AppConfig.model_validate(raw)


def test_two_file_campaigns_may_not_share_a_key_or_prefix(config: AppConfig) -> None:
    raw = config.model_dump(mode="json")
    raw["campaigns"] = [local_spec(), local_spec(receipt_prefix="KS2024")]
    with pytest.raises(ValidationError, match="taken"):
        AppConfig.model_validate(raw)


def test_deep_links(two_campaigns: AppConfig, local: AppConfig) -> None:
    every = {campaigns.PRIMARY: two_campaigns, LOCAL_KEY: local}
    assert campaigns.parse_link("kesach2023", every) == (LOCAL_KEY, None)
    assert campaigns.parse_link("KESACH2023-anmy", every) == (LOCAL_KEY, "ANMY")
    assert campaigns.parse_link("kesach2023-TPST", every) == (LOCAL_KEY, None)  # not one of its units
    assert campaigns.parse_link("KESACH", every) == (campaigns.PRIMARY, "KESACH")  # last year's poster
    assert campaigns.parse_link("tinh-MYTU", every) == (campaigns.PRIMARY, "MYTU")
    assert campaigns.parse_link("nowhere", every) == (None, None)
    assert campaigns.parse_link("", every) == (None, None)


def test_open_campaigns_close_after_their_dialogue_day(two_campaigns: AppConfig, local: AppConfig) -> None:
    every = {campaigns.PRIMARY: two_campaigns, LOCAL_KEY: local}
    assert [c.key for c in campaigns.open_ones(every, local_time(2023, 4, 20, 23))] == ["tinh", LOCAL_KEY]
    assert [c.key for c in campaigns.open_ones(every, local_time(2023, 4, 21, 0) + timedelta(minutes=1))] == ["tinh"]


async def test_stored_campaigns_join_the_file_ones_and_a_clashing_one_is_left_out(
    store: Store, two_campaigns: AppConfig
) -> None:
    now = local_time(2023, 3, 1)
    async with store.unit() as uow:
        await uow.admin.save_campaign("phuong1", local_spec(key="phuong1", receipt_prefix="P12023"), "zalo:1", now)
        await uow.admin.save_campaign("dup", local_spec(key="dup", receipt_prefix="KS2023"), "zalo:1", now)
    async with store.unit() as uow:
        every = await campaigns.every(two_campaigns, uow)
    assert list(every) == ["tinh", LOCAL_KEY, "phuong1"]
    assert every["phuong1"].campaign.receipt_prefix == "P12023"


async def test_staff_of_a_local_campaign_never_reach_another_campaigns_questions(
    store: Store, two_campaigns: AppConfig
) -> None:
    raw = two_campaigns.model_dump(mode="json")
    raw["roles"] = {"admins": [{"name": "Tỉnh đoàn", "channel": "telegram", "chat_id": "1"}],
                    "coordinators": [{"name": "Sở Y tế", "channel": "telegram", "chat_id": "2", "scope": ["suc_khoe"]}]}
    config = AppConfig.model_validate(raw)
    province_q = Question(channel="zalo", campaign="tinh", text_raw="", text_norm="", topic="suc_khoe", unit_code="KESACH")
    local_q = Question(channel="zalo", campaign=LOCAL_KEY, text_raw="", text_norm="", topic="suc_khoe", unit_code="KESACH")
    async with store.unit() as uow:
        province_admin = await resolve(config, uow, Address("telegram", "1"))
        province_health = await resolve(config, uow, Address("telegram", "2"))
        local_admin = await resolve(config, uow, Address("zalo", "ks-admin"))
        local_health = await resolve(config, uow, Address("telegram", "ks-yte"))
        local_people = await coordinators(config.for_campaign(CampaignSpec.model_validate(local_spec())), uow)
    assert (province_admin.role, province_admin.province_wide) == (ADMIN, True)
    assert covers(province_admin.scope, province_q) and covers(province_admin.scope, local_q)
    assert province_health.role == COORDINATOR and not province_health.province_wide
    assert covers(province_health.scope, province_q) and not covers(province_health.scope, local_q)
    assert (local_admin.role, local_admin.campaign, local_admin.province_wide) == (ADMIN, LOCAL_KEY, False)
    assert covers(local_admin.scope, local_q) and not covers(local_admin.scope, province_q)
    assert (local_health.role, local_health.campaign) == (COORDINATOR, LOCAL_KEY)
    assert covers(local_health.scope, local_q) and not covers(local_health.scope, province_q)
    assert [p.label for p in local_people] == ["Phòng Y tế Kế Sách"]


async def test_a_grant_in_a_local_campaign_stays_in_it(store: Store, two_campaigns: AppConfig) -> None:
    now = local_time(2023, 3, 1)
    async with store.unit() as uow:
        await uow.admin.put_grant(RoleGrant(channel="zalo", chat_id="55", role="coordinator", name="Đoàn xã An Mỹ",
                                            scope=["don_vi:ANMY"], campaign=LOCAL_KEY, granted_by="zalo:ks-admin",
                                            created_at=now))
    async with store.unit() as uow:
        actor = await resolve(two_campaigns, uow, Address("zalo", "55"))
        province_people = await coordinators(two_campaigns, uow)
    q = Question(channel="zalo", campaign=LOCAL_KEY, text_raw="", text_norm="", topic="khac", unit_code="ANMY")
    assert (actor.role, actor.campaign) == (COORDINATOR, LOCAL_KEY) and covers(actor.scope, q)
    assert not covers(actor.scope, Question(channel="zalo", text_raw="", text_norm="", topic="khac", unit_code="ANMY"))
    assert province_people == []  # not one of the province's coordinators


async def test_creating_a_campaign_validates_as_the_file_does_and_tells_why_in_vietnamese(
    store: Store, two_campaigns: AppConfig
) -> None:
    now = local_time(2023, 3, 1)
    async with store.unit() as uow:
        spec, problems = await campaigns.create(two_campaigns, uow, local_spec(key="Bad Key", dialogue_date="x"), "a", now)
        assert spec is None and problems == ["Sai mã chiến dịch (2–16 chữ thường không dấu và số, bắt đầu bằng chữ)",
                                              "Sai ngày đối thoại (dd/mm/yyyy)"]
        spec, problems = await campaigns.create(two_campaigns, uow, local_spec(key="mytu"), "a", now)
        assert spec is None and "Mã chiến dịch: trùng mã một đơn vị của tỉnh" in problems
        assert "Tiền tố mã câu hỏi: đã được dùng" in problems  # KS2023 is the file campaign's
        spec, problems = await campaigns.create(two_campaigns, uow, local_spec(), "a", now)
        assert spec is None and problems == [campaigns.TAKEN]  # the file's campaign has that key
        spec, problems = await campaigns.create(two_campaigns, uow, local_spec(), "a", now, replace=True)
        assert spec is None and problems == ["Chiến dịch này khai báo trong config.yaml: sửa trong tệp cấu hình"]
        spec, problems = await campaigns.create(two_campaigns, uow, local_spec(key="phuong1", receipt_prefix="P1"), "a", now)
        assert problems == [] and spec is not None
    async with store.unit() as uow:  # stored: every worker sees it (after the lookup cache's few seconds)
        assert "phuong1" in await campaigns.every(two_campaigns, uow)
        changed = local_spec(key="phuong1", receipt_prefix="P1", dialogue_date="2023-05-02")
        spec, problems = await campaigns.create(two_campaigns, uow, changed, "a", now)
        assert spec is None and problems == [campaigns.TAKEN]  # creating never replaces a campaign
        spec, problems = await campaigns.create(two_campaigns, uow, changed, "a", now, replace=True)
        assert problems == [] and spec is not None and spec.dialogue_date == date(2023, 5, 2)
