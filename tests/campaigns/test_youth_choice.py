"""Without a link the youth chooses among the open campaigns, switches later (/doithoai or a new link),
is told when their campaign is over, and /cauhoi names the campaigns. Nothing they type is lost."""

import itertools
import logging

import pytest

from bot.config import AppConfig
from handlers import texts
from storage import Store
from tests.campaigns.conftest import LOCAL_KEY
from tests.campaigns.youth import LOCAL_NAME, PROVINCE_NAME, QUESTION, SECOND, chat_on, questions_of, youth_of
from tests.support import FakeClock, MemoryChannel, buttons_of, local, texts_of


async def consented(chat: MemoryChannel, user: str, link: str, name: str = "Lê Thị Hoa") -> None:
    """A youth who came by `link` (a /start payload) and gave a name."""
    await chat.text(user, f"/start {link}")
    await chat.press(user, f"consent:yes:{link}")
    await chat.text(user, name)


async def test_without_a_link_the_youth_chooses_after_consent_typed_on_zalo(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    zalo = chat_on(two_campaigns, store, clock, channel="zalo")
    greeting = texts_of(await zalo.text("z", "chào ad"))  # any first message: the greeting
    assert PROVINCE_NAME in greeting and LOCAL_NAME in greeting  # both open ones, with their dates
    assert "20/04/2023" in greeting and "15/06/2023" in greeting and "Tỉnh đoàn Sóc Trăng" in greeting
    replies = await zalo.text("z", "1")  # «Đồng ý»
    assert texts.ASK_CAMPAIGN in texts_of(replies) and buttons_of(replies) == ["camp:tinh", f"camp:{LOCAL_KEY}"]
    replies = await zalo.text("z", "2")
    assert texts.CAMPAIGN_CHOSEN.format(campaign=LOCAL_NAME) in texts_of(replies)
    assert "unit:ANMY" in buttons_of(replies) and "unit:TPST" not in buttons_of(replies)  # its units
    assert (await youth_of(store, "z")).campaign == LOCAL_KEY
    await zalo.text("z", "an my")
    await zalo.text("z", "an danh")
    assert "KS2023-0001" in texts_of(await zalo.text("z", QUESTION))


async def test_a_campaign_typed_by_name_without_diacritics(two_campaigns: AppConfig, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    await chat.text("u", "/start")
    await chat.press("u", "consent:yes")
    replies = await chat.text("u", "2023")  # in both names: asked again
    assert texts.CAMPAIGN_UNKNOWN in texts_of(replies)
    await chat.text("u", "ke sach")
    assert (await youth_of(store, "u")).campaign == LOCAL_KEY


async def test_a_question_typed_while_choosing_is_stored_where_the_reply_says(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    await chat.text("u", "/start")
    await chat.press("u", "consent:yes")
    replies = await chat.text("u", QUESTION)
    said = texts_of(replies)
    assert "ST2023-0001" in said and texts.RECEIPT_CAMPAIGN.format(campaign=PROVINCE_NAME) in said
    assert texts.ASK_CAMPAIGN_AFTER_QUESTION.format(campaign=PROVINCE_NAME) in said
    assert buttons_of(replies)[-2:] == ["camp:tinh", f"camp:{LOCAL_KEY}"]
    await chat.press("u", f"camp:{LOCAL_KEY}")
    await chat.press("u", "unit:ANMY")
    await chat.text("u", "Trần Văn Bình")
    assert "KS2023-0001" in texts_of(await chat.text("u", SECOND))
    first, second = await questions_of(store)
    # The kept question gets the name; not a unit of another campaign's list.
    assert (first.campaign, first.unit_code, first.asker_name) == ("tinh", None, "Trần Văn Bình")
    assert (second.campaign, second.unit_code) == (LOCAL_KEY, "ANMY")


async def test_switching_keeps_the_name_and_asks_the_unit_only_when_the_new_campaign_lacks_it(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    await consented(chat, "u", "KESACH")  # the province's, unit Huyện Kế Sách
    assert "ST2023-0001" in texts_of(await chat.text("u", QUESTION))
    assert "/doithoai" in texts_of(await chat.text("u", "/trogiup"))
    replies = await chat.text("u", "/doithoai")
    assert buttons_of(replies) == ["camp:tinh", f"camp:{LOCAL_KEY}"]
    replies = await chat.text("u", "2")  # typed: KESACH is one of Kế Sách's units too
    assert texts.ASK_QUESTION_LOCAL in texts_of(replies) and texts.ASK_UNIT not in texts_of(replies)
    youth = await youth_of(store, "u")
    assert (youth.campaign, youth.unit_code, youth.name) == (LOCAL_KEY, "KESACH", "Lê Thị Hoa")
    assert "KS2023-0001" in texts_of(await chat.text("u", SECOND))

    await chat.text("u", f"/start {LOCAL_KEY}-ANMY")  # a new link: its unit
    assert (await youth_of(store, "u")).unit_code == "ANMY"
    replies = await chat.text("u", "/start tinh")  # back to the province: Xã An Mỹ is not its unit
    assert texts.CAMPAIGN_CHOSEN.format(campaign=PROVINCE_NAME) in texts_of(replies)
    assert "unit:TPST" in buttons_of(replies)
    youth = await youth_of(store, "u")
    assert (youth.campaign, youth.unit_code, youth.name) == ("tinh", None, "Lê Thị Hoa")

    mine = texts_of(await chat.text("u", "/cauhoi"))  # both campaigns, each named once
    assert mine.count(texts.MY_QUESTIONS_CAMPAIGN.format(campaign=LOCAL_NAME)) == 1
    assert mine.count(texts.MY_QUESTIONS_CAMPAIGN.format(campaign=PROVINCE_NAME)) == 1
    assert mine.index(LOCAL_NAME) < mine.index("KS2023-0001") < mine.index(PROVINCE_NAME) < mine.index("ST2023-0001")


async def test_a_text_while_switching_is_kept_in_the_current_campaign(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    await consented(chat, "u", "KESACH")
    await chat.text("u", "/doithoai")
    said = texts_of(await chat.text("u", QUESTION))
    assert "ST2023-0001" in said and texts.ASK_CAMPAIGN_AFTER_QUESTION.format(campaign=PROVINCE_NAME) in said
    await chat.text("u", "/huy")  # staying where they are
    assert (await youth_of(store, "u")).campaign == "tinh"
    assert [q.code for q in await questions_of(store)] == ["ST2023-0001"]


async def test_a_closed_campaign_says_so_keeps_the_question_and_offers_the_open_ones(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock, channel="zalo")
    await consented(chat, "ks", f"{LOCAL_KEY}-ANMY")
    clock.moment = local(2023, 4, 25)  # Kế Sách's dialogue (20/4) is over, the province's is open
    replies = await chat.text("ks", QUESTION)
    said = texts_of(replies)
    assert "KS2023-0001" in said  # stored in the youth's campaign, and the reply says so
    assert texts.CAMPAIGN_CLOSED_STORED.format(campaign=LOCAL_NAME, dialogue="20/04/2023") in said
    assert buttons_of(replies)[-1:] == ["camp:tinh"]
    replies = await chat.text("ks", "1")  # typed: the province's
    assert texts.CAMPAIGN_CHOSEN.format(campaign=PROVINCE_NAME) in texts_of(replies)
    assert (await youth_of(store, "ks")).campaign == "tinh"

    replies = await chat.text("new", f"/start {LOCAL_KEY}")  # its link, now: the open one instead
    assert texts.CAMPAIGN_CLOSED.format(campaign=LOCAL_NAME, dialogue="20/04/2023") in texts_of(replies)
    assert PROVINCE_NAME in texts_of(replies) and buttons_of(replies)[0] == "consent:yes"
    await chat.text("new", "dong y")
    assert (await youth_of(store, "new")).campaign == "tinh"
    replies = await chat.press("new", f"camp:{LOCAL_KEY}")  # an old button
    assert texts.CAMPAIGN_CLOSED.format(campaign=LOCAL_NAME, dialogue="20/04/2023") in texts_of(replies)
    assert (await youth_of(store, "new")).campaign == "tinh"


async def test_returning_to_a_closed_campaign_offers_the_open_ones(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    await consented(chat, "ks", f"{LOCAL_KEY}-ANMY")
    clock.moment = local(2023, 4, 22)
    replies = await chat.text("ks", "/start")
    assert texts.CAMPAIGN_CLOSED_OFFER.format(campaign=LOCAL_NAME, dialogue="20/04/2023") in texts_of(replies)
    assert "camp:tinh" in buttons_of(replies)
    assert (await youth_of(store, "ks")).campaign == LOCAL_KEY  # nothing changes until they choose


async def test_one_open_campaign_means_no_choice(two_campaigns: AppConfig, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 5, 1)  # only the province's is open
    chat = chat_on(two_campaigns, store, clock)
    replies = await chat.text("u", "/start")
    assert LOCAL_NAME not in texts_of(replies) and buttons_of(replies)[0] == "consent:yes"
    assert texts.ASK_UNIT in texts_of(await chat.press("u", "consent:yes"))
    assert texts.CAMPAIGN_ONLY.format(campaign=PROVINCE_NAME) in texts_of(await chat.text("u", "/doithoai"))


async def test_a_removed_campaign_falls_back_to_the_provinces(
    two_campaigns: AppConfig, config: AppConfig, store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    clock.moment = local(2023, 4, 1)
    await consented(chat_on(two_campaigns, store, clock), "ks", f"{LOCAL_KEY}-ANMY")
    shipped = chat_on(config, store, clock)  # Kế Sách's campaign was taken out of the file
    shipped.counter = itertools.count(100)  # new update ids: not redeliveries of the first chat's
    with caplog.at_level(logging.WARNING):
        replies = await shipped.text("ks", QUESTION)
    assert "no longer exists" in caplog.text
    assert "ST2023-0001" in texts_of(replies) and texts.ASK_UNIT in texts_of(replies)  # ANMY is not the province's
    youth = await youth_of(store, "ks")
    assert (youth.campaign, youth.unit_code, youth.name) == ("tinh", None, "Lê Thị Hoa")
    assert "/doithoai" not in texts_of(await shipped.text("ks", "/trogiup"))  # one campaign: as before


async def test_one_campaign_in_the_deployment_looks_as_before(config: AppConfig, store: Store, clock: FakeClock) -> None:
    chat = chat_on(config, store, clock)
    await consented(chat, "u", "KESACH")
    receipt = texts_of(await chat.text("u", QUESTION))
    assert "ST2023-0001" in receipt and "Buổi đối thoại: «" not in receipt
    assert "/doithoai" not in texts_of(await chat.text("u", "/trogiup"))
    assert texts.CAMPAIGN_ONLY.format(campaign=PROVINCE_NAME) in texts_of(await chat.text("u", "/doithoai"))
    assert "Buổi «" not in texts_of(await chat.text("u", "/cauhoi"))
