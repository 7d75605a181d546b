"""Staff commands across campaigns: what each person sees (/thongke, /xuat, /xem, /chien_dich)."""

import csv
import io

import pytest

from bot.config import AppConfig
from bot.dispatcher import Dispatcher
from handlers.admin import texts
from handlers.conversation import Conversation
from handlers.settings import Person, Roles
from storage import Question, Store
from storage.clock import to_db
from tests.admin.conftest import Outbox, RecordingAnnouncer
from tests.campaigns.conftest import LOCAL_KEY
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, buttons_of, texts_of

PROVINCE_ADMIN, PROVINCE_HEALTH = "tinh-admin", "tinh-yte"
LOCAL_ADMIN, LOCAL_HEALTH = "ks-admin", "ks-yte"  # Zalo and Telegram (tests/campaigns/conftest.py)


@pytest.fixture
def staffed(two_campaigns: AppConfig) -> AppConfig:
    """Both campaigns, with the province's admin and health coordinator on Telegram."""
    roles = Roles(
        admins=(Person(name="Tỉnh đoàn", channel="telegram", chat_id=PROVINCE_ADMIN),),
        coordinators=(Person(name="Sở Y tế", channel="telegram", chat_id=PROVINCE_HEALTH, scope=("suc_khoe",)),),
    )
    return two_campaigns.model_copy(update={"roles": roles})


@pytest.fixture
def heard() -> list:
    """The campaigns the scheduler's listener was told about."""
    return []


@pytest.fixture
def staff_dispatcher(store: Store, staffed: AppConfig, clock: FakeClock, tagger: ScriptedTagger, outbox: Outbox,
                     announcer: RecordingAnnouncer, heard: list) -> Dispatcher:
    conversation = Conversation(staffed, tagger, clock)
    conversation.admin.seams.announcer = announcer
    conversation.admin.seams.campaign_listeners.append(heard.append)
    return Dispatcher(store, conversation, clock, outbound=outbox.deliver)


@pytest.fixture
def telegram(staff_dispatcher: Dispatcher) -> MemoryChannel:
    return MemoryChannel(staff_dispatcher.handle, channel="telegram")


@pytest.fixture
def zalo(staff_dispatcher: Dispatcher) -> MemoryChannel:
    return MemoryChannel(staff_dispatcher.handle, channel="zalo")


async def add_question(store: Store, clock: FakeClock, campaign: str, prefix: str, text: str, *,
                       topic: str = "khoi_nghiep", unit: str = "KESACH", late: bool = False) -> str:
    """Store a question of `campaign` as the conversation would; returns its receipt code."""
    async with store.unit() as uow:
        question = Question(youth_id=None, channel="telegram", campaign=campaign, unit_code=unit, text_raw=text,
                            text_norm=text.lower(), topic=topic, late=late, created_at=to_db(clock.now()))
        stored = await uow.questions.add(question, prefix)
        return stored.code or ""


@pytest.fixture
async def codes(store: Store, clock: FakeClock) -> dict[str, list[str]]:
    """Two province questions (one on health) and two of Kế Sách's (one on health, one late)."""
    province = [
        await add_question(store, clock, "tinh", "ST2023", "Tỉnh có hỗ trợ vay vốn khởi nghiệp cho thanh niên không?"),
        await add_question(store, clock, "tinh", "ST2023", "Khám sức khỏe sinh sản miễn phí ở đâu ạ?", topic="suc_khoe"),
    ]
    local = [
        await add_question(store, clock, LOCAL_KEY, "KS2023", "Huyện Kế Sách có trạm y tế mở buổi tối không?",
                           topic="suc_khoe", unit="ANMY"),
        await add_question(store, clock, LOCAL_KEY, "KS2023", "Xã An Mỹ có lớp dạy nghề cho thanh niên không ạ?",
                           late=True),
    ]
    return {"tinh": province, LOCAL_KEY: local}


def csv_codes(replies: list) -> list[str]:
    """The receipt codes in the CSV of /xuat's reply."""
    [reply] = replies
    lines = list(csv.reader(io.StringIO(reply.attachments[1].content.decode("utf-8-sig"))))
    return [line[0] for line in lines[1:]]


async def test_a_local_admin_on_zalo_sees_only_their_campaign(zalo: MemoryChannel, codes: dict) -> None:
    stats = texts_of(await zalo.text(LOCAL_ADMIN, "/thongke"))
    assert "Tổng số: 2" in stats and "gửi trễ: 1" in stats
    assert "Xã An Mỹ: 1 / 5" in stats and "Thị trấn Kế Sách" in stats  # its own units
    assert "Còn" not in stats or "10/04/2023" in stats  # its own deadline
    assert sorted(csv_codes(await zalo.text(LOCAL_ADMIN, "/xuat"))) == sorted(codes[LOCAL_KEY])
    province_code = codes["tinh"][0]
    assert texts_of(await zalo.text(LOCAL_ADMIN, f"/xem {province_code}")) == texts.NOT_FOUND.format(code=province_code)
    assert texts_of(await zalo.text(LOCAL_ADMIN, f"/tra_loi {province_code}")) == texts.NOT_FOUND.format(code=province_code)
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/xem ST2023-0999")) == texts.NOT_FOUND.format(code="ST2023-0999")
    assert "Xã An Mỹ" in texts_of(await zalo.text(LOCAL_ADMIN, f"/xem {codes[LOCAL_KEY][0]}"))
    shown = texts_of(await zalo.text(LOCAL_ADMIN, "/chien_dich"))
    assert "Mã chiến dịch: kesach2023" in shown and "20/04/2023" in shown and "Các chiến dịch" not in shown
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/chien_dich tinh")) == texts.CAMPAIGN_SWITCH_FORBIDDEN
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/thongke tatca")) == texts.CAMPAIGN_SWITCH_FORBIDDEN
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/tao_chien_dich ma=abc")) == texts.FORBIDDEN
    assert "/tao_chien_dich" not in texts_of(await zalo.text(LOCAL_ADMIN, "/trogiup"))


async def test_a_local_coordinator_scoped_to_health_never_reaches_province_questions(
    telegram: MemoryChannel, codes: dict
) -> None:
    stats = texts_of(await telegram.text(LOCAL_HEALTH, "/thongke"))
    assert "Tổng số: 1" in stats
    assert csv_codes(await telegram.text(LOCAL_HEALTH, "/xuat")) == [codes[LOCAL_KEY][0]]
    health = codes["tinh"][1]  # on health, but the province's
    assert texts_of(await telegram.text(LOCAL_HEALTH, f"/xem {health}")) == texts.NOT_FOUND.format(code=health)
    out_of_scope = codes[LOCAL_KEY][1]
    assert texts_of(await telegram.text(LOCAL_HEALTH, f"/xem {out_of_scope}")) == texts.FORBIDDEN_QUESTION.format(
        code=out_of_scope)
    assert texts_of(await telegram.text(LOCAL_HEALTH, "/chien_dich ngay=01/05/2023")) == texts.FORBIDDEN
    # and the province's health coordinator never reaches Kế Sách's
    local_health = codes[LOCAL_KEY][0]
    assert texts_of(await telegram.text(PROVINCE_HEALTH, f"/xem {local_health}")) == texts.NOT_FOUND.format(
        code=local_health)
    assert "Tổng số: 1" in texts_of(await telegram.text(PROVINCE_HEALTH, "/thongke"))


async def test_a_province_admin_switches_campaign_and_sees_every_one(
    telegram: MemoryChannel, codes: dict
) -> None:
    shown = await telegram.text(PROVINCE_ADMIN, "/chien_dich")
    listing = texts_of(shown)
    assert "Các chiến dịch" in listing and "kesach2023" in listing and "👉 tinh" in listing
    assert "đối thoại 20/04/2023, hạn 10/04/2023, 2 câu hỏi (gửi trễ 1" in listing
    assert buttons_of(shown) == ["adm:camp:tinh", f"adm:camp:{LOCAL_KEY}"]
    assert sorted(csv_codes(await telegram.text(PROVINCE_ADMIN, "/xuat"))) == sorted(codes["tinh"])
    local_code = codes[LOCAL_KEY][0]
    other = texts_of(await telegram.text(PROVINCE_ADMIN, f"/xem {local_code}"))
    assert f"/chien_dich {LOCAL_KEY}" in other and "Huyện Kế Sách có trạm" not in other

    switched = texts_of(await telegram.text(PROVINCE_ADMIN, f"/chien_dich {LOCAL_KEY.upper()}"))
    assert "Bạn đang làm việc với chiến dịch" in switched and f"👉 {LOCAL_KEY}" in switched
    assert "Tổng số: 2" in texts_of(await telegram.text(PROVINCE_ADMIN, "/thongke"))
    assert sorted(csv_codes(await telegram.text(PROVINCE_ADMIN, "/xuat"))) == sorted(codes[LOCAL_KEY])
    assert "Huyện Kế Sách có trạm" in texts_of(await telegram.text(PROVINCE_ADMIN, f"/xem {local_code}"))

    await telegram.text(PROVINCE_ADMIN, "/chien_dich")
    back = texts_of(await telegram.text(PROVINCE_ADMIN, "1"))  # the picker, typed: its first button
    assert "👉 tinh" in back
    assert sorted(csv_codes(await telegram.text(PROVINCE_ADMIN, "/xuat"))) == sorted(codes["tinh"])
    assert "Không có chiến dịch «nowhere»" in texts_of(await telegram.text(PROVINCE_ADMIN, "/chien_dich nowhere"))

    every = texts_of(await telegram.text(PROVINCE_ADMIN, "/thongke tatca"))
    assert "• tinh — " in every and "2 câu hỏi (2 đúng hạn / 0 trễ)" in every
    assert f"• {LOCAL_KEY} — " in every and "2 câu hỏi (1 đúng hạn / 1 trễ)" in every
    assert "Cộng 2 chiến dịch: 4 câu hỏi (3 đúng hạn / 1 trễ), đã trả lời 0" in every


async def test_the_selection_survives_a_restart(
    store: Store, staffed: AppConfig, clock: FakeClock, tagger: ScriptedTagger, telegram: MemoryChannel, codes: dict
) -> None:
    await telegram.text(PROVINCE_ADMIN, f"/chien_dich {LOCAL_KEY}")
    again = MemoryChannel(Dispatcher(store, Conversation(staffed, tagger, clock), clock).handle, channel="telegram",
                          counter=telegram.counter)  # new update ids: not a redelivery
    assert "Tổng số: 2" in texts_of(await again.text(PROVINCE_ADMIN, "/thongke"))
    assert "Thị trấn Kế Sách" in texts_of(await again.text(PROVINCE_ADMIN, "/thongke"))


async def test_a_province_admin_exports_every_campaign_at_once(
    telegram: MemoryChannel, zalo: MemoryChannel, codes: dict
) -> None:
    replies = await telegram.text(PROVINCE_ADMIN, "/xuat tất cả")
    assert "4 câu hỏi của 2 chiến dịch" in texts_of(replies)
    assert sorted(csv_codes(replies)) == sorted(codes["tinh"] + codes[LOCAL_KEY])
    lines = list(csv.reader(io.StringIO(replies[0].attachments[1].content.decode("utf-8-sig"))))
    units = {line[0]: line[2] for line in lines[1:]}
    assert units[codes[LOCAL_KEY][0]] == "Xã An Mỹ" and units[codes["tinh"][0]] == "Huyện Kế Sách"
    assert replies[0].attachments[0].filename.startswith("cau-hoi-tatca-")
    assert texts_of(await zalo.text(LOCAL_ADMIN, "/xuat tatca")) == texts.CAMPAIGN_SWITCH_FORBIDDEN


async def test_answers_and_retagging_stay_in_the_campaign(
    telegram: MemoryChannel, zalo: MemoryChannel, codes: dict, outbox: Outbox
) -> None:
    health, other = codes[LOCAL_KEY]
    assert health in texts_of(await telegram.text(LOCAL_HEALTH, f"/tra_loi {health}"))
    assert f"Đã lưu câu trả lời cho {health}" in texts_of(await telegram.text(LOCAL_HEALTH, "Trạm mở đến 20 giờ."))
    assert "đã trả lời 1" in texts_of(await zalo.text(LOCAL_ADMIN, "/chien_dich"))
    assert "Chuyển đến" in texts_of(await zalo.text(LOCAL_ADMIN, f"/gan_chu_de {other} suc_khoe"))
    assert [r.text for r in outbox.to(LOCAL_HEALTH)] == [texts.ROUTED_NOTICE.format(code=other, topic="Sức khỏe")]
    assert outbox.to(PROVINCE_HEALTH) == []  # the province's health coordinator is not Kế Sách's
    assert texts_of(await zalo.text(LOCAL_ADMIN, f"/gan_chu_de {codes['tinh'][0]}")) == texts.NOT_FOUND.format(
        code=codes["tinh"][0])
