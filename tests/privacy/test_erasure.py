"""/xoa erases every trace of a youth: every table is walked, every row is read afterwards."""

from datetime import timedelta

from sqlalchemy import JSON, LargeBinary, String
from sqlmodel import SQLModel

from handlers import texts
from storage import Store
from storage.deliveries import DeliveryRepo
from storage.models import ProcessedUpdate, Question
from storage.erasure import ANNOUNCE_RUN
from storage.models_admin import Answer, AuditEntry, BlockedChat, BlockedMessage, PendingInput
from storage.models_coordination import Delivery
from storage.updates import digest
from storage.web_outbox import WebOutboxRepo
from tests.admin.conftest import ADMIN, STARTUP, rows
from tests.privacy.scan import where_found
from tests.support import FakeClock, MemoryChannel, texts_of

ERASED, EXEMPT = "erased", "exempt"
# Every column that can hold text: erased by /xoa (its row goes, or the value is replaced by a
# keyed pseudonym), or exempt with the reason it holds no youth's data in clear.
COLUMNS: dict[str, tuple[str, str]] = {
    "youth.channel": (ERASED, "row deleted"),
    "youth.chat_id": (ERASED, "row deleted"),
    "youth.name": (ERASED, "row deleted"),
    "youth.unit_code": (ERASED, "row deleted"),
    "youth.campaign": (ERASED, "row deleted"),
    "question.code": (ERASED, "row deleted; the counter keeps the number from being reissued"),
    "question.channel": (ERASED, "row deleted"),
    "question.source": (ERASED, "row deleted"),
    "question.unit_code": (ERASED, "row deleted"),
    "question.campaign": (ERASED, "row deleted"),
    "question.asker_name": (ERASED, "row deleted (imported questions have no youth: retention erases them)"),
    "question.text_raw": (ERASED, "row deleted"),
    "question.text_norm": (ERASED, "row deleted"),
    "question.topic": (ERASED, "row deleted"),
    "question.topic_source": (ERASED, "row deleted"),
    "question.topic_scores": (ERASED, "row deleted"),
    "question.status": (ERASED, "row deleted"),
    "question.public_text": (ERASED, "row deleted: the question leaves the public page /cong-khai with it"),
    "answer.text": (ERASED, "rows of the youth's questions deleted"),
    "answer.answered_by": (ERASED, "rows of the youth's questions deleted"),
    "answer.answerer_name": (ERASED, "rows of the youth's questions deleted"),
    "answer.rating": (ERASED, "rows of the youth's questions deleted"),
    "answer.comment": (ERASED, "rows of the youth's questions deleted"),
    "topiccorrection.old_topic": (ERASED, "rows of the youth's questions deleted (they point at its text)"),
    "topiccorrection.new_topic": (ERASED, "rows of the youth's questions deleted"),
    "topiccorrection.by": (ERASED, "rows of the youth's questions deleted"),
    "conversationstate.chat_key": (ERASED, "row deleted"),
    "conversationstate.step": (ERASED, "row deleted"),
    "conversationstate.data": (ERASED, "row deleted (holds the draft question)"),
    "pendinginput.chat_key": (ERASED, "row deleted (a rating comment awaited); an announce-run's key names "
                                      "an occurrence, not a person"),
    "pendinginput.kind": (ERASED, "row deleted"),
    "pendinginput.payload": (ERASED, "row deleted; a kept /thongbao run (announce-run) loses the youth's "
                                     "[channel, chat_id] from its recipients"),
    "processedupdate.replies": (ERASED, "rows of the chat deleted (replies echo the question)"),
    "processedupdate.chat_key": (EXEMPT, "keyed pseudonym; the /xoa update's own mark, without personal "
                                         "text, expires in two days"),
    "processedupdate.key": (EXEMPT, "hash of channel and the platform's update id, not of a person"),
    "delivery.recipient": (ERASED, "rows of the youth deleted; others' keys are keyed pseudonyms"),
    "delivery.job": (EXEMPT, "a job name"),
    "delivery.occurrence": (EXEMPT, "a date"),
    "delivery.status": (EXEMPT, "a status word"),
    "delivery.error": (ERASED, "rows of the youth deleted"),
    "polledupdate.channel": (EXEMPT, "a channel name"),
    "polledupdate.body": (ERASED, "transient: each row is deleted within about a second of its update being "
                                  "handled, and a chat's updates are handled in order, the erasure last"),
    "weboutboxmessage.chat_id": (ERASED, "rows of the web session deleted"),
    "weboutboxmessage.reply": (ERASED, "rows of the web session deleted"),
    "blockedmessage.channel": (ERASED, "rows of the chat deleted"),
    "blockedmessage.chat_id": (ERASED, "rows of the chat deleted"),
    "blockedmessage.text": (ERASED, "rows of the chat deleted"),
    "blockedchat.chat_id": (ERASED, "replaced by a keyed pseudonym: the block outlives the erasure"),
    "blockedchat.channel": (EXEMPT, "a channel name"),
    "staff_file.id": (EXEMPT, "a random file id"),
    "staff_file.content": (ERASED, "every waiting staff file is deleted when a youth with questions erases: "
                                   "an export may quote them (staff send /xuat again)"),
    "staff_file.filename": (EXEMPT, "an export's file name (a date stamp)"),
    "staff_file.mime_type": (EXEMPT, "a content type"),
    "staff_file.owner": (EXEMPT, "keyed pseudonym of the staff member's address"),
    "blockedchat.blocked_by": (EXEMPT, "the admin's address (staff, not youth)"),
    "auditentry.actor": (ERASED, "the youth's address replaced by a keyed pseudonym (refused attempts)"),
    "auditentry.detail": (ERASED, "the youth's address replaced by the same pseudonym (/chan lines)"),
    "auditentry.role": (EXEMPT, "a role word"),
    "auditentry.action": (EXEMPT, "a command name"),
    "auditentry.question_code": (EXEMPT, "a receipt code, never reissued; it names no one once the question is gone"),
    "rolegrant.channel": (EXEMPT, "staff, not youth"),
    "rolegrant.chat_id": (EXEMPT, "staff, not youth"),
    "rolegrant.role": (EXEMPT, "staff, not youth"),
    "rolegrant.name": (EXEMPT, "staff, not youth"),
    "rolegrant.scope": (EXEMPT, "staff, not youth"),
    "rolegrant.granted_by": (EXEMPT, "staff, not youth"),
    "rolegrant.campaign": (EXEMPT, "staff, not youth"),
    "digestedquestion.coordinator": (EXEMPT, "keyed pseudonym of a coordinator's address (staff); rows go "
                                             "with the question (ON DELETE CASCADE)"),
    "zalo_oa_token.app_id": (EXEMPT, "the OA's app id, not a person"),
    "zalo_oa_token.access_token": (EXEMPT, "the OA's credential, not a person"),
    "zalo_oa_token.refresh_token": (EXEMPT, "the OA's credential, not a person"),
    "zalo_oa_token.seed_hash": (EXEMPT, "hash of the operator's credential, not a person"),
    "zalo_oa_token.lease_owner": (EXEMPT, "a worker's id"),
    "zalo_oa_token.pending_access_token": (EXEMPT, "the OA's credential, not a person"),
    "zalo_oa_token.pending_refresh_token": (EXEMPT, "the OA's credential, not a person"),
    "campaignoverride.changed_by": (EXEMPT, "an admin's address (staff)"),
    "campaign.key": (EXEMPT, "a campaign's settings, typed by an admin"),
    "campaign.spec": (EXEMPT, "a campaign's settings: names of units and staff, no youth"),
    "campaign.created_by": (EXEMPT, "an admin's address (staff)"),
    "receiptcounter.prefix": (EXEMPT, "the campaign's code prefix"),
    "apscheduler_jobs.id": (EXEMPT, "a job id from config"),
    "apscheduler_jobs.job_state": (EXEMPT, "pickled job: the runner's name and the job id, no recipient"),
    "desklogin.token_hash": (EXEMPT, "an HMAC of a staff login link's random token"),
    "desklogin.channel": (EXEMPT, "staff, not youth"),
    "desklogin.chat_id": (EXEMPT, "staff, not youth"),
    "desksession.token_hash": (EXEMPT, "an HMAC of a staff desk session's random cookie"),
    "desksession.channel": (EXEMPT, "staff, not youth"),
    "desksession.chat_id": (EXEMPT, "staff, not youth"),
}

NAME = "Lê Thị Bưởi"
QUESTION = "Em ở ấp Hòa Thuận muốn mở tiệm sửa xe mà thiếu vốn, tỉnh có hỗ trợ vay không ạ?"
COMMENT = "Em cần biết thủ tục ở ấp Hòa Thuận cụ thể hơn"
KEPT = "Tin nhắn bị giữ của Bưởi lúc bị chặn"
YOUTH = "y4711b"


def _text_capable(column: object) -> bool:
    kind = getattr(column, "type")
    kind = getattr(kind, "impl_instance", getattr(kind, "impl", kind))
    return isinstance(kind() if isinstance(kind, type) else kind, (String, JSON, LargeBinary))


def test_every_column_that_can_hold_text_is_erased_or_exempt_with_a_reason() -> None:
    columns = {
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.sorted_tables for column in table.columns if _text_capable(column)
    }
    assert sorted(columns - COLUMNS.keys()) == [], "classify the new column in COLUMNS"
    assert sorted(COLUMNS.keys() - columns) == [], "COLUMNS names a column that no longer exists"
    assert all(reason for _, reason in COLUMNS.values())


async def _ask_with_name(chat: MemoryChannel, user: str, name: str = NAME, question: str = QUESTION) -> str:
    await chat.text(user, "/start")
    await chat.press(user, "consent:yes")
    await chat.press(user, "unit:KESACH")
    await chat.text(user, name)
    replies = await chat.text(user, question)
    confirm = [b.data for r in replies for b in r.flat_buttons() if b.data.startswith("topic:ok")]
    if confirm:  # a flow that asks to confirm the topic before storing
        replies = await chat.press(user, confirm[0])
    receipt = texts_of(replies)
    return next(line.split(": ")[1] for line in receipt.splitlines() if line.startswith("Mã câu hỏi"))


async def _leave_every_kind_of_trace(chat: MemoryChannel, store: Store, clock: FakeClock) -> str:
    """Question, answer, rating comment, topic correction, refused command, sent-log, block, kept message."""
    code = await _ask_with_name(chat, YOUTH)
    await chat.text(STARTUP, f"/tra_loi {code}")
    await chat.text(STARTUP, "Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH.")
    [answer] = await rows(store, Answer)
    await chat.press(YOUTH, f"rate:{answer.id}:bad")
    await chat.text(YOUTH, COMMENT)
    await chat.text(ADMIN, f"/gan_chu_de {code} viec_lam")
    await chat.text(YOUTH, "/thongke")  # refused: an audit line names the youth
    await chat.text(ADMIN, f"/xem {code}")  # the reply kept for a redelivery shows the question
    async with store.unit() as uow:
        await DeliveryRepo(uow.session).claim("reminder:d3", "2023-05-23", [f"memory:{YOUTH}"], clock.now(),
                                              timedelta(minutes=5))
    assert "Đã chặn" in texts_of(await chat.text(ADMIN, f"/chan {code}"))
    assert texts_of(await chat.text(YOUTH, KEPT)) == ""
    async with store.unit() as uow:  # a /thongbao run kept half-sent (a crash): it lists its recipients
        await uow.admin.set_pending("announce-run:o1", ANNOUNCE_RUN, {
            "reply": {"text": "Thông báo"}, "to": [["memory", YOUTH], ["memory", "other1"]]}, clock.now())
    return code


async def test_a_blocked_youth_erases_every_trace(chat: MemoryChannel, store: Store, clock: FakeClock) -> None:
    await _ask_with_name(chat, "other1", "Trần Văn Khác", "Xã em cần thêm sân bóng cho thanh niên chơi thể thao")
    await _leave_every_kind_of_trace(chat, store, clock)
    needles = [YOUTH, NAME, QUESTION, COMMENT, KEPT]
    before = {(table, needle) for table, _, needle in await where_found(store, needles)}
    assert {("youth", YOUTH), ("youth", NAME), ("question", QUESTION), ("answer", COMMENT), ("pendinginput", YOUTH),
            ("blockedmessage", KEPT), ("auditentry", YOUTH), ("blockedchat", YOUTH),
            ("processedupdate", NAME)} <= before

    assert "del:yes" in [b.data for r in await chat.text(YOUTH, "/xoa") for b in r.flat_buttons()]
    assert texts.DELETED in texts_of(await chat.press(YOUTH, "del:yes"))

    assert await where_found(store, needles) == set()
    assert ("youth", "name", "Trần Văn Khác") in await where_found(store, ["Trần Văn Khác"]), "others stay"
    [run] = [row for row in await rows(store, PendingInput) if row.kind == ANNOUNCE_RUN]
    assert run.payload["to"] == [["memory", "other1"]], "a resumed /thongbao must not message them"
    [block] = await rows(store, BlockedChat)
    assert block.chat_id.startswith("~") and len(await rows(store, BlockedMessage)) == 0
    actors = {line.actor for line in await rows(store, AuditEntry)}
    assert any(actor.startswith("erased:") for actor in actors)
    # The block outlives the erasure: what they send next is kept, not answered.
    assert texts_of(await chat.text(YOUTH, "/start")) == ""


async def test_old_bare_hash_keys_go_too_and_the_web_outbox_is_emptied(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    async with store.unit() as uow:
        youth = await uow.youth.create("web", "sess-abc", now)
        await WebOutboxRepo(uow.session).add("sess-abc", {"text": QUESTION}, now)
        await WebOutboxRepo(uow.session).add("sess-keep", {"text": "khác"}, now)
        uow.session.add(ProcessedUpdate(key="k1", chat_key=digest("web:sess-abc"), replies=[{"text": QUESTION}],
                                        processed_at=now))
        uow.session.add(Delivery(job="digest", occurrence="d", recipient=digest("delivery", "web:sess-abc"),
                                 claimed_at=now))
    async with store.unit() as uow:
        await uow.youth.erase(youth)
    assert await where_found(store, [QUESTION, "sess-abc"]) == set()
    assert await rows(store, Delivery) == [] and await rows(store, ProcessedUpdate) == []
    assert await where_found(store, ["sess-keep"])


async def test_the_sent_log_and_update_marks_hold_no_bare_hash_of_a_chat(chat: MemoryChannel, store: Store,
                                                                          clock: FakeClock) -> None:
    await _ask_with_name(chat, YOUTH)
    async with store.unit() as uow:
        await DeliveryRepo(uow.session).claim("r", "o", [f"memory:{YOUTH}"], clock.now(),
                                              timedelta(minutes=5))
    bare = {digest(f"memory:{YOUTH}"), digest("delivery", f"memory:{YOUTH}")}
    keys = {u.chat_key for u in await rows(store, ProcessedUpdate)} | {d.recipient for d in await rows(store, Delivery)}
    assert keys and not keys & bare


async def test_a_blocked_youth_can_erase_by_typing_on_a_channel_without_buttons(chat: MemoryChannel, store: Store) -> None:
    code = await _ask_with_name(chat, YOUTH)
    await chat.text(ADMIN, f"/chan {code}")
    assert texts_of(await chat.text(YOUTH, "Xin chào")) == ""  # kept, not answered
    await chat.text(YOUTH, "/xoa")
    assert texts.DELETED in texts_of(await chat.text(YOUTH, "1"))
    assert await where_found(store, [NAME, QUESTION, "Xin chào"]) == set()


async def test_a_chat_blocked_before_it_consented_erases_its_kept_messages(chat: MemoryChannel, store: Store) -> None:
    stranger = "s9021"
    assert "Đã chặn" in texts_of(await chat.text(ADMIN, f"/chan memory:{stranger}"))
    assert texts_of(await chat.text(stranger, KEPT)) == ""  # kept, not answered
    assert ("blockedmessage", KEPT) in {(t, n) for t, _, n in await where_found(store, [KEPT])}
    erased = texts_of(await chat.text(stranger, "/xoa"))
    assert texts.DELETED_KEPT_MESSAGES.format(count=1) in erased
    assert await where_found(store, [KEPT, stranger]) == set(), "kept text, block and audit lines name no one"
    assert texts_of(await chat.text(stranger, "Lại nhắn")) == "", "the block outlives the erasure"
    assert texts.DELETE_NOTHING in texts_of(await chat.text(ADMIN, "/xoa")), "a staff chat keeps its audit lines"
    assert any(line.actor == f"memory:{ADMIN}" for line in await rows(store, AuditEntry))


async def test_an_erased_youths_published_question_leaves_no_trace_even_edited(chat: MemoryChannel, store: Store) -> None:
    public = "Thanh niên ở ấp muốn mở tiệm sửa xe nhưng thiếu vốn thì vay ở đâu?"
    code = await _ask_with_name(chat, YOUTH)
    await chat.press(YOUTH, f"public:{(await rows(store, Question))[0].id}:on")
    await chat.text(STARTUP, f"/tra_loi {code}")
    await chat.text(STARTUP, "Tỉnh có gói vay ưu đãi qua Ngân hàng CSXH.")
    assert texts_of(await chat.text(STARTUP, f"/cong_khai {code} {public}")).startswith("✅")
    assert ("processedupdate", public) in {(t, n) for t, _, n in await where_found(store, [public])}  # the staff reply
    await chat.text(YOUTH, "/xoa")
    await chat.press(YOUTH, "del:yes")
    assert await where_found(store, [public, QUESTION, NAME]) == set()
