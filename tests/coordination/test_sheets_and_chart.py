"""Workbook sheet names (short, whole words, unique) and the chart's whole-number count axes."""

import io
import re

from openpyxl import load_workbook

from bot.config import AppConfig
from handlers.coordination.chart import chart_figure, render_chart
from handlers.coordination.export import build_workbook
from handlers.coordination.sheets import MAX_TITLE, sheet_title
from handlers.settings import Department
from storage import Question

LONG_NAMES = (
    "Ngân hàng Chính sách xã hội chi nhánh tỉnh",
    "Sở Lao động – Thương binh và Xã hội",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
    "Ban Quản lý các khu công nghiệp tỉnh Sóc Trăng",
    "Phòng [Kế hoạch]: Tài chính / Đầu tư *?",
)
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def words(text: str) -> list[str]:
    return FORBIDDEN.sub(" ", text).split()


def assert_whole_words(title: str, name: str) -> None:
    """The title is the name's first words, none cut (a « (n)» suffix aside)."""
    kept = words(re.sub(r" \(\d+\)$", "", title))
    assert kept == words(name)[: len(kept)], (title, name)


def test_titles_are_short_whole_word_prefixes_without_forbidden_characters() -> None:
    taken: set[str] = set()
    for name in LONG_NAMES:
        title = sheet_title(name, taken)
        assert len(title) <= MAX_TITLE and not FORBIDDEN.search(title)
        assert_whole_words(title, name)
    bank = sheet_title("Ngân hàng Chính sách xã hội chi nhánh huyện", set())
    assert not bank.endswith(" chi")  # «chi nhánh» is one word: cut before it, not inside it
    labour = sheet_title("Sở Lao động – Thương binh và Xã hội", set())
    assert not labour.endswith(("Xã", "và", "–"))


def test_titles_stay_unique_when_shortened_names_collide() -> None:
    taken: set[str] = set()
    titles = [sheet_title(f"Ngân hàng Chính sách xã hội chi nhánh {place}", taken) for place in ("tỉnh", "huyện", "xã")]
    assert len({t.casefold() for t in titles}) == 3 and all(len(t) <= MAX_TITLE for t in titles)
    for title in titles:
        assert_whole_words(title, "Ngân hàng Chính sách xã hội chi nhánh")
    assert sheet_title("SỞ Y TẾ", {"sở y tế"}) != "SỞ Y TẾ"  # Excel compares names case-blind


def test_a_single_overlong_word_is_still_a_valid_title() -> None:
    title = sheet_title("X" * 40, set())
    assert title == "X" * MAX_TITLE


def test_every_workbook_sheet_of_the_configured_departments_is_a_whole_word_title(config: AppConfig) -> None:
    departments = (*config.departments, *(Department(code=f"d{i}", name=n) for i, n in enumerate(LONG_NAMES)))
    book = load_workbook(io.BytesIO(build_workbook(departments, [])), read_only=True)
    assert len(set(book.sheetnames)) == len(departments)
    for title, department in zip(book.sheetnames, departments):
        assert len(title) <= MAX_TITLE
        assert_whole_words(title, department.name)


def questions(*topics: str) -> list[Question]:
    return [Question(id=i, youth_id=i, unit_code="KESACH", text_raw="x", text_norm="x", topic=t)
            for i, t in enumerate(topics, 1)]


def test_the_count_axes_show_whole_numbers_only(config: AppConfig) -> None:
    units = tuple(u.model_copy(update={"allocation": 0}) for u in config.units)  # small counts: 0..1
    small = config.model_copy(update={"units": units})
    figure = chart_figure(small, questions("suc_khoe", "suc_khoe", "khoi_nghiep"))
    top, bottom = figure.axes
    for axes in (top, bottom):
        ticks = list(axes.get_xticks())
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
    assert max(top.get_xticks()) >= 2  # the axis still reaches the largest count
    assert render_chart(small, questions("suc_khoe")).startswith(b"\x89PNG")
