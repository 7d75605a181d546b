"""Digest + .xlsx + chart for 10,000 questions (one coordinator scoped 'all').

    .venv/bin/python -m bench.digest [--questions 10000]

Prints the time of each part. Not a timed test.
"""

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

from bot.config import load_config
from handlers.coordination.chart import render_chart
from handlers.coordination.digest import build_digest
from handlers.coordination.export import build_workbook, rows_for
from handlers.settings import Person
from storage import Question

STEMS = [
    "Tỉnh có chính sách hỗ trợ vay vốn khởi nghiệp cho thanh niên {place} không ạ?",
    "Làm sao để thanh niên {place} được học nghề miễn phí và tìm việc làm ổn định?",
    "Khi nào {place} có sân chơi, nhà văn hóa cho thanh thiếu nhi sinh hoạt cuối tuần?",
    "Bệnh viện tỉnh có khám sức khỏe sinh sản, tư vấn tâm lý cho thanh niên {place} không?",
    "Đoàn có kế hoạch gì để hỗ trợ đoàn viên {place} chuyển đổi số, bán hàng trên mạng?",
    "Thủ tục đăng ký hộ kinh doanh cho thanh niên {place} mất bao lâu và cần giấy tờ gì?",
]
PLACES = ["Kế Sách", "Mỹ Tú", "Trần Đề", "Vĩnh Châu", "Ngã Năm", "Long Phú", "Cù Lao Dung", "Mỹ Xuyên"]
WORDS = "nuôi tôm trồng lúa du lịch homestay điện mặt trời hợp tác xã nông sản sạch thương mại điện tử".split()
TOPICS = ["khoi_nghiep", "khoi_nghiep", "van_hoa_tinh_than", "suc_khoe", "chuyen_doi_so", "khac", "doan_hoi"]


def questions(n: int) -> list[Question]:
    """n questions: templated near-duplicates mixed with varied free text, as a real intake looks."""
    rng = random.Random(15)
    config = load_config(env={})
    units = [u.code for u in config.units]
    start = datetime(2023, 5, 1, tzinfo=timezone.utc)
    made = []
    for i in range(1, n + 1):
        text = rng.choice(STEMS).format(place=rng.choice(PLACES))
        if rng.random() < 0.6:
            text += " Em muốn hỏi thêm về " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30))) + "."
        made.append(Question(id=i, code=f"ST2023-{i:04d}", youth_id=rng.randint(1, 3000), channel="telegram",
                             unit_code=rng.choice(units), asker_name=None if rng.random() < 0.4 else f"Bạn {i}",
                             text_raw=text, text_norm=text, topic=rng.choice(TOPICS), needs_review=rng.random() < 0.1,
                             late=False, created_at=start + timedelta(minutes=i)))
    return made


def main(n: int) -> None:
    config = load_config(env={})
    everyone = Person(name="Tỉnh đoàn", channel="telegram", chat_id="1", scope="all")
    items = questions(n)
    now = datetime(2023, 5, 20, 10, tzinfo=timezone.utc)
    render_chart(config, items[:10])  # warm matplotlib's font cache, as a running bot has
    started = time.perf_counter()
    digest = build_digest(config, everyone, items, since_id=0, now=now)
    total = time.perf_counter() - started
    started = time.perf_counter()
    rows = rows_for(config, items)
    xlsx = build_workbook(config.departments, rows)
    xlsx_time = time.perf_counter() - started
    started = time.perf_counter()
    chart = render_chart(config, items)
    chart_time = time.perf_counter() - started
    groups = sum(1 for r in digest.replies if "bạn hỏi nội dung tương tự" in r.text)
    print(f"{n} questions: digest + .xlsx + chart in {total:.2f} s "
          f"({len(digest.replies)} messages, {len(xlsx) // 1024} KiB .xlsx, {len(chart) // 1024} KiB PNG, "
          f"messages with duplicate groups: {groups})")
    print(f"  of which (measured separately): .xlsx {xlsx_time:.2f} s, chart {chart_time:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=10_000)
    main(parser.parse_args().questions)
