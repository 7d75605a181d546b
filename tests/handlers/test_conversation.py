"""The intake conversation, step by step, through an in-memory channel."""

from sqlmodel import select

from handlers import texts
from storage import ConversationState, Question, Store, TopicCorrection, Youth
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, buttons_of, local, texts_of

QUESTION = "Em muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay vốn không ạ?"


async def rows(store: Store, model: type) -> list:
    async with store.unit() as uow:
        return list((await uow.session.exec(select(model))).all())


async def consent_and_reach_question(chat: MemoryChannel, user: str = "u1") -> None:
    await chat.text(user, "/start")
    await chat.press(user, "consent:yes")
    await chat.press(user, "unit:KESACH")
    await chat.press(user, "name:anon")


async def test_start_greets_with_campaign_dates_and_asks_consent(chat: MemoryChannel, store: Store) -> None:
    replies = await chat.text("u1", "/start")
    text = texts_of(replies)
    assert "năm 2023" in text  # the campaign; its theme is in /trogiup
    assert "lập nghiệp" in texts_of(await chat.text("u1", "/trogiup"))
    assert "15/06/2023" in text and "26/05/2023" in text
    assert "91/2025/QH15" in text and "/xoa" in text and "trợ lý tự động" in text
    assert "Tỉnh đoàn Sóc Trăng" in replies[0].text and "(còn 16 ngày)" in replies[0].text  # 10/05 → 26/05
    assert buttons_of(replies) == ["consent:yes", "consent:no", "notice:full"]
    assert await rows(store, Youth) == [] and await rows(store, ConversationState) == []


async def test_nothing_is_stored_before_consent(chat: MemoryChannel, store: Store) -> None:
    await chat.text("u1", "/start")
    replies = await chat.text("u1", "xin chào, cho em hỏi về vốn vay")
    assert texts.CONSENT_REQUIRED in texts_of(replies)
    await chat.press("u1", "consent:no")
    assert await rows(store, Youth) == [] and await rows(store, ConversationState) == []


async def test_declining_consent_stores_nothing(chat: MemoryChannel, store: Store) -> None:
    replies = await chat.press("u1", "consent:no")
    assert texts.CONSENT_DECLINED in texts_of(replies)
    assert await rows(store, Youth) == []


async def test_full_flow_stores_question_with_receipt(chat: MemoryChannel, store: Store, tagger: ScriptedTagger) -> None:
    await chat.text("u1", "/start")
    replies = await chat.press("u1", "consent:yes")
    assert texts.ASK_UNIT in texts_of(replies)
    assert "unit:TPST" in buttons_of(replies) and "unit:BIENPHONG" in buttons_of(replies)
    replies = await chat.press("u1", "unit:KESACH")
    assert "Huyện Kế Sách" in texts_of(replies) and "name:anon" in buttons_of(replies)
    replies = await chat.text("u1", "  Nguyễn   Văn An ")
    assert "Nguyễn Văn An" in texts_of(replies) and texts.ASK_QUESTION in texts_of(replies)
    replies = await chat.text("u1", QUESTION)  # stored at once: no confirm step
    assert "Khởi nghiệp" in texts_of(replies) and "ST2023-0001" in texts_of(replies)
    assert len(replies) == 1  # one message: receipt and reminder opt-in together
    assert buttons_of(replies) == ["remind:yes", "remind:no", "retopic:1", "public:1:on", "again", "mine"]
    [question] = await rows(store, Question)
    assert (question.code, question.topic, question.unit_code) == ("ST2023-0001", "khoi_nghiep", "KESACH")
    assert question.asker_name == "Nguyễn Văn An" and question.text_raw == QUESTION
    assert question.late is False and question.needs_review is False and question.topic_source == "tagger"
    assert question.channel == "memory" and question.topic_scores == {"khoi_nghiep": 1.0}
    assert tagger.seen == [QUESTION]


async def test_anonymous_and_second_question_skips_unit_and_name(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    replies = await chat.press("u1", "again")
    assert texts.ASK_QUESTION in texts_of(replies)
    replies = await chat.text("u1", "Cho em hỏi thủ tục đăng ký hộ kinh doanh online ạ")
    assert "ST2023-0002" in texts_of(replies) and "retopic:2" in buttons_of(replies)
    questions = await rows(store, Question)
    assert [q.asker_name for q in questions] == [None, None]


async def test_free_text_after_the_window_starts_a_new_question(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    clock.advance(minutes=2, seconds=1)
    replies = await chat.text("u1", "Xã em chưa có sân bóng cho thanh niên, tỉnh có kế hoạch gì không?")
    assert "ST2023-0002" in texts_of(replies) and "retopic:2" in buttons_of(replies)


async def test_changing_the_topic_keeps_a_correction_and_marks_review(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    replies = await chat.press("u1", "retopic:1")
    assert "ST2023-0001" in texts_of(replies)
    assert buttons_of(replies) == [f"retopic:1:{t}" for t in
                                   ("suc_khoe", "van_hoa_tinh_than", "khoi_nghiep", "chuyen_doi_so", "doan_hoi", "khac")]
    replies = await chat.press("u1", "retopic:1:suc_khoe")
    assert "Sức khỏe" in texts_of(replies) and "ST2023-0001" in texts_of(replies)
    [question] = await rows(store, Question)
    assert question.topic == "suc_khoe" and question.topic_source == "youth" and question.needs_review
    [correction] = await rows(store, TopicCorrection)
    assert (correction.question_id, correction.old_topic, correction.new_topic, correction.by) == (
        question.id, "khoi_nghiep", "suc_khoe", "youth"
    )


async def test_changing_the_topic_by_typing_on_a_channel_without_buttons(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    await chat.text("u1", "3")  # remind:yes, remind:no, then «Đổi chủ đề»
    await chat.text("u1", "van hoa tinh than")
    [question] = await rows(store, Question)
    assert question.topic == "van_hoa_tinh_than" and question.topic_source == "youth"


async def test_topic_of_another_youths_question_cannot_be_changed(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat, "u1")
    await chat.text("u1", QUESTION)
    await consent_and_reach_question(chat, "u2")
    for forged in ("retopic:1", "retopic:1:suc_khoe", "retopic:x", "retopic:1:bong_da", "retopic:"):
        assert texts.STALE_BUTTON in texts_of(await chat.press("u2", forged)), forged
    [question] = await rows(store, Question)
    assert question.topic == "khoi_nghiep" and await rows(store, TopicCorrection) == []


async def test_a_topic_set_by_a_coordinator_stays(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    async with store.unit() as uow:
        [question] = await uow.questions.all()
        await uow.questions.correct_topic(question, "chuyen_doi_so", "telegram:9", clock.now())
    replies = await chat.press("u1", "retopic:1:suc_khoe")
    assert texts.TOPIC_LOCKED.format(code="ST2023-0001") in texts_of(replies)
    [question] = await rows(store, Question)
    assert question.topic == "chuyen_doi_so"


async def test_secondary_topic_is_mentioned(chat: MemoryChannel, tagger: ScriptedTagger) -> None:
    tagger.secondary = "chuyen_doi_so"
    await consent_and_reach_question(chat)
    replies = await chat.text("u1", QUESTION)
    assert "Khởi nghiệp" in texts_of(replies) and "Chuyển đổi số" in texts_of(replies)
    assert "ST2023-0001" in texts_of(replies)


async def test_without_tagger_youth_picks_topic_and_question_needs_review(
    store: Store, config, clock: FakeClock
) -> None:
    from bot.dispatcher import Dispatcher
    from handlers.conversation import Conversation

    chat = MemoryChannel(Dispatcher(store, Conversation(config, None, clock), clock).handle)
    await consent_and_reach_question(chat)
    replies = await chat.text("u1", QUESTION)
    assert "ST2023-0001" in texts_of(replies) and texts.TOPIC_NONE in texts_of(replies)
    assert len(buttons_of(replies)) == 6  # stored already, the youth names the topic
    [question] = await rows(store, Question)
    assert question.topic is None and question.needs_review
    await chat.press("u1", "retopic:1:khoi_nghiep")
    [question] = await rows(store, Question)
    assert question.topic == "khoi_nghiep" and question.needs_review and question.topic_scores == {}


async def test_deep_link_preselects_unit(chat: MemoryChannel, store: Store) -> None:
    replies = await chat.text("u1", "/start VINHCHAU")
    assert "Thị xã Vĩnh Châu" in texts_of(replies)
    assert "consent:yes:VINHCHAU" in buttons_of(replies)
    replies = await chat.press("u1", "consent:yes:VINHCHAU")
    assert "name:anon" in buttons_of(replies)
    [youth] = await rows(store, Youth)
    assert youth.unit_code == "VINHCHAU"


async def test_unknown_deep_link_unit_is_ignored(chat: MemoryChannel) -> None:
    replies = await chat.text("u1", "/start NOWHERE")
    assert "consent:yes" in buttons_of(replies)
    replies = await chat.press("u1", "consent:yes")
    assert texts.ASK_UNIT in texts_of(replies)


async def test_late_question_is_accepted_and_flagged(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    clock.moment = local(2023, 5, 26, 23)  # still on time: the deadline day itself
    await consent_and_reach_question(chat)
    replies = await chat.text("u1", QUESTION)
    assert "ST2023-0001" in texts_of(replies) and "15/06/2023" not in texts_of(replies)
    assert "remind:yes" not in buttons_of(replies)  # no reminder offered for a deadline that ends tonight
    clock.advance(minutes=30)
    replies = await chat.text("u1", "/start")
    assert "26/05/2023" in texts_of(replies) and texts.GREETING_LATE not in texts_of(replies)
    clock.moment = local(2023, 5, 27, 0)  # first minute after the deadline
    replies = await chat.text("u1", QUESTION + " Em hỏi thêm lần nữa.")
    assert "ST2023-0002" in texts_of(replies) and "26/05/2023" in texts_of(replies) and "15/06/2023" in texts_of(replies)
    assert len(replies) == 1 and "retopic:2" in buttons_of(replies)  # receipt and note in one message
    assert [q.late for q in await rows(store, Question)] == [False, True]


async def test_my_questions_lists_status(chat: MemoryChannel) -> None:
    assert texts.MY_QUESTIONS_NONE_STORED in texts_of(await chat.text("u1", "/cauhoi"))
    await consent_and_reach_question(chat)
    assert texts.MY_QUESTIONS_NONE in texts_of(await chat.text("u1", "/cauhoi"))
    await chat.text("u1", QUESTION)
    replies = await chat.text("u1", "/cauhoi")
    assert "ST2023-0001" in texts_of(replies) and "đã tiếp nhận" in texts_of(replies)
    replies = await chat.press("u1", "mine")
    assert "ST2023-0001" in texts_of(replies)


async def test_my_questions_counts_them_all_and_lists_the_latest_ten(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    assert texts.MY_QUESTIONS_HEAD.format(count=1) in texts_of(await chat.text("u1", "/cauhoi"))
    async with store.unit() as uow:
        youth = await uow.youth.get("memory", "u1")
        assert youth is not None
        for n in range(11):
            await uow.questions.add(Question(youth_id=youth.id, channel="memory", text_raw=f"Câu hỏi số {n}",
                                             text_norm=f"cau hoi so {n}", created_at=local(2023, 5, 10)), "ST2023")
    listed = texts_of(await chat.text("u1", "/cauhoi"))
    assert texts.MY_QUESTIONS_HEAD.format(count=12) in listed
    assert "ST2023-0012" in listed and "ST2023-0003" in listed and "ST2023-0002" not in listed


async def test_delete_requires_confirmation_then_erases_everything(chat: MemoryChannel, store: Store) -> None:
    assert texts.DELETE_NOTHING in texts_of(await chat.text("u1", "/xoa"))
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    replies = await chat.text("u1", "/xoa")
    assert "1 câu hỏi" in texts_of(replies) and buttons_of(replies) == ["del:yes", "del:no"]
    replies = await chat.press("u1", "del:no")
    assert texts.DELETE_KEPT in texts_of(replies)
    assert len(await rows(store, Question)) == 1
    await chat.text("u1", "/xoa")
    replies = await chat.press("u1", "del:yes")
    assert texts.DELETED in texts_of(replies)
    assert await rows(store, Youth) == [] and await rows(store, Question) == []
    assert await rows(store, ConversationState) == []
    replies = await chat.press("u1", "del:yes")  # a callback after /xoa
    assert "consent:yes" in buttons_of(replies)


async def test_cancel_leaves_the_topic_list_and_keeps_the_question(chat: MemoryChannel, store: Store) -> None:
    assert texts.NOTHING_TO_CANCEL in texts_of(await chat.text("u1", "/huy"))
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    await chat.press("u1", "retopic:1")
    assert texts.CANCELLED in texts_of(await chat.text("u1", "/huy"))
    [question] = await rows(store, Question)
    assert question.topic == "khoi_nghiep"


async def test_help_and_unknown_command(chat: MemoryChannel) -> None:
    assert "/cauhoi" in texts_of(await chat.text("u1", "/trogiup"))
    assert "/abc" in texts_of(await chat.text("u1", "/abc"))


async def test_old_confirm_buttons_store_nothing_twice(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    await chat.text("u1", QUESTION)
    for old in ("topic:ok:1", "topic:pick:1", "topic:set:1:suc_khoe"):
        assert texts.STALE_BUTTON in texts_of(await chat.press("u1", old))
    [question] = await rows(store, Question)
    assert question.topic == "khoi_nghiep"


async def test_forged_button_data_is_refused(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    for forged in ("retopic:1:hacked", "unit:NOWHERE", "retopic", "x" * 64, "", "del:yes:other"):
        replies = await chat.press("u1", forged)
        assert texts.STALE_BUTTON in texts_of(replies), forged
    assert await rows(store, Question) == []


async def test_redelivered_update_creates_nothing_new(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    first = await chat.text("u1", QUESTION, update_id="tg-100")
    again = await chat.text("u1", QUESTION, update_id="tg-100")
    assert texts_of(again) == texts_of(first) and "ST2023-0001" in texts_of(first)
    assert len(await rows(store, Question)) == 1


async def test_bad_question_text_gets_clear_replies_and_keeps_the_step(chat: MemoryChannel, store: Store) -> None:
    await consent_and_reach_question(chat)
    assert texts.QUESTION_EMPTY in texts_of(await chat.text("u1", "😀😀🎉"))
    assert texts.QUESTION_EMPTY in texts_of(await chat.text("u1", "   "))
    assert "ngắn" in texts_of(await chat.text("u1", "vốn?"))
    replies = await chat.text("u1", "a" * 4001)
    assert "4001" in texts_of(replies) and "4000" in texts_of(replies)
    assert await rows(store, Question) == []
    replies = await chat.text("u1", QUESTION)
    assert "ST2023-0001" in texts_of(replies)


async def test_unsupported_messages_get_a_reply_and_reprompt(chat: MemoryChannel) -> None:
    replies = await chat.other("u1", "sticker")
    assert "consent:yes" in buttons_of(replies)  # before consent: the notice again
    await consent_and_reach_question(chat)
    for kind, word in (("sticker", "nhãn dán"), ("photo", "hình ảnh"), ("voice", "tin nhắn thoại"), ("weird", "loại tin nhắn này")):
        replies = await chat.other("u1", kind)
        assert word in texts_of(replies) and texts.ASK_QUESTION in texts_of(replies)


async def test_name_validation(chat: MemoryChannel, store: Store) -> None:
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:TPST")
    assert "tối đa 80" in texts_of(await chat.text("u1", "12345 !!!"))
    await chat.text("u1", "Lâm Thị Bé")
    [youth] = await rows(store, Youth)
    assert youth.name == "Lâm Thị Bé"


async def test_typed_numbers_and_labels_select_buttons(chat: MemoryChannel, store: Store) -> None:
    await chat.text("u1", "/start")
    replies = await chat.text("u1", "dong y")  # the consent button's label, typed without accents
    assert texts.ASK_UNIT in texts_of(replies)
    replies = await chat.text("u1", "3")  # third unit: Huyện Kế Sách
    assert "Huyện Kế Sách" in texts_of(replies)
    replies = await chat.text("u1", "an danh")
    assert texts.NAME_ANONYMOUS in texts_of(replies)
    replies = await chat.text("u1", QUESTION)
    assert "ST2023-0001" in texts_of(replies)
    replies = await chat.text("u1", "doi chu de")  # the label, typed
    assert len(buttons_of(replies)) == 6
    replies = await chat.text("u1", "1")  # the first topic
    [question] = await rows(store, Question)
    assert question.topic == "suc_khoe" and "ST2023-0001" in texts_of(replies)


async def test_typing_the_number_of_anonymous_at_the_name_step_selects_it(chat: MemoryChannel, store: Store) -> None:
    """Zalo shows «1. Ẩn danh» as a numbered choice: "1" there means that choice, not a name."""
    await chat.text("u1", "/start")
    await chat.press("u1", "consent:yes")
    await chat.press("u1", "unit:TPST")
    replies = await chat.text("u1", "1")
    assert texts.NAME_ANONYMOUS in texts_of(replies) and texts.ASK_QUESTION in texts_of(replies)
    [youth] = await rows(store, Youth)
    assert youth.name is None


async def test_group_chats_are_asked_to_go_private(chat: MemoryChannel, store: Store) -> None:
    replies = await chat.text("group-1", "cho hỏi về vốn vay", private=False)
    assert texts_of(replies) == texts.GROUP_CHAT
    assert await rows(store, Youth) == []


async def test_restart_resumes_from_stored_state(store: Store, config, clock: FakeClock, tagger: ScriptedTagger) -> None:
    from bot.dispatcher import Dispatcher
    from handlers.conversation import Conversation

    first = MemoryChannel(Dispatcher(store, Conversation(config, tagger, clock), clock).handle)
    await consent_and_reach_question(first)
    await first.text("u1", QUESTION)
    await first.text("u1", "Cụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?")  # a follow-up, waiting
    # A brand-new dispatcher and conversation: nothing held in memory survives.
    second = MemoryChannel(Dispatcher(store, Conversation(config, tagger, clock), clock).handle)
    second.counter = first.counter
    replies = await second.text("u1", "1")  # «Thêm vào câu hỏi ST2023-0001»
    assert "ST2023-0001" in texts_of(replies)
    [question] = await rows(store, Question)
    assert question.text_raw.endswith("\nCụ thể là vay 50 triệu để nuôi tôm thì cần thủ tục gì ạ?")


async def test_internal_error_gets_polite_reply_and_nothing_half_written(
    store: Store, config, clock: FakeClock
) -> None:
    from bot.dispatcher import Dispatcher
    from handlers.conversation import Conversation

    class BrokenTagger:
        def tag(self, text: str):
            raise RuntimeError("model file corrupt")

    chat = MemoryChannel(Dispatcher(store, Conversation(config, BrokenTagger(), clock), clock).handle)
    await consent_and_reach_question(chat)
    replies = await chat.text("u1", QUESTION)
    assert texts_of(replies) == texts.INTERNAL_ERROR
    [state] = await rows(store, ConversationState)
    assert state.step == "question"  # the failed turn rolled back


async def test_a_draft_left_by_the_old_confirm_step_is_stored(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    """States written before the confirm step was removed: the waiting draft is stored, not lost."""
    await consent_and_reach_question(chat)
    draft = {"n": 1, "text": QUESTION, "topic": "khoi_nghiep", "scores": {}, "needs_review": False}
    async with store.unit() as uow:
        await uow.states.put("memory:u1", "confirm_topic", {"name_done": True, "drafts": 1, "draft": draft}, clock.now())
    replies = await chat.press("u1", "topic:ok:1")  # «Đúng» on the old message
    assert "ST2023-0001" in texts_of(replies) and texts.STALE_BUTTON not in texts_of(replies)
    [question] = await rows(store, Question)
    assert question.text_raw == QUESTION
    [state] = await rows(store, ConversationState)
    assert state.step == "idle" and "draft" not in state.data
