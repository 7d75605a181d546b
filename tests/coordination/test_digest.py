"""Digests: scope per coordinator, routing follows retagging, splitting, grouping, the .xlsx and the chart."""

import io
import multiprocessing
import random
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from bot.config import AppConfig
from handlers.coordination import offload, similar, texts
from handlers.coordination.digest import build_digest, pack
from handlers.coordination.export import build_workbook, rows_for
from handlers.coordination.routing import departments_for
from handlers.scope import covers, receives_final_export
from handlers.coordination.similar import group_similar
from storage import Question, Store
from storage.coordination import CoordinationRepo
from tests.coordination.support import (
    HEALTH, HOME, STARTUP, UNION, add_question, add_youth, coordinator, with_coordinators,
)
from tests.support import FakeClock

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def seeded(store: Store, clock: FakeClock) -> list:
    youth = await add_youth(store, "1", clock.now())
    other = await add_youth(store, "2", clock.now(), unit="TPST")
    await add_question(store, youth, "Làm sao để vay vốn khởi nghiệp nuôi tôm ở huyện?", "khoi_nghiep", clock.now(),
                       name="Nguyễn Văn An")
    await add_question(store, other, "Tỉnh có khám sức khỏe miễn phí cho thanh niên không?", "suc_khoe", clock.now(),
                       unit="TPST")
    await add_question(store, other, "=SUM(A1) câu hỏi khác về thủ tục hành chính", "khac", clock.now(),
                       needs_review=True, unit="TPST")
    async with store.unit() as uow:
        return list(await uow.questions.all())


def test_routing_and_scopes(config: AppConfig) -> None:
    health, startup, home, union = (coordinator(config, p).scope for p in (HEALTH, STARTUP, HOME, UNION))

    def on(topic: str | None) -> Question:
        return Question(channel="telegram", text_raw="", text_norm="", topic=topic, unit_code="KESACH")

    assert departments_for(config, "khoi_nghiep") == ("so_khdt", "nhcsxh", "so_ldtbxh")
    assert departments_for(config, None) == ("so_noi_vu",)
    assert covers(health, on("suc_khoe")) and not covers(health, on("khoi_nghiep"))
    assert covers(startup, on("khoi_nghiep")) and not covers(startup, on("khac"))  # by department
    assert covers(home, on("khac")) and covers(home, on(None)) and covers(union, on("doan_hoi"))
    assert receives_final_export(home, "so_noi_vu") and receives_final_export(union, "so_noi_vu")
    assert not receives_final_export(health, "so_noi_vu")


async def test_each_coordinator_sees_only_their_scope(config: AppConfig, store: Store, clock: FakeClock) -> None:
    config = with_coordinators(config)
    questions = await seeded(store, clock)
    health = build_digest(config, coordinator(config, HEALTH), questions, now=clock.now())
    text = "\n".join(r.text for r in health.replies)
    assert "ST2023-0002" in text and "ST2023-0001" not in text and "ST2023-0003" not in text
    assert health.new_count == 1 and health.question_ids == (2,)
    everyone = build_digest(config, coordinator(config, UNION), questions, now=clock.now())
    text = "\n".join(r.text for r in everyone.replies)
    assert all(f"ST2023-000{i}" in text for i in (1, 2, 3))
    # Needing review comes first.
    assert text.index("ST2023-0003") < text.index("ST2023-0001")
    assert "Huyện Kế Sách: 1 / 1; 1/15 bạn" in text and "Thành phố Sóc Trăng: 2 / 2; 1/15 bạn" in text
    # Nothing this coordinator has not received yet: a one-line note and no files.
    again = build_digest(config, coordinator(config, HEALTH), questions, now=clock.now(), digested={2})
    assert again.new_count == 0 and not again.replies[0].attachments


async def test_retagged_question_follows_to_the_new_department(config: AppConfig, store: Store, clock: FakeClock) -> None:
    questions = await seeded(store, clock)
    async with store.unit() as uow:
        question = await uow.questions.by_code("ST2023-0001")
        assert question is not None
        await uow.questions.correct_topic(question, "suc_khoe", "telegram:9004", clock.now())
        questions = list(await uow.questions.all())
    digest = build_digest(config, coordinator(config, HEALTH), questions, now=clock.now())
    assert "ST2023-0001" in "\n".join(r.text for r in digest.replies)
    startup = build_digest(config, coordinator(config, STARTUP), questions, now=clock.now())
    assert "ST2023-0001" not in "\n".join(r.text for r in startup.replies)


async def test_xlsx_has_one_sheet_per_department_and_the_forwarded_layout(
    config: AppConfig, store: Store, clock: FakeClock
) -> None:
    questions = await seeded(store, clock)
    digest = build_digest(config, coordinator(config, UNION), questions, now=clock.now())
    chart, xlsx = digest.replies[-1].attachments
    assert chart.content.startswith(PNG_MAGIC) and chart.mime_type == "image/png"
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert len(book.sheetnames) == len(config.departments)
    rows = list(book["Sở Kế hoạch và Đầu tư"].values)
    assert rows[0] == texts.XLSX_COLUMNS
    assert rows[1][:6] == (1, "ST2023-0001", "Huyện Kế Sách", "Nguyễn Văn An",
                           "Làm sao để vay vốn khởi nghiệp nuôi tôm ở huyện?", "Khởi nghiệp")
    assert "Ngân hàng Chính sách" in rows[1][6] and rows[1][7] == "đã tiếp nhận"
    assert rows[1][8] == "10/05/2023 09:00"
    noi_vu = list(book["Sở Nội vụ"].values)
    assert noi_vu[1][3] == texts.XLSX_ANONYMOUS and noi_vu[1][4].startswith("=SUM")  # text, not a formula
    assert len(list(book["Sở Y tế"].values)) == 2 and len(list(book["Tỉnh đoàn"].values)) == 1
    book.close()


async def test_long_digest_is_split_between_questions(config: AppConfig, store: Store, clock: FakeClock) -> None:
    youth = await add_youth(store, "1", clock.now())
    rng = random.Random(4)
    words = "vốn đất nuôi tôm lúa hợp tác xã bảo hiểm học nghề du lịch điện mặt trời chợ mạng internet".split()
    for i in range(60):
        text = f"Câu hỏi số {i}: " + " ".join(rng.choice(words) for _ in range(40 + 20 * (i % 4)))
        await add_question(store, youth, text, "khoi_nghiep", clock.now())
    async with store.unit() as uow:
        questions = list(await uow.questions.all())
    digest = build_digest(config, coordinator(config, UNION), questions, now=clock.now())
    assert len(digest.replies) > 1
    assert all(len(r.text) <= 3800 for r in digest.replies)
    for i in range(1, 61):
        code = f"ST2023-{i:04d}"
        [holder] = [r.text for r in digest.replies if code in r.text]  # each question whole, in one piece
        assert holder.count(code) == 1
    assert digest.replies[-1].attachments and not digest.replies[0].attachments
    assert "(phần 1/" in digest.replies[0].text


def test_pack_never_exceeds_the_limit() -> None:
    pieces = pack(["a" * 900] * 10 + ["b" * 5000], 2000)
    assert all(len(p) <= 2000 for p in pieces) and len(pieces) == 6


def test_near_duplicates_are_grouped_accent_insensitively() -> None:
    texts_ = [
        "Làm sao để vay vốn khởi nghiệp ở tỉnh Sóc Trăng?",
        "Bệnh viện tỉnh có khám sức khỏe sinh sản cho thanh niên không?",
        "lam sao de vay von khoi nghiep o tinh soc trang",
        "Làm sao để vay vốn khởi nghiệp ở tỉnh Sóc Trăng ạ?",
    ]
    assert group_similar(texts_) == [[0, 2, 3]]


async def test_duplicates_are_grouped_in_the_digest(config: AppConfig, store: Store, clock: FakeClock) -> None:
    youth = await add_youth(store, "1", clock.now())
    for i in range(7):
        await add_question(store, youth, "Tỉnh có hỗ trợ vay vốn khởi nghiệp cho thanh niên nông thôn không ạ" + "?" * i,
                           "khoi_nghiep", clock.now())
    await add_question(store, youth, "Khi nào có sân bóng đá cho thanh niên ở xã?", "van_hoa_tinh_than", clock.now())
    async with store.unit() as uow:
        questions = list(await uow.questions.all())
    digest = build_digest(config, coordinator(config, UNION), questions, now=clock.now())
    text = "\n".join(r.text for r in digest.replies)
    assert "7 bạn hỏi nội dung tương tự" in text
    assert text.count("Tỉnh có hỗ trợ vay vốn") == 1


def test_vectorised_folding_finds_the_words_fold_fast_finds() -> None:
    texts_ = ["Đà Nẵng\r\nxin chào 🙏🏻 ＡＢＣ", "", "?!", "İstanbul ΟΔΟΣ σ", "x_y 12 3", "e\u0301 ﬁ Ⱥ", "\ud800 lone",
              "a\nb", "日本語 テキスト", "Làm sao để VAY VỐN?"]
    for batch in (texts_, texts_[:3], ["Σ", "a"]):
        owners, hashes = similar._words(*similar._folded_points(batch))
        expected = [(i, _polynomial(w)) for i, t in enumerate(batch) for w in similar.fold_fast(t).split()]
        assert list(zip(owners.tolist(), hashes.tolist())) == expected


def _polynomial(word: str) -> int:
    return sum(ord(c) * pow(similar._BASE, i, 1 << 64) for i, c in enumerate(word)) % (1 << 64)


def test_groups_are_joined_only_through_pairs_above_the_threshold() -> None:
    rng = random.Random(7)
    words = "vay vốn khởi nghiệp nuôi tôm học nghề".split()
    texts_ = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 6))) for _ in range(300)]
    bigrams = [set(zip(ws, ws[1:])) or set(ws) for ws in (similar.fold_fast(t).split() for t in texts_)]

    def near(i: int, j: int) -> bool:
        a, b = bigrams[i], bigrams[j]
        return not (a | b) or len(a & b) / len(a | b) >= 0.5

    groups = group_similar(texts_)
    assert groups and all(g == sorted(g) for g in groups) and [g[0] for g in groups] == sorted(g[0] for g in groups)
    for group in groups:  # each group is connected by exact-Jaccard edges
        reached, frontier = {group[0]}, [group[0]]
        while frontier:
            i = frontier.pop()
            for j in group:
                if j not in reached and near(i, j):
                    reached.add(j)
                    frontier.append(j)
        assert reached == set(group)
    # No words at all: alike. A bigram said three times counts once ({ab, ba} both).
    assert group_similar(["???", "!!!", "a b a b a b", "a b a", "xin chào"]) == [[0, 1], [2, 3]]


def test_workbook_from_the_worker_process_matches_the_inline_one(
    config: AppConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [
        Question(id=i, code=f"ST2023-{i:04d}", youth_id=i, channel="telegram", unit_code="KESACH",
                 asker_name="=HYPERLINK(1)" if i == 2 else None, text_raw=f"=1+{i}" if i % 3 == 2 else f"Câu hỏi {i}",
                 text_norm="", topic=("khoi_nghiep", "suc_khoe", "khac")[i % 3], created_at=datetime(2023, 5, 1, 2))
        for i in range(1, 31)
    ]
    rows = rows_for(config, questions)

    def sheets(content: bytes) -> dict[str, list[list[tuple]]]:
        """Each sheet's rows as (value, data type) per cell: a formula would read back as ('=…', 'f')."""
        book = load_workbook(io.BytesIO(content), read_only=True)
        try:
            return {name: [[(c.value, c.data_type) for c in row] for row in book[name].iter_rows()]
                    for name in book.sheetnames}
        finally:
            book.close()

    inline = sheets(build_workbook(config.departments, rows))
    if offload.usable_cores() < 2:
        pytest.skip("one core: the workbook is always written inline")
    monkeypatch.setattr(offload, "OFFLOAD_ROWS", 0)
    with offload.workbook_beside(config.departments, rows) as workbook:
        assert multiprocessing.active_children()  # the worker is running
        worked = sheets(workbook())
    assert worked == inline
    assert inline["Sở Nội vụ"][1][3:5] == [("=HYPERLINK(1)", "s"), ("=1+2", "s")]  # text, not formulas
    digest = build_digest(config, coordinator(config, UNION), questions, now=datetime(2023, 5, 2, tzinfo=timezone.utc))
    assert sheets(digest.replies[-1].attachments[1].content) == inline


async def test_a_question_erased_takes_its_digest_marks_with_it(store: Store, clock: FakeClock) -> None:
    youth = await add_youth(store, "1", clock.now())
    question = await add_question(store, youth, "Câu hỏi sẽ bị xóa theo yêu cầu", "khac", clock.now())
    async with store.unit() as uow:
        repo = CoordinationRepo(uow.session)
        await repo.mark_digested("k", [question.id or 0, 999], clock.now())  # 999: erased meanwhile, no row
        assert await repo.digested("k") == {question.id}
    async with store.unit() as uow:
        found = await uow.youth.get("telegram", "1")
        await uow.youth.erase(found)
    async with store.unit() as uow:
        assert await CoordinationRepo(uow.session).digested("k") == set()
