"""Staff commands that change things across campaigns: /tao_chien_dich, /chien_dich ngay=…,
/cap_quyen, /thu_quyen, /thongbao and /nhap, each kept inside the working campaign."""

import pytest

from bot.config import AppConfig
from handlers import campaigns
from handlers.admin import texts
from handlers.settings import Person, Roles
from handlers.types import Address, Attachment, IncomingMessage, Kind
from storage import Question, Store
from storage.models import StoredCampaign
from storage.models_admin import RoleGrant
from tests.admin.conftest import RecordingAnnouncer, rows
from tests.campaigns.conftest import LOCAL_KEY
from tests.campaigns.test_staff_views import (  # noqa: F401 - fixtures
    LOCAL_ADMIN, PROVINCE_ADMIN, PROVINCE_HEALTH, codes, heard, staff_dispatcher, telegram, zalo,
)
from tests.support import FakeClock, MemoryChannel, texts_of

ZALO_ADMIN = "tinh-admin-zalo"
NEW = 'ma=phuong1 ten="Đối thoại phường 1" ngay=20/04/2027 han=10 tien_to=p1 don_vi=KP1:Khóm 1,KP2:Khóm 2:4'


@pytest.fixture
def staffed(two_campaigns: AppConfig) -> AppConfig:
    """Both campaigns; the province's admins on Telegram and on Zalo, its health coordinator."""
    roles = Roles(
        admins=(Person(name="Tỉnh đoàn", channel="telegram", chat_id=PROVINCE_ADMIN),
                Person(name="Tỉnh đoàn (Zalo)", channel="zalo", chat_id=ZALO_ADMIN)),
        coordinators=(Person(name="Sở Y tế", channel="telegram", chat_id=PROVINCE_HEALTH, scope=("suc_khoe",)),),
    )
    return two_campaigns.model_copy(update={"roles": roles})


async def test_a_province_admin_creates_a_campaign_typed_on_zalo(
    zalo: MemoryChannel, store: Store, heard: list
) -> None:
    done = texts_of(await zalo.text(ZALO_ADMIN, f"/tao_chien_dich {NEW}"))
    assert "Đã tạo chiến dịch «Đối thoại phường 1» (mã phuong1)" in done
    assert "/start phuong1" in done and "?campaign=phuong1" in done and "hết ngày 10/04/2027" in done
    assert "P1-…" in done and "KP1, KP2" in done
    assert [(c.key, c.dialogue_date.isoformat()) for c in heard] == [("phuong1", "2027-04-20")]
    [stored] = await rows(store, StoredCampaign)
    assert stored.spec["units"][1] == {"code": "KP2", "name": "Khóm 2", "allocation": 4}

    listing = texts_of(await zalo.text(ZALO_ADMIN, "/chien_dich"))
    assert "phuong1 — Đối thoại phường 1: đối thoại 20/04/2027, hạn 10/04/2027, 0 câu hỏi" in listing
    picked = texts_of(await zalo.text(ZALO_ADMIN, "3"))  # Zalo shows no buttons: the third choice, typed
    assert "«Đối thoại phường 1» (phuong1)" in picked
    assert "Khóm 2: 0 / 4" in texts_of(await zalo.text(ZALO_ADMIN, "/thongke"))


async def test_a_bad_campaign_is_refused_with_every_reason_in_vietnamese(
    zalo: MemoryChannel, store: Store, heard: list
) -> None:
    invalid = texts_of(await zalo.text(ZALO_ADMIN, "/tao_chien_dich ma=1abc ten=ab ngay=32/13/2027 tien_to=P1"))
    assert invalid.startswith("❌ Chưa tạo được chiến dịch")
    assert "Sai mã chiến dịch" in invalid and "Sai tên" in invalid and "Sai ngày đối thoại" in invalid
    clash = texts_of(await zalo.text(ZALO_ADMIN, '/tao_chien_dich ma=kesach ten="Phường Một" ngay=20/04/2027 tien_to=ST2023'))
    assert "Mã chiến dịch: trùng mã một đơn vị của tỉnh" in clash and "Tiền tố mã câu hỏi: đã được dùng" in clash
    in_file = texts_of(await zalo.text(ZALO_ADMIN, f'/tao_chien_dich ma={LOCAL_KEY} ten="Kế Sách" ngay=20/04/2027 tien_to=KS9'))
    assert campaigns.TAKEN in in_file  # the file's campaign has that key
    assert "Không hiểu «ngay_doi_thoai=»" in texts_of(await zalo.text(ZALO_ADMIN, "/tao_chien_dich ngay_doi_thoai=1/1/2027"))
    assert "MÃ:Tên" in texts_of(await zalo.text(ZALO_ADMIN, f"/tao_chien_dich {NEW.replace('KP1:Khóm 1', 'KP1')}"))
    assert texts.CREATE_USAGE in texts_of(await zalo.text(ZALO_ADMIN, "/tao_chien_dich"))
    assert "Đã tạo" in texts_of(await zalo.text(ZALO_ADMIN, f"/tao_chien_dich {NEW}"))
    again = texts_of(await zalo.text(ZALO_ADMIN, f"/tao_chien_dich {NEW.replace('p1', 'p2')}"))
    assert campaigns.TAKEN in again  # creating never replaces a campaign
    assert [c.key for c in heard] == ["phuong1"] and len(await rows(store, StoredCampaign)) == 1


async def test_dates_change_for_the_province_a_stored_campaign_but_not_a_file_one(
    telegram: MemoryChannel, zalo: MemoryChannel, store: Store, heard: list
) -> None:
    await zalo.text(ZALO_ADMIN, f"/tao_chien_dich {NEW}")
    await telegram.text(PROVINCE_ADMIN, "/chien_dich phuong1")
    done = texts_of(await telegram.text(PROVINCE_ADMIN, "/chien_dich ngay=25/04/2027 han=5"))
    assert texts.CAMPAIGN_DONE in done and "25/04/2027" in done and "20/04/2027" in done
    assert [(c.key, c.deadline_date.isoformat()) for c in heard][-1] == ("phuong1", "2027-04-20")
    [stored] = await rows(store, StoredCampaign)
    assert (stored.spec["dialogue_date"], stored.spec["deadline_days_before"]) == ("2027-04-25", 5)
    assert stored.spec["units"][0]["code"] == "KP1"  # the rest of the spec kept

    # the admin a province admin grants in the stored campaign changes its dates too
    await telegram.text(PROVINCE_ADMIN, "/cap_quyen zalo:p1-admin admin Đoàn phường 1")
    assert "Mã chiến dịch: phuong1" in texts_of(await zalo.text("p1-admin", "/chien_dich phuong1"))
    assert texts.CAMPAIGN_DONE in texts_of(await zalo.text("p1-admin", "/chien_dich han=7"))
    assert (heard[-1].key, heard[-1].deadline_date.isoformat()) == ("phuong1", "2027-04-18")

    await telegram.text(PROVINCE_ADMIN, f"/chien_dich {LOCAL_KEY}")
    assert texts_of(await telegram.text(PROVINCE_ADMIN, "/chien_dich ngay=25/04/2023")) == texts.CAMPAIGN_IN_FILE
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/chien_dich han=3")) == texts.CAMPAIGN_IN_FILE
    assert len(heard) == 3  # creation, then the two changes

    await telegram.text(PROVINCE_ADMIN, "/chien_dich tinh")
    assert texts.CAMPAIGN_DONE in texts_of(await telegram.text(PROVINCE_ADMIN, "/chien_dich ngay=30/06/2023"))
    assert heard[-1].key == "tinh" and heard[-1].dialogue_date.isoformat() == "2023-06-30"


async def test_grants_stay_in_the_campaign_they_are_made_in(
    telegram: MemoryChannel, zalo: MemoryChannel, store: Store, codes: dict
) -> None:
    done = texts_of(await zalo.text(LOCAL_ADMIN, "/cap_quyen zalo:ks-tram coordinator suc_khoe Trạm y tế An Mỹ"))
    assert "Quyền này chỉ trong chiến dịch" in done and LOCAL_KEY in done
    assert "Tổng số: 1" in texts_of(await zalo.text("ks-tram", "/thongke"))
    province_health = codes["tinh"][1]
    assert texts_of(await zalo.text("ks-tram", f"/xem {province_health}")) == texts.NOT_FOUND.format(code=province_health)

    await zalo.text(LOCAL_ADMIN, "/cap_quyen zalo:ks-pho admin Phó bí thư")
    assert "Tổng số: 2" in texts_of(await zalo.text("ks-pho", "/thongke"))
    assert texts_of(await zalo.text("ks-pho", "/chien_dich tinh")) == texts.CAMPAIGN_SWITCH_FORBIDDEN
    assert texts_of(await zalo.text("ks-pho", f"/xem {codes['tinh'][0]}")) == texts.NOT_FOUND.format(code=codes["tinh"][0])
    grants = {g.chat_id: g.campaign for g in await rows(store, RoleGrant)}
    assert grants == {"ks-tram": LOCAL_KEY, "ks-pho": LOCAL_KEY}
    assert "don_vi:TPST" in texts_of(await zalo.text(LOCAL_ADMIN, "/cap_quyen zalo:ks-x coordinator don_vi:TPST"))

    # the province's grants are the province admins' to change
    await telegram.text(PROVINCE_ADMIN, "/cap_quyen telegram:so-ld coordinator all Sở Lao động")
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/cap_quyen telegram:so-ld coordinator suc_khoe")) == texts.GRANT_OTHER_CAMPAIGN
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/thu_quyen telegram:so-ld")) == texts.GRANT_OTHER_CAMPAIGN
    assert "Tổng số: 2" in texts_of(await telegram.text("so-ld", "/thongke"))  # the province's two
    assert "Đã thu hồi" in texts_of(await zalo.text(LOCAL_ADMIN, "/thu_quyen zalo:ks-tram"))
    # a province admin working on Kế Sách grants in Kế Sách
    await telegram.text(PROVINCE_ADMIN, f"/chien_dich {LOCAL_KEY}")
    await telegram.text(PROVINCE_ADMIN, "/cap_quyen telegram:ks-moi coordinator all")
    assert {g.chat_id: g.campaign for g in await rows(store, RoleGrant)}["ks-moi"] == LOCAL_KEY
    # the audit log a local admin reads holds their campaign's staff only
    log = texts_of(await zalo.text(LOCAL_ADMIN, "/nhat_ky"))
    assert "zalo:ks-admin" in log and PROVINCE_ADMIN not in log and "so-ld" not in log


async def test_announcements_reach_the_working_campaigns_youth(
    zalo: MemoryChannel, telegram: MemoryChannel, store: Store, clock: FakeClock, announcer: RecordingAnnouncer
) -> None:
    async with store.unit() as uow:
        for chat_id, campaign in (("y-tinh", "tinh"), ("y-ks1", LOCAL_KEY), ("y-ks2", LOCAL_KEY)):
            await uow.youth.create("telegram", chat_id, clock.now(), campaign)
    preview = texts_of(await zalo.text(LOCAL_ADMIN, "/thongbao Hẹn gặp các bạn tại hội trường huyện"))
    assert "gửi tới 2 bạn" in preview and "Kế Sách" in preview
    await zalo.text(LOCAL_ADMIN, "1")  # «Gửi», typed
    [(recipients, _reply)] = announcer.calls
    assert sorted(a.chat_id for a in recipients) == ["y-ks1", "y-ks2"]
    assert "gửi tới 1 bạn (tất cả đơn vị)" in texts_of(await telegram.text(PROVINCE_ADMIN, "/thongbao Thông báo của tỉnh"))
    # blocks: a local admin reaches their campaign's youth only
    assert "Không xác định" in texts_of(await zalo.text(LOCAL_ADMIN, "/chan telegram:y-tinh"))
    assert "Đã chặn" in texts_of(await zalo.text(LOCAL_ADMIN, "/chan telegram:y-ks1"))


async def test_an_import_goes_into_the_working_campaign(
    staff_dispatcher, store: Store  # noqa: F811
) -> None:
    rows_csv = "Nội dung,Đơn vị\nXã An Mỹ cần thêm sân bóng cho thanh niên ạ,ANMY\n".encode("utf-8-sig")
    msg = IncomingMessage(Address("zalo", LOCAL_ADMIN), Kind.COMMAND, text="/nhap", command="nhap",
                          attachments=(Attachment("phieu.csv", rows_csv, "text/csv"),))
    assert "KS2023-0001" in texts_of(await staff_dispatcher.handle(msg))
    [question] = await rows(store, Question)
    assert (question.campaign, question.unit_code) == (LOCAL_KEY, "ANMY")
