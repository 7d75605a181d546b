"""Digest + .xlsx + chart for 10,000 questions (one coordinator scoped 'all'). Target: < 2 s.

    .venv/bin/python bench/digest.py [--questions 10000] [--runs 3]

Times build_digest end to end: routing, the text (near-duplicate grouping, packing), the chart and
the .xlsx (written in a forked worker process while the rest is built, when there are 2+ cores).
The first run is cold (matplotlib and scipy imported, fonts loaded, lookup tables built, as in the
bot's first digest after start-up); the next runs are warm, as a running bot's later digests, each
still building everything (a new worker process, no results kept between runs). Then each part is
timed alone in this process, for the breakdown. Not a timed test.
"""

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from bot.config import load_config
from handlers.coordination.chart import render_chart
from handlers.coordination.digest import Digest, build_digest
from handlers.coordination.export import build_workbook, rows_for
from handlers.coordination.offload import OFFLOAD_ROWS, usable_cores
from handlers.coordination.similar import group_similar
from handlers.scope import Coordinator, Scope
from handlers.types import Address
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


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds of `work`, and CPU seconds of this process and its reaped children (the worker)."""
    cpu, wall = sum(os.times()[:4]), time.perf_counter()
    work()
    return time.perf_counter() - wall, sum(os.times()[:4]) - cpu


def main(n: int, runs: int) -> None:
    config = load_config(env={})
    everyone = Coordinator(Address("telegram", "1"), "Tỉnh đoàn", Scope.all())
    items = questions(n)
    now = datetime(2023, 5, 20, 10, tzinfo=timezone.utc)
    digests: list[Digest] = []

    def digest() -> None:
        digests[:] = [build_digest(config, everyone, items, now=now)]  # old runs would slow the GC

    cold = timed(digest)
    warm = [timed(digest) for _ in range(runs)]
    made = digests[-1]
    chart, xlsx = made.replies[-1].attachments
    groups = sum(1 for r in made.replies if "bạn hỏi nội dung tương tự" in r.text)
    offloaded = n >= OFFLOAD_ROWS and usable_cores() > 1
    print(f"Digest + .xlsx + chart for {n:,} questions: {statistics.median(w for w, _ in warm):.2f} s warm "
          f"(median of {runs}), {cold[0]:.2f} s cold (first run) [target < 2 s]")
    print(f"  each run, wall / CPU of this process and the worker: cold {cold[0]:.2f} / {cold[1]:.2f} s; warm "
          + ", ".join(f"{w:.2f} / {c:.2f} s" for w, c in warm))
    print(f"  {len(made.replies)} messages, {len(xlsx.content) // 1024} KiB .xlsx, "
          f"{len(chart.content) // 1024} KiB PNG, messages with duplicate groups: {groups}; "
          f".xlsx {'in a worker process' if offloaded else 'in this process'}; {usable_cores()} cores, "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    rows = rows_for(config, items)
    rest = [r.text for r in rows if not r.needs_review]
    parts = {
        "rows": lambda: rows_for(config, items),
        "grouping": lambda: group_similar(rest),
        "text": lambda: build_digest(config, everyone, items, now=now, files=False),
        "chart": lambda: render_chart(config, items),
        ".xlsx": lambda: build_workbook(config.departments, rows),
    }
    print("  each part alone, warm, in this process (text includes rows and grouping): "
          + ", ".join(f"{name} {timed(work)[0]:.2f} s" for name, work in parts.items()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="warm runs after the cold one")
    arguments = parser.parse_args()
    main(arguments.questions, arguments.runs)
