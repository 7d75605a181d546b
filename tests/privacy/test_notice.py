"""The processing notice names every purpose the bot actually uses personal data for."""

from handlers import texts
from tests.support import MemoryChannel, texts_of

# purpose: the words the notice must carry (each purpose is a feature of this code base)
PURPOSES = {
    "routing to departments (handlers/coordination/routing.py)": "chuyển câu hỏi đến sở, ngành",
    "answers to the youth (handlers/admin/answers.py)": "gửi câu trả lời cho bạn",
    "reminders to youth who have not asked (youth_without_questions)": "nếu bạn chưa gửi",
    "reminders to youth who opted in (handlers/coordination/optin.py)": "đồng ý nhận nhắc",
    "digests and exports to coordinators": "tổng hợp",
    "statistics (/thongke, charts)": "thống kê",
    "tagger trained from corrections (nlp, `doithoai` CLI)": "phân loại chủ đề",
}


async def test_the_notice_names_every_purpose_and_the_retention(chat: MemoryChannel) -> None:
    """The full notice is one tap («Xem chi tiết») from the first screen, before consent."""
    first = await chat.text("n1", "/start")
    assert "notice:full" in [b.data for r in first for b in r.flat_buttons()]
    notice = next(r for r in await chat.press("n1", "notice:full") if "91/2025/QH15" in r.text)
    missing = [purpose for purpose, words in PURPOSES.items() if words not in notice.text]
    assert missing == []
    assert "12 tháng sau buổi đối thoại" in notice.text and "/xoa" in notice.text
    assert "Tỉnh đoàn Sóc Trăng" in notice.text and "trợ lý tự động" in notice.text
    assert texts.BTN_CONSENT_YES in [b.label for b in notice.flat_buttons()]
    assert "91/2025/QH15" in texts_of([notice])
