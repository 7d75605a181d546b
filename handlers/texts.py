"""Every Vietnamese string a youth reads, in one place so wording can be reviewed together."""

GREETING = (
    "Xin chào bạn! 👋\n"
    "Đây là kênh tiếp nhận câu hỏi của thanh niên cho buổi «{campaign}».\n"
    "Chủ đề: «{theme}».\n"
    "📅 Buổi đối thoại: {dialogue}.\n"
    "⏰ Hạn gửi câu hỏi: hết ngày {deadline}."
)
GREETING_UNIT = "Bạn đang gửi câu hỏi qua đơn vị: {unit}."
GREETING_LATE = (
    "Lưu ý: hạn gửi câu hỏi đã qua. Bạn vẫn có thể gửi; câu hỏi sẽ được ghi nhận là gửi trễ "
    "và có thể không kịp được trả lời trực tiếp tại buổi đối thoại."
)

PRIVACY = (
    "🤖 Bạn đang trò chuyện với trợ lý tự động của {controller}, không phải với người thật.\n\n"
    "🔒 Về dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15):\n"
    "• Chúng tôi lưu: mã tài khoản trò chuyện của bạn, đơn vị, tên (nếu bạn muốn ghi) "
    "và nội dung câu hỏi.\n"
    "• Mục đích: tổng hợp câu hỏi gửi các sở, ngành chuẩn bị trả lời tại buổi đối thoại "
    "và báo lại kết quả cho bạn.\n"
    "• Người được xem: cán bộ Tỉnh đoàn, Sở Nội vụ và cơ quan được giao trả lời câu hỏi.\n"
    "• Thời gian lưu: {months} tháng sau buổi đối thoại, sau đó được xóa.\n"
    "• Câu hỏi về sức khỏe có thể là dữ liệu nhạy cảm: bạn có thể chọn ẩn danh "
    "và không nên ghi thông tin bệnh án.\n"
    "• Bạn có thể rút lại đồng ý và xóa toàn bộ dữ liệu bất cứ lúc nào bằng lệnh /xoa. "
    "Liên hệ: {contact}.\n\n"
    "Chưa có gì về bạn được lưu cho đến khi bạn bấm «Đồng ý»."
)
BTN_CONSENT_YES = "✅ Đồng ý"
BTN_CONSENT_NO = "Không đồng ý"
CONSENT_DECLINED = (
    "Mình tôn trọng lựa chọn của bạn: không có dữ liệu nào của bạn được lưu. "
    "Nếu đổi ý, bạn gõ /start để bắt đầu lại."
)
CONSENT_REQUIRED = "Để gửi câu hỏi, bạn cần đọc thông báo và bấm «Đồng ý» trước nhé."

ASK_UNIT = "Bạn thuộc đơn vị nào? Hãy chọn một đơn vị bên dưới."
UNIT_UNKNOWN = "Mình chưa nhận ra đơn vị này. Bạn chọn một đơn vị trong danh sách nhé."
UNIT_CHOSEN = "Đơn vị của bạn: {unit}."

ASK_NAME = (
    "Bạn muốn ghi tên của mình kèm câu hỏi không? Hãy nhập họ tên, "
    "hoặc bấm «Ẩn danh» nếu không muốn ghi tên."
)
BTN_ANONYMOUS = "🙈 Ẩn danh"
NAME_INVALID = "Tên cần có chữ cái và dài tối đa {max} ký tự. Bạn nhập lại, hoặc bấm «Ẩn danh» nhé."
NAME_SAVED = "Cảm ơn {name}!"
NAME_ANONYMOUS = "Câu hỏi của bạn sẽ được gửi ẩn danh."

ASK_QUESTION = (
    "Mời bạn nhập câu hỏi hoặc kiến nghị gửi lãnh đạo tỉnh (một câu hỏi mỗi lần). "
    "Bạn có thể gõ có dấu hoặc không dấu."
)
QUESTION_EMPTY = "Mình chưa thấy nội dung câu hỏi. Bạn nhập câu hỏi bằng chữ nhé."
QUESTION_TOO_SHORT = "Câu hỏi hơi ngắn ({length} ký tự). Bạn viết rõ hơn một chút (ít nhất {min} ký tự) nhé."
QUESTION_TOO_LONG = (
    "Câu hỏi dài {length} ký tự, vượt giới hạn {max} ký tự nên chưa được lưu. "
    "Bạn rút gọn, hoặc tách thành nhiều câu hỏi rồi gửi lần lượt nhé."
)

TOPIC_DETECTED = "Mình hiểu câu hỏi của bạn thuộc chủ đề: «{topic}». Đúng không?"
TOPIC_DETECTED_TWO = "Câu hỏi của bạn có vẻ liên quan đến «{topic}» và cả «{secondary}». Chủ đề chính là «{topic}», đúng không?"
TOPIC_UNKNOWN = "Bạn giúp mình chọn chủ đề phù hợp nhất với câu hỏi nhé."
BTN_TOPIC_OK = "✅ Đúng"
BTN_TOPIC_PICK = "Chọn chủ đề khác"
ASK_TOPIC = "Câu hỏi của bạn thuộc chủ đề nào?"

RECEIPT = (
    "✅ Đã ghi nhận câu hỏi của bạn.\n"
    "Mã câu hỏi: {code}\n"
    "Chủ đề: {topic}\n"
    "Bạn giữ mã này để theo dõi; gõ /cauhoi để xem các câu hỏi của mình."
)
RECEIPT_LATE = (
    "⚠️ Câu hỏi được gửi sau hạn chót (hết ngày {deadline}) nên được ghi nhận là gửi trễ. "
    "Ban tổ chức vẫn chuyển câu hỏi đến cơ quan liên quan, nhưng có thể không kịp "
    "trả lời trực tiếp tại buổi đối thoại."
)
BTN_ASK_ANOTHER = "✍️ Gửi câu hỏi khác"
BTN_MY_QUESTIONS = "📋 Câu hỏi của tôi"

MY_QUESTIONS_NONE = "Bạn chưa gửi câu hỏi nào."
MY_QUESTIONS_HEAD = "Các câu hỏi của bạn ({count}):"
MY_QUESTIONS_ITEM = "• {code} — {status}{late}\n  {excerpt}"
LATE_MARK = " (gửi trễ)"
STATUS = {
    "new": "đã tiếp nhận",
    "routed": "đã chuyển cơ quan trả lời",
    "answered": "đã có trả lời",
    "closed": "đã đóng",
}

DELETE_ASK = (
    "Bạn có chắc muốn rút lại đồng ý và xóa toàn bộ dữ liệu của mình "
    "(đơn vị, tên và {count} câu hỏi)? Việc này không thể hoàn tác."
)
DELETE_NOTHING = "Hiện không có dữ liệu nào của bạn được lưu."
BTN_DELETE_YES = "🗑️ Xóa dữ liệu"
BTN_DELETE_NO = "Giữ lại"
DELETED = "Đã xóa toàn bộ dữ liệu của bạn. Cảm ơn bạn đã tham gia. Gõ /start nếu muốn bắt đầu lại."
DELETE_KEPT = "Đã giữ nguyên dữ liệu của bạn."

CANCELLED = "Đã hủy bước đang làm. Bạn có thể gửi câu hỏi mới bất cứ lúc nào."
NOTHING_TO_CANCEL = "Không có bước nào đang chờ. Bạn cứ nhập câu hỏi khi sẵn sàng."

HELP = (
    "Mình giúp bạn gửi câu hỏi đến buổi đối thoại giữa lãnh đạo tỉnh và thanh niên.\n"
    "Các lệnh:\n"
    "/start — bắt đầu gửi câu hỏi\n"
    "/cauhoi — xem các câu hỏi bạn đã gửi và tình trạng\n"
    "/huy — hủy bước đang làm\n"
    "/xoa — rút lại đồng ý và xóa dữ liệu của bạn\n"
    "/trogiup — xem hướng dẫn này\n"
    "⏰ Hạn gửi câu hỏi: hết ngày {deadline}."
)
UNKNOWN_COMMAND = "Mình chưa hiểu lệnh /{command}. Gõ /trogiup để xem các lệnh nhé."

STALE_BUTTON = "Nút này đã hết hiệu lực. Mình nhắc lại bước hiện tại nhé:"
UNSUPPORTED = "Hiện mình chỉ nhận câu hỏi bằng chữ, chưa đọc được {kind}. Bạn gõ nội dung giúp mình nhé."
UNSUPPORTED_KINDS = {
    "sticker": "nhãn dán",
    "photo": "hình ảnh",
    "voice": "tin nhắn thoại",
    "audio": "tệp âm thanh",
    "video": "video",
    "video_note": "video",
    "document": "tệp đính kèm",
    "location": "vị trí",
    "contact": "danh bạ",
    "poll": "bình chọn",
    "animation": "ảnh động",
    "edited": "tin nhắn đã chỉnh sửa (bạn gửi lại tin mới nhé)",
}
UNSUPPORTED_DEFAULT = "loại tin nhắn này"
GROUP_CHAT = "Để bảo vệ thông tin của bạn, mời bạn nhắn riêng cho mình để gửi câu hỏi nhé."
CHOICE_HINT = "(Bạn có thể bấm nút hoặc gõ số thứ tự.)"
CHOICE_HINT_TYPED = "(Bạn trả lời bằng cách gõ số thứ tự hoặc nội dung lựa chọn.)"  # channels without buttons (Zalo)
FLOOD = "Bạn đang gửi tin nhắn quá nhanh. Bạn vui lòng chờ khoảng một phút rồi gửi tiếp nhé."
INTERNAL_ERROR = "Hệ thống đang gặp sự cố, bạn vui lòng thử lại sau ít phút. Dữ liệu bạn đã gửi không bị mất."
NAME_FALLBACK = "bạn"
OA_CHOICES_TITLE = "Bạn bấm một lựa chọn bên dưới (hoặc gõ số thứ tự):"  # Zalo OA button list, ≤ 100 characters
OA_FILE_NOT_SENT = (  # staff on Zalo OA: Zalo takes only images, PDF, DOC and DOCX files
    "Zalo OA không nhận loại tệp này nên mình chưa gửi được tệp «{filename}». "
    "Bạn nhận tệp qua Telegram, hoặc nhờ quản trị viên gửi giúp nhé."
)
