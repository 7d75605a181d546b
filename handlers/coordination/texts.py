"""Every Vietnamese string coordinators and reminded youth read (issue #4), reviewed in one place."""

# --- a local campaign's messages name it (issue #18); the province's read as before --------
CAMPAIGN_LINE = "📌 {campaign}"

# --- digest -------------------------------------------------------------------------------
DIGEST_HEAD = "📊 TỔNG HỢP CÂU HỎI — {name}\n{moment}\nPhạm vi: {scope}"
DIGEST_SCOPE_ALL = "tất cả chủ đề"
DIGEST_NONE = "📊 {name}: không có câu hỏi mới trong phạm vi của anh/chị kể từ lần tổng hợp trước ({moment})."
DIGEST_TOTALS = "Câu hỏi mới: {new} (tổng cộng trong phạm vi: {total})."
DIGEST_BY_TOPIC = "Theo chủ đề (mới / tổng):"
DIGEST_TOPIC_LINE = "• {topic}: {new} / {total}"
DIGEST_BY_UNIT = "Theo đơn vị (câu hỏi mới / tổng; số bạn đã hỏi / chỉ tiêu đại biểu):"
DIGEST_UNIT_LINE = "• {unit}: {new} / {total}; {youth}/{allocation} bạn"
DIGEST_REVIEW_HEAD = "⚠️ Cần xem lại chủ đề trước ({count}):"
DIGEST_LIST_HEAD = "📝 Câu hỏi mới ({count}):"
DIGEST_ITEM = "• {code} · {unit} · {topic}{late}\n{text}"
DIGEST_LATE = " · gửi trễ"
DIGEST_GROUP = "🔁 {count} bạn hỏi nội dung tương tự ({codes}):"
DIGEST_FILES = "Kèm theo: biểu đồ và tệp Excel (mỗi cơ quan một trang tính)."
DIGEST_PART = "(phần {index}/{count})"
DIGEST_CAMPAIGN_NONE = "📊 {name}: không có câu hỏi mới của «{campaign}» trong phạm vi của anh/chị kể từ lần tổng hợp trước ({moment})."
FINAL_EXPORT = (
    "📦 Đã hết hạn nhận câu hỏi (hết ngày {deadline}). Gửi {name} bản tổng hợp cuối cùng: "
    "{total} câu hỏi ({late} câu gửi trễ), mỗi cơ quan trả lời một trang tính."
)

# --- chart ---------------------------------------------------------------------------------
CHART_TOPICS = "Câu hỏi theo chủ đề"
CHART_UNITS = "Số bạn đã hỏi theo đơn vị so với chỉ tiêu"
CHART_ASKED = "Đã hỏi"
CHART_ALLOCATION = "Chỉ tiêu"

# --- .xlsx ---------------------------------------------------------------------------------
XLSX_COLUMNS = (
    "STT", "Mã", "Đơn vị", "Người hỏi", "Nội dung", "Chủ đề", "Cơ quan trả lời", "Trạng thái", "Thời gian",
)
XLSX_ANONYMOUS = "Ẩn danh"
XLSX_LATE = " (gửi trễ)"
XLSX_FILENAME = "tong-hop-cau-hoi-{stamp}.xlsx"
CHART_FILENAME = "bieu-do-{stamp}.png"

# --- reminders -----------------------------------------------------------------------------
REMIND_STARTED = (
    "⏰ Nhắc bạn: còn {days} ngày nữa là hết hạn gửi câu hỏi cho buổi đối thoại với lãnh đạo tỉnh "
    "(hết ngày {deadline}). Bạn chưa gửi câu hỏi nào — gõ câu hỏi của bạn vào đây nhé."
)
REMIND_STARTED_TODAY = (
    "⏰ Hôm nay ({deadline}) là ngày cuối cùng gửi câu hỏi cho buổi đối thoại với lãnh đạo tỉnh. "
    "Bạn chưa gửi câu hỏi nào — gõ câu hỏi của bạn vào đây nhé."
)
REMIND_OPTED = (
    "⏰ Còn {days} ngày nữa là hết hạn gửi câu hỏi (hết ngày {deadline}). "
    "Nếu còn điều muốn hỏi, bạn cứ gõ vào đây. Gõ /cauhoi để xem các câu hỏi đã gửi."
)
REMIND_OPTED_TODAY = (
    "⏰ Hôm nay ({deadline}) là ngày cuối cùng gửi câu hỏi. "
    "Nếu còn điều muốn hỏi, bạn cứ gõ vào đây. Gõ /cauhoi để xem các câu hỏi đã gửi."
)
REMIND_COORDINATOR = (
    "⏰ {name}: còn {days} ngày đến hạn chuyển câu hỏi cho Sở Nội vụ (hết ngày {deadline}; "
    "đối thoại ngày {dialogue}).\nĐến nay, trong phạm vi của anh/chị: {questions} câu hỏi "
    "từ {youth}/{allocation} bạn theo chỉ tiêu."
)
REMIND_COORDINATOR_TODAY = (
    "⏰ {name}: hôm nay ({deadline}) là hạn cuối chuyển câu hỏi cho Sở Nội vụ "
    "(đối thoại ngày {dialogue}).\nĐến nay, trong phạm vi của anh/chị: {questions} câu hỏi "
    "từ {youth}/{allocation} bạn theo chỉ tiêu."
)
REMIND_STARTED_CAMPAIGN = (
    "⏰ Nhắc bạn: còn {days} ngày nữa là hết hạn gửi câu hỏi cho «{campaign}» "
    "(hết ngày {deadline}). Bạn chưa gửi câu hỏi nào — gõ câu hỏi của bạn vào đây nhé."
)
REMIND_STARTED_CAMPAIGN_TODAY = (
    "⏰ Hôm nay ({deadline}) là ngày cuối cùng gửi câu hỏi cho «{campaign}». "
    "Bạn chưa gửi câu hỏi nào — gõ câu hỏi của bạn vào đây nhé."
)
REMIND_OPTED_CAMPAIGN = (
    "⏰ Còn {days} ngày nữa là hết hạn gửi câu hỏi cho «{campaign}» (hết ngày {deadline}). "
    "Nếu còn điều muốn hỏi, bạn cứ gõ vào đây. Gõ /cauhoi để xem các câu hỏi đã gửi."
)
REMIND_OPTED_CAMPAIGN_TODAY = (
    "⏰ Hôm nay ({deadline}) là ngày cuối cùng gửi câu hỏi cho «{campaign}». "
    "Nếu còn điều muốn hỏi, bạn cứ gõ vào đây. Gõ /cauhoi để xem các câu hỏi đã gửi."
)
REMIND_COORDINATOR_CAMPAIGN = (
    "⏰ {name}: còn {days} ngày đến hạn nhận câu hỏi của «{campaign}» (hết ngày {deadline}; "
    "đối thoại ngày {dialogue}).\nĐến nay, trong phạm vi của anh/chị: {questions} câu hỏi "
    "từ {youth}/{allocation} bạn theo chỉ tiêu."
)
REMIND_COORDINATOR_CAMPAIGN_TODAY = (
    "⏰ {name}: hôm nay ({deadline}) là hạn cuối nhận câu hỏi của «{campaign}» "
    "(đối thoại ngày {dialogue}).\nĐến nay, trong phạm vi của anh/chị: {questions} câu hỏi "
    "từ {youth}/{allocation} bạn theo chỉ tiêu."
)
REMIND_UNIT_LINE = "• {unit}: {youth}/{allocation} bạn"
REMIND_UNITS_BEHIND = "Đơn vị chưa đạt chỉ tiêu:"
DATED_DEFAULT = "⏰ {name}: nhắc lịch — {title}."

# --- opt-in after the first receipt -------------------------------------------------------
OPTIN_ASK = "Bạn có muốn nhận tin nhắc trước hạn gửi câu hỏi (hết ngày {deadline}) không?"
BTN_OPTIN_YES = "🔔 Có"
BTN_OPTIN_NO = "Không"
OPTIN_YES = "Đã bật nhắc hạn: mình sẽ nhắc bạn vài lần trước hạn chót."
OPTIN_NO = "Đã ghi nhận: mình sẽ không gửi tin nhắc cho bạn."

# --- retention (the processing notice's promise) -----------------------------------------
RETENTION_NOTICE = (
    "🗂️ Gửi {name}: theo thông báo xử lý dữ liệu cá nhân, ngày {day} ({months} tháng sau buổi đối thoại) "
    "hệ thống sẽ tự động xóa dữ liệu của đoàn viên, thanh niên: {total} câu hỏi, tên và tài khoản trò chuyện. "
    "Kèm theo là bản tổng hợp cuối cùng; bản này chứa dữ liệu cá nhân, anh/chị chỉ lưu giữ theo quy định."
)
