"""A youth reaches a campaign by its deep link: the greeting names it, «Đồng ý» (pressed or typed)
puts them in it, and their questions follow its dates and receipt prefix."""

from bot.config import AppConfig
from handlers import texts
from handlers.joining import LinkMemo
from storage import Store
from tests.campaigns.conftest import LOCAL_KEY
from tests.campaigns.youth import LOCAL_NAME, PROVINCE_NAME, QUESTION, chat_on, questions_of, youth_of
from tests.support import FakeClock, buttons_of, local, texts_of


async def test_a_link_to_each_campaign_greets_with_its_name_and_dates_and_consent_joins_it(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    replies = await chat.text("ks", f"/start {LOCAL_KEY}-anmy")
    greeting = texts_of(replies)
    assert LOCAL_NAME in greeting and "Thanh niên Kế Sách khởi nghiệp" not in greeting  # the theme is in /trogiup
    assert "20/04/2023" in greeting and "10/04/2023" in greeting and "(còn 9 ngày)" in greeting
    assert texts.GREETING_UNIT.format(unit="Xã An Mỹ") in greeting
    assert buttons_of(replies) == [f"consent:yes:{LOCAL_KEY}-ANMY", "consent:no", f"notice:full:{LOCAL_KEY}-ANMY"]
    replies = await chat.press("ks", f"consent:yes:{LOCAL_KEY}-ANMY")
    assert texts.UNIT_CHOSEN.format(unit="Xã An Mỹ") in texts_of(replies) and "name:anon" in buttons_of(replies)
    youth = await youth_of(store, "ks")
    assert (youth.campaign, youth.unit_code) == (LOCAL_KEY, "ANMY")
    assert "Thanh niên Kế Sách khởi nghiệp" in texts_of(await chat.text("ks", "/trogiup"))
    await chat.press("ks", "name:anon")
    receipt = texts_of(await chat.text("ks", QUESTION))
    assert "KS2023-0001" in receipt and texts.RECEIPT_CAMPAIGN.format(campaign=LOCAL_NAME) in receipt

    replies = await chat.text("st", "/start KESACH")  # last year's poster: the province's unit
    assert PROVINCE_NAME in texts_of(replies) and "Huyện Kế Sách" in texts_of(replies)
    assert buttons_of(replies)[0] == "consent:yes:KESACH"
    await chat.press("st", "consent:yes:KESACH")
    youth = await youth_of(store, "st")
    assert (youth.campaign, youth.unit_code) == ("tinh", "KESACH")
    await chat.press("st", "name:anon")
    assert "ST2023-0001" in texts_of(await chat.text("st", QUESTION))
    assert [(q.campaign, q.code, q.unit_code) for q in await questions_of(store)] == [
        (LOCAL_KEY, "KS2023-0001", "ANMY"), ("tinh", "ST2023-0001", "KESACH")]


async def test_the_province_named_in_a_link_needs_no_choice(two_campaigns: AppConfig, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 4, 1)
    chat = chat_on(two_campaigns, store, clock)
    replies = await chat.text("u", "/start tinh-mytu")
    assert buttons_of(replies)[0] == "consent:yes:MYTU"
    replies = await chat.text("v", "/start tinh")
    assert PROVINCE_NAME in texts_of(replies) and buttons_of(replies)[0] == "consent:yes:tinh"
    replies = await chat.press("v", "consent:yes:tinh")
    assert texts.ASK_UNIT in texts_of(replies)
    assert (await youth_of(store, "v")).campaign == "tinh"


async def test_the_late_flag_and_the_wording_follow_the_youths_campaign(
    two_campaigns: AppConfig, store: Store, clock: FakeClock
) -> None:
    """15/4/2023: past Kế Sách's deadline (10/4), well before the province's (26/5)."""
    clock.moment = local(2023, 4, 15)
    chat = chat_on(two_campaigns, store, clock)
    for user, link in (("ks", f"{LOCAL_KEY}-KESACH"), ("st", "KESACH")):
        await chat.text(user, f"/start {link}")
        await chat.press(user, f"consent:yes:{link}")
        await chat.press(user, "name:anon")
    late = texts_of(await chat.text("ks", QUESTION))
    assert "KS2023-0001" in late
    assert texts.RECEIPT_LATE.format(deadline="10/04/2023", dialogue="20/04/2023") in late
    on_time = texts_of(await chat.text("st", QUESTION))
    assert "ST2023-0001" in on_time and "trễ" not in on_time
    assert [(q.code, q.late) for q in await questions_of(store)] == [("KS2023-0001", True), ("ST2023-0001", False)]
    assert "Hạn gửi câu hỏi đã qua (hết ngày 10/04/2023)" in texts_of(await chat.text("ks", "/trogiup"))
    assert "Hạn gửi câu hỏi: hết ngày 26/05/2023" in texts_of(await chat.text("st", "/trogiup"))
    assert texts.LATE_MARK in texts_of(await chat.text("ks", "/cauhoi"))


async def test_zalo_typed_consent_keeps_the_typed_link(two_campaigns: AppConfig, store: Store, clock: FakeClock) -> None:
    """Zalo shows no buttons and gives no start payload: «/start kesach2023-anmy» is typed, then «1»."""
    clock.moment = local(2023, 4, 1)
    zalo = chat_on(two_campaigns, store, clock, channel="zalo")
    greeting = texts_of(await zalo.text("z1", f"/start {LOCAL_KEY}-anmy"))
    assert LOCAL_NAME in greeting
    replies = await zalo.text("z1", "1")  # «✅ Đồng ý»
    assert texts.UNIT_CHOSEN.format(unit="Xã An Mỹ") in texts_of(replies)
    youth = await youth_of(store, "z1")
    assert (youth.channel, youth.campaign, youth.unit_code) == ("zalo", LOCAL_KEY, "ANMY")
    await zalo.text("z2", f"/start {LOCAL_KEY}")
    await zalo.text("z2", "xem chi tiet")  # the full notice keeps the link too
    await zalo.text("z2", "dong y")
    assert (await youth_of(store, "z2")).campaign == LOCAL_KEY


async def test_a_greeting_without_the_link_forgets_it(two_campaigns: AppConfig, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 4, 1)
    zalo = chat_on(two_campaigns, store, clock, channel="zalo")
    await zalo.text("z1", f"/start {LOCAL_KEY}")
    await zalo.text("z1", "/start")  # a plain start: several open, the youth chooses after consent
    replies = await zalo.text("z1", "1")
    assert texts.ASK_CAMPAIGN in texts_of(replies)
    assert buttons_of(replies) == ["camp:tinh", f"camp:{LOCAL_KEY}"]


def test_the_link_memo_forgets_after_an_hour_and_holds_a_bounded_number() -> None:
    moment = [0.0]
    memo = LinkMemo(size=2, seconds=3600, now=lambda: moment[0])
    memo.put("a", "kesach2023-ANMY")
    assert memo.get("a") == "kesach2023-ANMY"
    moment[0] = 3601
    assert memo.get("a") == ""
    for chat in ("a", "b", "c"):
        memo.put(chat, "kesach2023")
    assert (memo.get("a"), memo.get("c")) == ("", "kesach2023")  # the oldest went
    memo.put("c", "")  # a greeting without a link
    memo.forget("b")
    assert (memo.get("b"), memo.get("c")) == ("", "")
