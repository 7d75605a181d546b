"""Every Vietnamese string of the admin and coordinator commands and of the answer loop."""

FORBIDDEN = "Bạn không có quyền dùng lệnh này."
FORBIDDEN_QUESTION = "Bạn không có quyền xem hoặc xử lý câu hỏi {code}."
STALE = "Nút này đã hết hiệu lực."
NOT_FOUND = "Không tìm thấy câu hỏi có mã {code}."
USAGE = "Cách dùng: {usage}"
CANCELLED = "Đã hủy thao tác đang chờ."
ROLE_NAMES = {"admin": "quản trị", "coordinator": "điều phối"}

HELP_HEAD = "Bạn đang dùng bot với vai trò {role}. Các lệnh:"

# --- command menu descriptions (Telegram setMyCommands: 1–256 characters) ---
CMD = {
    "start": "Bắt đầu gửi câu hỏi",
    "cauhoi": "Xem câu hỏi đã gửi và câu trả lời",
    "huy": "Hủy bước đang làm",
    "xoa": "Rút lại đồng ý và xóa dữ liệu",
    "trogiup": "Hướng dẫn",
    "thongke": "Thống kê câu hỏi",
    "xuat": "Xuất danh sách câu hỏi (.xlsx, .csv)",
    "xem": "Xem chi tiết một câu hỏi: /xem MÃ",
    "gan_chu_de": "Gán lại chủ đề: /gan_chu_de MÃ [chủ đề]",
    "tra_loi": "Trả lời câu hỏi: /tra_loi MÃ[,MÃ…]",
    "thongbao": "Gửi thông báo tới thanh niên",
    "chien_dich": "Xem hoặc đổi ngày đối thoại, hạn chót; chọn chiến dịch",
    "tao_chien_dich": "Tạo chiến dịch đối thoại mới (xã, phường…)",
    "chan": "Chặn người gửi spam: /chan MÃ hoặc kênh:id",
    "bo_chan": "Bỏ chặn: /bo_chan MÃ hoặc kênh:id",
    "nhap": "Nhập câu hỏi từ tệp .xlsx hoặc .csv",
    "cap_quyen": "Cấp quyền: /cap_quyen kênh:id admin|coordinator [phạm vi]",
    "thu_quyen": "Thu hồi quyền: /thu_quyen kênh:id",
    "nhat_ky": "Xem nhật ký thao tác",
    "dangnhap": "Đăng nhập bàn làm việc trên web",
    "cong_khai": "Duyệt công khai câu hỏi đã trả lời: /cong_khai MÃ [văn bản đã biên tập]",
    "bo_cong_khai": "Gỡ câu hỏi khỏi trang công khai: /bo_cong_khai MÃ",
}

# --- /thongke ---
STATS_HEAD = "📊 Thống kê câu hỏi{scope}"
STATS_SCOPE = " (phạm vi: {scope})"
STATS_CAMPAIGN = " — {name}"
STATS_TOTAL = "Tổng số: {total} • cần xem lại: {review} • gửi trễ: {late} • đã trả lời: {answered}"
STATS_TOPICS = "Theo chủ đề:"
STATS_UNITS = "Theo đơn vị (câu hỏi / số đại biểu phân bổ):"
STATS_CHANNELS = "Theo kênh:"
STATS_DAYS = "Theo ngày (7 ngày gần nhất):"
STATS_LINE = "• {label}: {count}"
STATS_UNIT_LINE = "• {label}: {count} / {allocation}"
STATS_RATINGS = "Đánh giá câu trả lời: 👍 {good} hài lòng • 👎 {bad} chưa hài lòng"
STATS_EVERY_HEAD = "📊 Thống kê mọi chiến dịch (câu hỏi: đúng hạn / gửi trễ, đã trả lời):"
STATS_EVERY_LINE = "• {key} — {name}: {total} câu hỏi ({on_time} đúng hạn / {late} trễ), đã trả lời {answered}"
STATS_EVERY_TOTAL = "Cộng {campaigns} chiến dịch: {total} câu hỏi ({on_time} đúng hạn / {late} trễ), đã trả lời {answered}"
COUNTDOWN_LEFT = "⏰ Còn {days} ngày đến hạn chót ({deadline}); đối thoại ngày {dialogue}."
COUNTDOWN_TODAY = "⏰ Hôm nay là ngày cuối nhận câu hỏi ({deadline}); đối thoại ngày {dialogue}."
COUNTDOWN_PAST = "⏰ Đã quá hạn chót ({deadline}) {days} ngày; đối thoại ngày {dialogue}."
CHANNEL_NAMES = {
    "telegram": "Telegram", "web": "Web", "zalo": "Zalo", "zalo_oa": "Zalo OA", "import": "Nhập từ tệp",
}

# --- /xuat ---
EXPORT_USAGE = "/xuat [chu_de=…] [don_vi=…] [trang_thai=…] [tu=dd/mm/yyyy] [den=dd/mm/yyyy]"
EXPORT_BAD_KEY = "Bộ lọc không hợp lệ: «{item}». Chỉ dùng được chu_de, don_vi, trang_thai, tu, den."
EXPORT_BAD_FILTER = "Bộ lọc không hợp lệ: {key}={value}. {accepted}"
EXPORT_ITEM = "{id} ({name})"
EXPORT_TOPICS = "Chủ đề dùng được: {items}."
EXPORT_UNITS = "Mã đơn vị dùng được: {items}."
EXPORT_STATUSES = "Trạng thái dùng được: {items}."
EXPORT_DATES = "Ngày viết theo dạng dd/mm/yyyy, ví dụ {key}={example}."
EXPORT_DONE = "📎 {count} câu hỏi, kèm tệp .xlsx và .csv."
EXPORT_EVERY_DONE = "📎 {count} câu hỏi của {campaigns} chiến dịch, kèm tệp .xlsx và .csv."
EXPORT_EMPTY = "Không có câu hỏi nào khớp bộ lọc."
EXPORT_HEADERS = (
    "Mã", "Thời gian", "Đơn vị", "Chủ đề", "Cơ quan trả lời", "Người hỏi", "Nội dung",
    "Trạng thái", "Gửi trễ", "Cần xem lại", "Nguồn", "Kênh", "Trả lời",
)
YES, NO = "Có", "Không"
ANONYMOUS = "Ẩn danh"

# --- /xem ---
VIEW = (
    "🔎 {code} — {status}{late}\n"
    "Thời gian: {time} • Kênh: {channel} • Nguồn: {source}\n"
    "Đơn vị: {unit} • Người hỏi: {asker}\n"
    "Chủ đề: {topic} (xác định bởi: {topic_source}){review}\n"
    "Cơ quan trả lời: {departments}\n"
    "Điểm phân loại: {scores}\n\n"
    "{text}"
)
VIEW_REVIEW = " ⚠️ cần xem lại"
VIEW_ANSWER = "\n\n💬 Trả lời ({by}, {time}):\n{text}{rating}"
VIEW_RATING = {"good": "\n👍 Thanh niên hài lòng", "bad": "\n👎 Thanh niên chưa hài lòng"}
VIEW_COMMENT = " — góp ý: {comment}"
TOPIC_SOURCES = {"tagger": "máy", "youth": "thanh niên", "coordinator": "cán bộ"}

# --- /gan_chu_de ---
RETAG_USAGE = "/gan_chu_de MÃ [chủ đề]"
RETAG_PICK = "Chọn chủ đề mới cho {code} (hiện tại: {topic}):"
RETAG_UNKNOWN_TOPIC = "Chủ đề «{topic}» không có. Các chủ đề: {topics}."
RETAG_DONE = "✅ {code}: chủ đề đổi từ «{old}» sang «{new}». Chuyển đến: {departments}."
RETAG_SAME = "{code} đã ở chủ đề «{topic}»."
ROUTED_NOTICE = "📥 Câu hỏi {code} ({topic}) vừa được chuyển đến cơ quan của bạn. Gõ /xem {code} để xem."

# --- /tra_loi ---
ANSWER_USAGE = "/tra_loi MÃ, /tra_loi MÃ1,MÃ2 (trả lời chung), hoặc /tra_loi MÃ tuong_tu (kèm các câu hỏi gần giống)"
ANSWER_ASK = "✍️ Mời bạn nhập nội dung trả lời cho {codes} trong tin nhắn tiếp theo. Gõ /huy để hủy."
ANSWER_NEED_TEXT = "Nội dung trả lời cần là chữ. Mời bạn nhập lại, hoặc gõ /huy để hủy."
ANSWER_DONE = "✅ Đã lưu câu trả lời cho {codes}. Đang gửi tới {reach} bạn hỏi; những bạn không nhận được tin sẽ xem được bằng /cauhoi."
ANSWER_TO_YOUTH = "📬 Câu hỏi {code} của bạn đã có trả lời từ {by}:\n\n{text}\n\nBạn thấy câu trả lời này thế nào?"
ANSWER_BY_DEFAULT = "Ban tổ chức"
BTN_GOOD = "👍 Hài lòng"
BTN_BAD = "👎 Chưa hài lòng"
BTN_SKIP = "Bỏ qua"
RATING_THANKS = "Cảm ơn bạn đã đánh giá! Nếu muốn, bạn gửi thêm góp ý trong tin nhắn tiếp theo, hoặc bấm «Bỏ qua»."
COMMENT_THANKS = "Cảm ơn góp ý của bạn, Ban tổ chức đã ghi nhận."
SKIP_DONE = "Đã ghi nhận đánh giá của bạn."
MY_ANSWER = "\n  💬 Trả lời: {text}"
OVERDUE_HEAD = "⏳ {count} câu hỏi thuộc phạm vi của bạn chưa được trả lời, còn {days} ngày đến buổi đối thoại ({dialogue}):"
OVERDUE_ITEM = "• {code} — {topic}"

# --- /thongbao ---
ANNOUNCE_USAGE = "/thongbao [don_vi=MÃ_ĐƠN_VỊ] nội dung thông báo"
ANNOUNCE_PREVIEW = "📣 Xem trước thông báo gửi tới {count} bạn ({target}):\n\n{text}"
ANNOUNCE_ALL = "tất cả đơn vị"
ANNOUNCE_IN_CAMPAIGN = "{target} của chiến dịch «{name}»"
BTN_SEND = "📤 Gửi"
BTN_CANCEL = "Hủy"
ANNOUNCE_SENT = "📤 Đã chuyển thông báo tới {count} bạn để gửi."
ANNOUNCE_CANCELLED = "Đã hủy thông báo."
ANNOUNCE_UNAVAILABLE = "Hệ thống gửi thông báo chưa sẵn sàng, thông báo chưa được gửi."
ANNOUNCE_UNKNOWN_UNIT = "Không có đơn vị «{unit}»."

# --- /chien_dich ---
CAMPAIGN = (
    "🗓️ {name}\n"
    "Ngày đối thoại: {dialogue}{changed}\n"
    "Hạn gửi câu hỏi: hết ngày {deadline} ({days} ngày trước đối thoại)\n"
    "Số câu hỏi: {total} (gửi trễ {late}, đã trả lời {answered})"
)
CAMPAIGN_CHANGED = " (đã điều chỉnh)"
CAMPAIGN_USAGE = (
    "/chien_dich [ngay=dd/mm/yyyy] [han=số ngày trước đối thoại]; quản trị tỉnh chọn chiến dịch: /chien_dich MÃ"
)
CAMPAIGN_BAD = "Giá trị không hợp lệ: {item}."
CAMPAIGN_DONE = "✅ Đã cập nhật chiến dịch. Lịch nhắc được sắp xếp lại."
CAMPAIGN_KEY = "Mã chiến dịch: {key}"
CAMPAIGN_LIST_HEAD = "Các chiến dịch (mã — tên: ngày đối thoại, hạn gửi, số câu hỏi):"
CAMPAIGN_LINE = (
    "{mark} {key} — {name}: đối thoại {dialogue}, hạn {deadline}, "
    "{total} câu hỏi (gửi trễ {late}, đã trả lời {answered})"
)
CAMPAIGN_CURRENT = "👉"
CAMPAIGN_SWITCH_HINT = (
    "Chọn chiến dịch để làm việc: bấm nút hoặc gõ /chien_dich MÃ (ví dụ /chien_dich tinh). "
    "Tạo chiến dịch mới: /tao_chien_dich. Mọi chiến dịch cùng lúc: /thongke tatca, /xuat tatca."
)
CAMPAIGN_SWITCH_FORBIDDEN = "Bạn chỉ làm việc được với chiến dịch của mình."
CAMPAIGN_UNKNOWN = "Không có chiến dịch «{key}». Các chiến dịch: {keys}."
CAMPAIGN_SWITCHED = (
    "✅ Bạn đang làm việc với chiến dịch «{name}» ({key}). Các lệnh thống kê, xuất, xem, trả lời, "
    "thông báo, nhập và cấp quyền áp dụng cho chiến dịch này."
)
CAMPAIGN_IN_FILE = (
    "Chiến dịch này khai báo trong config.yaml nên không đổi được bằng lệnh: "
    "sửa ngày trong tệp cấu hình rồi khởi động lại bot."
)
CAMPAIGN_GONE = "Không tìm thấy chiến dịch đang làm việc. Gõ /chien_dich để chọn lại."
CAMPAIGN_REFUSED = "❌ Chưa đổi được chiến dịch:\n{reasons}"
QUESTION_OTHER_CAMPAIGN = (
    "Câu hỏi {code} thuộc chiến dịch «{name}» ({key}). "
    "Gõ /chien_dich {key} để làm việc với chiến dịch đó."
)

# --- /tao_chien_dich ---
CREATE_USAGE = (
    "/tao_chien_dich ma=MÃ ten=\"Tên cuộc đối thoại\" ngay=dd/mm/yyyy han=SỐ_NGÀY tien_to=TIỀN_TỐ "
    "[chu_de=…] [to_chuc=…] [don_vi=MÃ1:Tên 1,MÃ2:Tên 2]\n"
    "Ví dụ: /tao_chien_dich ma=phuong1 ten=\"Đối thoại phường 1\" ngay=20/04/2027 han=10 tien_to=P1 "
    "don_vi=KP1:Khóm 1,KP2:Khóm 2\n"
    "Không ghi don_vi thì dùng các đơn vị của tỉnh."
)
CREATE_UNKNOWN_KEY = "Không hiểu «{item}». Các mục dùng được: ma, ten, ngay, han, tien_to, chu_de, to_chuc, don_vi."
CREATE_BAD_UNIT = "Đơn vị «{item}» cần ghi dạng MÃ:Tên (ví dụ KP1:Khóm 1), các đơn vị cách nhau bằng dấu phẩy."
CREATE_REFUSED = "❌ Chưa tạo được chiến dịch:\n{reasons}"
CREATE_DONE = (
    "✅ Đã tạo chiến dịch «{name}» (mã {key}): đối thoại {dialogue}, hạn gửi câu hỏi hết ngày {deadline}, "
    "mã câu hỏi {prefix}-…; đơn vị: {units}.\n"
    "Thanh niên vào chiến dịch bằng:\n"
    "• Telegram, Zalo: gửi /start {key} cho bot\n"
    "• Web: {web}\n"
    "Làm việc với chiến dịch này: /chien_dich {key}, rồi /cap_quyen để giao quyền quản trị, điều phối."
)
CREATE_WEB_PATH = "trang chat có thêm ?campaign={key}"

# --- /chan, /bo_chan ---
BLOCK_USAGE = "/chan MÃ_CÂU_HỎI hoặc /chan kênh:id"
UNBLOCK_USAGE = "/bo_chan MÃ_CÂU_HỎI hoặc /bo_chan kênh:id"
BLOCK_DONE = "⛔ Đã chặn {who}. Tin nhắn của họ vẫn được lưu nhưng không được trả lời."
BLOCK_ALREADY = "{who} đã bị chặn từ trước."
BLOCK_STAFF = "Không thể chặn một quản trị viên hoặc điều phối viên."
UNBLOCK_DONE = "✅ Đã bỏ chặn {who}."
UNBLOCK_NONE = "{who} không bị chặn."
WHO_UNKNOWN = "Không xác định được người dùng «{target}»."

# --- /cap_quyen, /thu_quyen ---
GRANT_USAGE = (
    "/cap_quyen kênh:id admin|coordinator [phạm_vi1,phạm_vi2] [tên]\n"
    "Phạm vi: mã chủ đề (suc_khoe), mã cơ quan (so_y_te), đơn vị dạng don_vi:MÃ (don_vi:KESACH) hoặc all."
)
REVOKE_USAGE = "/thu_quyen kênh:id"
GRANT_DONE = "✅ {who} có vai trò {role} (phạm vi: {scope})."
GRANT_BAD_SCOPE = (
    "Phạm vi «{item}» không phải chủ đề, cơ quan hay đơn vị nào. "
    "Đơn vị ghi dạng don_vi:MÃ (ví dụ don_vi:KESACH)."
)
GRANT_UNIT_SCOPE = "«{item}» là mã đơn vị: hãy ghi phạm vi là don_vi:{code}."
GRANT_IN_CAMPAIGN = " Quyền này chỉ trong chiến dịch «{name}» ({key})."
GRANT_OTHER_CAMPAIGN = "Người này có quyền ở chiến dịch khác: chỉ quản trị viên của tỉnh thay đổi được."
REVOKE_DONE = "✅ Đã thu hồi quyền của {who}."
REVOKE_NONE = "{who} không có quyền nào được cấp trong hệ thống (quyền trong tệp cấu hình chỉ đổi được ở tệp cấu hình)."
SCOPE_ALL = "tất cả"

# --- /nhap ---
IMPORT_ASK = (
    "📥 Gửi tệp .xlsx hoặc .csv (tối đa 5 MB). Cột bắt buộc: «nội dung»; "
    "cột tùy chọn: «đơn vị», «người hỏi», «nguồn», «thời gian». Gõ /huy để hủy."
)
IMPORT_NEED_FILE = "Mình đang chờ tệp .xlsx hoặc .csv. Gõ /huy để hủy."
IMPORT_BAD_FILE = "Không đọc được tệp «{name}»: chỉ nhận .xlsx hoặc .csv đúng định dạng."
IMPORT_NO_TEXT_COLUMN = "Tệp không có cột «nội dung»."
IMPORT_EMPTY = "Tệp không có dòng dữ liệu nào."
IMPORT_TOO_MANY = "Tệp có {count} dòng, vượt giới hạn {max} dòng mỗi lần nhập."
IMPORT_ERRORS = "❌ Chưa nhập dòng nào vì có {count} dòng lỗi:"
IMPORT_ERROR_LINE = "• Dòng {line}: {problem}"
IMPORT_DONE = "✅ Đã nhập {count} câu hỏi: {codes}"
IMPORT_REVIEW = "; {review} câu cần xem lại chủ đề."
IMPORT_CODE_RUN = "{first} đến {last}"
IMPORT_CODES_MORE = "{codes} và {more} câu khác"
IMPORT_TEXT_MISSING = "thiếu nội dung"
IMPORT_TEXT_SHORT = "nội dung quá ngắn (ít nhất {min} ký tự)"
IMPORT_TEXT_LONG = "nội dung quá dài (tối đa {max} ký tự)"
IMPORT_UNIT_UNKNOWN = "không có đơn vị «{unit}»"
IMPORT_TIME_BAD = "thời gian «{value}» không đúng dạng dd/mm/yyyy [hh:mm]"
IMPORT_NAME_LONG = "tên người hỏi quá dài"
IMPORT_DEFAULT_SOURCE = "nhap_tep"

# --- /nhat_ky ---
AUDIT_HEAD = "🧾 Nhật ký {count} thao tác gần nhất:"
AUDIT_LINE = "• {time} {actor} {action}{code}{refused}"
AUDIT_REFUSED = " (bị từ chối)"

# --- /cong_khai, /bo_cong_khai (handlers/admin/publication.py) ---
PUBLISH_USAGE = "/cong_khai MÃ [văn bản đã biên tập] (không ghi văn bản thì đăng nguyên văn câu hỏi)"
UNPUBLISH_USAGE = "/bo_cong_khai MÃ"
PUBLISH_NO_CONSENT = "Người hỏi chưa cho phép công khai câu hỏi {code} nên chưa duyệt được."
PUBLISH_NOT_ANSWERED = "Câu hỏi {code} chưa có câu trả lời. Chỉ câu hỏi đã trả lời mới được công khai."
PUBLISH_REFUSED = {
    "empty": "Văn bản công khai của câu hỏi {code} đang trống.",
    "too_long": "Văn bản công khai của câu hỏi {code} dài {length} ký tự, tối đa {max} ký tự.",
    "phone": (
        "Văn bản công khai của câu hỏi {code} còn số điện thoại nên chưa duyệt được. "
        "Bạn bỏ số điện thoại rồi gửi lại: /cong_khai {code} văn bản đã biên tập"
    ),
    "email": (
        "Văn bản công khai của câu hỏi {code} còn địa chỉ thư điện tử nên chưa duyệt được. "
        "Bạn bỏ địa chỉ đó rồi gửi lại: /cong_khai {code} văn bản đã biên tập"
    ),
    "name": (
        "Văn bản công khai của câu hỏi {code} còn tên người hỏi nên chưa duyệt được. "
        "Bạn bỏ tên rồi gửi lại: /cong_khai {code} văn bản đã biên tập"
    ),
    "answer_name": (
        "Câu trả lời của câu hỏi {code} có tên người hỏi, và câu trả lời cũng được đăng nên chưa duyệt được. "
        "Bạn gửi câu trả lời mới không kèm tên (/tra_loi {code}) rồi duyệt lại."
    ),
}
PUBLISH_DONE = "✅ Đã duyệt công khai câu hỏi {code}. Trang hỏi đáp (/cong-khai) hiển thị:\n«{text}»"
UNPUBLISH_DONE = "Đã gỡ câu hỏi {code} khỏi trang hỏi đáp."
UNPUBLISH_NOTHING = "Câu hỏi {code} chưa được công khai."
