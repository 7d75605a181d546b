"""/nhap: a .csv or .xlsx of questions collected offline, validated, tagged, all-or-nothing."""

import io

from openpyxl import Workbook

from handlers.admin import texts
from handlers.types import Address, Attachment, IncomingMessage, Kind
from storage import Question, Store
from tests.admin.conftest import ADMIN, HEALTH, rows
from tests.support import MemoryChannel, texts_of

GOOD_CSV = (
    "Nội dung,Đơn vị,Người hỏi,Nguồn,Thời gian\n"
    "Xin hỏi tỉnh có chương trình khám sức khỏe sinh sản miễn phí cho thanh niên không?,KESACH,Lê Thị Hoa,phieu_y_kien,20/05/2023\n"
    "Đề nghị mở thêm lớp tin học miễn phí cho đoàn viên vùng sâu,Huyện Trần Đề,,cong_thong_tin,2023-05-28 10:00\n"
)
BAD_CSV = (
    "nội dung;đơn vị;thời gian\n"
    "Câu hỏi hợp lệ về việc làm cho thanh niên;TPST;\n"
    ";TPST;\n"
    "Câu hỏi có đơn vị sai cho thử nghiệm;KHONGCO;\n"
    "Câu hỏi có thời gian sai cho thử nghiệm;TPST;hôm qua\n"
)


def document(user: str, name: str, content: bytes, caption: str = "") -> IncomingMessage:
    return IncomingMessage(
        Address("memory", user), Kind.UNSUPPORTED, text=caption, unsupported_kind="document",
        attachments=(Attachment(name, content, "application/octet-stream"),),
    )


async def test_csv_import_stores_tagged_rows_with_their_source(chat: MemoryChannel, store: Store) -> None:
    assert texts.IMPORT_ASK in texts_of(await chat.text(ADMIN, "/nhap"))
    replies = await chat._send(document(ADMIN, "phieu.csv", GOOD_CSV.encode("utf-8-sig")))
    done = texts_of(replies)
    assert "Đã nhập 2 câu hỏi" in done and "ST2023-0001" in done and "ST2023-0002" in done
    first, second = await rows(store, Question)
    assert (first.channel, first.source, first.unit_code, first.asker_name) == ("import", "phieu_y_kien", "KESACH", "Lê Thị Hoa")
    assert first.topic == "khoi_nghiep" and first.youth_id is None and not first.late
    assert (second.unit_code, second.source, second.late) == ("TRANDE", "cong_thong_tin", True)  # after 26/5
    assert "Nhập từ tệp: 2" in texts_of(await chat.text(ADMIN, "/thongke"))


async def test_xlsx_with_the_command_as_caption(chat: MemoryChannel, store: Store) -> None:
    book = Workbook()
    book.active.append(["Nội dung", "Đơn vị"])
    book.active.append(["Đề nghị tỉnh hỗ trợ vốn cho thanh niên khởi nghiệp nông nghiệp", "MYTU"])
    buffer = io.BytesIO()
    book.save(buffer)
    replies = await chat._send(document(ADMIN, "huyen.xlsx", buffer.getvalue(), caption="/nhap"))
    assert "Đã nhập 1 câu hỏi" in texts_of(replies)
    [question] = await rows(store, Question)
    assert question.unit_code == "MYTU" and question.source == texts.IMPORT_DEFAULT_SOURCE


async def test_bad_rows_are_reported_and_nothing_is_imported(chat: MemoryChannel, store: Store) -> None:
    await chat.text(ADMIN, "/nhap")
    report = texts_of(await chat._send(document(ADMIN, "loi.csv", BAD_CSV.encode())))
    assert "có 3 dòng lỗi" in report
    assert "Dòng 3: thiếu nội dung" in report and "Dòng 4: không có đơn vị «KHONGCO»" in report
    assert "Dòng 5: thời gian «hôm qua»" in report and "Dòng 2" not in report
    assert await rows(store, Question) == []


async def test_unreadable_files_and_missing_column(chat: MemoryChannel, store: Store) -> None:
    await chat.text(ADMIN, "/nhap")
    assert "Không đọc được" in texts_of(await chat._send(document(ADMIN, "x.xlsx", b"not a zip")))
    await chat.text(ADMIN, "/nhap")
    assert texts.IMPORT_NO_TEXT_COLUMN in texts_of(await chat._send(document(ADMIN, "x.csv", b"a,b\n1,2\n")))
    await chat.text(ADMIN, "/nhap")
    assert texts.IMPORT_NEED_FILE in texts_of(await chat.text(ADMIN, "chưa có tệp"))
    assert await rows(store, Question) == []


async def test_a_coordinator_cannot_import(chat: MemoryChannel, store: Store) -> None:
    replies = await chat._send(document(HEALTH, "phieu.csv", GOOD_CSV.encode(), caption="/nhap"))
    assert texts_of(replies) == texts.FORBIDDEN
    assert await rows(store, Question) == []
