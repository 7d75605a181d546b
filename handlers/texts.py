"""Every Vietnamese string a youth reads, in one place so wording can be reviewed together."""

GREETING = (  # the first screen: who runs the bot, what it is for (the dates follow, TIME_*)
    "Xin chào bạn! Mình là trợ lý tự động của {organizer} (không phải người thật), "
    "nhận câu hỏi của thanh niên gửi buổi «{campaign}»."
)
GREETING_UNIT = "Bạn đang gửi câu hỏi qua đơn vị: {unit}."
# Several campaigns (issue #18): the first screen when several are open and the youth came without a link.
GREETING_SEVERAL = (
    "Xin chào bạn! Mình là trợ lý tự động của {organizer} (không phải người thật), "
    "nhận câu hỏi của thanh niên gửi các buổi đối thoại đang mở:\n{items}\n"
    "Sau khi bạn đồng ý, bạn chọn buổi muốn gửi câu hỏi."
)
CAMPAIGN_ITEM = "• «{campaign}»: đối thoại ngày {dialogue}, hạn gửi hết ngày {deadline}"
# A link to (or a youth in) a campaign whose dialogue day has passed, while others are open.
CAMPAIGN_CLOSED = "Buổi «{campaign}» đã diễn ra ngày {dialogue} nên không nhận câu hỏi mới."
CAMPAIGN_CLOSED_STORED = (
    "Buổi «{campaign}» đã diễn ra ngày {dialogue}: câu hỏi trên được lưu vào buổi này và chuyển cơ quan "
    "phụ trách trả lời.\nCác buổi đối thoại khác đang nhận câu hỏi. Nếu muốn gửi câu hỏi tiếp theo đến "
    "một buổi đó, bạn chọn bên dưới nhé."
)
CAMPAIGN_CLOSED_OFFER = (
    "Buổi «{campaign}» bạn đang gửi câu hỏi đã diễn ra ngày {dialogue}. Câu hỏi gửi tiếp vẫn được lưu vào buổi này "
    "và chuyển cơ quan phụ trách trả lời.\nCác buổi đối thoại khác đang nhận câu hỏi, bạn chọn bên dưới nếu muốn "
    "chuyển sang nhé."
)
ASK_CAMPAIGN = "Bạn gửi câu hỏi đến buổi đối thoại nào? Bạn chọn bên dưới (hoặc gõ số thứ tự) nhé."
ASK_CAMPAIGN_AFTER_QUESTION = (
    "Câu hỏi trên đã được gửi buổi «{campaign}».\n"
    "Bạn gửi các câu hỏi tiếp theo đến buổi đối thoại nào? Bạn chọn bên dưới nhé."
)
CAMPAIGN_UNKNOWN = "Mình chưa nhận ra buổi đối thoại bạn chọn. Bạn bấm một nút, hoặc gõ số thứ tự nhé."
CAMPAIGN_CHOSEN = "Bạn gửi câu hỏi đến buổi «{campaign}»."
CAMPAIGN_ONLY = "Hiện chỉ có buổi «{campaign}» đang nhận câu hỏi, bạn đang gửi câu hỏi đến buổi này."
CAMPAIGN_NONE_OPEN = "Hiện không có buổi đối thoại nào khác đang nhận câu hỏi."
RECEIPT_CAMPAIGN = "Buổi đối thoại: «{campaign}»"  # on the receipt when the deployment runs several
MY_QUESTIONS_CAMPAIGN = "Buổi «{campaign}»:"  # /cauhoi: a heading per campaign when they asked in several
# What the dates mean today (greeting, /trogiup): one wording per phase of the campaign.
TIME_OPEN = "📅 Buổi đối thoại: {dialogue}.\n⏰ Hạn gửi câu hỏi: hết ngày {deadline} (còn {days} ngày)."
TIME_LAST_DAY = "📅 Buổi đối thoại: {dialogue}.\n⏰ Hôm nay ({deadline}) là ngày cuối nhận câu hỏi đúng hạn."
TIME_LATE = "📅 Buổi đối thoại: {dialogue}.\n⏰ Hạn gửi câu hỏi đã qua (hết ngày {deadline})."
TIME_AFTER_DIALOGUE = "📅 Buổi đối thoại đã diễn ra ngày {dialogue}."
GREETING_LATE = (
    "Bạn vẫn gửi được câu hỏi. Câu hỏi sẽ được ghi là gửi trễ "
    "và có thể không kịp được trả lời trực tiếp tại buổi đối thoại."
)
GREETING_AFTER_DIALOGUE = (
    "Bạn vẫn gửi được câu hỏi. Câu hỏi được chuyển đến cơ quan phụ trách để trả lời.\n"
    "Khi có câu trả lời, bạn xem được bằng lệnh /cauhoi."
)

PRIVACY = (  # the full notice, one tap («Xem chi tiết») from the first screen and before consent
    "🤖 Bạn đang trò chuyện với trợ lý tự động của {controller}, không phải với người thật.\n\n"
    "🔒 Thông báo xử lý dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15):\n"
    "• {controller} lưu: mã tài khoản trò chuyện của bạn, đơn vị, tên (nếu bạn muốn ghi) "
    "và nội dung câu hỏi.\n"
    "• Mục đích:\n"
    "– chuyển câu hỏi đến sở, ngành phụ trách chuẩn bị trả lời tại buổi đối thoại và gửi "
    "câu trả lời cho bạn\n"
    "– nhắc hạn gửi câu hỏi (nếu bạn chưa gửi, hoặc nếu bạn đồng ý nhận nhắc)\n"
    "– tổng hợp, thống kê cho cán bộ điều phối\n"
    "– cải thiện việc tự động phân loại chủ đề câu hỏi\n"
    "– chỉ khi bạn cho phép: đăng câu hỏi và câu trả lời lên trang hỏi đáp công khai, "
    "không kèm tên và đơn vị của bạn, sau khi cán bộ xem lại.\n"
    "• Người được xem: cán bộ {controller}, Sở Nội vụ và cơ quan được giao trả lời câu hỏi.\n"
    "• Thời gian lưu: {months} tháng sau buổi đối thoại, sau đó dữ liệu được xóa.\n"
    "• Câu hỏi về sức khỏe có thể là dữ liệu nhạy cảm. Bạn có thể chọn ẩn danh "
    "và không nên ghi thông tin bệnh án.\n"
    "• Bạn có thể rút lại đồng ý và xóa toàn bộ dữ liệu bất cứ lúc nào bằng lệnh /xoa. "
    "Liên hệ: {contact}.\n\n"
    "Mình chưa lưu gì về bạn cho đến khi bạn bấm «Đồng ý»."
)
BTN_CONSENT_YES = "✅ Đồng ý"
BTN_CONSENT_NO = "Không đồng ý"
# The short notice beside the consent buttons; the full one (PRIVACY) is one tap away, before consent.
NOTICE_SHORT = (
    "🔒 Khi bạn đồng ý, {controller} lưu tài khoản trò chuyện, đơn vị, tên (nếu có) và câu hỏi của bạn "
    "để chuyển đến cơ quan trả lời và gửi lại câu trả lời. "
    "Bạn rút lại đồng ý, xóa dữ liệu bằng lệnh /xoa.\n"
    "Thông báo đầy đủ (Luật 91/2025/QH15): «Xem chi tiết»."
)
BTN_NOTICE_FULL = "Xem chi tiết"
CONSENT_DECLINED = (
    "Mình tôn trọng lựa chọn của bạn: không có dữ liệu nào của bạn được lưu. "
    "Nếu đổi ý, bạn gõ /start để bắt đầu lại."
)
CONSENT_REQUIRED = "Để gửi câu hỏi, bạn cần đọc thông báo và bấm «Đồng ý» trước nhé."

ASK_UNIT = "Bạn thuộc đơn vị nào? Bạn chọn một đơn vị bên dưới nhé."
UNIT_UNKNOWN = "Mình chưa nhận ra đơn vị này. Bạn chọn một đơn vị trong danh sách nhé."
UNIT_CHOSEN = "Đơn vị của bạn: {unit}."
BTN_CHANGE_UNIT = "Đổi đơn vị"  # back to the unit step (/donvi)
ASK_UNIT_TYPED = (
    "Bạn thuộc xã, phường hoặc đơn vị nào? Bạn gõ tên (có dấu hoặc không dấu, không cần chữ «Xã», «Phường»), "
    "ví dụ: «{example}» hoặc «{plain}». Mình sẽ tìm đơn vị giúp bạn."
)
UNIT_MATCHES = "Có {count} đơn vị gần với «{query}». Bạn chọn đơn vị của mình nhé:"
UNIT_MATCHES_MORE = (
    "Có {count} đơn vị gần với «{query}». Mình gợi ý {shown} đơn vị đầu. "
    "Nếu chưa thấy đơn vị của bạn, bạn gõ đầy đủ tên hơn nhé:"
)
UNIT_NOT_FOUND = (
    "Mình chưa tìm thấy đơn vị nào khớp với «{query}». Bạn gõ tên xã, phường hoặc đơn vị của mình "
    "(có dấu hoặc không dấu), ví dụ: «{example}» hoặc «{plain}»."
)
UNIT_NOT_FOUND_LIST = (
    "Mình chưa tìm thấy đơn vị nào khớp với «{query}». Bạn chọn một đơn vị bên dưới, "
    "hoặc gõ số thứ tự hay tên đơn vị (ví dụ: «{plain}») nhé."
)

ASK_NAME = (
    "Bạn có muốn ghi tên kèm câu hỏi không? Bạn nhập họ tên, "
    "hoặc bấm «Ẩn danh» nếu không muốn ghi tên."
)
BTN_ANONYMOUS = "Ẩn danh"
NAME_INVALID = "Tên cần có chữ cái và dài tối đa {max} ký tự. Bạn nhập lại, hoặc bấm «Ẩn danh» nhé."
NAME_AFTER_QUESTION = (
    "Câu hỏi của bạn đang được gửi ẩn danh.\n"
    "Nếu muốn ghi tên kèm câu hỏi, bạn nhập họ tên. Nếu không, bạn bấm «Ẩn danh» nhé."
)
NAME_SAVED = "Cảm ơn {name}!"
NAME_ANONYMOUS = "Câu hỏi của bạn sẽ được gửi ẩn danh."

ASK_QUESTION = (
    "Mời bạn nhập câu hỏi hoặc kiến nghị gửi lãnh đạo tỉnh (một câu hỏi mỗi lần). "
    "Bạn có thể gõ có dấu hoặc không dấu."
)
ASK_QUESTION_LOCAL = ASK_QUESTION.replace("lãnh đạo tỉnh", "lãnh đạo địa phương")  # a commune's or district's dialogue
QUESTION_EMPTY = "Mình chưa thấy nội dung câu hỏi. Bạn nhập câu hỏi bằng chữ nhé."
QUESTION_TOO_SHORT = "Câu hỏi hơi ngắn ({length} ký tự). Bạn viết rõ hơn một chút (ít nhất {min} ký tự) nhé."
QUESTION_TOO_LONG = (
    "Câu hỏi dài {length} ký tự, vượt giới hạn {max} ký tự nên chưa được lưu. "
    "Bạn rút gọn, hoặc tách thành nhiều câu hỏi rồi gửi lần lượt nhé."
)

TOPIC_NONE = "chưa xác định"
TOPIC_WITH_SECONDARY = "{topic} (có liên quan: {secondary})"
ASK_TOPIC = "Câu hỏi {code} thuộc chủ đề nào? Bạn chọn một chủ đề bên dưới nhé."
TOPIC_CHANGED = "Mình đã đổi chủ đề của câu hỏi {code} thành «{topic}». Cảm ơn bạn."
TOPIC_LOCKED = "Chủ đề của câu hỏi {code} đã được cán bộ xác định nên không đổi được nữa."
BTN_CHANGE_TOPIC = "Đổi chủ đề"

RECEIPT = (
    "✅ Mình đã nhận câu hỏi của bạn.\n"
    "Mã câu hỏi: {code}\n"
    "Chủ đề: {topic}\n"
    "{campaign}"  # RECEIPT_CAMPAIGN and a new line when the deployment runs several campaigns
    "Bạn giữ mã này để theo dõi bằng lệnh /cauhoi. Nếu chủ đề chưa đúng, bạn bấm «Đổi chủ đề» nhé."
)
RECEIPT_LATE = (
    "⚠️ Câu hỏi được gửi sau hạn (hết ngày {deadline}) nên được ghi là gửi trễ.\n"
    "Câu hỏi vẫn được chuyển đến cơ quan phụ trách, nhưng có thể không kịp được trả lời "
    "trực tiếp tại buổi đối thoại ngày {dialogue}."
)
RECEIPT_AFTER_DIALOGUE = (
    "ℹ️ Buổi đối thoại đã diễn ra ngày {dialogue}.\n"
    "Câu hỏi vẫn được chuyển đến cơ quan phụ trách để trả lời.\n"
    "Khi có câu trả lời, bạn xem được bằng lệnh /cauhoi."
)
BTN_ASK_ANOTHER = "✍️ Gửi câu hỏi khác"
BTN_MY_QUESTIONS = "📋 Câu hỏi của mình"

# A text sent soon after a question: part of it, or a new one?
FOLLOWUP_ASK = "Tin nhắn này là phần tiếp theo của câu hỏi {code}, hay là một câu hỏi mới?"
BTN_FOLLOWUP_ADD = "Thêm vào câu hỏi {code}"
BTN_FOLLOWUP_NEW = "Gửi thành câu hỏi mới"
FOLLOWUP_ADDED = "Mình đã thêm nội dung này vào câu hỏi {code}.\nChủ đề: {topic}"
FOLLOWUP_ADDED_EARLIER = "Mình đã thêm tin nhắn trước của bạn vào câu hỏi {code}."
FOLLOWUP_SWEPT = (
    "Mình đã thêm tin nhắn vừa rồi của bạn vào câu hỏi {code}.\n"
    "Nếu đó là một câu hỏi riêng, bạn gửi lại giúp mình nhé."
)
FOLLOWUP_GONE = (
    "Mình đã thêm tin nhắn đó vào câu hỏi trước của bạn.\n"
    "Nếu đó là một câu hỏi riêng, bạn gửi lại giúp mình nhé."
)
FOLLOWUP_TOO_LONG = (
    "Nếu thêm tin nhắn này, câu hỏi {code} sẽ dài quá {max} ký tự.\n"
    "Nên mình lưu tin nhắn này thành một câu hỏi mới nhé."
)

# Small talk is not a question.
HELLO = "Chào bạn! Mình ở đây để nhận câu hỏi của bạn."
THANKS = "Cảm ơn bạn. Khi cần hỏi thêm, bạn cứ nhắn cho mình nhé."

MY_QUESTIONS_NONE = "Bạn chưa gửi câu hỏi nào."
MY_QUESTIONS_NONE_STORED = "Hiện không còn câu hỏi nào của bạn được lưu."  # no youth: never consented, or erased
MY_QUESTIONS_HEAD = "Các câu hỏi của bạn ({count}):"
MY_QUESTIONS_ITEM = "• {code} — {status}{late}\n  {excerpt}"
LATE_MARK = " (gửi trễ)"
STATUS = {
    "new": "đã tiếp nhận",
    "routed": "đã chuyển cơ quan trả lời",
    "answered": "đã có trả lời",
    "closed": "đã đóng",
}

DELETE_ASK = (  # {items}: what exists, e.g. «đơn vị, tên và 2 câu hỏi» (DELETE_ITEMS)
    "Bạn có chắc muốn rút lại đồng ý và xóa toàn bộ dữ liệu của mình ({items}) không? "
    "Sau khi xóa, mình không khôi phục lại được."
)
DELETE_ASK_BARE = (  # consented, but nothing else is stored yet
    "Bạn có chắc muốn rút lại đồng ý và xóa dữ liệu của mình không? "
    "Sau khi xóa, mình không khôi phục lại được."
)
DELETE_ITEM_UNIT = "đơn vị"
DELETE_ITEM_NAME = "tên"
DELETE_ITEM_QUESTIONS = "{count} câu hỏi"
DELETE_ITEMS_AND = " và "
DELETE_NOTHING = "Hiện không có dữ liệu nào của bạn được lưu."
BTN_DELETE_YES = "🗑️ Xóa dữ liệu"
BTN_DELETE_NO = "Giữ lại"
DELETED = "Mình đã xóa toàn bộ dữ liệu của bạn. Cảm ơn bạn đã tham gia. Nếu muốn bắt đầu lại, bạn gõ /start nhé."
DELETE_KEPT = "Mình giữ nguyên dữ liệu của bạn."
DELETED_KEPT_MESSAGES = (
    "Mình đã xóa {count} tin nhắn của bạn mà hệ thống đang giữ. Ngoài ra không có dữ liệu nào khác của bạn được lưu."
)

CANCELLED = "Mình đã hủy bước đang làm. Bạn có thể gửi câu hỏi mới bất cứ lúc nào."
NOTHING_TO_CANCEL = "Hiện không có bước nào đang chờ. Bạn cứ nhập câu hỏi khi sẵn sàng nhé."

HELP = (
    "Mình giúp bạn gửi câu hỏi đến buổi «{campaign}», chủ đề «{theme}».\n"
    "Các lệnh:\n"
    "/start — bắt đầu gửi câu hỏi\n"
    "/cauhoi — xem các câu hỏi bạn đã gửi và tình trạng\n"
    "/huy — hủy bước đang làm\n"
    "/donvi — đổi đơn vị của bạn\n"
    "{more}"
    "/xoa — rút lại đồng ý và xóa dữ liệu của bạn\n"
    "/trogiup — xem hướng dẫn này\n\n"
    "{time}"
)
HELP_CAMPAIGNS = "/doithoai — chọn buổi đối thoại khác để gửi câu hỏi\n"  # HELP's {more} when several campaigns exist
UNKNOWN_COMMAND = "Mình chưa hiểu lệnh /{command}. Bạn gõ /trogiup để xem các lệnh nhé."

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
CHOICE_UNKNOWN = "Mình chưa nhận ra lựa chọn của bạn. Bạn bấm một nút, hoặc gõ số thứ tự hay nội dung lựa chọn nhé."
FLOOD = "Bạn đang gửi tin nhắn quá nhanh. Bạn vui lòng chờ khoảng một phút rồi gửi tiếp nhé."
INTERNAL_ERROR = "Hệ thống đang gặp sự cố, bạn vui lòng thử lại sau ít phút. Dữ liệu bạn đã gửi không bị mất."
NAME_FALLBACK = "bạn"

# Web chat API (bot/channels/web.py): errors the page shows as they are.
WEB_BAD_JSON = "Mình chưa đọc được dữ liệu gửi lên. Bạn vui lòng tải lại trang rồi thử lại."
WEB_BAD_SESSION = "Phiên trò chuyện không hợp lệ hoặc đã hết hạn. Mình mở phiên mới cho bạn nhé."
WEB_BAD_MID = "Mã tin nhắn không hợp lệ. Bạn vui lòng tải lại trang rồi gửi lại."
WEB_ONE_OF = "Mỗi lần bạn gửi một tin nhắn hoặc bấm một lựa chọn thôi nhé."
WEB_EMPTY_TEXT = "Tin nhắn đang trống. Bạn nhập nội dung rồi gửi nhé."
WEB_TEXT_TOO_LONG = "Tin nhắn quá dài. Bạn vui lòng rút gọn rồi gửi lại."
WEB_BAD_BUTTON = "Mình chưa nhận ra lựa chọn này. Bạn vui lòng chọn lại."
WEB_TOO_LARGE = "Tin nhắn quá dài nên mình chưa nhận được. Bạn vui lòng rút gọn rồi gửi lại."
WEB_NOT_FOUND = "Mình không tìm thấy trang này."
WEB_INTERNAL = "Hệ thống đang gặp sự cố, bạn vui lòng thử lại sau ít phút."
WEB_NOT_JSON = "Trang trò chuyện chỉ nhận dữ liệu dạng JSON. Bạn vui lòng tải lại trang rồi thử lại."
WEB_CROSS_SITE = "Yêu cầu này không đến từ trang trò chuyện nên mình không nhận."
WEB_TOO_MANY_SESSIONS = (
    "Có quá nhiều cuộc trò chuyện mới được mở từ cùng một mạng trong ít phút qua. "
    "Bạn vui lòng chờ khoảng {minutes} phút rồi thử lại nhé."
)
WEB_TOO_MANY_CONSENTS = (
    "Có quá nhiều lượt đồng ý từ cùng một mạng trong ít phút qua. "
    "Bạn vui lòng chờ khoảng {minutes} phút rồi bấm «Đồng ý» lại nhé."
)
WEB_PAGE = {  # what chat.js says by itself (injected into the page as JSON)
    "connecting": "Đang kết nối…",
    "sending": "Đang gửi…",
    "retrying": "Mất kết nối, đang thử lại…",
    "failed": "Không gửi được tin nhắn. Bạn kiểm tra kết nối mạng rồi gửi lại nhé.",
    "noSession": "Mình chưa kết nối được máy chủ. Bạn kiểm tra mạng rồi bấm «Bắt đầu lại» nhé.",
    "restarted": (
        "Mình đã xóa màn hình. Dữ liệu của bạn vẫn được giữ. Bạn gõ /cauhoi để xem các câu hỏi đã gửi, "
        "hoặc /xoa để xóa toàn bộ."
    ),
    "restart": "Bắt đầu lại",
    "changeUnit": BTN_CHANGE_UNIT,
    "inputLabel": "Tin nhắn của bạn",
    "placeholder": "Nhập tin nhắn…",
    "send": "Gửi",
    "conversation": "Cuộc trò chuyện",
    "noscript": "Trang trò chuyện cần bật JavaScript.",
}
WEB_TITLE = "{organizer} · Hỏi đáp thanh niên"  # the page's <title>
WEB_HEADER = "{organizer}"  # the page's heading: who runs the bot
WEB_SUBTITLE = "Nhận câu hỏi gửi buổi đối thoại với lãnh đạo"
WEB_HEADER_PLAIN = "Hỏi đáp thanh niên"  # no organizer configured
OA_CHOICES_TITLE = "Bạn bấm một lựa chọn bên dưới (hoặc gõ số thứ tự):"  # Zalo OA button list, ≤ 100 characters
OA_FILE_NOT_SENT = (  # staff on Zalo OA: Zalo takes only images, PDF, DOC and DOCX files
    "Zalo OA không nhận loại tệp này nên mình chưa gửi được tệp «{filename}». "
    "Bạn nhận tệp qua Telegram, hoặc nhờ quản trị viên gửi giúp nhé."
)
# Files for staff on channels that cannot carry them (Zalo Bot Platform, the web chat, .xlsx on Zalo OA): bot/files.py
FILE_LINK = (
    "📎 Tải tệp «{filename}» tại: {url}\n"
    "Liên kết dùng được đến {time}. Bạn vui lòng không chuyển tiếp liên kết này nhé."
)
FILE_LINK_UNTIL = "Tải tệp (liên kết dùng được đến {time})"  # the web chat's link title
FILE_PAGE_TITLE = "Tải tệp"
FILE_EXPIRED = (
    "Liên kết tải tệp này đã hết hạn. Bạn gửi lại lệnh /xuat (hoặc chờ bản tổng hợp sau) để nhận liên kết mới."
)
FILE_REFUSED = "Liên kết tải tệp không hợp lệ. Bạn vui lòng mở đúng liên kết mình đã gửi, không sửa đổi."
FILE_GONE = "Mình không tìm thấy tệp này, có thể tệp đã được xóa. Bạn gửi lại lệnh /xuat để nhận liên kết mới nhé."

# Publication (issue #18, handlers/publication.py): the youth's choice, off until they press it.
BTN_PUBLIC_ALLOW = "Cho phép công khai câu hỏi, không kèm tên"  # on the receipt
BTN_PUBLIC_ON = "Cho phép công khai {code}"  # /cauhoi, one per question
BTN_PUBLIC_OFF = "Không công khai {code}"
PUBLIC_ALLOWED = (
    "Cảm ơn bạn! Câu hỏi {code} có thể được đăng lên trang hỏi đáp công khai, không kèm tên và đơn vị của bạn.\n"
    "Câu hỏi chỉ được đăng khi đã có câu trả lời và được cán bộ xem lại. "
    "Bạn đổi ý bất cứ lúc nào trong /cauhoi."
)
PUBLIC_WITHDRAWN = (
    "Mình đã ghi nhận: câu hỏi {code} không được công khai. "
    "Nếu câu hỏi đang có trên trang hỏi đáp, mình đã gỡ xuống."
)
PUBLIC_STATE_OFF = "  Công khai: không"
PUBLIC_STATE_ON = "  Công khai: bạn đã cho phép (đăng khi có câu trả lời và được cán bộ xem lại)"
PUBLIC_STATE_LIVE = "  Công khai: đang có trên trang hỏi đáp, không kèm tên"

# The public page /cong-khai (bot/public): anyone reads it, no login.
PUBLIC_PAGE_TITLE = "Hỏi đáp: {campaign}"
PUBLIC_PAGE_DESCRIPTION = (
    "Câu hỏi của thanh niên gửi buổi «{campaign}» và câu trả lời của các sở, ngành. "
    "Câu hỏi chỉ được đăng khi người hỏi cho phép, không kèm tên."
)
PUBLIC_PAGE_ORGANIZER = "{organizer}"
PUBLIC_SEARCH_LABEL = "Tìm câu hỏi (gõ có dấu hoặc không dấu)"
PUBLIC_SEARCH_PLACEHOLDER = "ví dụ: vay vốn"
PUBLIC_SEARCH_BUTTON = "Tìm"
PUBLIC_FOUND = "Có {count} câu hỏi khớp với «{query}»."
PUBLIC_SHOW_ALL = "Xem tất cả câu hỏi"
PUBLIC_NONE = "Hiện chưa có câu hỏi nào được công khai. Bạn quay lại sau nhé."
PUBLIC_NONE_FOUND = "Không có câu hỏi nào khớp với «{query}»."
PUBLIC_QUESTION = "Hỏi"
PUBLIC_ANSWER = "Trả lời"
PUBLIC_ANSWERED_BY = "{departments} trả lời ngày {date}"
PUBLIC_ANSWERED_ON = "Trả lời ngày {date}"
PUBLIC_ASK = "Gửi câu hỏi của bạn"
PUBLIC_TOPICS = "Chủ đề"
PUBLIC_DIALOGUE = "Ngày đối thoại: {date}"
PUBLIC_CAMPAIGNS = "Các buổi đối thoại"
PUBLIC_UNKNOWN_TITLE = "Không tìm thấy trang hỏi đáp"
PUBLIC_UNKNOWN = "Không có buổi đối thoại nào với mã «{key}». Bạn chọn một buổi trong danh sách dưới đây nhé."
