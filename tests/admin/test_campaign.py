"""/thongke, /xuat, /chien_dich, /chan, /bo_chan and /thongbao."""

import csv
import io

from openpyxl import load_workbook

from handlers import texts as youth_texts
from handlers.admin import texts
from storage import Question, Store
from storage.models_admin import BlockedMessage, CampaignOverride
from tests.admin.conftest import ADMIN, HEALTH, STARTUP, Outbox, RecordingAnnouncer, ask, rows
from tests.support import FakeClock, MemoryChannel, ScriptedTagger, local, texts_of


async def test_stats_count_by_topic_unit_channel_and_day(chat: MemoryChannel, tagger: ScriptedTagger) -> None:
    await ask(chat, "y1")
    tagger.topic = "suc_khoe"
    await ask(chat, "y2", "Cho em hỏi về khám sức khỏe sinh sản miễn phí ạ", unit="TPST")
    stats = texts_of(await chat.text(ADMIN, "/thongke"))
    assert "Tổng số: 2" in stats and "Khởi nghiệp: 1" in stats and "Sức khỏe: 1" in stats
    assert "Huyện Kế Sách: 1 / 15" in stats and "memory: 2" in stats and "10/05: 2" in stats
    assert "Còn 16 ngày đến hạn chót (26/05/2023)" in stats
    scoped = texts_of(await chat.text(HEALTH, "/thongke"))
    assert "Tổng số: 1" in scoped and "Khởi nghiệp: 0" in scoped


async def test_export_as_xlsx_and_csv_with_filters(chat: MemoryChannel, tagger: ScriptedTagger) -> None:
    code = await ask(chat, "y1")
    tagger.topic = "suc_khoe"
    await ask(chat, "y2", "Cho em hỏi về khám sức khỏe sinh sản miễn phí ạ", unit="TPST")
    [reply] = await chat.text(ADMIN, "/xuat chu_de=khoi_nghiep don_vi=kesach")
    assert "1 câu hỏi" in reply.text
    xlsx, csv_file = reply.attachments
    assert xlsx.filename.endswith(".xlsx") and csv_file.mime_type == "text/csv"
    book = load_workbook(io.BytesIO(xlsx.content))
    assert any(code in str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
    lines = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert lines[0][0] == "Mã" and [line[0] for line in lines[1:]] == [code]
    assert len(list(csv.reader(io.StringIO((await chat.text(ADMIN, "/xuat"))[0].attachments[1].content.decode("utf-8-sig"))))) == 3
    [scoped] = await chat.text(HEALTH, "/xuat")
    assert "1 câu hỏi" in scoped.text
    assert "không hợp lệ" in texts_of(await chat.text(ADMIN, "/xuat chu_de=bong_da"))
    assert "không hợp lệ" in texts_of(await chat.text(ADMIN, "/xuat tu=hom_qua"))
    assert texts.EXPORT_EMPTY == texts_of(await chat.text(ADMIN, "/xuat trang_thai=answered"))
    assert "1 câu hỏi" in texts_of(await chat.text(ADMIN, "/xuat don_vi=TPST tu=10/05/2023 den=2023-05-10"))


async def test_moving_the_dialogue_changes_the_deadline_the_conversation_uses(
    chat: MemoryChannel, store: Store, clock: FakeClock
) -> None:
    heard: list = []
    chat.handle.__self__.conversation.admin.seams.campaign_listeners.append(heard.append)  # type: ignore[attr-defined]
    clock.moment = local(2023, 5, 28)  # past the configured deadline (26/5)
    assert youth_texts.GREETING_LATE in texts_of(await chat.text("y1", "/start"))
    assert "không hợp lệ" in texts_of(await chat.text(ADMIN, "/chien_dich ngay=32/13/2023"))
    done = texts_of(await chat.text(ADMIN, "/chien_dich ngay=30/06/2023 han=20"))
    assert texts.CAMPAIGN_DONE in done and "30/06/2023" in done and "10/06/2023" in done
    assert [c.deadline_date.isoformat() for c in heard] == ["2023-06-10"]
    [override] = await rows(store, CampaignOverride)
    assert override.changed_by == "memory:admin1"
    greeting = texts_of(await chat.text("y2", "/start"))
    assert "30/06/2023" in greeting and "10/06/2023" in greeting and youth_texts.GREETING_LATE not in greeting
    await ask(chat, "y3")
    [question] = await rows(store, Question)
    assert question.late is False


async def test_blocked_users_are_kept_but_not_answered(chat: MemoryChannel, store: Store, outbox: Outbox) -> None:
    code = await ask(chat, "spam")
    assert "Đã chặn" in texts_of(await chat.text(ADMIN, f"/chan {code}"))
    assert await chat.text("spam", "quảng cáo quảng cáo quảng cáo") == []
    assert await chat.text("spam", "/start") == []
    assert [m.text for m in await rows(store, BlockedMessage)] == ["quảng cáo quảng cáo quảng cáo", "/start"]
    assert texts.BLOCK_STAFF == texts_of(await chat.text(ADMIN, f"/chan memory:{STARTUP}"))
    assert "đã bị chặn" in texts_of(await chat.text(ADMIN, "/chan memory:spam"))
    assert "Đã bỏ chặn" in texts_of(await chat.text(ADMIN, "/bo_chan memory:spam"))
    assert code in texts_of(await chat.text("spam", "/cauhoi"))  # answered again
    assert "Không xác định" in texts_of(await chat.text(ADMIN, "/chan ST2023-0099"))


async def test_announcement_preview_then_confirm(chat: MemoryChannel, announcer: RecordingAnnouncer) -> None:
    await ask(chat, "y1", unit="KESACH")
    await ask(chat, "y2", "Cho em hỏi về chính sách vay vốn khởi nghiệp ạ", unit="TPST")
    await chat.text(ADMIN, "/chan memory:y2")
    assert texts_of(await chat.text(ADMIN, "/thongbao")).startswith("Cách dùng")
    assert "Không có đơn vị" in texts_of(await chat.text(ADMIN, "/thongbao don_vi=ZZZ Họp mặt"))
    preview = await chat.text(ADMIN, "/thongbao Buổi đối thoại dời sang 8 giờ sáng.")
    assert "tới 1 bạn (tất cả đơn vị)" in texts_of(preview) and announcer.calls == []
    # An older preview's button is stale once a new one is shown.
    await chat.text(ADMIN, "/thongbao don_vi=KESACH Họp mặt đoàn viên Kế Sách.")
    assert texts_of(await chat.press(ADMIN, "adm:ann:yes:1")) == texts.STALE
    assert texts_of(await chat.press("y1", "adm:ann:yes:2")) == texts.FORBIDDEN
    assert texts.ANNOUNCE_SENT.format(count=1) == texts_of(await chat.press(ADMIN, "adm:ann:yes:2"))
    [(recipients, reply)] = announcer.calls
    assert [str(a) for a in recipients] == ["memory:y1"] and reply.text == "Họp mặt đoàn viên Kế Sách."
    assert texts_of(await chat.press(ADMIN, "adm:ann:yes:2")) == texts.STALE  # pressed twice
